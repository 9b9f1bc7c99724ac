using System.Text.Json;
using System.Text.Json.Serialization;

namespace Apig.Emulator;

/// <summary>The JSON file given with <c>--state FILE</c>; also the shape of the built-in default seed.</summary>
public sealed class SeedDocument
{
    public const string DefaultRegion = "cn-north-4";
    public const string DefaultProjectId = "0a1b2c3d4e5f40718293a4b5c6d7e8f9";
    /// <summary>The account (IAM "domain") id: IAM tokens name it, CCM requests may carry it as X-Domain-Id.</summary>
    public const string DefaultDomainId = "emu0account0000000000000000000001";
    public const string DefaultInstanceId = "inst0000000000000000000000000001";
    public const string DefaultAccessKey = "EMULATORACCESSKEY0001";
    public const string DefaultSecretKey = "emulator-secret-key-0001";
    public const string TemporaryAccessKey = "EMULATORTEMPKEY00001";
    public const string TemporarySecretKey = "emulator-temp-secret-0001";
    public const string TemporarySecurityToken = "emulator-security-token-0001";
    public const string DefaultToken = "emulator-token-0001";
    public const string ExpiredToken = "emulator-expired-token-0001";
    public const string DefaultUserName = "emulator-user";
    public const string DefaultUserPassword = "emulator-password-0001";
    public const string DefaultAccountName = "emulator-account";

    public string Region { get; set; } = DefaultRegion;
    public string ProjectId { get; set; } = DefaultProjectId;
    public string DomainId { get; set; } = DefaultDomainId;
    public List<SeedInstance> Instances { get; set; } = new();
    /// <summary>Null means "the default seed's keys", so a state file may describe only instances.</summary>
    public List<SeedAccessKey>? AccessKeys { get; set; }
    public List<SeedToken>? Tokens { get; set; }
    public List<SeedUser>? Users { get; set; }
    public int? TokenLifetimeSeconds { get; set; }

    internal static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static SeedDocument CreateDefault()
    {
        SeedDomain Domain(int n, string name) => new() { Id = $"dom{n.ToString().PadLeft(29, '0')}", Domain = name };
        return new SeedDocument
        {
            Instances =
            {
                new SeedInstance
                {
                    Id = DefaultInstanceId,
                    Name = "apig-emulator",
                    Groups =
                    {
                        new SeedGroup { Id = "grp00000000000000000000000000001", Name = "shop",
                            Domains = { Domain(1, "api.example.com"), Domain(2, "www.example.com") } },
                        new SeedGroup { Id = "grp00000000000000000000000000002", Name = "payments",
                            Domains = { Domain(3, "pay.example.com"), Domain(4, "checkout.example.com") } },
                        new SeedGroup { Id = "grp00000000000000000000000000003", Name = "internal",
                            Domains = { Domain(5, "intra.example.com") } },
                    },
                },
            },
            AccessKeys = DefaultAccessKeys(),
            Tokens = DefaultTokens(),
            Users = DefaultUsers(),
            TokenLifetimeSeconds = 86400,
        };
    }

    private static List<SeedAccessKey> DefaultAccessKeys() => new()
    {
        new SeedAccessKey { AccessKey = DefaultAccessKey, SecretKey = DefaultSecretKey },
        new SeedAccessKey { AccessKey = TemporaryAccessKey, SecretKey = TemporarySecretKey, SecurityToken = TemporarySecurityToken },
    };

    private static List<SeedToken> DefaultTokens() => new()
    {
        new SeedToken { Token = DefaultToken, ProjectId = DefaultProjectId, ExpiresAt = DateTimeOffset.Parse("2099-12-31T23:59:59Z") },
        new SeedToken { Token = ExpiredToken, ProjectId = DefaultProjectId, ExpiresAt = DateTimeOffset.Parse("2020-01-01T00:00:00Z") },
    };

    private static List<SeedUser> DefaultUsers() => new()
    {
        new SeedUser { Name = DefaultUserName, Password = DefaultUserPassword, AccountName = DefaultAccountName },
    };

    /// <summary>Reads a state file; sections left out fall back to the default seed's credentials.</summary>
    public static SeedDocument Load(string path)
    {
        SeedDocument seed = JsonSerializer.Deserialize<SeedDocument>(File.ReadAllText(path), FileJson)
            ?? throw new InvalidDataException($"State file '{path}' is empty.");
        seed.AccessKeys ??= DefaultAccessKeys();
        seed.Tokens ??= DefaultTokens();
        seed.Users ??= DefaultUsers();
        seed.TokenLifetimeSeconds ??= 86400;
        if (string.IsNullOrWhiteSpace(seed.DomainId)) seed.DomainId = DefaultDomainId;
        if (string.IsNullOrWhiteSpace(seed.ProjectId) || string.IsNullOrWhiteSpace(seed.Region))
            throw new InvalidDataException($"State file '{path}' needs 'region' and 'projectId'.");
        foreach (SeedInstance instance in seed.Instances)
        {
            if (string.IsNullOrWhiteSpace(instance.Id)) throw new InvalidDataException("Every instance needs an 'id'.");
            foreach (SeedGroup group in instance.Groups)
            {
                if (string.IsNullOrWhiteSpace(group.Id)) throw new InvalidDataException("Every group needs an 'id'.");
                foreach (SeedDomain domain in group.Domains)
                    if (string.IsNullOrWhiteSpace(domain.Id) || string.IsNullOrWhiteSpace(domain.Domain))
                        throw new InvalidDataException("Every domain needs an 'id' and a 'domain'.");
            }
        }
        return seed;
    }
}

public sealed class SeedInstance
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Status { get; set; } = "Running";
    public string Spec { get; set; } = "PROFESSIONAL";
    public List<SeedGroup> Groups { get; set; } = new();
}

public sealed class SeedGroup
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public List<SeedDomain> Domains { get; set; } = new();
}

public sealed class SeedDomain
{
    public string Id { get; set; } = "";
    public string Domain { get; set; } = "";
    public int CnameStatus { get; set; } = 3;
    public string MinSslVersion { get; set; } = "TLSv1.2";
}

public sealed class SeedAccessKey
{
    public string AccessKey { get; set; } = "";
    public string SecretKey { get; set; } = "";
    /// <summary>Set for a temporary key: requests must then carry it in X-Security-Token.</summary>
    public string? SecurityToken { get; set; }
}

public sealed class SeedToken
{
    public string Token { get; set; } = "";
    /// <summary>Null means a domain-scoped token, which no project-scoped APIG call accepts.</summary>
    public string? ProjectId { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

public sealed class SeedUser
{
    public string Name { get; set; } = "";
    public string Password { get; set; } = "";
    public string AccountName { get; set; } = "";
}
