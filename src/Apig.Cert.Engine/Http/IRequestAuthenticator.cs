using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Http
{
    /// <summary>Adds credentials to each attempt. Implementations are shared by all clients of a session and must be thread-safe.</summary>
    internal interface IRequestAuthenticator
    {
        /// <summary>
        /// Adds the auth headers. Returns the credential generation used (e.g. the token), which
        /// <see cref="RefreshAsync"/> receives back so concurrent rejections cause a single refresh.
        /// </summary>
        Task<object?> ApplyAsync(HttpRequestMessage request, string hostHeader, byte[] body, IApigLog? log, CancellationToken cancellationToken);

        /// <summary>True when a rejected credential can be renewed (password sign-in).</summary>
        bool CanRefresh { get; }

        Task RefreshAsync(object? rejectedGeneration, IApigLog? log, CancellationToken cancellationToken);
    }
}
