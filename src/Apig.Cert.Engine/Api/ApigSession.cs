using System;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Auth;

namespace Apig.Cert.Engine.Api
{
    /// <summary>
    /// One Connect-Apig: the credentials (kept as SecureString), the public context, and token refresh for
    /// password auth. Thread-safe; the HttpClient behind it is shared process-wide and holds no credentials.
    /// </summary>
    public sealed class ApigSession
    {
        public static Task<ApigSession> ConnectAsync(ApigConnectionSettings settings, IApigLog? log, CancellationToken cancellationToken) =>
            throw new NotImplementedException();

        public ApigContext Context => throw new NotImplementedException();

        public ApigClient CreateClient(IApigLog? log) => throw new NotImplementedException();
    }
}
