using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert
{
    /// <summary>
    /// The connection belongs to the runspace that made it, not to the process: parallel runspaces, thread jobs and
    /// Automation jobs in one process never see each other's credentials.
    /// </summary>
    internal static class SessionRegistry
    {
        private static readonly ConditionalWeakTable<Runspace, SessionHolder> s_sessions = new ConditionalWeakTable<Runspace, SessionHolder>();

        public static ApigSession? Current
        {
            get
            {
                Runspace? runspace = Runspace.DefaultRunspace;
                return runspace != null && s_sessions.TryGetValue(runspace, out SessionHolder? holder) ? holder.Session : null;
            }
        }

        public static void Set(ApigSession? session)
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            if (runspace is null)
            {
                return;
            }

            s_sessions.GetValue(runspace, _ => new SessionHolder()).Session = session;
        }

        private sealed class SessionHolder
        {
            public ApigSession? Session { get; set; }
        }
    }
}
