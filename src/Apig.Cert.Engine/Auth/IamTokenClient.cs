using System;
using System.IO;
using System.Net.Http;
using System.Security;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Api;
using Apig.Cert.Engine.Http;

namespace Apig.Cert.Engine.Auth
{
    internal sealed class IamToken
    {
        public IamToken(string value, DateTimeOffset expiresAt)
        {
            Value = value;
            ExpiresAt = expiresAt;
        }

        public string Value { get; }

        public DateTimeOffset ExpiresAt { get; }

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
        private readonly Func<DateTimeOffset> _utcNow;

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

            return new IamToken(token!, ExpiryOf(response.Body) ?? _utcNow().Add(AssumedLifetime));
        }

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

        private static DateTimeOffset? ExpiryOf(string body)
        {
            try
            {
                using (var document = JsonDocument.Parse(body))
                {
                    if (document.RootElement.ValueKind == JsonValueKind.Object &&
                        document.RootElement.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.Object &&
                        token.TryGetProperty("expires_at", out var expiresAt) && expiresAt.ValueKind == JsonValueKind.String)
                    {
                        return ApigJson.ParseDate(expiresAt.GetString());
                    }
                }
            }
            catch (JsonException)
            {
            }

            return null;
        }
    }
}
