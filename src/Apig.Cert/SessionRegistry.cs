using System.Globalization;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert
{
    /// <summary>
    /// The connections belong to the runspace that made them, not to the process: parallel runspaces, thread jobs and
    /// Automation jobs in one process never see each other's credentials. Each runspace has its own
    /// <see cref="ApigContextRegistry"/> (every context it connected, and its default).
    /// </summary>
    internal static class SessionRegistry
    {
        private static readonly ConditionalWeakTable<Runspace, ApigContextRegistry> s_registries = new ConditionalWeakTable<Runspace, ApigContextRegistry>();

        /// <summary>This runspace's default session, or null.</summary>
        public static ApigSession? Current => Existing?.Default;

        /// <summary>This runspace's registry if it ever connected; null otherwise (and outside any runspace).</summary>
        public static ApigContextRegistry? Existing
        {
            get
            {
                Runspace? runspace = Runspace.DefaultRunspace;
                return runspace != null && s_registries.TryGetValue(runspace, out ApigContextRegistry? registry) ? registry : null;
            }
        }

        /// <summary>This runspace's registry, made on first use; null outside any runspace.</summary>
        public static ApigContextRegistry? ForCurrentRunspace
        {
            get
            {
                Runspace? runspace = Runspace.DefaultRunspace;
                return runspace is null
                    ? null
                    : s_registries.GetValue(runspace, r => new ApigContextRegistry("runspace " + r.Id.ToString(CultureInfo.InvariantCulture)));
            }
        }

        /// <summary>Forgets every connection of this runspace (module removal).</summary>
        public static void ForgetAll() => Existing?.RemoveAll();
    }
}
