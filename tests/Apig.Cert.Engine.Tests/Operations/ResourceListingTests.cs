using System.Text.RegularExpressions;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Tests.Http;

namespace Apig.Cert.Engine.Tests.Operations;

/// <summary>
/// The listing walk against a tenant of two instances whose group listing answers two groups per page (a server that caps
/// the limit): what is read per step, where the walk stops, and which totals it can vouch for.
/// </summary>
public class ResourceListingTests
{
    private const int GroupsPerInstance = 5;

    private static TestResponse Tenant(RecordedRequest request)
    {
        if (request.Path == "/v2/p1/apigw/instances")
        {
            return TestResponse.Json(200, """
                {"total":2,"size":2,"instances":[{"id":"i1","instance_name":"gw-one","status":"Running"},{"id":"i2","instance_name":"gw-two","status":"Running"}]}
                """);
        }

        Match groups = Regex.Match(request.Path, "^/v2/p1/apigw/instances/(?<instance>i[12])/api-groups$");
        if (groups.Success)
        {
            int offset = int.Parse(Regex.Match(request.Query, "offset=(\\d+)").Groups[1].Value);
            string instance = groups.Groups["instance"].Value;
            var page = Enumerable.Range(offset, Math.Max(0, Math.Min(2, GroupsPerInstance - offset)))
                .Select(n => "{\"id\":\"" + instance + "g" + n + "\",\"name\":\"shop" + n + "\",\"url_domains\":[{\"id\":\"" + instance + "d" + n +
                             "\",\"domain\":\"api" + n + "." + instance + ".example.com\",\"ssl_infos\":[]}]}");
            return TestResponse.Json(200, "{\"total\":" + GroupsPerInstance + ",\"groups\":[" + string.Join(",", page) + "]}");
        }

        return TestResponse.Error(404, "APIG.3001", "not here");
    }

    private static async Task<(TestHttpServer Server, ResourceListing Listing)> ServeTenant()
    {
        var server = new TestHttpServer(Tenant);
        return (server, new ResourceListing(await TestSessions.AkSkClientAsync(server), TestSessions.ProjectId));
    }

    private static int ApiRequests(TestHttpServer server) => server.Count(r => r.Path.StartsWith("/v2/p1/apigw/instances", StringComparison.Ordinal));

    [Fact]
    public async Task DomainsComeOneGroupPageAtATimeAndAStopReadsNoFurtherPage()
    {
        var (server, listing) = await ServeTenant();
        await using var _ = server;
        int before = ApiRequests(server);

        var pages = listing.Domains(null, null, null);
        var first = (await pages.NextAsync(CancellationToken.None))!;

        Assert.Equal(["api0.i1.example.com", "api1.i1.example.com"], first.Select(d => d.DomainName));
        Assert.Equal(["i1g0", "i1g1"], first.Select(d => d.GroupId));
        Assert.All(first, d => Assert.Equal("i1", d.InstanceId));
        // The instance page and one group page: nothing is read ahead of what the caller takes.
        Assert.Equal(2, ApiRequests(server) - before);
        Assert.Null(pages.ApiTotal);
    }

    [Fact]
    public async Task EveryDomainOfEveryGroupIsListedOnceWithTheNameFilterApplied()
    {
        var (server, listing) = await ServeTenant();
        await using var _ = server;

        var all = await listing.Domains(null, null, name => name.StartsWith("api4.", StringComparison.Ordinal)).ReadAllAsync(CancellationToken.None);

        Assert.Equal(["api4.i1.example.com", "api4.i2.example.com"], all.Select(d => d.DomainName));
    }

    [Fact]
    public async Task TheGroupTotalIsTheSumOnceEveryInstanceWasListedAndUnknownBefore()
    {
        var (server, listing) = await ServeTenant();
        await using var _ = server;

        var pages = listing.Groups(null, null, null, null);
        await pages.NextAsync(CancellationToken.None);
        // The second instance's listing was not read yet: its total is nobody's guess.
        Assert.Null(pages.ApiTotal);

        var rest = new List<ApigGroup>();
        while (await pages.NextAsync(CancellationToken.None) is { } page)
        {
            rest.AddRange(page);
            if (rest.Any(g => g.InstanceId == "i2")) break;
        }

        Assert.Equal(2 * GroupsPerInstance, pages.ApiTotal);
    }

    [Fact]
    public async Task AGroupTotalIsNotVouchedForWhenTheNameIsMatchedHere()
    {
        var (server, listing) = await ServeTenant();
        await using var _ = server;

        var pages = listing.Groups("i1", null, "shop1", name => name == "shop1");
        var shown = await pages.ReadAllAsync(CancellationToken.None);

        Assert.Equal("shop1", Assert.Single(shown).Name);
        Assert.Contains(server.Requests, r => r.Query.Contains("name=shop1", StringComparison.Ordinal));
        Assert.Null(pages.ApiTotal);
    }

    [Fact]
    public async Task AGroupIdWithoutAnInstanceIdIsRefusedBeforeAnythingIsSent()
    {
        var (server, listing) = await ServeTenant();
        await using var _ = server;
        int before = ApiRequests(server);

        var error = Assert.Throws<ApigInputException>(() => listing.Groups(null, "g1", null, null));

        Assert.Equal("InstanceIdRequired", error.ErrorId);
        Assert.Equal(before, ApiRequests(server));
    }

    [Fact]
    public async Task AnInstanceIdNobodyHasIsReportedOnceTheWalkEnds()
    {
        var (server, listing) = await ServeTenant();
        await using var _ = server;

        var pages = listing.Instances("i9", null);
        var error = await Assert.ThrowsAsync<ApigInputException>(() => pages.ReadAllAsync(CancellationToken.None));

        Assert.Equal("InstanceNotFound", error.ErrorId);
        Assert.Null(pages.ApiTotal);
    }

    [Fact]
    public async Task UnfilteredInstancesCarryTheApiTotal()
    {
        var (server, listing) = await ServeTenant();
        await using var _ = server;

        var pages = listing.Instances(null, null);
        var shown = await pages.ReadAllAsync(CancellationToken.None);

        Assert.Equal(["gw-one", "gw-two"], shown.Select(i => i.Name));
        Assert.Equal(2, pages.ApiTotal);
    }
}
