using System.Net;
using System.Net.Http;
using System.Security;
using Apig.Cert.Engine.Auth;
using Apig.Cert.Engine.Http;
using Apig.Cert.Engine.Connection;

namespace Apig.Cert.Engine.Tests.Http;

public class ProxyChoiceTests
{
    private static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (char c in text) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    private static ProxyChoice Choice(string? proxy, string? user = null, string? password = null, bool useDefault = false) =>
        ProxyChoice.From(proxy == null ? null : new Uri(proxy), user, password == null ? null : Secure(password), useDefault)!;

    [Fact]
    public void NoProxySettingsMeanTheSharedDefaultClient()
    {
        Assert.Null(ProxyChoice.From(null, null, null, false));
    }

    [Theory]
    [InlineData("http://user:pa55word@proxy.example.com:8080", "Proxy")]
    [InlineData("http://user@proxy.example.com:8080", "Proxy")]
    [InlineData("socks5://proxy.example.com:1080", "Proxy")]
    [InlineData("ftp://proxy.example.com", "Proxy")]
    [InlineData("http://proxy.example.com:8080/path", "Proxy")]
    [InlineData("http://proxy.example.com:8080/?q=1", "Proxy")]
    public void RefusesProxiesThatAreNotPlainHttpAddresses(string proxy, string inputName)
    {
        var error = Assert.Throws<ApigInputException>(() => Choice(proxy));

        Assert.Equal("InvalidProxy", error.ErrorId);
        Assert.Equal(inputName, error.InputName);
        Assert.DoesNotContain("pa55word", error.Message);
    }

    [Fact]
    public void RefusesARelativeProxy()
    {
        var error = Assert.Throws<ApigInputException>(() => ProxyChoice.From(new Uri("proxy.example.com", UriKind.Relative), null, null, false));
        Assert.Equal("Proxy", error.InputName);
    }

    [Fact]
    public void RefusesBothKindsOfProxyCredentialsAtOnce()
    {
        var error = Assert.Throws<ApigInputException>(() => Choice("http://proxy.example.com:8080", "user", "secret", useDefault: true));
        Assert.Equal("ProxyCredential", error.InputName);
    }

    [Fact]
    public void EqualSettingsShareOnePoolAndAnyDifferenceGetsItsOwn()
    {
        string first = SharedHttpClient.ClientNameFor(Choice("http://proxy.example.com:8080", "user", "secret-1"));
        string same = SharedHttpClient.ClientNameFor(Choice("http://proxy.example.com:8080", "user", "secret-1"));
        string otherPassword = SharedHttpClient.ClientNameFor(Choice("http://proxy.example.com:8080", "user", "secret-2"));
        string otherUser = SharedHttpClient.ClientNameFor(Choice("http://proxy.example.com:8080", "user2", "secret-1"));
        string otherProxy = SharedHttpClient.ClientNameFor(Choice("http://proxy2.example.com:8080", "user", "secret-1"));
        string defaultCredentials = SharedHttpClient.ClientNameFor(Choice("http://proxy.example.com:8080", useDefault: true));
        string noCredentials = SharedHttpClient.ClientNameFor(Choice("http://proxy.example.com:8080"));

        Assert.Equal(first, same);
        Assert.Equal(6, new[] { first, otherPassword, otherUser, otherProxy, defaultCredentials, noCredentials }.Distinct().Count());
        Assert.All(new[] { first, otherPassword }, name => Assert.DoesNotContain("secret", name));
        Assert.DoesNotContain("proxy.example.com", first);
    }

    [Fact]
    public void SessionsWithEqualSettingsGetClientsOverTheSameHandlerPool()
    {
        // The factory hands out a new HttpClient each time; what must be shared is the handler underneath, which is
        // what owns the connections. Equal names are the factory's guarantee of that.
        var a = SharedHttpClient.Get(Choice("http://pool.example.com:3128", "user", "secret"));
        var b = SharedHttpClient.Get(Choice("http://pool.example.com:3128", "user", "secret"));
        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.Equal(Timeout.InfiniteTimeSpan, a.Timeout);
        Assert.Contains("Apig.Cert", a.DefaultRequestHeaders.UserAgent.ToString());
    }

    [Fact]
    public void AnExplicitProxyIsUsedEvenForLoopbackEndpoints()
    {
        using HttpClientHandler handler = SharedHttpClient.CreateHandler(Choice("http://proxy.example.com:8080", "user", "secret"));

        var proxy = Assert.IsType<WebProxy>(handler.Proxy);
        Assert.True(handler.UseProxy);
        Assert.False(proxy.BypassProxyOnLocal);
        Assert.False(proxy.IsBypassed(new Uri("http://127.0.0.1:5000/v2/")));
        Assert.Equal(new Uri("http://proxy.example.com:8080"), proxy.GetProxy(new Uri("http://127.0.0.1:5000/v2/")));
        Assert.Equal("secret", proxy.Credentials!.GetCredential(new Uri("http://proxy.example.com:8080"), "Basic")!.Password);
        Assert.False(handler.AllowAutoRedirect);
    }

    [Fact]
    public void TheDefaultHandlerLeavesTheProxyToThePlatform()
    {
        using HttpClientHandler handler = SharedHttpClient.CreateHandler(null);

        Assert.True(handler.UseProxy);
        Assert.Null(handler.Proxy);
        Assert.Null(handler.DefaultProxyCredentials);
    }

    [Fact]
    public void CredentialsWithoutAProxyAnswerTheSystemProxy()
    {
        using HttpClientHandler handler = SharedHttpClient.CreateHandler(Choice(null, "user", "secret"));

        Assert.Null(handler.Proxy);
        Assert.Equal("user", handler.DefaultProxyCredentials!.GetCredential(new Uri("http://proxy.example.com"), "Basic")!.UserName);
    }

    [Fact]
    public void ADomainUserIsSplitForNtlm()
    {
        var choice = Choice("http://proxy.example.com:8080", "CORP\\alice", "secret");

        Assert.Equal("alice", choice.Credential!.UserName);
        Assert.Equal("CORP", choice.Credential.Domain);
    }

    [Fact]
    public void TextNeverShowsThePassword()
    {
        var choice = Choice("http://proxy.example.com:8080", "user", "pa55word-xyz");

        Assert.Equal("Credential (user)", choice.AuthenticationDescription);
        Assert.DoesNotContain("pa55word", choice.ToString());
        Assert.Contains("http://proxy.example.com:8080", choice.ToString());
    }
}
