using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Diagnostics;
using Apig.Cert.Engine.Probing;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>
    /// Test-ApigDomainCertificate's use-case: what a domain really serves (<see cref="TlsProber"/>) against what APIG
    /// says is bound to it (the group listing and the certificate details, as Get-ApigDomainCertificate reads them), and
    /// waiting until the two agree after a rotation. One object per command: each group, and each bound certificate,
    /// is read once however many domains share it.
    /// </summary>
    public sealed class DomainTlsCheck
    {
        private readonly ApigClient? _client;
        private readonly DomainCertificates? _domainCertificates;
        private readonly CertificateBindings? _bindings;
        private readonly GroupLookup? _groups;
        private readonly TlsProber _prober;
        private readonly TimeSpan _pollInterval;
        private readonly IApigLog? _log;
        private readonly ConcurrentDictionary<string, Lazy<Task<CertificateDetails>>> _details =
            new ConcurrentDictionary<string, Lazy<Task<CertificateDetails>>>(StringComparer.Ordinal);

        /// <remarks>A null client means no connection: the TLS side still works, and whether it matches is unknown.</remarks>
        public DomainTlsCheck(ApigClient? client, GroupLookup? groups, string projectId, TlsCheckSettings settings, IApigLog? log)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            _client = client;
            _groups = client is null ? null : groups ?? new GroupLookup(client);
            _domainCertificates = client is null ? null : new DomainCertificates(client, _groups!, projectId, log);
            _bindings = client is null ? null : new CertificateBindings(client, _groups!, projectId, log);
            _prober = settings.Prober;
            _pollInterval = settings.PollInterval;
            _log = log;
        }

        /// <summary>True when the bound certificate can be read (there is a connection).</summary>
        public bool CanReadBound => _client != null;

        /// <summary>The domains a stored certificate is bound to (Get-ApigCertificateBinding's listing).</summary>
        public ListingPages<ApigCertificateBinding> DomainsBoundTo(string certificateId) =>
            (_bindings ?? throw new InvalidOperationException("No connection.")).List(certificateId, null, null);

        /// <summary>The domain of that name, or null when no group has it (ambiguous names still throw).</summary>
        public async Task<DomainRef?> FindByNameAsync(string domainName, string? instanceId, string? groupId, CancellationToken cancellationToken)
        {
            if (_groups is null) return null;
            try
            {
                ListedDomain found = await _groups.FindByNameAsync(domainName, instanceId, groupId, cancellationToken).ConfigureAwait(false);
                return found.Ref;
            }
            catch (ApigInputException ex) when (ex.ErrorId == "DomainNotFound")
            {
                return null;
            }
        }

        /// <summary>
        /// One check of one domain: an API read of what is bound (when the domain is known to APIG and there is a
        /// connection), then the TLS connection, repeated under <see cref="TlsCheckRequest.WaitUntilMatches"/> until the
        /// served leaf is the bound one or the time is up. Only Ctrl+C and API failures throw; a check that did not work
        /// comes back with its Error and ErrorId set.
        /// </summary>
        public async Task<TlsCheckOutcome> CheckAsync(TlsCheckRequest request, CancellationToken cancellationToken)
        {
            if (request is null) throw new ArgumentNullException(nameof(request));
            BoundState? bound = request.Domain != null && _domainCertificates != null
                ? await ReadBoundAsync(request.Domain, cancellationToken).ConfigureAwait(false)
                : null;
            string domainName = request.DomainName ?? bound?.Listed?.Domain
                ?? throw new ApigInputException("DomainNotFound", "DomainId", "Domain '" + request.Domain!.DomainId + "' has no name in its group's listing, so there is no name to send as SNI. Give -DomainName.");
            string host = request.Endpoint?.Host ?? domainName;
            int port = request.Endpoint?.Port ?? PortOf(request.HttpsPort) ?? PortOf(bound?.Listed?.IngressHttpsPort) ?? TlsEndpoint.DefaultHttpsPort;
            var check = new ApigTlsCheck
            {
                DomainName = domainName,
                DomainId = request.Domain?.DomainId,
                InstanceId = request.Domain?.InstanceId,
                GroupId = request.Domain?.GroupId,
                Endpoint = TlsProber.FormatEndpoint(host, port),
            };

            int? ingressPort = request.HttpsPort ?? bound?.Listed?.IngressHttpsPort;
            if (request.Endpoint?.Port is null && ingressPort.HasValue && ingressPort.Value <= 0)
            {
                check.Error = "HTTPS is off on domain '" + domainName + "' (its HTTPS port is " + ingressPort.Value.ToString(CultureInfo.InvariantCulture) +
                              "): there is nothing to connect to. Turn it on with Set-ApigDomain -HttpsPort 443, or give -Endpoint host:port.";
                return new TlsCheckOutcome(check, "HttpsDisabled");
            }

            if (request.WaitUntilMatches)
            {
                if (bound is null)
                {
                    check.Error = "-WaitUntilMatches needs what APIG says is bound, and '" + domainName + "' is " +
                                  (_client is null ? "not known without a connection: run Connect-Apig first" : "no custom domain of this project: check the name") + ".";
                    return new TlsCheckOutcome(check, "BoundCertificateUnknown");
                }

                if (bound.Certificates.Count == 0)
                {
                    check.Error = "Nothing is bound to '" + domainName + "' in APIG, so there is nothing to wait for. Bind a certificate first (Set-ApigDomainCertificate).";
                    return new TlsCheckOutcome(check, "NothingBound");
                }
            }

            Stopwatch waited = Stopwatch.StartNew();
            int attempts = 0;
            while (true)
            {
                attempts++;
                TlsProbeResult probe = await _prober.ProbeAsync(domainName, host, port, cancellationToken).ConfigureAwait(false);
                Describe(check, probe, bound);
                if (!request.WaitUntilMatches)
                {
                    return new TlsCheckOutcome(check, probe.Error is null ? null : ErrorIdOf(probe.Failure));
                }

                if (check.MatchesBound == true)
                {
                    if (attempts > 1)
                    {
                        _log?.Verbose("'" + domainName + "' serves the bound certificate after " + Seconds(waited.Elapsed) + " (" + attempts.ToString(CultureInfo.InvariantCulture) + " checks).");
                    }

                    return new TlsCheckOutcome(check, null);
                }

                TimeSpan remaining = request.WaitTimeout - waited.Elapsed;
                if (remaining <= TimeSpan.Zero)
                {
                    string last = probe.Error != null
                        ? " The last check failed: " + probe.Error
                        : " It still serves " + check.Served!.Subject + " (serial " + check.Served.SerialNumber + ", expires " +
                          check.Served.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ").";
                    check.Error = "'" + domainName + "' did not serve the bound certificate within " + Seconds(request.WaitTimeout) + " (" +
                                  attempts.ToString(CultureInfo.InvariantCulture) + " checks)." + last +
                                  " Run again later, or raise -TimeoutSec.";
                    return new TlsCheckOutcome(check, "TlsNotMatched");
                }

                _log?.Debug("'" + domainName + "' does not serve the bound certificate yet; checking again.");
                await Task.Delay(remaining < _pollInterval ? remaining : _pollInterval, cancellationToken).ConfigureAwait(false);
            }
        }

        private static void Describe(ApigTlsCheck check, TlsProbeResult probe, BoundState? bound)
        {
            check.Endpoint = probe.Endpoint;
            check.Error = probe.Error;
            CertificateFacts? leaf = probe.Leaf;
            check.Served = leaf is null ? null : new ApigServedCertificate
            {
                Thumbprint = leaf.Thumbprint,
                Subject = leaf.Subject,
                Issuer = leaf.Issuer,
                SerialNumber = leaf.SerialNumber,
                NotBefore = leaf.NotBefore,
                NotAfter = leaf.NotAfter,
                DaysRemaining = (int)Math.Floor((leaf.NotAfter - DateTime.UtcNow).TotalDays),
                SubjectAlternativeNames = leaf.DnsNames,
            };
            check.ChainLength = probe.ChainLength;
            check.TlsProtocol = probe.Protocol;
            check.NameMatches = probe.NameMatches;
            check.ChainTrusted = probe.ChainTrusted;
            check.ChainStatus = probe.ChainProblem;
            check.Bound = null;
            check.MatchesBound = null;
            if (bound is null)
            {
                return;
            }

            BoundEntry? matching = leaf is null ? null : bound.Certificates.FirstOrDefault(entry => entry.Describes(leaf));
            BoundEntry? shown = matching
                ?? bound.Certificates.FirstOrDefault(entry => leaf != null && string.Equals(entry.Algorithm, leaf.KeyAlgorithm, StringComparison.OrdinalIgnoreCase))
                ?? bound.Certificates.FirstOrDefault();
            check.Bound = shown?.ToModel();
            // Without a served leaf nothing can be said; with one, "nothing bound" is a known mismatch.
            check.MatchesBound = leaf is null ? (bool?)null : matching != null;
        }

        private async Task<BoundState> ReadBoundAsync(DomainRef domain, CancellationToken cancellationToken)
        {
            BoundSelection selection = await _domainCertificates!.SelectAsync(domain, CertificateChoice.EveryBound, null, cancellationToken).ConfigureAwait(false);
            var entries = new List<BoundEntry>(selection.Certificates.Count);
            foreach (SslInfo ssl in selection.Certificates)
            {
                string id = ssl.SslId!;
                Lazy<Task<CertificateDetails>> read = _details.GetOrAdd(id, _ => new Lazy<Task<CertificateDetails>>(
                    () => _client!.GetDomainCertificateAsync(domain, id, cancellationToken)));
                CertificateDetails details;
                try
                {
                    details = await read.Value.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // A failed read is not kept for the other domains of this certificate: each tries again.
                    _details.TryRemove(id, out _);
                    throw;
                }

                entries.Add(new BoundEntry(ssl, details));
            }

            return new BoundState(selection.Listed, entries);
        }

        private static int? PortOf(int? port) => port.HasValue && port.Value > 0 ? port : null;

        private static string ErrorIdOf(TlsProbeFailure failure)
        {
            switch (failure)
            {
                case TlsProbeFailure.NameNotResolved: return "TlsNameNotResolved";
                case TlsProbeFailure.Refused: return "TlsConnectionRefused";
                case TlsProbeFailure.ConnectTimeout: return "TlsConnectTimeout";
                case TlsProbeFailure.HandshakeTimeout: return "TlsHandshakeTimeout";
                case TlsProbeFailure.HandshakeFailed: return "TlsHandshakeFailed";
                default: return "TlsConnectFailed";
            }
        }

        private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

        private sealed class BoundState
        {
            public BoundState(UrlDomainInfo? listed, IReadOnlyList<BoundEntry> certificates)
            {
                Listed = listed;
                Certificates = certificates;
            }

            public UrlDomainInfo? Listed { get; }

            public IReadOnlyList<BoundEntry> Certificates { get; }
        }

        private sealed class BoundEntry
        {
            private readonly SslInfo _ssl;
            private readonly CertificateDetails _details;

            public BoundEntry(SslInfo ssl, CertificateDetails details)
            {
                _ssl = ssl;
                _details = details;
            }

            // The listing's algorithm first (the details may not carry it); a certificate that does not say is RSA.
            public string Algorithm =>
                !string.IsNullOrWhiteSpace(_ssl.AlgorithmType) ? _ssl.AlgorithmType!.Trim()
                : !string.IsNullOrWhiteSpace(_details.AlgorithmType) ? _details.AlgorithmType!.Trim()
                : "RSA";

            public bool Describes(CertificateFacts leaf) => leaf.IsDescribedBy(_details.SerialNumber, _details.Issuer, _details.NotAfter);

            public ApigBoundCertificate ToModel() => new ApigBoundCertificate
            {
                CertificateId = _ssl.SslId ?? _details.Id ?? string.Empty,
                Name = _details.Name ?? _ssl.SslName,
                AlgorithmType = Algorithm,
                SerialNumber = _details.SerialNumber,
                Issuer = _details.Issuer.Count == 0 ? null : string.Join(", ", _details.Issuer),
                NotAfter = _details.NotAfter?.UtcDateTime,
            };
        }
    }

    /// <summary>One domain to check, as the cmdlet resolved it from its input.</summary>
    public sealed class TlsCheckRequest
    {
        /// <param name="domainName">Null only with <paramref name="domain"/>: its name is then read from its group.</param>
        /// <param name="domain">The domain in APIG, or null when it is known by name only.</param>
        /// <param name="httpsPort">The HTTPS port the input carried, if any.</param>
        /// <param name="endpoint">Where to connect instead of the domain name.</param>
        /// <param name="waitUntilMatches">Check again until the served leaf is the bound one.</param>
        /// <param name="waitTimeout">How long to wait for that.</param>
        public TlsCheckRequest(string? domainName, DomainRef? domain, int? httpsPort, TlsEndpoint? endpoint, bool waitUntilMatches, TimeSpan waitTimeout)
        {
            DomainName = string.IsNullOrWhiteSpace(domainName) ? null : domainName!.Trim();
            if (DomainName is null && domain is null) throw new ArgumentNullException(nameof(domainName));
            Domain = domain;
            HttpsPort = httpsPort;
            Endpoint = endpoint;
            WaitUntilMatches = waitUntilMatches;
            WaitTimeout = waitTimeout;
        }

        /// <summary>Sent as SNI, and the host connected to unless <see cref="Endpoint"/> says otherwise; null when only the ids are known.</summary>
        public string? DomainName { get; }

        /// <summary>The domain in APIG; null when it is known by name only.</summary>
        public DomainRef? Domain { get; }

        /// <summary>The domain's HTTPS port when the input carried it; otherwise the listing's, or 443.</summary>
        public int? HttpsPort { get; }

        public TlsEndpoint? Endpoint { get; }

        public bool WaitUntilMatches { get; }

        public TimeSpan WaitTimeout { get; }

        /// <summary>The same request for the domain its name was found as.</summary>
        public TlsCheckRequest For(DomainRef domain) => new TlsCheckRequest(DomainName, domain, HttpsPort, Endpoint, WaitUntilMatches, WaitTimeout);
    }

    /// <summary>The check, and the stable id of its error when it did not work.</summary>
    public sealed class TlsCheckOutcome
    {
        internal TlsCheckOutcome(ApigTlsCheck check, string? errorId)
        {
            Check = check;
            ErrorId = errorId;
        }

        public ApigTlsCheck Check { get; }

        /// <summary>Null when the check worked.</summary>
        public string? ErrorId { get; }
    }
}
