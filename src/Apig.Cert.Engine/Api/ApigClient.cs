using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Http;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Api
{
    /// <summary>
    /// One async method per APIG operation. Builds URLs from validated ids; never writes to a PowerShell stream. The
    /// operations and their wire bodies are internal: outside the engine the client is a handle that use-cases take.
    /// </summary>
    public sealed class ApigClient
    {
        public const int MaxPageSize = 500;

        private readonly string _apigBase;
        private readonly string _projectId;
        private readonly ApigHttpPipeline _pipeline;
        private readonly IRequestAuthenticator _authenticator;
        private readonly IApigLog? _log;

        /// <remarks>Takes the transport parts, not the session: the API layer sits below the connection that builds it.</remarks>
        internal ApigClient(string apigBase, string projectId, ApigHttpPipeline pipeline, IRequestAuthenticator authenticator, IApigLog? log)
        {
            _apigBase = apigBase;
            _projectId = projectId;
            _pipeline = pipeline;
            _authenticator = authenticator;
            _log = log;
        }

        /// <summary>AssociateCertificateV2: uploads the certificate and key onto the domain, replacing any certificate bound there.</summary>
        /// <remarks>
        /// confirmBound answers whether this certificate is bound on the domain now; it is asked after an answer that leaves
        /// open whether the upload took effect, so a bind that did is not uploaded twice. Without it such a bind is not
        /// repeated. A bind it confirms returns a response with <see cref="BindCertificateResponse.AppliedWithoutAnswer"/> set and no ids.
        /// </remarks>
        internal Task<BindCertificateResponse> BindCertificateAsync(DomainRef domain, string name, string certificatePem, string privateKeyPem,
            CancellationToken cancellationToken, Func<CancellationToken, Task<bool>>? confirmBound = null) =>
            BindCertificateAsync(domain, name, certificatePem, (privateKeyPem ?? string.Empty).AsMemory(), cancellationToken, confirmBound);

        /// <summary>The same, with the key as characters the caller owns and clears; no string of the key is made on the way.</summary>
        internal async Task<BindCertificateResponse> BindCertificateAsync(DomainRef domain, string name, string certificatePem, ReadOnlyMemory<char> privateKeyPem,
            CancellationToken cancellationToken, Func<CancellationToken, Task<bool>>? confirmBound = null)
        {
            var response = await SendFormAsync(HttpMethod.Post, DomainPath(domain) + "/certificate",
                new CertFormBody { Name = name, CertContent = certificatePem }, privateKeyPem, request =>
                {
                    request.ConfirmApplied = confirmBound;
                    request.AppliedState = "the certificate is bound";
                    request.ChangeName = "the bind";
                }, cancellationToken).ConfigureAwait(false);
            var result = Read<BindCertificateResponse>(response.Request, response.Response);
            result.RequestId = response.Response.RequestId;
            result.AppliedWithoutAnswer = response.Response.WasAppliedWithoutAnswer;
            return result;
        }

        /// <summary>ShowDetailsOfDomainNameCertificateV2.</summary>
        internal async Task<CertificateDetails> GetDomainCertificateAsync(DomainRef domain, string certificateId, CancellationToken cancellationToken)
        {
            string path = DomainPath(domain) + "/certificate/" + Segment(certificateId, "CertificateId");
            var response = await SendAsync(HttpMethod.Get, path, null, null, cancellationToken).ConfigureAwait(false);
            return ModelNormalizer.Normalize(Read<CertificateDetails>(response.Request, response.Response));
        }

        /// <summary>DisassociateCertificateV2 (204). After an answer that leaves it open, the group is read again to see whether the unbind happened.</summary>
        internal Task UnbindCertificateAsync(DomainRef domain, string certificateId, CancellationToken cancellationToken)
        {
            string path = DomainPath(domain) + "/certificate/" + Segment(certificateId, "CertificateId");
            return SendAsync(new ApigRequest(HttpMethod.Delete, _apigBase, path, null, null)
            {
                ConfirmApplied = async token =>
                {
                    GroupInfo group = await GetGroupAsync(domain.InstanceId, domain.GroupId, token).ConfigureAwait(false);
                    UrlDomainInfo? listed = group.DomainWithId(domain.DomainId);
                    return listed == null ||
                           (!string.Equals(listed.SslId, certificateId, StringComparison.Ordinal) &&
                            listed.SslInfos.All(ssl => !string.Equals(ssl.SslId, certificateId, StringComparison.Ordinal)));
                },
                AppliedState = "the certificate is no longer bound",
                ChangeName = "the unbind",
            }, cancellationToken);
        }

        /// <summary>ListInstancesV2, one page.</summary>
        internal async Task<PageResult<InstanceInfo>> ListInstancesAsync(int offset, int limit, CancellationToken cancellationToken)
        {
            string query = PageQuery(offset, limit);
            var response = await SendAsync(HttpMethod.Get, ProjectPath() + "/instances", query, null, cancellationToken).ConfigureAwait(false);
            var page = Read<InstanceListBody>(response.Request, response.Response);
            return new PageResult<InstanceInfo>(ModelNormalizer.OrEmpty(page.Instances), page.Total);
        }

        /// <summary>ListApiGroupsV2, one page. <paramref name="name"/> filters by group name the way APIG does (substring match).</summary>
        internal async Task<PageResult<GroupInfo>> ListGroupsAsync(string instanceId, int offset, int limit, string? name, CancellationToken cancellationToken)
        {
            string path = InstancePath(instanceId) + "/api-groups";
            string query = PageQuery(offset, limit);
            if (!string.IsNullOrEmpty(name)) query += "&name=" + UrlEncoding.Encode(name!);
            var response = await SendAsync(HttpMethod.Get, path, query, null, cancellationToken).ConfigureAwait(false);
            var page = Read<GroupListBody>(response.Request, response.Response);
            var groups = ModelNormalizer.OrEmpty(page.Groups);
            foreach (var group in groups) ModelNormalizer.Normalize(group);
            return new PageResult<GroupInfo>(groups, page.Total);
        }

        /// <summary>ShowDetailsOfApiGroupV2, including url_domains and their ssl_infos.</summary>
        internal async Task<GroupInfo> GetGroupAsync(string instanceId, string groupId, CancellationToken cancellationToken)
        {
            string path = InstancePath(instanceId) + "/api-groups/" + Segment(groupId, "GroupId");
            var response = await SendAsync(HttpMethod.Get, path, null, null, cancellationToken).ConfigureAwait(false);
            return ModelNormalizer.Normalize(Read<GroupInfo>(response.Request, response.Response));
        }

        /// <summary>AssociateDomainV2: adds a custom domain to the group. <paramref name="minSslVersion"/> is TLSv1.1 or TLSv1.2; null keeps the region default.</summary>
        internal async Task<UrlDomainInfo> AssociateDomainAsync(string instanceId, string groupId, string urlDomain, string? minSslVersion,
            CancellationToken cancellationToken, bool? redirectToHttps = null, int? httpPort = null, int? httpsPort = null)
        {
            string path = InstancePath(instanceId) + "/api-groups/" + Segment(groupId, "GroupId") + "/domains";
            if (string.IsNullOrWhiteSpace(urlDomain)) throw new ApigInputException("DomainNameRequired", "DomainName", "Specify the custom domain name.");
            byte[] body = ApigJson.Serialize(new UrlDomainCreateBody
            {
                UrlDomain = urlDomain.Trim(),
                MinSslVersion = string.IsNullOrWhiteSpace(minSslVersion) ? null : minSslVersion!.Trim(),
                IsHttpRedirectToHttps = redirectToHttps,
                IngressHttpPort = httpPort,
                IngressHttpsPort = httpsPort,
            }, ApiJson.Options);
            UrlDomainInfo? associated = null;
            var response = await SendAsync(new ApigRequest(HttpMethod.Post, _apigBase, path, null, body)
            {
                ConfirmApplied = async token =>
                {
                    GroupInfo group = await GetGroupAsync(instanceId, groupId, token).ConfigureAwait(false);
                    associated = group.UrlDomains.FirstOrDefault(d => string.Equals(d.Domain, urlDomain.Trim(), StringComparison.OrdinalIgnoreCase));
                    return associated != null;
                },
                AppliedState = "the group lists the domain",
                ChangeName = "the domain association",
            }, cancellationToken).ConfigureAwait(false);
            if (response.Response.WasAppliedWithoutAnswer && associated != null) return associated;
            return ModelNormalizer.Normalize(Read<AssociateDomainBody>(response.Request, response.Response).ToUrlDomainInfo());
        }

        /// <summary>UpdateDomainV2 (any 2xx: the pages say 200 or 201). Answers the domain's settings as they are now.</summary>
        internal async Task<UrlDomainInfo> UpdateDomainAsync(DomainRef domain, UrlDomainModifyBody settings, CancellationToken cancellationToken)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            if (string.IsNullOrWhiteSpace(settings.MinSslVersion))
            {
                throw new ApigInputException("MinSslVersionRequired", "MinSslVersion", "UpdateDomainV2 needs min_ssl_version on every update: give TLSv1.1 or TLSv1.2.");
            }

            byte[] body = ApigJson.Serialize(settings, ApiJson.Options);
            var response = await SendAsync(HttpMethod.Put, DomainPath(domain), null, body, cancellationToken).ConfigureAwait(false);
            return ModelNormalizer.Normalize(Read<AssociateDomainBody>(response.Request, response.Response).ToUrlDomainInfo());
        }

        /// <summary>CreateCertificateV2 (200): a certificate in the store, bound nowhere yet.</summary>
        /// <remarks>
        /// After an answer that leaves open whether the create took effect, <paramref name="confirmCreated"/> (when given)
        /// looks for it; when it finds it, the result has <see cref="CertificateDetails.AppliedWithoutAnswer"/> set and the
        /// caller looks it up. Without it such a create is not repeated, so the store never gets a copy nobody asked for.
        /// </remarks>
        internal async Task<CertificateDetails> CreateCertificateAsync(CertFormBody form, ReadOnlyMemory<char> privateKeyPem, CancellationToken cancellationToken,
            Func<CancellationToken, Task<bool>>? confirmCreated = null)
        {
            var response = await SendFormAsync(HttpMethod.Post, ProjectPath() + "/certificates", form, privateKeyPem, request =>
            {
                request.ConfirmApplied = confirmCreated;
                request.AppliedState = "the store holds the certificate";
                request.ChangeName = "the certificate creation";
            }, cancellationToken).ConfigureAwait(false);
            if (response.Response.WasAppliedWithoutAnswer) return new CertificateDetails { AppliedWithoutAnswer = true };
            return ModelNormalizer.Normalize(Read<CertificateDetails>(response.Request, response.Response));
        }

        /// <summary>ShowDetailsOfCertificateV2.</summary>
        internal async Task<CertificateDetails> GetCertificateAsync(string certificateId, CancellationToken cancellationToken)
        {
            var response = await SendAsync(HttpMethod.Get, CertificatePath(certificateId), null, null, cancellationToken).ConfigureAwait(false);
            return ModelNormalizer.Normalize(Read<CertificateDetails>(response.Request, response.Response));
        }

        /// <summary>
        /// UpdateCertificateV2 (200): replaces the stored content in place; the id stays and every bound domain serves the
        /// new certificate. The form is the whole form: what it leaves out (a trusted root CA) may be dropped by the API.
        /// </summary>
        internal async Task<CertificateDetails> UpdateCertificateAsync(string certificateId, CertFormBody form, ReadOnlyMemory<char> privateKeyPem,
            CancellationToken cancellationToken)
        {
            var response = await SendFormAsync(HttpMethod.Put, CertificatePath(certificateId), form, privateKeyPem,
                request => request.ChangeName = "the certificate update", cancellationToken).ConfigureAwait(false);
            return ModelNormalizer.Normalize(Read<CertificateDetails>(response.Request, response.Response));
        }

        /// <summary>DeleteCertificateV2 (204). Only an unbound certificate can be deleted. After an ambiguous answer, a show that finds nothing confirms it.</summary>
        internal Task DeleteCertificateAsync(string certificateId, CancellationToken cancellationToken)
        {
            return SendAsync(new ApigRequest(HttpMethod.Delete, _apigBase, CertificatePath(certificateId), null, null)
            {
                ConfirmApplied = async token =>
                {
                    try
                    {
                        await GetCertificateAsync(certificateId, token).ConfigureAwait(false);
                        return false;
                    }
                    catch (ApigApiException ex) when (ex.StatusCode == 404)
                    {
                        return true;
                    }
                },
                AppliedState = "the certificate is gone",
                ChangeName = "the certificate deletion",
            }, cancellationToken);
        }

        /// <summary>ListCertificatesV2, one page. The API needs an instance; whether it adds global certificates to it is not documented.</summary>
        internal async Task<PageResult<CertificateDetails>> ListCertificatesAsync(string instanceId, CertificateQuery? filter, int offset, int limit,
            CancellationToken cancellationToken)
        {
            var query = new StringBuilder(PageQuery(offset, limit));
            query.Append("&instance_id=").Append(UrlEncoding.Encode(ApigIds.EnsureValid(instanceId, "InstanceId")));
            if (filter != null)
            {
                AppendFilter(query, "name", filter.Name);
                AppendFilter(query, "common_name", filter.CommonName);
                AppendFilter(query, "type", filter.Type);
                AppendFilter(query, "algorithm_type", filter.AlgorithmType);
                AppendFilter(query, "signature_algorithm", filter.SignatureAlgorithm);
            }

            var response = await SendAsync(HttpMethod.Get, ProjectPath() + "/certificates", query.ToString(), null, cancellationToken).ConfigureAwait(false);
            var page = Read<CertificateListBody>(response.Request, response.Response);
            var certificates = ModelNormalizer.OrEmpty(page.Certs);
            foreach (var certificate in certificates) ModelNormalizer.Normalize(certificate);
            return new PageResult<CertificateDetails>(certificates, page.Total);
        }

        /// <summary>
        /// BatchAssociateCertsV2 (204): attaches one stored certificate to the domain. Attaching a certificate that is
        /// already attached succeeds (and sets the verification flag), so the request is safe to repeat.
        /// </summary>
        internal Task AttachCertificateAsync(DomainRef domain, string certificateId, bool? verifyClientCertificate, CancellationToken cancellationToken)
        {
            byte[] body = CertificateIds(certificateId, verifyClientCertificate);
            return SendAsync(new ApigRequest(HttpMethod.Post, _apigBase, DomainPath(domain) + "/certificates/attach", null, body)
            {
                SafeToRepeat = true,
                ChangeName = "the attach",
            }, cancellationToken);
        }

        /// <summary>BatchDisassociateCertsV2 (204). A repeat finds nothing bound (404 APIG.3097), which callers count as done.</summary>
        internal Task DetachCertificateAsync(DomainRef domain, string certificateId, CancellationToken cancellationToken)
        {
            byte[] body = CertificateIds(certificateId, null);
            return SendAsync(new ApigRequest(HttpMethod.Post, _apigBase, DomainPath(domain) + "/certificates/detach", null, body)
            {
                SafeToRepeat = true,
                ChangeName = "the detach",
            }, cancellationToken);
        }

        /// <summary>BatchAssociateDomainsV2 (204): attaches the certificate to every named domain in one request.</summary>
        internal Task AttachDomainsAsync(string certificateId, IReadOnlyList<DomainBatchEntry> domains, CancellationToken cancellationToken) =>
            SendDomainBatchAsync(certificateId, "/domains/attach", domains, "the batch attach", cancellationToken);

        /// <summary>BatchDisassociateDomainsV2 (204). None of the names bound: 400 APIG.2000 "no valid domain name", which callers count as done.</summary>
        internal Task DetachDomainsAsync(string certificateId, IReadOnlyList<DomainBatchEntry> domains, CancellationToken cancellationToken) =>
            SendDomainBatchAsync(certificateId, "/domains/detach", domains, "the batch detach", cancellationToken);

        /// <summary>ListAttachedDomainsV2, one page: one entry per ingress port of each bound name.</summary>
        internal async Task<PageResult<AttachedDomainInfo>> ListAttachedDomainsAsync(string certificateId, string? urlDomain, int offset, int limit,
            CancellationToken cancellationToken)
        {
            string query = PageQuery(offset, limit);
            if (!string.IsNullOrWhiteSpace(urlDomain)) query += "&url_domain=" + UrlEncoding.Encode(urlDomain!.Trim());
            var response = await SendAsync(HttpMethod.Get, CertificatePath(certificateId) + "/attached-domains", query, null, cancellationToken)
                .ConfigureAwait(false);
            var page = Read<AttachedDomainListBody>(response.Request, response.Response);
            return new PageResult<AttachedDomainInfo>(ModelNormalizer.OrEmpty(page.BoundDomains), page.Total);
        }

        /// <summary>DisassociateDomainV2 (204): removes the custom domain from the group.</summary>
        internal Task DisassociateDomainAsync(string instanceId, string groupId, string domainId, CancellationToken cancellationToken)
        {
            string path = InstancePath(instanceId) + "/api-groups/" + Segment(groupId, "GroupId") + "/domains/" + Segment(domainId, "DomainId");
            return SendAsync(new ApigRequest(HttpMethod.Delete, _apigBase, path, null, null) { ChangeName = "the domain removal" },
                cancellationToken);
        }

        private Task SendDomainBatchAsync(string certificateId, string suffix, IReadOnlyList<DomainBatchEntry> domains, string changeName,
            CancellationToken cancellationToken)
        {
            if (domains == null || domains.Count == 0) throw new ApigInputException("DomainNameRequired", "DomainName", "Name at least one domain.");
            byte[] body = ApigJson.Serialize(new DomainBatchBody { Domains = domains.ToList() }, ApiJson.Options);
            return SendAsync(new ApigRequest(HttpMethod.Post, _apigBase, CertificatePath(certificateId) + suffix, null, body)
            {
                // Attaching what is attached, or detaching what is not, leaves the same state (detach: APIG.2000 on a repeat).
                SafeToRepeat = true,
                ChangeName = changeName,
            }, cancellationToken);
        }

        private static byte[] CertificateIds(string certificateId, bool? verifyClientCertificate) =>
            ApigJson.Serialize(new CertificateIdsBody
            {
                CertificateIds = new List<string> { ApigIds.EnsureValid(certificateId, "CertificateId") },
                VerifiedClientCertificateEnabled = verifyClientCertificate,
            }, ApiJson.Options);

        // The key is written into the body from its characters (never a string) and the body cleared after the call.
        private async Task<(ApigRequest Request, ApigResponse Response)> SendFormAsync(HttpMethod method, string path, CertFormBody form,
            ReadOnlyMemory<char> privateKeyPem, Action<ApigRequest> configure, CancellationToken cancellationToken)
        {
            if (form == null) throw new ArgumentNullException(nameof(form));
            if (string.IsNullOrWhiteSpace(form.Name)) throw new ApigInputException("CertificateNameRequired", "Name", "Specify a certificate name.");
            if (string.IsNullOrWhiteSpace(form.CertContent)) throw new ApigInputException("CertificateRequired", "Certificate", "The certificate is empty.");
            if (privateKeyPem.Span.IsWhiteSpace()) throw new ApigInputException("PrivateKeyRequired", "PrivateKey", "The private key is empty.");
            if (form.PrivateKey != null) throw new ArgumentException("The key goes in privateKeyPem, never in the form.", nameof(form));

            byte[] withoutKey = ApigJson.Serialize(form, ApiJson.Options);
            byte[] body = SecretJsonProperty.Append(withoutKey, "private_key", privateKeyPem.Span);
            try
            {
                var request = new ApigRequest(method, _apigBase, path, null, body);
                configure(request);
                return await SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Array.Clear(body, 0, body.Length);
            }
        }

        private static void AppendFilter(StringBuilder query, string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) query.Append('&').Append(name).Append('=').Append(UrlEncoding.Encode(value!.Trim()));
        }

        private string CertificatePath(string certificateId) => ProjectPath() + "/certificates/" + Segment(certificateId, "CertificateId");

        private Task<(ApigRequest Request, ApigResponse Response)> SendAsync(HttpMethod method, string path, string? query, byte[]? body,
            CancellationToken cancellationToken) =>
            SendAsync(new ApigRequest(method, _apigBase, path, query, body), cancellationToken);

        private async Task<(ApigRequest Request, ApigResponse Response)> SendAsync(ApigRequest request, CancellationToken cancellationToken)
        {
            var response = await _pipeline.SendAsync(request, _authenticator, _log, cancellationToken).ConfigureAwait(false);
            return (request, response);
        }

        private static T Read<T>(ApigRequest request, ApigResponse response) where T : class, new()
        {
            try
            {
                return ApigJson.Deserialize<T>(response.BodyUtf8, ApiJson.Options);
            }
            catch (JsonException ex)
            {
                throw ApigHttpPipeline.CreateUnreadableResponse(request, response, ex);
            }
        }

        private string ProjectPath() => "/v2/" + Uri.EscapeDataString(_projectId) + "/apigw";

        private string InstancePath(string instanceId) => ProjectPath() + "/instances/" + Segment(instanceId, "InstanceId");

        // A DomainRef was checked when it was made (DomainRef.Create): its ids are only escaped here.
        private string DomainPath(DomainRef domain)
        {
            if (domain == null) throw new ArgumentNullException(nameof(domain));
            return ProjectPath() + "/instances/" + Uri.EscapeDataString(domain.InstanceId) + "/api-groups/" + Uri.EscapeDataString(domain.GroupId) +
                   "/domains/" + Uri.EscapeDataString(domain.DomainId);
        }

        /// <summary>Validation makes an id path-safe; escaping anyway means a future relaxation of the rules cannot open a hole.</summary>
        private static string Segment(string id, string inputName) => Uri.EscapeDataString(ApigIds.EnsureValid(id, inputName));

        private static string PageQuery(int offset, int limit)
        {
            if (offset < 0) throw new ApigInputException("InvalidOffset", "Offset", "The offset must be 0 or more; it is " + offset + ".");
            if (limit < 1 || limit > MaxPageSize)
            {
                throw new ApigInputException("InvalidLimit", "Limit", "The page size must be between 1 and " + MaxPageSize + "; it is " + limit + ".");
            }

            return "offset=" + offset.ToString(CultureInfo.InvariantCulture) + "&limit=" + limit.ToString(CultureInfo.InvariantCulture);
        }
    }
}
