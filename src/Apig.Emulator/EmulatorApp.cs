using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Apig.Emulator;

/// <summary>Builds the emulator's web application; shared by Program.cs and in-process tests.</summary>
public static class EmulatorApp
{
    private const string BodyKey = "apig.emulator.body";
    private const string ErrorCodeKey = "apig.emulator.errorCode";
    private const string IamTokensPath = "/v3/auth/tokens";
    private const string Instances = "/v2/{projectId}/apigw/instances";
    private const string Domain = Instances + "/{instanceId}/api-groups/{groupId}/domains/{domainId}";
    private const string Certificates = "/v2/{projectId}/apigw/certificates";
    private const string CcmPath = "/v3/scm/";
    private const string CcmCertificates = "/v3/scm/certificates";

    private const string DefaultUrls = "http://127.0.0.1:0";

    /// <summary>
    /// Arguments: <c>--urls http://127.0.0.1:0</c> (the default when none is given), optionally <c>--state FILE</c>
    /// (seed JSON; the built-in default seed otherwise) and <c>--data-plane-port N</c> (the TLS data plane on
    /// 127.0.0.1; 0, the default, takes a free port).
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        // --urls is taken out of the arguments: the emulator listens on those URLs itself (endpoints in code), and
        // Kestrel would warn on stderr that it overrides them if they reached its configuration.
        string? urlsArgument = TakeUrlsArgument(ref args);
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        // Everything goes to stderr: the first stdout line must be the base URL and nothing else.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        string urls = urlsArgument is { Length: > 0 } ? urlsArgument : builder.Configuration["urls"] is { Length: > 0 } given ? given : DefaultUrls;
        int dataPlanePort = DataPlanePortArgument(builder.Configuration["data-plane-port"]);

        string? stateFile = builder.Configuration["state"];
        SeedDocument seed = string.IsNullOrEmpty(stateFile) ? SeedDocument.CreateDefault() : SeedDocument.Load(stateFile);
        var state = new EmulatorState(seed);
        builder.Services.AddSingleton(state);

        // Endpoints in code replace --urls, so the API's URLs are listened on here too, before the data plane:
        // the API stays the first address (app.Urls.First(), the first stdout line).
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (string url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                ListenApi(kestrel, url);
            kestrel.Listen(IPAddress.Loopback, dataPlanePort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.UseHttps(DataPlane.HandshakeOptions(state));
            });
        });

        WebApplication app = builder.Build();
        IHostApplicationLifetime lifetime = app.Lifetime;
        app.Use((ctx, next) => Pipeline(ctx, next, state, lifetime));

        var api = new ApiHandlers(state);
        app.MapGet(Instances, api.ListInstances);
        app.MapGet(Instances + "/{instanceId}", api.ShowInstance);
        app.MapGet(Instances + "/{instanceId}/api-groups", api.ListGroups);
        app.MapGet(Instances + "/{instanceId}/api-groups/{groupId}", api.ShowGroup);
        app.MapPost(Instances + "/{instanceId}/api-groups/{groupId}/domains", api.CreateDomain);
        app.MapPut(Domain, api.UpdateDomain);
        app.MapDelete(Domain, api.DeleteDomain);
        app.MapPost(Domain + "/certificate", api.BindCertificate);
        app.MapGet(Domain + "/certificate/{certificateId}", api.ShowCertificate);
        app.MapDelete(Domain + "/certificate/{certificateId}", api.UnbindCertificate);
        app.MapPost(Domain + "/certificates/attach", api.AttachCertificate);
        app.MapPost(Domain + "/certificates/detach", api.DetachCertificate);
        app.MapPost(Certificates, api.CreateCertificate);
        app.MapGet(Certificates, api.ListCertificates);
        app.MapGet(Certificates + "/{certificateId}", api.ShowStoredCertificate);
        app.MapPut(Certificates + "/{certificateId}", api.UpdateCertificate);
        app.MapDelete(Certificates + "/{certificateId}", api.DeleteCertificate);
        app.MapPost(Certificates + "/{certificateId}/domains/attach", api.AttachDomains);
        app.MapPost(Certificates + "/{certificateId}/domains/detach", api.DetachDomains);
        app.MapGet(Certificates + "/{certificateId}/attached-domains", api.ListAttachedDomains);

        app.MapPost(IamTokensPath, new IamHandlers(state).IssueToken);

        var ccm = new CcmHandlers(state);
        app.MapGet(CcmCertificates, ccm.List);
        app.MapPost(CcmCertificates + "/{certificateId}/export", ccm.Export);

        var admin = new AdminHandlers(state);
        app.MapPost("/_emulator/reset", admin.Reset);
        app.MapGet("/_emulator/state", admin.State);
        app.MapGet("/_emulator/requests", admin.Requests);
        app.MapDelete("/_emulator/requests", admin.ClearRequests);
        app.MapPost("/_emulator/faults", admin.AddFault);
        app.MapGet("/_emulator/faults", admin.ListFaults);
        app.MapDelete("/_emulator/faults", admin.ClearFaults);
        app.MapPut("/_emulator/latency", admin.SetLatency);
        app.MapPut("/_emulator/settings", admin.SetSettings);
        app.MapPost("/_emulator/settings", admin.SetSettings);
        app.MapPost("/_emulator/bulk", admin.Bulk);
        // "/admin/ccm/..." is the spelling the issue-12 interface agreed; "/_emulator/ccm/..." matches the rest.
        foreach (string prefix in new[] { "/_emulator/ccm", "/admin/ccm" })
        {
            app.MapPost(prefix + "/certificates", ccm.AdminAdd);
            app.MapPost(prefix + "/certificates/{certificateId}/reissue", ccm.AdminReissue);
        }

        app.MapFallback("{*path}", ctx =>
            throw new ApigError(404, "APIG.0101", "The API does not exist or has not been published in the environment"));
        return app;
    }

    /// <summary>The API's base URL once the app has started (the first http address).</summary>
    public static string ApiUrl(this WebApplication app) => app.Urls.First(u => u.StartsWith("http://", StringComparison.Ordinal));

    /// <summary>The TLS data plane's port on 127.0.0.1 once the app has started.</summary>
    public static int DataPlanePort(this WebApplication app) => DataPlane.Port(app.Services);

    /// <summary>Removes --urls (any command-line spelling) from <paramref name="args"/> and returns its value.</summary>
    private static string? TakeUrlsArgument(ref string[] args)
    {
        string? urls = null;
        var rest = new List<string>(args.Length);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string key = arg.TrimStart('-', '/');
            int equals = key.IndexOf('=');
            string name = equals < 0 ? key : key[..equals];
            bool isOption = arg.StartsWith("--", StringComparison.Ordinal) || arg.StartsWith('/') || equals >= 0;
            if (!isOption || !string.Equals(name, "urls", StringComparison.OrdinalIgnoreCase))
            {
                rest.Add(arg);
                continue;
            }
            if (equals >= 0) urls = key[(equals + 1)..];
            else if (i + 1 < args.Length) urls = args[++i];
        }
        args = rest.ToArray();
        return urls;
    }

    private static int DataPlanePortArgument(string? value)
    {
        if (string.IsNullOrEmpty(value)) return 0;
        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) && port <= 65535
            ? port
            : throw new ArgumentException($"--data-plane-port must be a port number 0..65535 (0 = any free port), not '{value}'");
    }

    /// <summary>An http URL of --urls: an IP address, localhost or a wildcard host; the API has no TLS of its own.</summary>
    private static void ListenApi(KestrelServerOptions kestrel, string url)
    {
        // "*" and "+" are not valid URI hosts; they mean every address, as in ASP.NET's own --urls.
        string normalised = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalised, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttp)
            throw new ArgumentException($"--urls takes http:// URLs such as {DefaultUrls}, not '{url}' (the TLS data plane has its own --data-plane-port)");
        if (uri.Host == "0.0.0.0") kestrel.ListenAnyIP(uri.Port);
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? address)) kestrel.Listen(address, uri.Port);
        else if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            // Kestrel's ListenLocalhost cannot take port 0; loopback IPv4 is what every client here dials.
            if (uri.Port == 0) kestrel.Listen(IPAddress.Loopback, 0);
            else kestrel.ListenLocalhost(uri.Port);
        }
        else throw new ArgumentException($"--urls needs an IP address, localhost or * as host, not '{uri.Host}'");
    }

    /// <summary>The live state of an app made by <see cref="Build"/>, for tests to inspect or adjust.</summary>
    public static EmulatorState GetState(this WebApplication app) => app.Services.GetRequiredService<EmulatorState>();

    internal static byte[] RequestBody(HttpContext ctx) => ctx.Items[BodyKey] as byte[] ?? Array.Empty<byte>();

    internal static void NoteErrorCode(HttpContext ctx, string code) => ctx.Items[ErrorCodeKey] = code;

    private static async Task Pipeline(HttpContext ctx, Func<Task> next, EmulatorState state, IHostApplicationLifetime lifetime)
    {
        if (ctx.Request.IsHttps)
        {
            // The data plane: clients look at the handshake only; a plain answer keeps browsers and curl from waiting.
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync(DataPlane.PlainAnswer);
            return;
        }
        ctx.Response.Headers["X-Request-Id"] = EmulatorState.NewId();
        string path = ctx.Request.Path.Value ?? "/";
        if (path.StartsWith("/_emulator", StringComparison.Ordinal) || path.StartsWith("/admin/ccm/", StringComparison.Ordinal))
        {
            try
            {
                if (ctx.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
                    throw new ApigError(403, "EMULATOR.403", "The admin API answers loopback clients only");
                await next();
            }
            catch (ApigError e) when (!ctx.Response.HasStarted)
            {
                await WriteError(ctx, e);
            }
            return;
        }

        var clock = Stopwatch.StartNew();
        RequestLogEntry entry = state.Log.Start(state.Now, ctx.Request.Method, path,
            ctx.Request.QueryString.HasValue ? ctx.Request.QueryString.Value![1..] : "", Authenticator.Kind(ctx.Request),
            ctx.Request.Headers["X-Language"].FirstOrDefault());
        string? fault = null;
        bool answered = true;
        try
        {
            ctx.Items[BodyKey] = await ReadBody(ctx.Request, ctx.RequestAborted);

            int fixedMs, jitterMs;
            lock (state.Sync) (fixedMs, jitterMs) = (state.LatencyFixedMs, state.LatencyJitterMs);
            if (fixedMs + jitterMs > 0)
                await Task.Delay(fixedMs + (jitterMs > 0 ? Random.Shared.Next(jitterMs + 1) : 0), ctx.RequestAborted);

            FaultRule? rule = state.Faults.TakeMatch(ctx.Request.Method, path);
            if (rule is not null)
            {
                fault = rule.Spec.Action!;
                state.Log.MarkFault(entry, fault);
            }
            if (rule is not null && FaultTable.AppliesFirst(rule.Spec.Action))
            {
                answered = await ApplyThenSpoilAnswer(ctx, rule, state, () => Handle(ctx, next, state, path));
                return;
            }
            if (rule is not null && !await ApplyFault(ctx, rule, lifetime))
            {
                answered = false;
                return;
            }
            await Handle(ctx, next, state, path);
        }
        catch (ApigError e) when (!ctx.Response.HasStarted)
        {
            await WriteError(ctx, e, state);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            answered = false; // the client went away
        }
        catch (Exception) when (!ctx.Response.HasStarted)
        {
            // Deliberately generic: an exception text could carry request content (keys) outward.
            await WriteError(ctx, new ApigError(500, "APIG.9999", "System error"), state);
        }
        finally
        {
            state.Log.Complete(entry, answered ? ctx.Response.StatusCode : null,
                ctx.Items[ErrorCodeKey] as string, fault, clock.ElapsedMilliseconds);
        }
    }

    private static Task Handle(HttpContext ctx, Func<Task> next, EmulatorState state, string path)
    {
        if (path.StartsWith(CcmPath, StringComparison.Ordinal))
            Authenticator.AuthenticateAccount(ctx, state, (byte[])ctx.Items[BodyKey]!);
        else if (path != IamTokensPath)
            Authenticator.Authenticate(ctx, state, (byte[])ctx.Items[BodyKey]!, ProjectInPath(path));
        return next();
    }

    /// <summary>
    /// Carries the request out with its answer held back, then throws that answer away: a 5xx (applyThenFail) or a
    /// dropped connection (applyThenDrop) reaches the client instead, whatever the real outcome was. False when
    /// nothing is answered.
    /// </summary>
    private static async Task<bool> ApplyThenSpoilAnswer(HttpContext ctx, FaultRule rule, EmulatorState state, Func<Task> handle)
    {
        IHttpResponseBodyFeature realBody = ctx.Features.Get<IHttpResponseBodyFeature>()!;
        using (var heldBack = new MemoryStream())
        {
            ctx.Response.Body = heldBack;
            try
            {
                await handle();
            }
            catch (ApigError)
            {
                // The handler's own error is discarded like a success would be.
            }
            finally
            {
                ctx.Features.Set(realBody);
            }
        }

        if (rule.Spec.Action == FaultTable.ApplyThenDrop)
        {
            ctx.Abort();
            return false;
        }
        string requestId = ctx.Response.Headers["X-Request-Id"].ToString();
        ctx.Response.Clear();
        ctx.Response.Headers["X-Request-Id"] = requestId;
        int status = rule.Spec.Status ?? 502;
        (string code, string message) = status == 500 ? ("APIG.9999", "System error") : ("APIG.0201", "Backend unavailable");
        await WriteError(ctx, new ApigError(status, rule.Spec.ErrorCode ?? code, rule.Spec.ErrorMsg ?? message)
            { FixedMessage = rule.Spec.ErrorMsg is not null }, state);
        return true;
    }

    /// <summary>Applies an injected fault. False when the request must end without any answer.</summary>
    private static async Task<bool> ApplyFault(HttpContext ctx, FaultRule rule, IHostApplicationLifetime lifetime)
    {
        FaultSpec spec = rule.Spec;
        switch (spec.Action)
        {
            case "error9999": throw new ApigError(500, "APIG.9999", "System error");
            case "error9008": throw new ApigError(500, "APIG.9008", "Too many requests");
            case "throttle":
                ctx.Response.Headers.RetryAfter = Math.Max(0, spec.RetryAfterSeconds).ToString();
                throw new ApigError(429, "APIG.0308", "The throttling threshold has been reached: policy user over ratelimit,limit:1,time:1 second");
            case "error":
                throw new ApigError(spec.Status ?? 400, spec.ErrorCode!, spec.ErrorMsg ?? "Injected error") { FixedMessage = true };
            case "drop":
                ctx.Abort();
                return false;
            case "hang":
                using (var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, lifetime.ApplicationStopping))
                {
                    try { await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, spec.HangSeconds)), stop.Token); }
                    catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested) { return false; }
                    catch (OperationCanceledException) { /* shutting down: answer now so the host can stop */ }
                }
                return true;
            default:
                return true;
        }
    }

    private static async Task<byte[]> ReadBody(HttpRequest request, CancellationToken cancel)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancel);
        return buffer.ToArray();
    }

    /// <summary>The {project_id} of "/v2/{project_id}/apigw/...", or null for other paths.</summary>
    private static string? ProjectInPath(string path)
    {
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 3 && segments[0] == "v2" && segments[2] == "apigw" ? segments[1] : null;
    }

    /// <summary>With <paramref name="state"/> (API calls), the message is in the request's language; admin errors stay English.</summary>
    private static Task WriteError(HttpContext ctx, ApigError error, EmulatorState? state = null)
    {
        NoteErrorCode(ctx, error.Code);
        string message = state is null
            ? error.Message
            : ErrorMessages.For(error, ctx.Request.Headers["X-Language"].FirstOrDefault(), state.Variants.DefaultLanguage);
        return ApiHandlers.Write(ctx, error.Status, new { ErrorCode = error.Code, ErrorMsg = message });
    }
}
