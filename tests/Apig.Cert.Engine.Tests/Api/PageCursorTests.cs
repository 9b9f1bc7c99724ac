using System.Text.RegularExpressions;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;
using Apig.Cert.Engine.Tests.Http;

namespace Apig.Cert.Engine.Tests.Api;

public class PageCursorTests
{
    private static int OffsetOf(RecordedRequest request) => int.Parse(Regex.Match(request.Query, "offset=(\\d+)").Groups[1].Value);

    private static string InstancesJson(string total, IEnumerable<int> ids) =>
        "{\"total\":" + total + ",\"instances\":[" + string.Join(",", ids.Select(i => "{\"id\":\"i" + i + "\",\"instance_name\":\"gw" + i + "\"}")) + "]}";

    private static async Task<List<InstanceInfo>> WalkAsync(ApigClient client, int pageSize)
    {
        var cursor = new PageCursor<InstanceInfo>((o, l, ct) => client.ListInstancesAsync(o, l, ct), pageSize, keyOf: i => i.Id);
        var all = new List<InstanceInfo>();
        while (await cursor.NextAsync(CancellationToken.None) is { } page) all.AddRange(page);
        return all;
    }

    [Fact]
    public async Task A_null_total_is_an_unknown_total_not_an_error()
    {
        await using var server = new TestHttpServer(request =>
        {
            int offset = OffsetOf(request);
            var ids = Enumerable.Range(offset, Math.Max(0, Math.Min(2, 5 - offset)));
            return TestResponse.Json(200, InstancesJson("null", ids));
        });
        var client = await TestSessions.AkSkClientAsync(server);

        var page = await client.ListInstancesAsync(0, 2, CancellationToken.None);
        Assert.Null(page.Total);

        var all = await WalkAsync(client, 2);
        Assert.Equal(new[] { "i0", "i1", "i2", "i3", "i4" }, all.Select(i => i.Id));
    }

    [Fact]
    public async Task A_missing_total_walks_on_to_an_empty_page()
    {
        await using var server = new TestHttpServer(request =>
        {
            int offset = OffsetOf(request);
            // Caps the limit at 2 although 3 were asked for: a short page is not the end.
            var ids = Enumerable.Range(offset, Math.Max(0, Math.Min(2, 5 - offset)));
            return TestResponse.Json(200, "{\"instances\":[" + string.Join(",", ids.Select(i => "{\"id\":\"i" + i + "\"}")) + "]}");
        });
        var client = await TestSessions.AkSkClientAsync(server);

        var all = await WalkAsync(client, 3);

        Assert.Equal(5, all.Count);
    }

    [Fact]
    public async Task A_server_that_ignores_offset_gives_each_item_once_and_the_walk_ends()
    {
        // Always the first page, and a total that promises more: without a repeat check this never ends.
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, InstancesJson("1000", Enumerable.Range(0, 3))));
        var client = await TestSessions.AkSkClientAsync(server);

        var all = await WalkAsync(client, 3);

        Assert.Equal(new[] { "i0", "i1", "i2" }, all.Select(i => i.Id));
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Overlapping_pages_drop_only_the_repeats()
    {
        var pages = new Queue<PageResult<string>>(new[]
        {
            new PageResult<string>(new[] { "a", "b" }, 5),
            new PageResult<string>(new[] { "b", "c" }, 5),
            new PageResult<string>(new[] { "d" }, 5),
        });
        var cursor = new PageCursor<string>((o, l, ct) => Task.FromResult(pages.Dequeue()), 2, keyOf: s => s);
        var all = new List<string>();
        while (await cursor.NextAsync(CancellationToken.None) is { } page) all.AddRange(page);

        Assert.Equal(new[] { "a", "b", "c", "d" }, all);
        Assert.False(cursor.StoppedOnRepeat);
        Assert.Equal(5, cursor.Total);
    }
}
