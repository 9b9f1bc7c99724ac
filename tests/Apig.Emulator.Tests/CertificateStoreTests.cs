using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using static Apig.Emulator.Tests.TestPki;

namespace Apig.Emulator.Tests;

/// <summary>The certificate store calls (apig-managed-certificates.md §1-§3, §7) and the settings for their UNCONFIRMED points.</summary>
public class CertificateStoreTests(EmulatorFixture fixture) : StoreTestBase(fixture), IClassFixture<EmulatorFixture>
{
    private static readonly string[] CertBaseFields =
    [
        "id", "name", "type", "instance_id", "project_id", "common_name", "san", "not_after", "signature_algorithm",
        "create_time", "update_time", "is_has_trusted_root_ca", "algorithm_type",
    ];

    private static readonly string[] DetailOnlyFields =
        ["version", "organization", "organizational_unit", "locality", "state", "country", "not_before", "serial_number", "issuer"];

    private static string Time(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private async Task<string> CreateError(object form, HttpStatusCode status, string code)
    {
        using var response = await Send(HttpMethod.Post, Certificates, form);
        return await AssertError(response, status, code);
    }

    private async Task<JsonElement> List(string query)
    {
        using var response = await Send(HttpMethod.Get, Certificates + query);
        await AssertStatus(response, HttpStatusCode.OK);
        return await Json(response);
    }

    private static string[] ListedIds(JsonElement list) =>
        list.GetProperty("certs").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToArray();

    [Fact]
    public async Task Create_answers_200_with_certificate_detail_and_show_answers_the_same()
    {
        Issued cert = SelfSigned(Rsa(0), "wild.example.com", ["*.example.com", "example.com"]);
        JsonElement created = await Create(Form("wildcard_example_com", cert));

        Assert.Equal(CertBaseFields.Concat(DetailOnlyFields).Order(), created.EnumerateObject().Select(p => p.Name).Order());
        string id = created.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal("wildcard_example_com", created.GetProperty("name").GetString());
        Assert.Equal("global", created.GetProperty("type").GetString()); // the documented default
        Assert.Equal("common", created.GetProperty("instance_id").GetString());
        Assert.Equal(ProjectId, created.GetProperty("project_id").GetString());
        Assert.Equal("wild.example.com", created.GetProperty("common_name").GetString());
        Assert.Equal(["*.example.com", "example.com"], created.GetProperty("san").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Time(cert.Certificate.NotBefore), created.GetProperty("not_before").GetString());
        Assert.Equal(Time(cert.Certificate.NotAfter), created.GetProperty("not_after").GetString());
        Assert.Equal("SHA256-RSA", created.GetProperty("signature_algorithm").GetString());
        Assert.Equal("RSA", created.GetProperty("algorithm_type").GetString());
        Assert.False(created.GetProperty("is_has_trusted_root_ca").GetBoolean());
        Assert.Equal(DecimalSerial(cert.Certificate), created.GetProperty("serial_number").GetString());
        Assert.Contains("CN=wild.example.com", created.GetProperty("issuer").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, created.GetProperty("version").GetInt32());
        Assert.Equal(created.GetProperty("create_time").GetString(), created.GetProperty("update_time").GetString());

        JsonElement shown = await Show(id);
        Assert.Equal(created.GetRawText(), shown.GetRawText());

        JsonElement stored = await StateCertificate(id);
        Assert.Equal("global", stored.GetProperty("type").GetString());
        Assert.Equal("common", stored.GetProperty("instanceId").GetString());
        Assert.Equal("RSA", stored.GetProperty("algorithm").GetString());
        Assert.Equal(DecimalSerial(cert.Certificate), stored.GetProperty("serialNumber").GetString());
        Assert.Equal(Time(cert.Certificate.NotAfter), stored.GetProperty("notAfter").GetString());
        Assert.False(stored.GetProperty("hasTrustedRootCa").GetBoolean());
        Assert.False(stored.GetProperty("legacyUpload").GetBoolean());
        Assert.Equal(0, stored.GetProperty("domains").GetArrayLength());
        Assert.DoesNotContain("PRIVATE KEY", (await AdminGet("/_emulator/state")).GetRawText());
    }

    [Fact]
    public async Task Ecc_certificate_is_ecc_with_a_go_style_signature_name()
    {
        JsonElement created = await Create(Form("ecc_cert", SelfSigned(Ec(0), "api.example.com")));
        Assert.Equal("ECC", created.GetProperty("algorithm_type").GetString());
        Assert.Equal("ECDSA-SHA256", created.GetProperty("signature_algorithm").GetString());
        JsonElement pss = await Create(Form("pss_cert", SelfSigned(Rsa(1), "api.example.com", rsaPadding: RSASignaturePadding.Pss)));
        Assert.Equal("SHA256-RSAPSS", pss.GetProperty("signature_algorithm").GetString());
    }

    [Fact]
    public async Task Instance_certificate_needs_a_known_instance()
    {
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        Assert.Contains("parameterName:instance_id", await CreateError(Form("inst_cert", cert, "instance"), HttpStatusCode.BadRequest, "APIG.2001"));
        await CreateError(Form("inst_cert", cert, "instance", "inst0000000000000000000000000099"), HttpStatusCode.NotFound, "APIG.3030");
        JsonElement created = await Create(InstanceForm("inst_cert", cert));
        Assert.Equal("instance", created.GetProperty("type").GetString());
        Assert.Equal(DefaultInstanceId, created.GetProperty("instance_id").GetString());
        // A global certificate ignores an instance_id: it reports "common".
        Assert.Equal("common", (await Create(Form("glob_cert", cert, "global", DefaultInstanceId))).GetProperty("instance_id").GetString());
    }

    [Fact]
    public async Task Form_errors_have_their_documented_codes()
    {
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        await CreateError("{not json", HttpStatusCode.BadRequest, "APIG.2000");
        foreach (string field in new[] { "name", "cert_content", "private_key" })
        {
            Dictionary<string, object?> form = Form("good_name", cert);
            form.Remove(field);
            Assert.Contains("parameterName:" + field, await CreateError(form, HttpStatusCode.BadRequest, "APIG.2001"));
        }
        foreach (string bad in new[] { "abc", "1abc", "_abc", "ab-cd", new string('a', 51) })
            Assert.StartsWith("Invalid parameter value,parameterName:name.", await CreateError(Form(bad, cert), HttpStatusCode.BadRequest, "APIG.2012"));
        Assert.Contains("parameterName:type", await CreateError(Form("good_name", cert, "shared"), HttpStatusCode.BadRequest, "APIG.2012"));
        Dictionary<string, object?> dsa = Form("good_name", cert);
        dsa["algorithm_type"] = "DSA";
        Assert.Contains("parameterName:algorithm_type", await CreateError(dsa, HttpStatusCode.BadRequest, "APIG.2012"));
        Dictionary<string, object?> wrongAlgorithm = Form("good_name", cert);
        wrongAlgorithm["algorithm_type"] = "ECC";
        await CreateError(wrongAlgorithm, HttpStatusCode.Conflict, "APIG.3709");
        wrongAlgorithm["algorithm_type"] = "RSA";
        await Create(wrongAlgorithm);

        Dictionary<string, object?> material = Form("good_name", cert);
        material["cert_content"] = "not a certificate";
        Assert.EndsWith("parameterName:cert_content", await CreateError(material, HttpStatusCode.BadRequest, "APIG.2106"));
        material = Form("good_name", cert);
        material["private_key"] = Rsa(0).ExportEncryptedPkcs8PrivateKeyPem("pw".AsSpan(),
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));
        await CreateError(material, HttpStatusCode.BadRequest, "APIG.2105");
        material["private_key"] = Rsa(1).ExportPkcs8PrivateKeyPem();
        await CreateError(material, HttpStatusCode.BadRequest, "APIG.2101");

        Issued root = CreateCa(Rsa(2), "Store Test Root");
        Issued leaf = Issue(root, Rsa(0), "api.example.com", ["api.example.com"]);
        material = Form("good_name", leaf);
        material["cert_content"] = root.CertificatePem + "\n" + leaf.CertificatePem;
        await CreateError(material, HttpStatusCode.BadRequest, "APIG.2104");

        await CreateError(Form("good_name", SelfSigned(Rsa(0), "api.example.com", null, DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1))),
            HttpStatusCode.BadRequest, "APIG.2102");
        await CreateError(Form("good_name", SelfSigned(Rsa(0), "api.example.com", null, DateTimeOffset.UtcNow, new DateTimeOffset(2038, 1, 19, 3, 14, 7, TimeSpan.Zero))),
            HttpStatusCode.BadRequest, "APIG.3148");
        await CreateError(Form("good_name", SelfSigned(Rsa(0), "api.example.com", [])), HttpStatusCode.BadRequest, "APIG.2109");

        // No domain is involved: a certificate for any name is stored.
        await Create(Form("other_org", SelfSigned(Rsa(0), "shop.example.org")));
        Assert.Equal(2, (await AdminGet("/_emulator/state")).GetProperty("certificates").GetArrayLength());
    }

    [Fact]
    public async Task Names_are_not_unique()
    {
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        string first = await CreateId(Form("same_name", cert));
        string second = await CreateId(Form("same_name", cert));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Trusted_root_ca_must_be_ca_certificates_of_one_algorithm()
    {
        Issued rootRsa = CreateCa(Rsa(2), "Client Root RSA");
        Issued rootRsa2 = CreateCa(Rsa(3), "Client Root RSA 2");
        Issued rootEc = CreateCa(Ec(1), "Client Root EC");
        Issued cert = SelfSigned(Rsa(0), "api.example.com");

        JsonElement withCa = await Create(InstanceForm("mtls_cert", cert, rootRsa.CertificatePem + "\n" + rootRsa2.CertificatePem));
        Assert.True(withCa.GetProperty("is_has_trusted_root_ca").GetBoolean());
        JsonElement stored = await StateCertificate(withCa.GetProperty("id").GetString()!);
        Assert.True(stored.GetProperty("hasTrustedRootCa").GetBoolean());
        Assert.Equal(2, stored.GetProperty("trustedRootCaSubjects").GetArrayLength());

        Assert.EndsWith("parameterName:trusted_root_ca", await CreateError(InstanceForm("mtls_cert", cert, "garbage"), HttpStatusCode.BadRequest, "APIG.2106"));
        Issued notCa = SelfSigned(Rsa(1), "client.example.com");
        Assert.Contains("parameterName:trusted_root_ca", await CreateError(InstanceForm("mtls_cert", cert, notCa.CertificatePem), HttpStatusCode.BadRequest, "APIG.2106"));
        await CreateError(InstanceForm("mtls_cert", cert, rootRsa.CertificatePem + "\n" + rootEc.CertificatePem), HttpStatusCode.BadRequest, "APIG.3715");
        // An empty CA field is no CA.
        Assert.False((await Create(InstanceForm("mtls_cert", cert, ""))).GetProperty("is_has_trusted_root_ca").GetBoolean());
    }

    [Fact]
    public async Task Global_certificate_with_a_ca_is_refused_by_default_and_accepted_when_set()
    {
        Issued root = CreateCa(Rsa(2), "Client Root");
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        Assert.Contains("parameterName:trusted_root_ca",
            await CreateError(Form("global_ca", cert, trustedRootCa: root.CertificatePem), HttpStatusCode.BadRequest, "APIG.2012"));
        await Settings(new { globalTrustedRootCa = "accept" });
        Assert.True((await Create(Form("global_ca", cert, trustedRootCa: root.CertificatePem))).GetProperty("is_has_trusted_root_ca").GetBoolean());
    }

    [Fact]
    public async Task Unknown_certificate_is_3025_on_every_store_call()
    {
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        string path = Certificates + "/ffffffffffffffffffffffffffffffff";
        foreach ((HttpMethod method, object? body) in new (HttpMethod, object?)[]
                 { (HttpMethod.Get, null), (HttpMethod.Put, Form("good_name", cert)), (HttpMethod.Delete, null) })
        {
            using var response = await Send(method, path, body);
            Assert.Contains("parameterName:certificate_id", await AssertError(response, HttpStatusCode.NotFound, "APIG.3025"));
        }
    }

    [Fact]
    public async Task Update_replaces_the_whole_form_in_place_and_the_id_stays()
    {
        Issued first = SelfSigned(Rsa(0), "api.example.com");
        JsonElement created = await Create(InstanceForm("rotate_me", first));
        string id = created.GetProperty("id").GetString()!;
        State.Clock = new ShiftableClock { Offset = TimeSpan.FromMinutes(5) };

        Issued second = SelfSigned(Ec(0), "api.example.com", ["api.example.com", "www.example.com"]);
        using (var missingKey = await Send(HttpMethod.Put, Certificates + "/" + id, new { name = "rotated", cert_content = second.CertificatePem }))
            Assert.Contains("parameterName:private_key", await AssertError(missingKey, HttpStatusCode.BadRequest, "APIG.2001"));
        using (var changeType = await Send(HttpMethod.Put, Certificates + "/" + id, Form("rotated", second, "global")))
            Assert.Contains("parameterName:type", await AssertError(changeType, HttpStatusCode.BadRequest, "APIG.2012"));
        using (var changeInstance = await Send(HttpMethod.Put, Certificates + "/" + id, Form("rotated", second, "instance", "inst0000000000000000000000000099")))
            Assert.Contains("parameterName:instance_id", await AssertError(changeInstance, HttpStatusCode.BadRequest, "APIG.2012"));
        using (var expired = await Send(HttpMethod.Put, Certificates + "/" + id,
                   Form("rotated", SelfSigned(Rsa(1), "api.example.com", null, DateTimeOffset.UtcNow.AddDays(-9), DateTimeOffset.UtcNow.AddDays(-1)))))
            await AssertError(expired, HttpStatusCode.BadRequest, "APIG.2102");
        Assert.Equal("rotate_me", (await Show(id)).GetProperty("name").GetString()); // refusals change nothing

        using var updated = await Send(HttpMethod.Put, Certificates + "/" + id, InstanceForm("rotated", second));
        await AssertStatus(updated, HttpStatusCode.OK);
        JsonElement body = await Json(updated);
        Assert.Equal(id, body.GetProperty("id").GetString());
        Assert.Equal("rotated", body.GetProperty("name").GetString());
        Assert.Equal("instance", body.GetProperty("type").GetString());
        Assert.Equal("ECC", body.GetProperty("algorithm_type").GetString());
        Assert.Equal(DecimalSerial(second.Certificate), body.GetProperty("serial_number").GetString());
        Assert.Equal(2, body.GetProperty("san").GetArrayLength());
        Assert.Equal(created.GetProperty("create_time").GetString(), body.GetProperty("create_time").GetString());
        Assert.NotEqual(body.GetProperty("create_time").GetString(), body.GetProperty("update_time").GetString());
        Assert.Equal(body.GetRawText(), (await Show(id)).GetRawText());

        // An omitted type keeps the scope.
        using var noType = await Send(HttpMethod.Put, Certificates + "/" + id, Form("rotated_again", first));
        Assert.Equal("instance", (await Json(noType)).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("clear", false)]
    [InlineData("keep", true)]
    public async Task Update_without_trusted_root_ca_clears_it_or_keeps_it_as_set(string? setting, bool expected)
    {
        if (setting is not null) await Settings(new { updateOmittedTrustedRootCa = setting });
        Issued root = CreateCa(Rsa(2), "Client Root");
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        string id = await CreateId(InstanceForm("mtls_cert", cert, root.CertificatePem));
        using var updated = await Send(HttpMethod.Put, Certificates + "/" + id, InstanceForm("mtls_cert", SelfSigned(Rsa(1), "api.example.com")));
        await AssertStatus(updated, HttpStatusCode.OK);
        Assert.Equal(expected, (await Json(updated)).GetProperty("is_has_trusted_root_ca").GetBoolean());
        Assert.Equal(expected, (await StateCertificate(id)).GetProperty("hasTrustedRootCa").GetBoolean());
        // Sending it sets it in every variant.
        using var withCa = await Send(HttpMethod.Put, Certificates + "/" + id, InstanceForm("mtls_cert", cert, root.CertificatePem));
        Assert.True((await Json(withCa)).GetProperty("is_has_trusted_root_ca").GetBoolean());
    }

    [Fact]
    public async Task Update_of_a_legacy_upload_changes_what_its_domain_holds()
    {
        string id = await LegacyUpload(Domain1, "legacy_cert", SelfSigned(Rsa(0), "api.example.com"));
        Issued next = SelfSigned(Rsa(1), "api.example.com");
        using var updated = await Send(HttpMethod.Put, Certificates + "/" + id, Form("legacy_next", next));
        await AssertStatus(updated, HttpStatusCode.OK);
        JsonElement domain = await UrlDomain(Group1, Domain1Id);
        Assert.Equal(id, domain.GetProperty("ssl_id").GetString());
        Assert.Equal("legacy_next", domain.GetProperty("ssl_name").GetString());
        using var shown = await Send(HttpMethod.Get, Domain1 + "/certificate/" + id);
        Assert.Equal(DecimalSerial(next.Certificate), (await Json(shown)).GetProperty("serial_number").GetString());
        JsonElement stateDomain = (await AdminGet("/_emulator/state")).GetProperty("instances")[0].GetProperty("groups")[0].GetProperty("domains")[0];
        Assert.Equal(next.Certificate.Thumbprint, stateDomain.GetProperty("certificates")[0].GetProperty("thumbprint").GetString());
    }

    [Fact]
    public async Task Update_checks_bound_domains_only_when_set()
    {
        string id = await LegacyUpload(Domain1, "legacy_cert", SelfSigned(Rsa(0), "api.example.com"));
        Issued elsewhere = SelfSigned(Rsa(1), "shop.example.org");
        await Settings(new { updateChecksBoundDomains = true });
        using (var refused = await Send(HttpMethod.Put, Certificates + "/" + id, Form("legacy_cert", elsewhere)))
            Assert.Contains("api.example.com", await AssertError(refused, HttpStatusCode.BadRequest, "APIG.2103"));
        await Settings(new { updateChecksBoundDomains = false });
        using var applied = await Send(HttpMethod.Put, Certificates + "/" + id, Form("legacy_cert", elsewhere));
        await AssertStatus(applied, HttpStatusCode.OK);
        Assert.Equal("shop.example.org", (await Show(id)).GetProperty("common_name").GetString());
    }

    [Fact]
    public async Task Delete_removes_an_unbound_certificate_and_refuses_a_bound_one_with_the_set_code()
    {
        string free = await CreateId(Form("free_cert", SelfSigned(Rsa(0), "api.example.com")));
        using (var deleted = await Send(HttpMethod.Delete, Certificates + "/" + free))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var gone = await Send(HttpMethod.Get, Certificates + "/" + free))
            await AssertError(gone, HttpStatusCode.NotFound, "APIG.3025");

        string bound = await LegacyUpload(Domain1, "bound_cert", SelfSigned(Rsa(0), "api.example.com"));
        using (var refused = await Send(HttpMethod.Delete, Certificates + "/" + bound))
            Assert.Contains("bound", await AssertError(refused, HttpStatusCode.BadRequest, "APIG.2000"));
        await Settings(new { deleteBoundCertificateCode = "APIG.3712" });
        using (var refused = await Send(HttpMethod.Delete, Certificates + "/" + bound))
            await AssertError(refused, HttpStatusCode.BadRequest, "APIG.3712");
        Assert.True(await InStore(bound));
        Assert.Equal([bound], SslIds(await UrlDomain(Group1, Domain1Id)));
    }

    [Fact]
    public async Task List_needs_an_instance_and_answers_cert_base_entries()
    {
        using (var noInstance = await Send(HttpMethod.Get, Certificates))
            Assert.Contains("parameterName:instance_id", await AssertError(noInstance, HttpStatusCode.BadRequest, "APIG.2001"));
        using (var unknown = await Send(HttpMethod.Get, Certificates + "?instance_id=inst0000000000000000000000000099"))
            await AssertError(unknown, HttpStatusCode.NotFound, "APIG.3030");

        string global = await CreateId(Form("global_rsa", SelfSigned(Rsa(0), "api.example.com")));
        string instanceEcc = await CreateId(InstanceForm("instance_ecc", SelfSigned(Ec(0), "www.example.com")));
        string legacy = await LegacyUpload(Domain1, "legacy_rsa", SelfSigned(Rsa(1), "api.example.com"));

        JsonElement list = await List("?instance_id=" + DefaultInstanceId);
        Assert.Equal(3, list.GetProperty("total").GetInt64());
        Assert.Equal(3, list.GetProperty("size").GetInt32());
        Assert.Equal([global, instanceEcc, legacy], ListedIds(list));
        JsonElement entry = list.GetProperty("certs")[1];
        Assert.Equal(CertBaseFields.Order(), entry.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("instance", entry.GetProperty("type").GetString());
        Assert.Equal(DefaultInstanceId, entry.GetProperty("instance_id").GetString());
        Assert.Equal("ECC", entry.GetProperty("algorithm_type").GetString());
        Assert.Equal("www.example.com", entry.GetProperty("common_name").GetString());

        Assert.Equal([global], ListedIds(await List($"?instance_id={DefaultInstanceId}&type=global")));
        Assert.Equal([instanceEcc], ListedIds(await List($"?instance_id={DefaultInstanceId}&algorithm_type=ECC")));
        Assert.Equal([instanceEcc], ListedIds(await List($"?instance_id={DefaultInstanceId}&signature_algorithm=ECDSA-SHA256")));
        Assert.Equal([global, legacy], ListedIds(await List($"?instance_id={DefaultInstanceId}&name=RSA")));
        Assert.Equal([instanceEcc], ListedIds(await List($"?instance_id={DefaultInstanceId}&common_name=www")));
        JsonElement page = await List($"?instance_id={DefaultInstanceId}&offset=1&limit=1");
        Assert.Equal([instanceEcc], ListedIds(page));
        Assert.Equal(3, page.GetProperty("total").GetInt64());
        using (var badType = await Send(HttpMethod.Get, $"{Certificates}?instance_id={DefaultInstanceId}&type=shared"))
            await AssertError(badType, HttpStatusCode.BadRequest, "APIG.2012");
        using (var badLimit = await Send(HttpMethod.Get, $"{Certificates}?instance_id={DefaultInstanceId}&limit=x"))
            await AssertError(badLimit, HttpStatusCode.BadRequest, "APIG.2012");
    }

    [Fact]
    public async Task List_pages_by_20_by_default_and_at_most_500()
    {
        lock (State.Sync)
        {
            CertificateContent content = TestRecords.Content();
            for (int i = 0; i < 520; i++)
            {
                var record = new CertificateRecord
                {
                    Id = EmulatorState.NewId(), Name = "bulk_cert", Scope = CertificateScope.Global, Content = content,
                    CreateTime = DateTimeOffset.UtcNow, UpdateTime = DateTimeOffset.UtcNow,
                };
                State.Certificates.Add(record.Id, record);
            }
        }
        Assert.Equal(20, (await List("?instance_id=" + DefaultInstanceId)).GetProperty("size").GetInt32());
        JsonElement most = await List($"?instance_id={DefaultInstanceId}&limit=1000");
        Assert.Equal(500, most.GetProperty("size").GetInt32());
        Assert.Equal(520, most.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task List_includes_global_certificates_unless_set_otherwise()
    {
        string global = await CreateId(Form("global_rsa", SelfSigned(Rsa(0), "api.example.com")));
        string local = await CreateId(InstanceForm("instance_rsa", SelfSigned(Rsa(1), "api.example.com")));
        (string _, string _, string[] _) = AddInstance("inst0000000000000000000000000002", "other.example.com");
        Assert.Equal([global, local], ListedIds(await List("?instance_id=" + DefaultInstanceId)));
        Assert.Equal([global], ListedIds(await List("?instance_id=inst0000000000000000000000000002")));

        await Settings(new { listIncludesGlobal = false });
        Assert.Equal([local], ListedIds(await List("?instance_id=" + DefaultInstanceId)));
        Assert.Empty(ListedIds(await List("?instance_id=inst0000000000000000000000000002")));
        // Still in the store: shown by id.
        Assert.Equal("global", (await Show(global)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Legacy_uploads_are_in_the_store_unless_set_otherwise()
    {
        Issued cert = SelfSigned(Rsa(0), "api.example.com");
        string legacy = await LegacyUpload(Domain1, "legacy_rsa", cert);
        JsonElement shown = await Show(legacy);
        Assert.Equal("instance", shown.GetProperty("type").GetString());
        Assert.Equal(DefaultInstanceId, shown.GetProperty("instance_id").GetString());
        Assert.Equal("legacy_rsa", shown.GetProperty("name").GetString());
        Assert.Equal([legacy], ListedIds(await List("?instance_id=" + DefaultInstanceId)));
        Assert.True((await StateCertificate(legacy)).GetProperty("legacyUpload").GetBoolean());

        await Settings(new { storeListsLegacyUploads = false });
        Assert.Empty(ListedIds(await List("?instance_id=" + DefaultInstanceId)));
        foreach ((HttpMethod method, object? body) in new (HttpMethod, object?)[]
                 { (HttpMethod.Get, null), (HttpMethod.Put, Form("legacy_rsa", cert)), (HttpMethod.Delete, null) })
        {
            using var response = await Send(method, Certificates + "/" + legacy, body);
            await AssertError(response, HttpStatusCode.NotFound, "APIG.3025");
        }
        // The legacy calls still know it.
        using var legacyShow = await Send(HttpMethod.Get, Domain1 + "/certificate/" + legacy);
        await AssertStatus(legacyShow, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Legacy_unbind_deletes_a_legacy_upload_from_the_store()
    {
        string legacy = await LegacyUpload(Domain1, "legacy_rsa", SelfSigned(Rsa(0), "api.example.com"));
        using (var unbound = await Send(HttpMethod.Delete, Domain1 + "/certificate/" + legacy))
            await AssertStatus(unbound, HttpStatusCode.NoContent);
        Assert.False(await InStore(legacy));
        using var gone = await Send(HttpMethod.Get, Certificates + "/" + legacy);
        await AssertError(gone, HttpStatusCode.NotFound, "APIG.3025");
    }

    [Fact]
    public async Task Legacy_bind_replacing_a_legacy_upload_deletes_the_old_one()
    {
        string first = await LegacyUpload(Domain1, "legacy_one", SelfSigned(Rsa(0), "api.example.com"));
        string second = await LegacyUpload(Domain1, "legacy_two", SelfSigned(Rsa(1), "api.example.com"));
        Assert.False(await InStore(first));
        Assert.True(await InStore(second));
        Assert.Equal([second], SslIds(await UrlDomain(Group1, Domain1Id)));
    }

    [Theory]
    [InlineData("hex")]
    [InlineData("colon")]
    public async Task Store_serial_numbers_follow_the_setting(string format)
    {
        Issued cert = Issue(CreateCa(Rsa(2), "Serial Root"), Rsa(0), "api.example.com", ["api.example.com"], serialNumber: [0x9A, 0x0B, 0x01]);
        string id = await CreateId(Form("serial_cert", cert));
        await Settings(new { serialNumberFormat = format });
        string expected = format == "hex" ? "009A0B01" : "00:9a:0b:01";
        Assert.Equal(expected, (await Show(id)).GetProperty("serial_number").GetString());
        Assert.Equal(expected, (await StateCertificate(id)).GetProperty("serialNumber").GetString());
    }

    [Fact]
    public async Task New_settings_are_validated_listed_and_reset()
    {
        foreach (object bad in new object[]
                 {
                     new { attachConflict = "merge" }, new { maxBatchDomains = 0 }, new { deleteBoundCertificateCode = "E42" },
                     new { globalTrustedRootCa = "maybe" }, new { attachedDomainsEntries = "perHost" }, new { attachOmittedVerify = "on" },
                     new { updateOmittedTrustedRootCa = "drop" }, new { domainCertificateShape = "roma" },
                     new { maxBatchDomains = 100_001 }, new { verifyWithoutCertificate = "ignore" },
                 })
        {
            using var response = await AdminSend(HttpMethod.Post, "/_emulator/settings", bad);
            await AssertError(response, HttpStatusCode.BadRequest, "EMULATOR.400");
        }
        JsonElement all = await Settings(new
        {
            attachConflict = "replace", listIncludesGlobal = false, storeListsLegacyUploads = false, maxBatchDomains = 3,
            deleteBoundCertificateCode = "APIG.3712", globalTrustedRootCa = "accept", attachedDomainsEntries = "perName",
            attachOmittedVerify = "keep", updateChecksBoundDomains = true, updateOmittedTrustedRootCa = "keep", domainCertificateShape = "goModel",
            verifyWithoutCertificate = "refuse",
        });
        Assert.Equal("refuse", all.GetProperty("verifyWithoutCertificate").GetString());
        Assert.Equal("replace", all.GetProperty("attachConflict").GetString());
        Assert.Equal(3, all.GetProperty("maxBatchDomains").GetInt32());
        Assert.True(all.GetProperty("updateChecksBoundDomains").GetBoolean());

        using (var reset = await AdminSend(HttpMethod.Post, "/_emulator/reset")) await AssertStatus(reset, HttpStatusCode.OK);
        JsonElement defaults = (await AdminGet("/_emulator/state")).GetProperty("settings");
        Assert.Equal("refuse", defaults.GetProperty("attachConflict").GetString());
        Assert.True(defaults.GetProperty("listIncludesGlobal").GetBoolean());
        Assert.True(defaults.GetProperty("storeListsLegacyUploads").GetBoolean());
        Assert.Equal(1000, defaults.GetProperty("maxBatchDomains").GetInt32());
        Assert.Equal("APIG.2000", defaults.GetProperty("deleteBoundCertificateCode").GetString());
        Assert.Equal("refuse", defaults.GetProperty("globalTrustedRootCa").GetString());
        Assert.Equal("perPort", defaults.GetProperty("attachedDomainsEntries").GetString());
        Assert.Equal("ca", defaults.GetProperty("attachOmittedVerify").GetString());
        Assert.False(defaults.GetProperty("updateChecksBoundDomains").GetBoolean());
        Assert.Equal("clear", defaults.GetProperty("updateOmittedTrustedRootCa").GetString());
        Assert.Equal("detail", defaults.GetProperty("domainCertificateShape").GetString());
        Assert.Equal("keep", defaults.GetProperty("verifyWithoutCertificate").GetString());
        Assert.Empty((await AdminGet("/_emulator/state")).GetProperty("certificates").EnumerateArray());
    }
}
