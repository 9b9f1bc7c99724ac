using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography.X509Certificates;

namespace Apig.Cert.Engine.Probing
{
    /// <summary>
    /// Whether a served chain is trusted, judged as a client would, with the reason when it is not.
    /// <para>Private roots: netstandard2.0 has no X509ChainPolicy.CustomTrustStore (and Windows PowerShell 5.1 runs on
    /// .NET Framework, which never will), so the given roots go into the extra store, the chain is built with
    /// AllowUnknownCertificateAuthority, and the one status that flag forgives (UntrustedRoot) is forgiven only when
    /// the chain really ends at one of the given roots, compared by thumbprint. Every other status still counts.</para>
    /// <para>Revocation is not checked: a check must not hang on an unreachable CRL or OCSP responder, and APIG does
    /// not revoke; the domain's certificate is compared with the bound one instead.</para>
    /// </summary>
    internal sealed class ServedChainEvaluator
    {
        private readonly IReadOnlyList<X509Certificate2> _roots;
        private readonly HashSet<string> _rootThumbprints;

        public ServedChainEvaluator(IReadOnlyList<X509Certificate2> trustedRoots)
        {
            _roots = trustedRoots ?? Array.Empty<X509Certificate2>();
            _rootThumbprints = new HashSet<string>(_roots.Select(root => root.Thumbprint), StringComparer.OrdinalIgnoreCase);
        }

        public ChainVerdict Evaluate(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> intermediates, DateTime utcNow)
        {
            using (var chain = new X509Chain())
            {
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.VerificationTime = utcNow.ToLocalTime();
                foreach (X509Certificate2 sent in intermediates)
                {
                    chain.ChainPolicy.ExtraStore.Add(sent);
                }

                if (_roots.Count > 0)
                {
                    foreach (X509Certificate2 root in _roots)
                    {
                        chain.ChainPolicy.ExtraStore.Add(root);
                    }

                    chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
                }

                chain.Build(leaf);
                X509Certificate2? end = chain.ChainElements.Count == 0 ? null : chain.ChainElements[chain.ChainElements.Count - 1].Certificate;
                bool endsAtGivenRoot = end != null && _rootThumbprints.Contains(end.Thumbprint);
                var problems = new List<string>();
                X509ChainStatusFlags seen = X509ChainStatusFlags.NoError;
                foreach (X509ChainElement element in chain.ChainElements)
                {
                    foreach (X509ChainStatus status in element.ChainElementStatus)
                    {
                        seen |= status.Status;
                    }
                }

                foreach (X509ChainStatus status in chain.ChainStatus)
                {
                    seen |= status.Status;
                }

                foreach (X509ChainStatusFlags flag in Enum.GetValues(typeof(X509ChainStatusFlags)).Cast<X509ChainStatusFlags>())
                {
                    if (flag == X509ChainStatusFlags.NoError || (seen & flag) == 0)
                    {
                        continue;
                    }

                    if (flag == X509ChainStatusFlags.UntrustedRoot && endsAtGivenRoot)
                    {
                        continue;
                    }

                    problems.Add(Describe(flag, leaf, end, utcNow));
                }

                // A chain that ends somewhere other than a self-signed root (an intermediate the server did not send) is
                // not trusted, whatever the flags say.
                if (problems.Count == 0 && end != null && !IsSelfSigned(end) && !endsAtGivenRoot)
                {
                    problems.Add(Describe(X509ChainStatusFlags.PartialChain, leaf, end, utcNow));
                }

                return new ChainVerdict(problems.Count == 0, problems.Count == 0 ? null : string.Join("; ", problems.Distinct()));
            }
        }

        private static bool IsSelfSigned(X509Certificate2 certificate) =>
            string.Equals(certificate.Subject, certificate.Issuer, StringComparison.Ordinal);

        private static string Describe(X509ChainStatusFlags flag, X509Certificate2 leaf, X509Certificate2? end, DateTime utcNow)
        {
            switch (flag)
            {
                case X509ChainStatusFlags.NotTimeValid:
                    DateTime notAfter = leaf.NotAfter.ToUniversalTime();
                    DateTime notBefore = leaf.NotBefore.ToUniversalTime();
                    if (notAfter < utcNow)
                    {
                        return "Expired: the certificate expired on " + notAfter.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                    }

                    return notBefore > utcNow
                        ? "NotYetValid: the certificate is valid only from " + notBefore.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                        : "NotTimeValid: a certificate of the chain is outside its validity period";
                case X509ChainStatusFlags.UntrustedRoot:
                    return "UntrustedRoot: the chain ends at '" + (end?.Subject ?? "?") + "', which is not a trusted root (a private CA: give -TrustedRootPath)";
                case X509ChainStatusFlags.PartialChain:
                    return "PartialChain: the chain ends at '" + (end?.Subject ?? leaf.Subject) + "', issued by '" + (end?.Issuer ?? leaf.Issuer) +
                           "', which is no trusted root (a private CA: give -TrustedRootPath; or the server does not send an intermediate)";
                default:
                    return flag.ToString();
            }
        }
    }

    internal sealed class ChainVerdict
    {
        public ChainVerdict(bool trusted, string? problem)
        {
            Trusted = trusted;
            Problem = problem;
        }

        public bool Trusted { get; }

        public string? Problem { get; }
    }
}
