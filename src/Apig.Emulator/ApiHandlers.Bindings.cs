using System.Text.Json;

namespace Apig.Emulator;

/// <summary>
/// Binding stored certificates to domains, from the domain side (BatchAssociate/DisassociateCertsV2) and from the
/// certificate side (BatchAssociate/DisassociateDomainsV2, ListAttachedDomainsV2): apig-managed-certificates.md §1, §4, §6.
/// </summary>
internal sealed partial class ApiHandlers
{
    public Task AttachCertificate(HttpContext ctx) => DomainSideBatch(ctx, attach: true);

    public Task DetachCertificate(HttpContext ctx) => DomainSideBatch(ctx, attach: false);

    private Task DomainSideBatch(HttpContext ctx, bool attach)
    {
        JsonElement json = ParseObject(ctx);
        string certificateId = SingleCertificateId(json);
        bool? verify = OptionalBool(json, "verified_client_certificate_enabled");
        lock (state.Sync)
        {
            InstanceRecord instance = Instance(ctx);
            DomainRecord domain = Domain(ctx, instance, Group(ctx, instance));
            CertificateRecord certificate = StoredCertificate(certificateId, "certificate_ids");
            if (!certificate.UsableIn(instance))
                throw new ApigError(404, "APIG.3025", "The certificate does not exist in this instance,parameterName:certificate_ids");
            if (attach)
            {
                CheckAttachable(domain, certificate);
                ApplyAttach(domain, certificate, verify);
            }
            else
            {
                if (!domain.Certificates.Contains(certificate))
                    throw new ApigError(404, "APIG.3097", "The binding of this certificate and domain does not exist,parameterName:certificate_ids");
                state.Unbind(domain, certificate);
            }
        }
        ctx.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    public Task AttachDomains(HttpContext ctx) => CertificateSideBatch(ctx, attach: true);

    public Task DetachDomains(HttpContext ctx) => CertificateSideBatch(ctx, attach: false);

    /// <summary>
    /// All entries are checked before any binding changes, so a refused batch changes nothing. A name without
    /// instance_ids means that name in every instance of the project where the certificate can serve (the ROMA
    /// definition's "global domain" reading, UNCONFIRMED for APIG).
    /// </summary>
    private Task CertificateSideBatch(HttpContext ctx, bool attach)
    {
        List<DomainEntry> entries = ReadDomainEntries(ParseObject(ctx));
        lock (state.Sync)
        {
            if (entries.Count > state.Variants.MaxBatchDomains)
                throw new ApigError(400, "APIG.2000",
                    $"Parameter error: domains has {entries.Count} entries, at most {state.Variants.MaxBatchDomains} are allowed,parameterName:domains");
            CertificateRecord certificate = StoredCertificate(ctx);
            var targets = new List<(DomainRecord Domain, bool? Verify)>();
            foreach (DomainEntry entry in entries)
            {
                int before = targets.Count;
                foreach (InstanceRecord instance in TargetInstances(certificate, entry))
                    if (instance.FindDomainByName(entry.Domain) is { } domain && (attach || domain.Certificates.Contains(certificate)))
                        targets.Add((domain, entry.Verify));
                if (attach && targets.Count == before)
                    throw new ApigError(400, "APIG.2000", $"Parameter error: no valid domain name {entry.Domain},parameterName:domains");
            }
            if (targets.Count == 0) throw new ApigError(400, "APIG.2000", "Parameter error: no valid domain name,parameterName:domains");
            if (attach)
            {
                foreach ((DomainRecord domain, _) in targets) CheckAttachable(domain, certificate);
                foreach ((DomainRecord domain, bool? verify) in targets) ApplyAttach(domain, certificate, verify);
            }
            else
            {
                foreach ((DomainRecord domain, _) in targets) state.Unbind(domain, certificate);
            }
        }
        ctx.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    /// <summary>One entry per ingress port of a name, as the docs say (TF de-duplicates by url_domain); per name with the setting.</summary>
    public Task ListAttachedDomains(HttpContext ctx)
    {
        (long offset, int limit) = Paging(ctx.Request);
        string? urlDomain = ctx.Request.Query["url_domain"].FirstOrDefault();
        object body;
        lock (state.Sync)
        {
            CertificateRecord certificate = StoredCertificate(ctx);
            bool perPort = state.Variants.AttachedDomainsEntries == "perPort";
            var entries = certificate.Domains
                .Where(d => string.IsNullOrEmpty(urlDomain) || d.Domain.Contains(urlDomain, StringComparison.OrdinalIgnoreCase))
                .SelectMany(d => Enumerable.Repeat(d, perPort ? EnabledPorts(d) : 1))
                .ToList();
            var page = entries.Skip((int)Math.Min(offset, int.MaxValue)).Take(limit).Select(d => new
            {
                UrlDomain = d.Domain, d.Id, Status = d.CnameStatus, d.MinSslVersion, d.IsHttpRedirectToHttps,
                d.VerifiedClientCertificateEnabled, d.IngressHttpPort, d.IngressHttpsPort,
                SslId = certificate.Id, SslName = certificate.Name,
                ApiGroupId = d.Group.Id, ApiGroupName = d.Group.Name, InstanceId = d.Instance.Id,
            }).ToList();
            body = new { Size = page.Count, Total = (long)entries.Count, BoundDomains = page };
        }
        return Write(ctx, 200, body);

        // A name with both protocols disabled still has its one binding to show.
        static int EnabledPorts(DomainRecord d) => Math.Max(1, (d.IngressHttpPort != -1 ? 1 : 0) + (d.IngressHttpsPort != -1 ? 1 : 0));
    }

    // ---- rules shared by both sides (caller holds state.Sync) ----

    /// <summary>Coverage (2103), validity (2102), the other certificate of the algorithm (2051 unless set to replace), CA algorithms (3715).</summary>
    private void CheckAttachable(DomainRecord domain, CertificateRecord certificate)
    {
        if (!certificate.Content.Covers(domain.Domain))
            throw new ApigError(400, "APIG.2103", $"The certificate common name does not match the domain name {domain.Domain},parameterName:certificate_id");
        if (state.Now > certificate.Content.NotAfter)
            throw new ApigError(400, "APIG.2102", "The certificate has expired,parameterName:certificate_id");
        if (state.Variants.AttachConflict == "refuse"
            && domain.Certificates.Find(c => c != certificate && c.Algorithm == certificate.Algorithm) is { } other)
            throw new ApigError(400, "APIG.2051",
                $"A domain name cannot be bound with different certificates: {domain.Domain} holds {other.Id} ({other.Algorithm}),parameterName:certificate_id");
        CheckCaAlgorithms(domain, certificate.Algorithm, certificate.TrustedRootCa);
    }

    /// <summary>Binds (replacing the other certificate of the algorithm) and sets the domain's verification flag.</summary>
    private void ApplyAttach(DomainRecord domain, CertificateRecord certificate, bool? verify)
    {
        state.Bind(domain, certificate);
        if (verify is not null) domain.VerifiedClientCertificateEnabled = verify.Value;
        else if (state.Variants.AttachOmittedVerify == "ca") domain.VerifiedClientCertificateEnabled = certificate.HasTrustedRootCa;
    }

    private IEnumerable<InstanceRecord> TargetInstances(CertificateRecord certificate, DomainEntry entry)
    {
        if (entry.InstanceIds is null) return state.Instances.Where(certificate.UsableIn);
        var instances = new List<InstanceRecord>();
        foreach (string id in entry.InstanceIds)
        {
            InstanceRecord instance = KnownInstance(id);
            if (!certificate.UsableIn(instance))
                throw ApigError.InvalidParameter("instance_ids", $"The instance certificate cannot serve instance {id}");
            instances.Add(instance);
        }
        return instances;
    }

    // ---- bodies ----

    private sealed record DomainEntry(string Domain, IReadOnlyList<string>? InstanceIds, bool? Verify);

    /// <summary>certificate_ids: required, and "currently exactly one ID".</summary>
    private static string SingleCertificateId(JsonElement json)
    {
        if (!json.TryGetProperty("certificate_ids", out JsonElement ids) || ids.ValueKind == JsonValueKind.Null
            || (ids.ValueKind == JsonValueKind.Array && ids.GetArrayLength() == 0))
            throw ApigError.MissingParameter("certificate_ids");
        if (ids.ValueKind != JsonValueKind.Array || ids.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
            throw ApigError.InvalidParameter("certificate_ids");
        if (ids.GetArrayLength() != 1) throw ApigError.InvalidParameter("certificate_ids", "Exactly one certificate ID is supported");
        return ids[0].GetString() is { Length: > 0 } id ? id : throw ApigError.MissingParameter("certificate_ids");
    }

    private static List<DomainEntry> ReadDomainEntries(JsonElement json)
    {
        if (!json.TryGetProperty("domains", out JsonElement domains) || domains.ValueKind == JsonValueKind.Null
            || (domains.ValueKind == JsonValueKind.Array && domains.GetArrayLength() == 0))
            throw ApigError.MissingParameter("domains");
        if (domains.ValueKind != JsonValueKind.Array) throw ApigError.InvalidParameter("domains");
        var entries = new List<DomainEntry>(domains.GetArrayLength());
        foreach (JsonElement item in domains.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) throw ApigError.InvalidParameter("domains");
            string name = Required(item, "domain");
            List<string>? instanceIds = null;
            if (item.TryGetProperty("instance_ids", out JsonElement ids) && ids.ValueKind != JsonValueKind.Null)
            {
                if (ids.ValueKind != JsonValueKind.Array || ids.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String || i.GetString() is not { Length: > 0 }))
                    throw ApigError.InvalidParameter("instance_ids");
                // An empty list names no instance; read as omitted, like a Go client's omitempty would send it.
                if (ids.GetArrayLength() > 0) instanceIds = ids.EnumerateArray().Select(i => i.GetString()!).ToList();
            }
            entries.Add(new DomainEntry(name, instanceIds, OptionalBool(item, "verified_client_certificate_enabled")));
        }
        return entries;
    }
}
