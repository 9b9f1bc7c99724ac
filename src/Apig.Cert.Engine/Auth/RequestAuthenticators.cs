using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Http;
using Apig.Cert.Engine.Diagnostics;
using Apig.Cert.Engine.Primitives;

namespace Apig.Cert.Engine.Auth
{
    /// <summary>AK/SK: signs every attempt anew, because X-Sdk-Date must be within 15 minutes of the server clock.</summary>
    internal sealed class AkSkAuthenticator : IRequestAuthenticator
    {
        private const string ProjectHeader = "X-Project-Id";
        private const string AccountHeader = "X-Domain-Id";

        private readonly string _accessKey;
        private readonly SecureString _secretKey;
        private readonly string? _scopeHeader;
        private readonly string? _scopeValue;
        private readonly SecureString? _securityToken;
        private readonly Func<DateTime> _utcNow;

        public AkSkAuthenticator(string accessKey, SecureString secretKey, string projectId, SecureString? securityToken, Func<DateTime>? utcNow = null)
            : this(accessKey, secretKey, ProjectHeader, projectId, securityToken, utcNow)
        {
        }

        private AkSkAuthenticator(string accessKey, SecureString secretKey, string? scopeHeader, string? scopeValue, SecureString? securityToken, Func<DateTime>? utcNow)
        {
            _accessKey = accessKey;
            _secretKey = secretKey;
            _scopeHeader = scopeHeader;
            _scopeValue = scopeValue;
            _securityToken = securityToken;
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
        }

        /// <summary>
        /// The same keys signing for a global service (CCM), as the SDKs' GlobalCredentials do: X-Domain-Id with the account
        /// id instead of X-Project-Id. Without an account id no scope header is sent (the SDKs would first ask IAM for it;
        /// whether CCM needs it at all is not documented), and the service's refusal says what to add.
        /// </summary>
        internal AkSkAuthenticator ForAccount(string? accountId) =>
            new AkSkAuthenticator(_accessKey, _secretKey, string.IsNullOrEmpty(accountId) ? null : AccountHeader, accountId, _securityToken, _utcNow);

        public bool CanRefresh => false;

        public Task<object?> ApplyAsync(HttpRequestMessage request, string hostHeader, byte[] body, IApigLog? log, CancellationToken cancellationToken)
        {
            string date = AkSkSigner.FormatDate(_utcNow());
            var signed = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("Host", hostHeader),
                new KeyValuePair<string, string>(AkSkSigner.DateHeader, date),
            };
            request.Headers.TryAddWithoutValidation(AkSkSigner.DateHeader, date);
            if (_scopeHeader != null)
            {
                signed.Add(new KeyValuePair<string, string>(_scopeHeader, _scopeValue!));
                request.Headers.TryAddWithoutValidation(_scopeHeader, _scopeValue);
            }

            // Every header the pipeline set that a gateway could act on is signed, so none can be swapped in transit.
            if (request.Headers.TryGetValues(ApigHttpPipeline.LanguageHeader, out IEnumerable<string>? language))
            {
                signed.Add(new KeyValuePair<string, string>(ApigHttpPipeline.LanguageHeader, string.Join(",", language)));
            }
            if (!SecretText.IsNullOrEmpty(_securityToken))
            {
                string token = SecretText.Reveal(_securityToken!);
                signed.Add(new KeyValuePair<string, string>("X-Security-Token", token));
                request.Headers.TryAddWithoutValidation("X-Security-Token", token);
            }

            byte[] key = SecretText.ToUtf8(_secretKey);
            try
            {
                Uri uri = request.RequestUri!;
                string query = uri.Query.Length > 0 ? uri.Query.Substring(1) : string.Empty;
                string authorization = AkSkSigner.CreateAuthorization(_accessKey, key, request.Method.Method, uri.AbsolutePath, query, signed, body);
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }
            finally
            {
                Array.Clear(key, 0, key.Length);
            }

            return Task.FromResult<object?>(null);
        }

        public Task RefreshAsync(object? rejectedGeneration, IApigLog? log, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A caller-supplied IAM token: sent as is, never renewed (the caller owns its lifetime).</summary>
    internal sealed class StaticTokenAuthenticator : IRequestAuthenticator
    {
        private readonly SecureString _token;

        public StaticTokenAuthenticator(SecureString token)
        {
            _token = token;
        }

        public bool CanRefresh => false;

        public Task<object?> ApplyAsync(HttpRequestMessage request, string hostHeader, byte[] body, IApigLog? log, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation("X-Auth-Token", SecretText.Reveal(_token));
            return Task.FromResult<object?>(null);
        }

        public Task RefreshAsync(object? rejectedGeneration, IApigLog? log, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Password sign-in: holds the current IAM token and renews it before expiry or after APIG rejects it.</summary>
    internal sealed class PasswordAuthenticator : IRequestAuthenticator
    {
        private readonly IamTokenClient _iam;
        private readonly Func<DateTimeOffset> _utcNow;
        private readonly Action<DateTimeOffset> _onRenewed;
        private readonly SemaphoreSlim _renewal = new SemaphoreSlim(1, 1);
        private volatile IamToken? _current;

        /// <summary>Renew when less than this remains, so a token cannot expire between Apply and the server's check.</summary>
        public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

        public PasswordAuthenticator(IamTokenClient iam, Action<DateTimeOffset> onRenewed, Func<DateTimeOffset>? utcNow = null)
        {
            _iam = iam;
            _onRenewed = onRenewed;
            _utcNow = utcNow ?? (() => DateTimeOffset.UtcNow);
        }

        public bool CanRefresh => true;

        public DateTimeOffset? ExpiresAt => _current?.ExpiresAt;

        public async Task<object?> ApplyAsync(HttpRequestMessage request, string hostHeader, byte[] body, IApigLog? log, CancellationToken cancellationToken)
        {
            IamToken token = await GetValidTokenAsync(log, cancellationToken).ConfigureAwait(false);
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token.Value);
            return token;
        }

        public async Task<IamToken> GetValidTokenAsync(IApigLog? log, CancellationToken cancellationToken)
        {
            IamToken? token = _current;
            if (token != null && !IsDue(token)) return token;

            await _renewal.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Another caller may have renewed while this one waited.
                token = _current;
                if (token != null && !IsDue(token)) return token;
                return await RenewAsync(token == null ? "Getting an IAM token" : "The IAM token expires soon; getting a new one", log, cancellationToken)
                    .ConfigureAwait(false);
            }
            finally
            {
                _renewal.Release();
            }
        }

        public async Task RefreshAsync(object? rejectedGeneration, IApigLog? log, CancellationToken cancellationToken)
        {
            await _renewal.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Parallel requests rejected with the same token trigger one renewal; later ones find a newer token.
                if (_current != null && !ReferenceEquals(_current, rejectedGeneration)) return;
                await RenewAsync("APIG rejected the IAM token; getting a new one", log, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _renewal.Release();
            }
        }

        private bool IsDue(IamToken token) => token.LocalExpiresAt - _utcNow() < RenewBefore;

        private async Task<IamToken> RenewAsync(string why, IApigLog? log, CancellationToken cancellationToken)
        {
            log?.Verbose(why + ".");
            IamToken token = await _iam.CreateTokenAsync(log, cancellationToken).ConfigureAwait(false);
            _current = token;
            _onRenewed(token.ExpiresAt);
            return token;
        }
    }
}
