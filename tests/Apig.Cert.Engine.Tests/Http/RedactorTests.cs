using System.Text.Json;
using System.Text.RegularExpressions;
using Apig.Cert.Engine.Http;

namespace Apig.Cert.Engine.Tests.Http;

public class RedactorTests
{
    private const string KeyBody = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
    private const string Pem = "-----BEGIN PRIVATE KEY-----\n" + KeyBody + "\n-----END PRIVATE KEY-----\n";

    [Fact]
    public void EverySensitivePropertyIsMaskedAtAnyDepthAndTheRestIsKept()
    {
        string json = JsonSerializer.Serialize(new
        {
            name = "cert_name",
            cert_content = "-----BEGIN CERTIFICATE-----\nPUBLIC\n-----END CERTIFICATE-----",
            private_key = Pem,
            auth = new { identity = new { password = new { user = new { name = "alice", password = "Pa55-word!" } } } },
            list = new object[] { new { secret = "s3cr3t-value" }, new { sk = "sk-value-123" } },
            token = "tok-value-456",
            Token = 12345,
        });

        string redacted = Redactor.RedactJson(json);

        foreach (string secret in new[] { KeyBody, "Pa55-word!", "s3cr3t-value", "sk-value-123", "tok-value-456", "12345" })
        {
            Assert.DoesNotContain(secret, redacted);
        }

        Assert.Contains("\"private_key\":\"***\"", redacted);
        Assert.Contains("\"password\":\"***\"", redacted);
        Assert.Contains("\"name\":\"alice\"", redacted);
        Assert.Contains("cert_name", redacted);
        Assert.Contains("PUBLIC", redacted);
    }

    [Fact]
    public void AnObjectUnderASensitiveNameIsWalkedNotHidden()
    {
        string redacted = Redactor.RedactJson("{\"token\":{\"expires_at\":\"2030-01-01T00:00:00.000000Z\",\"secret\":\"x-secret\"}}");

        Assert.Contains("2030-01-01T00:00:00.000000Z", redacted);
        Assert.DoesNotContain("x-secret", redacted);
    }

    [Theory]
    [InlineData("{\"name\":\"n\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\n" + KeyBody)]
    [InlineData("{\"password\":\"" + KeyBody + "\",\"x\":")]
    [InlineData("{\"Sk\": 98765" + KeyBody + ", \"a\"")]
    [InlineData("garbage -----BEGIN RSA PRIVATE KEY-----\n" + KeyBody + "\n-----END RSA PRIVATE KEY----- trailing")]
    [InlineData("truncated -----BEGIN EC PRIVATE KEY-----\n" + KeyBody)]
    public void TextThatIsNotValidJsonIsMaskedByPattern(string text)
    {
        string redacted = Redactor.RedactJson(text);

        Assert.DoesNotContain(KeyBody, redacted);
        Assert.DoesNotContain("98765", redacted);
        Assert.Contains("***", redacted);
    }

    [Fact]
    public void PemPrivateKeyUnderAnInnocentNameIsMasked()
    {
        string redacted = Redactor.RedactJson(JsonSerializer.Serialize(new { note = Pem }));

        Assert.DoesNotContain(KeyBody, redacted);
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("authorization")]
    [InlineData("X-Auth-Token")]
    [InlineData("x-subject-token")]
    [InlineData("X-Security-Token")]
    public void CredentialHeadersAreMasked(string name)
    {
        Assert.Equal("***", Redactor.RedactHeader(name, "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abc"));
    }

    [Theory]
    [InlineData("X-Request-Id", "r-1")]
    [InlineData("Content-Type", "application/json")]
    [InlineData("X-Project-Id", "p1")]
    public void OrdinaryHeadersAreKept(string name, string value)
    {
        Assert.Equal(value, Redactor.RedactHeader(name, value));
    }

    [Fact]
    public void LongBodiesAreRedactedThenTruncated()
    {
        string json = JsonSerializer.Serialize(new { filler = new string('a', 5000), private_key = Pem });

        string logged = Redactor.RedactBody(json);

        Assert.DoesNotContain(KeyBody, logged);
        Assert.StartsWith(json[..100], logged);
        Assert.Contains("truncated", logged);
        Assert.True(logged.Length < 4200, "length " + logged.Length);
    }

    [Fact]
    public void BodiesInUtf8AreRedactedLikeText()
    {
        string json = JsonSerializer.Serialize(new { name = "cert_name", cert_content = "CERT-PUBLIC", private_key = Pem, nested = new { password = "pw-1" } });

        string fromBytes = Redactor.RedactBody(System.Text.Encoding.UTF8.GetBytes(json));

        Assert.Equal(Redactor.RedactBody(json), fromBytes);
        Assert.DoesNotContain(KeyBody, fromBytes);
        Assert.DoesNotContain("pw-1", fromBytes);
        Assert.Contains("CERT-PUBLIC", fromBytes);
        Assert.Equal("(empty)", Redactor.RedactBody(new byte[0]));
        Assert.DoesNotContain(KeyBody, Redactor.RedactBody(System.Text.Encoding.UTF8.GetBytes("not json " + Pem)));
    }

    [Fact]
    public async Task LogsOfABindCarryNoSecretAndOneVerboseLinePerRequest()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(201,
            "{\"id\":\"d1\",\"ssl_id\":\"c1\",\"token\":\"server-token-value\"}",
            ("X-Request-Id", "r-1"), ("X-Subject-Token", "subject-token-value")));
        var log = new ListLog();
        var settings = TestSessions.AkSk(server);
        settings.SecurityToken = TestSessions.Secure("sts-token-value");
        var session = await TestSessions.ConnectAsync(settings, log);
        var client = session.CreateClient(log);

        await client.BindCertificateAsync(TestSessions.Domain, "cert_name", "CERT-PUBLIC", Pem, CancellationToken.None);

        string everything = log.All;
        string authorization = server.Requests[0].Header("Authorization")!;
        foreach (string secret in new[] { KeyBody, TestSessions.SecretKeyText, "server-token-value", "subject-token-value", "sts-token-value",
                     authorization, authorization.Split("Signature=")[1] })
        {
            Assert.DoesNotContain(secret, everything);
        }

        Assert.Contains("\"private_key\":\"***\"", everything);
        Assert.Contains("CERT-PUBLIC", everything);
        Assert.Contains("Authorization: ***", everything);
        Assert.Contains("X-Security-Token: ***", everything);
        string verbose = Assert.Single(log.VerboseLines);
        Assert.Matches(new Regex("^POST " + Regex.Escape(TestSessions.DomainPath) + "/certificate -> 201 in \\d+ ms \\(request id r-1\\)$"), verbose);
    }
}
