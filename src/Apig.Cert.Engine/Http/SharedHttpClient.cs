using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Reflection;
using System.Threading;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;

namespace Apig.Cert.Engine.Http
{
    /// <summary>
    /// The process-wide connection pools. Sessions from different runspaces share them safely because the default pool
    /// holds no credentials: auth headers are added to each request by its session. A connection with its own proxy
    /// settings gets a pool of its own (a named client), shared by every session with the same settings.
    /// </summary>
    internal static class SharedHttpClient
    {
        private const string ClientName = "Apig.Cert";
        private const string ProxyClientPrefix = "Apig.Cert.Proxy.";
        private const string DirectClientName = "Apig.Cert.Direct";

        public static readonly string UserAgent = "Apig.Cert/" + InformationalVersion();

        // IHttpClientFactory rotates the primary handler, so DNS changes are picked up without leaking sockets.
        private static readonly Lazy<IHttpClientFactory> Factory = new Lazy<IHttpClientFactory>(CreateFactory, LazyThreadSafetyMode.ExecutionAndPublication);

        // Grows by one entry per distinct proxy setup a process ever uses (a handful), never per session or request.
        private static readonly object ProxyGate = new object();
        private static readonly List<ProxyChoice> ProxyChoices = new List<ProxyChoice>();

        public static HttpClient Get() => Factory.Value.CreateClient(ClientName);

        /// <summary>The client for these proxy settings; the default shared client when there are none.</summary>
        public static HttpClient Get(ProxyChoice? proxy) => proxy == null ? Get() : Factory.Value.CreateClient(ClientNameFor(proxy));

        /// <summary>
        /// The client for a request to <paramref name="target"/>. Plain http goes only to this machine (the endpoint rules
        /// see to that) and carries credentials and private keys in clear text, so it never goes through any proxy:
        /// .NET does not bypass HTTP_PROXY or ALL_PROXY for loopback addresses.
        /// </summary>
        public static HttpClient For(Uri target, ProxyChoice? proxy) =>
            target.Scheme == Uri.UriSchemeHttp ? Factory.Value.CreateClient(DirectClientName) : Get(proxy);

        /// <summary>The named client a proxy choice maps to: equal choices map to the same name, and so to the same pool.</summary>
        internal static string ClientNameFor(ProxyChoice proxy)
        {
            lock (ProxyGate)
            {
                int index = ProxyChoices.IndexOf(proxy);
                if (index < 0)
                {
                    ProxyChoices.Add(proxy);
                    index = ProxyChoices.Count - 1;
                }

                // An index, not the URI or user: client names appear in the factory's own diagnostics.
                return ProxyClientPrefix + index.ToString(CultureInfo.InvariantCulture);
            }
        }

        private static ProxyChoice? ChoiceForClientName(string? name)
        {
            if (name == null || !name.StartsWith(ProxyClientPrefix, StringComparison.Ordinal)) return null;
            int index = int.Parse(name.Substring(ProxyClientPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture);
            lock (ProxyGate)
            {
                return ProxyChoices[index];
            }
        }

        private static IHttpClientFactory CreateFactory()
        {
            // Only what the factory itself needs. AddHttpClient also registers a handler filter that wraps every client in
            // logging handlers for loggers nobody registered: building it brings up the whole logging stack on the first
            // request of a process. The pipeline does its own (redacted) logging, so the filters go.
            var services = new ServiceCollection();
            services.AddHttpClient();
            services.RemoveAll<IHttpMessageHandlerBuilderFilter>();
            // Every client name (the default one and each proxy one) gets its settings and primary handler here, from the
            // name, so proxy pools need no registration up front and still get the factory's handler rotation.
            services.ConfigureAll<HttpClientFactoryOptions>(options =>
            {
                options.HttpClientActions.Add(client =>
                {
                    // Per-request deadlines come from the session's Timeout through a linked token, so retries get
                    // a fresh deadline each; a client-wide timeout would also cut the retry loop short.
                    client.Timeout = Timeout.InfiniteTimeSpan;
                    client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
                });
                options.HttpMessageHandlerBuilderActions.Add(builder => builder.PrimaryHandler = builder.Name == DirectClientName
                    ? CreateDirectHandler()
                    : CreateHandler(ChoiceForClientName(builder.Name)));
            });
            return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        }

        /// <summary>No proxy of any kind: neither the environment's, nor the system's.</summary>
        internal static HttpClientHandler CreateDirectHandler()
        {
            HttpClientHandler handler = CreateHandler(null);
            handler.UseProxy = false;
            return handler;
        }

        internal static HttpClientHandler CreateHandler(ProxyChoice? proxy)
        {
            var handler = new HttpClientHandler
            {
                // A redirect would re-send the signed request (and a private key) to wherever the Location points.
                AllowAutoRedirect = false,
                UseCookies = false,
                MaxConnectionsPerServer = 64,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                // With no Proxy set this is the platform default: HttpClient.DefaultProxy on .NET (HTTPS_PROXY,
                // HTTP_PROXY, NO_PROXY, else the system setting) and the IE/WinHTTP settings on .NET Framework.
                UseProxy = true,
            };

            if (proxy == null) return handler;

            if (proxy.Address != null)
            {
                handler.Proxy = new WebProxy(proxy.Address)
                {
                    // An explicit -Proxy means every request, including one to a loopback endpoint: the admin asked for it.
                    BypassProxyOnLocal = false,
                    UseDefaultCredentials = proxy.UseDefaultCredentials,
                    Credentials = proxy.Credential,
                };
            }
            else
            {
                // No -Proxy: the system or environment proxy stays in charge, answered with these credentials.
                handler.DefaultProxyCredentials = proxy.UseDefaultCredentials ? CredentialCache.DefaultCredentials : proxy.Credential;
            }

            return handler;
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
