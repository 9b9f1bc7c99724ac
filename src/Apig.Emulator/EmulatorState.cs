using System.Security.Cryptography;

namespace Apig.Emulator;

/// <summary>
/// Everything the emulator remembers. One lock (<see cref="Sync"/>) guards the resource tree, keys and tokens:
/// requests are tiny, so a single lock is simpler than finer locking and still handles hundreds of clients.
/// </summary>
public sealed class EmulatorState
{
    /// <summary>Issued tokens beyond this are dropped oldest first, so a soak test cannot grow memory.</summary>
    public const int MaxIssuedTokens = 10_000;

    private readonly SeedDocument _seed;
    private readonly Queue<string> _issuedTokenOrder = new();

    public EmulatorState(SeedDocument seed)
    {
        _seed = seed;
        Reset();
    }

    public object Sync { get; } = new();
    /// <summary>Replaceable so tests can move time (token expiry, certificate validity) without sleeping.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;
    public RequestLog Log { get; } = new();
    public FaultTable Faults { get; } = new();

    public string Region { get; private set; } = "";
    public string ProjectId { get; private set; } = "";
    /// <summary>The account ("domain" in IAM terms) that owns the project and the keys.</summary>
    public string DomainId { get; private set; } = "";
    public List<InstanceRecord> Instances { get; } = new();
    /// <summary>The certificate store, managed and legacy-uploaded alike, in creation order.</summary>
    public OrderedDictionary<string, CertificateRecord> Certificates { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, AccessKeyRecord> AccessKeys { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, TokenRecord> Tokens { get; } = new(StringComparer.Ordinal);
    public List<SeedUser> Users { get; } = new();
    public TimeSpan TokenLifetime { get; set; }
    public int LatencyFixedMs { get; set; }
    public int LatencyJitterMs { get; set; }
    /// <summary>The answer variants the API documents leave open; each test picks the one it runs under.</summary>
    public ApiVariants Variants { get; set; } = new();

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>What each domain's data plane served since which moment, so a change can "propagate" late.</summary>
    internal ServedHistory Served { get; } = new();

    /// <summary>CCM (Certificate Manager) certificates, in creation order; seeded through the admin API only.</summary>
    public OrderedDictionary<string, CcmCertificateRecord> CcmCertificates { get; } = new(StringComparer.Ordinal);

    /// <summary>Back to the seed the emulator started with: resources, keys, tokens, log, faults, latency, settings.</summary>
    public void Reset()
    {
        lock (Sync)
        {
            DateTimeOffset now = Now;
            Region = _seed.Region;
            ProjectId = _seed.ProjectId;
            DomainId = _seed.DomainId;
            Instances.Clear();
            Certificates.Clear();
            foreach (SeedInstance si in _seed.Instances)
            {
                var instance = new InstanceRecord(si.Id, si.Name, si.Status, si.Spec, now);
                foreach (SeedGroup sg in si.Groups)
                {
                    var group = new GroupRecord(sg.Id, sg.Name, now);
                    instance.AddGroup(group);
                    foreach (SeedDomain sd in sg.Domains)
                        instance.AddDomain(group, new DomainRecord(sd.Id, sd.Domain) { CnameStatus = sd.CnameStatus, MinSslVersion = sd.MinSslVersion });
                }
                Instances.Add(instance);
            }
            AccessKeys.Clear();
            foreach (SeedAccessKey key in _seed.AccessKeys ?? new())
                AccessKeys[key.AccessKey] = new AccessKeyRecord(key.AccessKey, key.SecretKey, key.SecurityToken);
            Tokens.Clear();
            _issuedTokenOrder.Clear();
            foreach (SeedToken token in _seed.Tokens ?? new())
                Tokens[token.Token] = new TokenRecord(token.ProjectId, token.ExpiresAt, now);
            Users.Clear();
            Users.AddRange(_seed.Users ?? new());
            TokenLifetime = TimeSpan.FromSeconds(_seed.TokenLifetimeSeconds ?? 86400);
            LatencyFixedMs = 0;
            LatencyJitterMs = 0;
            Variants = new ApiVariants();
            Served.Clear();
            CcmCertificates.Clear();
        }
        Log.Reset();
        Faults.Clear();
    }

    public InstanceRecord? FindInstance(string id) => Instances.Find(i => i.Id == id);

    /// <summary>
    /// Binds <paramref name="certificate"/> to <paramref name="domain"/>, unbinding the domain's certificate of the same
    /// algorithm (one per algorithm). Conflict rules are the caller's. Caller holds <see cref="Sync"/>.
    /// </summary>
    internal void Bind(DomainRecord domain, CertificateRecord certificate)
    {
        if (domain.Certificates.Contains(certificate)) return;
        if (domain.Certificates.Find(c => c.Algorithm == certificate.Algorithm) is { } previous) Unbind(domain, previous);
        domain.Certificates.Add(certificate);
        certificate.Domains.Add(domain);
        domain.Group.UpdateTime = Now;
        NoteServedChange(domain);
    }

    /// <summary>A legacy upload no domain holds any more is deleted: the legacy call is "unbind and delete". Caller holds <see cref="Sync"/>.</summary>
    internal void Unbind(DomainRecord domain, CertificateRecord certificate)
    {
        domain.Certificates.Remove(certificate);
        certificate.Domains.Remove(domain);
        domain.Group.UpdateTime = Now;
        NoteServedChange(domain);
        if (certificate.LegacyUpload && certificate.Domains.Count == 0) Certificates.Remove(certificate.Id);
    }

    /// <summary>Removes a domain with its bindings. Caller holds <see cref="Sync"/>.</summary>
    internal void RemoveDomain(DomainRecord domain)
    {
        foreach (CertificateRecord certificate in domain.Certificates.ToList()) Unbind(domain, certificate);
        domain.Instance.RemoveDomain(domain.Group, domain);
        domain.Group.UpdateTime = Now;
        Served.Forget(domain);
    }

    /// <summary>
    /// Records what the domain holds now as what its data plane serves from now on (after the propagation delay).
    /// Every binding change and every in-place content update calls it. Caller holds <see cref="Sync"/>.
    /// </summary>
    internal void NoteServedChange(DomainRecord domain) =>
        Served.Note(domain, Now, domain.Certificates.Select(c => new ServedCertificate(c.Content, c.TrustedRootCa)).ToList(),
            TimeSpan.FromSeconds(Variants.PropagationDelaySec));

    /// <summary>Remembers a token issued by the IAM call. Caller holds <see cref="Sync"/>.</summary>
    internal string IssueToken(string? projectId, out TokenRecord record)
    {
        string token = "emu-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(48));
        DateTimeOffset now = Now;
        record = new TokenRecord(projectId, now + TokenLifetime, now);
        Tokens[token] = record;
        _issuedTokenOrder.Enqueue(token);
        while (_issuedTokenOrder.Count > MaxIssuedTokens)
            Tokens.Remove(_issuedTokenOrder.Dequeue());
        return token;
    }

    public static string NewId() => Guid.NewGuid().ToString("N");
}

public sealed class InstanceRecord(string id, string name, string status, string spec, DateTimeOffset createTime)
{
    private readonly Dictionary<string, GroupRecord> _groupsById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DomainRecord> _domainsByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DomainRecord> _domainsById = new(StringComparer.Ordinal);

    public string Id { get; } = id;
    public string Name { get; } = name;
    public string Status { get; } = status;
    public string Spec { get; } = spec;
    public DateTimeOffset CreateTime { get; } = createTime;
    /// <summary>Insertion order, which is the stable order list calls page through.</summary>
    public List<GroupRecord> Groups { get; } = new();

    public GroupRecord? FindGroup(string groupId) => _groupsById.GetValueOrDefault(groupId);
    public bool HasDomainName(string domain) => _domainsByName.ContainsKey(domain);
    /// <summary>A name is bound at most once per instance, so a name finds one domain (the certificate-side batch needs this fast).</summary>
    public DomainRecord? FindDomainByName(string domain) => _domainsByName.GetValueOrDefault(domain);
    public DomainRecord? FindDomain(string domainId) => _domainsById.GetValueOrDefault(domainId);

    public void AddGroup(GroupRecord group)
    {
        Groups.Add(group);
        _groupsById[group.Id] = group;
    }

    public void AddDomain(GroupRecord group, DomainRecord domain)
    {
        domain.Instance = this;
        domain.Group = group;
        group.Domains.Add(domain);
        _domainsByName[domain.Domain] = domain;
        _domainsById[domain.Id] = domain;
    }

    /// <summary>Takes the domain out of its group; the caller unbinds its certificates first.</summary>
    public void RemoveDomain(GroupRecord group, DomainRecord domain)
    {
        group.Domains.Remove(domain);
        _domainsByName.Remove(domain.Domain);
        _domainsById.Remove(domain.Id);
    }
}

public sealed class GroupRecord(string id, string name, DateTimeOffset registerTime)
{
    public string Id { get; } = id;
    public string Name { get; } = name;
    public DateTimeOffset RegisterTime { get; } = registerTime;
    public DateTimeOffset UpdateTime { get; set; } = registerTime;
    public List<DomainRecord> Domains { get; } = new();
    public DomainRecord? FindDomain(string domainId) => Domains.Find(d => d.Id == domainId);
}

public sealed class DomainRecord(string id, string domain)
{
    public string Id { get; } = id;
    public string Domain { get; } = domain;
    /// <summary>Set when the domain is added to an instance.</summary>
    public InstanceRecord Instance { get; internal set; } = null!;
    public GroupRecord Group { get; internal set; } = null!;
    public int CnameStatus { get; set; } = 3;
    public string MinSslVersion { get; set; } = "TLSv1.2";
    public bool IsHttpRedirectToHttps { get; set; }
    public bool VerifiedClientCertificateEnabled { get; set; }
    public int IngressHttpPort { get; set; } = 80;
    public int IngressHttpsPort { get; set; } = 443;
    /// <summary>The bound certificates, at most one per algorithm ("RSA", "ECC"). Change only through <see cref="EmulatorState.Bind"/>/<see cref="EmulatorState.Unbind"/>.</summary>
    public List<CertificateRecord> Certificates { get; } = new();

    /// <summary>
    /// The certificate ssl_id/ssl_name show. The API documents them for an RSA certificate only, so an ECC-only
    /// domain shows none there and its certificate only in ssl_infos.
    /// </summary>
    public CertificateRecord? RsaCertificate => Certificates.Find(c => c.Algorithm == "RSA");

    /// <summary>True only when every bound certificate has a trusted root CA (and at least one is bound).</summary>
    public bool HasTrustedRootCa => Certificates.Count > 0 && Certificates.TrueForAll(c => c.HasTrustedRootCa);
}

/// <summary>
/// A certificate of the store. The legacy per-domain upload makes one too (<see cref="LegacyUpload"/>), so both
/// kinds of call see one binding model. The private key stays in memory only, for the data plane to serve.
/// </summary>
public sealed class CertificateRecord
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public CertificateScope Scope { get; init; } = CertificateScope.Instance;
    /// <summary>The owning instance of an instance certificate; null for a global one (the API says "common").</summary>
    public string? InstanceId { get; init; }
    /// <summary>Replaced whole by an in-place update; every bound domain then holds the new content.</summary>
    public required CertificateContent Content { get; set; }
    public TrustedRootCa? TrustedRootCa { get; set; }
    /// <summary>Made by AssociateCertificateV2: it lives only while a domain holds it ("unbind and delete").</summary>
    public bool LegacyUpload { get; init; }
    public required DateTimeOffset CreateTime { get; init; }
    public required DateTimeOffset UpdateTime { get; set; }
    /// <summary>The domains holding it, in binding order. Change only through <see cref="EmulatorState.Bind"/>/<see cref="EmulatorState.Unbind"/>.</summary>
    public List<DomainRecord> Domains { get; } = new();

    public string Algorithm => Content.Algorithm;
    public bool HasTrustedRootCa => TrustedRootCa is not null;
    public bool IsGlobal => Scope == CertificateScope.Global;
    /// <summary>A global certificate serves every instance of the project; an instance one only its own.</summary>
    public bool UsableIn(InstanceRecord instance) => IsGlobal || InstanceId == instance.Id;
}

/// <summary>The public parts of a certificate as parsed from its PEM.</summary>
public sealed class CertificateContent
{
    public required string Algorithm { get; init; }
    public required string CertificatePem { get; init; }
    public required string CommonName { get; init; }
    public required IReadOnlyList<string> San { get; init; }
    public required DateTimeOffset NotBefore { get; init; }
    public required DateTimeOffset NotAfter { get; init; }
    /// <summary>The DER INTEGER content octets, big-endian, leading zero byte kept: every printed form comes from these.</summary>
    public required byte[] SerialNumberBytes { get; init; }
    public required string Thumbprint { get; init; }
    public required string SignatureAlgorithm { get; init; }
    public required int Version { get; init; }
    public required IReadOnlyList<string> Organization { get; init; }
    public required IReadOnlyList<string> OrganizationalUnit { get; init; }
    public required IReadOnlyList<string> Locality { get; init; }
    public required IReadOnlyList<string> State { get; init; }
    public required IReadOnlyList<string> Country { get; init; }
    public required IReadOnlyList<string> Issuer { get; init; }
    /// <summary>The key and chain the data plane serves; kept in memory only, never in any answer or log.</summary>
    internal ServingIdentity Serving { get; init; } = null!;

    public bool Covers(string domain) => San.Any(pattern => CertificateInspector.Covers(pattern, domain));
}

/// <summary>The CA certificates a certificate carries for client verification: what the answers, checks and the data plane need.</summary>
public sealed record TrustedRootCa(string Algorithm, IReadOnlyList<string> Subjects, string Pem);

public enum CertificateScope { Instance = 1, Global = 2 }

public sealed record AccessKeyRecord(string AccessKey, string SecretKey, string? SecurityToken)
{
    // Records print every member; keys must never reach a log or an exception text.
    public override string ToString() => $"AccessKeyRecord {{ AccessKey = {AccessKey} }}";
}

public sealed record TokenRecord(string? ProjectId, DateTimeOffset ExpiresAt, DateTimeOffset IssuedAt);
