using System.Management.Automation;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Commands
{
    /// <summary>Shows this runspace's default APIG context (no secrets), or with -ListAvailable every connected one, the default first.</summary>
    [Cmdlet(VerbsCommon.Get, "ApigContext", HelpUri = HelpLinks.GetApigContext)]
    [OutputType(typeof(ApigContext))]
    public sealed class GetApigContextCommand : ApigCmdlet
    {
        /// <summary>The type name of -ListAvailable's output, whose default view is a table with IsDefault.</summary>
        internal const string ListTypeName = "Apig.Cert.ApigContext#List";

        /// <summary>Every context connected in this runspace: the default first (IsDefault), then the others in the order they were connected.</summary>
        [Parameter]
        public SwitchParameter ListAvailable { get; set; }

        protected override void EndProcessing()
        {
            ApigContextRegistry? registry = SessionRegistry.Existing;
            if (ListAvailable.IsPresent)
            {
                if (registry is null || registry.Count == 0)
                {
                    WriteVerbose("Not connected. Run Connect-Apig.");
                    return;
                }

                foreach (ApigSession listed in registry.Sessions)
                {
                    var shown = new PSObject(listed.Context);
                    shown.TypeNames.Insert(0, ListTypeName);
                    WriteObject(shown);
                }

                return;
            }

            ApigSession? session = registry?.Default;
            if (session is null)
            {
                WriteVerbose(registry is null || registry.Count == 0
                    ? "Not connected. Run Connect-Apig."
                    : "No context is the default; " + registry.Count + " context(s) are connected: Get-ApigContext -ListAvailable lists them.");
                return;
            }

            WriteObject(session.Context);
        }
    }
}
