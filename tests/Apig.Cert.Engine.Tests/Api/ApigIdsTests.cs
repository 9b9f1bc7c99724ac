using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Tests.Http;

namespace Apig.Cert.Engine.Tests.Api;

public class ApigIdsTests
{
    public static TheoryData<string?, string> BadIds => new()
    {
        { null, "missing" },
        { "", "empty" },
        { "   ", "blank" },
        { "a b", "whitespace" },
        { "a\tb", "control character" },
        { "ab\n", "control character" },
        { "a/b", "'/'" },
        { "a\\b", "'\\'" },
        { "a?b", "'?'" },
        { "a#b", "'#'" },
        { "a%2Fb", "'%'" },
        { "..", "'..'" },
        { "a..b", "'..'" },
        { ".", "'.'" },
        { "a\u0000b", "control character" },
        { "a\u00a0b", "whitespace" },
        { new string('a', 65), "longer than 64" },
    };

    [Theory]
    [MemberData(nameof(BadIds))]
    public void UnsafeIdsAreRefusedWithTheParameterNameAndTheProblem(string? id, string problem)
    {
        var error = Assert.Throws<ApigInputException>(() => ApigIds.EnsureValid(id, "GroupId"));

        Assert.Equal("InvalidId", error.ErrorId);
        Assert.Equal("GroupId", error.InputName);
        Assert.Contains("GroupId", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void TheRejectedValueIsShown()
    {
        var error = Assert.Throws<ApigInputException>(() => ApigIds.EnsureValid("abc/def", "DomainId"));

        Assert.Contains("'abc/def'", error.Message);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("common")]
    [InlineData("a-b_c.d~e")]
    [InlineData("a:b")]
    [InlineData("x")]
    public void OrdinaryIdsPass(string id)
    {
        Assert.Equal(id, ApigIds.EnsureValid(id, "InstanceId"));
        Assert.Equal(id, ApigIds.EnsureValid(new string(id.ToCharArray()), "InstanceId"));
    }

    [Fact]
    public void SixtyFourCharactersIsTheLimit()
    {
        Assert.True(ApigIds.IsValid(new string('a', 64)));
        Assert.False(ApigIds.IsValid(new string('a', 65)));
    }

    public static TheoryData<string, string, Func<ApigClient, Task>> EveryMethodWithABadId => new()
    {
        { "bind/instance", "InstanceId", c => c.BindCertificateAsync(DomainRef.Create("i/1", "g1", "d1"), "n", "C", "K", CancellationToken.None) },
        { "bind/group", "GroupId", c => c.BindCertificateAsync(DomainRef.Create("i1", "..", "d1"), "n", "C", "K", CancellationToken.None) },
        { "bind/domain", "DomainId", c => c.BindCertificateAsync(DomainRef.Create("i1", "g1", "d?1"), "n", "C", "K", CancellationToken.None) },
        { "get/cert", "CertificateId", c => c.GetDomainCertificateAsync(TestSessions.Domain, "c#1", CancellationToken.None) },
        { "get/domain", "DomainId", c => c.GetDomainCertificateAsync(DomainRef.Create("i1", "g1", ""), "c1", CancellationToken.None) },
        { "unbind/cert", "CertificateId", c => c.UnbindCertificateAsync(TestSessions.Domain, "c 1", CancellationToken.None) },
        { "unbind/domain", "DomainId", c => c.UnbindCertificateAsync(DomainRef.Create("i1", "g1", null!), "c1", CancellationToken.None) },
        { "groups/instance", "InstanceId", c => c.ListGroupsAsync("i%1", 0, 20, null, CancellationToken.None) },
        { "group/group", "GroupId", c => c.GetGroupAsync("i1", "g\\1", CancellationToken.None) },
        { "group/instance", "InstanceId", c => c.GetGroupAsync("../i1", "g1", CancellationToken.None) },
        { "associate/group", "GroupId", c => c.AssociateDomainAsync("i1", "g/1", "api.example.com", null, CancellationToken.None) },
        { "disassociate/domain", "DomainId", c => c.DisassociateDomainAsync("i1", "g1", "d/../../x", CancellationToken.None) },
    };

    [Theory]
    [MemberData(nameof(EveryMethodWithABadId))]
    public async Task EveryClientMethodValidatesIdsBeforeSendingAnything(string call, string inputName, Func<ApigClient, Task> invoke)
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, "{}"));
        var client = await TestSessions.AkSkClientAsync(server);

        var error = await Assert.ThrowsAsync<ApigInputException>(() => invoke(client));

        Assert.Equal("InvalidId", error.ErrorId);
        Assert.Equal(inputName, error.InputName);
        Assert.Empty(server.Requests);
        Assert.NotEmpty(call);
    }

    [Theory]
    [InlineData(-1, 20, "InvalidOffset")]
    [InlineData(0, 0, "InvalidLimit")]
    [InlineData(0, 501, "InvalidLimit")]
    public async Task PagingArgumentsAreCheckedBeforeSending(int offset, int limit, string errorId)
    {
        await using var server = new TestHttpServer(_ => TestResponse.Json(200, "{}"));
        var client = await TestSessions.AkSkClientAsync(server);

        var error = await Assert.ThrowsAsync<ApigInputException>(() => client.ListInstancesAsync(offset, limit, CancellationToken.None));

        Assert.Equal(errorId, error.ErrorId);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("i/1", "g1", "d1", "InstanceId", "The InstanceId 'i/1' is not a valid id: it contains '/'. Use the id exactly as Get-ApigDomain shows it.")]
    [InlineData("i1", "..", "d1", "GroupId", "The GroupId '..' is not a valid id: it contains '..'. Use the id exactly as Get-ApigDomain shows it.")]
    [InlineData("i1", "g1", "", "DomainId", "The DomainId '' is not a valid id: it is empty. Use the id exactly as Get-ApigDomain shows it.")]
    [InlineData("i1", "g1", null, "DomainId", "The DomainId (null) is not a valid id: it is missing. Use the id exactly as Get-ApigDomain shows it.")]
    public void DomainRefIsOnlyMadeFromValidIds(string? instanceId, string? groupId, string? domainId, string inputName, string message)
    {
        var error = Assert.Throws<ApigInputException>(() => DomainRef.Create(instanceId, groupId, domainId));

        Assert.Equal("InvalidId", error.ErrorId);
        Assert.Equal(inputName, error.InputName);
        Assert.Equal(message, error.Message);
        Assert.Equal("i1/g1/d1", DomainRef.Create("i1", "g1", "d1").ToString());
    }
}
