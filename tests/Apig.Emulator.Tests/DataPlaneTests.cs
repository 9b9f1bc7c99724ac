using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using static Apig.Emulator.Tests.TestPki;

namespace Apig.Emulator.Tests;

/// <summary>The TLS data plane over real TLS on loopback: what a client is served for each name.</summary>
public class DataPlaneTests(EmulatorFixture fixture) : StoreTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private sealed record Served(X509Certificate2 Leaf, int ChainLength, SslProtocols Protocol, string Answer);

    /// <summary>
    /// Handshake, then one HTTP request: under TLS 1.3 a refused client certificate shows only after the handshake,
    /// so a check counts as served only when the answer came back.
    /// </summary>
    private async Task<Served> Connect(string serverName, SslProtocols protocols = SslProtocols.None, X509Certificate2? clientCertificate = null)
    {
        int port = Fixture.App.DataPlanePort();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream());
        X509Certificate2? leaf = null;
        int chainLength = 0;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            EnabledSslProtocols = protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                leaf = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
                // ExtraStore holds every certificate the server sent, its leaf included.
                chainLength = Math.Max(1, chain?.ChainPolicy.ExtraStore.Count ?? 0);
                return true;
            },
        };
        if (clientCertificate is not null)
        {
            options.ClientCertificates = [clientCertificate];
            options.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await tls.AuthenticateAsClientAsync(options, timeout.Token);
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {serverName}\r\nConnection: close\r\n\r\n"), timeout.Token);
        using var reader = new StreamReader(tls, Encoding.ASCII);
        string answer = await reader.ReadToEndAsync(timeout.Token);
        if (answer.Length == 0) throw new IOException("the server closed the connection without an answer");
        return new Served(leaf!, chainLength, tls.SslProtocol, answer);
    }

    private async Task AssertRefused(string serverName, SslProtocols protocols = SslProtocols.None, X509Certificate2? clientCertificate = null)
    {
        Exception? failure = null;
        try
        {
            await Connect(serverName, protocols, clientCertificate);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException)
        {
            failure = e;
        }
        Assert.True(failure is not null, $"{serverName}: the data plane served a handshake it should have refused");
    }

    [Fact]
    public async Task The_admin_state_gives_the_data_plane_address()
    {
        var plane = (await AdminGet("/_emulator/state")).GetProperty("dataPlane");
        Assert.Equal("127.0.0.1", plane.GetProperty("host").GetString());
        Assert.Equal(Fixture.App.DataPlanePort(), plane.GetProperty("port").GetInt32());
        Assert.NotEqual(0, plane.GetProperty("port").GetInt32());
        Assert.NotEqual(new Uri(Fixture.BaseUrl).Port, plane.GetProperty("port").GetInt32());
    }

    [Fact]
    public async Task A_legacy_upload_is_served_for_its_domain_by_sni_in_any_letter_case()
    {
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        await LegacyUpload(Domain1, "legacy_rsa", cert);

        Served served = await Connect("API.Example.COM");

        Assert.Equal(cert.Certificate.Thumbprint, served.Leaf.Thumbprint);
        Assert.Equal(1, served.ChainLength);
        Assert.StartsWith("HTTP/1.1 200", served.Answer);
        Assert.Contains("apig emulator data plane", served.Answer);
        // The data plane is no API call: the request log does not see it.
        Assert.DoesNotContain(State.Log.Snapshot(), e => e.Path == "/");
    }

    [Fact]
    public async Task The_rsa_certificate_is_served_when_both_are_bound_and_the_ecc_one_when_only_it_is()
    {
        Issued rsa = SelfSigned(Rsa(0), "api.example.com");
        Issued ecc = SelfSigned(Ec(0), "api.example.com");
        string rsaId = await CreateId(Form("rsa_cert", rsa));
        string eccId = await CreateId(Form("ecc_cert", ecc));
        await AttachOk(Domain1, eccId);
        Assert.Equal(ecc.Certificate.Thumbprint, (await Connect("api.example.com")).Leaf.Thumbprint);

        await AttachOk(Domain1, rsaId);
        Assert.Equal(rsa.Certificate.Thumbprint, (await Connect("api.example.com")).Leaf.Thumbprint);

        using (var detached = await Detach(Domain1, rsaId)) await AssertStatus(detached, HttpStatusCode.NoContent);
        Assert.Equal(ecc.Certificate.Thumbprint, (await Connect("api.example.com")).Leaf.Thumbprint);
    }

    /// <summary>A leaf under an intermediate under a root, attached to api.example.com with the chain in cert_content.</summary>
    private async Task<Issued> AttachChained(bool withRoot)
    {
        Issued root = CreateCa(Rsa(1), "Data Plane Root");
        Issued intermediate = CreateCa(Rsa(2), "Data Plane Intermediate", root);
        Issued leaf = Issue(intermediate, Rsa(0), "api.example.com", ["api.example.com"]);
        string chain = leaf.CertificatePem + "\n" + intermediate.CertificatePem + (withRoot ? "\n" + root.CertificatePem : "");
        string id = await CreateId(new Dictionary<string, object?> { ["name"] = "chained", ["cert_content"] = chain, ["private_key"] = leaf.Pkcs8KeyPem });
        await AttachOk(Domain1, id);
        return leaf;
    }

    [Fact]
    public async Task The_chain_of_the_upload_is_served_with_the_leaf()
    {
        Issued leaf = await AttachChained(withRoot: false);

        Served served = await Connect("api.example.com");

        Assert.Equal(leaf.Certificate.Thumbprint, served.Leaf.Thumbprint);
        Assert.Equal(2, served.ChainLength);
    }

    /// <summary>A limit of .NET's TLS stack, documented in docs/emulator.md: a sent root proves nothing to a client anyway.</summary>
    [Fact]
    public async Task A_self_signed_root_at_the_end_of_the_upload_is_not_sent()
    {
        await AttachChained(withRoot: true);
        Assert.Equal(2, (await Connect("api.example.com")).ChainLength);
    }

    [Fact]
    public async Task An_unknown_name_no_sni_and_a_domain_without_certificate_are_refused()
    {
        await LegacyUpload(Domain1, "legacy_rsa", SelfSigned(Rsa(0), "api.example.com"));

        await AssertRefused("unknown.example.com");
        await AssertRefused("127.0.0.1"); // an IP address as target host: the client sends no SNI
        await AssertRefused("www.example.com"); // a known domain with nothing bound
        Assert.NotNull((await Connect("api.example.com")).Leaf); // the listener itself is fine
    }

    [Fact]
    public async Task Unbinding_stops_serving_and_an_in_place_update_serves_the_new_content()
    {
        Issued first = SelfSigned(Rsa(0), "api.example.com");
        Issued second = SelfSigned(Rsa(1), "api.example.com");
        string id = await CreateId(Form("rotating", first));
        await AttachOk(Domain1, id);
        Assert.Equal(first.Certificate.Thumbprint, (await Connect("api.example.com")).Leaf.Thumbprint);

        using (var updated = await Send(HttpMethod.Put, Certificates + "/" + id, Form("rotating", second)))
            await AssertStatus(updated, HttpStatusCode.OK);
        Assert.Equal(second.Certificate.Thumbprint, (await Connect("api.example.com")).Leaf.Thumbprint);

        using (var detached = await Detach(Domain1, id)) await AssertStatus(detached, HttpStatusCode.NoContent);
        await AssertRefused("api.example.com");
    }

    [Fact]
    public async Task Min_ssl_version_TLSv1_2_refuses_a_tls_1_1_client_and_serves_1_2_and_1_3()
    {
        await LegacyUpload(Domain1, "legacy_rsa", SelfSigned(Rsa(0), "api.example.com"));
        using (var update = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.2" }))
            await AssertStatus(update, HttpStatusCode.OK);

        Assert.Equal(SslProtocols.Tls12, (await Connect("api.example.com", SslProtocols.Tls12)).Protocol);
        Assert.Equal(SslProtocols.Tls13, (await Connect("api.example.com", SslProtocols.Tls13)).Protocol);
#pragma warning disable SYSLIB0039 // the old protocol is the point of the test
        await AssertRefused("api.example.com", SslProtocols.Tls11);
#pragma warning restore SYSLIB0039
    }

    /// <summary>
    /// TLS 1.1 itself cannot be shown over the wire on Linux (OpenSSL 3 refuses it at its default security level,
    /// both ends), so the protocols a TLSv1.1 domain offers are read from the handshake options the data plane builds.
    /// </summary>
    [Fact]
    public async Task Min_ssl_version_of_the_domain_sets_the_protocols_offered()
    {
        await LegacyUpload(Domain1, "legacy_rsa", SelfSigned(Rsa(0), "api.example.com"));
        using (var update = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.1" }))
            await AssertStatus(update, HttpStatusCode.OK);
#pragma warning disable SYSLIB0039
        Assert.Equal(SslProtocols.Tls11 | SslProtocols.Tls12 | SslProtocols.Tls13, DataPlane.ServerOptions(State, "api.example.com").EnabledSslProtocols);
#pragma warning restore SYSLIB0039
        Assert.Equal(SslProtocols.Tls12, (await Connect("api.example.com", SslProtocols.Tls12)).Protocol);

        using (var update = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.2" }))
            await AssertStatus(update, HttpStatusCode.OK);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, DataPlane.ServerOptions(State, "api.example.com").EnabledSslProtocols);
    }

    [Fact]
    public async Task Client_certificate_verification_requires_a_certificate_under_the_trusted_root_ca()
    {
        Issued clientCa = CreateCa(Rsa(1), "Client CA");
        Issued otherCa = CreateCa(Rsa(2), "Other CA");
        string id = await CreateId(InstanceForm("mtls_cert", SelfSigned(Rsa(0), "api.example.com"), clientCa.CertificatePem));
        await AttachOk(Domain1, id, verify: true);
        using X509Certificate2 trusted = WithKey(Issue(clientCa, Ec(0), "client-one", []));
        using X509Certificate2 untrusted = WithKey(Issue(otherCa, Ec(1), "client-two", []));

        foreach (SslProtocols protocol in new[] { SslProtocols.Tls12, SslProtocols.Tls13 })
        {
            Assert.StartsWith("HTTP/1.1 200", (await Connect("api.example.com", protocol, trusted)).Answer);
            await AssertRefused("api.example.com", protocol);
            await AssertRefused("api.example.com", protocol, untrusted);
        }

        // Verification off: no certificate is asked for, so a client without one is served.
        using (var off = await Send(HttpMethod.Put, Domain1, new { min_ssl_version = "TLSv1.2", verified_client_certificate_enabled = false }))
            await AssertStatus(off, HttpStatusCode.OK);
        Assert.StartsWith("HTTP/1.1 200", (await Connect("api.example.com")).Answer);
    }

    [Fact]
    public async Task Verification_on_without_a_trusted_root_ca_lets_no_client_through()
    {
        string id = await CreateId(Form("no_ca_cert", SelfSigned(Rsa(0), "api.example.com")));
        await AttachOk(Domain1, id, verify: true);
        Issued someCa = CreateCa(Rsa(1), "Some CA");
        using X509Certificate2 client = WithKey(Issue(someCa, Ec(0), "client-one", []));

        await AssertRefused("api.example.com", SslProtocols.Tls12, client);
    }

    [Fact]
    public async Task A_binding_change_reaches_the_data_plane_only_after_the_propagation_delay()
    {
        var clock = new ShiftableClock();
        State.Clock = clock;
        await Settings(new { propagationDelaySec = 30 });
        Issued first = SelfSigned(Rsa(0), "api.example.com");
        Issued second = SelfSigned(Rsa(1), "api.example.com");
        string id = await CreateId(Form("propagating", first));
        await AttachOk(Domain1, id);

        await AssertRefused("api.example.com"); // nothing was served before the bind
        clock.Offset += TimeSpan.FromSeconds(29);
        await AssertRefused("api.example.com");
        clock.Offset += TimeSpan.FromSeconds(2);
        Assert.Equal(first.Certificate.Thumbprint, (await Connect("api.example.com")).Leaf.Thumbprint);

        using (var updated = await Send(HttpMethod.Put, Certificates + "/" + id, Form("propagating", second)))
            await AssertStatus(updated, HttpStatusCode.OK);
        clock.Offset += TimeSpan.FromSeconds(10);
        Assert.Equal(first.Certificate.Thumbprint, (await Connect("api.example.com")).Leaf.Thumbprint);
        clock.Offset += TimeSpan.FromSeconds(21);
        Assert.Equal(second.Certificate.Thumbprint, (await Connect("api.example.com")).Leaf.Thumbprint);

        using (var detached = await Detach(Domain1, id)) await AssertStatus(detached, HttpStatusCode.NoContent);
        Assert.Equal(second.Certificate.Thumbprint, (await Connect("api.example.com")).Leaf.Thumbprint);
        clock.Offset += TimeSpan.FromSeconds(31);
        await AssertRefused("api.example.com");
    }

    [Fact]
    public async Task Reset_clears_what_the_data_plane_served()
    {
        await LegacyUpload(Domain1, "legacy_rsa", SelfSigned(Rsa(0), "api.example.com"));
        Assert.NotNull((await Connect("api.example.com")).Leaf);

        using (var reset = await AdminSend(HttpMethod.Post, "/_emulator/reset")) await AssertStatus(reset, HttpStatusCode.OK);

        await AssertRefused("api.example.com");
        Assert.Equal(0, (await AdminGet("/_emulator/state")).GetProperty("settings").GetProperty("propagationDelaySec").GetInt32());
    }

    private static X509Certificate2 WithKey(Issued issued) => issued.Key switch
    {
        System.Security.Cryptography.RSA rsa => issued.Certificate.CopyWithPrivateKey(rsa),
        System.Security.Cryptography.ECDsa ec => issued.Certificate.CopyWithPrivateKey(ec),
        _ => throw new NotSupportedException(),
    };
}
