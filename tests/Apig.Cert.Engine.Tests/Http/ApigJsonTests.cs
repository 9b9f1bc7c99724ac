using Apig.Cert.Engine.Http;

namespace Apig.Cert.Engine.Tests.Http;

public class ApigJsonTests
{
    private sealed class Dated
    {
        public DateTimeOffset? NotAfter { get; set; }
        public int? IngressHttpsPort { get; set; }
    }

    [Theory]
    [InlineData("\"2029-04-29T11:49:18Z\"", "2029-04-29T11:49:18+00:00")]
    [InlineData("\"2029-04-29T11:49:18.123456Z\"", "2029-04-29T11:49:18.1234560+00:00")]
    [InlineData("\"2029-04-29T19:49:18+08:00\"", "2029-04-29T11:49:18+00:00")]
    [InlineData("\"2029-04-29 11:49:18\"", "2029-04-29T11:49:18+00:00")]
    [InlineData("1700000000", "2023-11-14T22:13:20+00:00")]
    [InlineData("1700000000000", "2023-11-14T22:13:20+00:00")]
    public void DatesInTheShapesApigUsesAreRead(string json, string expected)
    {
        var value = ApigJson.Deserialize<Dated>("{\"not_after\":" + json + "}");

        Assert.Equal(DateTimeOffset.Parse(expected), value.NotAfter);
    }

    [Theory]
    [InlineData("\"not a date\"")]
    [InlineData("\"\"")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("{\"a\":1}")]
    [InlineData("-5")]
    public void UnreadableDatesBecomeNull(string json)
    {
        var value = ApigJson.Deserialize<Dated>("{\"not_after\":" + json + ",\"ingress_https_port\":443}");

        Assert.Null(value.NotAfter);
        Assert.Equal(443, value.IngressHttpsPort);
    }

    [Fact]
    public void NumbersSentAsStringsAndUnknownFieldsAreTolerated()
    {
        var value = ApigJson.Deserialize<Dated>("{\"ingress_https_port\":\"8443\",\"brand_new_field\":[1,{\"x\":2}]}");

        Assert.Equal(8443, value.IngressHttpsPort);
    }

    [Fact]
    public void EmptyBodyGivesDefaults()
    {
        Assert.Null(ApigJson.Deserialize<Dated>("").NotAfter);
    }
}
