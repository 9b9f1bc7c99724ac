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

        private readonly PSCmdlet _cmdlet;
        private readonly ICertificateInputCmdlet _inputs;
        private readonly Action<string> _warn;
        private readonly CertificateSourceCache _certificates = new CertificateSourceCache();
        private readonly Dictionary<string, string> _rootedPaths = new Dictionary<string, string>(StringComparer.Ordinal);
        private bool _warnedPlainTextKey;
        private Task? _earlyParse;

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
        public CertificateBundle Load(out string inputName) => _certificates.Get(BuildInput(out inputName));

        /// <summary>
        /// A certificate given on the command line is the same for every input of the command: parsed now, on a worker
        /// thread, it overlaps the first input's lookup (and, in a pipeline, the listing before it) instead of following
        /// it. The cache still parses it once, and a failure is still reported by each input that needs it.
        /// </summary>
        private void StartEarlyParse()
        {
            IDictionary<string, object> bound = _cmdlet.MyInvocation.BoundParameters;
            string set = _cmdlet.ParameterSetName;
            bool fromCommandLine = set == FilesSet
                ? bound.ContainsKey(nameof(ICertificateInputCmdlet.CertificatePath)) && bound.ContainsKey(nameof(ICertificateInputCmdlet.PrivateKeyPath))
                : set == PfxSet && bound.ContainsKey(nameof(ICertificateInputCmdlet.PfxPath)) && bound.ContainsKey(nameof(ICertificateInputCmdlet.PfxPassword));
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
            _certificates.Dispose();
        }
    }
}
