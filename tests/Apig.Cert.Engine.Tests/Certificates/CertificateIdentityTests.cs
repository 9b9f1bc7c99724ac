using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Operations;
using static Apig.Cert.Engine.Tests.Certificates.TestPki;

namespace Apig.Cert.Engine.Tests.Certificates;

/// <summary>"Same certificate" as APIG reports it: serial as a number, exact issuer, NotAfter to the second, SAN set.</summary>
public sealed class CertificateIdentityTests
{
    // 0x00A1B2... with a leading zero byte's worth of digits to strip, and hex letters in it.
    private const string LocalHex = "0A1B2C3D4E5F60718293A4B5";
    private static readonly BigInteger LocalSerial = BigInteger.Parse("0" + LocalHex, System.Globalization.NumberStyles.HexNumber);

    private static readonly string[] LocalIssuer = ["C=US", "O=Corp", "CN=Corp CA"];
    private static readonly DateTime LocalNotAfter = new(2030, 5, 6, 7, 8, 9, DateTimeKind.Utc);
    private static readonly string[] LocalNames = ["www.example.com", "*.api.example.com"];

    public static TheoryData<string> SameSerials => new()
    {
        LocalHex,
        LocalHex.ToLowerInvariant(),
        "000" + LocalHex,
        "0x" + LocalHex,
        "0a:1b:2c:3d:4e:5f:60:71:82:93:a4:b5",
        "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5",
        "A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5",
        " " + LocalHex + " ",
        LocalSerial.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "00" + LocalSerial.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Theory]
    [MemberData(nameof(SameSerials))]
    public void Serial_in_every_format_is_the_same_number(string apiSerial)
    {
        Assert.True(CertificateIdentity.SerialMatches(apiSerial, LocalSerial), apiSerial);
    }

    public static TheoryData<string?> OtherSerials => new()
    {
        null,
        "",
        "   ",
        "0A1B2C3D4E5F60718293A4B6",
        (LocalSerial + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "0A:1B:2C:3D:4E:5F:60:71:82:93:A4",
        "0A1:B2C:3D4E5F60718293A4B5",
        "0A::1B2C3D4E5F60718293A4B5",
        "serial-0A1B2C3D4E5F60718293A4B5",
        "0A1B2C3D4E5F60718293A4B5zz",
    };

    [Theory]
    [MemberData(nameof(OtherSerials))]
    public void Serial_of_another_number_or_unreadable_is_not_the_same(string? apiSerial)
    {
        Assert.False(CertificateIdentity.SerialMatches(apiSerial, LocalSerial), apiSerial);
    }

    [Fact]
    public void Digits_only_serial_matches_under_either_reading()
    {
        BigInteger hexReading = new(0x12345678);
        BigInteger decimalReading = new(12345678);
        Assert.True(CertificateIdentity.SerialMatches("12345678", hexReading));
        Assert.True(CertificateIdentity.SerialMatches("12345678", decimalReading));
        Assert.True(CertificateIdentity.SerialMatches("305419896", hexReading));
        Assert.False(CertificateIdentity.SerialMatches("0x305419896", hexReading));
        Assert.False(CertificateIdentity.SerialMatches("12345679", hexReading));
    }

    public static TheoryData<string[], bool> Issuers => new()
    {
        { ["C=US", "O=Corp", "CN=Corp CA"], true },
        { ["CN=Corp CA", "O=Corp", "C=US"], true },
        { ["cn=Corp CA", "o = Corp", "2.5.4.6=US"], true },
        { ["Corp CA", "Corp", "US"], true },
        { ["CN=Corp CA G2", "O=Corp", "C=US"], false },
        { ["CN=Corp", "O=Corp", "C=US"], false },
        { ["CN=corp ca", "O=Corp", "C=US"], false },
        { ["CN=Corp CA"], false },
        { ["Corp CA"], false },
        { ["C=US", "O=Corp", "CN=Corp CA", "OU=Extra"], false },
        { ["C=US", "O=Corp", "O=Corp"], false },
        { ["O=Corp", "C=US", "Corp CA G2"], false },
        { [], false },
    };

    [Theory]
    [MemberData(nameof(Issuers))]
    public void Issuer_is_compared_exactly_as_a_multiset_of_parts(string[] apiIssuer, bool same)
    {
        Assert.Equal(same, CertificateIdentity.IssuerMatches(apiIssuer, LocalIssuer));
    }

    [Fact]
    public void Longer_local_issuer_is_not_matched_by_its_prefix()
    {
        Assert.False(CertificateIdentity.IssuerMatches(["CN=Corp CA", "O=Corp", "C=US"], ["C=US", "O=Corp", "CN=Corp CA G2"]));
    }

    [Fact]
    public void Everything_equal_is_the_same_certificate()
    {
        Assert.True(Same(notAfter: new DateTimeOffset(LocalNotAfter).AddMilliseconds(400)));
        Assert.True(Same(san: ["*.API.example.com", "www.example.com."]));
        Assert.True(Same(san: []));
    }

    [Fact]
    public void NotAfter_differing_by_a_second_or_missing_is_another_certificate()
    {
        Assert.False(Same(notAfter: new DateTimeOffset(LocalNotAfter).AddSeconds(1)));
        Assert.False(Same(notAfter: new DateTimeOffset(LocalNotAfter).AddSeconds(-1)));
        Assert.False(Same(notAfter: new DateTimeOffset(LocalNotAfter).AddDays(365)));
        Assert.False(CertificateIdentity.IsSame(LocalHex, LocalIssuer, null, LocalNames, LocalHex, LocalIssuer, LocalNotAfter, LocalNames));
    }

    [Fact]
    public void Different_SAN_set_is_another_certificate()
    {
        Assert.False(Same(san: ["www.example.com"]));
        Assert.False(Same(san: ["www.example.com", "*.api.example.com", "extra.example.com"]));
    }

    [Fact]
    public void Empty_issuer_list_never_passes()
    {
        Assert.False(CertificateIdentity.IsSame(LocalHex, [], new DateTimeOffset(LocalNotAfter), LocalNames, LocalHex, LocalIssuer, LocalNotAfter, LocalNames));
        Assert.False(CertificateIdentity.IsSame(LocalHex, null, new DateTimeOffset(LocalNotAfter), LocalNames, LocalHex, LocalIssuer, LocalNotAfter, LocalNames));
    }

    private static bool Same(DateTimeOffset? notAfter = null, string[]? san = null) =>
        CertificateIdentity.IsSame(LocalSerial.ToString(System.Globalization.CultureInfo.InvariantCulture), ["CN=Corp CA", "O=Corp", "C=US"],
            notAfter ?? new DateTimeOffset(LocalNotAfter), san ?? LocalNames, LocalHex, LocalIssuer, LocalNotAfter, LocalNames);

    /// <summary>
    /// Real certificates: two CAs named "CN=Corp CA" and "CN=Corp CA G2" issue leaves with the same serial; the details are
    /// built the way the emulator's CertificateInspector reports them (issuer parts "CN=..", "O=.." in encoding order).
    /// </summary>
    [Fact]
    public void Binder_tells_apart_same_serial_from_two_issuers_whose_names_share_a_prefix()
    {
        IssuedCertificate corpCa = IssueCa("CN=Corp CA, O=Corp, C=US");
        IssuedCertificate corpCaG2 = IssueCa("CN=Corp CA G2, O=Corp, C=US");
        byte[] serial = NewSerial();
        DateTimeOffset notAfter = DateTimeOffset.UtcNow.AddDays(60);
        IssuedCertificate fromCorp = IssueEcLeaf("www.example.com", ["www.example.com"], Now.AddDays(-1), notAfter, corpCa, serial);
        IssuedCertificate fromG2 = IssueEcLeaf("www.example.com", ["www.example.com"], Now.AddDays(-1), notAfter, corpCaG2, serial);

        using CertificateBundle g2Bundle = CertificateLoader.FromPem(fromG2.CertificatePem, fromG2.Pkcs8Pem, null);
        CertificateDetails boundCorp = DetailsAsTheEmulatorReports(fromCorp.Certificate, decimalSerial: true);
        CertificateDetails boundG2 = DetailsAsTheEmulatorReports(fromG2.Certificate, decimalSerial: true);

        Assert.False(DomainCertificateBinder.IsSameCertificate(boundCorp, g2Bundle));
        Assert.True(DomainCertificateBinder.IsSameCertificate(boundG2, g2Bundle));
        Assert.True(DomainCertificateBinder.IsSameCertificate(DetailsAsTheEmulatorReports(fromG2.Certificate, decimalSerial: false), g2Bundle));

        CertificateDetails noIssuer = DetailsAsTheEmulatorReports(fromG2.Certificate, decimalSerial: true);
        noIssuer.Issuer = [];
        Assert.False(DomainCertificateBinder.IsSameCertificate(noIssuer, g2Bundle));

        CertificateDetails renewed = DetailsAsTheEmulatorReports(fromG2.Certificate, decimalSerial: true);
        renewed.NotAfter = renewed.NotAfter!.Value.AddDays(-30);
        Assert.False(DomainCertificateBinder.IsSameCertificate(renewed, g2Bundle));
    }

    private static IssuedCertificate IssueCa(string subject)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Issue(new CertificateRequest(subject, key, HashAlgorithmName.SHA256), key, [], true, Now.AddYears(-1), Now.AddYears(5), Root);
    }

    private static CertificateDetails DetailsAsTheEmulatorReports(X509Certificate2 leaf, bool decimalSerial)
    {
        BigInteger serial = new(leaf.GetSerialNumber(), isUnsigned: true, isBigEndian: false);
        var shortNames = new Dictionary<string, string> { ["2.5.4.3"] = "CN", ["2.5.4.10"] = "O", ["2.5.4.6"] = "C" };
        return new CertificateDetails
        {
            SerialNumber = decimalSerial ? serial.ToString(System.Globalization.CultureInfo.InvariantCulture) : leaf.SerialNumber,
            Issuer = leaf.IssuerName.EnumerateRelativeDistinguishedNames()
                .Select(rdn => shortNames[rdn.GetSingleElementType().Value!] + "=" + rdn.GetSingleElementValue())
                .ToList(),
            NotAfter = new DateTimeOffset(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            San = new X509SubjectAlternativeNameExtension(leaf.Extensions["2.5.29.17"]!.RawData).EnumerateDnsNames().ToList(),
        };
    }
}
