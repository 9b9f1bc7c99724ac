using System.Net;
using Apig.Emulator;

namespace Apig.Emulator.Tests;

public class AuthTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private const string Path = Api + "/instances?limit=5";

    [Fact]
    public async Task Seed_token_is_accepted()
    {
        using var response = await Send(HttpMethod.Get, Path);
        await AssertStatus(response, HttpStatusCode.OK);
        Assert.Equal(1, (await Json(response)).GetProperty("total").GetInt32());
        Assert.Matches("^[0-9a-f]{32}$", response.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task No_credentials_is_401_APIG_1000()
    {
        using var response = await Send(HttpMethod.Get, Path, token: null);
        await AssertError(response, HttpStatusCode.Unauthorized, "APIG.1000");
    }

    [Fact]
    public async Task Unknown_token_is_401_APIG_1002()
    {
        using var response = await Send(HttpMethod.Get, Path, token: "not-a-token");
        await AssertError(response, HttpStatusCode.Unauthorized, "APIG.1002");
    }

    [Fact]
    public async Task Expired_token_is_401_APIG_1001()
    {
        using var response = await Send(HttpMethod.Get, Path, token: SeedDocument.ExpiredToken);
        await AssertError(response, HttpStatusCode.Unauthorized, "APIG.1001");
    }

    [Fact]
    public async Task Unknown_project_in_path_is_403_APIG_1005()
    {
        using var response = await Send(HttpMethod.Get, "/v2/ffffffffffffffffffffffffffffffff/apigw/instances");
        await AssertError(response, HttpStatusCode.Forbidden, "APIG.1005");
        using var signed = await Http.SendAsync(Signed(HttpMethod.Get, "/v2/ffffffffffffffffffffffffffffffff/apigw/instances",
            beforeSigning: r => r.Headers.Remove("X-Project-Id")));
        await AssertError(signed, HttpStatusCode.Forbidden, "APIG.1005");
    }

    [Fact]
    public async Task Signed_get_and_post_are_accepted()
    {
        using var get = await Http.SendAsync(Signed(HttpMethod.Get, Path));
        await AssertStatus(get, HttpStatusCode.OK);
        using var post = await Http.SendAsync(Signed(HttpMethod.Post, Group1 + "/domains", "{\"url_domain\":\"signed.example.com\"}"));
        await AssertStatus(post, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Host_may_be_signed_without_the_port()
    {
        using var response = await Http.SendAsync(Signed(HttpMethod.Get, Path, signHostWithoutPort: true));
        await AssertStatus(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Tampered_query_is_401_APIG_0303()
    {
        using var response = await Http.SendAsync(Signed(HttpMethod.Get, Path,
            tamper: r => r.RequestUri = new Uri(r.RequestUri!.ToString().Replace("limit=5", "limit=6"))));
        await AssertError(response, HttpStatusCode.Unauthorized, "APIG.0303");
    }

    [Fact]
    public async Task Tampered_body_is_401_APIG_0303()
    {
        using var response = await Http.SendAsync(Signed(HttpMethod.Post, Group1 + "/domains", "{\"url_domain\":\"a.example.com\"}",
            tamper: r => r.Content = new StringContent("{\"url_domain\":\"b.example.com\"}")));
        await AssertError(response, HttpStatusCode.Unauthorized, "APIG.0303");
    }

    [Fact]
    public async Task Wrong_secret_key_is_401_APIG_0303()
    {
        using var response = await Http.SendAsync(Signed(HttpMethod.Get, Path, secretKey: "wrong-secret"));
        string message = await AssertError(response, HttpStatusCode.Unauthorized, "APIG.0303");
        Assert.DoesNotContain(SeedDocument.DefaultSecretKey, message);
    }

    [Fact]
    public async Task Unknown_access_key_is_401_APIG_0303()
    {
        using var response = await Http.SendAsync(Signed(HttpMethod.Get, Path, accessKey: "UNKNOWNKEY"));
        await AssertError(response, HttpStatusCode.Unauthorized, "APIG.0303");
    }

    [Fact]
    public async Task Missing_sdk_date_is_401_APIG_0303()
    {
        using var response = await Http.SendAsync(Signed(HttpMethod.Get, Path, tamper: r => r.Headers.Remove("X-Sdk-Date")));
        await AssertError(response, HttpStatusCode.Unauthorized, "APIG.0303");
    }

    [Theory]
    [InlineData(-16)]
    [InlineData(16)]
    public async Task Clock_skew_over_15_minutes_is_401_APIG_0303(int minutes)
    {
        using var response = await Http.SendAsync(Signed(HttpMethod.Get, Path, signedAt: DateTimeOffset.UtcNow.AddMinutes(minutes)));
        string message = await AssertError(response, HttpStatusCode.Unauthorized, "APIG.0303");
        Assert.Contains("15 minutes", message);
    }

    [Fact]
    public async Task Clock_skew_under_15_minutes_is_accepted()
    {
        using var response = await Http.SendAsync(Signed(HttpMethod.Get, Path, signedAt: DateTimeOffset.UtcNow.AddMinutes(-14)));
        await AssertStatus(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Temporary_key_needs_the_security_token()
    {
        using var ok = await Http.SendAsync(Signed(HttpMethod.Get, Path, accessKey: SeedDocument.TemporaryAccessKey,
            secretKey: SeedDocument.TemporarySecretKey,
            beforeSigning: r => r.Headers.Add("X-Security-Token", SeedDocument.TemporarySecurityToken)));
        await AssertStatus(ok, HttpStatusCode.OK);

        using var missing = await Http.SendAsync(Signed(HttpMethod.Get, Path, accessKey: SeedDocument.TemporaryAccessKey,
            secretKey: SeedDocument.TemporarySecretKey));
        await AssertError(missing, HttpStatusCode.Unauthorized, "APIG.0303");

        using var wrong = await Http.SendAsync(Signed(HttpMethod.Get, Path, accessKey: SeedDocument.TemporaryAccessKey,
            secretKey: SeedDocument.TemporarySecretKey, beforeSigning: r => r.Headers.Add("X-Security-Token", "wrong")));
        await AssertError(wrong, HttpStatusCode.Unauthorized, "APIG.0303");
    }

    [Fact]
    public async Task X_Project_Id_must_match_the_path()
    {
        using var response = await Http.SendAsync(Signed(HttpMethod.Get, Path, beforeSigning: r =>
        {
            r.Headers.Remove("X-Project-Id");
            r.Headers.Add("X-Project-Id", "ffffffffffffffffffffffffffffffff");
        }));
        await AssertError(response, HttpStatusCode.Forbidden, "APIG.1005");
    }

    [Fact]
    public async Task Malformed_authorization_is_401_APIG_0303()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer something");
        using var response = await Http.SendAsync(request);
        await AssertError(response, HttpStatusCode.Unauthorized, "APIG.0303");
    }
}
