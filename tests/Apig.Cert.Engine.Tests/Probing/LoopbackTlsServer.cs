using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Apig.Cert.Engine.Tests.Certificates;

namespace Apig.Cert.Engine.Tests.Probing;

/// <summary>
/// A real TLS server on 127.0.0.1 for the prober's tests: serves a leaf (and the chain given) for every SNI, can
/// require a client certificate issued by one CA, answers one HTTP request and closes. Or, as a black hole, accepts
/// TCP connections and never says a word.
/// </summary>
public sealed class LoopbackTlsServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _held = [];
    private readonly Task _accepting;
    private volatile SslStreamCertificateContext? _context;
    private int _handshakes;
    private int _open;
    private int _peak;

    private LoopbackTlsServer(IssuedCertificate? leaf, IReadOnlyList<IssuedCertificate> chain, IssuedCertificate? clientCa, SslProtocols protocols)
    {
        _listener.Start(512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(leaf, chain, clientCa, protocols);
    }

    public int Port { get; }

    public int Handshakes => Volatile.Read(ref _handshakes);

    /// <summary>The most connections the server held at once.</summary>
    public int PeakConnections => Volatile.Read(ref _peak);

    public static LoopbackTlsServer Serving(IssuedCertificate leaf, IssuedCertificate[]? chain = null, IssuedCertificate? requireClientCertificateFrom = null,
        SslProtocols protocols = SslProtocols.None) =>
        new(leaf, chain ?? [], requireClientCertificateFrom, protocols);

    /// <summary>Accepts and never answers: a firewall or a process that hangs.</summary>
    public static LoopbackTlsServer BlackHole() => new(null, [], null, SslProtocols.None);

    private async Task AcceptAsync(IssuedCertificate? leaf, IReadOnlyList<IssuedCertificate> chain, IssuedCertificate? clientCa, SslProtocols protocols)
    {
        _context = leaf is null ? null : ContextOf(leaf, chain);
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            if (_context is not { } context)
            {
                lock (_held) _held.Add(client);
                continue;
            }

            _ = ServeAsync(client, context, clientCa, protocols);
        }
    }

    /// <summary>From the next connection on, serves this leaf instead: a rotation reaching the edge.</summary>
    public void ServeNext(IssuedCertificate leaf, params IssuedCertificate[] chain) => _context = ContextOf(leaf, chain);

    private static SslStreamCertificateContext ContextOf(IssuedCertificate leaf, IReadOnlyList<IssuedCertificate> chain) =>
        SslStreamCertificateContext.Create(leaf.WithKey, new X509Certificate2Collection(chain.Select(c => c.Certificate).ToArray()), offline: true);

    private async Task ServeAsync(TcpClient client, SslStreamCertificateContext context, IssuedCertificate? clientCa, SslProtocols protocols)
    {
        int open = Interlocked.Increment(ref _open);
        int peak;
        while (open > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, open, peak) != peak)
        {
        }

        try
        {
            using (client)
            using (var ssl = new SslStream(client.GetStream(), false))
            {
                var options = new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = context,
                    EnabledSslProtocols = protocols,
                    ClientCertificateRequired = clientCa != null,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                        clientCa is null || (certificate is X509Certificate2 presented && IssuedBy(presented, clientCa)),
                };
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                deadline.CancelAfter(TimeSpan.FromSeconds(20));
                await ssl.AuthenticateAsServerAsync(options, deadline.Token);
                Interlocked.Increment(ref _handshakes);
                var buffer = new byte[1024];
                int read = await ssl.ReadAsync(buffer, deadline.Token);
                if (read > 0)
                {
                    await ssl.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), deadline.Token);
                }
            }
        }
        catch (Exception)
        {
            // A refused client or a probe that hung up: the test looks at the client's side.
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private static bool IssuedBy(X509Certificate2 presented, IssuedCertificate ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.ExtraStore.Add(TestPki.Intermediate.Certificate);
        return chain.Build(presented);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held)
        {
            foreach (TcpClient held in _held) held.Dispose();
        }

        try
        {
            await _accepting;
        }
        catch (Exception)
        {
        }

        _stop.Dispose();
    }
}
