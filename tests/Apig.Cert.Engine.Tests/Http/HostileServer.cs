using System.IO.Compression;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Apig.Cert.Engine.Tests.Http;

/// <summary>Answers a real APIG would never give, for the tests of what the client does with them.</summary>
public static class HostileResponses
{
    /// <summary>A small gzip body that expands to <paramref name="decompressedBytes"/> bytes of JSON whitespace.</summary>
    public static TestResponse GzipBomb(int decompressedBytes)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var spaces = new byte[1024 * 1024];
            Array.Fill(spaces, (byte)' ');
            for (int written = 0; written < decompressedBytes; written += spaces.Length)
            {
                gzip.Write(spaces, 0, Math.Min(spaces.Length, decompressedBytes - written));
            }
        }

        return Gzip(compressed.ToArray());
    }

    /// <summary>A gzip body of <paramref name="json"/>: what a normal compressing gateway sends.</summary>
    public static TestResponse GzipJson(string json)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(json));
        }

        return Gzip(compressed.ToArray());
    }

    /// <summary>Announced as gzip, but the bytes are not.</summary>
    public static TestResponse CorruptGzip() => Gzip([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x03, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06]);

    public static TestResponse Trickled(string json, int chunk, TimeSpan delay)
    {
        var response = new TestResponse { Status = 200, Body = json, TrickleChunk = chunk, TrickleDelay = delay };
        response.Headers["Content-Type"] = "application/json";
        return response;
    }

    public static TestResponse Redirect(string location) => new()
    {
        Status = 302,
        Headers = new(StringComparer.OrdinalIgnoreCase) { ["Location"] = location },
    };

    private static TestResponse Gzip(byte[] body)
    {
        var response = new TestResponse { Status = 200, BodyBytes = body };
        response.Headers["Content-Type"] = "application/json";
        response.Headers["Content-Encoding"] = "gzip";
        return response;
    }
}

/// <summary>What the fake does to a request after (or instead of) handling it.</summary>
public enum Fault
{
    None,
    /// <summary>Applies the change, then answers 502 as a gateway that lost the backend's answer would.</summary>
    ApplyThen502,
    /// <summary>Applies the change, then resets the connection without answering.</summary>
    ApplyThenDrop,
    /// <summary>Applies the change, then answers only after the client's deadline.</summary>
    ApplyThenStall,
    /// <summary>Answers 502 without applying anything.</summary>
    Only502,
}

/// <summary>
/// One APIG custom domain (instance i1, group g1, domain d1) on a real loopback server, with its certificates held as
/// state: bind (POST), unbind (DELETE), the group (GET) and the certificate details (GET), each answered as APIG
/// documents, plus scripted faults for the first change requests.
/// </summary>
public sealed class FakeDomainApig : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<BoundCertificate> _bound = [];
    private readonly Queue<Fault> _faults;
    private int _nextId;

    public FakeDomainApig(params Fault[] faults)
    {
        _faults = new Queue<Fault>(faults);
        Server = new TestHttpServer(Handle);
    }

    public TestHttpServer Server { get; }

    public const string GroupPath = "/v2/p1/apigw/instances/i1/api-groups/g1";

    public int Posts => Server.Count(r => r.Method == "POST");

    public int Deletes => Server.Count(r => r.Method == "DELETE");

    public IReadOnlyList<string> BoundIds
    {
        get
        {
            lock (_gate) return _bound.Select(b => b.Id).ToList();
        }
    }

    public string BindDirectly(string name, string certificatePem)
    {
        lock (_gate) return Add(name, certificatePem);
    }

    private TestResponse Handle(RecordedRequest request)
    {
        lock (_gate)
        {
            if (request.Method == "GET" && request.Path == GroupPath) return TestResponse.Json(200, GroupJson());

            string certificatePrefix = TestSessions.DomainPath + "/certificate/";
            if (request.Method == "GET" && request.Path.StartsWith(certificatePrefix, StringComparison.Ordinal))
            {
                BoundCertificate? found = _bound.FirstOrDefault(b => b.Id == request.Path[certificatePrefix.Length..]);
                return found == null ? TestResponse.Error(404, "APIG.3021", "The SSL certificate does not exist") : TestResponse.Json(200, DetailsJson(found));
            }

            if (request.Method == "POST" && request.Path == TestSessions.DomainPath + "/certificate")
            {
                Fault fault = _faults.Count > 0 ? _faults.Dequeue() : Fault.None;
                if (fault == Fault.Only502) return TestResponse.Error(502, "APIG.9999", "Bad gateway");
                using var body = JsonDocument.Parse(request.Body);
                string name = body.RootElement.GetProperty("name").GetString()!;
                string id = Add(name, body.RootElement.GetProperty("cert_content").GetString()!);
                return After(fault, TestResponse.Json(201,
                    $"{{\"url_domain\":\"api.example.com\",\"id\":\"d1\",\"status\":3,\"min_ssl_version\":\"TLSv1.2\",\"ssl_name\":\"{name}\",\"ssl_id\":\"{id}\"}}",
                    ("X-Request-Id", "req-bind")));
            }

            if (request.Method == "DELETE" && request.Path.StartsWith(certificatePrefix, StringComparison.Ordinal))
            {
                Fault fault = _faults.Count > 0 ? _faults.Dequeue() : Fault.None;
                if (fault == Fault.Only502) return TestResponse.Error(502, "APIG.9999", "Bad gateway");
                int removed = _bound.RemoveAll(b => b.Id == request.Path[certificatePrefix.Length..]);
                if (removed == 0) return TestResponse.Error(404, "APIG.3021", "The SSL certificate does not exist");
                return After(fault, new TestResponse { Status = 204 });
            }

            return TestResponse.Error(404, "APIG.0101", "No such API: " + request.Method + " " + request.Path);
        }
    }

    private static TestResponse After(Fault fault, TestResponse success) => fault switch
    {
        Fault.ApplyThen502 => TestResponse.Error(502, "APIG.9999", "Bad gateway"),
        Fault.ApplyThenDrop => new TestResponse { Drop = true },
        Fault.ApplyThenStall => new TestResponse { Delay = TimeSpan.FromSeconds(30) },
        _ => success,
    };

    private string Add(string name, string certificatePem)
    {
        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        string id = "c" + (++_nextId);
        _bound.Add(new BoundCertificate(id, name, certificate.SerialNumber, IssuerParts(certificate), certificate.NotBefore.ToUniversalTime(),
            certificate.NotAfter.ToUniversalTime()));
        return id;
    }

    private static string[] IssuerParts(X509Certificate2 certificate) =>
        certificate.IssuerName.EnumerateRelativeDistinguishedNames()
            .Select(rdn => (rdn.GetSingleElementType().Value switch { "2.5.4.3" => "CN", "2.5.4.10" => "O", "2.5.4.6" => "C", var oid => oid }) + "=" +
                           rdn.GetSingleElementValue())
            .ToArray();

    private string GroupJson()
    {
        var ssl = _bound.Select(b => new { ssl_id = b.Id, ssl_name = b.Name, algorithm_type = "RSA", type = 1 });
        BoundCertificate? first = _bound.FirstOrDefault();
        return JsonSerializer.Serialize(new
        {
            id = "g1",
            name = "group",
            url_domains = new[]
            {
                new
                {
                    id = "d1", domain = "api.example.com", cname_status = 3, min_ssl_version = "TLSv1.2",
                    ssl_id = first?.Id, ssl_name = first?.Name, ssl_infos = ssl,
                },
            },
        });
    }

    private static string DetailsJson(BoundCertificate b) => JsonSerializer.Serialize(new
    {
        id = b.Id,
        name = b.Name,
        type = "instance",
        serial_number = b.Serial,
        issuer = b.Issuer,
        not_before = b.NotBefore.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
        not_after = b.NotAfter.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
    });

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private sealed record BoundCertificate(string Id, string Name, string Serial, string[] Issuer, DateTime NotBefore, DateTime NotAfter);
}
