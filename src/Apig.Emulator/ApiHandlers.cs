using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Apig.Emulator;

/// <summary>The APIG v2 management operations the module uses, answered from <see cref="EmulatorState"/>.</summary>
internal sealed partial class ApiHandlers(EmulatorState state)
{
    internal static readonly JsonSerializerOptions ApiJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    internal const int MaxDomainsPerGroup = 5;

    [GeneratedRegex(@"^[A-Za-z\u4e00-\u9fa5][A-Za-z0-9_\u4e00-\u9fa5]{3,49}$")]
    private static partial Regex CertificateNameRule();

    [GeneratedRegex(@"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")]
    private static partial Regex DomainNameRule();

    public Task ListInstances(HttpContext ctx)
    {
        (long offset, int limit) = Paging(ctx.Request);
        string? id = ctx.Request.Query["instance_id"].FirstOrDefault();
        string? name = ctx.Request.Query["instance_name"].FirstOrDefault();
        string? status = ctx.Request.Query["status"].FirstOrDefault();
        object body;
        lock (state.Sync)
        {
            var matches = state.Instances
                .Where(i => string.IsNullOrEmpty(id) || i.Id == id)
                .Where(i => string.IsNullOrEmpty(name) || i.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
                .Where(i => string.IsNullOrEmpty(status) || i.Status == status)
                .ToList();
            var page = matches.Skip((int)Math.Min(offset, int.MaxValue)).Take(limit).Select(InstanceJson).ToList();
            body = new { Size = page.Count, Total = matches.Count, Instances = page };
        }
        return Write(ctx, 200, body);
    }

    public Task ShowInstance(HttpContext ctx)
    {
        object body;
        lock (state.Sync)
        {
            InstanceRecord instance = Instance(ctx);
            var details = InstanceJson(instance);
            body = new Dictionary<string, object?>(details)
            {
                ["description"] = "APIG emulator instance",
                ["available_zone_ids"] = $"[{state.Region}a]",
                ["ingress_ip"] = "127.0.0.1",
                ["instance_version"] = "emulator",
                ["supported_features"] = new[] { "custom_ingress_ports" },
            };
        }
        return Write(ctx, 200, body);
    }

    public Task ListGroups(HttpContext ctx)
    {
        (long offset, int limit) = Paging(ctx.Request);
        string? id = ctx.Request.Query["id"].FirstOrDefault();
        string? name = ctx.Request.Query["name"].FirstOrDefault();
        bool preciseName = ctx.Request.Query["precise_search"].FirstOrDefault() == "name";
        object body;
        lock (state.Sync)
        {
            InstanceRecord instance = Instance(ctx);
            var matches = instance.Groups
                .Where(g => string.IsNullOrEmpty(id) || g.Id == id)
                .Where(g => string.IsNullOrEmpty(name)
                    || (preciseName ? g.Name == name : g.Name.Contains(name, StringComparison.OrdinalIgnoreCase)))
                .ToList();
            ApiVariants variants = state.Variants;
            var page = matches.Skip((int)Math.Min(offset, int.MaxValue)).Take(limit).Select(g => GroupJson(g, variants)).ToList();
            body = new { Size = page.Count, Total = (long)matches.Count, Groups = page };
        }
        return Write(ctx, 200, body);
    }

    public Task ShowGroup(HttpContext ctx)
    {
        object body;
        lock (state.Sync)
        {
            InstanceRecord instance = Instance(ctx);
            body = GroupJson(Group(ctx, instance), state.Variants);
        }
        return Write(ctx, 200, body);
    }

    public Task BindCertificate(HttpContext ctx)
    {
        JsonElement json = ParseObject(ctx);
        string name = Required(json, "name");
        string certContent = Required(json, "cert_content");
        string privateKey = Required(json, "private_key");
        if (!CertificateNameRule().IsMatch(name))
            throw ApigError.InvalidParameter("name", "The name must be 4 to 50 characters of letters, digits and underscores, starting with a letter");

        string domainName;
        lock (state.Sync)
        {
            InstanceRecord instance = Instance(ctx);
            domainName = Domain(ctx, instance, Group(ctx, instance)).Domain;
        }

        // Checked outside the lock: RSA work must not stall every other client.
        CertificateContent content = CertificateInspector.Inspect(certContent, privateKey, domainName, state.Now);

        object body;
        lock (state.Sync)
        {
            // Looked up again: the domain may have gone while the certificate was being checked.
            InstanceRecord instance = Instance(ctx);
            GroupRecord group = Group(ctx, instance);
            DomainRecord domain = Domain(ctx, instance, group);
            DateTimeOffset now = state.Now;
            // The legacy upload is a store record of its own, bound to this domain in place of the one of its algorithm.
            var certificate = new CertificateRecord
            {
                Id = EmulatorState.NewId(), Name = name, Scope = CertificateScope.Instance, InstanceId = instance.Id,
                Content = content, LegacyUpload = true, CreateTime = now, UpdateTime = now,
            };
            state.Certificates.Add(certificate.Id, certificate);
            state.Bind(domain, certificate);
            body = new
            {
                UrlDomain = domain.Domain, domain.Id, Status = domain.CnameStatus, domain.MinSslVersion,
                SslName = certificate.Name, SslId = certificate.Id,
                domain.IsHttpRedirectToHttps, domain.VerifiedClientCertificateEnabled,
                domain.IngressHttpPort, domain.IngressHttpsPort,
                InstanceId = instance.Id, ApiGroupId = group.Id, ApiGroupName = group.Name,
            };
        }
        return Write(ctx, 201, body);
    }

    /// <summary>Answers for any certificate bound to the domain, stored or legacy-uploaded.</summary>
    public Task ShowCertificate(HttpContext ctx)
    {
        object body;
        lock (state.Sync)
        {
            InstanceRecord instance = Instance(ctx);
            DomainRecord domain = Domain(ctx, instance, Group(ctx, instance));
            CertificateRecord c = Certificate(ctx, domain);
            body = CertificateDetailJson(c, withStoreFields: state.Variants.DomainCertificateShape == "detail");
        }
        return Write(ctx, 200, body);
    }

    /// <summary>Unbinds; a legacy upload no other domain holds is deleted with it, a stored certificate stays in the store.</summary>
    public Task UnbindCertificate(HttpContext ctx)
    {
        lock (state.Sync)
        {
            InstanceRecord instance = Instance(ctx);
            GroupRecord group = Group(ctx, instance);
            DomainRecord domain = Domain(ctx, instance, group);
            state.Unbind(domain, Certificate(ctx, domain));
        }
        ctx.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    public Task CreateDomain(HttpContext ctx)
    {
        JsonElement json = ParseObject(ctx);
        string urlDomain = Required(json, "url_domain");
        if (urlDomain.Length > 255 || !DomainNameRule().IsMatch(urlDomain)) throw ApigError.InvalidParameter("url_domain");
        string minSsl = OptionalString(json, "min_ssl_version") ?? state.Variants.DefaultMinSslVersion;
        CheckSslVersion(minSsl);
        bool redirect = OptionalBool(json, "is_http_redirect_to_https") ?? false;
        (int? httpPort, int? httpsPort) = Ports(json);
        object body;
        lock (state.Sync)
        {
            InstanceRecord instance = Instance(ctx);
            GroupRecord group = Group(ctx, instance);
            if (group.Domains.Count >= MaxDomainsPerGroup)
                throw new ApigError(403, "APIG.3108", "The number of domain names exceeds the maximum allowed limit");
            if (instance.FindDomainByName(urlDomain) is { } existing)
                throw existing.Group == group
                    ? new ApigError(400, "APIG.2050", "This domain and port combination already exists,parameterName:url_domain")
                    : new ApigError(400, "APIG.3305", "The URL domain name already exists,parameterName:url_domain");
            var domain = new DomainRecord(EmulatorState.NewId(), urlDomain)
            {
                MinSslVersion = minSsl, IsHttpRedirectToHttps = redirect,
                IngressHttpPort = httpPort ?? 80, IngressHttpsPort = httpsPort ?? 443,
            };
            instance.AddDomain(group, domain);
            group.UpdateTime = state.Now;
            body = DomainChangeJson(domain);
        }
        return Write(ctx, 201, body);
    }

    public Task UpdateDomain(HttpContext ctx)
    {
        JsonElement json = ParseObject(ctx);
        string minSsl = Required(json, "min_ssl_version");
        CheckSslVersion(minSsl);
        bool? redirect = OptionalBool(json, "is_http_redirect_to_https");
        bool? verifyClient = OptionalBool(json, "verified_client_certificate_enabled");
        (int? httpPort, int? httpsPort) = Ports(json);
        object body;
        int status;
        lock (state.Sync)
        {
            InstanceRecord instance = Instance(ctx);
            GroupRecord group = Group(ctx, instance);
            DomainRecord domain = Domain(ctx, instance, group);
            if (verifyClient == true && domain.Certificates.Count == 0 && state.Variants.VerifyWithoutCertificate == "refuse")
                throw ApigError.InvalidParameter("verified_client_certificate_enabled",
                    "Client certificate verification takes effect only with a bound certificate: bind one first");
            domain.MinSslVersion = minSsl;
            if (redirect is not null) domain.IsHttpRedirectToHttps = redirect.Value;
            else if (state.Variants.UpdateDomainOmittedRedirect == "reset") domain.IsHttpRedirectToHttps = false;
            if (verifyClient is not null) domain.VerifiedClientCertificateEnabled = verifyClient.Value;
            if (httpPort is not null) domain.IngressHttpPort = httpPort.Value;
            if (httpsPort is not null) domain.IngressHttpsPort = httpsPort.Value;
            group.UpdateTime = state.Now;
            body = DomainChangeJson(domain);
            status = state.Variants.UpdateDomainStatus;
        }
        return Write(ctx, status, body);
    }

    public Task DeleteDomain(HttpContext ctx)
    {
        lock (state.Sync)
        {
            InstanceRecord instance = Instance(ctx);
            state.RemoveDomain(Domain(ctx, instance, Group(ctx, instance)));
        }
        ctx.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    // ---- lookups (caller holds state.Sync) ----

    private InstanceRecord Instance(HttpContext ctx) =>
        state.FindInstance(RouteValue(ctx, "instanceId"))
        ?? throw new ApigError(404, "APIG.3030", "The instance does not exist,parameterName:instance_id");

    private static GroupRecord Group(HttpContext ctx, InstanceRecord instance) =>
        instance.FindGroup(RouteValue(ctx, "groupId"))
        ?? throw new ApigError(404, "APIG.3001", "The API group does not exist,parameterName:group_id");

    /// <summary>A domain of another group of the instance is 400 APIG.3474 (the documented example), not 404.</summary>
    private static DomainRecord Domain(HttpContext ctx, InstanceRecord instance, GroupRecord group)
    {
        DomainRecord? domain = instance.FindDomain(RouteValue(ctx, "domainId"));
        if (domain is null) throw new ApigError(404, "APIG.3020", "The URL domain does not exist,parameterName:domain_id");
        if (domain.Group != group)
            throw new ApigError(400, "APIG.3474",
                "The API group ID in the URL does not match the API group to which the URL domain has been bound,parameterName:group_id");
        return domain;
    }

    /// <summary>
    /// A certificate that exists but is not bound to this domain is 404 APIG.3097 (the binding does not exist); one
    /// that does not exist (never made, or a legacy upload since unbound, which deletes it) is 404 APIG.3021.
    /// </summary>
    private CertificateRecord Certificate(HttpContext ctx, DomainRecord domain)
    {
        string certificateId = RouteValue(ctx, "certificateId");
        if (domain.Certificates.Find(c => c.Id == certificateId) is { } certificate) return certificate;
        if (state.Certificates.ContainsKey(certificateId))
            throw new ApigError(404, "APIG.3097", "The binding of this certificate and domain does not exist,parameterName:certificate_id");
        throw new ApigError(404, "APIG.3021", "The SSL certificate does not exist,parameterName:certificate_id");
    }

    private static string RouteValue(HttpContext ctx, string name) => ctx.GetRouteValue(name) as string ?? "";

    // ---- JSON shapes ----

    private Dictionary<string, object?> InstanceJson(InstanceRecord i) => new()
    {
        ["id"] = i.Id, ["project_id"] = state.ProjectId, ["instance_name"] = i.Name, ["status"] = i.Status,
        ["instance_status"] = i.Status == "Running" ? 6 : 0, ["type"] = "apig", ["spec"] = i.Spec,
        ["create_time"] = i.CreateTime.ToUnixTimeSeconds(), ["enterprise_project_id"] = "0",
        ["charging_mode"] = 0, ["loadbalancer_provider"] = "elb",
    };

    private object GroupJson(GroupRecord g, ApiVariants variants)
    {
        string slDomain = $"{g.Id}.apic.{state.Region}.emulator.invalid";
        return new
        {
            g.Id, g.Name, Status = 1, SlDomain = slDomain, SlDomains = new[] { slDomain },
            RegisterTime = Time(g.RegisterTime), UpdateTime = Time(g.UpdateTime), OnSellStatus = 2,
            UrlDomains = g.Domains.Select(d => UrlDomainJson(d, variants)).ToList(), SlDomainAccessEnabled = true, Remark = "",
            IsDefault = 2, Version = "V1",
        };
    }

    /// <summary>
    /// UrlDomain as the Go model has it: ssl_id/ssl_name are plain strings ("" without an RSA certificate), and there
    /// is no is_http_redirect_to_https (the group listing does not return it).
    /// </summary>
    private static object UrlDomainJson(DomainRecord d, ApiVariants variants)
    {
        CertificateRecord? rsa = d.RsaCertificate;
        return new
        {
            d.Id, d.Domain, d.CnameStatus, SslId = rsa?.Id ?? "", SslName = rsa?.Name ?? "", d.MinSslVersion,
            d.VerifiedClientCertificateEnabled, IsHasTrustedRootCa = d.HasTrustedRootCa, d.IngressHttpPort, d.IngressHttpsPort,
            SslInfos = d.Certificates.Select(c => new
            {
                SslId = c.Id, SslName = c.Name, AlgorithmType = c.Algorithm, Type = variants.SslInfoType(c.Scope),
                IsHasTrustedRootCa = c.HasTrustedRootCa,
            }).ToList(),
        };
    }

    private static object DomainChangeJson(DomainRecord d) => new
    {
        UrlDomain = d.Domain, d.Id, Status = d.CnameStatus, d.MinSslVersion, d.IsHttpRedirectToHttps,
        d.VerifiedClientCertificateEnabled, d.IngressHttpPort, d.IngressHttpsPort,
    };

    internal static string Time(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // ---- request parsing ----

    internal static (long Offset, int Limit) Paging(HttpRequest request)
    {
        long offset = 0;
        int limit = 20;
        string? rawOffset = request.Query["offset"].FirstOrDefault();
        string? rawLimit = request.Query["limit"].FirstOrDefault();
        if (!string.IsNullOrEmpty(rawOffset) && !long.TryParse(rawOffset, NumberStyles.Integer, CultureInfo.InvariantCulture, out offset))
            throw ApigError.InvalidParameter("offset");
        if (!string.IsNullOrEmpty(rawLimit) && !int.TryParse(rawLimit, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit))
            throw ApigError.InvalidParameter("limit");
        if (offset < 0) offset = 0;
        if (limit <= 0) limit = 20;
        if (limit > 500) limit = 500;
        return (offset, limit);
    }

    private static JsonElement ParseObject(HttpContext ctx)
    {
        byte[] body = EmulatorApp.RequestBody(ctx);
        try
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw ApigError.BadJson();
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw ApigError.BadJson();
        }
    }

    private static string Required(JsonElement json, string name) =>
        OptionalString(json, name) is { Length: > 0 } value ? value : throw ApigError.MissingParameter(name);

    private static string? OptionalString(JsonElement json, string name)
    {
        if (!json.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw ApigError.InvalidParameter(name);
    }

    private static bool? OptionalBool(JsonElement json, string name)
    {
        if (!json.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApigError.InvalidParameter(name),
        };
    }

    /// <summary>The two ingress ports come together or not at all (AssociateDomainV2; UpdateDomainV2 alike).</summary>
    private static (int? Http, int? Https) Ports(JsonElement json)
    {
        int? http = Port("ingress_http_port"), https = Port("ingress_https_port");
        if (http is null != https is null)
            throw ApigError.InvalidParameter(http is null ? "ingress_http_port" : "ingress_https_port",
                "ingress_http_port and ingress_https_port must be given together");
        return (http, https);

        int? Port(string name)
        {
            if (!json.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int port)
                || !(port == -1 || port == 80 || port == 443 || port is >= 1024 and <= 49151))
                throw ApigError.InvalidParameter(name);
            return port;
        }
    }

    private static void CheckSslVersion(string value)
    {
        if (value is not ("TLSv1.1" or "TLSv1.2")) throw ApigError.InvalidParameter("min_ssl_version");
    }

    internal static Task Write(HttpContext ctx, int status, object body)
    {
        ctx.Response.StatusCode = status;
        return ctx.Response.WriteAsJsonAsync(body, body.GetType(), ApiJson);
    }
}
