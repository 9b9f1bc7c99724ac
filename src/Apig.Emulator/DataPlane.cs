using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Apig.Emulator;

/// <summary>
/// The key and chain of one uploaded certificate, turned into what a TLS server needs on the first handshake that
/// serves it (most uploads are never served, so the key import is not paid up front). The PEM texts stay in this
/// object only: nothing prints it.
/// </summary>
internal sealed class ServingIdentity(string certificatePem, string privateKeyPem)
{
    private readonly Lazy<(SslStreamCertificateContext Context, int ChainLength)> _context = new(() => Build(certificatePem, privateKeyPem));

    public SslStreamCertificateContext Context => _context.Value.Context;

    /// <summary>The certificates of the upload as given: the leaf and its intermediates (the data plane serves them all).</summary>
    public int UploadedChainLength => _context.Value.ChainLength;

    public override string ToString() => nameof(ServingIdentity);

    private static (SslStreamCertificateContext, int) Build(string certificatePem, string privateKeyPem)
    {
        using X509Certificate2 ephemeral = X509Certificate2.CreateFromPem(certificatePem, privateKeyPem);
        // A PKCS#12 round trip gives a key every platform's TLS stack accepts (Windows refuses ephemeral keys).
        X509Certificate2 leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(certificatePem);
        var intermediates = new X509Certificate2Collection();
        for (int i = 1; i < chain.Count; i++) intermediates.Add(chain[i]);
        // offline: the emulator never fetches anything; the chain is exactly what the upload gave.
        return (SslStreamCertificateContext.Create(leaf, intermediates, offline: true), chain.Count);
    }
}

/// <summary>One bound certificate as the data plane sees it: the content and CA at the moment of the change.</summary>
internal sealed record ServedCertificate(CertificateContent Content, TrustedRootCa? TrustedRootCa);

/// <summary>
/// Per domain, the certificate sets it held after each binding change, with the moment of the change. The data
/// plane serves the newest set that is at least the propagation delay old. Guarded by <see cref="EmulatorState.Sync"/>.
/// </summary>
internal sealed class ServedHistory
{
    /// <summary>Enough for any test's rotation sequence; older sets can no longer be served under any sane delay.</summary>
    private const int MaxEntriesPerDomain = 32;

    private readonly Dictionary<DomainRecord, List<(DateTimeOffset Since, IReadOnlyList<ServedCertificate> Certificates)>> _byDomain = new();

    public void Note(DomainRecord domain, DateTimeOffset now, IReadOnlyList<ServedCertificate> certificates, TimeSpan delay)
    {
        if (!_byDomain.TryGetValue(domain, out var entries)) _byDomain[domain] = entries = new();
        entries.Add((now, certificates));
        // An entry is dead once a later one is already old enough to be served.
        while (entries.Count > 1 && entries[1].Since <= now - delay) entries.RemoveAt(0);
        if (entries.Count > MaxEntriesPerDomain) entries.RemoveAt(0);
    }

    /// <summary>The set served at <paramref name="now"/>; empty before the domain's first change has propagated.</summary>
    public IReadOnlyList<ServedCertificate> ServedAt(DomainRecord domain, DateTimeOffset now, TimeSpan delay)
    {
        if (!_byDomain.TryGetValue(domain, out var entries)) return [];
        for (int i = entries.Count - 1; i >= 0; i--)
            if (entries[i].Since <= now - delay) return entries[i].Certificates;
        return [];
    }

    public void Forget(DomainRecord domain) => _byDomain.Remove(domain);

    public void Clear() => _byDomain.Clear();
}

/// <summary>
/// The TLS listener standing in for APIG's edge: per connection, the SNI picks the domain, the domain's bound
/// certificate (RSA if bound, else ECC) is served with the chain of its upload, min_ssl_version sets the protocols,
/// and verified_client_certificate_enabled demands a client certificate issued under the domain's trusted root CA.
/// Anything else fails the handshake.
/// </summary>
internal static class DataPlane
{
    public const string Host = "127.0.0.1";
    public const string PlainAnswer = "apig emulator data plane\n";

    public static TlsHandshakeCallbackOptions HandshakeOptions(EmulatorState state) => new()
    {
        HandshakeTimeout = TimeSpan.FromSeconds(10),
        OnConnection = context => ValueTask.FromResult(ServerOptions(state, context.ClientHelloInfo.ServerName)),
    };

    /// <summary>The options for one handshake, or an exception that makes Kestrel drop the connection.</summary>
    internal static SslServerAuthenticationOptions ServerOptions(EmulatorState state, string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
            throw new AuthenticationException("The data plane needs SNI: the client sent no server name");
        DomainRecord? domain;
        IReadOnlyList<ServedCertificate> served = [];
        string minSslVersion;
        bool verifyClient;
        DateTimeOffset now;
        lock (state.Sync)
        {
            now = state.Now;
            TimeSpan delay = TimeSpan.FromSeconds(state.Variants.PropagationDelaySec);
            domain = null;
            foreach (InstanceRecord instance in state.Instances)
            {
                if (instance.FindDomainByName(serverName) is not { } candidate) continue;
                domain ??= candidate;
                served = state.Served.ServedAt(candidate, now, delay);
                if (served.Count > 0)
                {
                    domain = candidate;
                    break;
                }
            }
            if (domain is null) throw new AuthenticationException($"No domain '{serverName}' on this gateway");
            minSslVersion = domain.MinSslVersion;
            verifyClient = domain.VerifiedClientCertificateEnabled;
        }
        ServedCertificate chosen = served.FirstOrDefault(c => c.Content.Algorithm == "RSA") ?? served.FirstOrDefault()
            ?? throw new AuthenticationException($"The domain '{serverName}' has no certificate bound");

        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = chosen.Content.Serving.Context,
            EnabledSslProtocols = Protocols(minSslVersion),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ClientCertificateRequired = verifyClient,
        };
        if (verifyClient)
        {
            // The CAs of every served certificate (one per algorithm at most): APIG keeps them per domain.
            string[] caPems = served.Select(c => c.TrustedRootCa?.Pem).OfType<string>().ToArray();
            options.RemoteCertificateValidationCallback = (_, certificate, presentedChain, _) =>
                certificate is not null && IsIssuedUnder(certificate, presentedChain, caPems, now);
        }
        return options;
    }

    /// <summary>TLSv1.1 allows 1.1 and newer, TLSv1.2 allows 1.2 and newer; the platform may refuse 1.1 anyway (docs/emulator.md).</summary>
    internal static SslProtocols Protocols(string minSslVersion) =>
#pragma warning disable SYSLIB0039 // TLS 1.1 is what the domain setting asks for; refusing it is the platform's call.
        minSslVersion == "TLSv1.1" ? SslProtocols.Tls11 | SslProtocols.Tls12 | SslProtocols.Tls13
#pragma warning restore SYSLIB0039
        : SslProtocols.Tls12 | SslProtocols.Tls13;

    private static bool IsIssuedUnder(X509Certificate certificate, X509Chain? presentedChain, string[] caPems, DateTimeOffset now)
    {
        if (caPems.Length == 0) return false; // verification on, but nothing to trust: no client passes
        using X509Certificate2 client = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        foreach (string pem in caPems) chain.ChainPolicy.CustomTrustStore.ImportFromPem(pem);
        // Intermediates the client sent with its certificate.
        if (presentedChain is not null)
            foreach (X509ChainElement element in presentedChain.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        try
        {
            return chain.Build(client);
        }
        finally
        {
            foreach (X509Certificate2 ca in chain.ChainPolicy.CustomTrustStore) ca.Dispose();
        }
    }

    /// <summary>The data plane's port once the app has started (0 before).</summary>
    public static int Port(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => new Uri(a)).FirstOrDefault(u => u.Scheme == Uri.UriSchemeHttps)?.Port ?? 0;
}
