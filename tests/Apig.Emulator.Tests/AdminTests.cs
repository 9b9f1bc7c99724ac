using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Apig.Emulator;
using static Apig.Emulator.Tests.TestPki;

namespace Apig.Emulator.Tests;

public class AdminTests(EmulatorFixture fixture) : EmulatorTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private async Task AddFault(object fault)
    {
        using var response = await AdminSend(HttpMethod.Post, "/_emulator/faults", fault);
        await AssertStatus(response, HttpStatusCode.Created);
        Assert.Matches("^[0-9a-f]{32}$", (await Json(response)).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Reset_restores_the_seed_and_clears_log_faults_latency_and_settings()
    {
        using (await Send(HttpMethod.Delete, Domain1)) { }
        await AddFault(new { path = "never-matches-anything", action = "error9999", count = -1 });
        using (await AdminSend(HttpMethod.Put, "/_emulator/latency", new { fixedMs = 5, jitterMs = 1 })) { }
        using (await AdminSend(HttpMethod.Put, "/_emulator/settings", new { tokenLifetimeSeconds = 5 })) { }
        using (await AdminSend(HttpMethod.Post, "/_emulator/bulk", new { groups = 10 })) { }

        using (var reset = await AdminSend(HttpMethod.Post, "/_emulator/reset")) await AssertStatus(reset, HttpStatusCode.OK);

        JsonElement state = await AdminGet("/_emulator/state");
        JsonElement groups = state.GetProperty("instances")[0].GetProperty("groups");
        Assert.Equal(3, groups.GetArrayLength());
        Assert.Equal("api.example.com", groups[0].GetProperty("domains")[0].GetProperty("domain").GetString());
        Assert.Equal(86400, state.GetProperty("tokenLifetimeSeconds").GetInt32());
        Assert.Equal(0, state.GetProperty("latency").GetProperty("fixedMs").GetInt32());
        Assert.Equal(0, (await AdminGet("/_emulator/faults")).GetArrayLength());
        Assert.Equal(0, (await AdminGet("/_emulator/requests")).GetArrayLength());
    }

    [Fact]
    public async Task State_shows_certificates_but_no_secrets()
    {
        Issued cert = SelfSigned(Rsa(0), "api.example.com", ["api.example.com"]);
        using (var bound = await Send(HttpMethod.Post, Domain1 + "/certificate", BindBody("state_cert", cert.CertificatePem, cert.Pkcs8KeyPem)))
            await AssertStatus(bound, HttpStatusCode.Created);
        JsonElement state = await AdminGet("/_emulator/state");
        JsonElement certificate = state.GetProperty("instances")[0].GetProperty("groups")[0].GetProperty("domains")[0]
            .GetProperty("certificates").EnumerateArray().Single();
        Assert.Equal("state_cert", certificate.GetProperty("name").GetString());
        Assert.Equal("api.example.com", certificate.GetProperty("commonName").GetString());
        Assert.Equal(DecimalSerial(cert.Certificate), certificate.GetProperty("serialNumber").GetString());
        Assert.Equal(cert.Certificate.Thumbprint, certificate.GetProperty("thumbprint").GetString());
        Assert.Equal("RSA", certificate.GetProperty("algorithm").GetString());

        string text = state.GetRawText();
        foreach (string secret in new[] { SeedDocument.DefaultSecretKey, SeedDocument.TemporarySecretKey, SeedDocument.TemporarySecurityToken,
                     SeedDocument.DefaultToken, SeedDocument.DefaultUserPassword, "PRIVATE KEY" })
            Assert.DoesNotContain(secret, text);
    }

    [Fact]
    public async Task Log_records_each_request_with_status_code_and_auth_but_no_secrets()
    {
        using (await Send(HttpMethod.Get, Instance + "/api-groups?offset=0&limit=500")) { }
        using (await Send(HttpMethod.Get, Api + "/instances", token: null)) { }
        using (await Http.SendAsync(Signed(HttpMethod.Get, Api + "/instances"))) { }
        using (await Send(HttpMethod.Post, "/v3/auth/tokens", "{\"auth\":{}}", token: null)) { }
        await AdminGet("/_emulator/state");

        JsonElement log = await AdminGet("/_emulator/requests");
        Assert.Equal(4, log.GetArrayLength()); // admin calls are not logged
        JsonElement first = log[0];
        Assert.Equal(1, first.GetProperty("seq").GetInt64());
        Assert.Equal("GET", first.GetProperty("method").GetString());
        Assert.Equal(Instance + "/api-groups", first.GetProperty("path").GetString());
        Assert.Equal("offset=0&limit=500", first.GetProperty("query").GetString());
        Assert.Equal(200, first.GetProperty("status").GetInt32());
        Assert.Equal("token", first.GetProperty("auth").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("errorCode").ValueKind);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", first.GetProperty("time").GetString());
        Assert.True(first.GetProperty("durationMs").GetInt64() >= 0);
        Assert.Equal("APIG.1000", log[1].GetProperty("errorCode").GetString());
        Assert.Equal("none", log[1].GetProperty("auth").GetString());
        Assert.Equal("aksk", log[2].GetProperty("auth").GetString());
        Assert.Equal(2, log[1].GetProperty("seq").GetInt64());

        string text = log.GetRawText();
        foreach (string secret in new[] { SeedDocument.DefaultToken, SeedDocument.DefaultSecretKey, "Signature=", "X-Auth-Token" })
            Assert.DoesNotContain(secret, text);

        using (var cleared = await AdminSend(HttpMethod.Delete, "/_emulator/requests")) Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal(0, (await AdminGet("/_emulator/requests")).GetArrayLength());
    }

    [Theory]
    [InlineData("error9999", 500, "APIG.9999")]
    [InlineData("error9008", 500, "APIG.9008")]
    [InlineData("throttle", 429, "APIG.0308")]
    public async Task Error_faults_answer_their_code_for_count_requests(string action, int status, string code)
    {
        await AddFault(new { method = "GET", path = "/api-groups$", action, count = 2, retryAfterSeconds = 3 });
        for (int i = 0; i < 2; i++)
        {
            using var faulted = await Send(HttpMethod.Get, Instance + "/api-groups");
            await AssertError(faulted, (HttpStatusCode)status, code);
            if (action == "throttle") Assert.Equal(TimeSpan.FromSeconds(3), faulted.Headers.RetryAfter?.Delta);
        }
        using var normal = await Send(HttpMethod.Get, Instance + "/api-groups");
        await AssertStatus(normal, HttpStatusCode.OK);
        JsonElement fault = (await AdminGet("/_emulator/faults"))[0];
        Assert.Equal(0, fault.GetProperty("remaining").GetInt32());
        JsonElement log = await AdminGet("/_emulator/requests");
        Assert.Equal(action, log[0].GetProperty("fault").GetString());
        Assert.Equal(code, log[0].GetProperty("errorCode").GetString());
        Assert.Equal(JsonValueKind.Null, log[2].GetProperty("fault").ValueKind);
    }

    [Fact]
    public async Task Custom_error_fault_applies_before_auth_and_changes_nothing()
    {
        await AddFault(new { method = "POST", path = "/certificate$", action = "error", status = 400, errorCode = "APIG.2012", errorMsg = "Injected", count = -1 });
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        for (int i = 0; i < 3; i++)
        {
            using var response = await Send(HttpMethod.Post, Domain1 + "/certificate", BindBody("fault_cert", cert.CertificatePem, cert.Pkcs8KeyPem), token: null);
            Assert.Equal("Injected", await AssertError(response, HttpStatusCode.BadRequest, "APIG.2012"));
        }
        Assert.Equal(-1, (await AdminGet("/_emulator/faults"))[0].GetProperty("remaining").GetInt32());
        JsonElement state = await AdminGet("/_emulator/state");
        Assert.Equal(0, state.GetProperty("instances")[0].GetProperty("groups")[0].GetProperty("domains")[0].GetProperty("certificates").GetArrayLength());

        using (var cleared = await AdminSend(HttpMethod.Delete, "/_emulator/faults")) Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        using var ok = await Send(HttpMethod.Post, Domain1 + "/certificate", BindBody("fault_cert", cert.CertificatePem, cert.Pkcs8KeyPem));
        await AssertStatus(ok, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Drop_fault_closes_the_connection_without_an_answer()
    {
        await AddFault(new { path = "/instances$", action = "drop" });
        await Assert.ThrowsAsync<HttpRequestException>(() => Send(HttpMethod.Get, Api + "/instances"));
        using var next = await Send(HttpMethod.Get, Api + "/instances");
        await AssertStatus(next, HttpStatusCode.OK);
        JsonElement entry = (await AdminGet("/_emulator/requests"))[0];
        Assert.Equal("drop", entry.GetProperty("fault").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("status").ValueKind);
    }

    [Fact]
    public async Task Hang_fault_waits_then_answers_normally_and_is_logged_while_in_flight()
    {
        await AddFault(new { path = "/instances$", action = "hang", hangSeconds = 3 });
        var stopwatch = Stopwatch.StartNew();
        Task<HttpResponseMessage> hanging = Send(HttpMethod.Get, Api + "/instances");
        // Poll rather than sleep a fixed time: on a loaded machine a fixed sleep can outlast the hang. The entry is
        // logged when the request arrives and marked with its fault a moment later, so wait for both.
        JsonElement log = await AdminGet("/_emulator/requests");
        while ((log.GetArrayLength() == 0 || log[0].GetProperty("fault").ValueKind == JsonValueKind.Null) && stopwatch.Elapsed < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(20);
            log = await AdminGet("/_emulator/requests");
        }

        JsonElement inFlight = log[0];
        Assert.Equal("hang", inFlight.GetProperty("fault").GetString());
        Assert.Equal(JsonValueKind.Null, inFlight.GetProperty("status").ValueKind);

        using HttpResponseMessage answered = await hanging;
        await AssertStatus(answered, HttpStatusCode.OK);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(2.9), $"answered after {stopwatch.Elapsed}");
        Assert.Equal(200, (await AdminGet("/_emulator/requests"))[0].GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Hang_fault_ends_when_the_client_goes_away()
    {
        await AddFault(new { path = "/instances$", action = "hang", hangSeconds = 30 });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var request = new HttpRequestMessage(HttpMethod.Get, Api + "/instances");
        request.Headers.Add("X-Auth-Token", SeedDocument.DefaultToken);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Http.SendAsync(request, cancel.Token));

        var deadline = Stopwatch.StartNew();
        JsonElement entry;
        do
        {
            await Task.Delay(50);
            entry = (await AdminGet("/_emulator/requests"))[0];
        } while (entry.GetProperty("durationMs").ValueKind == JsonValueKind.Null && deadline.Elapsed < TimeSpan.FromSeconds(5));
        Assert.True(entry.GetProperty("durationMs").GetInt64() < 30_000, "the hang ran its full course although the client left");
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("status").ValueKind);
    }

    private async Task<int> BoundCertificateCount()
    {
        JsonElement state = await AdminGet("/_emulator/state");
        return state.GetProperty("instances")[0].GetProperty("groups")[0].GetProperty("domains")[0].GetProperty("certificates").GetArrayLength();
    }

    [Theory]
    [InlineData(null, 502, "APIG.0201")]
    [InlineData(500, 500, "APIG.9999")]
    [InlineData(503, 503, "APIG.0201")]
    public async Task Apply_then_fail_binds_and_then_answers_an_apig_error(int? status, int expectedStatus, string expectedCode)
    {
        await AddFault(new { method = "POST", path = "/certificate$", action = "applyThenFail", status });
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        using (var failed = await Send(HttpMethod.Post, Domain1 + "/certificate", BindBody("ambiguous", cert.CertificatePem, cert.Pkcs8KeyPem)))
        {
            await AssertError(failed, (HttpStatusCode)expectedStatus, expectedCode);
            Assert.Matches("^[0-9a-f]{32}$", failed.Headers.GetValues("X-Request-Id").Single());
            Assert.DoesNotContain("ssl_id", await failed.Content.ReadAsStringAsync());
        }
        Assert.Equal(1, await BoundCertificateCount()); // the change happened although the client saw a failure

        JsonElement entry = (await AdminGet("/_emulator/requests"))[0];
        Assert.Equal("applyThenFail", entry.GetProperty("fault").GetString());
        Assert.Equal(expectedStatus, entry.GetProperty("status").GetInt32());
        Assert.Equal(expectedCode, entry.GetProperty("errorCode").GetString());

        using var next = await Send(HttpMethod.Post, Domain1 + "/certificate", BindBody("ambiguous", cert.CertificatePem, cert.Pkcs8KeyPem));
        await AssertStatus(next, HttpStatusCode.Created); // count 1: the fault is used up
    }

    [Fact]
    public async Task Apply_then_fail_and_apply_then_drop_unbind_for_real()
    {
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        foreach (string action in new[] { "applyThenFail", "applyThenDrop" })
        {
            string id;
            using (var bound = await Send(HttpMethod.Post, Domain1 + "/certificate", BindBody("to_unbind", cert.CertificatePem, cert.Pkcs8KeyPem)))
                id = (await Json(bound)).GetProperty("ssl_id").GetString()!;
            await AddFault(new { method = "DELETE", path = "/certificate/", action });
            if (action == "applyThenFail")
            {
                using var failed = await Send(HttpMethod.Delete, Domain1 + "/certificate/" + id);
                await AssertError(failed, HttpStatusCode.BadGateway, "APIG.0201");
            }
            else
            {
                await Assert.ThrowsAsync<HttpRequestException>(() => Send(HttpMethod.Delete, Domain1 + "/certificate/" + id));
            }
            Assert.Equal(0, await BoundCertificateCount());
            using var repeated = await Send(HttpMethod.Delete, Domain1 + "/certificate/" + id);
            await AssertError(repeated, HttpStatusCode.NotFound, "APIG.3021");
        }
    }

    [Fact]
    public async Task Apply_then_drop_binds_and_then_closes_the_connection_without_an_answer()
    {
        await AddFault(new { method = "POST", path = "/certificate$", action = "applyThenDrop" });
        Issued cert = SelfSigned(Ec(0), "api.example.com");
        await Assert.ThrowsAsync<HttpRequestException>(() =>
            Send(HttpMethod.Post, Domain1 + "/certificate", BindBody("dropped", cert.CertificatePem, cert.Pkcs8KeyPem)));
        Assert.Equal(1, await BoundCertificateCount());
        JsonElement entry = (await AdminGet("/_emulator/requests"))[0];
        Assert.Equal("applyThenDrop", entry.GetProperty("fault").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("status").ValueKind);
    }

    [Fact]
    public async Task Apply_then_fail_replaces_a_refusal_too_and_still_authenticates()
    {
        await AddFault(new { method = "POST", path = "/certificate$", action = "applyThenFail", count = 2 });
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        using (var noAuth = await Send(HttpMethod.Post, Domain1 + "/certificate", BindBody("no_auth", cert.CertificatePem, cert.Pkcs8KeyPem), token: null))
            await AssertError(noAuth, HttpStatusCode.BadGateway, "APIG.0201");
        Issued other = SelfSigned(Rsa(0), "shop.example.org");
        using (var refused = await Send(HttpMethod.Post, Domain1 + "/certificate", BindBody("wrong_name", other.CertificatePem, other.Pkcs8KeyPem)))
            await AssertError(refused, HttpStatusCode.BadGateway, "APIG.0201");
        Assert.Equal(0, await BoundCertificateCount());
    }

    [Fact]
    public async Task Log_records_the_x_language_header_or_null()
    {
        var withLanguage = new HttpRequestMessage(HttpMethod.Get, Api + "/instances");
        withLanguage.Headers.Add("X-Auth-Token", SeedDocument.DefaultToken);
        withLanguage.Headers.Add("X-Language", "en-us");
        using (var r = await Http.SendAsync(withLanguage)) await AssertStatus(r, HttpStatusCode.OK);
        using (var r = await Send(HttpMethod.Get, Api + "/instances")) await AssertStatus(r, HttpStatusCode.OK);
        using (await Http.SendAsync(Signed(HttpMethod.Get, Api + "/instances", beforeSigning: m => m.Headers.Add("X-Language", "zh-cn")))) { }

        JsonElement log = await AdminGet("/_emulator/requests");
        Assert.Equal("en-us", log[0].GetProperty("language").GetString());
        Assert.Equal(JsonValueKind.Null, log[1].GetProperty("language").ValueKind);
        Assert.Equal("zh-cn", log[2].GetProperty("language").GetString());
        Assert.Equal(200, log[2].GetProperty("status").GetInt32()); // a signed X-Language is part of the signature like any header
    }

    [Fact]
    public async Task Fault_validation_rejects_bad_specs()
    {
        using (var r = await AdminSend(HttpMethod.Post, "/_emulator/faults", new { action = "explode" })) Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await AdminSend(HttpMethod.Post, "/_emulator/faults", new { action = "drop", path = "(" })) Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await AdminSend(HttpMethod.Post, "/_emulator/faults", new { action = "error" })) Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await AdminSend(HttpMethod.Post, "/_emulator/faults", new { action = "applyThenFail", status = 200 })) Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
    }

    [Fact]
    public async Task Latency_applies_to_api_requests_only()
    {
        using (var set = await AdminSend(HttpMethod.Put, "/_emulator/latency", new { fixedMs = 250, jitterMs = 10 }))
            await AssertStatus(set, HttpStatusCode.OK);
        var stopwatch = Stopwatch.StartNew();
        using (var slow = await Send(HttpMethod.Get, Api + "/instances")) await AssertStatus(slow, HttpStatusCode.OK);
        // A lower bound only: a delay cannot end early, however loaded the machine. How fast the admin call is,
        // bench/Invoke-Benchmarks.ps1 measures; here it is enough that it is neither logged nor delayed by design.
        Assert.True(stopwatch.ElapsedMilliseconds >= 240, $"took {stopwatch.ElapsedMilliseconds} ms");
        await AdminGet("/_emulator/faults");
        JsonElement log = await AdminGet("/_emulator/requests");
        Assert.Equal(1, log.GetArrayLength());
        Assert.True(log[0].GetProperty("durationMs").GetInt64() >= 240);
    }

    [Fact]
    public async Task Bulk_adds_numbered_groups_and_domains()
    {
        using var response = await AdminSend(HttpMethod.Post, "/_emulator/bulk",
            new { instanceId = SeedDocument.DefaultInstanceId, groups = 1500, domainsPerGroup = 2, namePrefix = "bulk" });
        await AssertStatus(response, HttpStatusCode.Created);
        JsonElement body = await Json(response);
        Assert.Equal(1500, body.GetProperty("groupsAdded").GetInt32());
        Assert.Equal(3000, body.GetProperty("domainsAdded").GetInt32());
        Assert.Equal(1503, body.GetProperty("totalGroups").GetInt32());

        using var named = await Send(HttpMethod.Get, Instance + "/api-groups?name=bulk-00001&precise_search=name");
        JsonElement group = (await Json(named)).GetProperty("groups").EnumerateArray().Single();
        Assert.Equal(["d1.bulk-00001.example.com", "d2.bulk-00001.example.com"],
            group.GetProperty("url_domains").EnumerateArray().Select(d => d.GetProperty("domain").GetString()));

        using var more = await AdminSend(HttpMethod.Post, "/_emulator/bulk", new { groups = 1, domainsPerGroup = 1 });
        using var next = await Send(HttpMethod.Get, Instance + "/api-groups?name=bulk-01501&precise_search=name");
        Assert.Equal(1, (await Json(next)).GetProperty("total").GetInt32());
    }

    [Fact]
    public void Request_log_is_capped()
    {
        Assert.Equal(100_000, RequestLog.Capacity);
        var log = new RequestLog();
        for (int i = 0; i < RequestLog.Capacity + 10; i++) log.Start(DateTimeOffset.UtcNow, "GET", "/", "", "none");
        IReadOnlyList<RequestLogEntry> entries = log.Snapshot();
        Assert.Equal(RequestLog.Capacity, entries.Count);
        Assert.Equal(11, entries[0].Seq);
    }
}
