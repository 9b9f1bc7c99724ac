using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Apig.Cert;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Auth;
using Apig.Cert.Engine.Tests.Http;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Engine.Tests.Connection;

public class ConnectTests
{
    private static ApigConnectionSettings Remote(Action<ApigConnectionSettings>? change = null)
    {
        var settings = new ApigConnectionSettings
        {
            Region = "cn-north-4",
            ProjectId = "0123456789abcdef0123456789abcdef",
            AuthType = ApigAuthType.AccessKey,
            AccessKey = "HPUAABCDEFGHWXYZ",
            SecretKey = TestSessions.Secure("sk"),
        };
        change?.Invoke(settings);
        return settings;
    }

    private static async Task<ApigInputException> Refused(ApigConnectionSettings settings) =>
        await Assert.ThrowsAsync<ApigInputException>(() => TestSessions.ConnectAsync(settings));

    [Theory]
    [InlineData("", "RegionRequired", "Region")]
    [InlineData("cn north 4", "InvalidRegion", "Region")]
    [InlineData("cn-north-4.evil.com/", "InvalidRegion", "Region")]
    [InlineData("-cn-north-4", "InvalidRegion", "Region")]
    [InlineData("cn-north-4-", "InvalidRegion", "Region")]
    [InlineData("cn--north-4", "InvalidRegion", "Region")]
    [InlineData("cn_north_4", "InvalidRegion", "Region")]
    [InlineData("cn-n\u00f6rth-4", "InvalidRegion", "Region")]
    public async Task RegionIsRequiredAndMustLookLikeARegion(string region, string errorId, string inputName)
    {
        var error = await Refused(Remote(s => s.Region = region));

        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(inputName, error.InputName);
    }

    [Theory]
    [InlineData("HPUA-ABC_DEF9")]
    [InlineData("a")]
    [InlineData("HPUAABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789HPUAABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789HPUAABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789HPUAABCD")]
    public async Task AccessKeysOfUpTo128LettersDigitsUnderscoresAndDashesAreAccepted(string accessKey)
    {
        var session = await TestSessions.ConnectAsync(Remote(s => s.AccessKey = accessKey));

        Assert.Equal(ApigAuthType.AccessKey, session.Context.AuthType);
    }

    [Fact]
    public async Task ProjectIdIsRequired()
    {
        var error = await Refused(Remote(s => s.ProjectId = " "));

        Assert.Equal("ProjectIdRequired", error.ErrorId);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("p?x=1")]
    public async Task ProjectIdMustBeASafeId(string projectId)
    {
        var error = await Refused(Remote(s => s.ProjectId = projectId));

        Assert.Equal("InvalidId", error.ErrorId);
        Assert.Equal("ProjectId", error.InputName);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public async Task MaxRetriesOutsideZeroToTenIsRefused(int maxRetries)
    {
        var error = await Refused(Remote(s => s.MaxRetries = maxRetries));

        Assert.Equal("InvalidMaxRetries", error.ErrorId);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(601)]
    public async Task TimeoutOutsideOneTo600SecondsIsRefused(double seconds)
    {
        var error = await Refused(Remote(s => s.Timeout = TimeSpan.FromSeconds(seconds)));

        Assert.Equal("InvalidTimeout", error.ErrorId);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://127.8.9.10:8080/prefix/")]
    [InlineData("http://localhost:5000")]
    [InlineData("http://[::1]:5000")]
    [InlineData("https://apig.example.com")]
    [InlineData("https://10.1.2.3:8443")]
    public async Task HttpsAnywhereAndHttpOnlyToThisMachineAreAccepted(string endpoint)
    {
        var session = await TestSessions.ConnectAsync(Remote(s => s.Endpoint = new Uri(endpoint)));

        Assert.Equal(new Uri(endpoint).GetLeftPart(UriPartial.Authority), session.Context.Endpoint.GetLeftPart(UriPartial.Authority));
    }

    [Theory]
    [InlineData("http://apig.cn-north-4.myhuaweicloud.com", "InsecureEndpoint")]
    [InlineData("http://10.0.0.1:8080", "InsecureEndpoint")]
    [InlineData("http://localhost.example.com", "InsecureEndpoint")]
    [InlineData("http://128.0.0.1", "InsecureEndpoint")]
    [InlineData("ftp://127.0.0.1", "InvalidEndpoint")]
    [InlineData("https://apig.example.com/?x=1", "InvalidEndpoint")]
    [InlineData("https://user:pw@apig.example.com", "InvalidEndpoint")]
    public async Task OtherEndpointsAreRefused(string endpoint, string errorId)
    {
        var error = await Refused(Remote(s => s.Endpoint = new Uri(endpoint)));

        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal("Endpoint", error.InputName);
        Assert.DoesNotContain("pw@", error.Message);
    }

    [Fact]
    public async Task InsecureIamEndpointIsRefusedBeforeAnythingIsSent()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(201, "{}"));
        var settings = PasswordSettings(server);
        settings.IamEndpoint = new Uri("http://iam.example.com");

        var error = await Refused(settings);

        Assert.Equal("InsecureEndpoint", error.ErrorId);
        Assert.Equal("IamEndpoint", error.InputName);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("cn-north-4", "https://apig.cn-north-4.myhuaweicloud.com/")]
    [InlineData("ap-southeast-1", "https://apig.ap-southeast-1.myhuaweicloud.com/")]
    [InlineData("eu-west-101", "https://apig.eu-west-101.myhuaweicloud.eu/")]
    [InlineData("CN-North-4", "https://apig.cn-north-4.myhuaweicloud.com/")]
    public async Task DefaultEndpointFollowsTheRegion(string region, string expected)
    {
        var session = await TestSessions.ConnectAsync(Remote(s => s.Region = region));

        Assert.Equal(expected, session.Context.Endpoint.ToString());
    }

    [Fact]
    public void KnownRegionsCoverTheDocumentedOnes()
    {
        Assert.True(ApigRegions.Known.Count >= 15);
        foreach (string region in new[] { "cn-north-4", "cn-north-1", "cn-east-3", "cn-south-1", "ap-southeast-1", "ap-southeast-3", "eu-west-101" })
        {
            Assert.Contains(region, ApigRegions.Known);
        }
    }

    [Theory]
    [InlineData("HPUAABCDEFGHWXYZ", "HPUA****WXYZ")]
    [InlineData("ABCDEFGHIJ", "ABCD****GHIJ")]
    [InlineData("ABCDEFGHI", "*********")]
    [InlineData("AK", "**")]
    public async Task ContextShowsTheAccessKeyMasked(string accessKey, string expected)
    {
        var session = await TestSessions.ConnectAsync(Remote(s => s.AccessKey = accessKey));

        Assert.Equal(expected, session.Context.AccessKey);
        Assert.Equal(ApigAuthType.AccessKey, session.Context.AuthType);
        Assert.DoesNotContain(accessKey, session.Context.ToString());
    }

    [Fact]
    public async Task ContextCarriesRetriesAndTimeout()
    {
        var session = await TestSessions.ConnectAsync(Remote(s =>
        {
            s.MaxRetries = 7;
            s.Timeout = TimeSpan.FromSeconds(42);
        }));

        Assert.Equal(7, session.Context.MaxRetries);
        Assert.Equal(42, session.Context.TimeoutSec);
        Assert.Null(session.Context.TokenExpiresAt);
        Assert.Equal("cn-north-4", session.Context.Region);
    }

    [Theory]
    [InlineData(null, "sk", "AccessKeyRequired")]
    [InlineData("HPUA ABC", "sk", "InvalidAccessKey")]
    [InlineData("HPUA+ABC", "sk", "InvalidAccessKey")]
    [InlineData("HPUA\u00c4BC", "sk", "InvalidAccessKey")]
    [InlineData("HPUAABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789HPUAABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789HPUAABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789HPUAABCDEF1", "sk", "InvalidAccessKey")]
    [InlineData("HPUAABCDEFGHWXYZ", null, "SecretKeyRequired")]
    public async Task AccessKeyAuthNeedsBothHalves(string? accessKey, string? secretKey, string errorId)
    {
        var error = await Refused(Remote(s =>
        {
            s.AccessKey = accessKey;
            s.SecretKey = secretKey == null ? null : TestSessions.Secure(secretKey);
        }));

        Assert.Equal(errorId, error.ErrorId);
    }

    [Fact]
    public async Task AkSkRequestsAreSignedOverExactlyWhatIsSent()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, "{\"total\":0,\"instances\":[]}"));
        var settings = TestSessions.AkSk(server);
        settings.SecurityToken = TestSessions.Secure("sts-token");
        var client = (await TestSessions.ConnectAsync(settings)).CreateClient(null);

        await client.ListGroupsAsync("i1", 0, 20, "my group", CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v2/p1/apigw/instances/i1/api-groups", request.Path);
        Assert.Equal("offset=0&limit=20&name=my%20group", request.Query);
        Assert.Equal("127.0.0.1:" + server.Port, request.Header("Host"));
        Assert.Equal("p1", request.Header("X-Project-Id"));
        Assert.Equal("sts-token", request.Header("X-Security-Token"));
        Assert.Matches("^\\d{8}T\\d{6}Z$", request.Header("X-Sdk-Date"));
        Assert.StartsWith("Apig.Cert/", request.Header("User-Agent"));
        Assert.Equal("en-us", request.Header("X-Language"));

        // Recomputed here by hand for this one request, independently of the engine's signer.
        string canonical = "GET\n/v2/p1/apigw/instances/i1/api-groups/\nlimit=20&name=my%20group&offset=0\n" +
                           "host:127.0.0.1:" + server.Port + "\nx-language:en-us\nx-project-id:p1\nx-sdk-date:" + request.Header("X-Sdk-Date") +
                           "\nx-security-token:sts-token\n\nhost;x-language;x-project-id;x-sdk-date;x-security-token\n" +
                           Convert.ToHexStringLower(SHA256.HashData([]));
        string stringToSign = "SDK-HMAC-SHA256\n" + request.Header("X-Sdk-Date") + "\n" +
                              Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        string signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(TestSessions.SecretKeyText),
            Encoding.UTF8.GetBytes(stringToSign)));
        Assert.Equal("SDK-HMAC-SHA256 Access=" + TestSessions.AccessKey + ", SignedHeaders=host;x-language;x-project-id;x-sdk-date;x-security-token, " +
                     "Signature=" + signature, request.Header("Authorization"));
    }

    [Fact]
    public async Task PostBodiesAreJsonUtf8AndTheirHashIsSigned()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(201, "{\"id\":\"d1\"}"));
        var client = await TestSessions.AkSkClientAsync(server);

        await client.BindCertificateAsync(TestSessions.Domain, "cert_name", "CERT", "KEY", CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("application/json; charset=UTF-8", request.Header("Content-Type")!.Replace(";charset", "; charset"));
        Assert.DoesNotContain("content-type", request.Header("Authorization"));
        string canonical = "POST\n" + TestSessions.DomainPath + "/certificate/\n\n" +
                           "host:127.0.0.1:" + server.Port + "\nx-language:en-us\nx-project-id:p1\nx-sdk-date:" + request.Header("X-Sdk-Date") +
                           "\n\nhost;x-language;x-project-id;x-sdk-date\n" + Convert.ToHexStringLower(SHA256.HashData(request.Body));
        string stringToSign = "SDK-HMAC-SHA256\n" + request.Header("X-Sdk-Date") + "\n" +
                              Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        string signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(TestSessions.SecretKeyText),
            Encoding.UTF8.GetBytes(stringToSign)));
        Assert.EndsWith("Signature=" + signature, request.Header("Authorization"));
    }

    [Fact]
    public async Task SuppliedTokenIsSentAndNeverRefreshed()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Error(401, "APIG.1001", "token expired"));
        var settings = TestSessions.AkSk(server);
        settings.AuthType = ApigAuthType.Token;
        settings.Token = TestSessions.Secure("user-token");
        var session = await TestSessions.ConnectAsync(settings);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => session.CreateClient(null).ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.Equal("APIG.1001", error.ErrorCode);
        var request = Assert.Single(server.Requests);
        Assert.Equal("user-token", request.Header("X-Auth-Token"));
        Assert.Null(request.Header("Authorization"));
        Assert.Equal(ApigAuthType.Token, session.Context.AuthType);
        Assert.Null(session.Context.AccessKey);
    }

    [Fact]
    public async Task MissingTokenIsRefused()
    {
        var error = await Refused(Remote(s => s.AuthType = ApigAuthType.Token));

        Assert.Equal("TokenRequired", error.ErrorId);
    }

    // ---- password sign-in ----

    private static ApigConnectionSettings PasswordSettings(TestHttpServer server) => new()
    {
        Region = "cn-north-4",
        ProjectId = TestSessions.ProjectId,
        Endpoint = server.BaseUri,
        IamEndpoint = server.BaseUri,
        AuthType = ApigAuthType.Password,
        UserName = "alice",
        Password = TestSessions.Secure("Pa55-word!"),
        AccountName = "acme",
        MaxRetries = 1,
        Timeout = TimeSpan.FromSeconds(10),
    };

    private static TestResponse TokenIssued(string token, DateTimeOffset expiresAt) => TestResponse.Json(201,
        "{\"token\":{\"expires_at\":\"" + expiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ") + "\",\"methods\":[\"password\"]}}",
        ("X-Subject-Token", token));

    private static bool IsIam(RecordedRequest request) => request.Path == "/v3/auth/tokens";

    [Fact]
    public async Task PasswordSignInGetsAProjectScopedTokenDuringConnect()
    {
        var expiresAt = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);
        await using var server = new TestHttpServer(_ => TokenIssued("tok-1", expiresAt));
        var log = new ListLog();

        var session = await TestSessions.ConnectAsync(PasswordSettings(server), log);

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v3/auth/tokens?nocatalog=true", request.Target);
        using var body = JsonDocument.Parse(request.Body);
        var auth = body.RootElement.GetProperty("auth");
        Assert.Equal("password", auth.GetProperty("identity").GetProperty("methods")[0].GetString());
        var user = auth.GetProperty("identity").GetProperty("password").GetProperty("user");
        Assert.Equal("alice", user.GetProperty("name").GetString());
        Assert.Equal("Pa55-word!", user.GetProperty("password").GetString());
        Assert.Equal("acme", user.GetProperty("domain").GetProperty("name").GetString());
        Assert.Equal("p1", auth.GetProperty("scope").GetProperty("project").GetProperty("id").GetString());

        Assert.Equal(expiresAt, session.Context.TokenExpiresAt);
        Assert.Equal(ApigAuthType.Password, session.Context.AuthType);
        Assert.Equal("alice", session.Context.UserName);
        Assert.Equal("acme", session.Context.AccountName);
        Assert.DoesNotContain("Pa55-word!", log.All);
        Assert.DoesNotContain("tok-1", log.All);
    }

    [Fact]
    public async Task WrongPasswordFailsAtConnectWithoutEchoingIt()
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(401,
            "{\"error\":{\"code\":401,\"message\":\"The username or password is wrong.\",\"title\":\"Unauthorized\"}}"));

        var error = await Assert.ThrowsAsync<ApigApiException>(() => TestSessions.ConnectAsync(PasswordSettings(server)));

        Assert.Equal(401, error.StatusCode);
        Assert.DoesNotContain("Pa55-word!", error.ToString());
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("UserName", "UserNameRequired")]
    [InlineData("Password", "PasswordRequired")]
    [InlineData("AccountName", "AccountNameRequired")]
    public async Task PasswordSignInNeedsAllThreeParts(string missing, string errorId)
    {
        await using var server = new TestHttpServer(_ => TokenIssued("tok", DateTimeOffset.UtcNow.AddHours(1)));
        var settings = PasswordSettings(server);
        if (missing == "UserName") settings.UserName = null;
        if (missing == "Password") settings.Password = null;
        if (missing == "AccountName") settings.AccountName = "";

        var error = await Refused(settings);

        Assert.Equal(errorId, error.ErrorId);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ExpiredTokenRejectionRenewsOnceAndRepeatsTheRequest()
    {
        int issued = 0;
        await using var server = new TestHttpServer(request =>
        {
            if (IsIam(request)) return TokenIssued("tok-" + Interlocked.Increment(ref issued), DateTimeOffset.UtcNow.AddHours(1));
            return request.Header("X-Auth-Token") == "tok-1"
                ? TestResponse.Error(401, "APIG.1001", "The token has expired")
                : TestResponse.Json(200, "{\"total\":3,\"instances\":[]}");
        });
        var session = await TestSessions.ConnectAsync(PasswordSettings(server));
        DateTimeOffset? firstExpiry = session.Context.TokenExpiresAt;

        var page = await session.CreateClient(null).ListInstancesAsync(0, 20, CancellationToken.None);

        Assert.Equal(3, page.Total);
        Assert.Equal(2, server.Count(IsIam));
        Assert.Equal(new[] { "tok-1", "tok-2" }, server.Requests.Where(r => !IsIam(r)).Select(r => r.Header("X-Auth-Token") ?? "").ToArray());
        Assert.NotEqual(firstExpiry, session.Context.TokenExpiresAt);
    }

    [Fact]
    public async Task ParallelRejectionsOfTheSameTokenCauseOneRenewal()
    {
        int issued = 0;
        await using var server = new TestHttpServer(request =>
        {
            if (IsIam(request)) return TokenIssued("tok-" + Interlocked.Increment(ref issued), DateTimeOffset.UtcNow.AddHours(1));
            return request.Header("X-Auth-Token") == "tok-1"
                ? TestResponse.Error(401, "APIG.1001", "The token has expired")
                : TestResponse.Json(200, "{\"total\":1,\"instances\":[]}");
        });
        var client = (await TestSessions.ConnectAsync(PasswordSettings(server))).CreateClient(null);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.ListInstancesAsync(0, 20, CancellationToken.None)));

        Assert.Equal(2, server.Count(IsIam));
        Assert.Equal(6, server.Count(r => !IsIam(r) && r.Header("X-Auth-Token") == "tok-2"));
    }

    [Fact]
    public async Task ASecondExpiredRejectionIsNotRetriedAgain()
    {
        await using var server = new TestHttpServer(request => IsIam(request)
            ? TokenIssued("tok", DateTimeOffset.UtcNow.AddHours(1))
            : TestResponse.Error(401, "APIG.1001", "The token has expired"));
        var client = (await TestSessions.ConnectAsync(PasswordSettings(server))).CreateClient(null);

        var error = await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.Equal("APIG.1001", error.ErrorCode);
        Assert.Equal(2, server.Count(IsIam));
        Assert.Equal(2, server.Count(r => !IsIam(r)));
    }

    [Fact]
    public async Task OtherUnauthorizedCodesDoNotRenewTheToken()
    {
        await using var server = new TestHttpServer(request => IsIam(request)
            ? TokenIssued("tok", DateTimeOffset.UtcNow.AddHours(1))
            : TestResponse.Error(401, "APIG.1002", "The token is incorrect"));
        var client = (await TestSessions.ConnectAsync(PasswordSettings(server))).CreateClient(null);

        await Assert.ThrowsAsync<ApigApiException>(() => client.ListInstancesAsync(0, 20, CancellationToken.None));

        Assert.Equal(1, server.Count(IsIam));
    }

    [Fact]
    public async Task TokenCloseToExpiryIsRenewedBeforeTheRequest()
    {
        int issued = 0;
        await using var server = new TestHttpServer(request =>
        {
            if (!IsIam(request)) return TestResponse.Json(200, "{\"total\":0,\"instances\":[]}");
            int n = Interlocked.Increment(ref issued);
            // The first token has 4 minutes left: inside the 5-minute renewal window.
            return TokenIssued("tok-" + n, DateTimeOffset.UtcNow.Add(n == 1 ? TimeSpan.FromMinutes(4) : TimeSpan.FromHours(1)));
        });
        var log = new ListLog();
        var session = await TestSessions.ConnectAsync(PasswordSettings(server), log);

        await session.CreateClient(log).ListInstancesAsync(0, 20, CancellationToken.None);
        await session.CreateClient(log).ListInstancesAsync(0, 20, CancellationToken.None);

        Assert.Equal(2, server.Count(IsIam));
        Assert.All(server.Requests.Where(r => !IsIam(r)), r => Assert.Equal("tok-2", r.Header("X-Auth-Token")));
        Assert.Contains(log.VerboseLines, line => line.Contains("expires soon"));
        Assert.True(session.Context.TokenExpiresAt > DateTimeOffset.UtcNow.AddMinutes(30));
    }
}
