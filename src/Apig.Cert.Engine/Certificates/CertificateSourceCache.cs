using System;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Apig.Cert.Engine.Certificates
{
    /// <summary>
    /// Parses each distinct certificate input once per command invocation. A failure is remembered too: every piped
    /// domain still gets its own error, without the files being read again. The parsed bundles are the batch's shared
    /// copy of the private keys: <see cref="Dispose"/> clears them, so the command that owns the cache disposes it when it ends.
    /// </summary>
    public sealed class CertificateSourceCache : IDisposable
    {
        private readonly ConcurrentDictionary<string, Lazy<CertificateBundle>> _entries =
            new ConcurrentDictionary<string, Lazy<CertificateBundle>>(StringComparer.Ordinal);

        private int _parseCount;
        private volatile bool _disposed;

        /// <summary>How many times an input was actually parsed (for tests and Verbose).</summary>
        public int ParseCount => Volatile.Read(ref _parseCount);

        public CertificateBundle Get(CertificateSource input)
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(CertificateSourceCache));
            }

            Lazy<CertificateBundle> entry = _entries.GetOrAdd(
                input.CacheKey,
                _ => new Lazy<CertificateBundle>(
                    () =>
                    {
                        Interlocked.Increment(ref _parseCount);
                        return input.Load();
                    },
                    LazyThreadSafetyMode.ExecutionAndPublication));
            try
            {
                return entry.Value;
            }
            catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
            {
                ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
                throw;
            }
        }

        /// <summary>Clears the private key of every bundle parsed so far; later Get calls fail.</summary>
        public void Dispose()
        {
            _disposed = true;
            foreach (Lazy<CertificateBundle> entry in _entries.Values)
            {
                if (entry.IsValueCreated)
                {
                    entry.Value.Dispose();
                }
            }
        }
    }
}
