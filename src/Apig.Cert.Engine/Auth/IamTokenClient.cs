using System;
using System.IO;
using System.Net.Http;
using System.Security;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Http;
using Apig.Cert.Engine.Diagnostics;
using Apig.Cert.Engine.Primitives;

namespace Apig.Cert.Engine.Auth
{
    internal sealed class IamToken
    {
        public IamToken(string value, DateTimeOffset expiresAt)
            : this(value, expiresAt, expiresAt)
        {
        }

        public IamToken(string value, DateTimeOffset expiresAt, DateTimeOffset localExpiresAt)
        {
            Value = value;
            ExpiresAt = expiresAt;
            LocalExpiresAt = localExpiresAt;
        }

        public string Value { get; }

        /// <summary>The expiry IAM gives, on IAM's clock: what the context shows.</summary>
        public DateTimeOffset ExpiresAt { get; }

        /// <summary>The same moment on this machine's clock, which renewal goes by: the two differ when the local clock is wrong.</summary>
        public DateTimeOffset LocalExpiresAt { get; }

        public override string ToString() => "IAM token expiring " + ExpiresAt.ToString("u");
    }

    /// <summary>Exchanges user name and password for a project-scoped IAM token (KeystoneCreateUserTokenByPassword).</summary>
    internal sealed class IamTokenClient
    {
        /// <summary>Used when IAM omits expires_at: shorter than the documented 24 h so the renewal happens early rather than late.</summary>
        private static readonly TimeSpan AssumedLifetime = TimeSpan.FromHours(12);

        private readonly ApigHttpPipeline _pipeline;
        private readonly string _iamBase;
        private readonly string _userName;
        private readonly SecureString _password;
        private readonly string _accountName;
        private readonly string _projectId;
        /// <summary>Beyond this difference from IAM's clock the local clock is reported as wrong (AK/SK signing allows 15 minutes).</summary>
        private static readonly TimeSpan ClockTolerance = TimeSpan.FromMinutes(5);

        private readonly Func<DateTimeOffset> _utcNow;
        private int _clockReported;

        public IamTokenClient(ApigHttpPipeline pipeline, string iamBase, string userName, SecureString password, string accountName, string projectId,
            Func<DateTimeOffset>? utcNow = null)
        {
            _pipeline = pipeline;
            _iamBase = iamBase;
            _userName = userName;
            _password = password;
            _accountName = accountName;
            _projectId = projectId;
            _utcNow = utcNow ?? (() => DateTimeOffset.UtcNow);
        }

        public async Task<IamToken> CreateTokenAsync(IApigLog? log, CancellationToken cancellationToken)
        {
            byte[] body = BuildBody();
            ApigResponse response;
            // A second token request after a lost answer only issues a second token; nothing lasting changes.
            var request = new ApigRequest(HttpMethod.Post, _iamBase, "/v3/auth/tokens", "nocatalog=true", body) { SafeToRepeat = true };
            try
            {
                response = await _pipeline.SendAsync(request, null, log, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Array.Clear(body, 0, body.Length);
            }

            string? token = response.Header("X-Subject-Token");
            if (string.IsNullOrEmpty(token))
            {
                throw new ApigApiException("IAM answered without an X-Subject-Token header, so no token was issued (HTTP " + response.StatusCode +
                                           ", POST /v3/auth/tokens). Check the IAM endpoint.",
                    response.StatusCode, null, null, response.RequestId, "POST", "/v3/auth/tokens");
            }

            return Judge(token!, response, log);
        }

        /// <summary>
        /// Expiry on the local clock: from the token's own lifetime (expires_at minus issued_at, else minus the Date header),
        /// not from expires_at read against the local clock, which a clock a day fast would put in the past and so renew the
        /// token before every request.
        /// </summary>
        private IamToken Judge(string token, ApigResponse response, IApigLog? log)
        {
            DateTimeOffset now = _utcNow();
            var (issuedAt, expiresAt) = TimesOf(response.Body);
            if (expiresAt == null) return new IamToken(token, now.Add(AssumedLifetime));

            DateTimeOffset? serverNow = issuedAt ?? DateOfResponse(response);
            if (serverNow.HasValue && expiresAt.Value > serverNow.Value)
            {
                TimeSpan skew = now - serverNow.Value;
                if (skew.Duration() > ClockTolerance) ReportClock(skew, log);
                return new IamToken(token, expiresAt.Value, now.Add(expiresAt.Value - serverNow.Value));
            }

            if (expiresAt.Value > now) return new IamToken(token, expiresAt.Value);

            // A token IAM just issued cannot have expired already: the local clock is wrong. An APIG rejection of the
            // token still renews it, once.
            ReportClock(null, log);
            return new IamToken(token, expiresAt.Value, now.Add(AssumedLifetime));
        }

        private void ReportClock(TimeSpan? skew, IApigLog? log)
        {
            if (Interlocked.Exchange(ref _clockReported, 1) != 0) return;
            string how = skew.HasValue
                ? (skew.Value > TimeSpan.Zero ? "about " + FormatSkew(skew.Value) + " ahead of" : "about " + FormatSkew(skew.Value.Negate()) + " behind") + " IAM's"
                : "not in step with IAM's (a new token already looks expired)";
            log?.Verbose("This computer's clock looks wrong: it is " + how + ". Token renewal goes by the token's own lifetime, but AK/SK " +
                         "signing and certificate validity checks need a correct clock: synchronise it.");
        }

        private static string FormatSkew(TimeSpan span) =>
            span.TotalHours >= 1
                ? Math.Round(span.TotalHours, 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + " h"
                : Math.Round(span.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture) + " min";

        private static DateTimeOffset? DateOfResponse(ApigResponse response) =>
            DateTimeOffset.TryParse(response.Header("Date"), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset date) ? date : (DateTimeOffset?)null;

        private byte[] BuildBody()
        {
            using (var buffer = new MemoryStream())
            {
                using (var json = new Utf8JsonWriter(buffer))
                {
                    json.WriteStartObject();
                    json.WriteStartObject("auth");
                    json.WriteStartObject("identity");
                    json.WriteStartArray("methods");
                    json.WriteStringValue("password");
                    json.WriteEndArray();
                    json.WriteStartObject("password");
                    json.WriteStartObject("user");
                    json.WriteString("name", _userName);
                    json.WriteString("password", SecretText.Reveal(_password));
                    json.WriteStartObject("domain");
                    json.WriteString("name", _accountName);
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteStartObject("scope");
                    json.WriteStartObject("project");
                    json.WriteString("id", _projectId);
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                byte[] bytes = buffer.ToArray();
                // MemoryStream.ToArray copies; clear the stream's own buffer that also held the password.
                byte[] internalBuffer = buffer.GetBuffer();
                Array.Clear(internalBuffer, 0, internalBuffer.Length);
                return bytes;
            }
        }

        private static (DateTimeOffset? IssuedAt, DateTimeOffset? ExpiresAt) TimesOf(string body)
        {
            try
            {
                using (var document = JsonDocument.Parse(body))
                {
                    if (document.RootElement.ValueKind == JsonValueKind.Object &&
                        document.RootElement.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.Object)
                    {
                        return (DateIn(token, "issued_at"), DateIn(token, "expires_at"));
                    }
                }
            }
            catch (JsonException)
            {
            }

            return (null, null);
        }

        private static DateTimeOffset? DateIn(JsonElement token, string name) =>
            token.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? ApigJson.ParseDate(value.GetString()) : null;
    }
}
