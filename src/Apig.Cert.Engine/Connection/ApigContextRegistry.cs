using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using Apig.Cert;

namespace Apig.Cert.Engine.Connection
{
    /// <summary>
    /// The connections of one runspace: every Connect-Apig that succeeded, in the order they were made, and which one is
    /// the default. A context maps to its session only through this registry: the context itself holds no reference to the
    /// credentials, so nothing reachable from a context (Format-List *, Export-Clixml, ConvertTo-Json) can show a secret.
    /// Thread-safe.
    /// </summary>
    public sealed class ApigContextRegistry
    {
        // Which registry each context was connected in, so a context of another runspace, or one disconnected, is named
        // as such instead of being taken for a stranger. Weak: a context nobody holds any more is forgotten with it.
        private static readonly ConditionalWeakTable<ApigContext, Ownership> s_owners = new ConditionalWeakTable<ApigContext, Ownership>();

        private readonly object _gate = new object();
        private readonly List<ApigSession> _sessions = new List<ApigSession>();
        private ApigSession? _default;

        /// <param name="ownerName">How messages name the owner, e.g. "runspace 3".</param>
        public ApigContextRegistry(string ownerName)
        {
            OwnerName = ownerName;
        }

        public string OwnerName { get; }

        public ApigSession? Default
        {
            get
            {
                lock (_gate) return _default;
            }
        }

        public int Count
        {
            get
            {
                lock (_gate) return _sessions.Count;
            }
        }

        /// <summary>Every connection: the default first, then the others in the order they were connected.</summary>
        public IReadOnlyList<ApigSession> Sessions
        {
            get
            {
                lock (_gate)
                {
                    var ordered = new List<ApigSession>(_sessions.Count);
                    if (_default != null) ordered.Add(_default);
                    ordered.AddRange(_sessions.Where(s => !ReferenceEquals(s, _default)));
                    return ordered;
                }
            }
        }

        /// <summary>
        /// Adds a new connection. One with the same region, project, endpoint and identity as an earlier one replaces it
        /// (returned), keeping its place as the default if it was. <paramref name="makeDefault"/> makes the new one the default.
        /// </summary>
        public ApigSession? Add(ApigSession session, bool makeDefault)
        {
            if (session == null) throw new ArgumentNullException(nameof(session));
            lock (_gate)
            {
                ApigSession? replaced = _sessions.FirstOrDefault(s => s.ConnectionKey == session.ConnectionKey);
                if (replaced != null)
                {
                    _sessions.Remove(replaced);
                    replaced.Context.IsDefault = false;
                    OwnershipOf(replaced.Context).ReplacedBy = session.ConnectionKey;
                }

                _sessions.Add(session);
                Ownership owner = OwnershipOf(session.Context);
                owner.Registry = this;
                owner.Disconnected = false;
                if (makeDefault || (replaced != null && ReferenceEquals(replaced, _default)))
                {
                    _default = session;
                }

                MarkDefault();
                return replaced;
            }
        }

        /// <summary>Forgets one connection (and its credentials); returns it, or null when it is not one of this registry's.</summary>
        public ApigSession? Remove(ApigContext context)
        {
            lock (_gate)
            {
                ApigSession? session = _sessions.FirstOrDefault(s => ReferenceEquals(s.Context, context));
                if (session == null) return null;
                _sessions.Remove(session);
                session.Context.IsDefault = false;
                OwnershipOf(context).Disconnected = true;
                if (ReferenceEquals(session, _default)) _default = null;
                MarkDefault();
                return session;
            }
        }

        /// <summary>Forgets every connection; returns how many there were.</summary>
        public int RemoveAll()
        {
            lock (_gate)
            {
                int count = _sessions.Count;
                foreach (ApigSession session in _sessions)
                {
                    session.Context.IsDefault = false;
                    OwnershipOf(session.Context).Disconnected = true;
                }

                _sessions.Clear();
                _default = null;
                MarkDefault();
                return count;
            }
        }

        /// <summary>Leaves every connection connected, none of them the default.</summary>
        public void ClearDefault()
        {
            lock (_gate)
            {
                _default = null;
                MarkDefault();
            }
        }

        /// <summary>
        /// The session of <paramref name="context"/>: the very object Connect-Apig returned in this runspace (or the one
        /// that replaced it with the same identity). A context of another runspace stands for this runspace's connection
        /// with the same region, project, endpoint and identity (a parallel runspace that connected on its own works on
        /// objects piped in from outside); with none it is refused, naming it and the fix, and so always with
        /// <paramref name="ownOnly"/>. A disconnected one is refused; any other object (one rebuilt by hand, or of an
        /// earlier import of the module) is matched by its properties.
        /// </summary>
        public ApigSession Resolve(ApigContext context, bool ownOnly = false)
        {
            if (context == null) throw new ArgumentNullException(nameof(context));
            lock (_gate)
            {
                ApigSession? live = _sessions.FirstOrDefault(s => ReferenceEquals(s.Context, context));
                if (live != null) return live;

                if (s_owners.TryGetValue(context, out Ownership? owner) && owner.Registry != null)
                {
                    if (!ReferenceEquals(owner.Registry, this))
                    {
                        List<ApigSession> equivalent = ownOnly ? new List<ApigSession>() : _sessions.Where(s => ApigContextShape.Of(context).Matches(s.Context)).ToList();
                        if (equivalent.Count > 0) return Single(equivalent, Describe(context));
                        throw new ApigInputException("ContextOfAnotherRunspace", "Context",
                            "The context " + Describe(context) + " was connected in another runspace (" + owner.Registry.OwnerName + "), and connections " +
                            "belong to the runspace that made them (this is " + OwnerName + ")" + (ownOnly ? "." : ", which has no connection of that region, project and identity.") +
                            " Run Connect-Apig in this runspace and pass the context it returns" + (ownOnly ? "" : " (or objects carrying the other runspace's context then act through it)") +
                            ConnectedHint() + ".");
                    }

                    if (owner.ReplacedBy != null && _sessions.FirstOrDefault(s => s.ConnectionKey == owner.ReplacedBy) is { } successor)
                    {
                        return successor;
                    }

                    throw new ApigInputException("ContextDisconnected", "Context",
                        "The context " + Describe(context) + " was disconnected (Disconnect-Apig, or Remove-Module Apig.Cert), so its credentials are gone. Run Connect-Apig again " +
                        "and pass the context it returns" + ConnectedHint() + ".");
                }

                return ResolveLocked(ApigContextShape.Of(context));
            }
        }

        /// <summary>
        /// The one connection whose public properties match <paramref name="shape"/>: a context that came back from
        /// Export-Clixml/Import-Clixml or a job's output. Nothing else identifies it, and it carries no credentials.
        /// </summary>
        public ApigSession Resolve(ApigContextShape shape)
        {
            if (shape == null) throw new ArgumentNullException(nameof(shape));
            lock (_gate) return ResolveLocked(shape);
        }

        /// <summary>
        /// A context named by text (a CSV column, a typed value): the text of a context as it shows it (its ToString), a
        /// region or a project id, which must name exactly one connection of this runspace.
        /// </summary>
        public ApigSession Resolve(string text)
        {
            string wanted = (text ?? string.Empty).Trim();
            lock (_gate)
            {
                List<ApigSession> found = _sessions.Where(s => string.Equals(s.Context.ToString(), wanted, StringComparison.OrdinalIgnoreCase)).ToList();
                if (found.Count == 0)
                {
                    found = _sessions.Where(s => string.Equals(s.Context.Region, wanted, StringComparison.OrdinalIgnoreCase)
                                                 || string.Equals(s.Context.ProjectId, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
                }

                return Single(found, "'" + wanted + "'");
            }
        }

        private ApigSession ResolveLocked(ApigContextShape shape)
        {
            List<ApigSession> found = _sessions.Where(s => shape.Matches(s.Context)).ToList();
            return Single(found, shape.ToString());
        }

        private ApigSession Single(List<ApigSession> found, string described)
        {
            if (found.Count == 1) return found[0];
            if (found.Count == 0)
            {
                throw new ApigInputException("ContextNotConnected", "Context",
                    "No connection of this runspace (" + OwnerName + ") matches the context " + described + ": a context is live only in the runspace whose " +
                    "Connect-Apig made it, and one read back from a file or a job carries no credentials. Run Connect-Apig for that region and project " +
                    "in this runspace and pass the context it returns" + ConnectedHint() + ".");
            }

            throw new ApigInputException("ContextAmbiguous", "Context",
                "The context " + described + " matches " + found.Count.ToString(CultureInfo.InvariantCulture) + " connections of this runspace: " +
                string.Join("; ", found.Select(s => Describe(s.Context))) + ". Pass the context object Connect-Apig returned (or one from Get-ApigContext -ListAvailable).");
        }

        private string ConnectedHint()
        {
            if (_sessions.Count == 0) return " (no context is connected in this runspace)";
            return " (connected here: " + string.Join("; ", _sessions.Select(s => Describe(s.Context))) + ")";
        }

        /// <summary>How messages name a context: what it is, without any secret.</summary>
        public static string Describe(ApigContext context) =>
            context.AuthType.ToString() +
            (context.AccessKey != null ? " " + context.AccessKey : context.UserName != null ? " " + context.UserName : string.Empty) +
            ", project " + context.ProjectId + ", region " + context.Region + (context.Endpoint != null ? ", " + context.Endpoint.GetLeftPart(UriPartial.Authority) : string.Empty);

        // Under _gate: every context's IsDefault says the truth after each change.
        private void MarkDefault()
        {
            foreach (ApigSession session in _sessions) session.Context.IsDefault = ReferenceEquals(session, _default);
        }

        private static Ownership OwnershipOf(ApigContext context) => s_owners.GetValue(context, _ => new Ownership());

        private sealed class Ownership
        {
            public ApigContextRegistry? Registry { get; set; }

            public bool Disconnected { get; set; }

            /// <summary>The key of the connection that replaced this one (a Connect-Apig with the same identity).</summary>
            public string? ReplacedBy { get; set; }
        }
    }

    /// <summary>
    /// The public properties that identify a context (region, project, endpoint, and who signs as far as the context shows
    /// it), read from a deserialized context. A property left null matches anything.
    /// </summary>
    public sealed class ApigContextShape
    {
        public string? Region { get; set; }

        public string? ProjectId { get; set; }

        public string? Endpoint { get; set; }

        public string? AuthType { get; set; }

        public string? AccessKey { get; set; }

        public string? UserName { get; set; }

        public string? AccountName { get; set; }

        /// <summary>Enough to point at one connection: where (region, project or endpoint) is known.</summary>
        public bool IsUsable => !string.IsNullOrEmpty(Region) || !string.IsNullOrEmpty(ProjectId) || !string.IsNullOrEmpty(Endpoint);

        public static ApigContextShape Of(ApigContext context) => new ApigContextShape
        {
            Region = context.Region,
            ProjectId = context.ProjectId,
            Endpoint = context.Endpoint?.ToString(),
            AuthType = context.AuthType.ToString(),
            AccessKey = context.AccessKey,
            UserName = context.UserName,
            AccountName = context.AccountName,
        };

        internal bool Matches(ApigContext context) =>
            Same(Region, context.Region)
            && Same(ProjectId, context.ProjectId)
            && (string.IsNullOrEmpty(Endpoint) || string.Equals(Endpoint!.TrimEnd('/'), context.Endpoint?.ToString().TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            && (string.IsNullOrEmpty(AuthType) || (Enum.TryParse(AuthType, true, out ApigAuthType auth) && auth == context.AuthType))
            && (string.IsNullOrEmpty(AccessKey) || string.Equals(AccessKey, context.AccessKey, StringComparison.Ordinal))
            && Same(UserName, context.UserName)
            && Same(AccountName, context.AccountName);

        private static bool Same(string? wanted, string? actual) =>
            string.IsNullOrEmpty(wanted) || string.Equals(wanted, actual, StringComparison.OrdinalIgnoreCase);

        public override string ToString() =>
            (Enum.TryParse(AuthType, true, out ApigAuthType auth) ? auth.ToString() : AuthType ?? "?") + (AccessKey != null ? " " + AccessKey : UserName != null ? " " + UserName : string.Empty) +
            ", project " + (ProjectId ?? "?") + ", region " + (Region ?? "?") + (Endpoint != null ? ", " + Endpoint.TrimEnd('/') : string.Empty);
    }
}
