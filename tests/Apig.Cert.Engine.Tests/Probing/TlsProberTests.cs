using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Probing;
using Apig.Cert.Engine.Tests.Certificates;

namespace Apig.Cert.Engine.Tests.Probing;

/// <summary>The TLS client against a real TLS server on loopback: what it reports, how it fails, how it stops.</summary>
public class TlsProberTests
{
    private static TlsProber Prober(TimeSpan? timeout = null, X509Certificate2? client = null, params X509Certificate2[] roots) =>
        new(new TlsProbeOptions
        {
            ConnectTimeout = timeout ?? TimeSpan.FromSeconds(10),
            HandshakeTimeout = timeout ?? TimeSpan.FromSeconds(10),
            ClientCertificate = client,
            TrustedRoots = roots,
        }, null);

    [Fact]
    public async Task Reports_the_served_leaf_its_chain_and_the_protocol()
    {
        await using var server = LoopbackTlsServer.Serving(TestPki.RsaLeaf, [TestPki.Intermediate]);

        TlsProbeResult result = await Prober().ProbeAsync("www.example.com", "127.0.0.1", server.Port, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal("127.0.0.1:" + server.Port, result.Endpoint);
        Assert.Equal(TestPki.RsaLeaf.Certificate.Thumbprint, result.Leaf!.Thumbprint);
        Assert.Equal("CN=www.example.com, O=Example", result.Leaf.Subject);
        Assert.Equal("CN=Apig Test Intermediate CA, O=Apig Tests", result.Leaf.Issuer);
        Assert.Equal(TestPki.RsaLeaf.Certificate.SerialNumber, result.Leaf.SerialNumber);
        Assert.Equal(["www.example.com", "*.api.example.com"], result.Leaf.DnsNames);
        Assert.Equal("RSA", result.Leaf.KeyAlgorithm);
        Assert.Equal(2, result.ChainLength);
        Assert.Contains(result.Protocol, new[] { "TLSv1.2", "TLSv1.3" });
        Assert.True(result.NameMatches);
    }

    [Theory]
    [InlineData(System.Security.Authentication.SslProtocols.Tls12, "TLSv1.2")]
    [InlineData(System.Security.Authentication.SslProtocols.Tls13, "TLSv1.3")]
    public async Task Reports_the_version_the_server_agreed_to(System.Security.Authentication.SslProtocols serverAllows, string reported)
    {
        await using var server = LoopbackTlsServer.Serving(TestPki.RsaLeaf, [TestPki.Intermediate], protocols: serverAllows);

        TlsProbeResult result = await Prober().ProbeAsync("www.example.com", "127.0.0.1", server.Port, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(reported, result.Protocol);
    }

    [Fact]
    public async Task A_private_root_is_untrusted_until_it_is_given_and_then_trusted()
    {
        await using var server = LoopbackTlsServer.Serving(TestPki.RsaLeaf, [TestPki.Intermediate]);

        TlsProbeResult untrusted = await Prober().ProbeAsync("www.example.com", "127.0.0.1", server.Port, CancellationToken.None);
        TlsProbeResult trusted = await Prober(roots: TestPki.Root.Certificate).ProbeAsync("www.example.com", "127.0.0.1", server.Port, CancellationToken.None);
        TlsProbeResult otherRoot = await Prober(roots: TestPki.OtherRoot.Certificate).ProbeAsync("www.example.com", "127.0.0.1", server.Port, CancellationToken.None);

        Assert.False(untrusted.ChainTrusted);
        // The server sends the leaf and its intermediate, not the root, as servers do: the chain stops at an unknown CA.
        Assert.Contains("PartialChain", untrusted.ChainProblem);
        Assert.Contains("Apig Test Root CA", untrusted.ChainProblem);
        Assert.True(trusted.ChainTrusted, trusted.ChainProblem);
        Assert.Null(trusted.ChainProblem);
        Assert.False(otherRoot.ChainTrusted);
    }

    [Fact]
    public async Task A_chain_without_its_intermediate_is_not_trusted_even_with_the_root()
    {
        await using var server = LoopbackTlsServer.Serving(TestPki.RsaLeaf);

        TlsProbeResult result = await Prober(roots: TestPki.Root.Certificate).ProbeAsync("www.example.com", "127.0.0.1", server.Port, CancellationToken.None);

        Assert.Equal(1, result.ChainLength);
        Assert.False(result.ChainTrusted);
        Assert.NotNull(result.ChainProblem);
    }

    [Fact]
    public async Task An_expired_leaf_is_a_finding_with_its_reason()
    {
        await using var server = LoopbackTlsServer.Serving(TestPki.ExpiredLeaf, [TestPki.Intermediate]);

        TlsProbeResult result = await Prober(roots: TestPki.Root.Certificate).ProbeAsync("old.example.com", "127.0.0.1", server.Port, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.True(result.NameMatches);
        Assert.False(result.ChainTrusted);
        Assert.StartsWith("Expired", result.ChainProblem);
    }

    [Theory]
    [InlineData("www.example.com", true)]
    [InlineData("WWW.Example.COM", true)]
    [InlineData("v1.api.example.com", true)]
    [InlineData("a.b.api.example.com", false)]
    [InlineData("api.example.com", false)]
    [InlineData("pay.example.com", false)]
    public async Task The_name_is_matched_against_the_SAN_names_with_one_label_wildcards(string serverName, bool matches)
    {
        await using var server = LoopbackTlsServer.Serving(TestPki.RsaLeaf, [TestPki.Intermediate]);

        TlsProbeResult result = await Prober(roots: TestPki.Root.Certificate).ProbeAsync(serverName, "127.0.0.1", server.Port, CancellationToken.None);

        Assert.Equal(matches, result.NameMatches);
        // The name is judged apart: a mismatch does not make the chain untrusted.
        Assert.True(result.ChainTrusted, result.ChainProblem);
    }

    [Fact]
    public async Task A_closed_port_is_refused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        TlsProbeResult result = await Prober().ProbeAsync("www.example.com", "127.0.0.1", port, CancellationToken.None);

        Assert.Equal(TlsProbeFailure.Refused, result.Failure);
        Assert.Contains("refused", result.Error);
        Assert.Null(result.Leaf);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_says_so()
    {
        TlsProbeResult result = await Prober().ProbeAsync("www.example.com", "no-such-host.invalid", 443, CancellationToken.None);

        Assert.Equal(TlsProbeFailure.NameNotResolved, result.Failure);
        Assert.Contains("no-such-host.invalid", result.Error);
    }

    [Fact]
    public async Task A_black_hole_times_out_in_the_handshake()
    {
        await using var server = LoopbackTlsServer.BlackHole();

        TlsProbeResult result = await Prober(TimeSpan.FromMilliseconds(300)).ProbeAsync("www.example.com", "127.0.0.1", server.Port, CancellationToken.None);

        Assert.Equal(TlsProbeFailure.HandshakeTimeout, result.Failure);
        Assert.Contains("did not finish within 0.3 s", result.Error);
    }

    [Fact]
    public async Task Cancellation_ends_a_hanging_handshake_before_its_timeout()
    {
        await using var server = LoopbackTlsServer.BlackHole();
        using var stop = new CancellationTokenSource();
        Task<TlsProbeResult> probe = Prober(TimeSpan.FromMinutes(5)).ProbeAsync("www.example.com", "127.0.0.1", server.Port, stop.Token);
        await Task.Delay(200);
        Assert.False(probe.IsCompleted);

        stop.Cancel();

        // Generous: the point is that it ends on the cancellation, long before its five-minute timeout.
        Task ended = await Task.WhenAny(probe, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.Same(probe, ended);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe);
    }

    [Fact]
    public async Task A_server_that_requires_a_client_certificate_refuses_a_client_without_one_and_accepts_one_with()
    {
        await using var server = LoopbackTlsServer.Serving(TestPki.RsaLeaf, [TestPki.Intermediate], requireClientCertificateFrom: TestPki.Root);

        TlsProbeResult without = await Prober().ProbeAsync("www.example.com", "127.0.0.1", server.Port, CancellationToken.None);
        TlsProbeResult with = await Prober(client: TestPki.EcLeaf.WithKey).ProbeAsync("www.example.com", "127.0.0.1", server.Port, CancellationToken.None);
        TlsProbeResult wrongCa = await Prober(client: TestPki.OtherLeaf.WithKey).ProbeAsync("www.example.com", "127.0.0.1", server.Port, CancellationToken.None);

        Assert.Equal(TlsProbeFailure.HandshakeFailed, without.Failure);
        Assert.Contains("-ClientCertificate", without.Error);
        Assert.Null(with.Error);
        Assert.Equal(TestPki.RsaLeaf.Certificate.Thumbprint, with.Leaf!.Thumbprint);
        Assert.Equal(TlsProbeFailure.HandshakeFailed, wrongCa.Failure);
    }

    [Fact]
    public async Task Over_TLS_1_2_the_refusal_of_a_missing_client_certificate_comes_in_the_handshake()
    {
        await using var server = LoopbackTlsServer.Serving(TestPki.RsaLeaf, [TestPki.Intermediate], requireClientCertificateFrom: TestPki.Root,
            protocols: System.Security.Authentication.SslProtocols.Tls12);

        TlsProbeResult without = await Prober().ProbeAsync("www.example.com", "127.0.0.1", server.Port, CancellationToken.None);
        TlsProbeResult with = await Prober(client: TestPki.EcLeaf.WithKey).ProbeAsync("www.example.com", "127.0.0.1", server.Port, CancellationToken.None);

        Assert.Equal(TlsProbeFailure.HandshakeFailed, without.Failure);
        Assert.Null(with.Error);
        Assert.Equal("TLSv1.2", with.Protocol);
    }

    [Fact]
    public async Task Concurrent_probes_count_their_peak_of_open_connections()
    {
        await using var server = LoopbackTlsServer.Serving(TestPki.EcLeaf, [TestPki.Intermediate]);
        TlsProber prober = Prober();

        TlsProbeResult[] results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => prober.ProbeAsync("ec.example.com", "127.0.0.1", server.Port, CancellationToken.None)));

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(8, prober.ConnectionsOpened);
        Assert.InRange(prober.PeakConnections, 1, 8);
        Assert.Equal("ECC", results[0].Leaf!.KeyAlgorithm);
    }
}

public class TrustedRootFilesTests
{
    [Fact]
    public void Reads_pem_der_and_folders_and_refuses_what_holds_no_certificate()
    {
        using var dir = new TempDirectory();
        string pem = dir.Write("roots.pem", TestPki.Root.CertificatePem + TestPki.OtherRoot.CertificatePem);
        string der = dir.Write("root.der", TestPki.Root.Certificate.RawData);
        Directory.CreateDirectory(Path.Combine(dir.Path, "folder"));
        dir.Write(Path.Combine("folder", "a.crt"), TestPki.Root.CertificatePem);
        dir.Write(Path.Combine("folder", "readme.txt"), "not a certificate");
        string empty = dir.Write("empty.pem", "hello");

        Assert.Equal(2, TrustedRootFiles.Load([pem], "TrustedRootPath").Count);
        Assert.Equal(TestPki.Root.Certificate.RawData, TrustedRootFiles.Load([der], "TrustedRootPath")[0]);
        Assert.Single(TrustedRootFiles.Load([Path.Combine(dir.Path, "folder")], "TrustedRootPath"));
        TestPki.AssertInputError(() => TrustedRootFiles.Load([empty], "TrustedRootPath"), "TrustedRootInvalid", "TrustedRootPath");
        TestPki.AssertInputError(() => TrustedRootFiles.Load([Path.Combine(dir.Path, "missing.pem")], "TrustedRootPath"), "FileNotFound", "TrustedRootPath");
    }
}

public class CertificateFactsTests
{
    [Fact]
    public void A_served_leaf_is_described_by_what_APIG_reports_of_it_with_any_serial_format()
    {
        CertificateFacts leaf = CertificateFacts.FromDer(TestPki.RsaLeaf.Certificate.RawData)!;
        string hex = TestPki.RsaLeaf.Certificate.SerialNumber;
        string colons = string.Join(":", Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)).ToArray());
        string dec = System.Numerics.BigInteger.Parse("0" + hex, System.Globalization.NumberStyles.HexNumber).ToString();
        string[] issuer = ["CN=Apig Test Intermediate CA", "O=Apig Tests"];
        DateTimeOffset notAfter = TestPki.RsaLeaf.Certificate.NotAfter.ToUniversalTime();

        Assert.True(leaf.IsDescribedBy(hex, issuer, notAfter));
        Assert.True(leaf.IsDescribedBy(colons.ToLowerInvariant(), issuer, notAfter));
        Assert.True(leaf.IsDescribedBy(dec, issuer, notAfter));
        Assert.False(leaf.IsDescribedBy(TestPki.EcLeaf.Certificate.SerialNumber, issuer, notAfter));
        Assert.False(leaf.IsDescribedBy(hex, ["CN=Apig Test Root CA", "O=Apig Tests"], notAfter));
        Assert.False(leaf.IsDescribedBy(hex, issuer, notAfter.AddDays(1)));
        Assert.Null(CertificateFacts.FromDer([1, 2, 3]));
    }
}
