using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// Forgets APIG connections of this runspace and their credentials: the default one, the contexts given (or piped),
    /// or all. Disconnecting the default leaves no context the default: a later command without -Context fails instead of
    /// acting, unasked, in another region or project.
    /// </summary>
    [Cmdlet(VerbsCommunications.Disconnect, "Apig", DefaultParameterSetName = DefaultSet, HelpUri = HelpLinks.DisconnectApig)]
    [OutputType(typeof(void))]
    public sealed class DisconnectApigCommand : ApigCmdlet
    {
        private const string DefaultSet = "Default";
        private const string ContextSet = "Context";
        private const string AllSet = "All";

        /// <summary>The contexts to disconnect; from the pipeline too (Get-ApigContext -ListAvailable | Disconnect-Apig).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ContextSet)]
        [ApigContextTransformation]
        public ApigContext[] Context { get; set; } = new ApigContext[0];

        /// <summary>Every context of this runspace.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AllSet)]
        public SwitchParameter All { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName != ContextSet)
            {
                return;
            }

            ApigContextRegistry registry = SessionRegistry.ForCurrentRunspace!;
            foreach (ApigContext context in Context.Where(c => c != null))
            {
                ApigSession session;
                try
                {
                    session = registry.Resolve(context, ownOnly: true);
                }
                catch (ApigInputException ex) when (ex.ErrorId == "ContextDisconnected")
                {
                    WriteVerbose("Already disconnected: " + ApigContextRegistry.Describe(context) + ".");
                    continue;
                }
                catch (ApigInputException ex)
                {
                    WriteError(ErrorRecords.From(ex, context));
                    continue;
                }

                bool wasDefault = ReferenceEquals(session, registry.Default);
                registry.Remove(session.Context);
                WriteVerbose("Disconnected " + ApigContextRegistry.Describe(session.Context) + "." + (wasDefault ? " " + AfterDefault(registry) : string.Empty));
            }
        }

        protected override void EndProcessing()
        {
            ApigContextRegistry? registry = SessionRegistry.Existing;
            if (ParameterSetName == AllSet)
            {
                int count = registry?.RemoveAll() ?? 0;
                WriteVerbose(count == 0 ? "Not connected; nothing to disconnect." : "Disconnected " + count + " context(s); none is left.");
                return;
            }

            if (ParameterSetName != DefaultSet)
            {
                return;
            }

            ApigSession? session = registry?.Default;
            if (session is null)
            {
                WriteVerbose(registry is null || registry.Count == 0
                    ? "Not connected; nothing to disconnect."
                    : "No context is the default, so nothing was disconnected; " + registry.Count + " context(s) stay connected. " +
                      "Disconnect them with -Context (Get-ApigContext -ListAvailable | Disconnect-Apig) or -All.");
                return;
            }

            registry!.Remove(session.Context);
            WriteVerbose("Disconnected from APIG: " + ApigContextRegistry.Describe(session.Context) + ". " + AfterDefault(registry));
        }

        // The default was just disconnected: no other context takes its place, and the message says what is left.
        private static string AfterDefault(ApigContextRegistry registry)
        {
            IReadOnlyList<ApigSession> left = registry.Sessions;
            return left.Count == 0
                ? "No context is connected now."
                : "It was the default; no context is the default now, so commands without -Context fail until Connect-Apig. Still connected: " +
                  string.Join("; ", left.Select(s => ApigContextRegistry.Describe(s.Context))) + ".";
        }
    }
}
