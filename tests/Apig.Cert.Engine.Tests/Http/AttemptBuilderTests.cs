using System.Net.Http;
using Apig.Cert.Engine.Http;

namespace Apig.Cert.Engine.Tests.Http;

/// <summary>What one attempt's message carries, before any credential is added.</summary>
public class AttemptBuilderTests
{
    private static HttpRequestMessage Build(HttpMethod method, byte[]? body, out SentTrackingContent? content, string baseUri = "https://apig.example.com:8443")
    {
        var request = new ApigRequest(method, baseUri, "/v2/p1/apigw/instances", "limit=500", body);
        return AttemptBuilder.Build(request, request.Uri, AttemptBuilder.HostHeaderOf(request.Uri), out content);
    }

    [Fact]
    public void EveryAttemptAsksForJsonInEnglishFromTheRightHost()
    {
        using var message = Build(HttpMethod.Get, null, out _);

        Assert.Equal("https://apig.example.com:8443/v2/p1/apigw/instances?limit=500", message.RequestUri!.AbsoluteUri);
        Assert.Equal("apig.example.com:8443", message.Headers.Host);
        Assert.Equal("application/json", Assert.Single(message.Headers.Accept).MediaType);
        Assert.Equal("en-us", Assert.Single(message.Headers.GetValues("X-Language")));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    public void ARequestThatIsHarmlessToRepeatCarriesNoContentWithoutABody(string method)
    {
        using var message = Build(new HttpMethod(method), null, out SentTrackingContent? content);

        Assert.Null(content);
        Assert.Null(message.Content);
    }

    [Fact]
    public void ABodyGoesOutAsJsonAndIsWatchedForHavingStarted()
    {
        using var message = Build(HttpMethod.Post, new byte[] { (byte)'{', (byte)'}' }, out SentTrackingContent? content);

        Assert.NotNull(content);
        Assert.Same(content, message.Content);
        Assert.False(content!.Started);
        Assert.Equal("application/json", message.Content!.Headers.ContentType!.MediaType);
        Assert.Equal("UTF-8", message.Content.Headers.ContentType.CharSet);
        Assert.Equal(2, message.Content.Headers.ContentLength);
    }

    [Fact]
    public void ADeleteCarriesEmptyContentSoTheHandlerCannotResendItUnseen()
    {
        using var message = Build(HttpMethod.Delete, null, out SentTrackingContent? content);

        Assert.NotNull(content);
        Assert.Equal(0, message.Content!.Headers.ContentLength);
        Assert.False(message.Content.Headers.Contains("Content-Type"));
    }

    [Theory]
    [InlineData("https://apig.example.com", "apig.example.com")]
    [InlineData("https://apig.example.com:443", "apig.example.com")]
    [InlineData("http://127.0.0.1:5080", "127.0.0.1:5080")]
    [InlineData("https://bücher.example", "xn--bcher-kva.example")]
    public void TheHostHeaderNamesThePortOnlyWhenItIsNotTheDefault(string baseUri, string host)
    {
        Assert.Equal(host, AttemptBuilder.HostHeaderOf(new Uri(baseUri + "/x")));
    }

    [Fact]
    public async Task WithoutAnAuthenticatorNoCredentialIsAddedAndThereIsNoGeneration()
    {
        using var message = Build(HttpMethod.Get, null, out _);

        object? generation = await AttemptBuilder.AuthenticateAsync(message, null, "apig.example.com", Array.Empty<byte>(), null, CancellationToken.None);

        Assert.Null(generation);
        Assert.False(message.Headers.Contains("Authorization"));
    }
}
