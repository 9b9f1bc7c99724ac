using System.Net;
using System.Text.Json;
using static Apig.Emulator.Tests.TestPki;

namespace Apig.Emulator.Tests;

/// <summary>
/// The domain-side attach/detach (BatchAssociate/DisassociateCertsV2) and the one binding model it shares with the
/// legacy upload (apig-managed-certificates.md §1, §4, §6).
/// </summary>
public class BindingTests(EmulatorFixture fixture) : StoreTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private const string Domain2Id = "dom00000000000000000000000000002";
    private const string Domain3Id = "dom00000000000000000000000000003";

    private async Task<JsonElement> StateDomain(string domainId) =>
        (await AdminGet("/_emulator/state")).GetProperty("instances")[0].GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("domains").EnumerateArray()).Single(d => d.GetProperty("id").GetString() == domainId);

    [Fact]
    public async Task Attach_binds_a_stored_certificate_that_every_read_then_shows()
    {
        Issued cert = SelfSigned(Rsa(0), "api.example.com", ["*.example.com"]);
        string id = await CreateId(Form("wildcard_cert", cert));
        using (var attached = await Attach(Domain1, id))
        {
            Assert.Equal(HttpStatusCode.NoContent, attached.StatusCode);
            Assert.Equal("", await attached.Content.ReadAsStringAsync());
        }

        JsonElement domain = await UrlDomain(Group1, Domain1Id);
        Assert.Equal(id, domain.GetProperty("ssl_id").GetString());
        Assert.Equal("wildcard_cert", domain.GetProperty("ssl_name").GetString());
        JsonElement info = domain.GetProperty("ssl_infos").EnumerateArray().Single();
        Assert.Equal(2, info.GetProperty("type").GetInt32()); // global
        Assert.Equal("RSA", info.GetProperty("algorithm_type").GetString());

        using var legacyShow = await Send(HttpMethod.Get, Domain1 + "/certificate/" + id);
        await AssertStatus(legacyShow, HttpStatusCode.OK);
        JsonElement detail = await Json(legacyShow);
        Assert.Equal("global", detail.GetProperty("type").GetString());
        Assert.Equal("common", detail.GetProperty("instance_id").GetString());
        Assert.Equal(DecimalSerial(cert.Certificate), detail.GetProperty("serial_number").GetString());

        JsonElement stateDomain = await StateDomain(Domain1Id);
        Assert.Equal([id], stateDomain.GetProperty("certificateIds").EnumerateArray().Select(e => e.GetString()));
        Assert.False(stateDomain.GetProperty("verifiedClientCertificateEnabled").GetBoolean());
        Assert.Equal("global", stateDomain.GetProperty("certificates")[0].GetProperty("type").GetString());
        JsonElement bound = (await StateCertificate(id)).GetProperty("domains").EnumerateArray().Single();
        Assert.Equal(Domain1Id, bound.GetProperty("domainId").GetString());
        Assert.Equal("api.example.com", bound.GetProperty("domain").GetString());
        Assert.Equal("grp00000000000000000000000000001", bound.GetProperty("groupId").GetString());
        Assert.Equal(DefaultInstanceId, bound.GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task Ssl_info_type_of_a_global_certificate_is_2_or_global_as_set()
    {
        string global = await CreateId(Form("global_cert", SelfSigned(Rsa(0), "api.example.com")));
        string local = await CreateId(InstanceForm("local_cert", SelfSigned(Ec(0), "api.example.com")));
        await AttachOk(Domain1, global);
        await AttachOk(Domain1, local);
        string Types(JsonElement domain) => string.Join(",", domain.GetProperty("ssl_infos").EnumerateArray()
            .OrderBy(i => i.GetProperty("algorithm_type").GetString()).Select(i => i.GetProperty("type").ToString()));
        Assert.Equal("1,2", Types(await UrlDomain(Group1, Domain1Id))); // ECC instance, RSA global
        await Settings(new { sslInfoTypeFormat = "string" });
        Assert.Equal("instance,global", Types(await UrlDomain(Group1, Domain1Id)));
    }

    [Fact]
    public async Task Attach_and_detach_bodies_and_lookups_have_their_documented_codes()
    {
        string id = await CreateId(Form("api_cert", SelfSigned(Rsa(0), "api.example.com")));
        foreach (string path in new[] { Domain1 + "/certificates/attach", Domain1 + "/certificates/detach" })
        {
            using (var notJson = await Send(HttpMethod.Post, path, "{not json")) await AssertError(notJson, HttpStatusCode.BadRequest, "APIG.2000");
            using (var none = await Send(HttpMethod.Post, path, new { }))
                Assert.Contains("certificate_ids", await AssertError(none, HttpStatusCode.BadRequest, "APIG.2001"));
            using (var empty = await Send(HttpMethod.Post, path, new { certificate_ids = Array.Empty<string>() }))
                await AssertError(empty, HttpStatusCode.BadRequest, "APIG.2001");
            using (var two = await Send(HttpMethod.Post, path, new { certificate_ids = new[] { id, id } }))
                Assert.Contains("certificate_ids", await AssertError(two, HttpStatusCode.BadRequest, "APIG.2012"));
            using (var notList = await Send(HttpMethod.Post, path, new { certificate_ids = id }))
                await AssertError(notList, HttpStatusCode.BadRequest, "APIG.2012");
            using (var badFlag = await Send(HttpMethod.Post, path, new { certificate_ids = new[] { id }, verified_client_certificate_enabled = "yes" }))
                await AssertError(badFlag, HttpStatusCode.BadRequest, "APIG.2012");
            using (var unknown = await Send(HttpMethod.Post, path, new { certificate_ids = new[] { "ffffffffffffffffffffffffffffffff" } }))
                await AssertError(unknown, HttpStatusCode.NotFound, "APIG.3025");
        }
        using (var r = await Attach(Api + "/instances/inst0000000000000000000000000099/api-groups/grp00000000000000000000000000001/domains/" + Domain1Id, id))
            await AssertError(r, HttpStatusCode.NotFound, "APIG.3030");
        using (var r = await Attach(Instance + "/api-groups/grp00000000000000000000000000009/domains/" + Domain1Id, id))
            await AssertError(r, HttpStatusCode.NotFound, "APIG.3001");
        using (var r = await Attach(Group1 + "/domains/dom00000000000000000000000000009", id))
            await AssertError(r, HttpStatusCode.NotFound, "APIG.3020");
        using (var r = await Attach(Group1 + "/domains/" + Domain3Id, id))
            await AssertError(r, HttpStatusCode.BadRequest, "APIG.3474");
        Assert.Empty(SslIds(await UrlDomain(Group1, Domain1Id)));
    }

    [Fact]
    public async Task Attach_refuses_a_certificate_that_does_not_cover_the_domain_or_has_expired()
    {
        string other = await CreateId(Form("other_cert", SelfSigned(Rsa(0), "shop.example.org")));
        using (var uncovered = await Attach(Domain1, other))
            Assert.Contains("api.example.com", await AssertError(uncovered, HttpStatusCode.BadRequest, "APIG.2103"));

        string soon = await CreateId(Form("soon_cert", SelfSigned(Rsa(0), "api.example.com", null, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2))));
        State.Clock = new ShiftableClock { Offset = TimeSpan.FromDays(3) };
        using (var expired = await Attach(Domain1, soon))
            await AssertError(expired, HttpStatusCode.BadRequest, "APIG.2102");
        Assert.Empty(SslIds(await UrlDomain(Group1, Domain1Id)));
    }

    [Fact]
    public async Task An_instance_certificate_serves_only_its_own_instance()
    {
        (string _, string otherGroup, string[] otherDomains) = AddInstance("inst0000000000000000000000000002", "api.example.com");
        string local = await CreateId(InstanceForm("local_cert", SelfSigned(Rsa(0), "api.example.com")));
        using (var elsewhere = await Attach(otherGroup + "/domains/" + otherDomains[0], local))
            await AssertError(elsewhere, HttpStatusCode.NotFound, "APIG.3025");
        await AttachOk(Domain1, local);
        Assert.Equal(1, (await UrlDomain(Group1, Domain1Id)).GetProperty("ssl_infos")[0].GetProperty("type").GetInt32());

        string global = await CreateId(Form("global_cert", SelfSigned(Rsa(1), "api.example.com")));
        await AttachOk(otherGroup + "/domains/" + otherDomains[0], global);
    }

    [Fact]
    public async Task Reattaching_succeeds_and_sets_the_verification_flag()
    {
        Issued root = CreateCa(Rsa(2), "Client Root");
        string id = await CreateId(InstanceForm("mtls_cert", SelfSigned(Rsa(0), "api.example.com"), root.CertificatePem));
        await AttachOk(Domain1, id, verify: false);
        Assert.False((await UrlDomain(Group1, Domain1Id)).GetProperty("verified_client_certificate_enabled").GetBoolean());
        await AttachOk(Domain1, id, verify: true);
        JsonElement domain = await UrlDomain(Group1, Domain1Id);
        Assert.True(domain.GetProperty("verified_client_certificate_enabled").GetBoolean());
        Assert.True(domain.GetProperty("is_has_trusted_root_ca").GetBoolean());
        Assert.Equal([id], SslIds(domain));
        Assert.True((await StateDomain(Domain1Id)).GetProperty("verifiedClientCertificateEnabled").GetBoolean());
    }

    [Theory]
    [InlineData(null, true, false)]
    [InlineData("ca", true, false)]
    [InlineData("keep", false, true)]
    public async Task Attach_without_the_flag_follows_the_setting(string? setting, bool afterCaCertificate, bool afterPlainCertificate)
    {
        if (setting is not null) await Settings(new { attachOmittedVerify = setting });
        Issued root = CreateCa(Rsa(2), "Client Root");
        string withCa = await CreateId(InstanceForm("mtls_cert", SelfSigned(Rsa(0), "api.example.com"), root.CertificatePem));
        string plain = await CreateId(InstanceForm("plain_cert", SelfSigned(Ec(0), "api.example.com")));

        await AttachOk(Domain1, withCa);
        Assert.Equal(afterCaCertificate, (await UrlDomain(Group1, Domain1Id)).GetProperty("verified_client_certificate_enabled").GetBoolean());
        await AttachOk(Domain1, withCa, verify: true);
        await AttachOk(Domain1, plain);
        Assert.Equal(afterPlainCertificate, (await UrlDomain(Group1, Domain1Id)).GetProperty("verified_client_certificate_enabled").GetBoolean());
    }

    [Fact]
    public async Task Detach_unbinds_and_keeps_the_certificate_and_a_second_detach_is_3097()
    {
        string id = await CreateId(Form("api_cert", SelfSigned(Rsa(0), "api.example.com")));
        await AttachOk(Domain1, id);
        using (var detached = await Detach(Domain1, id))
            Assert.Equal(HttpStatusCode.NoContent, detached.StatusCode);
        Assert.Empty(SslIds(await UrlDomain(Group1, Domain1Id)));
        Assert.True(await InStore(id));
        using (var again = await Detach(Domain1, id))
            await AssertError(again, HttpStatusCode.NotFound, "APIG.3097");
        using (var delete = await Send(HttpMethod.Delete, Certificates + "/" + id))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Fact]
    public async Task Detach_of_a_legacy_upload_deletes_it_like_the_legacy_unbind()
    {
        string legacy = await LegacyUpload(Domain1, "legacy_cert", SelfSigned(Rsa(0), "api.example.com"));
        using (var detached = await Detach(Domain1, legacy))
            await AssertStatus(detached, HttpStatusCode.NoContent);
        Assert.False(await InStore(legacy));
    }

    [Fact]
    public async Task Legacy_unbind_of_a_stored_certificate_only_unbinds_it()
    {
        string id = await CreateId(Form("api_cert", SelfSigned(Rsa(0), "api.example.com")));
        await AttachOk(Domain1, id);
        using (var unbound = await Send(HttpMethod.Delete, Domain1 + "/certificate/" + id))
            await AssertStatus(unbound, HttpStatusCode.NoContent);
        Assert.True(await InStore(id));
        Assert.Empty(SslIds(await UrlDomain(Group1, Domain1Id)));
        // Known but not bound here: the binding does not exist.
        using (var show = await Send(HttpMethod.Get, Domain1 + "/certificate/" + id))
            await AssertError(show, HttpStatusCode.NotFound, "APIG.3097");
    }

    [Fact]
    public async Task Rsa_and_ecc_certificates_are_held_together_and_ssl_id_shows_the_rsa_one()
    {
        string ecc = await CreateId(Form("ecc_cert", SelfSigned(Ec(0), "api.example.com")));
        string rsa = await CreateId(Form("rsa_cert", SelfSigned(Rsa(0), "api.example.com")));
        await AttachOk(Domain1, ecc);
        Assert.Equal("", (await UrlDomain(Group1, Domain1Id)).GetProperty("ssl_id").GetString());
        await AttachOk(Domain1, rsa);
        JsonElement domain = await UrlDomain(Group1, Domain1Id);
        Assert.Equal(rsa, domain.GetProperty("ssl_id").GetString());
        Assert.Equal(new[] { ecc, rsa }.Order(), SslIds(domain));
        JsonElement stateDomain = await StateDomain(Domain1Id);
        Assert.Equal(rsa, stateDomain.GetProperty("sslId").GetString());
        Assert.Equal(new[] { ecc, rsa }.Order(), stateDomain.GetProperty("certificateIds").EnumerateArray().Select(e => e.GetString()).Order());

        using (var detached = await Detach(Domain1, rsa)) await AssertStatus(detached, HttpStatusCode.NoContent);
        domain = await UrlDomain(Group1, Domain1Id);
        Assert.Equal("", domain.GetProperty("ssl_id").GetString());
        Assert.Equal([ecc], SslIds(domain));
    }

    [Fact]
    public async Task Attach_over_a_legacy_upload_of_the_same_algorithm_is_2051_by_default()
    {
        string legacy = await LegacyUpload(Domain1, "legacy_cert", SelfSigned(Rsa(0), "api.example.com"));
        string stored = await CreateId(Form("stored_cert", SelfSigned(Rsa(1), "api.example.com")));
        using (var refused = await Attach(Domain1, stored))
            Assert.Contains(legacy, await AssertError(refused, HttpStatusCode.BadRequest, "APIG.2051"));
        Assert.Equal([legacy], SslIds(await UrlDomain(Group1, Domain1Id)));
        // Another algorithm is no conflict.
        string ecc = await CreateId(Form("ecc_cert", SelfSigned(Ec(0), "api.example.com")));
        await AttachOk(Domain1, ecc);
        Assert.Equal(new[] { ecc, legacy }.Order(), SslIds(await UrlDomain(Group1, Domain1Id)));
    }

    [Fact]
    public async Task Attach_over_a_legacy_upload_replaces_and_deletes_it_when_set_to_replace()
    {
        await Settings(new { attachConflict = "replace" });
        string legacy = await LegacyUpload(Domain1, "legacy_cert", SelfSigned(Rsa(0), "api.example.com"));
        string stored = await CreateId(Form("stored_cert", SelfSigned(Rsa(1), "api.example.com")));
        await AttachOk(Domain1, stored);
        JsonElement domain = await UrlDomain(Group1, Domain1Id);
        Assert.Equal(stored, domain.GetProperty("ssl_id").GetString());
        Assert.Equal([stored], SslIds(domain));
        Assert.False(await InStore(legacy)); // a legacy upload lives only while bound

        // A stored certificate replaced the same way stays in the store, unbound.
        string next = await CreateId(Form("next_cert", SelfSigned(Rsa(2), "api.example.com")));
        await AttachOk(Domain1, next);
        Assert.Equal([next], SslIds(await UrlDomain(Group1, Domain1Id)));
        Assert.True(await InStore(stored));
        Assert.Equal(0, (await StateCertificate(stored)).GetProperty("domains").GetArrayLength());
    }

    [Fact]
    public async Task Legacy_bind_over_a_stored_certificate_unbinds_it_and_keeps_it()
    {
        string stored = await CreateId(Form("stored_cert", SelfSigned(Rsa(1), "api.example.com")));
        await AttachOk(Domain1, stored);
        string legacy = await LegacyUpload(Domain1, "legacy_cert", SelfSigned(Rsa(0), "api.example.com"));
        Assert.Equal([legacy], SslIds(await UrlDomain(Group1, Domain1Id)));
        Assert.True(await InStore(stored));
    }

    [Fact]
    public async Task In_place_update_is_what_every_bound_domain_holds()
    {
        string id = await CreateId(Form("wildcard_cert", SelfSigned(Rsa(0), "wild.example.com", ["*.example.com"])));
        (string Group, string DomainId)[] domains = [(Group1, Domain1Id), (Group1, Domain2Id), (Group2, Domain3Id)];
        foreach ((string group, string domainId) in domains) await AttachOk(group + "/domains/" + domainId, id);

        Issued next = SelfSigned(Rsa(1), "wild.example.com", ["*.example.com"]);
        using var updated = await Send(HttpMethod.Put, Certificates + "/" + id, Form("wildcard_next", next));
        await AssertStatus(updated, HttpStatusCode.OK);

        foreach ((string group, string domainId) in domains)
        {
            JsonElement domain = await UrlDomain(group, domainId);
            Assert.Equal(id, domain.GetProperty("ssl_id").GetString());
            Assert.Equal("wildcard_next", domain.GetProperty("ssl_name").GetString());
            Assert.Equal("wildcard_next", domain.GetProperty("ssl_infos")[0].GetProperty("ssl_name").GetString());
            using var shown = await Send(HttpMethod.Get, group + "/domains/" + domainId + "/certificate/" + id);
            Assert.Equal(DecimalSerial(next.Certificate), (await Json(shown)).GetProperty("serial_number").GetString());
            Assert.Equal(next.Certificate.Thumbprint, (await StateDomain(domainId)).GetProperty("certificates")[0].GetProperty("thumbprint").GetString());
        }
        Assert.Equal(3, (await StateCertificate(id)).GetProperty("domains").GetArrayLength());
    }

    [Fact]
    public async Task Update_that_changes_the_algorithm_onto_a_domain_holding_that_algorithm_is_2051()
    {
        string rsa = await CreateId(Form("rsa_cert", SelfSigned(Rsa(0), "api.example.com")));
        string ecc = await CreateId(Form("ecc_cert", SelfSigned(Ec(0), "api.example.com")));
        await AttachOk(Domain1, rsa);
        await AttachOk(Domain1, ecc);
        using var refused = await Send(HttpMethod.Put, Certificates + "/" + rsa, Form("rsa_cert", SelfSigned(Ec(1), "api.example.com")));
        await AssertError(refused, HttpStatusCode.BadRequest, "APIG.2051");
        Assert.Equal("RSA", (await Show(rsa)).GetProperty("algorithm_type").GetString());
    }

    [Fact]
    public async Task Ca_certificates_on_one_domain_must_share_an_algorithm_type()
    {
        Issued rsaRoot = CreateCa(Rsa(2), "Client Root RSA");
        Issued ecRoot = CreateCa(Ec(1), "Client Root EC");
        string rsaWithRsaCa = await CreateId(InstanceForm("rsa_mtls", SelfSigned(Rsa(0), "api.example.com"), rsaRoot.CertificatePem));
        string eccWithEcCa = await CreateId(InstanceForm("ecc_mtls", SelfSigned(Ec(0), "api.example.com"), ecRoot.CertificatePem));
        string eccWithRsaCa = await CreateId(InstanceForm("ecc_rsa_ca", SelfSigned(Ec(0), "api.example.com"), rsaRoot.CertificatePem));
        await AttachOk(Domain1, rsaWithRsaCa);
        using (var clash = await Attach(Domain1, eccWithEcCa))
            await AssertError(clash, HttpStatusCode.BadRequest, "APIG.3715");
        await AttachOk(Domain1, eccWithRsaCa);
        JsonElement domain = await UrlDomain(Group1, Domain1Id);
        Assert.True(domain.GetProperty("is_has_trusted_root_ca").GetBoolean());
        Assert.All(domain.GetProperty("ssl_infos").EnumerateArray(), i => Assert.True(i.GetProperty("is_has_trusted_root_ca").GetBoolean()));

        // An update bringing a CA of the other algorithm onto the domain is refused the same way.
        using (var update = await Send(HttpMethod.Put, Certificates + "/" + eccWithRsaCa,
                   InstanceForm("ecc_rsa_ca", SelfSigned(Ec(0), "api.example.com"), ecRoot.CertificatePem)))
            await AssertError(update, HttpStatusCode.BadRequest, "APIG.3715");

        // Without a CA on one of them, the domain has no trusted root CA.
        string eccPlain = await CreateId(InstanceForm("ecc_plain", SelfSigned(Ec(0), "api.example.com")));
        await Settings(new { attachConflict = "replace" });
        await AttachOk(Domain1, eccPlain);
        Assert.False((await UrlDomain(Group1, Domain1Id)).GetProperty("is_has_trusted_root_ca").GetBoolean());
    }

    [Fact]
    public async Task Delete_of_a_bound_certificate_is_refused_until_it_is_detached()
    {
        string id = await CreateId(Form("api_cert", SelfSigned(Rsa(0), "api.example.com")));
        await AttachOk(Domain1, id);
        using (var refused = await Send(HttpMethod.Delete, Certificates + "/" + id))
            await AssertError(refused, HttpStatusCode.BadRequest, "APIG.2000");
        using (await Detach(Domain1, id)) { }
        using (var deleted = await Send(HttpMethod.Delete, Certificates + "/" + id))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Removing_a_domain_unbinds_stored_certificates_and_deletes_its_legacy_upload()
    {
        string stored = await CreateId(Form("stored_ecc", SelfSigned(Ec(0), "api.example.com")));
        await AttachOk(Domain1, stored);
        string legacy = await LegacyUpload(Domain1, "legacy_rsa", SelfSigned(Rsa(0), "api.example.com"));
        using (var removed = await Send(HttpMethod.Delete, Domain1)) await AssertStatus(removed, HttpStatusCode.NoContent);
        Assert.False(await InStore(legacy));
        Assert.Equal(0, (await StateCertificate(stored)).GetProperty("domains").GetArrayLength());
    }
}
