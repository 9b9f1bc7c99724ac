using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Operations;

namespace Apig.Cert.Commands
{
    /// <summary>The cmdlets that act on the certificates already bound to a domain (Get-, Remove-).</summary>
    public abstract class DomainCertificateCmdlet : DomainBatchCmdlet
    {
        private bool _certificateIdFromCommandLine;

        /// <summary>A domain from Get-ApigDomain: all of its certificates, whatever its CertificateId property shows.</summary>
        [Parameter(ValueFromPipeline = true)]
        public ApigDomain? InputObject { get; set; }

        /// <summary>Narrows to one certificate. Default: every certificate bound to the domain.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? CertificateId { get; set; }

        protected override void BeginProcessing()
        {
            // Piped values bind after BeginProcessing: what is bound now was typed on the command line.
            _certificateIdFromCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(CertificateId)) && !string.IsNullOrEmpty(CertificateId);
            base.BeginProcessing();
        }

        /// <summary>
        /// Which certificate the current input asks for: one typed on the command line is used as given (APIG answers
        /// for an unknown one); one from a piped object (an earlier result) is checked against what is bound now; a piped
        /// Get-ApigDomain object (whose CertificateId is only ssl_id, the RSA one) asks for all of them.
        /// </summary>
        private protected CertificateRequest CurrentRequest()
        {
            if (_certificateIdFromCommandLine)
            {
                ApigIds.EnsureValid(CertificateId, nameof(CertificateId));
                return new CertificateRequest(CertificateId, explicitId: true);
            }

            if (InputObject != null || string.IsNullOrEmpty(CertificateId))
            {
                return new CertificateRequest(null, explicitId: false);
            }

            ApigIds.EnsureValid(CertificateId, nameof(CertificateId));
            return new CertificateRequest(CertificateId, explicitId: false);
        }

        /// <summary>
        /// The certificates to act on and the domain's listing (null when an explicit id skipped it and the group does
        /// not list the domain). A piped id that is no longer bound falls back to what is bound now, with a Verbose line.
        /// </summary>
        private protected async Task<BoundSelection> SelectAsync(DomainRef domain, CertificateRequest request, string? algorithmType, CancellationToken cancellationToken)
        {
            UrlDomainInfo? listed = request.ExplicitId
                ? await Groups.TryFindDomainAsync(domain, cancellationToken).ConfigureAwait(false)
                : await Groups.FindDomainAsync(domain, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<SslInfo> bound = listed is null ? Array.Empty<SslInfo>() : GroupLookup.BoundCertificates(listed);
            if (request.ExplicitId)
            {
                SslInfo known = bound.FirstOrDefault(ssl => string.Equals(ssl.SslId, request.CertificateId, StringComparison.Ordinal))
                                ?? new SslInfo { SslId = request.CertificateId };
                return new BoundSelection(listed, new[] { known }, staleId: null);
            }

            if (request.CertificateId != null)
            {
                SslInfo? piped = bound.FirstOrDefault(ssl => string.Equals(ssl.SslId, request.CertificateId, StringComparison.Ordinal));
                if (piped != null)
                {
                    return new BoundSelection(listed, new[] { piped }, staleId: null);
                }

                return new BoundSelection(listed, Filter(bound, algorithmType), staleId: request.CertificateId);
            }

            return new BoundSelection(listed, Filter(bound, algorithmType), staleId: null);
        }

        private static IReadOnlyList<SslInfo> Filter(IReadOnlyList<SslInfo> bound, string? algorithmType) =>
            algorithmType is null
                ? bound
                : bound.Where(ssl => string.Equals(ssl.AlgorithmType, algorithmType, StringComparison.OrdinalIgnoreCase)).ToList();

        /// <summary>What the input asked for: a certificate id (typed or piped), or every bound certificate.</summary>
        private protected sealed class CertificateRequest
        {
            public CertificateRequest(string? certificateId, bool explicitId)
            {
                CertificateId = certificateId;
                ExplicitId = explicitId;
            }

            public string? CertificateId { get; }

            public bool ExplicitId { get; }
        }

        /// <summary>The certificates chosen on one domain.</summary>
        private protected sealed class BoundSelection
        {
            public BoundSelection(UrlDomainInfo? listed, IReadOnlyList<SslInfo> certificates, string? staleId)
            {
                Listed = listed;
                Certificates = certificates;
                StaleId = staleId;
            }

            public UrlDomainInfo? Listed { get; }

            public IReadOnlyList<SslInfo> Certificates { get; }

            /// <summary>A piped certificate id that is no longer bound (the domain was rebound since).</summary>
            public string? StaleId { get; }
        }
    }
}
