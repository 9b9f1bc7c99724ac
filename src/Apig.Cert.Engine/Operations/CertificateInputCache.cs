using System;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading;
using Apig.Cert.Engine.Certificates;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>
    /// Parses each distinct certificate input once per command invocation. A failure is remembered too: every piped
    /// domain still gets its own error, without the files being read again.
    /// </summary>
    public sealed class CertificateInputCache
    {
        private readonly ConcurrentDictionary<string, Lazy<CertificateBundle>> _entries =
            new ConcurrentDictionary<string, Lazy<CertificateBundle>>(StringComparer.Ordinal);

        private int _parseCount;

        /// <summary>How many times an input was actually parsed (for tests and Verbose).</summary>
        public int ParseCount => Volatile.Read(ref _parseCount);

        public CertificateBundle Get(CertificateInput input)
        {
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
    }
}
