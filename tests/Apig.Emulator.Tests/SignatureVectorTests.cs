using System.Text;

namespace Apig.Emulator.Tests;

/// <summary>The verifier's signature computation against the Go SDK's own test vectors (apig-api.md §6.2).</summary>
public class SignatureVectorTests
{
    private const string Date = "20060102T150405Z";

    [Fact]
    public void Get_with_query_matches_go_sdk_vector()
    {
        string canonical = SdkHmacSha256.CanonicalRequest("GET", "/path", "limit=1", ["x-sdk-date"], _ => Date, SdkHmacSha256.EmptyBodyHash);
        Assert.Equal($"GET\n/path/\nlimit=1\nx-sdk-date:{Date}\n\nx-sdk-date\n{SdkHmacSha256.EmptyBodyHash}", canonical);
        Assert.Equal("5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624",
            SdkHmacSha256.Signature("SecretKey", SdkHmacSha256.StringToSign(Date, canonical)));
    }

    [Fact]
    public void Post_with_json_body_matches_go_sdk_vector()
    {
        string bodyHash = SdkHmacSha256.HexSha256(Encoding.UTF8.GetBytes("{\"Name\":\"test\",\"Id\":1}\n"));
        string canonical = SdkHmacSha256.CanonicalRequest("POST", "/path", "key=value", ["x-sdk-date"], _ => Date, bodyHash);
        Assert.Equal("cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59",
            SdkHmacSha256.Signature("SecretKey", SdkHmacSha256.StringToSign(Date, canonical)));
    }

    [Fact]
    public void Query_is_decoded_reencoded_and_sorted_like_the_go_sdk()
    {
        // Same expectation as the Go SDK's TestSigner_canonicalQueryString.
        string raw = "test=%E4%B8%80+%28%26%3D%3F%21%23%25.*%29&limit=1&multi=3&multi=1&multi=2&path=/tmp/123&enable=true";
        Assert.Equal("enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29",
            SdkHmacSha256.CanonicalQuery(raw));
    }

    [Fact]
    public void Canonical_uri_gets_a_trailing_slash_and_strict_encoding()
    {
        Assert.Equal("/v2/p/apigw/instances/", SdkHmacSha256.CanonicalUri("/v2/p/apigw/instances"));
        Assert.Equal("/a%20b/c%2A/", SdkHmacSha256.CanonicalUri("/a%20b/c*/"));
    }

    [Fact]
    public void Header_values_are_trimmed()
    {
        string a = SdkHmacSha256.CanonicalRequest("GET", "/", "", ["x-sdk-date"], _ => "  " + Date + " ", SdkHmacSha256.EmptyBodyHash);
        string b = SdkHmacSha256.CanonicalRequest("GET", "/", "", ["x-sdk-date"], _ => Date, SdkHmacSha256.EmptyBodyHash);
        Assert.Equal(b, a);
    }
}
