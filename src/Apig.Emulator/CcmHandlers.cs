using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Apig.Emulator;

/// <summary>
/// The two Certificate Manager (CCM, service scm) calls the module uses, list and export
/// (apig-managed-certificates.md §8), and the admin calls that seed and re-issue CCM certificates.
/// </summary>
internal sealed class CcmHandlers(EmulatorState state)
{
    /// <summary>CCM's status values; ISSUED and UPLOAD (a hosted upload) hold a key that can be exported.</summary>
    internal static readonly IReadOnlyList<string> Statuses =
        ["PAID", "ISSUED", "CHECKING", "CANCELCHECKING", "UNPASSED", "EXPIRED", "REVOKING", "REVOKED", "UPLOAD", "SUPPLEMENTCHECKING", "CANCELSUPPLEMENTING"];
    private static readonly IReadOnlyList<string> ExportableStatuses = ["ISSUED", "UPLOAD"];
    private const int MinLimit = 10, MaxLimit = 50, DefaultLimit = 10;

    // ---- API ----

    public Task List(HttpContext ctx)
    {
        IQueryCollection query = ctx.Request.Query;
        long offset = Number(query, "offset", 0);
        long limit = Number(query, "limit", DefaultLimit);
        if (offset < 0) throw InvalidParameter("offset", "offset must be 0 or more");
        if (limit is < MinLimit or > MaxLimit) throw InvalidParameter("limit", $"limit must be {MinLimit} to {MaxLimit}");
        string? name = query["name"].FirstOrDefault();
        string? status = query["status"].FirstOrDefault();
        if (!string.IsNullOrEmpty(status) && status != "ALL" && !Statuses.Contains(status))
            throw InvalidParameter("status", "unknown status");
        object body;
        lock (state.Sync)
        {
            DateTimeOffset now = state.Now;
            string expireFormat = state.Variants.CcmExpireTimeFormat;
            var matches = state.CcmCertificates.Values
                .Where(c => string.IsNullOrEmpty(name) || c.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
                .Where(c => string.IsNullOrEmpty(status) || status == "ALL" || EffectiveStatus(c, now) == status)
                .ToList();
            var page = matches.Skip((int)Math.Min(offset, int.MaxValue)).Take((int)limit)
                .Select(c => ListEntry(c, now, expireFormat)).ToList();
            body = new Dictionary<string, object?> { ["certificates"] = page, ["total_count"] = matches.Count };
        }
        return ApiHandlers.Write(ctx, 200, body);
    }

    /// <summary>Whatever body comes (the SDK sends none) is ignored. The answer holds the key: nothing logs it.</summary>
    public Task Export(HttpContext ctx)
    {
        string id = ctx.GetRouteValue("certificateId") as string ?? "";
        object body;
        lock (state.Sync)
        {
            if (!state.CcmCertificates.TryGetValue(id, out CcmCertificateRecord? certificate))
                throw new ApigError(404, "SCM.0404", "The certificate does not exist,parameterName:certificate_id");
            string status = EffectiveStatus(certificate, state.Now);
            if (!ExportableStatuses.Contains(status))
                throw new ApigError(400, "SCM.0400", $"A certificate in status {status} cannot be exported: only ISSUED and UPLOAD certificates can,parameterName:certificate_id");
            body = new Dictionary<string, object?>
            {
                ["certificate"] = certificate.CertificatePem,
                ["certificate_chain"] = certificate.ChainPem,
                ["entire_certificate"] = certificate.CertificatePem + certificate.ChainPem,
                ["private_key"] = certificate.PrivateKeyPem,
            };
        }
        return ApiHandlers.Write(ctx, 200, body);
    }

    /// <summary>An ISSUED certificate past its not_after lists as EXPIRED, as CCM shows it.</summary>
    internal static string EffectiveStatus(CcmCertificateRecord c, DateTimeOffset now) =>
        c.Status == "ISSUED" && now > c.NotAfter ? "EXPIRED" : c.Status;

    private static Dictionary<string, object?> ListEntry(CcmCertificateRecord c, DateTimeOffset now, string expireFormat) => new()
    {
        ["id"] = c.Id,
        ["name"] = c.Name,
        ["domain"] = c.Domain,
        ["sans"] = string.Join(",", c.Sans.Where(s => !string.Equals(s, c.Domain, StringComparison.OrdinalIgnoreCase))),
        ["signature_algorithm"] = c.SignatureAlgorithm,
        ["deploy_support"] = true,
        ["type"] = "DV_SSL_CERT",
        ["brand"] = "GEOTRUST",
        ["expire_time"] = ExpireTime(c.NotAfter, expireFormat),
        ["domain_type"] = c.Domain.StartsWith("*.", StringComparison.Ordinal) ? "WILDCARD" : c.Sans.Count > 1 ? "MULTI_DOMAIN" : "SINGLE_DOMAIN",
        ["validity_period"] = (int)Math.Round((c.NotAfter - c.NotBefore).TotalDays / 30.4),
        ["status"] = EffectiveStatus(c, now),
        ["domain_count"] = Math.Max(1, c.Sans.Count),
        ["wildcard_count"] = c.Sans.Count(s => s.StartsWith("*.", StringComparison.Ordinal)),
        ["description"] = "",
        ["enterprise_project_id"] = "0",
    };

    /// <summary>expire_time's form is UNCONFIRMED (the SDK says "string"): one setting per plausible form.</summary>
    internal static object ExpireTime(DateTimeOffset notAfter, string format) => format switch
    {
        "epochMillisString" => notAfter.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        "epochMillisNumber" => notAfter.ToUnixTimeMilliseconds(),
        _ => notAfter.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.f", CultureInfo.InvariantCulture),
    };

    private static long Number(IQueryCollection query, string name, long fallback)
    {
        string? raw = query[name].FirstOrDefault();
        if (string.IsNullOrEmpty(raw)) return fallback;
        return long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
            ? value : throw InvalidParameter(name, $"{name} must be a number");
    }

    private static ApigError InvalidParameter(string name, string why) =>
        new(400, "SCM.0400", $"Invalid parameter: {why},parameterName:{name}");

    // ---- admin ----

    public async Task AdminAdd(HttpContext ctx)
    {
        CcmSeedSpec spec = await AdminHandlers.ReadBody<CcmSeedSpec>(ctx);
        if (string.IsNullOrWhiteSpace(spec.Name)) throw AdminHandlers.BadRequest("name is required");
        if (spec.Status is { } status && !Statuses.Contains(status))
            throw AdminHandlers.BadRequest($"status must be one of: {string.Join(", ", Statuses)}");
        ParsedPair pair = Parse(spec.CertificatePem, spec.PrivateKeyPem);
        string id;
        lock (state.Sync)
            id = Add(spec.Name, spec.Domain ?? pair.CommonName, spec.Status ?? "ISSUED", pair, reissuedFrom: null);
        await AdminHandlers.Write(ctx, 201, new { id });
    }

    /// <summary>Like CCM's re-issue 30 days before expiry: a NEW certificate (new id); the old one stays as it is.</summary>
    public async Task AdminReissue(HttpContext ctx)
    {
        string oldId = ctx.GetRouteValue("certificateId") as string ?? "";
        CcmSeedSpec spec = await AdminHandlers.ReadBody<CcmSeedSpec>(ctx);
        ParsedPair pair = Parse(spec.CertificatePem, spec.PrivateKeyPem);
        string id;
        lock (state.Sync)
        {
            if (!state.CcmCertificates.TryGetValue(oldId, out CcmCertificateRecord? old))
                throw new ApigError(404, "EMULATOR.404", $"No CCM certificate {oldId}");
            id = Add(old.Name, old.Domain, "ISSUED", pair, old.Id);
        }
        await AdminHandlers.Write(ctx, 201, new { id });
    }

    /// <summary>The CCM certificates for the admin state: never the key.</summary>
    internal static object StateJson(EmulatorState state)
    {
        DateTimeOffset now = state.Now;
        return state.CcmCertificates.Values.Select(c => new
        {
            id = c.Id, name = c.Name, domain = c.Domain, sans = c.Sans, status = EffectiveStatus(c, now), storedStatus = c.Status,
            signatureAlgorithm = c.SignatureAlgorithm, notBefore = ApiHandlers.Time(c.NotBefore), notAfter = ApiHandlers.Time(c.NotAfter),
            thumbprint = c.Thumbprint, serialNumber = c.SerialNumberHex, reissuedFrom = c.ReissuedFrom, createTime = ApiHandlers.Time(c.CreateTime),
        }).ToList();
    }

    /// <summary>Caller holds state.Sync.</summary>
    private string Add(string name, string domain, string status, ParsedPair pair, string? reissuedFrom)
    {
        string id = NewId();
        state.CcmCertificates.Add(id, new CcmCertificateRecord
        {
            Id = id, Name = name, Domain = domain, Sans = pair.Sans, Status = status, SignatureAlgorithm = pair.SignatureAlgorithm,
            CertificatePem = pair.LeafPem, ChainPem = pair.ChainPem, PrivateKeyPem = pair.PrivateKeyPem,
            NotBefore = pair.NotBefore, NotAfter = pair.NotAfter, Thumbprint = pair.Thumbprint, SerialNumberHex = pair.SerialNumberHex,
            CreateTime = state.Now, ReissuedFrom = reissuedFrom,
        });
        return id;
    }

    /// <summary>"scs" and 13 digits, the 16-character form CCM ids have (scs1554192131150). Caller holds state.Sync.</summary>
    private string NewId()
    {
        while (true)
        {
            string id = "scs" + RandomNumberGenerator.GetInt32(100_000, 1_000_000).ToString(CultureInfo.InvariantCulture)
                + RandomNumberGenerator.GetInt32(1_000_000, 10_000_000).ToString(CultureInfo.InvariantCulture);
            if (!state.CcmCertificates.ContainsKey(id)) return id;
        }
    }

    private sealed record ParsedPair(string LeafPem, string ChainPem, string PrivateKeyPem, string CommonName, IReadOnlyList<string> Sans,
        string SignatureAlgorithm, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Thumbprint, string SerialNumberHex);

    /// <summary>The leaf first, then its chain; the key must be the leaf's. Error texts never quote the PEM.</summary>
    private static ParsedPair Parse(string? certificatePem, string? privateKeyPem)
    {
        if (string.IsNullOrWhiteSpace(certificatePem)) throw AdminHandlers.BadRequest("certificatePem is required (the leaf, then its chain)");
        if (string.IsNullOrWhiteSpace(privateKeyPem)) throw AdminHandlers.BadRequest("privateKeyPem is required");
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(certificatePem);
        }
        catch (CryptographicException)
        {
            throw AdminHandlers.BadRequest("certificatePem holds no readable PEM certificate");
        }
        if (chain.Count == 0) throw AdminHandlers.BadRequest("certificatePem holds no PEM certificate");
        try
        {
            X509Certificate2 leaf = chain[0];
            try
            {
                using X509Certificate2 withKey = X509Certificate2.CreateFromPem(leaf.ExportCertificatePem(), privateKeyPem);
            }
            catch (CryptographicException)
            {
                throw AdminHandlers.BadRequest("privateKeyPem is not the key of the first certificate in certificatePem (or not an unencrypted PEM key)");
            }
            var chainPem = new StringBuilder();
            for (int i = 1; i < chain.Count; i++) chainPem.Append(chain[i].ExportCertificatePem()).Append('\n');
            List<string> sans = leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList();
            return new ParsedPair(leaf.ExportCertificatePem() + "\n", chainPem.ToString(), privateKeyPem, leaf.GetNameInfo(X509NameType.SimpleName, false),
                sans, SignatureAlgorithm(leaf), new DateTimeOffset(leaf.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero), leaf.Thumbprint, leaf.SerialNumber);
        }
        finally
        {
            foreach (X509Certificate2 c in chain) c.Dispose();
        }
    }

    /// <summary>CCM's spelling (SHA256WITHRSA, SHA256WITHECDSA).</summary>
    private static string SignatureAlgorithm(X509Certificate2 leaf) => leaf.SignatureAlgorithm.Value switch
    {
        "1.2.840.113549.1.1.11" => "SHA256WITHRSA",
        "1.2.840.113549.1.1.12" => "SHA384WITHRSA",
        "1.2.840.113549.1.1.13" => "SHA512WITHRSA",
        "1.2.840.10045.4.3.2" => "SHA256WITHECDSA",
        "1.2.840.10045.4.3.3" => "SHA384WITHECDSA",
        "1.2.840.10045.4.3.4" => "SHA512WITHECDSA",
        _ => leaf.SignatureAlgorithm.FriendlyName?.ToUpperInvariant() ?? "UNKNOWN",
    };

    private sealed class CcmSeedSpec
    {
        public string? Name { get; set; }
        public string? CertificatePem { get; set; }
        public string? PrivateKeyPem { get; set; }
        public string? Status { get; set; }
        public string? Domain { get; set; }
    }
}
