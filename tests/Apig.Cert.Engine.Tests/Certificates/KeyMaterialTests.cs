using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Http;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Tests.Http;
using static Apig.Cert.Engine.Tests.Certificates.TestPki;


namespace Apig.Cert.Engine.Tests.Certificates;

/// <summary>Private keys live in buffers the module clears; password-derivation limits are named as such.</summary>
public sealed class KeyMaterialTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Bind_sends_the_key_from_its_buffer_and_the_command_end_clears_the_shared_copy()
    {
        string certPath = _temp.Write("ec.pem", EcLeaf.CertificatePem + Intermediate.CertificatePem);
        string keyPath = _temp.Write("ec.key", EcLeaf.Pkcs8Pem);
        var server = new TestHttpServer(_ => TestResponse.Json(201, """{"id":"d1","url_domain":"ec.example.com","ssl_id":"c1","ssl_name":"n"}"""));
        await using var _ = server;
        var client = await TestSessions.AkSkClientAsync(server);

        var cache = new CertificateSourceCache();
        CertificateBundle bundle = cache.Get(CertificateSource.FromFiles(certPath, keyPath, null));
        string expectedKey = new(bundle.GetPrivateKeyPem().Span);
        PreparedBinding binding = DomainCertificateBinder.Prepare(TestSessions.Domain, "ec.example.com", bundle, null, "CertificatePath", DateTime.UtcNow);
        await DomainCertificateBinder.BindAsync(client, TestSessions.ProjectId, binding, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        using (JsonDocument body = JsonDocument.Parse(request.Body))
        {
            Assert.Equal(expectedKey, body.RootElement.GetProperty("private_key").GetString());
            Assert.Equal(bundle.CertificateChainPem, body.RootElement.GetProperty("cert_content").GetString());
            Assert.Equal(3, body.RootElement.EnumerateObject().Count());
        }

        using (ECDsa reloaded = ECDsa.Create())
        {
            reloaded.ImportFromPem(expectedKey);
            Assert.Equal(((ECDsa)EcLeaf.Key).ExportSubjectPublicKeyInfo(), reloaded.ExportSubjectPublicKeyInfo());
        }

        Assert.False(bundle.IsPrivateKeyCleared);
        cache.Dispose();
        Assert.True(bundle.IsPrivateKeyCleared);
        Assert.Throws<ObjectDisposedException>(() => bundle.GetPrivateKeyPem());
        Assert.Throws<ObjectDisposedException>(() => cache.Get(CertificateSource.FromFiles(certPath, keyPath, null)));
        Assert.Equal(EcLeaf.Certificate.Thumbprint, bundle.Thumbprint);
    }

    [Fact]
    public void Secret_property_is_escaped_like_System_Text_Json_and_parses_back()
    {
        const string value = "-----BEGIN PRIVATE KEY-----\nAB+/=\"q\\\r\t\u0001<&>'`é€\n-----END PRIVATE KEY-----\n";
        byte[] withoutKey = ApigJson.Serialize(new Dictionary<string, string> { ["name"] = "n", ["cert_content"] = "c" });
        byte[] body = SecretJsonProperty.Append(withoutKey, "private_key", value.AsSpan());
        using JsonDocument parsed = JsonDocument.Parse(body);
        Assert.Equal(value, parsed.RootElement.GetProperty("private_key").GetString());
        Assert.Equal("n", parsed.RootElement.GetProperty("name").GetString());

        byte[] reference = JsonSerializer.SerializeToUtf8Bytes(value);
        string written = System.Text.Encoding.UTF8.GetString(body);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(reference), written["{\"name\":\"n\",\"cert_content\":\"c\",\"private_key\":".Length..^1]);

        using JsonDocument alone = JsonDocument.Parse(SecretJsonProperty.Append("{}"u8.ToArray(), "k", "v".AsSpan()));
        Assert.Equal("v", alone.RootElement.GetProperty("k").GetString());
    }

    [Fact]
    public void Encrypted_key_above_five_million_iterations_is_refused_as_too_expensive_not_as_a_wrong_password()
    {
        var key = (ECDsa)EcLeaf.Key;
        string expensive = key.ExportEncryptedPkcs8PrivateKeyPem(KeyPassword.AsSpan(),
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 5_000_001));
        var error = AssertInputError(() => CertificateLoader.FromPem(EcLeaf.CertificatePem, expensive, Secure(KeyPassword)),
            "KeyDerivationTooExpensive", "PrivateKeyPem");
        Assert.Contains("5,000,001", error.Message);
        Assert.Contains("too expensive", error.Message);
        Assert.DoesNotContain("password given", error.Message);

        string usual = key.ExportEncryptedPkcs8PrivateKeyPem(KeyPassword.AsSpan(),
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 2048));
        using CertificateBundle bundle = CertificateLoader.FromPem(EcLeaf.CertificatePem, usual, Secure(KeyPassword));
        Assert.Equal(EcLeaf.Certificate.Thumbprint, bundle.Thumbprint);
    }

    [Fact]
    public void Pfx_above_five_million_iterations_is_refused_as_too_expensive()
    {
        byte[] pfx = EcLeaf.WithKey.ExportPkcs12(new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 2048), PfxPassword);
        string path = _temp.Write("expensive.pfx", WithMacIterations(pfx, 6_000_000));
        var error = AssertInputError(() => CertificateLoader.FromPfxFile(path, Secure(PfxPassword)), "KeyDerivationTooExpensive", "PfxPath");
        Assert.Contains("6,000,000", error.Message);
        AssertInputError(() => CertificateLoader.FromPfxFile(path, Secure(WrongPassword)), "KeyDerivationTooExpensive", "PfxPath");
    }

    /// <summary>The same PFX with its MAC's iteration count rewritten (exporting with millions of iterations takes many seconds).</summary>
    private static byte[] WithMacIterations(byte[] pfx, int iterations)
    {
        var outer = new System.Formats.Asn1.AsnReader(pfx, System.Formats.Asn1.AsnEncodingRules.BER).ReadSequence();
        ReadOnlyMemory<byte> version = outer.ReadEncodedValue();
        ReadOnlyMemory<byte> authSafe = outer.ReadEncodedValue();
        var macData = outer.ReadSequence();
        ReadOnlyMemory<byte> mac = macData.ReadEncodedValue();
        ReadOnlyMemory<byte> salt = macData.ReadEncodedValue();

        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(version.Span);
            writer.WriteEncodedValue(authSafe.Span);
            using (writer.PushSequence())
            {
                writer.WriteEncodedValue(mac.Span);
                writer.WriteEncodedValue(salt.Span);
                writer.WriteInteger(iterations);
            }
        }

        return writer.Encode();
    }
}
