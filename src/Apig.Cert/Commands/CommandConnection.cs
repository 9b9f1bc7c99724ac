using System;
using System.Collections.Generic;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Connection;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// One connection as one command uses it: the session, one client over it, and the engine objects the command makes
    /// over that client (a group cache, a bindings use-case...), each made once, on first use. Items of one connection
    /// share them; items of another connection get their own.
    /// </summary>
    internal sealed class CommandConnection
    {
        private readonly object _gate = new object();
        private readonly Dictionary<Type, object> _parts = new Dictionary<Type, object>();

        public CommandConnection(ApigSession session, IApigLog log)
        {
            Session = session;
            Log = log;
            Client = session.CreateClient(log);
        }

        public ApigSession Session { get; }

        public ApigContext Context => Session.Context;

        public string ProjectId => Session.Context.ProjectId;

        public ApigClient Client { get; }

        public IApigLog Log { get; }

        /// <summary>The one <typeparamref name="T"/> of this connection for this command, made by <paramref name="create"/> the first time.</summary>
        public T Get<T>(Func<CommandConnection, T> create) where T : class
        {
            lock (_gate)
            {
                if (_parts.TryGetValue(typeof(T), out object? made)) return (T)made;
            }

            // Made outside the lock: a part may be made of other parts.
            T part = create(this);
            lock (_gate)
            {
                if (_parts.TryGetValue(typeof(T), out object? raced)) return (T)raced;
                _parts.Add(typeof(T), part);
                return part;
            }
        }

        /// <summary>The <typeparamref name="T"/> made so far, or null (summaries read what was used without making it).</summary>
        public T? Find<T>() where T : class
        {
            lock (_gate) return _parts.TryGetValue(typeof(T), out object? made) ? (T)made : null;
        }
    }
}
