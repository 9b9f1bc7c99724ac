using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Apig.Emulator;

/// <summary>
/// APIG's checks on an uploaded certificate + key, done with .NET's own X509/RSA/ECDsa (the engine uses
/// BouncyCastle, so the two implementations check each other). Order: parse (2106; an encrypted key 2105), which certificate the key
/// belongs to (2104/2101), chain links (2104), validity (2102), the 2038 limit (3148), a DNS SAN present (2109),
/// domain coverage (2103). The last three need a parsed, consistent leaf, so they come after the others.
/// </summary>
internal static class CertificateInspector
{
    /// <summary>APIG refuses a certificate that is still valid at the signed 32-bit time_t limit.</summary>
    internal static readonly DateTimeOffset LatestNotAfter = new(2038, 1, 19, 3, 14, 7, TimeSpan.Zero);

    /// <param name="domain">The domain the certificate must cover (2103), or null where no domain is involved (the store).</param>
    internal static CertificateContent Inspect(string certContent, string privateKeyPem, string? domain, DateTimeOffset now)
    {
        List<X509Certificate2> chain = LoadCertificates(certContent);
        try
        {
            using AsymmetricAlgorithm key = LoadPrivateKey(privateKeyPem);
            int owner = chain.FindIndex(c => KeyMatches(c, key));
            if (owner > 0)
                throw new ApigError(400, "APIG.2104", "The certificate chain is not matched,parameterName:cert_content. The server certificate must come first, then its chain");
            if (owner < 0)
                throw new ApigError(400, "APIG.2101", "The certificate and private key do not match,parameterName:private_key");
            for (int i = 0; i + 1 < chain.Count; i++)
                if (!IsIssuedBy(chain[i], chain[i + 1]))
                    throw new ApigError(400, "APIG.2104", $"The certificate chain is not matched,parameterName:cert_content. Certificate {i + 2} did not issue certificate {i + 1}");

            X509Certificate2 leaf = chain[0];
            DateTimeOffset notBefore = new(leaf.NotBefore.ToUniversalTime(), TimeSpan.Zero);
            DateTimeOffset notAfter = new(leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            if (now > notAfter) throw new ApigError(400, "APIG.2102", "The certificate has expired,parameterName:cert_content");
            if (now < notBefore) throw new ApigError(400, "APIG.2102", "The certificate is not yet valid,parameterName:cert_content");
            if (notAfter >= LatestNotAfter)
                throw new ApigError(400, "APIG.3148", "The certificate must expire before 2038-01-19 03:14:07 UTC,parameterName:cert_content");

            string commonName = NameParts(leaf.SubjectName, "2.5.4.3").FirstOrDefault() ?? "";
            List<string> san = DnsNames(leaf);
            if (san.Count == 0)
                throw new ApigError(400, "APIG.2109", "The certificate has no SAN (subject alternative name): a certificate with only a common name is refused,parameterName:cert_content");
            if (domain is not null && !san.Any(pattern => Covers(pattern, domain)))
                throw new ApigError(400, "APIG.2103", "The certificate common name does not match the domain name,parameterName:cert_content");

            return new CertificateContent
            {
                Algorithm = KeyAlgorithm(leaf),
                CertificatePem = certContent,
                CommonName = commonName,
                San = san,
                NotBefore = notBefore,
                NotAfter = notAfter,
                SerialNumberBytes = leaf.SerialNumberBytes.ToArray(),
                Thumbprint = leaf.Thumbprint,
                SignatureAlgorithm = SignatureAlgorithmName(leaf),
                Version = leaf.Version,
                Organization = NameParts(leaf.SubjectName, "2.5.4.10"),
                OrganizationalUnit = NameParts(leaf.SubjectName, "2.5.4.11"),
                Locality = NameParts(leaf.SubjectName, "2.5.4.7"),
                State = NameParts(leaf.SubjectName, "2.5.4.8"),
                Country = NameParts(leaf.SubjectName, "2.5.4.6"),
                Issuer = DistinguishedNameParts(leaf.IssuerName),
                Serving = new ServingIdentity(certContent, privateKeyPem),
            };
        }
        finally
        {
            foreach (X509Certificate2 cert in chain) cert.Dispose();
        }
    }

    private static string KeyAlgorithm(X509Certificate2 cert) => cert.GetKeyAlgorithm() == "1.2.840.10045.2.1" ? "ECC" : "RSA";

    /// <summary>
    /// trusted_root_ca: one or more PEM certificates, each a CA (basic constraints cA true), all of one key algorithm
    /// (the CA certificates a domain trusts must share an algorithm type: APIG.3715).
    /// </summary>
    internal static TrustedRootCa InspectTrustedRootCa(string pem)
    {
        List<X509Certificate2> cas = LoadCertificates(pem, "trusted_root_ca");
        try
        {
            foreach (X509Certificate2 ca in cas)
            {
                bool isCa = ca.Extensions.OfType<X509BasicConstraintsExtension>().Any(e => e.CertificateAuthority);
                if (!isCa)
                    throw new ApigError(400, "APIG.2106", "Invalid certificate or private key,parameterName:trusted_root_ca. Every certificate in it must be a CA certificate");
            }
            List<string> algorithms = cas.Select(KeyAlgorithm).Distinct().ToList();
            if (algorithms.Count > 1)
                throw new ApigError(400, "APIG.3715", "The CA certificates must share an algorithm type,parameterName:trusted_root_ca");
            return new TrustedRootCa(algorithms[0], cas.Select(c => c.Subject).ToList(), pem);
        }
        finally
        {
            foreach (X509Certificate2 ca in cas) ca.Dispose();
        }
    }

    /// <summary>'*.example.com' covers exactly one extra label; everything case-insensitive.</summary>
    internal static bool Covers(string pattern, string domain)
    {
        if (string.Equals(pattern, domain, StringComparison.OrdinalIgnoreCase)) return true;
        if (!pattern.StartsWith("*.", StringComparison.Ordinal)) return false;
        int dot = domain.IndexOf('.');
        return dot > 0 && !domain[..dot].Contains('*')
            && string.Equals(domain[(dot + 1)..], pattern[2..], StringComparison.OrdinalIgnoreCase);
    }

    private static List<(string Label, byte[] Der)> PemBlocks(string text)
    {
        var blocks = new List<(string, byte[])>();
        int offset = 0;
        while (offset < text.Length && PemEncoding.TryFind(text.AsSpan(offset), out PemFields fields))
        {
            ReadOnlySpan<char> rest = text.AsSpan(offset);
            blocks.Add((rest[fields.Label].ToString(), Convert.FromBase64String(rest[fields.Base64Data].ToString())));
            offset += fields.Location.End.GetOffset(rest.Length);
        }
        return blocks;
    }

    private static List<X509Certificate2> LoadCertificates(string certContent, string parameter = "cert_content")
    {
        var certificates = new List<X509Certificate2>();
        try
        {
            foreach ((string label, byte[] der) in PemBlocks(certContent))
                if (label == "CERTIFICATE") certificates.Add(X509CertificateLoader.LoadCertificate(der));
        }
        catch (CryptographicException)
        {
            foreach (X509Certificate2 cert in certificates) cert.Dispose();
            throw InvalidCertificate(parameter);
        }
        if (certificates.Count == 0) throw InvalidCertificate(parameter);
        return certificates;
    }

    private static AsymmetricAlgorithm LoadPrivateKey(string pem)
    {
        // A traditional OpenSSL encrypted key has RFC 1421 headers, which the strict RFC 7468 reader below skips.
        if (pem.Contains("Proc-Type:", StringComparison.Ordinal) && pem.Contains("ENCRYPTED", StringComparison.Ordinal))
            throw EncryptedKey();
        foreach ((string label, byte[] der) in PemBlocks(pem))
        {
            switch (label)
            {
                case "RSA PRIVATE KEY":
                    return Import(() => { var rsa = RSA.Create(); rsa.ImportRSAPrivateKey(der, out _); return rsa; });
                case "EC PRIVATE KEY":
                    return Import(() => { var ec = ECDsa.Create(); ec.ImportECPrivateKey(der, out _); return ec; });
                case "PRIVATE KEY":
                    return Import(() =>
                    {
                        try { var rsa = RSA.Create(); rsa.ImportPkcs8PrivateKey(der, out _); return rsa; }
                        catch (CryptographicException) { var ec = ECDsa.Create(); ec.ImportPkcs8PrivateKey(der, out _); return ec; }
                    });
                case "ENCRYPTED PRIVATE KEY":
                    throw EncryptedKey();
            }
        }
        throw InvalidCertificate("private_key");

        static AsymmetricAlgorithm Import(Func<AsymmetricAlgorithm> import)
        {
            // The exception from the import is dropped on purpose: it must not carry key material outward.
            try { return import(); }
            catch (CryptographicException) { throw InvalidCertificate("private_key"); }
        }
    }

    private static ApigError EncryptedKey() =>
        new(400, "APIG.2105", "The private key is encrypted: upload it without a password,parameterName:private_key");

    private static ApigError InvalidCertificate(string parameter) =>
        new(400, "APIG.2106", "Invalid certificate or private key,parameterName:" + parameter);

    private static bool KeyMatches(X509Certificate2 cert, AsymmetricAlgorithm key)
    {
        try
        {
            switch (key)
            {
                case RSA rsa:
                {
                    using RSA? pub = cert.GetRSAPublicKey();
                    if (pub is null) return false;
                    RSAParameters a = rsa.ExportParameters(false), b = pub.ExportParameters(false);
                    return a.Modulus.AsSpan().SequenceEqual(b.Modulus) && a.Exponent.AsSpan().SequenceEqual(b.Exponent);
                }
                case ECDsa ec:
                {
                    using ECDsa? pub = cert.GetECDsaPublicKey();
                    if (pub is null) return false;
                    ECParameters a = ec.ExportParameters(false), b = pub.ExportParameters(false);
                    return a.Curve.Oid?.Value == b.Curve.Oid?.Value
                        && a.Q.X.AsSpan().SequenceEqual(b.Q.X) && a.Q.Y.AsSpan().SequenceEqual(b.Q.Y);
                }
                default:
                    return false;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Issuer name matches the next certificate's subject AND its key verifies the signature.</summary>
    private static bool IsIssuedBy(X509Certificate2 child, X509Certificate2 issuer)
    {
        if (!child.IssuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData)) return false;
        try
        {
            var reader = new AsnReader(child.RawData, AsnEncodingRules.DER).ReadSequence();
            ReadOnlyMemory<byte> tbs = reader.ReadEncodedValue();
            string algorithm = reader.ReadSequence().ReadObjectIdentifier();
            byte[] signature = reader.ReadBitString(out _);
            switch (algorithm)
            {
                case "1.2.840.113549.1.1.5": return VerifyRsa(HashAlgorithmName.SHA1);
                case "1.2.840.113549.1.1.11": return VerifyRsa(HashAlgorithmName.SHA256);
                case "1.2.840.113549.1.1.12": return VerifyRsa(HashAlgorithmName.SHA384);
                case "1.2.840.113549.1.1.13": return VerifyRsa(HashAlgorithmName.SHA512);
                case "1.2.840.10045.4.3.2": return VerifyEc(HashAlgorithmName.SHA256);
                case "1.2.840.10045.4.3.3": return VerifyEc(HashAlgorithmName.SHA384);
                case "1.2.840.10045.4.3.4": return VerifyEc(HashAlgorithmName.SHA512);
                case "1.2.840.113549.1.1.10":
                    using (RSA? pss = issuer.GetRSAPublicKey())
                        return pss is not null && new[] { HashAlgorithmName.SHA256, HashAlgorithmName.SHA384, HashAlgorithmName.SHA512 }
                            .Any(h => pss.VerifyData(tbs.Span, signature, h, RSASignaturePadding.Pss));
                default:
                    return true; // an algorithm this emulator cannot verify: the name link above has to do
            }

            bool VerifyRsa(HashAlgorithmName hash)
            {
                using RSA? rsa = issuer.GetRSAPublicKey();
                return rsa is not null && rsa.VerifyData(tbs.Span, signature, hash, RSASignaturePadding.Pkcs1);
            }

            bool VerifyEc(HashAlgorithmName hash)
            {
                using ECDsa? ec = issuer.GetECDsaPublicKey();
                return ec is not null && ec.VerifyData(tbs.Span, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
            }
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return false;
        }
    }

    private static List<string> DnsNames(X509Certificate2 cert)
    {
        X509Extension? ext = cert.Extensions.Cast<X509Extension>().FirstOrDefault(e => e.Oid?.Value == "2.5.29.17");
        if (ext is null) return new List<string>();
        return new X509SubjectAlternativeNameExtension(ext.RawData, ext.Critical).EnumerateDnsNames().ToList();
    }

    private static List<string> NameParts(X500DistinguishedName name, string oid) =>
        name.EnumerateRelativeDistinguishedNames()
            .Where(rdn => !rdn.HasMultipleElements && rdn.GetSingleElementType().Value == oid)
            .Select(rdn => rdn.GetSingleElementValue() ?? "")
            .ToList();

    private static readonly Dictionary<string, string> ShortNames = new()
    {
        ["2.5.4.3"] = "CN", ["2.5.4.10"] = "O", ["2.5.4.11"] = "OU", ["2.5.4.7"] = "L", ["2.5.4.8"] = "ST", ["2.5.4.6"] = "C",
        ["1.2.840.113549.1.9.1"] = "E",
    };

    /// <summary>The issuer as "CN=..", "O=.." parts, in the order they appear in the certificate.</summary>
    private static List<string> DistinguishedNameParts(X500DistinguishedName name) =>
        name.EnumerateRelativeDistinguishedNames()
            .Where(rdn => !rdn.HasMultipleElements)
            .Select(rdn =>
            {
                string oid = rdn.GetSingleElementType().Value ?? "";
                return $"{ShortNames.GetValueOrDefault(oid, oid)}={rdn.GetSingleElementValue()}";
            })
            .ToList();

    /// <summary>The name Go's x509.SignatureAlgorithm.String() gives, which is what a Go service answers.</summary>
    internal static string SignatureAlgorithmName(X509Certificate2 cert) => cert.SignatureAlgorithm.Value switch
    {
        "1.2.840.113549.1.1.4" => "MD5-RSA",
        "1.2.840.113549.1.1.5" => "SHA1-RSA",
        "1.2.840.113549.1.1.11" => "SHA256-RSA",
        "1.2.840.113549.1.1.12" => "SHA384-RSA",
        "1.2.840.113549.1.1.13" => "SHA512-RSA",
        "1.2.840.113549.1.1.10" => PssHashName(cert) is { } hash ? hash + "-RSAPSS" : "1.2.840.113549.1.1.10",
        "1.2.840.10040.4.3" => "DSA-SHA1",
        "2.16.840.1.101.3.4.3.2" => "DSA-SHA256",
        "1.2.840.10045.4.1" => "ECDSA-SHA1",
        "1.2.840.10045.4.3.2" => "ECDSA-SHA256",
        "1.2.840.10045.4.3.3" => "ECDSA-SHA384",
        "1.2.840.10045.4.3.4" => "ECDSA-SHA512",
        "1.3.101.112" => "Ed25519",
        { } oid => oid, // Go prints an unknown algorithm as its number
        null => "unknown",
    };

    /// <summary>The hash named in RSASSA-PSS-params; Go knows PSS only with SHA-256/384/512.</summary>
    private static string? PssHashName(X509Certificate2 cert)
    {
        try
        {
            var certificate = new AsnReader(cert.RawData, AsnEncodingRules.DER).ReadSequence();
            certificate.ReadEncodedValue(); // tbsCertificate
            AsnReader algorithm = certificate.ReadSequence();
            algorithm.ReadObjectIdentifier();
            AsnReader parameters = algorithm.ReadSequence();
            var hashField = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (!parameters.HasData || !parameters.PeekTag().HasSameClassAndValue(hashField)) return null; // default SHA-1
            string hashOid = parameters.ReadSequence(hashField).ReadSequence().ReadObjectIdentifier();
            return hashOid switch
            {
                "2.16.840.1.101.3.4.2.1" => "SHA256",
                "2.16.840.1.101.3.4.2.2" => "SHA384",
                "2.16.840.1.101.3.4.2.3" => "SHA512",
                _ => null,
            };
        }
        catch (AsnContentException)
        {
            return null;
        }
    }
}
