using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Apig.Cert.Engine.Certificates;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Probing
{
    /// <summary>
    /// Opens one TLS connection the way a browser would (the domain as SNI, the runtime's protocol defaults) and reports
    /// what the server presented. Validation is never switched off: the callback accepts every certificate only so the
    /// handshake completes and the certificate can be reported; whether it is trusted is evaluated on its own
    /// (<see cref="ServedChainEvaluator"/>) and reported as a finding.
    /// <para>Every wait is bounded and cancellable. netstandard2.0 has no cancellable ConnectAsync or
    /// AuthenticateAsClientAsync, so a timeout or Ctrl+C closes the socket, which ends the pending operation at once.</para>
    /// </summary>
    public sealed class TlsProber
    {
        private readonly TlsProbeOptions _options;
        private readonly ServedChainEvaluator _chains;
        private readonly IApigLog? _log;
        private int _open;
        private int _peak;
        private int _opened;

        public TlsProber(TlsProbeOptions options, IApigLog? log)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _chains = new ServedChainEvaluator(options.TrustedRoots);
            _log = log;
        }

        /// <summary>The most connections this prober had open at once.</summary>
        public int PeakConnections => Volatile.Read(ref _peak);

        /// <summary>How many connections it opened in all.</summary>
        public int ConnectionsOpened => Volatile.Read(ref _opened);

        /// <summary>
        /// Connects to <paramref name="host"/>:<paramref name="port"/> and shakes hands sending <paramref name="serverName"/>
        /// as SNI. A failure to connect or to shake hands is a result with <see cref="TlsProbeResult.Error"/> set; only
        /// <paramref name="cancellationToken"/> (Ctrl+C) throws.
        /// </summary>
        public async Task<TlsProbeResult> ProbeAsync(string serverName, string host, int port, CancellationToken cancellationToken)
        {
            string endpoint = FormatEndpoint(host, port);
            Socket? socket = null;
            try
            {
                using (var connectDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    connectDeadline.CancelAfter(_options.ConnectTimeout);
                    try
                    {
                        IPAddress[] addresses = await ResolveAsync(host, connectDeadline.Token).ConfigureAwait(false);
                        socket = await ConnectAsync(addresses, port, connectDeadline.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        return TlsProbeResult.Failed(serverName, endpoint, TlsProbeFailure.ConnectTimeout,
                            "No TCP connection to " + endpoint + " within " + Seconds(_options.ConnectTimeout) +
                            " (no answer: a firewall dropping packets, or the wrong address). Check the address, or give -Endpoint.");
                    }
                    catch (SocketException ex) when (IsNameFailure(ex.SocketErrorCode))
                    {
                        return TlsProbeResult.Failed(serverName, endpoint, TlsProbeFailure.NameNotResolved,
                            "The name '" + host + "' could not be resolved (DNS). Check the spelling, or connect to an address with -Endpoint.");
                    }
                    catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
                    {
                        return TlsProbeResult.Failed(serverName, endpoint, TlsProbeFailure.Refused,
                            "The connection to " + endpoint + " was refused: nothing listens on that port. Check the domain's HTTPS port, or give -Endpoint.");
                    }
                    catch (SocketException ex)
                    {
                        return TlsProbeResult.Failed(serverName, endpoint, TlsProbeFailure.ConnectFailed,
                            "No TCP connection to " + endpoint + ": " + ex.SocketErrorCode + ".");
                    }
                }

                return await HandshakeAsync(socket, serverName, endpoint, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (socket != null)
                {
                    socket.Dispose();
                    Interlocked.Decrement(ref _open);
                }
            }
        }

        private async Task<TlsProbeResult> HandshakeAsync(Socket socket, string serverName, string endpoint, CancellationToken cancellationToken)
        {
            var served = new ServedCapture();
            using (var network = new NetworkStream(socket, ownsSocket: false))
            using (var ssl = new SslStream(network, false, served.Accept, SelectClientCertificate))
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(_options.HandshakeTimeout);
                X509CertificateCollection? clientCertificates =
                    _options.ClientCertificate is null ? null : new X509CertificateCollection { _options.ClientCertificate };
                try
                {
                    // SslProtocols.None: what the operating system allows by default, as any client of the domain would get.
                    await UntilCancelled(
                        ssl.AuthenticateAsClientAsync(serverName, clientCertificates, SslProtocols.None, checkCertificateRevocation: false),
                        deadline.Token,
                        socket.Dispose).ConfigureAwait(false);
                    // The client may finish its handshake before the server has judged the client's certificate (always in
                    // TLS 1.3; in TLS 1.2 with servers that check it after their TLS library is done), so a refusal can
                    // come after it: one request shows whether the server accepted the client.
                    if (!await ConfirmAcceptedAsync(ssl, serverName, endpoint, deadline.Token, cancellationToken, socket.Dispose).ConfigureAwait(false))
                    {
                        return TlsProbeResult.Failed(serverName, endpoint, TlsProbeFailure.HandshakeFailed, HandshakeFailure(serverName, endpoint, served));
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return TlsProbeResult.Failed(serverName, endpoint, TlsProbeFailure.HandshakeTimeout,
                        "Connected to " + endpoint + ", but the TLS handshake did not finish within " + Seconds(_options.HandshakeTimeout) +
                        " (the port may not speak TLS). Check the port, or raise -ConnectTimeoutSec.");
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is IOException || ex is AuthenticationException || ex is ObjectDisposedException))
                {
                    _log?.Debug("TLS handshake with " + endpoint + " for '" + serverName + "' failed: " + ex.GetType().Name + (ex.InnerException is null ? string.Empty : " / " + ex.InnerException.GetType().Name));
                    return TlsProbeResult.Failed(serverName, endpoint, TlsProbeFailure.HandshakeFailed, HandshakeFailure(serverName, endpoint, served));
                }

                cancellationToken.ThrowIfCancellationRequested();
                return Describe(serverName, endpoint, ssl, served);
            }
        }

        private string HandshakeFailure(string serverName, string endpoint, ServedCapture served)
        {
            string message = "The TLS handshake with " + endpoint + " for '" + serverName + "' failed";
            if (served.Leaf != null)
            {
                // The server showed its certificate and then ended the handshake: it wanted something from the client.
                return message + " after the server presented its certificate: the server refused the client" +
                       (_options.ClientCertificate is null
                           ? " (it may require a client certificate: give -ClientCertificate)."
                           : "'s certificate or its TLS version (check -ClientCertificate and the domain's trusted root CA).");
            }

            return message + ": the server serves no certificate for that name, or no TLS version both sides accept.";
        }

        private TlsProbeResult Describe(string serverName, string endpoint, SslStream ssl, ServedCapture served)
        {
            CertificateFacts? leaf = served.Leaf is null ? null : CertificateFacts.FromDer(served.Leaf.RawData);
            if (leaf is null)
            {
                return TlsProbeResult.Failed(serverName, endpoint, TlsProbeFailure.HandshakeFailed,
                    "The server at " + endpoint + " finished the handshake without a readable certificate.");
            }

            ChainVerdict verdict = _chains.Evaluate(served.Leaf!, served.Intermediates, DateTime.UtcNow);
            if (served.PolicyErrors != SslPolicyErrors.None)
            {
                _log?.Verbose("'" + serverName + "' at " + endpoint + ": the runtime's own validation reported " + served.PolicyErrors + ".");
            }

            return TlsProbeResult.Succeeded(serverName, endpoint, leaf, 1 + served.Intermediates.Count, ProtocolName(ssl.SslProtocol),
                leaf.Covers(serverName), verdict.Trusted, verdict.Problem);
        }

        private X509Certificate? SelectClientCertificate(object sender, string targetHost, X509CertificateCollection localCertificates,
            X509Certificate? remoteCertificate, string[] acceptableIssuers) =>
            // The given certificate whatever CA names the server lists: the point is to see whether the server takes it.
            _options.ClientCertificate;

        /// <summary>
        /// Sends one HEAD request and reads the first byte of the answer. Any answer means the server accepted the
        /// client; a close, a reset or an alert without one means it refused it (HTTP servers such as APIG's edge always
        /// answer). A server that stays silent until the deadline accepted the handshake but does not speak HTTP.
        /// </summary>
        private async Task<bool> ConfirmAcceptedAsync(SslStream ssl, string serverName, string endpoint, CancellationToken deadline, CancellationToken stop, Action abort)
        {
            byte[] request = Encoding.ASCII.GetBytes("HEAD / HTTP/1.1\r\nHost: " + serverName + "\r\nConnection: close\r\n\r\n");
            try
            {
                await UntilCancelled(ssl.WriteAsync(request, 0, request.Length), deadline, abort).ConfigureAwait(false);
                var buffer = new byte[1];
                return await UntilCancelled(ssl.ReadAsync(buffer, 0, 1), deadline, abort).ConfigureAwait(false) > 0;
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                _log?.Debug(endpoint + " did not answer a request after the handshake; taken as accepted.");
                return true;
            }
            catch (Exception ex) when (!stop.IsCancellationRequested && (ex is IOException || ex is AuthenticationException || ex is ObjectDisposedException))
            {
                return false;
            }
        }

        private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken token)
        {
            if (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? literal))
            {
                return new[] { literal };
            }

            IPAddress[] addresses = await UntilCancelled(Dns.GetHostAddressesAsync(host), token, null).ConfigureAwait(false);
            if (addresses.Length == 0)
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }

            return addresses;
        }

        // Each address in turn (IPv6 and IPv4 alike), as a client would; the last failure is the one reported.
        private async Task<Socket> ConnectAsync(IPAddress[] addresses, int port, CancellationToken token)
        {
            SocketException? last = null;
            foreach (IPAddress address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                Opened();
                try
                {
                    await UntilCancelled(socket.ConnectAsync(address, port), token, socket.Dispose).ConfigureAwait(false);
                    return socket;
                }
                catch (SocketException ex) when (!token.IsCancellationRequested)
                {
                    last = ex;
                    socket.Dispose();
                    Interlocked.Decrement(ref _open);
                }
                catch (Exception)
                {
                    socket.Dispose();
                    Interlocked.Decrement(ref _open);
                    throw;
                }
            }

            throw last ?? new SocketException((int)SocketError.HostNotFound);
        }

        private void Opened()
        {
            Interlocked.Increment(ref _opened);
            int open = Interlocked.Increment(ref _open);
            int peak;
            while (open > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, open, peak) != peak)
            {
            }
        }

        /// <summary>
        /// Awaits <paramref name="work"/> until <paramref name="token"/> fires; then runs <paramref name="abort"/> (closes
        /// the socket, which ends the operation underneath) and throws at once, without waiting for the operation to notice.
        /// </summary>
        private static async Task<T> UntilCancelled<T>(Task<T> work, CancellationToken token, Action? abort)
        {
            if (work.IsCompleted)
            {
                return await work.ConfigureAwait(false);
            }

            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (token.Register(() => cancelled.TrySetResult(true)))
            {
                Task first = await Task.WhenAny(work, cancelled.Task).ConfigureAwait(false);
                if (first != work)
                {
                    abort?.Invoke();
                    // Observed, so the operation's own failure after the abort is never an unobserved exception.
                    _ = work.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    throw new OperationCanceledException(token);
                }
            }

            return await work.ConfigureAwait(false);
        }

        private static Task UntilCancelled(Task work, CancellationToken token, Action? abort) =>
            UntilCancelled(work.ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default), token, abort);

        private static bool IsNameFailure(SocketError error) =>
            error == SocketError.HostNotFound || error == SocketError.NoData || error == SocketError.TryAgain;

        // SslProtocols of netstandard2.0 has no Tls13; the runtime reports it as 12288.
        private const int Tls13Value = 12288;

        /// <summary>The protocol as APIG's min_ssl_version names it: TLSv1.1, TLSv1.2, TLSv1.3.</summary>
        internal static string ProtocolName(SslProtocols protocol)
        {
            switch ((int)protocol)
            {
                case 12: return "SSLv2";
                case 48: return "SSLv3";
                case 192: return "TLSv1";
                case 768: return "TLSv1.1";
                case 3072: return "TLSv1.2";
                case Tls13Value: return "TLSv1.3";
                default: return protocol.ToString();
            }
        }

        internal static string FormatEndpoint(string host, int port) =>
            (host.IndexOf(':') >= 0 && !host.StartsWith("[", StringComparison.Ordinal) ? "[" + host + "]" : host) + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " s";

        /// <summary>What the server presented, copied in the validation callback (the chain object is gone after it).</summary>
        private sealed class ServedCapture
        {
            public X509Certificate2? Leaf { get; private set; }

            public List<X509Certificate2> Intermediates { get; } = new List<X509Certificate2>();

            public SslPolicyErrors PolicyErrors { get; private set; }

            public bool Accept(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
            {
                PolicyErrors = errors;
                if (certificate != null)
                {
                    Leaf = new X509Certificate2(certificate.GetRawCertData());
                    // The runtime puts what the server sent besides the leaf into the chain's extra store.
                    foreach (X509Certificate2 sent in chain?.ChainPolicy.ExtraStore.Cast<X509Certificate2>() ?? Enumerable.Empty<X509Certificate2>())
                    {
                        if (!string.Equals(sent.Thumbprint, Leaf.Thumbprint, StringComparison.OrdinalIgnoreCase)
                            && Intermediates.All(known => !string.Equals(known.Thumbprint, sent.Thumbprint, StringComparison.OrdinalIgnoreCase)))
                        {
                            Intermediates.Add(new X509Certificate2(sent.RawData));
                        }
                    }
                }

                // Accepted so the handshake completes and the certificate can be reported; trust is judged separately.
                return true;
            }
        }
    }
}
