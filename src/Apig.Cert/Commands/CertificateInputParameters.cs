using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Apig.Cert.Engine.Certificates;

namespace Apig.Cert.Commands
{
    /// <summary>
    /// The certificate parameters a cmdlet declares (PowerShell binds only properties of the cmdlet class itself), read
    /// by <see cref="CertificateInputParameters"/>: Set-ApigDomainCertificate, New- and Set-ApigCertificate take them alike.
    /// </summary>
    internal interface ICertificateInputCmdlet
    {
        string CertificatePath { get; }

        string PrivateKeyPath { get; }

        SecureString? PrivateKeyPassword { get; }

        string PfxPath { get; }

        SecureString? PfxPassword { get; }

        X509Certificate2? Certificate { get; }

        string CertificatePem { get; }

        object? PrivateKeyPem { get; }

        /// <summary>A base64 PKCS#12: a string or a SecureString.</summary>
        object? PfxBase64 { get; }

        /// <summary>A Key Vault secret: any object with SecretValue (SecureString) and ContentType.</summary>
        object? CertificateSecret { get; }

        string CcmCertificateId { get; }

        /// <summary>The -CcmCertificateId input over the current input's connection (read on the pipeline thread).</summary>
        CertificateSource CcmSource(string certificateId);

        /// <summary>Waits on the pipeline thread for engine work, forwarding its log lines; Ctrl+C ends the wait.</summary>
        void WaitFor(Task task);
    }

    /// <summary>
    /// What the certificate inputs of a command come to: the parameter set read into one <see cref="CertificateSource"/>,
    /// paths resolved against the current location, the plain-text-key warning given once, the certificate parsed once per
    /// command (early, on a worker thread, when it was given on the command line) and its key cleared when the command ends.
    /// </summary>
    internal sealed class CertificateInputParameters : IDisposable
    {
        public const string FilesSet = "Files";
        public const string PfxSet = "Pfx";
        public const string X509Set = "X509";
        public const string PemSet = "Pem";
        public const string PfxBase64Set = "PfxBase64";
        public const string KeyVaultSecretSet = "KeyVaultSecret";
        public const string CcmSet = "Ccm";

        private const string Pkcs12ContentType = "application/x-pkcs12";
        private const string PemContentType = "application/x-pem-file";

        private readonly PSCmdlet _cmdlet;
        private readonly ICertificateInputCmdlet _inputs;
        private readonly Action<string> _warn;
        private readonly CertificateSourceCache _certificates = new CertificateSourceCache();
        private readonly Dictionary<string, string> _rootedPaths = new Dictionary<string, string>(StringComparer.Ordinal);
        private bool _warnedPlainTextKey;
        private Task? _earlyParse;
        private readonly List<Task> _fetches = new List<Task>();

        public CertificateInputParameters(PSCmdlet cmdlet, ICertificateInputCmdlet inputs, Action<string> warn)
        {
            _cmdlet = cmdlet;
            _inputs = inputs;
            _warn = warn;
        }

        /// <summary>How often an input was actually parsed (the Verbose summary says it).</summary>
        public int ParseCount => _certificates.ParseCount;

        /// <summary>For BeginProcessing: the warning for a plain-text key typed on the command line, and the early parse.</summary>
        public void Begin()
        {
            // Only a value given on the command line is known here; piped values bind later, record by record.
            if (_cmdlet.MyInvocation.BoundParameters.ContainsKey(nameof(ICertificateInputCmdlet.PrivateKeyPem)) && !(Unwrapped(_inputs.PrivateKeyPem) is SecureString))
            {
                WarnPlainTextKey();
            }

            StartEarlyParse();
        }

        /// <summary>The current input's certificate, parsed (or taken from the cache); <paramref name="inputName"/> names the parameter for messages.</summary>
        public CertificateBundle Load(out string inputName)
        {
            // A parse (or CCM export) started early is waited for here, where Ctrl+C and its log lines are handled; the
            // cache then hands out its result at once instead of blocking the pipeline thread inside it.
            Task? early = _earlyParse;
            if (early != null && !early.IsCompleted)
            {
                _inputs.WaitFor(early);
            }

            CertificateSource input = BuildInput(out inputName);
            if (_cmdlet.ParameterSetName == CcmSet)
            {
                // An export not made yet is a request: made on a worker thread and waited for here, like the early one.
                Task<CertificateBundle> fetch = Task.Run(() => _certificates.Get(input));
                _fetches.Add(fetch);
                _inputs.WaitFor(fetch);
                _fetches.Remove(fetch);
                return fetch.GetAwaiter().GetResult();
            }

            return _certificates.Get(input);
        }

        /// <summary>
        /// A certificate given on the command line is the same for every input of the command: parsed now, on a worker
        /// thread, it overlaps the first input's lookup (and, in a pipeline, the listing before it) instead of following
        /// it. The cache still parses it once, and a failure is still reported by each input that needs it.
        /// </summary>
        private void StartEarlyParse()
        {
            IDictionary<string, object> bound = _cmdlet.MyInvocation.BoundParameters;
            string set = _cmdlet.ParameterSetName;
            bool fromCommandLine;
            switch (set)
            {
                case FilesSet:
                    fromCommandLine = bound.ContainsKey(nameof(ICertificateInputCmdlet.CertificatePath)) && bound.ContainsKey(nameof(ICertificateInputCmdlet.PrivateKeyPath));
                    break;
                case PfxSet:
                    fromCommandLine = bound.ContainsKey(nameof(ICertificateInputCmdlet.PfxPath)) && bound.ContainsKey(nameof(ICertificateInputCmdlet.PfxPassword));
                    break;
                case PfxBase64Set:
                case KeyVaultSecretSet:
                case CcmSet:
                    // Command-line only parameters: what is bound now is the input of every record.
                    fromCommandLine = true;
                    break;
                default:
                    fromCommandLine = false;
                    break;
            }

            if (!fromCommandLine)
            {
                return;
            }

            CertificateSource input;
            try
            {
                input = BuildInput(out _);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                // The first input builds it again and reports this failure as its own.
                return;
            }

            _earlyParse = Task.Run(() =>
            {
                try
                {
                    _certificates.Get(input);
                }
                catch (Exception)
                {
                    // Remembered by the cache: every input that needs the certificate gets it as its error.
                }
            });
        }

        private CertificateSource BuildInput(out string inputName)
        {
            switch (_cmdlet.ParameterSetName)
            {
                case PfxSet:
                    inputName = nameof(ICertificateInputCmdlet.PfxPath);
                    return CertificateSource.FromPfxFile(ResolvePath(_inputs.PfxPath, nameof(ICertificateInputCmdlet.PfxPath)), _inputs.PfxPassword);
                case X509Set:
                    inputName = nameof(ICertificateInputCmdlet.Certificate);
                    return CertificateSource.FromX509(_inputs.Certificate!);
                case PemSet:
                    inputName = nameof(ICertificateInputCmdlet.CertificatePem);
                    return CertificateSource.FromPem(_inputs.CertificatePem, ReadPrivateKeyPem(), _inputs.PrivateKeyPassword);
                case PfxBase64Set:
                    inputName = nameof(ICertificateInputCmdlet.PfxBase64);
                    return CertificateSource.FromPfxBase64(ReadPfxBase64(), _inputs.PfxPassword, inputName, "the base64 PKCS#12 of -PfxBase64");
                case KeyVaultSecretSet:
                    inputName = nameof(ICertificateInputCmdlet.CertificateSecret);
                    return ReadCertificateSecret();
                case CcmSet:
                    inputName = nameof(ICertificateInputCmdlet.CcmCertificateId);
                    return _inputs.CcmSource(_inputs.CcmCertificateId);
                default:
                    inputName = nameof(ICertificateInputCmdlet.CertificatePath);
                    return CertificateSource.FromFiles(
                        ResolvePath(_inputs.CertificatePath, nameof(ICertificateInputCmdlet.CertificatePath)),
                        ResolvePath(_inputs.PrivateKeyPath, nameof(ICertificateInputCmdlet.PrivateKeyPath)),
                        _inputs.PrivateKeyPassword);
            }
        }

        private static object? Unwrapped(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

        // A key given as a plain string shows in Trace-Command ParameterBinding and in transcripts of the command line.
        private void WarnPlainTextKey()
        {
            if (_warnedPlainTextKey)
            {
                return;
            }

            _warnedPlainTextKey = true;
            _warn("-PrivateKeyPem was given as a plain string, which PowerShell can show in Trace-Command ParameterBinding output and in transcripts. " +
                  "Pass a SecureString instead, for example -PrivateKeyPem (Get-Content key.pem -Raw | ConvertTo-SecureString -AsPlainText -Force), or use -PrivateKeyPath.");
        }

        private string ReadPrivateKeyPem()
        {
            object? value = Unwrapped(_inputs.PrivateKeyPem);
            switch (value)
            {
                case SecureString secure:
                    return CertificateSource.ReadSecureString(secure);
                case string text:
                    WarnPlainTextKey();
                    return text;
                default:
                    throw new ApigInputException(
                        "PrivateKeyPemInvalidType",
                        nameof(ICertificateInputCmdlet.PrivateKeyPem),
                        "-PrivateKeyPem takes the key as PEM text: a string or a SecureString (got " +
                        (value?.GetType().Name ?? "null") + "). To pass a key file, use -PrivateKeyPath instead.");
            }
        }

        // No warning for a plain string, unlike -PrivateKeyPem: an Azure DevOps Key Vault task variable arrives as one (the
        // agent masks it in logs), and that is the input this parameter exists for.
        private SecretTextInput ReadPfxBase64()
        {
            object? value = Unwrapped(_inputs.PfxBase64);
            if (value is null || (value is string empty && empty.Trim().Length == 0) || (value is SecureString blank && blank.Length == 0))
            {
                throw new ApigInputException("PfxBase64Empty", nameof(ICertificateInputCmdlet.PfxBase64),
                    "-PfxBase64 is empty. Pass the base64 PKCS#12: in Azure DevOps the variable the Key Vault task made from the secret " +
                    "(check that the task ran before this step and that the variable name is the secret's name), or (Get-AzKeyVaultSecret ...).SecretValue.");
            }

            switch (value)
            {
                case SecureString secure:
                    return SecretTextInput.FromSecureString(secure);
                case string text:
                    return SecretTextInput.FromString(text);
                default:
                    throw new ApigInputException(
                        "PfxBase64InvalidType",
                        nameof(ICertificateInputCmdlet.PfxBase64),
                        "-PfxBase64 takes a base64 PKCS#12 as a string or a SecureString (got " + TypeName(value) + "). " +
                        (HasProperty(_inputs.PfxBase64, "SecretValue")
                            ? "This looks like a Key Vault secret object: pass it with -CertificateSecret instead."
                            : value is byte[]
                                ? "For the bytes of a PFX, pass [Convert]::ToBase64String($bytes), or the file with -PfxPath."
                                : "For a Key Vault secret object (Get-AzKeyVaultSecret), use -CertificateSecret; for a PFX file, -PfxPath."));
            }
        }

        /// <summary>
        /// A Key Vault secret read by property name, as Get-AzKeyVaultSecret returns it (PSKeyVaultSecret) or as a script
        /// builds it ([pscustomobject] or a hashtable): no dependency on Az. Only SecretValue as a SecureString is taken.
        /// </summary>
        private CertificateSource ReadCertificateSecret()
        {
            const string inputName = nameof(ICertificateInputCmdlet.CertificateSecret);
            // Not unwrapped: a [pscustomobject]'s properties live on its PSObject, not on the object underneath.
            object? secret = _inputs.CertificateSecret;
            if (secret is null || !HasProperty(secret, "SecretValue"))
            {
                throw new ApigInputException("CertificateSecretInvalid", inputName,
                    "-CertificateSecret takes a Key Vault secret: an object with SecretValue (a SecureString) and ContentType, as Get-AzKeyVaultSecret returns it " +
                    "(got " + TypeName(secret) + " without a SecretValue property). Pass the secret object (Get-AzKeyVaultSecret -VaultName <vault> -Name <name>), " +
                    "or a base64 PKCS#12 with -PfxBase64.");
            }

            object? secretValue = Unwrapped(PropertyValue(secret, "SecretValue"));
            if (secretValue is string)
            {
                throw new ApigInputException("CertificateSecretPlainText", inputName,
                    "The SecretValue of -CertificateSecret is a plain string; it must be a SecureString, as Get-AzKeyVaultSecret gives it. " +
                    "Make it one (ConvertTo-SecureString -AsPlainText -Force), or pass a base64 PKCS#12 string with -PfxBase64.");
            }

            if (!(secretValue is SecureString secure))
            {
                throw new ApigInputException("CertificateSecretInvalid", inputName,
                    "The SecretValue of -CertificateSecret is " + (secretValue is null ? "empty" : "a " + TypeName(secretValue)) +
                    "; it must be a SecureString holding the certificate, as Get-AzKeyVaultSecret gives it. Check that the secret was read with its value.");
            }

            string contentType = ContentTypeOf(PropertyValue(secret, "ContentType"));
            switch (contentType)
            {
                case Pkcs12ContentType:
                    return CertificateSource.FromPfxBase64(SecretTextInput.FromSecureString(secure), _inputs.PfxPassword, inputName,
                        "the Key Vault secret of -CertificateSecret (" + Pkcs12ContentType + ")");
                case PemContentType:
                    return CertificateSource.FromPemSecret(SecretTextInput.FromSecureString(secure), _inputs.PfxPassword, inputName,
                        "the Key Vault secret of -CertificateSecret (" + PemContentType + ")");
                case "":
                    throw new ApigInputException("CertificateSecretNoContentType", inputName,
                        "-CertificateSecret has no ContentType, so it is not known how to read it. Key Vault sets it for certificates: " + Pkcs12ContentType +
                        " (a base64 PKCS#12) or " + PemContentType + " (PEM certificate and key). Set it on the secret (Set-AzKeyVaultSecret -ContentType), " +
                        "or pass a base64 PKCS#12 with -PfxBase64.");
                default:
                    throw new ApigInputException("CertificateSecretContentTypeUnknown", inputName,
                        "The ContentType '" + Shortened(contentType) + "' of -CertificateSecret is neither " + Pkcs12ContentType + " (a base64 PKCS#12) nor " +
                        PemContentType + " (PEM certificate and key). Pass the secret of a Key Vault certificate, or a base64 PKCS#12 with -PfxBase64.");
            }
        }

        // "application/x-pkcs12; charset=..." and any case: only the media type counts.
        private static string ContentTypeOf(object? value)
        {
            string text = (Unwrapped(value) as string ?? string.Empty).Trim();
            int parameters = text.IndexOf(';');
            if (parameters >= 0) text = text.Substring(0, parameters).Trim();
            return text.ToLowerInvariant();
        }

        private static bool HasProperty(object? value, string name)
        {
            if (value is null) return false;
            if (Unwrapped(value) is System.Collections.IDictionary dictionary) return DictionaryKey(dictionary, name) != null;
            return PSObject.AsPSObject(value).Properties[name] != null;
        }

        private static object? PropertyValue(object value, string name)
        {
            if (Unwrapped(value) is System.Collections.IDictionary dictionary)
            {
                object? key = DictionaryKey(dictionary, name);
                return key == null ? null : dictionary[key];
            }

            try
            {
                return PSObject.AsPSObject(value).Properties[name]?.Value;
            }
            catch (Exception ex) when (ex is GetValueException || ex is ExtendedTypeSystemException)
            {
                return null;
            }
        }

        private static object? DictionaryKey(System.Collections.IDictionary dictionary, string name)
        {
            foreach (object key in dictionary.Keys)
            {
                if (key is string text && string.Equals(text, name, StringComparison.OrdinalIgnoreCase)) return key;
            }

            return null;
        }

        private static string TypeName(object? value) => value is null ? "nothing" : value is PSObject wrapped ? wrapped.BaseObject.GetType().Name : value.GetType().Name;

        private static string Shortened(string text) => text.Length > 80 ? text.Substring(0, 80) + "..." : text;

        /// <summary>The -CcmCertificateId input over a connection: one export per command and connection, parsed like PEM.</summary>
        public static CertificateSource CcmSource(CommandConnection connection, string certificateId, System.Threading.CancellationToken cancellationToken) =>
            connection.Get(c => new Engine.Operations.CcmCertificates(c.Session.CreateCcmClient(c.Log), c.Log)).Source(certificateId, cancellationToken);

        /// <summary>A file parameter's path as the file system sees it (also for the CA file of the store cmdlets).</summary>
        public string ResolvePath(string path, string parameterName)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new ApigInputException(
                    "PathEmpty",
                    parameterName,
                    "-" + parameterName + " is empty. Give the path of the file, for example -" + parameterName + " ./certificate.pem.");
            }

            // A rooted path resolves the same for every input of the command, and resolving it costs the pipeline thread
            // about half a millisecond per call (PowerShell checks the drive each time), twice per input. A relative one
            // depends on the current location, which may change between records, so it is resolved each time.
            if (_rootedPaths.TryGetValue(path, out string? known))
            {
                return known;
            }

            // Unresolved: a missing file must reach the loader, which names it in a clear FileNotFound error.
            string resolved = _cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            if (IsRooted(path))
            {
                _rootedPaths[path] = resolved;
            }

            return resolved;
        }

        private static bool IsRooted(string path)
        {
            try
            {
                return System.IO.Path.IsPathRooted(path);
            }
            catch (ArgumentException)
            {
                // .NET Framework refuses some characters outright; such a path is simply resolved every time.
                return false;
            }
        }

        /// <summary>
        /// The trusted root CA of -TrustedRootCaPath or -TrustedRootCaPem (the store cmdlets), parsed and checked locally;
        /// null when neither is given. Both together are refused: one CA source per command.
        /// </summary>
        public TrustedRootCa? LoadTrustedRootCa(string? path, string? pem, out string inputName)
        {
            bool hasPath = !string.IsNullOrEmpty(path);
            bool hasPem = !string.IsNullOrEmpty(pem);
            inputName = hasPem ? "TrustedRootCaPem" : "TrustedRootCaPath";
            if (hasPath && hasPem)
            {
                throw new ApigInputException("TrustedRootCaTwice", "TrustedRootCaPath",
                    "Give the trusted root CA once: -TrustedRootCaPath (a PEM file) or -TrustedRootCaPem (PEM text), not both.");
            }

            if (hasPath) return TrustedRootCa.FromFile(ResolvePath(path!, "TrustedRootCaPath"), "TrustedRootCaPath");
            return hasPem ? TrustedRootCa.FromPem(pem!, "TrustedRootCaPem") : null;
        }

        /// <summary>
        /// The parsed keys live in buffers the command owns: cleared when it ends, however it ends (call after the batch is
        /// disposed, so no request still being built reads a half-cleared key).
        /// </summary>
        public void Dispose()
        {
            // A parse still running would otherwise finish after the keys were cleared, and keep its copy.
            _earlyParse?.GetAwaiter().GetResult();
            foreach (Task fetch in _fetches)
            {
                // After Ctrl+C an export may still be ending (cancelled): its key must be in the cache when it is cleared.
                try { fetch.GetAwaiter().GetResult(); } catch (Exception) { }
            }

            _certificates.Dispose();
        }
    }
}
