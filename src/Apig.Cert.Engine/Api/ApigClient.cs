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
            string path = DomainPath(domain) + "/certificate";
            if (string.IsNullOrWhiteSpace(name)) throw new ApigInputException("CertificateNameRequired", "Name", "Specify a certificate name.");
            if (string.IsNullOrWhiteSpace(certificatePem)) throw new ApigInputException("CertificateRequired", "Certificate", "The certificate is empty.");
            if (privateKeyPem.Span.IsWhiteSpace()) throw new ApigInputException("PrivateKeyRequired", "PrivateKey", "The private key is empty.");

            byte[] withoutKey = ApigJson.Serialize(new CertFormBody { Name = name, CertContent = certificatePem, PrivateKey = null }, ApiJson.Options);
            byte[] body = SecretJsonProperty.Append(withoutKey, "private_key", privateKeyPem.Span);
            try
            {
                var response = await SendAsync(new ApigRequest(HttpMethod.Post, _apigBase, path, null, body)
                {
                    ConfirmApplied = confirmBound,
                    AppliedState = "the certificate is bound",
                    ChangeName = "the bind",
                }, cancellationToken).ConfigureAwait(false);
                var result = Read<BindCertificateResponse>(response.Request, response.Response);
                result.RequestId = response.Response.RequestId;
                result.AppliedWithoutAnswer = response.Response.WasAppliedWithoutAnswer;
                return result;
            }
            finally
            {
                // The serialized body holds the private key; do not leave it for the GC to hand out again.
                Array.Clear(body, 0, body.Length);
            }
        }

        /// <summary>ShowDetailsOfDomainNameCertificateV2.</summary>
        internal async Task<DomainCertificateDetails> GetDomainCertificateAsync(DomainRef domain, string certificateId, CancellationToken cancellationToken)
        {
            string path = DomainPath(domain) + "/certificate/" + Segment(certificateId, "CertificateId");
            var response = await SendAsync(HttpMethod.Get, path, null, null, cancellationToken).ConfigureAwait(false);
            return ModelNormalizer.Normalize(Read<DomainCertificateDetails>(response.Request, response.Response));
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
            CancellationToken cancellationToken)
        {
            string path = InstancePath(instanceId) + "/api-groups/" + Segment(groupId, "GroupId") + "/domains";
            if (string.IsNullOrWhiteSpace(urlDomain)) throw new ApigInputException("DomainNameRequired", "DomainName", "Specify the custom domain name.");
            byte[] body = ApigJson.Serialize(new UrlDomainCreateBody
            {
                UrlDomain = urlDomain.Trim(),
                MinSslVersion = string.IsNullOrWhiteSpace(minSslVersion) ? null : minSslVersion!.Trim(),
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

        /// <summary>DisassociateDomainV2 (204): removes the custom domain from the group.</summary>
        internal Task DisassociateDomainAsync(string instanceId, string groupId, string domainId, CancellationToken cancellationToken)
        {
            string path = InstancePath(instanceId) + "/api-groups/" + Segment(groupId, "GroupId") + "/domains/" + Segment(domainId, "DomainId");
            return SendAsync(new ApigRequest(HttpMethod.Delete, _apigBase, path, null, null) { ChangeName = "the domain removal" },
                cancellationToken);
        }

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
