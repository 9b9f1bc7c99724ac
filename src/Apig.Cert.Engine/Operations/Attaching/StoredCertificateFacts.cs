using System;
using System.Collections.Generic;
using System.Linq;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Certificates;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>
    /// What a binding command needs of a stored certificate, read once per command (ShowDetailsOfCertificateV2): its
    /// name for messages, its scope, its algorithm and the names it covers.
    /// </summary>
    public sealed class StoredCertificateFacts
    {
        internal StoredCertificateFacts(string certificateId, CertificateDetails details)
        {
            Id = string.IsNullOrEmpty(details.Id) ? certificateId : details.Id!;
            Name = details.Name;
            // The store's one scope rule (a service that leaves type out is read by the instance it reports).
            bool ownInstance = !string.IsNullOrEmpty(details.InstanceId)
                && !string.Equals(details.InstanceId, StoreMapper.GlobalInstanceId, StringComparison.OrdinalIgnoreCase);
            IsInstanceScoped = !StoreMapper.IsGlobal(details) && ownInstance;
            InstanceId = IsInstanceScoped ? details.InstanceId : null;
            // The API's default algorithm is RSA; a certificate that does not say is one.
            AlgorithmType = string.IsNullOrWhiteSpace(details.AlgorithmType) ? "RSA" : details.AlgorithmType!.Trim();
            DnsNames = details.San;
            CommonName = details.CommonName;
            HasTrustedRootCa = details.IsHasTrustedRootCa == true;
        }

        public string Id { get; }

        public string? Name { get; }

        public bool IsInstanceScoped { get; }

        /// <summary>The instance of an instance certificate; null for a global one.</summary>
        public string? InstanceId { get; }

        public string AlgorithmType { get; }

        internal IReadOnlyList<string> DnsNames { get; }

        internal string? CommonName { get; }

        public bool HasTrustedRootCa { get; }

        /// <summary>How messages name it: "'wildcard_example' (id 1a2b...)".</summary>
        public string Shown => "'" + (Name ?? Id) + "' (id " + Id + ")";

        /// <summary>The same name-coverage rule as a local certificate's (<see cref="CertificateRules.Covers(IReadOnlyList{string}, string, string)"/>).</summary>
        public bool Covers(string domainName) => CertificateRules.Covers(DnsNames, CommonName, domainName);

        /// <summary>Every local rule for one domain: scope, coverage and, when asked for, client verification. Nothing is sent.</summary>
        internal void EnsureAttachable(string domainName, string instanceId, bool verifyClientCertificate)
        {
            if (IsInstanceScoped && InstanceId != null && !string.Equals(InstanceId, instanceId, StringComparison.Ordinal))
            {
                throw new ApigInputException(
                    "CertificateOutOfScope",
                    "CertificateId",
                    "Certificate " + Shown + " is an instance certificate of instance " + InstanceId + ", and domain '" + domainName +
                    "' belongs to instance " + instanceId + ". Bind it only to domains of instance " + InstanceId +
                    ", or use a global certificate (New-ApigCertificate -Type Global).");
            }

            if (!Covers(domainName))
            {
                IReadOnlyList<string> names = CertificateRules.PresentedNames(DnsNames, CommonName);
                throw new ApigInputException(
                    "DomainNotCovered",
                    "DomainName",
                    "Certificate " + Shown + " does not cover the domain '" + domainName + "'; it covers " +
                    (names.Count == 0 ? "no domain names at all" : "only " + string.Join(", ", names)) +
                    ". Bind a certificate issued for '" + domainName + "' (or a matching wildcard), or leave this domain out.");
            }

            if (verifyClientCertificate && !HasTrustedRootCa)
            {
                throw new ApigInputException(
                    "TrustedRootCaMissing",
                    "VerifyClientCertificate",
                    "-VerifyClientCertificate needs a certificate with a trusted root CA to check client certificates against, and certificate " +
                    Shown + " has none. " +
                    (IsInstanceScoped
                        ? "Add one with Set-ApigCertificate -TrustedRootCaPath"
                        // Set-ApigCertificate refuses a CA for a global certificate, so that advice would lead nowhere.
                        : "It is a global certificate, and only instance certificates carry one: store it with New-ApigCertificate -Type Instance -InstanceId <id> -TrustedRootCaPath <file> and attach that one") +
                    ", or leave out -VerifyClientCertificate.");
            }
        }

        /// <summary>The certificates of the listed domain that this one would displace: another id of the same algorithm.</summary>
        internal IReadOnlyList<SslInfo> OthersOfSameAlgorithm(UrlDomainInfo listed) =>
            GroupLookup.BoundCertificates(listed)
                .Where(ssl => !string.Equals(ssl.SslId, Id, StringComparison.Ordinal))
                // ssl_id shows only the RSA certificate, so an entry without an algorithm counts as RSA.
                .Where(ssl => string.Equals(string.IsNullOrEmpty(ssl.AlgorithmType) ? "RSA" : ssl.AlgorithmType, AlgorithmType, StringComparison.OrdinalIgnoreCase))
                .ToList();

        internal bool IsBoundTo(UrlDomainInfo listed) =>
            GroupLookup.BoundCertificates(listed).Any(ssl => string.Equals(ssl.SslId, Id, StringComparison.Ordinal));
    }
}
