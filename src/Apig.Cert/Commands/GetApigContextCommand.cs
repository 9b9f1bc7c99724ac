using System.Management.Automation;

namespace Apig.Cert.Commands
{
    /// <summary>Shows this runspace's APIG connection (no secrets), or nothing when not connected.</summary>
    [Cmdlet(VerbsCommon.Get, "ApigContext", HelpUri = HelpLinks.GetApigContext)]
    [OutputType(typeof(ApigContext))]
    public sealed class GetApigContextCommand : ApigCmdlet
    {
        protected override void EndProcessing()
        {
            var session = SessionRegistry.Current;
            if (session is null)
            {
                WriteVerbose("Not connected. Run Connect-Apig.");
                return;
            }

            WriteObject(session.Context);
        }
    }
}
