using System.Net;
using System.Text.Json;
using Apig.Emulator;

namespace Apig.Emulator.Tests;

public class IamTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private static object PasswordBody(string password = SeedDocument.DefaultUserPassword, object? scope = null) => new
    {
        auth = new
        {
            identity = new
            {
                methods = new[] { "password" },
                password = new { user = new { name = SeedDocument.DefaultUserName, password, domain = new { name = SeedDocument.DefaultAccountName } } },
            },
            scope = scope ?? new { project = new { name = SeedDocument.DefaultRegion } },
        },
    };

    private async Task<string> IssueToken(object? scope = null)
    {
        using var response = await Send(HttpMethod.Post, "/v3/auth/tokens", PasswordBody(scope: scope), token: null);
        await AssertStatus(response, HttpStatusCode.Created);
        return response.Headers.GetValues("X-Subject-Token").Single();
    }

    [Fact]
    public async Task Password_token_by_project_name_is_issued_and_works()
    {
        using var response = await Send(HttpMethod.Post, "/v3/auth/tokens?nocatalog=true", PasswordBody(), token: null);
        await AssertStatus(response, HttpStatusCode.Created);
        string token = response.Headers.GetValues("X-Subject-Token").Single();
        JsonElement body = (await Json(response)).GetProperty("token");
        Assert.Equal(ProjectId, body.GetProperty("project").GetProperty("id").GetString());
        Assert.Equal(SeedDocument.DefaultRegion, body.GetProperty("project").GetProperty("name").GetString());
        DateTimeOffset expires = DateTimeOffset.Parse(body.GetProperty("expires_at").GetString()!);
        DateTimeOffset issued = DateTimeOffset.Parse(body.GetProperty("issued_at").GetString()!);
        Assert.InRange((expires - issued).TotalHours, 23.99, 24.01);
        Assert.DoesNotContain(token, body.GetRawText());

        using var use = await Send(HttpMethod.Get, Api + "/instances", token: token);
        await AssertStatus(use, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Project_scope_by_id_works()
    {
        string token = await IssueToken(new { project = new { id = ProjectId } });
        using var use = await Send(HttpMethod.Get, Api + "/instances", token: token);
        await AssertStatus(use, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Wrong_password_is_401_with_iam_error_body()
    {
        using var response = await Send(HttpMethod.Post, "/v3/auth/tokens", PasswordBody("wrong"), token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        JsonElement error = (await Json(response)).GetProperty("error");
        Assert.Equal(401, error.GetProperty("code").GetInt32());
        Assert.Equal("The username or password is wrong.", error.GetProperty("message").GetString());
        Assert.Equal("Unauthorized", error.GetProperty("title").GetString());
        Assert.False(response.Headers.Contains("X-Subject-Token"));
    }

    [Fact]
    public async Task Token_expires_after_the_configured_lifetime()
    {
        var clock = new ShiftableClock();
        State.Clock = clock;
        using (var set = await AdminSend(HttpMethod.Put, "/_emulator/settings", new { tokenLifetimeSeconds = 5 }))
            await AssertStatus(set, HttpStatusCode.OK);
        string token = await IssueToken();
        using (var fresh = await Send(HttpMethod.Get, Api + "/instances", token: token))
            await AssertStatus(fresh, HttpStatusCode.OK);
        clock.Offset = TimeSpan.FromSeconds(6);
        using var expired = await Send(HttpMethod.Get, Api + "/instances", token: token);
        await AssertError(expired, HttpStatusCode.Unauthorized, "APIG.1001");
    }

    [Fact]
    public async Task Domain_scoped_token_cannot_call_project_apis()
    {
        string token = await IssueToken(new { domain = new { name = SeedDocument.DefaultAccountName } });
        using var response = await Send(HttpMethod.Get, Api + "/instances", token: token);
        await AssertError(response, HttpStatusCode.Forbidden, "APIG.1005");
    }

    [Fact]
    public async Task Unknown_project_scope_is_400()
    {
        using var response = await Send(HttpMethod.Post, "/v3/auth/tokens", PasswordBody(scope: new { project = new { name = "xx-nowhere-1" } }), token: null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Reset_forgets_issued_tokens()
    {
        string token = await IssueToken();
        using (await AdminSend(HttpMethod.Post, "/_emulator/reset")) { }
        using var response = await Send(HttpMethod.Get, Api + "/instances", token: token);
        await AssertError(response, HttpStatusCode.Unauthorized, "APIG.1002");
    }
}
