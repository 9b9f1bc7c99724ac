using System.Text.Json;

namespace Apig.Emulator;

/// <summary>The certificate store ("SSL certificate management"): apig-managed-certificates.md §1-§3.</summary>
internal sealed partial class ApiHandlers
{
    private static readonly string[] CertificateTypes = ["global", "instance"];
    private static readonly string[] AlgorithmTypes = ["RSA", "ECC", "SM2"];

    /// <summary>CertificateForm, checked as far as it can be without the certificate itself.</summary>
    private sealed record CertificateForm(string Name, string CertContent, string PrivateKey, string? Type, string? InstanceId,
        string? TrustedRootCa, string? AlgorithmType);

    public Task CreateCertificate(HttpContext ctx)
    {
        CertificateForm form = ReadCertificateForm(ParseObject(ctx));
        CertificateScope scope = form.Type == "instance" ? CertificateScope.Instance : CertificateScope.Global;
        if (scope == CertificateScope.Instance && string.IsNullOrEmpty(form.InstanceId)) throw ApigError.MissingParameter("instance_id");
        CheckTrustedRootCaScope(scope, form);
        if (scope == CertificateScope.Instance)
            lock (state.Sync) KnownInstance(form.InstanceId!);

        (CertificateContent content, TrustedRootCa? ca) = InspectForm(form);

        object body;
        lock (state.Sync)
        {
            if (scope == CertificateScope.Instance) KnownInstance(form.InstanceId!);
            DateTimeOffset now = state.Now;
            var certificate = new CertificateRecord
            {
                Id = EmulatorState.NewId(), Name = form.Name, Scope = scope,
                InstanceId = scope == CertificateScope.Instance ? form.InstanceId : null,
                Content = content, TrustedRootCa = ca, CreateTime = now, UpdateTime = now,
            };
            state.Certificates.Add(certificate.Id, certificate);
            body = CertificateDetailJson(certificate, withStoreFields: true);
        }
        return Write(ctx, 200, body);
    }

    public Task ShowStoredCertificate(HttpContext ctx)
    {
        object body;
        lock (state.Sync) body = CertificateDetailJson(StoredCertificate(ctx), withStoreFields: true);
        return Write(ctx, 200, body);
    }

    /// <summary>
    /// The whole form again; the id stays and every bound domain holds the new content (the domains keep a reference
    /// to the record, so there is nothing to copy).
    /// </summary>
    public Task UpdateCertificate(HttpContext ctx)
    {
        CertificateForm form = ReadCertificateForm(ParseObject(ctx));
        lock (state.Sync) CheckUpdatable(StoredCertificate(ctx), form);

        (CertificateContent content, TrustedRootCa? ca) = InspectForm(form);

        object body;
        lock (state.Sync)
        {
            CertificateRecord certificate = StoredCertificate(ctx);
            CheckUpdatable(certificate, form);
            TrustedRootCa? newCa = ca ?? (state.Variants.UpdateOmittedTrustedRootCa == "keep" ? certificate.TrustedRootCa : null);
            foreach (DomainRecord domain in certificate.Domains)
            {
                if (content.Algorithm != certificate.Algorithm && domain.Certificates.Exists(c => c != certificate && c.Algorithm == content.Algorithm))
                    throw new ApigError(400, "APIG.2051",
                        $"A domain name cannot be bound with different certificates: {domain.Domain} already holds a {content.Algorithm} certificate,parameterName:cert_content");
                if (state.Variants.UpdateChecksBoundDomains && !content.Covers(domain.Domain))
                    throw new ApigError(400, "APIG.2103",
                        $"The certificate common name does not match the domain name {domain.Domain},parameterName:cert_content");
                CheckCaAlgorithms(domain, content.Algorithm, newCa);
            }
            certificate.Name = form.Name;
            certificate.Content = content;
            certificate.TrustedRootCa = newCa;
            certificate.UpdateTime = state.Now;
            foreach (DomainRecord domain in certificate.Domains)
            {
                domain.Group.UpdateTime = certificate.UpdateTime;
                state.NoteServedChange(domain);
            }
            body = CertificateDetailJson(certificate, withStoreFields: true);
        }
        return Write(ctx, 200, body);
    }

    /// <summary>"Only certificates without bound domains can be deleted"; the code for a bound one is a setting.</summary>
    public Task DeleteCertificate(HttpContext ctx)
    {
        lock (state.Sync)
        {
            CertificateRecord certificate = StoredCertificate(ctx);
            if (certificate.Domains.Count > 0)
                throw new ApigError(400, state.Variants.DeleteBoundCertificateCode,
                    $"Only certificates without bound domains can be deleted: this one is bound to {certificate.Domains.Count} domain(s),parameterName:certificate_id");
            state.Certificates.Remove(certificate.Id);
        }
        ctx.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    public Task ListCertificates(HttpContext ctx)
    {
        (long offset, int limit) = Paging(ctx.Request);
        IQueryCollection query = ctx.Request.Query;
        string instanceId = query["instance_id"].FirstOrDefault() is { Length: > 0 } id ? id : throw ApigError.MissingParameter("instance_id");
        string? name = query["name"].FirstOrDefault();
        string? commonName = query["common_name"].FirstOrDefault();
        string? signatureAlgorithm = query["signature_algorithm"].FirstOrDefault();
        string? type = query["type"].FirstOrDefault();
        string? algorithmType = query["algorithm_type"].FirstOrDefault();
        if (!string.IsNullOrEmpty(type) && !CertificateTypes.Contains(type)) throw ApigError.InvalidParameter("type");
        if (!string.IsNullOrEmpty(algorithmType) && !AlgorithmTypes.Contains(algorithmType)) throw ApigError.InvalidParameter("algorithm_type");
        object body;
        lock (state.Sync)
        {
            InstanceRecord instance = KnownInstance(instanceId);
            ApiVariants variants = state.Variants;
            var matches = state.Certificates.Values
                .Where(c => InStore(c) && (c.IsGlobal ? variants.ListIncludesGlobal : c.InstanceId == instance.Id))
                .Where(c => string.IsNullOrEmpty(name) || c.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
                .Where(c => string.IsNullOrEmpty(commonName) || c.Content.CommonName.Contains(commonName, StringComparison.OrdinalIgnoreCase))
                .Where(c => string.IsNullOrEmpty(signatureAlgorithm)
                    || string.Equals(c.Content.SignatureAlgorithm, signatureAlgorithm, StringComparison.OrdinalIgnoreCase))
                .Where(c => string.IsNullOrEmpty(type) || TypeName(c) == type)
                .Where(c => string.IsNullOrEmpty(algorithmType) || c.Algorithm == algorithmType)
                .ToList();
            var page = matches.Skip((int)Math.Min(offset, int.MaxValue)).Take(limit).Select(CertBaseJson).ToList();
            body = new { Size = page.Count, Total = (long)matches.Count, Certs = page };
        }
        return Write(ctx, 200, body);
    }

    // ---- form and checks ----

    private static CertificateForm ReadCertificateForm(JsonElement json)
    {
        string name = Required(json, "name");
        string certContent = Required(json, "cert_content");
        string privateKey = Required(json, "private_key");
        if (!CertificateNameRule().IsMatch(name))
            throw ApigError.InvalidParameter("name", "The name must be 4 to 50 characters of letters, digits and underscores, starting with a letter");
        string? type = OptionalString(json, "type");
        if (type is not null && !CertificateTypes.Contains(type)) throw ApigError.InvalidParameter("type", "The type must be global or instance");
        string? algorithmType = OptionalString(json, "algorithm_type");
        if (algorithmType is not null && !AlgorithmTypes.Contains(algorithmType))
            throw ApigError.InvalidParameter("algorithm_type", "The algorithm type must be RSA, ECC or SM2");
        string? trustedRootCa = OptionalString(json, "trusted_root_ca");
        return new CertificateForm(name, certContent, privateKey, type, OptionalString(json, "instance_id"),
            string.IsNullOrEmpty(trustedRootCa) ? null : trustedRootCa, algorithmType);
    }

    private void CheckTrustedRootCaScope(CertificateScope scope, CertificateForm form)
    {
        if (scope == CertificateScope.Global && form.TrustedRootCa is not null && state.Variants.GlobalTrustedRootCa == "refuse")
            throw ApigError.InvalidParameter("trusted_root_ca", "Only instance certificates support a trusted root CA");
    }

    /// <summary>The scope cannot change on update; an omitted type keeps it. Caller holds state.Sync.</summary>
    private void CheckUpdatable(CertificateRecord certificate, CertificateForm form)
    {
        if (form.Type is not null && form.Type != TypeName(certificate))
            throw ApigError.InvalidParameter("type", "The certificate type cannot be changed");
        if (!certificate.IsGlobal && !string.IsNullOrEmpty(form.InstanceId) && form.InstanceId != certificate.InstanceId)
            throw ApigError.InvalidParameter("instance_id", "The instance of a certificate cannot be changed");
        CheckTrustedRootCaScope(certificate.Scope, form);
    }

    /// <summary>The certificate checks the legacy bind makes (but coverage: no domain is involved), then the CA. Outside the lock: RSA work.</summary>
    private (CertificateContent Content, TrustedRootCa? Ca) InspectForm(CertificateForm form)
    {
        CertificateContent content = CertificateInspector.Inspect(form.CertContent, form.PrivateKey, null, state.Now);
        if (form.AlgorithmType is not null && form.AlgorithmType != content.Algorithm)
            throw new ApigError(409, "APIG.3709",
                $"The certificate's signature algorithm does not match algorithm_type {form.AlgorithmType}: its key is {content.Algorithm},parameterName:algorithm_type");
        TrustedRootCa? ca = form.TrustedRootCa is null ? null : CertificateInspector.InspectTrustedRootCa(form.TrustedRootCa);
        return (content, ca);
    }

    /// <summary>
    /// The CA certificates on one domain must share an algorithm type (APIG.3715). The domain's certificate of
    /// <paramref name="algorithm"/> is the one being bound or replaced, so it does not count.
    /// </summary>
    private static void CheckCaAlgorithms(DomainRecord domain, string algorithm, TrustedRootCa? ca)
    {
        if (ca is null) return;
        if (domain.Certificates.Find(c => c.Algorithm != algorithm && c.TrustedRootCa is { } other && other.Algorithm != ca.Algorithm) is { } clash)
            throw new ApigError(400, "APIG.3715",
                $"The CA certificates on one domain must share an algorithm type: {domain.Domain} holds {clash.Name} with a {clash.TrustedRootCa!.Algorithm} CA,parameterName:trusted_root_ca");
    }

    // ---- lookups (caller holds state.Sync) ----

    private InstanceRecord KnownInstance(string instanceId) =>
        state.FindInstance(instanceId) ?? throw new ApigError(404, "APIG.3030", "The instance does not exist,parameterName:instance_id");

    private bool InStore(CertificateRecord certificate) => !certificate.LegacyUpload || state.Variants.StoreListsLegacyUploads;

    /// <summary>The {certificateId} of a store path; a legacy upload only when the store holds those (a setting).</summary>
    private CertificateRecord StoredCertificate(HttpContext ctx) => StoredCertificate(RouteValue(ctx, "certificateId"), "certificate_id");

    private CertificateRecord StoredCertificate(string id, string parameter) =>
        state.Certificates.TryGetValue(id, out CertificateRecord? certificate) && InStore(certificate)
            ? certificate
            : throw new ApigError(404, "APIG.3025", "The certificate does not exist,parameterName:" + parameter);

    // ---- JSON shapes ----

    private static string TypeName(CertificateRecord c) => c.IsGlobal ? "global" : "instance";

    /// <summary>CertBase (GO model_cert_base.go): the list entry.</summary>
    private Dictionary<string, object?> CertBaseJson(CertificateRecord c) => new()
    {
        ["id"] = c.Id, ["name"] = c.Name, ["type"] = TypeName(c), ["instance_id"] = c.InstanceId ?? "common",
        ["project_id"] = state.ProjectId, ["common_name"] = c.Content.CommonName, ["san"] = c.Content.San,
        ["not_after"] = Time(c.Content.NotAfter), ["signature_algorithm"] = c.Content.SignatureAlgorithm,
        ["create_time"] = Time(c.CreateTime), ["update_time"] = Time(c.UpdateTime),
        ["is_has_trusted_root_ca"] = c.HasTrustedRootCa, ["algorithm_type"] = c.Algorithm,
    };

    /// <summary>
    /// CertificateDetail: CertBase plus subject parts, not_before, serial_number and issuer. The answer's type is a
    /// string in every source, unlike ssl_infos[].type.
    /// </summary>
    /// <param name="withStoreFields">False drops is_has_trusted_root_ca and algorithm_type (the Go model of the legacy show).</param>
    private Dictionary<string, object?> CertificateDetailJson(CertificateRecord c, bool withStoreFields)
    {
        CertificateContent content = c.Content;
        Dictionary<string, object?> json = CertBaseJson(c);
        if (!withStoreFields)
        {
            json.Remove("is_has_trusted_root_ca");
            json.Remove("algorithm_type");
        }
        json["version"] = content.Version;
        json["organization"] = content.Organization;
        json["organizational_unit"] = content.OrganizationalUnit;
        json["locality"] = content.Locality;
        json["state"] = content.State;
        json["country"] = content.Country;
        json["not_before"] = Time(content.NotBefore);
        json["serial_number"] = state.Variants.SerialNumber(content.SerialNumberBytes);
        json["issuer"] = content.Issuer;
        return json;
    }
}
