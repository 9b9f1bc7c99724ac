using System;
using System.Globalization;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Diagnostics;
using Apig.Cert.Engine.Http;

namespace Apig.Cert.Engine.Api
{
    /// <summary>
    /// Huawei Cloud Certificate Manager (CCM, service "scm"): the two calls that bring its certificates to APIG, list and
    /// export. Same pipeline (retries, deadlines, redacted Debug) and credentials as the APIG client of the connection;
    /// the AK/SK signature is scoped to the account (X-Domain-Id) as the SDKs sign global services.
    /// </summary>
    public sealed class CcmClient
    {
        /// <summary>ListCertificates takes limit 10 to 50 (UNCONFIRMED below 10: never asked for).</summary>
        public const int MaxPageSize = 50;

        private readonly string _ccmBase;
        private readonly ApigHttpPipeline _pipeline;
        private readonly IRequestAuthenticator _authenticator;
        private readonly IApigLog? _log;

        internal CcmClient(string ccmBase, string? accountId, ApigHttpPipeline pipeline, IRequestAuthenticator authenticator, IApigLog? log)
        {
            _ccmBase = ccmBase;
            AccountId = accountId;
            _pipeline = pipeline;
            _authenticator = authenticator;
            _log = log;
        }

        /// <summary>scheme://authority[/prefix] of CCM, without a trailing '/'.</summary>
        public string Endpoint => _ccmBase;

        /// <summary>The account (domain) id the requests are scoped to; null when the connection does not know it.</summary>
        public string? AccountId { get; }

        /// <summary>
        /// Sends through the connection's pipeline. A refused signature without an account id most likely means CCM wants
        /// the account scope (the SDKs always send it): the error says how to give it.
        /// </summary>
        private async Task<ApigResponse> SendAsync(ApigRequest request, CancellationToken cancellationToken)
        {
            try
            {
                return await _pipeline.SendAsync(request, _authenticator, _log, cancellationToken).ConfigureAwait(false);
            }
            catch (ApigApiException ex) when (AccountId == null && (ex.StatusCode == 401 || ex.StatusCode == 403))
            {
                throw new ApigApiException(
                    ex.Message + " CCM may need the account id the SDKs sign global services with: connect with -AccountId <account id> " +
                    "(console: My Credentials > API Credentials) or set HUAWEICLOUD_SDK_DOMAIN_ID, then try again.",
                    ex.StatusCode, ex.ErrorCode, ex.ErrorMessage, ex.RequestId, ex.Method, ex.Path, ex);
            }
        }

        /// <summary>ListCertificates, one page. <paramref name="name"/> and <paramref name="status"/> are passed on as the API's filters.</summary>
        internal async Task<PageResult<CcmCertificateInfo>> ListCertificatesAsync(int offset, int limit, string? name, string? status, CancellationToken cancellationToken)
        {
            if (offset < 0) throw new ApigInputException("InvalidOffset", "Offset", "The offset must be 0 or more; it is " + offset + ".");
            if (limit < 1 || limit > MaxPageSize)
            {
                throw new ApigInputException("InvalidLimit", "Limit", "The CCM page size must be between 1 and " + MaxPageSize + "; it is " + limit + ".");
            }

            var query = new StringBuilder("offset=").Append(offset.ToString(CultureInfo.InvariantCulture))
                .Append("&limit=").Append(limit.ToString(CultureInfo.InvariantCulture));
            if (!string.IsNullOrWhiteSpace(name)) query.Append("&name=").Append(UrlEncoding.Encode(name!.Trim()));
            if (!string.IsNullOrWhiteSpace(status)) query.Append("&status=").Append(UrlEncoding.Encode(status!.Trim().ToUpperInvariant()));
            var request = new ApigRequest(HttpMethod.Get, _ccmBase, "/v3/scm/certificates", query.ToString(), null);
            ApigResponse response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            CcmCertificateListBody page;
            try
            {
                page = ApigJson.Deserialize<CcmCertificateListBody>(response.BodyUtf8, ApiJson.Options);
            }
            catch (JsonException ex)
            {
                throw ApigHttpPipeline.CreateUnreadableResponse(request, response, ex);
            }

            return new PageResult<CcmCertificateInfo>(page.Certificates ?? new System.Collections.Generic.List<CcmCertificateInfo>(), page.TotalCount);
        }

        /// <summary>
        /// ExportCertificate: the certificate, its chain and its private key. The key is read from the answer's bytes into
        /// characters the result owns (never a string), and the answer's bytes are cleared before this returns.
        /// </summary>
        internal async Task<CcmExportedCertificate> ExportCertificateAsync(string certificateId, CancellationToken cancellationToken)
        {
            string path = "/v3/scm/certificates/" + Uri.EscapeDataString(CcmIds.EnsureValid(certificateId, "CcmCertificateId")) + "/export";
            // An export changes nothing: repeating it after a lost answer is safe.
            var request = new ApigRequest(HttpMethod.Post, _ccmBase, path, null, null) { SafeToRepeat = true };
            ApigResponse response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            ArraySegment<byte> body = response.BodyUtf8;
            try
            {
                return CcmExportedCertificate.Read(body);
            }
            catch (JsonException ex)
            {
                // The reader's message names a position and a token kind, never the key's text.
                throw ApigHttpPipeline.CreateUnreadableResponse(request, response, ex);
            }
            finally
            {
                if (body.Array != null) Array.Clear(body.Array, 0, body.Array.Length);
            }
        }
    }
}
