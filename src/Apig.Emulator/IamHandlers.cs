using System.Text.Json;

namespace Apig.Emulator;

/// <summary>IAM "POST /v3/auth/tokens" with the password method (apig-api.md §5).</summary>
internal sealed class IamHandlers(EmulatorState state)
{
    public async Task IssueToken(HttpContext ctx)
    {
        JsonElement auth;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(EmulatorApp.RequestBody(ctx));
            auth = doc.RootElement.GetProperty("auth").Clone();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            await IamError(ctx, 400, "The request body is invalid.", "Bad Request");
            return;
        }

        string? userName = Path(auth, "identity", "password", "user", "name");
        string? password = Path(auth, "identity", "password", "user", "password");
        string? accountName = Path(auth, "identity", "password", "user", "domain", "name");
        string? scopeProjectName = Path(auth, "scope", "project", "name");
        string? scopeProjectId = Path(auth, "scope", "project", "id");
        bool passwordMethod = auth.TryGetProperty("identity", out JsonElement identity)
            && identity.TryGetProperty("methods", out JsonElement methods) && methods.ValueKind == JsonValueKind.Array
            && methods.EnumerateArray().Any(m => m.ValueKind == JsonValueKind.String && m.GetString() == "password");
        if (!passwordMethod || userName is null || password is null || accountName is null)
        {
            await IamError(ctx, 400, "The request body is invalid.", "Bad Request");
            return;
        }

        string? token = null;
        TokenRecord? record = null;
        bool credentialsValid, projectKnown;
        string projectId, region;
        lock (state.Sync)
        {
            projectId = state.ProjectId;
            region = state.Region;
            credentialsValid = state.Users.Exists(u => u.Name == userName && u.AccountName == accountName && u.Password == password);
            projectKnown = (scopeProjectName is null || scopeProjectName == region) && (scopeProjectId is null || scopeProjectId == projectId);
            bool projectScoped = scopeProjectName is not null || scopeProjectId is not null;
            // Without a project scope the token is domain-scoped: valid, but no project-scoped APIG call accepts it.
            if (credentialsValid && projectKnown)
                token = state.IssueToken(projectScoped ? projectId : null, out record);
        }
        if (!credentialsValid)
        {
            await IamError(ctx, 401, "The username or password is wrong.", "Unauthorized");
            return;
        }
        if (token is null || record is null)
        {
            await IamError(ctx, 400, "The project in the scope does not exist.", "Bad Request");
            return;
        }

        string domainId;
        lock (state.Sync) domainId = state.DomainId;
        var domain = new { id = domainId, name = accountName };
        ctx.Response.Headers["X-Subject-Token"] = token;
        ctx.Response.StatusCode = 201;
        await ctx.Response.WriteAsJsonAsync(new
        {
            token = new
            {
                expires_at = record.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'000Z'"),
                issued_at = record.IssuedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'000Z'"),
                methods = new[] { "password" },
                project = record.ProjectId is null ? null : new { id = projectId, name = region, domain },
                domain = record.ProjectId is null ? domain : null,
                user = new { id = "emu0user000000000000000000000001", name = userName, domain, password_expires_at = "" },
                roles = new[] { new { id = "0", name = "op_service" } },
                catalog = Array.Empty<object>(),
            },
        }, ApiHandlers.ApiJson);
    }

    private static string? Path(JsonElement element, params string[] names)
    {
        foreach (string name in names)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return null;
        }
        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }

    private static Task IamError(HttpContext ctx, int status, string message, string title)
    {
        EmulatorApp.NoteErrorCode(ctx, status.ToString());
        ctx.Response.StatusCode = status;
        return ctx.Response.WriteAsJsonAsync(new { error = new { code = status, message, title } });
    }
}
