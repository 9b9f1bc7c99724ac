using System.Text.Json;

namespace Apig.Emulator;

/// <summary>The /_emulator/ control API for tests and benchmarks. Answers never contain keys, passwords or tokens.</summary>
internal sealed class AdminHandlers(EmulatorState state)
{
    private static readonly JsonSerializerOptions AdminJson = new(JsonSerializerDefaults.Web);

    public Task Reset(HttpContext ctx)
    {
        state.Reset();
        return Write(ctx, 200, new { reset = true });
    }

    public Task State(HttpContext ctx)
    {
        object body;
        lock (state.Sync)
        {
            ApiVariants variants = state.Variants;
            body = new
            {
                region = state.Region,
                projectId = state.ProjectId,
                domainId = state.DomainId,
                tokenLifetimeSeconds = (long)state.TokenLifetime.TotalSeconds,
                latency = new { fixedMs = state.LatencyFixedMs, jitterMs = state.LatencyJitterMs },
                dataPlane = new { host = DataPlane.Host, port = DataPlane.Port(ctx.RequestServices) },
                settings = SettingsJson(),
                instances = state.Instances.Select(i => new
                {
                    id = i.Id, name = i.Name, status = i.Status, spec = i.Spec,
                    groups = i.Groups.Select(g => new
                    {
                        id = g.Id, name = g.Name,
                        domains = g.Domains.Select(d => new
                        {
                            id = d.Id, domain = d.Domain, cnameStatus = d.CnameStatus, minSslVersion = d.MinSslVersion,
                            isHttpRedirectToHttps = d.IsHttpRedirectToHttps,
                            verifiedClientCertificateEnabled = d.VerifiedClientCertificateEnabled,
                            ingressHttpPort = d.IngressHttpPort, ingressHttpsPort = d.IngressHttpsPort,
                            sslId = d.RsaCertificate?.Id ?? "", sslName = d.RsaCertificate?.Name ?? "",
                            certificateIds = d.Certificates.Select(c => c.Id).ToList(),
                            certificates = d.Certificates.Select(c => new
                            {
                                id = c.Id, name = c.Name, type = TypeName(c), algorithm = c.Algorithm,
                                commonName = c.Content.CommonName, san = c.Content.San,
                                notBefore = ApiHandlers.Time(c.Content.NotBefore), notAfter = ApiHandlers.Time(c.Content.NotAfter),
                                serialNumber = variants.SerialNumber(c.Content.SerialNumberBytes), thumbprint = c.Content.Thumbprint,
                                hasTrustedRootCa = c.HasTrustedRootCa, legacyUpload = c.LegacyUpload,
                            }).ToList(),
                        }).ToList(),
                    }).ToList(),
                }).ToList(),
                // The whole store, legacy uploads included whatever storeListsLegacyUploads says: this is the truth, not an API answer.
                certificates = state.Certificates.Values.Select(c => new
                {
                    id = c.Id, name = c.Name, type = TypeName(c), instanceId = c.InstanceId ?? "common", algorithm = c.Algorithm,
                    commonName = c.Content.CommonName, san = c.Content.San,
                    notBefore = ApiHandlers.Time(c.Content.NotBefore), notAfter = ApiHandlers.Time(c.Content.NotAfter),
                    serialNumber = variants.SerialNumber(c.Content.SerialNumberBytes), thumbprint = c.Content.Thumbprint,
                    hasTrustedRootCa = c.HasTrustedRootCa, trustedRootCaSubjects = c.TrustedRootCa?.Subjects ?? [],
                    legacyUpload = c.LegacyUpload,
                    createTime = ApiHandlers.Time(c.CreateTime), updateTime = ApiHandlers.Time(c.UpdateTime),
                    domains = c.Domains.Select(d => new { instanceId = d.Instance.Id, groupId = d.Group.Id, domainId = d.Id, domain = d.Domain }).ToList(),
                }).ToList(),
                ccmCertificates = CcmHandlers.StateJson(state),
            };
        }
        return Write(ctx, 200, body);
    }

    private static string TypeName(CertificateRecord c) => c.IsGlobal ? "global" : "instance";

    public Task Requests(HttpContext ctx) =>
        Write(ctx, 200, state.Log.Snapshot().Select(e => new
        {
            seq = e.Seq,
            time = e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            method = e.Method, path = e.Path, query = e.Query, status = e.Status, errorCode = e.ErrorCode,
            fault = e.Fault, auth = e.Auth, language = e.Language, durationMs = e.DurationMs,
        }).ToList());

    public Task ClearRequests(HttpContext ctx)
    {
        state.Log.Clear();
        ctx.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    public async Task AddFault(HttpContext ctx)
    {
        FaultSpec spec = await ReadBody<FaultSpec>(ctx);
        try
        {
            FaultRule rule = state.Faults.Add(spec);
            await Write(ctx, 201, new { id = rule.Id });
        }
        catch (ArgumentException e)
        {
            throw BadRequest(e.Message);
        }
    }

    public Task ListFaults(HttpContext ctx) => Write(ctx, 200, state.Faults.Describe());

    public Task ClearFaults(HttpContext ctx)
    {
        state.Faults.Clear();
        ctx.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    public async Task SetLatency(HttpContext ctx)
    {
        LatencySpec spec = await ReadBody<LatencySpec>(ctx);
        if (spec.FixedMs < 0 || spec.JitterMs < 0 || spec.FixedMs > 600_000 || spec.JitterMs > 600_000)
            throw BadRequest("fixedMs and jitterMs must be between 0 and 600000");
        lock (state.Sync)
        {
            state.LatencyFixedMs = spec.FixedMs;
            state.LatencyJitterMs = spec.JitterMs;
        }
        await Write(ctx, 200, new { fixedMs = spec.FixedMs, jitterMs = spec.JitterMs });
    }

    /// <summary>Changes only the settings the body names; all are checked before any is applied.</summary>
    public async Task SetSettings(HttpContext ctx)
    {
        SettingsSpec spec = await ReadBody<SettingsSpec>(ctx);
        if (spec.TokenLifetimeSeconds is <= 0) throw BadRequest("tokenLifetimeSeconds must be positive");
        CheckChoice("sslInfoTypeFormat", spec.SslInfoTypeFormat, ApiVariants.SslInfoTypeFormats);
        CheckChoice("serialNumberFormat", spec.SerialNumberFormat, ApiVariants.SerialNumberFormats);
        CheckChoice("updateDomainOmittedRedirect", spec.UpdateDomainOmittedRedirect, ApiVariants.OmittedRedirectBehaviours);
        CheckChoice("defaultMinSslVersion", spec.DefaultMinSslVersion, ApiVariants.MinSslVersions);
        CheckChoice("defaultLanguage", spec.DefaultLanguage, ApiVariants.Languages);
        CheckChoice("attachConflict", spec.AttachConflict, ApiVariants.AttachConflicts);
        CheckChoice("globalTrustedRootCa", spec.GlobalTrustedRootCa, ApiVariants.GlobalTrustedRootCaBehaviours);
        CheckChoice("attachedDomainsEntries", spec.AttachedDomainsEntries, ApiVariants.AttachedDomainsEntryKinds);
        CheckChoice("attachOmittedVerify", spec.AttachOmittedVerify, ApiVariants.AttachOmittedVerifyBehaviours);
        CheckChoice("domainCertificateShape", spec.DomainCertificateShape, ApiVariants.DomainCertificateShapes);
        CheckChoice("updateOmittedTrustedRootCa", spec.UpdateOmittedTrustedRootCa, ApiVariants.OmittedTrustedRootCaBehaviours);
        CheckChoice("verifyWithoutCertificate", spec.VerifyWithoutCertificate, ApiVariants.VerifyWithoutCertificateBehaviours);
        if (spec.UpdateDomainStatus is { } status && !ApiVariants.UpdateDomainStatuses.Contains(status))
            throw BadRequest($"updateDomainStatus must be one of: {string.Join(", ", ApiVariants.UpdateDomainStatuses)}");
        if (spec.MaxBatchDomains is < 1 or > ApiVariants.MaxBatchDomainsLimit)
            throw BadRequest($"maxBatchDomains must be 1..{ApiVariants.MaxBatchDomainsLimit}");
        if (spec.PropagationDelaySec is < 0 or > ApiVariants.MaxPropagationDelaySec)
            throw BadRequest($"propagationDelaySec must be 0..{ApiVariants.MaxPropagationDelaySec}");
        CheckChoice("ccmExpireTimeFormat", spec.CcmExpireTimeFormat, ApiVariants.CcmExpireTimeFormats);
        if (spec.DeleteBoundCertificateCode is { } code && !System.Text.RegularExpressions.Regex.IsMatch(code, @"^APIG\.[0-9]{4}$"))
            throw BadRequest("deleteBoundCertificateCode must look like APIG.2000");
        object body;
        lock (state.Sync)
        {
            if (spec.TokenLifetimeSeconds is { } seconds) state.TokenLifetime = TimeSpan.FromSeconds(seconds);
            ApiVariants v = state.Variants;
            state.Variants = v with
            {
                SslInfoTypeFormat = spec.SslInfoTypeFormat ?? v.SslInfoTypeFormat,
                SerialNumberFormat = spec.SerialNumberFormat ?? v.SerialNumberFormat,
                UpdateDomainStatus = spec.UpdateDomainStatus ?? v.UpdateDomainStatus,
                UpdateDomainOmittedRedirect = spec.UpdateDomainOmittedRedirect ?? v.UpdateDomainOmittedRedirect,
                DefaultMinSslVersion = spec.DefaultMinSslVersion ?? v.DefaultMinSslVersion,
                DefaultLanguage = spec.DefaultLanguage ?? v.DefaultLanguage,
                AttachConflict = spec.AttachConflict ?? v.AttachConflict,
                ListIncludesGlobal = spec.ListIncludesGlobal ?? v.ListIncludesGlobal,
                StoreListsLegacyUploads = spec.StoreListsLegacyUploads ?? v.StoreListsLegacyUploads,
                MaxBatchDomains = spec.MaxBatchDomains ?? v.MaxBatchDomains,
                DeleteBoundCertificateCode = spec.DeleteBoundCertificateCode ?? v.DeleteBoundCertificateCode,
                GlobalTrustedRootCa = spec.GlobalTrustedRootCa ?? v.GlobalTrustedRootCa,
                AttachedDomainsEntries = spec.AttachedDomainsEntries ?? v.AttachedDomainsEntries,
                AttachOmittedVerify = spec.AttachOmittedVerify ?? v.AttachOmittedVerify,
                UpdateChecksBoundDomains = spec.UpdateChecksBoundDomains ?? v.UpdateChecksBoundDomains,
                UpdateOmittedTrustedRootCa = spec.UpdateOmittedTrustedRootCa ?? v.UpdateOmittedTrustedRootCa,
                DomainCertificateShape = spec.DomainCertificateShape ?? v.DomainCertificateShape,
                VerifyWithoutCertificate = spec.VerifyWithoutCertificate ?? v.VerifyWithoutCertificate,
                PropagationDelaySec = spec.PropagationDelaySec ?? v.PropagationDelaySec,
                CcmRequiresDomainId = spec.CcmRequiresDomainId ?? v.CcmRequiresDomainId,
                CcmExpireTimeFormat = spec.CcmExpireTimeFormat ?? v.CcmExpireTimeFormat,
            };
            body = SettingsJson();
        }
        await Write(ctx, 200, body);

        static void CheckChoice(string name, string? value, IReadOnlyList<string> allowed)
        {
            if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
                throw BadRequest($"{name} must be one of: {string.Join(", ", allowed)}");
        }
    }

    /// <summary>Every setting and its current value. Caller holds state.Sync.</summary>
    private object SettingsJson()
    {
        ApiVariants v = state.Variants;
        return new
        {
            tokenLifetimeSeconds = (long)state.TokenLifetime.TotalSeconds,
            sslInfoTypeFormat = v.SslInfoTypeFormat,
            serialNumberFormat = v.SerialNumberFormat,
            updateDomainStatus = v.UpdateDomainStatus,
            updateDomainOmittedRedirect = v.UpdateDomainOmittedRedirect,
            defaultMinSslVersion = v.DefaultMinSslVersion,
            defaultLanguage = v.DefaultLanguage,
            attachConflict = v.AttachConflict,
            listIncludesGlobal = v.ListIncludesGlobal,
            storeListsLegacyUploads = v.StoreListsLegacyUploads,
            maxBatchDomains = v.MaxBatchDomains,
            deleteBoundCertificateCode = v.DeleteBoundCertificateCode,
            globalTrustedRootCa = v.GlobalTrustedRootCa,
            attachedDomainsEntries = v.AttachedDomainsEntries,
            attachOmittedVerify = v.AttachOmittedVerify,
            updateChecksBoundDomains = v.UpdateChecksBoundDomains,
            updateOmittedTrustedRootCa = v.UpdateOmittedTrustedRootCa,
            domainCertificateShape = v.DomainCertificateShape,
            verifyWithoutCertificate = v.VerifyWithoutCertificate,
            propagationDelaySec = v.PropagationDelaySec,
            ccmRequiresDomainId = v.CcmRequiresDomainId,
            ccmExpireTimeFormat = v.CcmExpireTimeFormat,
        };
    }

    public async Task Bulk(HttpContext ctx)
    {
        BulkSpec spec = await ReadBody<BulkSpec>(ctx);
        if (spec.Groups is < 1 or > 100_000) throw BadRequest("groups must be 1..100000");
        if (spec.DomainsPerGroup is < 0 or > ApiHandlers.MaxDomainsPerGroup) throw BadRequest("domainsPerGroup must be 0..5");
        string prefix = string.IsNullOrWhiteSpace(spec.NamePrefix) ? "bulk" : spec.NamePrefix;
        object body;
        lock (state.Sync)
        {
            InstanceRecord instance = (spec.InstanceId is null ? state.Instances.FirstOrDefault() : state.FindInstance(spec.InstanceId))
                ?? throw new ApigError(404, "APIG.3030", "The instance does not exist");
            // Numbering continues after earlier bulk calls so group and domain names stay unique.
            int first = instance.Groups.Count(g => g.Name.StartsWith(prefix + "-", StringComparison.Ordinal)) + 1;
            DateTimeOffset now = state.Now;
            int domainsAdded = 0;
            for (int n = first; n < first + spec.Groups; n++)
            {
                var group = new GroupRecord(EmulatorState.NewId(), $"{prefix}-{n:00000}", now);
                instance.AddGroup(group);
                for (int d = 1; d <= spec.DomainsPerGroup; d++)
                {
                    // Flat names sit one label under example.com, so one wildcard certificate covers a whole bulk set.
                    string name = spec.FlatNames ? $"{group.Name}-d{d}.example.com" : $"d{d}.{group.Name}.example.com";
                    if (instance.HasDomainName(name)) continue;
                    instance.AddDomain(group, new DomainRecord(EmulatorState.NewId(), name));
                    domainsAdded++;
                }
            }
            body = new { instanceId = instance.Id, groupsAdded = spec.Groups, domainsAdded, totalGroups = instance.Groups.Count };
        }
        await Write(ctx, 201, body);
    }

    internal static async Task<T> ReadBody<T>(HttpContext ctx) where T : class
    {
        try
        {
            return await ctx.Request.ReadFromJsonAsync<T>(AdminJson, ctx.RequestAborted) ?? throw BadRequest("a JSON body is required");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw BadRequest("the body is not valid JSON for this call");
        }
    }

    internal static ApigError BadRequest(string message) => new(400, "EMULATOR.400", message);

    internal static Task Write(HttpContext ctx, int status, object body)
    {
        ctx.Response.StatusCode = status;
        return ctx.Response.WriteAsJsonAsync(body, body.GetType(), AdminJson);
    }

    private sealed class LatencySpec
    {
        public int FixedMs { get; set; }
        public int JitterMs { get; set; }
    }

    private sealed class SettingsSpec
    {
        public int? TokenLifetimeSeconds { get; set; }
        public string? SslInfoTypeFormat { get; set; }
        public string? SerialNumberFormat { get; set; }
        public int? UpdateDomainStatus { get; set; }
        public string? UpdateDomainOmittedRedirect { get; set; }
        public string? DefaultMinSslVersion { get; set; }
        public string? DefaultLanguage { get; set; }
        public string? AttachConflict { get; set; }
        public bool? ListIncludesGlobal { get; set; }
        public bool? StoreListsLegacyUploads { get; set; }
        public int? MaxBatchDomains { get; set; }
        public string? DeleteBoundCertificateCode { get; set; }
        public string? GlobalTrustedRootCa { get; set; }
        public string? AttachedDomainsEntries { get; set; }
        public string? AttachOmittedVerify { get; set; }
        public bool? UpdateChecksBoundDomains { get; set; }
        public string? UpdateOmittedTrustedRootCa { get; set; }
        public string? DomainCertificateShape { get; set; }
        public string? VerifyWithoutCertificate { get; set; }
        public int? PropagationDelaySec { get; set; }
        public bool? CcmRequiresDomainId { get; set; }
        public string? CcmExpireTimeFormat { get; set; }
    }

    private sealed class BulkSpec
    {
        public string? InstanceId { get; set; }
        public int Groups { get; set; }
        public int DomainsPerGroup { get; set; } = 1;
        public string? NamePrefix { get; set; }
        public bool FlatNames { get; set; }
    }
}
