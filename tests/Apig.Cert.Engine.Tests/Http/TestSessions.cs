using System.Security;
using Apig.Cert;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Auth;
using Apig.Cert.Engine.Http;
using Apig.Cert.Engine.Diagnostics;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Engine.Tests.Http;

internal static class TestSessions
{
    public const string ProjectId = "p1";
    public const string AccessKey = "HPUAEXAMPLEKEY1234";
    public const string SecretKeyText = "SecretKeyValue-DoNotLog-7f3a";

    /// <summary>Real backoff shape, but in milliseconds, so retry tests take no noticeable time.</summary>
    public static readonly RetryTiming Fast = new(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(60));

    public static SecureString Secure(string value)
    {
        var secure = new SecureString();
        foreach (char c in value) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    public static ApigConnectionSettings AkSk(TestHttpServer server, int maxRetries = 2) => new()
    {
        Region = "cn-north-4",
        ProjectId = ProjectId,
        Endpoint = server.BaseUri,
        AuthType = ApigAuthType.AccessKey,
        AccessKey = AccessKey,
        SecretKey = Secure(SecretKeyText),
        MaxRetries = maxRetries,
        Timeout = TimeSpan.FromSeconds(10),
    };

    public static Task<ApigSession> ConnectAsync(ApigConnectionSettings settings, IApigLog? log = null, RetryTiming? timing = null) =>
        ApigSession.ConnectAsync(settings, log, timing ?? Fast, CancellationToken.None);

    public static async Task<ApigClient> AkSkClientAsync(TestHttpServer server, int maxRetries = 2, IApigLog? log = null)
    {
        var session = await ConnectAsync(AkSk(server, maxRetries), log);
        return session.CreateClient(log);
    }

    public static readonly DomainRef Domain = DomainRef.Create("i1", "g1", "d1");

    public const string DomainPath = "/v2/p1/apigw/instances/i1/api-groups/g1/domains/d1";
}
