using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Operations
{
    /// <summary>What Set-ApigDomain was asked to change; null leaves a setting as it is. Made only by <see cref="Create"/>, which checks it.</summary>
    public sealed class RequestedDomainSettings
    {
        private RequestedDomainSettings(string? minSslVersion, bool? redirectToHttps, bool? verifyClientCertificate, int? httpPort, int? httpsPort)
        {
            MinSslVersion = minSslVersion;
            RedirectToHttps = redirectToHttps;
            VerifyClientCertificate = verifyClientCertificate;
            HttpPort = httpPort;
            HttpsPort = httpsPort;
        }

        public string? MinSslVersion { get; }

        public bool? RedirectToHttps { get; }

        public bool? VerifyClientCertificate { get; }

        public int? HttpPort { get; }

        public int? HttpsPort { get; }

        /// <summary>
        /// Checks every value as APIG would (<see cref="ApigInputException"/>, nothing sent). A single port is completed
        /// later from the domain's current one. Nothing given at all is an error: the update would have nothing to do.
        /// </summary>
        public static RequestedDomainSettings Create(string? minSslVersion, bool? redirectToHttps, bool? verifyClientCertificate, int? httpPort, int? httpsPort)
        {
            string? minSsl = DomainSettingsRules.NormalizeMinSslVersion(minSslVersion, "MinSslVersion");
            DomainSettingsRules.CompletePorts(httpPort, httpsPort, DomainSettingsRules.DefaultHttpPort, DomainSettingsRules.DefaultHttpsPort, "-");
            if (minSsl is null && redirectToHttps is null && verifyClientCertificate is null && httpPort is null && httpsPort is null)
            {
                throw new ApigInputException("NoSettingGiven", "MinSslVersion",
                    "Set-ApigDomain was given no setting to change. Give at least one of -MinSslVersion, -RedirectToHttps, -VerifyClientCertificate, -HttpPort, -HttpsPort.");
            }

            return new RequestedDomainSettings(minSsl, redirectToHttps, verifyClientCertificate, httpPort, httpsPort);
        }
    }

    /// <summary>What one domain's read found: the changes to send (none when it is already as asked), and the domain as it is.</summary>
    public sealed class DomainSettingsPlan
    {
        internal DomainSettingsPlan(DomainRef domain, GroupInfo group, UrlDomainInfo listed, IReadOnlyList<string> changes, UrlDomainModifyBody? body,
            ApigDomain current)
        {
            Domain = domain;
            Group = group;
            Listed = listed;
            Changes = changes;
            Body = body;
            Current = current;
        }

        public DomainRef Domain { get; }

        internal GroupInfo Group { get; }

        internal UrlDomainInfo Listed { get; }

        internal UrlDomainModifyBody? Body { get; }

        /// <summary>E.g. "MinSslVersion TLSv1.1 -> TLSv1.2"; empty when the domain already has every setting asked for.</summary>
        public IReadOnlyList<string> Changes { get; }

        public bool NothingToChange => Body is null;

        /// <summary>The domain as it is before any change (Changed = false): the result when there is nothing to change.</summary>
        public ApigDomain Current { get; }

        public string DomainName => string.IsNullOrEmpty(Listed.Domain) ? Domain.DomainId : Listed.Domain!;

        /// <summary>What -WhatIf and -Confirm show: the domain, its ids and every change.</summary>
        public string Description => "'" + DomainName + "' (" + Domain + "): " + string.Join(", ", Changes);
    }

    /// <summary>What an update came to: the domain as APIG answered, and whether its redirect may have been switched off unasked.</summary>
    public sealed class DomainSettingsResult
    {
        internal DomainSettingsResult(ApigDomain domain, bool redirectMayHaveBeenReset)
        {
            Domain = domain;
            RedirectMayHaveBeenReset = redirectMayHaveBeenReset;
        }

        public ApigDomain Domain { get; }

        /// <summary>
        /// The redirect was not sent (its value before could not be read) and APIG reports it off now: it was off, or the
        /// update switched it off (see <see cref="RedirectWarnings.OffAfterUpdate"/>).
        /// </summary>
        public bool RedirectMayHaveBeenReset { get; }
    }

    /// <summary>
    /// Set-ApigDomain's use-case, in two steps so a prompt can sit between them: <see cref="PlanAsync"/> only reads (the
    /// group, once per command, and where needed the redirect flag) and works out what would change;
    /// <see cref="ApplyAsync"/> sends UpdateDomainV2.
    /// </summary>
    /// <remarks>
    /// UpdateDomainV2 needs min_ssl_version every time, so the current one is sent when none is asked for. The redirect
    /// flag is not in the group listing, and whether an update without it keeps or resets it is not documented: when
    /// something else changes, the flag is sent with its current value wherever that is known (from the domains of a
    /// bound stored certificate, or from the piped object of an earlier answer), so it survives either way.
    /// </remarks>
    public sealed class DomainSettingsUpdater
    {
        private readonly ApigClient _client;
        private readonly GroupLookup _groups;
        private readonly string _projectId;
        private readonly IApigLog? _log;

        public DomainSettingsUpdater(ApigClient client, GroupLookup groups, string projectId, IApigLog? log)
        {
            _client = client ?? throw new ArgumentNullException(nameof(client));
            _groups = groups ?? throw new ArgumentNullException(nameof(groups));
            _projectId = projectId;
            _log = log;
        }

        /// <summary>
        /// Reads the domain and decides what to send; reading only, safe under -WhatIf. <paramref name="pipedRedirect"/>
        /// is the redirect flag of a piped object that came from an answer (New- or Set-ApigDomain), used only when no
        /// bound certificate tells it afresh. Input errors (<see cref="ApigInputException"/>) for what cannot be sent:
        /// client verification without a trusted root CA, a single port the listing cannot complete.
        /// </summary>
        public async Task<DomainSettingsPlan> PlanAsync(DomainRef domain, RequestedDomainSettings requested, bool? pipedRedirect,
            CancellationToken cancellationToken)
        {
            if (domain is null) throw new ArgumentNullException(nameof(domain));
            if (requested is null) throw new ArgumentNullException(nameof(requested));
            GroupInfo group = await _groups.GetAsync(domain.InstanceId, domain.GroupId, cancellationToken).ConfigureAwait(false);
            UrlDomainInfo listed = await _groups.FindDomainAsync(domain, cancellationToken).ConfigureAwait(false);
            string name = string.IsNullOrEmpty(listed.Domain) ? domain.DomainId : listed.Domain!;

            var changes = new List<string>();
            string? currentMinSsl = listed.MinSslVersion;
            if (requested.MinSslVersion != null && !string.Equals(requested.MinSslVersion, currentMinSsl, StringComparison.OrdinalIgnoreCase))
            {
                changes.Add("MinSslVersion " + (currentMinSsl ?? "not listed") + " -> " + requested.MinSslVersion);
            }

            (int? httpPort, int? httpsPort) = DomainSettingsRules.CompletePorts(requested.HttpPort, requested.HttpsPort,
                listed.IngressHttpPort, listed.IngressHttpsPort, "the group listing of '" + name + "'");
            if (httpPort.HasValue && httpPort != listed.IngressHttpPort) changes.Add("HttpPort " + Shown(listed.IngressHttpPort) + " -> " + Shown(httpPort));
            if (httpsPort.HasValue && httpsPort != listed.IngressHttpsPort) changes.Add("HttpsPort " + Shown(listed.IngressHttpsPort) + " -> " + Shown(httpsPort));

            bool verifyNow = listed.VerifiedClientCertificateEnabled == true;
            if (requested.VerifyClientCertificate.HasValue && requested.VerifyClientCertificate.Value != verifyNow)
            {
                if (requested.VerifyClientCertificate.Value && !HasTrustedRootCa(listed))
                {
                    throw new ApigInputException("NoTrustedRootCa", "VerifyClientCertificate",
                        "'" + name + "' has no bound certificate with a trusted root CA, so client certificates would have nothing to be checked against " +
                        "(APIG makes verification effective only then). Bind a stored certificate that carries the CA first: New-ApigCertificate " +
                        "-TrustedRootCaPath ... then Add-ApigCertificateBinding -VerifyClientCertificate, or leave out -VerifyClientCertificate.");
                }

                changes.Add("VerifyClientCertificate " + verifyNow + " -> " + requested.VerifyClientCertificate.Value);
            }

            // The flag is read only where it decides something: whether a redirect alone would change anything, or which
            // value to send along with another change so the update cannot reset it.
            bool? redirectBefore = null;
            bool redirectRead = false;
            async Task<bool?> RedirectNowAsync()
            {
                if (!redirectRead)
                {
                    redirectRead = true;
                    redirectBefore = await DomainSettingsReading.ReadRedirectAsync(_client, domain, listed, _log, cancellationToken).ConfigureAwait(false);
                    if (redirectBefore is null && pipedRedirect.HasValue)
                    {
                        redirectBefore = pipedRedirect;
                        _log?.Verbose("The HTTP-to-HTTPS redirect of '" + name + "' is taken as " + (pipedRedirect.Value ? "on" : "off") + " from the piped object.");
                    }
                }

                return redirectBefore;
            }

            if (requested.RedirectToHttps is bool wanted)
            {
                if (changes.Count == 0)
                {
                    bool? known = await RedirectNowAsync().ConfigureAwait(false);
                    if (known != wanted)
                    {
                        changes.Add("RedirectToHttps " + DomainSettingsReading.OnOff(known) + " -> " + wanted +
                                    (known.HasValue ? string.Empty : " (its current value cannot be read back, so it is sent)"));
                    }
                }
                else
                {
                    // Sent with the other changes anyway: its current value need not be read.
                    changes.Add("RedirectToHttps -> " + wanted);
                }
            }

            if (changes.Count == 0)
            {
                bool? redirect = requested.RedirectToHttps.HasValue ? requested.RedirectToHttps : redirectBefore ?? pipedRedirect;
                ApigDomain current = DomainSettingsReading.ToDomain(listed, group, domain.InstanceId, _projectId, redirect, changed: false);
                _log?.Verbose("'" + name + "' already has the settings asked for; nothing to send.");
                return new DomainSettingsPlan(domain, group, listed, changes, null, current);
            }

            string minSsl = requested.MinSslVersion ?? currentMinSsl ?? throw new ApigInputException("MinSslVersionUnknown", "MinSslVersion",
                "The group listing shows no minimum TLS version for '" + name + "', and UpdateDomainV2 needs one on every update. Give -MinSslVersion TLSv1.2 (or TLSv1.1).");
            var body = new UrlDomainModifyBody
            {
                MinSslVersion = minSsl,
                IsHttpRedirectToHttps = requested.RedirectToHttps ?? await RedirectNowAsync().ConfigureAwait(false),
                VerifiedClientCertificateEnabled = requested.VerifyClientCertificate,
                IngressHttpPort = httpPort,
                IngressHttpsPort = httpsPort,
            };
            ApigDomain before = DomainSettingsReading.ToDomain(listed, group, domain.InstanceId, _projectId, redirectBefore, changed: false);
            return new DomainSettingsPlan(domain, group, listed, changes, body, before);
        }

        /// <summary>
        /// Sends the plan's update (any 2xx answer is success) and returns the domain as APIG answered it, Changed = true.
        /// A plan with nothing to change sends nothing and returns the domain as it is.
        /// </summary>
        public async Task<DomainSettingsResult> ApplyAsync(DomainSettingsPlan plan, CancellationToken cancellationToken)
        {
            if (plan is null) throw new ArgumentNullException(nameof(plan));
            if (plan.Body is null) return new DomainSettingsResult(plan.Current, false);

            UrlDomainInfo answer = await _client.UpdateDomainAsync(plan.Domain, plan.Body, cancellationToken).ConfigureAwait(false);
            _groups.Invalidate(plan.Domain.InstanceId, plan.Domain.GroupId);
            _log?.Verbose("Updated '" + plan.DomainName + "': " + string.Join(", ", plan.Changes) + ".");

            UrlDomainInfo after = DomainSettingsReading.WithAnswer(plan.Listed, answer);
            ApigDomain domain = DomainSettingsReading.ToDomain(after, plan.Group, plan.Domain.InstanceId, _projectId, plan.Body.IsHttpRedirectToHttps, changed: true);
            return new DomainSettingsResult(domain, plan.Body.IsHttpRedirectToHttps is null && domain.RedirectToHttps != true);
        }

        private static bool HasTrustedRootCa(UrlDomainInfo listed) =>
            listed.IsHasTrustedRootCa == true || listed.SslInfos.Any(ssl => !string.IsNullOrEmpty(ssl.SslId) && ssl.IsHasTrustedRootCa == true);

        private static string Shown(int? port) => port.HasValue ? port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "not listed";
    }
}
