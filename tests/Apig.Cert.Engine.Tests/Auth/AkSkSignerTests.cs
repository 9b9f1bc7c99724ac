using System.Text;
using Apig.Cert.Engine.Auth;

namespace Apig.Cert.Engine.Tests.Auth;

public class AkSkSignerTests
{
    private static readonly byte[] SecretKey = Encoding.UTF8.GetBytes("SecretKey");

    private static KeyValuePair<string, string>[] DateOnly(string date) => [new("X-Sdk-Date", date)];

    [Fact]
    public void GoSdkGetVectorIsReproduced()
    {
        string authorization = AkSkSigner.CreateAuthorization("AccessKey", SecretKey, "GET", "/path", "limit=1",
            DateOnly("20060102T150405Z"), body: null);

        Assert.Equal("SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, " +
                     "Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624", authorization);
    }

    [Fact]
    public void GoSdkPostVectorIsReproducedIncludingTheEncodersTrailingNewline()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"Name\":\"test\",\"Id\":1}\n");

        string authorization = AkSkSigner.CreateAuthorization("AccessKey", SecretKey, "POST", "/path", "key=value",
            DateOnly("20060102T150405Z"), body);

        Assert.Equal("SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, " +
                     "Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59", authorization);
    }

    [Fact]
    public void BodyWithoutTheNewlineGivesADifferentSignature()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"Name\":\"test\",\"Id\":1}");

        string authorization = AkSkSigner.CreateAuthorization("AccessKey", SecretKey, "POST", "/path", "key=value",
            DateOnly("20060102T150405Z"), body);

        Assert.DoesNotContain("cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59", authorization);
    }

    [Fact]
    public void EmptyBodyHashIsTheSha256OfNothing()
    {
        Assert.Equal(AkSkSigner.EmptyBodyHash, AkSkSigner.HashHex([]));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", AkSkSigner.EmptyBodyHash);
    }

    [Theory]
    [InlineData("/path", "/path/")]
    [InlineData("/path/", "/path/")]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("/v2/p1/apigw/instances", "/v2/p1/apigw/instances/")]
    [InlineData("/a b/c", "/a%20b/c/")]
    [InlineData("/a%20b/c", "/a%20b/c/")]
    [InlineData("/caf\u00e9/x~y_z.-", "/caf%C3%A9/x~y_z.-/")]
    [InlineData("/a:b@c/d+e", "/a%3Ab%40c/d%2Be/")]
    public void CanonicalUriEncodesEachSegmentAndEndsWithSlash(string rawPath, string expected)
    {
        Assert.Equal(expected, AkSkSigner.CanonicalUri(rawPath));
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("limit=1", "limit=1")]
    [InlineData("name=a b", "name=a%20b")]
    [InlineData("name=a%20b", "name=a%20b")]
    [InlineData("b=2&a=1", "a=1&b=2")]
    [InlineData("k=z&k=a&k=m", "k=a&k=m&k=z")]
    [InlineData("empty=&flag", "empty=&flag=")]
    [InlineData("B=1&a=1", "B=1&a=1")]
    [InlineData("x=%2F%3F", "x=%2F%3F")]
    [InlineData("n=caf\u00e9*", "n=caf%C3%A9%2A")]
    public void CanonicalQueryEncodesSortsAndKeepsEmptyValues(string? rawQuery, string expected)
    {
        Assert.Equal(expected, AkSkSigner.CanonicalQuery(rawQuery));
    }

    [Fact]
    public void CanonicalRequestHasTheDocumentedShape()
    {
        var headers = AkSkSigner.NormalizeHeaders([
            new("X-Sdk-Date", "20060102T150405Z"),
            new("Host", " apig.example.com:8443 "),
            new("X-Project-Id", "p1"),
        ]);

        string canonical = AkSkSigner.BuildCanonicalRequest("get", "/v2/p1/apigw/instances", "offset=0&limit=20", headers,
            AkSkSigner.EmptyBodyHash);

        Assert.Equal(
            "GET\n/v2/p1/apigw/instances/\nlimit=20&offset=0\n" +
            "host:apig.example.com:8443\nx-project-id:p1\nx-sdk-date:20060102T150405Z\n\n" +
            "host;x-project-id;x-sdk-date\n" + AkSkSigner.EmptyBodyHash,
            canonical);
    }

    [Fact]
    public void SignatureChangesWhenASignedHeaderChanges()
    {
        KeyValuePair<string, string>[] a = [new("X-Sdk-Date", "20060102T150405Z"), new("Host", "h1")];
        KeyValuePair<string, string>[] b = [new("X-Sdk-Date", "20060102T150405Z"), new("Host", "h2")];

        Assert.NotEqual(
            AkSkSigner.CreateAuthorization("AK", SecretKey, "GET", "/", null, a, null),
            AkSkSigner.CreateAuthorization("AK", SecretKey, "GET", "/", null, b, null));
    }

    [Fact]
    public void MissingDateHeaderIsRefused()
    {
        Assert.Throws<ArgumentException>(() =>
            AkSkSigner.CreateAuthorization("AK", SecretKey, "GET", "/", null, [new("Host", "h")], null));
    }

    [Theory]
    [InlineData("Content-Type", false)]
    [InlineData("content-type", false)]
    [InlineData("X_Custom", false)]
    [InlineData("Host", true)]
    [InlineData("X-Sdk-Date", true)]
    [InlineData("X-Project-Id", true)]
    public void SignabilityFollowsTheSdks(string name, bool expected)
    {
        Assert.Equal(expected, AkSkSigner.IsSignable(name));
    }

    [Fact]
    public void DateIsFormattedInUtcBasicFormat()
    {
        Assert.Equal("20060102T150405Z", AkSkSigner.FormatDate(new DateTime(2006, 1, 2, 15, 4, 5, DateTimeKind.Utc)));
    }
}
