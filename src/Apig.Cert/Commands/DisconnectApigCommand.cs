using System.Management.Automation;

namespace Apig.Cert.Commands
{
    /// <summary>Forgets this runspace's APIG connection and its credentials.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "Apig", HelpUri = HelpLinks.DisconnectApig)]
    [OutputType(typeof(void))]
    public sealed class DisconnectApigCommand : ApigCmdlet
    {
        protected override void EndProcessing()
        {
            if (SessionRegistry.Current is null)
            {
                WriteVerbose("Not connected; nothing to disconnect.");
                return;
            }

            SessionRegistry.Set(null);
            WriteVerbose("Disconnected from APIG.");
        }
    }
}
