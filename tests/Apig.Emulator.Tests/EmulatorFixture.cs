using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Apig.Emulator;
using Microsoft.AspNetCore.Builder;

namespace Apig.Emulator.Tests;

/// <summary>One in-process emulator on a real 127.0.0.1 socket per test class.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public WebApplication App { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public HttpClient Http { get; private set; } = null!;
    public EmulatorState State => App.GetState();

    public async Task InitializeAsync()
    {
        App = EmulatorApp.Build(["--urls", "http://127.0.0.1:0"]);
        await App.StartAsync();
        BaseUrl = App.Urls.First();
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>A clock tests can move forward, so expiry is tested without sleeping.</summary>
public sealed class ShiftableClock : TimeProvider
{
    public TimeSpan Offset { get; set; }
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

/// <summary>Resets the shared emulator before every test and offers request helpers.</summary>
public abstract class EmulatorTestBase
{
    protected const string ProjectId = SeedDocument.DefaultProjectId;
    protected const string Api = "/v2/" + ProjectId + "/apigw";
    protected const string Instance = Api + "/instances/" + SeedDocument.DefaultInstanceId;
    protected const string Group1 = Instance + "/api-groups/grp00000000000000000000000000001";
    protected const string Group2 = Instance + "/api-groups/grp00000000000000000000000000002";
    protected const string Domain1 = Group1 + "/domains/dom00000000000000000000000000001"; // api.example.com
    protected const string Domain2 = Group1 + "/domains/dom00000000000000000000000000002"; // www.example.com

    protected EmulatorTestBase(EmulatorFixture fixture)
    {
        Fixture = fixture;
        fixture.State.Clock = TimeProvider.System;
        fixture.State.Reset();
    }

    protected EmulatorFixture Fixture { get; }
    protected HttpClient Http => Fixture.Http;
    protected EmulatorState State => Fixture.State;

    protected Task<HttpResponseMessage> Send(HttpMethod method, string path, object? body = null,
        string? token = SeedDocument.DefaultToken)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Add("X-Auth-Token", token);
        if (body is string raw) request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return Http.SendAsync(request);
    }

    protected static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an APIG error answer and returns its error_msg.</summary>
    protected static async Task<string> AssertError(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        JsonElement json = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, json.GetProperty("error_code").GetString());
        return json.GetProperty("error_msg").GetString()!;
    }

    protected static async Task AssertStatus(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            Assert.Fail($"expected {(int)status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Builds an AK/SK-signed request; <paramref name="tamper"/> runs after signing.</summary>
    protected HttpRequestMessage Signed(HttpMethod method, string pathAndQuery, string? body = null,
        string accessKey = SeedDocument.DefaultAccessKey, string secretKey = SeedDocument.DefaultSecretKey,
        DateTimeOffset? signedAt = null, Action<HttpRequestMessage>? beforeSigning = null,
        Action<HttpRequestMessage>? tamper = null, bool signHostWithoutPort = false)
    {
        var request = new HttpRequestMessage(method, new Uri(new Uri(Fixture.BaseUrl), pathAndQuery));
        byte[] bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "UTF-8" };
        }
        string date = (signedAt ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'");
        request.Headers.Add("X-Sdk-Date", date);
        request.Headers.Add("X-Project-Id", ProjectId);
        beforeSigning?.Invoke(request);

        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in request.Headers) headers[header.Key.ToLowerInvariant()] = string.Join(",", header.Value);
        headers["host"] = signHostWithoutPort ? request.RequestUri!.Host : request.RequestUri!.Authority;
        string canonical = SdkHmacSha256.CanonicalRequest(method.Method, request.RequestUri.AbsolutePath,
            request.RequestUri.Query.TrimStart('?'), headers.Keys.ToList(), name => headers[name], SdkHmacSha256.HexSha256(bytes));
        string signature = SdkHmacSha256.Signature(secretKey, SdkHmacSha256.StringToSign(date, canonical));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"SDK-HMAC-SHA256 Access={accessKey}, SignedHeaders={string.Join(";", headers.Keys)}, Signature={signature}");
        tamper?.Invoke(request);
        return request;
    }

    /// <summary>The serial as a Go service prints it: the DER integer in decimal.</summary>
    protected static string DecimalSerial(System.Security.Cryptography.X509Certificates.X509Certificate2 cert) =>
        new System.Numerics.BigInteger(cert.SerialNumberBytes.Span, isUnsigned: false, isBigEndian: true).ToString();

    protected static object BindBody(string name, string certPem, string keyPem) =>
        new { name, cert_content = certPem, private_key = keyPem };

    protected async Task<JsonElement> AdminGet(string path)
    {
        using HttpResponseMessage response = await Http.GetAsync(path);
        await AssertStatus(response, HttpStatusCode.OK);
        return await Json(response);
    }

    protected async Task<HttpResponseMessage> AdminSend(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return await Http.SendAsync(request);
    }
}
