using System.Text.RegularExpressions;
using Apig.Cert.Engine.Certificates;
using static Apig.Cert.Engine.Tests.Certificates.TestPki;

namespace Apig.Cert.Engine.Tests.Certificates;

public sealed class CertificateRulesTests
{
    private static CertificateBundle Load(IssuedCertificate leaf) => CertificateLoader.FromPem(leaf.CertificatePem, leaf.Pkcs8Pem, null);

    private static CertificateBundle LeafBundle(string? commonName, params string[] dnsNames) =>
        Load(IssueEcLeaf(commonName, dnsNames, Now.AddDays(-1), Now.AddDays(30)));

    private static readonly Lazy<CertificateBundle> SanBundle = new(() =>
        LeafBundle("legacy-cn.other.org", "www.example.com", "*.example.com", "*.Wild.Example.NET", "a*.partial.com", "*.com"));

    private static readonly Lazy<CertificateBundle> CnOnlyBundle = new(() => LeafBundle("CN-Only.Example.com"));

    [Theory]
    [InlineData("abcd")]
    [InlineData("cert_demo")]
    [InlineData("Abc1")]
    [InlineData("a_1_2")]
    [InlineData("证书名称")]
    [InlineData("中文abc_123")]
    [InlineData("www_example_com_20270301_3F2A1B")]
    [InlineData("a234567890123456789012345678901234567890123456789_")] // 50
    public void Valid_names_pass(string name)
    {
        CertificateRules.EnsureValidName(name, "Name");
    }

    [Theory]
    [InlineData("", "too short")]
    [InlineData("abc", "too short")]
    [InlineData("a23456789012345678901234567890123456789012345678901", "too long")] // 51
    [InlineData("1abc", "must start")]
    [InlineData("_abc", "must start")]
    [InlineData("éabc", "must start")]
    [InlineData("ａbcd", "must start")] // full-width a is not an English letter
    [InlineData("ab-cd", "'-' at position 3")]
    [InlineData("ab.cd", "'.' at position 3")]
    [InlineData("ab cd", "U+0020 at position 3")]
    [InlineData("证书—名称", "'—' at position 3")]
    [InlineData("abc😀", "U+D83D at position 4")]
    public void Invalid_names_say_what_is_wrong_and_give_an_example(string name, string expectedProblem)
    {
        var error = AssertInputError(() => CertificateRules.EnsureValidName(name, "Name"), "CertificateNameInvalid", "Name");
        Assert.Contains(expectedProblem, error.Message);
        Assert.Contains("e.g. 'www_example_com_2027'", error.Message);
        CertificateRules.EnsureValidName("www_example_com_2027", "Name"); // the example itself is valid
    }

    [Fact]
    public void Null_name_is_invalid_not_a_crash()
    {
        AssertInputError(() => CertificateRules.EnsureValidName(null!, "Name"), "CertificateNameInvalid", "Name");
    }

    [Theory]
    [InlineData("www.example.com", new string[0], "^www_example_com_")]
    [InlineData("*.example.com", new string[0], "^wildcard_example_com_")]
    [InlineData("123.example.com", new string[0], "^cert_123_example_com_")]
    [InlineData("例子.中国", new string[0], "^例子_中国_")]
    [InlineData("a-very-long-subdomain-name.with-many-labels.example-corporation.com", new string[0], "^a_very_long_subdomain_name_with_ma_\\d{8}_[0-9A-F]{6}$")]
    [InlineData(null, new[] { "san-only.example.com" }, "^san_only_example_com_")]
    [InlineData(null, new[] { "*.san.example.com" }, "^wildcard_san_example_com_")]
    [InlineData(null, new string[0], "^cert_")]
    public void DefaultName_is_valid_and_built_from_name_expiry_and_thumbprint(string? commonName, string[] dnsNames, string expectedStart)
    {
        CertificateBundle bundle = LeafBundle(commonName, dnsNames);

        string name = CertificateRules.DefaultName(bundle);

        CertificateRules.EnsureValidName(name, "Name");
        Assert.Matches(expectedStart, name);
        Assert.EndsWith("_" + bundle.NotAfter.ToString("yyyyMMdd") + "_" + bundle.Thumbprint[..6], name);
        Assert.InRange(name.Length, 4, 50);
    }

    [Fact]
    public void DefaultName_is_deterministic_and_differs_between_certificates_with_same_name_and_expiry()
    {
        DateTimeOffset notAfter = Now.AddDays(60);
        IssuedCertificate first = IssueEcLeaf("same.example.com", ["same.example.com"], Now.AddDays(-1), notAfter);
        IssuedCertificate second = IssueEcLeaf("same.example.com", ["same.example.com"], Now.AddDays(-1), notAfter);

        string firstName = CertificateRules.DefaultName(Load(first));

        Assert.Equal(firstName, CertificateRules.DefaultName(Load(first)));
        Assert.Equal(firstName, CertificateRules.DefaultName(CertificateLoader.FromX509(first.WithKey, null)));
        Assert.NotEqual(firstName, CertificateRules.DefaultName(Load(second)));
    }

    [Theory]
    [InlineData("www.example.com", true)]        // exact SAN
    [InlineData("WWW.Example.COM", true)]        // case-insensitive
    [InlineData("www.example.com.", true)]       // one trailing dot
    [InlineData("www.example.com..", false)]     // only one trailing dot is ignored
    [InlineData("a.example.com", true)]          // wildcard covers one label
    [InlineData("example.com", false)]           // not the apex
    [InlineData("a.b.example.com", false)]       // not two labels
    [InlineData("*.example.com", true)]          // wildcard domain, identical entry
    [InlineData("*.EXAMPLE.com.", true)]         // ... compared case-insensitively
    [InlineData("*.b.example.com", false)]       // wildcard domain needs the identical wildcard
    [InlineData("x.wild.example.net", true)]     // SAN wildcard written in mixed case
    [InlineData("abc.partial.com", false)]       // no partial-label wildcards
    [InlineData("a.partial.com", false)]
    [InlineData("anything.com", false)]          // "*.com" is never honoured
    [InlineData("legacy-cn.other.org", false)] // CN is ignored when SANs exist
    [InlineData("", false)]
    [InlineData("   ", false)]
    public void Covers_follows_rfc6125(string domain, bool expected)
    {
        Assert.Equal(expected, CertificateRules.Covers(SanBundle.Value, domain));
    }

    [Theory]
    [InlineData("cn-only.example.com", true)]
    [InlineData("cn-only.example.com.", true)]
    [InlineData("www.cn-only.example.com", false)]
    public void Covers_uses_the_CN_when_there_are_no_SANs(string domain, bool expected)
    {
        Assert.Equal(expected, CertificateRules.Covers(CnOnlyBundle.Value, domain));
    }

    [Fact]
    public void Covers_compares_internationalized_names_in_punycode()
    {
        CertificateBundle bundle = LeafBundle(null, "xn--bcher-kva.example");
        Assert.True(CertificateRules.Covers(bundle, "bücher.example"));
        Assert.True(CertificateRules.Covers(bundle, "XN--BCHER-KVA.example"));
    }

    [Fact]
    public void EnsureCovers_lists_the_names_the_certificate_covers()
    {
        CertificateRules.EnsureCovers(SanBundle.Value, "a.example.com", "DomainName");

        var error = AssertInputError(() => CertificateRules.EnsureCovers(SanBundle.Value, "shop.other.org", "DomainName"),
            "DomainNotCovered", "DomainName");
        Assert.Contains("'shop.other.org'", error.Message);
        Assert.Contains("www.example.com, *.example.com", error.Message);
    }

    [Fact]
    public void EnsureCurrentlyValid_accepts_a_valid_certificate()
    {
        CertificateRules.EnsureCurrentlyValid(Load(EcLeaf), DateTime.UtcNow, "Certificate");
    }

    [Fact]
    public void Expired_certificate_is_CertificateExpired_with_date_and_renew_hint()
    {
        CertificateBundle bundle = Load(ExpiredLeaf);
        var error = AssertInputError(() => CertificateRules.EnsureCurrentlyValid(bundle, DateTime.UtcNow, "CertificatePath"),
            "CertificateExpired", "CertificatePath");
        Assert.Contains(bundle.NotAfter.ToString("yyyy-MM-dd"), error.Message);
        Assert.Contains("Renew", error.Message);

        // The same certificate was valid while inside its window.
        CertificateRules.EnsureCurrentlyValid(bundle, bundle.NotAfter.AddSeconds(-1), "CertificatePath");
    }

    [Fact]
    public void Future_certificate_is_CertificateNotYetValid_with_date_and_clock_hint()
    {
        CertificateBundle bundle = Load(FutureLeaf);
        var error = AssertInputError(() => CertificateRules.EnsureCurrentlyValid(bundle, DateTime.UtcNow, "CertificatePath"),
            "CertificateNotYetValid", "CertificatePath");
        Assert.Contains(bundle.NotBefore.ToString("yyyy-MM-dd"), error.Message);
        Assert.Contains("clock", error.Message);
    }
}
