using System.Net;
using System.Text.Json;
using static Apig.Emulator.Tests.TestPki;

namespace Apig.Emulator.Tests;

/// <summary>Request helpers for the certificate store and its bindings (apig-managed-certificates.md).</summary>
public abstract class StoreTestBase(EmulatorFixture fixture) : EmulatorTestBase(fixture)
{
    protected const string Certificates = Api + "/certificates";
    protected const string DefaultInstanceId = SeedDocument.DefaultInstanceId;
    protected const string Domain1Id = "dom00000000000000000000000000001"; // api.example.com, group 1
    protected const string Domain3 = Group2 + "/domains/dom00000000000000000000000000003"; // pay.example.com

    private protected static Dictionary<string, object?> Form(string name, Issued cert, string? type = null, string? instanceId = null,
        string? trustedRootCa = null)
    {
        var form = new Dictionary<string, object?> { ["name"] = name, ["cert_content"] = cert.CertificatePem, ["private_key"] = cert.Pkcs8KeyPem };
        if (type is not null) form["type"] = type;
        if (instanceId is not null) form["instance_id"] = instanceId;
        if (trustedRootCa is not null) form["trusted_root_ca"] = trustedRootCa;
        return form;
    }

    private protected static Dictionary<string, object?> InstanceForm(string name, Issued cert, string? trustedRootCa = null) =>
        Form(name, cert, "instance", DefaultInstanceId, trustedRootCa);

    /// <summary>Creates a certificate and returns its CertificateDetail.</summary>
    protected async Task<JsonElement> Create(object form)
    {
        using var response = await Send(HttpMethod.Post, Certificates, form);
        await AssertStatus(response, HttpStatusCode.OK);
        return await Json(response);
    }

    protected async Task<string> CreateId(object form) => (await Create(form)).GetProperty("id").GetString()!;

    protected async Task<JsonElement> Show(string id)
    {
        using var response = await Send(HttpMethod.Get, Certificates + "/" + id);
        await AssertStatus(response, HttpStatusCode.OK);
        return await Json(response);
    }

    private protected async Task<string> LegacyUpload(string domainPath, string name, Issued cert)
    {
        using var response = await Send(HttpMethod.Post, domainPath + "/certificate", BindBody(name, cert.CertificatePem, cert.Pkcs8KeyPem));
        await AssertStatus(response, HttpStatusCode.Created);
        return (await Json(response)).GetProperty("ssl_id").GetString()!;
    }

    protected Task<HttpResponseMessage> Attach(string domainPath, string certificateId, bool? verify = null) =>
        Send(HttpMethod.Post, domainPath + "/certificates/attach", AttachBody(certificateId, verify));

    protected Task<HttpResponseMessage> Detach(string domainPath, string certificateId) =>
        Send(HttpMethod.Post, domainPath + "/certificates/detach", AttachBody(certificateId, null));

    protected async Task AttachOk(string domainPath, string certificateId, bool? verify = null)
    {
        using var response = await Attach(domainPath, certificateId, verify);
        await AssertStatus(response, HttpStatusCode.NoContent);
    }

    private static Dictionary<string, object?> AttachBody(string certificateId, bool? verify)
    {
        var body = new Dictionary<string, object?> { ["certificate_ids"] = new[] { certificateId } };
        if (verify is not null) body["verified_client_certificate_enabled"] = verify;
        return body;
    }

    protected async Task<JsonElement> Settings(object body)
    {
        using var response = await AdminSend(HttpMethod.Post, "/_emulator/settings", body);
        await AssertStatus(response, HttpStatusCode.OK);
        return await Json(response);
    }

    protected async Task<JsonElement> UrlDomain(string groupPath, string domainId)
    {
        using var group = await Send(HttpMethod.Get, groupPath);
        return (await Json(group)).GetProperty("url_domains").EnumerateArray().Single(d => d.GetProperty("id").GetString() == domainId);
    }

    protected static string[] SslIds(JsonElement urlDomain) =>
        urlDomain.GetProperty("ssl_infos").EnumerateArray().Select(i => i.GetProperty("ssl_id").GetString()!).OrderBy(i => i).ToArray();

    protected async Task<JsonElement> StateCertificate(string id) =>
        (await AdminGet("/_emulator/state")).GetProperty("certificates").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);

    protected async Task<bool> InStore(string id)
    {
        JsonElement state = await AdminGet("/_emulator/state");
        return state.GetProperty("certificates").EnumerateArray().Any(c => c.GetProperty("id").GetString() == id);
    }

    /// <summary>Adds an instance with one group and the given domains directly to the state (the seed has one instance).</summary>
    protected (string InstancePath, string GroupPath, string[] DomainIds) AddInstance(string instanceId, params string[] domainNames)
    {
        string groupId = "grp" + instanceId[3..];
        var ids = new List<string>();
        lock (State.Sync)
        {
            var instance = new InstanceRecord(instanceId, "extra-" + instanceId[^4..], "Running", "PROFESSIONAL", DateTimeOffset.UtcNow);
            var group = new GroupRecord(groupId, "extra", DateTimeOffset.UtcNow);
            instance.AddGroup(group);
            foreach (string name in domainNames)
            {
                var domain = new DomainRecord(EmulatorState.NewId(), name);
                instance.AddDomain(group, domain);
                ids.Add(domain.Id);
            }
            State.Instances.Add(instance);
        }
        string instancePath = Api + "/instances/" + instanceId;
        return (instancePath, instancePath + "/api-groups/" + groupId, ids.ToArray());
    }
}

/// <summary>Records put straight into the state, for what the API cannot make cheaply (hundreds of certificates).</summary>
internal static class TestRecords
{
    public static CertificateContent Content(string algorithm = "RSA") => new()
    {
        Algorithm = algorithm, CertificatePem = "", CommonName = "api.example.com", San = ["api.example.com"],
        NotBefore = DateTimeOffset.UtcNow, NotAfter = DateTimeOffset.UtcNow.AddDays(1), SerialNumberBytes = [1], Thumbprint = "",
        SignatureAlgorithm = "SHA256-RSA", Version = 3, Organization = [], OrganizationalUnit = [], Locality = [], State = [],
        Country = [], Issuer = [],
    };
}
