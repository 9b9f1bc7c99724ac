using System.Text.Json;
using Apig.Cert;
using Apig.Cert.Engine.Connection;
using Apig.Cert.Engine.Tests.Http;

namespace Apig.Cert.Engine.Tests.Connection;

/// <summary>Many contexts in one runspace: which is the default, what replaces what, and how a context is found again.</summary>
public class ContextRegistryTests
{
    private const string Cn4Project = "0123456789abcdef0123456789abcdef";
    private const string Ap1Project = "fedcba9876543210fedcba9876543210";

    private static Task<ApigSession> AkSk(string region = "cn-north-4", string project = Cn4Project, string accessKey = "HPUAABCDEFGHWXYZ", string secret = "sk-one") =>
        TestSessions.ConnectAsync(new ApigConnectionSettings
        {
            Region = region,
            ProjectId = project,
            AuthType = ApigAuthType.AccessKey,
            AccessKey = accessKey,
            SecretKey = TestSessions.Secure(secret),
        });

    private static Task<ApigSession> Token(string region = "cn-north-4", string project = Cn4Project, string token = "token-one") =>
        TestSessions.ConnectAsync(new ApigConnectionSettings
        {
            Region = region,
            ProjectId = project,
            AuthType = ApigAuthType.Token,
            Token = TestSessions.Secure(token),
        });

    [Fact]
    public async Task TheLastConnectionIsTheDefaultUnlessNotMadeDefault()
    {
        var registry = new ApigContextRegistry("runspace 1");
        ApigSession cn4 = await AkSk();
        ApigSession ap1 = await AkSk("ap-southeast-1", Ap1Project);
        ApigSession other = await Token("ap-southeast-1", Ap1Project);

        registry.Add(cn4, makeDefault: true);
        registry.Add(ap1, makeDefault: true);
        registry.Add(other, makeDefault: false);

        Assert.Same(ap1, registry.Default);
        Assert.Equal(new[] { ap1, cn4, other }, registry.Sessions);
        Assert.True(ap1.Context.IsDefault);
        Assert.False(cn4.Context.IsDefault);
        Assert.False(other.Context.IsDefault);
    }

    [Fact]
    public async Task TheSameRegionProjectAndIdentityReplacesTheEarlierContextAndKeepsItsPlaceAsDefault()
    {
        var registry = new ApigContextRegistry("runspace 1");
        ApigSession first = await AkSk(secret: "old-secret");
        ApigSession ap1 = await AkSk("ap-southeast-1", Ap1Project);
        registry.Add(first, makeDefault: true);
        registry.Add(ap1, makeDefault: false);

        ApigSession rotated = await AkSk(secret: "rotated-secret");
        ApigSession? replaced = registry.Add(rotated, makeDefault: false);

        Assert.Same(first, replaced);
        Assert.Equal(2, registry.Count);
        Assert.Same(rotated, registry.Default);
        // A variable that still holds the replaced context acts through its successor.
        Assert.Same(rotated, registry.Resolve(first.Context));
    }

    [Fact]
    public async Task AnotherIdentityForTheSameProjectIsAddedNotReplaced()
    {
        var registry = new ApigContextRegistry("runspace 1");
        registry.Add(await AkSk(accessKey: "HPUAFIRSTKEY0001"), makeDefault: true);
        Assert.Null(registry.Add(await AkSk(accessKey: "HPUASECONDKEY002"), makeDefault: true));
        Assert.Null(registry.Add(await Token(), makeDefault: true));

        Assert.Equal(3, registry.Count);
    }

    [Fact]
    public async Task RemovingTheDefaultLeavesNoDefault()
    {
        var registry = new ApigContextRegistry("runspace 1");
        ApigSession cn4 = await AkSk();
        ApigSession ap1 = await AkSk("ap-southeast-1", Ap1Project);
        registry.Add(cn4, makeDefault: true);
        registry.Add(ap1, makeDefault: true);

        Assert.Same(ap1, registry.Remove(ap1.Context));

        Assert.Null(registry.Default);
        Assert.False(ap1.Context.IsDefault);
        Assert.False(cn4.Context.IsDefault);
        Assert.Equal(new[] { cn4 }, registry.Sessions);
    }

    [Fact]
    public async Task ADisconnectedContextIsRefusedByName()
    {
        var registry = new ApigContextRegistry("runspace 1");
        ApigSession cn4 = await AkSk();
        registry.Add(cn4, makeDefault: true);
        registry.Remove(cn4.Context);

        var error = Assert.Throws<ApigInputException>(() => registry.Resolve(cn4.Context));

        Assert.Equal("ContextDisconnected", error.ErrorId);
        Assert.Equal("Context", error.InputName);
        Assert.Contains("HPUA****WXYZ", error.Message);
        Assert.Contains("Connect-Apig", error.Message);
    }

    [Fact]
    public async Task AContextOfAnotherRegistryStandsForThisOnesConnectionOfTheSameIdentityElseIsRefused()
    {
        var mine = new ApigContextRegistry("runspace 1");
        var theirs = new ApigContextRegistry("runspace 7");
        ApigSession own = await AkSk();
        ApigSession foreign = await AkSk();
        ApigSession foreignAp1 = await AkSk("ap-southeast-1", Ap1Project);
        mine.Add(own, makeDefault: true);
        theirs.Add(foreign, makeDefault: true);
        theirs.Add(foreignAp1, makeDefault: false);

        Assert.Same(own, mine.Resolve(foreign.Context));
        var strict = Assert.Throws<ApigInputException>(() => mine.Resolve(foreign.Context, ownOnly: true));
        var unmatched = Assert.Throws<ApigInputException>(() => mine.Resolve(foreignAp1.Context));

        Assert.Equal("ContextOfAnotherRunspace", strict.ErrorId);
        Assert.Equal("ContextOfAnotherRunspace", unmatched.ErrorId);
        Assert.Contains("runspace 7", unmatched.Message);
        Assert.Contains("runspace 1", unmatched.Message);
        Assert.Contains("project " + Ap1Project, unmatched.Message);
    }

    [Fact]
    public async Task ADeserializedContextIsMatchedByItsPublicProperties()
    {
        var registry = new ApigContextRegistry("runspace 1");
        ApigSession cn4 = await AkSk();
        ApigSession ap1 = await AkSk("ap-southeast-1", Ap1Project);
        registry.Add(cn4, makeDefault: true);
        registry.Add(ap1, makeDefault: false);

        // What ConvertTo-Json / Export-Clixml keep of a context: its public properties, no credentials.
        var shape = JsonSerializer.Deserialize<ApigContextShape>(JsonSerializer.Serialize(ApigContextShape.Of(ap1.Context)))!;

        Assert.Same(ap1, registry.Resolve(shape));
    }

    [Fact]
    public async Task AShapeThatMatchesNoneOrSeveralIsRefusedNamingWhatIsConnected()
    {
        var registry = new ApigContextRegistry("runspace 1");
        registry.Add(await AkSk(accessKey: "HPUAFIRSTKEY0001"), makeDefault: true);
        registry.Add(await AkSk(accessKey: "HPUASECONDKEY002"), makeDefault: false);

        var none = Assert.Throws<ApigInputException>(() => registry.Resolve(new ApigContextShape { Region = "eu-west-101", ProjectId = Ap1Project }));
        var several = Assert.Throws<ApigInputException>(() => registry.Resolve(new ApigContextShape { Region = "cn-north-4", ProjectId = Cn4Project }));

        Assert.Equal("ContextNotConnected", none.ErrorId);
        Assert.Contains("HPUA****0001", none.Message);
        Assert.Equal("ContextAmbiguous", several.ErrorId);
        Assert.Contains("HPUA****Y002", several.Message);
    }

    [Fact]
    public async Task TextNamesAContextByItsTextRegionOrProject()
    {
        var registry = new ApigContextRegistry("runspace 1");
        ApigSession cn4 = await AkSk();
        ApigSession ap1 = await Token("ap-southeast-1", Ap1Project);
        registry.Add(cn4, makeDefault: true);
        registry.Add(ap1, makeDefault: false);

        Assert.Same(ap1, registry.Resolve("AP-SOUTHEAST-1"));
        Assert.Same(cn4, registry.Resolve(Cn4Project));
        Assert.Same(ap1, registry.Resolve(ap1.Context.ToString()));
        Assert.Equal("ContextNotConnected", Assert.Throws<ApigInputException>(() => registry.Resolve("la-south-2")).ErrorId);
    }

    [Fact]
    public async Task NoMessageOrPublicPropertyOfAContextShowsASecret()
    {
        var registry = new ApigContextRegistry("runspace 1");
        ApigSession ak = await AkSk(secret: "SECRET-SK-DO-NOT-SHOW");
        ApigSession token = await Token(token: "SECRET-TOKEN-DO-NOT-SHOW");
        registry.Add(ak, makeDefault: true);
        registry.Add(token, makeDefault: false);
        registry.Remove(token.Context);

        string texts = JsonSerializer.Serialize(ak.Context) + JsonSerializer.Serialize(token.Context) + ApigContextRegistry.Describe(ak.Context) +
                       Assert.Throws<ApigInputException>(() => registry.Resolve(token.Context)).Message +
                       Assert.Throws<ApigInputException>(() => registry.Resolve("nowhere")).Message;

        Assert.DoesNotContain("SECRET", texts);
        Assert.DoesNotContain("HPUAABCDEFGHWXYZ", texts);
    }
}
