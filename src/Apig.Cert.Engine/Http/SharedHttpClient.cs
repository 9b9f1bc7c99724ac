using System;
using System.Net;
using System.Net.Http;
using System.Reflection;
using System.Threading;
using Microsoft.Extensions.DependencyInjection;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// The process-wide connection pool. Sessions from different runspaces share it safely because it holds no
    /// credentials: auth headers are added to each request by its session.
    /// </summary>
    internal static class SharedHttpClient
    {
        private const string ClientName = "Apig.Cert";

        public static readonly string UserAgent = "Apig.Cert/" + InformationalVersion();

        // IHttpClientFactory rotates the primary handler, so DNS changes are picked up without leaking sockets.
        private static readonly Lazy<IHttpClientFactory> Factory = new Lazy<IHttpClientFactory>(CreateFactory, LazyThreadSafetyMode.ExecutionAndPublication);

        public static HttpClient Get() => Factory.Value.CreateClient(ClientName);

        private static IHttpClientFactory CreateFactory()
        {
            var services = new ServiceCollection();
            services.AddHttpClient(ClientName)
                .ConfigureHttpClient(client =>
                {
                    // Per-request deadlines come from the session's Timeout through a linked token, so retries get
                    // a fresh deadline each; a client-wide timeout would also cut the retry loop short.
                    client.Timeout = Timeout.InfiniteTimeSpan;
                    client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
                })
                // The factory's default logging handlers open log scopes around every request for loggers nobody
                // registered; the pipeline does its own (redacted) logging.
                .RemoveAllLoggers()
                .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler
                {
                    // A redirect would re-send the signed request (and a private key) to wherever the Location points.
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    MaxConnectionsPerServer = 64,
                    AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                });
            return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        }

        private static string InformationalVersion()
        {
            var assembly = typeof(SharedHttpClient).Assembly;
            string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? assembly.GetName().Version?.ToString();
            if (string.IsNullOrEmpty(version)) return "0.0.0";
            // Build metadata (+<commit>) is noise in a User-Agent and differs per build of the same release.
            int plus = version!.IndexOf('+');
            return plus > 0 ? version.Substring(0, plus) : version;
        }
    }
}
