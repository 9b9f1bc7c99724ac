using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Engine.Tests.Operations;

public class ApigMapperTests
{
    /// <summary>
    /// Set-ApigDomainCertificate takes a piped Get-ApigDomain object as the domain's listing: read back, every bound
    /// certificate must be what the listing said, scope and trusted-root flag included, or the bind compares the wrong thing.
    /// </summary>
    [Fact]
    public void APipedDomainReadsBackAsTheListingItCameFrom()
    {
        var listed = new UrlDomainInfo
        {
            Id = "d1",
            Domain = "api.example.com",
            CnameStatus = 3,
            MinSslVersion = "TLSv1.2",
            SslId = "c1",
            SslName = "site_rsa",
            SslInfos =
            [
                new SslInfo { SslId = "c1", SslName = "site_rsa", AlgorithmType = "RSA", Type = 1, IsHasTrustedRootCa = true },
                new SslInfo { SslId = "c2", SslName = "site_ecc", AlgorithmType = "ECC", Type = 2, IsHasTrustedRootCa = false },
                new SslInfo { SslId = "c3", SslName = "site_sm2", AlgorithmType = "SM2", Type = null, IsHasTrustedRootCa = false },
            ],
        };
        var group = new GroupInfo { Id = "g1", Name = "shop", UrlDomains = [listed] };

        ApigDomain shown = ApigMapper.ToDomain(listed, group, "i1", "p1");
        UrlDomainInfo back = ApigMapper.FromDomain(shown);

        Assert.Equal(["Instance", "Global", null], shown.Certificates.Select(c => c.Type));
        Assert.Equal(listed.SslInfos.Select(s => (s.SslId, s.SslName, s.AlgorithmType, s.Type, s.IsHasTrustedRootCa)),
            back.SslInfos.Select(s => (s.SslId, s.SslName, s.AlgorithmType, s.Type, s.IsHasTrustedRootCa)));
        Assert.Equal((listed.Id, listed.Domain, listed.CnameStatus, listed.MinSslVersion, listed.SslId, listed.SslName),
            (back.Id, back.Domain, back.CnameStatus, back.MinSslVersion, back.SslId, back.SslName));
    }
}
