using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Apig.Cert.Engine.Diagnostics;

namespace Apig.Cert.Engine.Tests.Http;

public sealed class RecordedRequest
{
    public required string Method { get; init; }
    public required string Target { get; init; }
    public required Dictionary<string, string> Headers { get; init; }
    public required byte[] Body { get; init; }

    public string Path => Target.Split('?')[0];
    public string Query => Target.Contains('?') ? Target[(Target.IndexOf('?') + 1)..] : "";
    public string BodyText => Encoding.UTF8.GetString(Body);
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

public sealed class TestResponse
{
    public int Status { get; init; } = 200;
    public string Body { get; init; } = "";
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Close the connection without answering (a connection failure from the client's view).</summary>
    public bool Drop { get; init; }
    public TimeSpan Delay { get; init; }
    /// <summary>The body as bytes (a gzip body, say); overrides <see cref="Body"/>.</summary>
    public byte[]? BodyBytes { get; init; }
    /// <summary>Send the body this many bytes at a time, waiting <see cref="TrickleDelay"/> before each piece.</summary>
    public int TrickleChunk { get; init; }
    public TimeSpan TrickleDelay { get; init; }

    public static TestResponse Json(int status, string body, params (string Name, string Value)[] headers)
    {
        var response = new TestResponse { Status = status, Body = body };
        response.Headers["Content-Type"] = "application/json";
        foreach (var (name, value) in headers) response.Headers[name] = value;
        return response;
    }

    public static TestResponse Error(int status, string code, string message, string requestId = "req-1") =>
        Json(status, $"{{\"error_code\":\"{code}\",\"error_msg\":\"{message}\"}}", ("X-Request-Id", requestId));
}

/// <summary>
/// A deliberately small HTTP/1.1 server on a real 127.0.0.1 socket: one request per connection, answers scripted by
/// the test, every request recorded. Raw TCP so tests can also drop connections and stall answers.
/// </summary>
public sealed class TestHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<RecordedRequest, TestResponse> _handler;
    private readonly Task _acceptLoop;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public TestHttpServer(Func<RecordedRequest, TestResponse> handler)
    {
        _handler = handler;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    public string BaseUrl => "http://127.0.0.1:" + Port;

    public Uri BaseUri => new(BaseUrl);

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public int Count(Func<RecordedRequest, bool> predicate) => _requests.Count(predicate);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream);
                if (request == null) return;
                _requests.Enqueue(request);

                TestResponse response = _handler(request);
                if (response.Delay > TimeSpan.Zero) await Task.Delay(response.Delay, _stop.Token);
                if (response.Drop)
                {
                    client.Client.LingerState = new LingerOption(true, 0); // RST, not a polite FIN
                    return;
                }

                byte[] body = response.BodyBytes ?? Encoding.UTF8.GetBytes(response.Body);
                var head = new StringBuilder();
                head.Append("HTTP/1.1 ").Append(response.Status).Append(' ').Append(ReasonOf(response.Status)).Append("\r\n");
                foreach (var header in response.Headers) head.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
                head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
                head.Append("Connection: close\r\n\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
                if (response.TrickleChunk > 0)
                {
                    for (int offset = 0; offset < body.Length; offset += response.TrickleChunk)
                    {
                        await Task.Delay(response.TrickleDelay, _stop.Token);
                        await stream.WriteAsync(body.AsMemory(offset, Math.Min(response.TrickleChunk, body.Length - offset)));
                        await stream.FlushAsync();
                    }
                }
                else
                {
                    await stream.WriteAsync(body);
                }

                await stream.FlushAsync();
            }
            catch (Exception)
            {
                // The client gave up (timeout, cancellation); nothing to answer.
            }
        }
    }

    private static async Task<RecordedRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            int read = await stream.ReadAsync(one);
            if (read == 0) return null;
            buffer.Add(one[0]);
            int n = buffer.Count;
            if (n >= 4 && buffer[n - 4] == '\r' && buffer[n - 3] == '\n' && buffer[n - 2] == '\r' && buffer[n - 1] == '\n') break;
        }

        string[] lines = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        string[] requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        byte[] body = [];
        if (headers.TryGetValue("Content-Length", out var lengthText) && int.Parse(lengthText) > 0)
        {
            body = new byte[int.Parse(lengthText)];
            int offset = 0;
            while (offset < body.Length)
            {
                int read = await stream.ReadAsync(body.AsMemory(offset));
                if (read == 0) break;
                offset += read;
            }
        }

        return new RecordedRequest { Method = requestLine[0], Target = requestLine[1], Headers = headers, Body = body };
    }

    private static string ReasonOf(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    };

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception)
        {
        }

        _stop.Dispose();
    }
}

public sealed class ListLog : Apig.Cert.Engine.Diagnostics.IApigLog
{
    private readonly ConcurrentQueue<string> _verbose = new();
    private readonly ConcurrentQueue<string> _debug = new();

    public IReadOnlyList<string> VerboseLines => _verbose.ToArray();
    public IReadOnlyList<string> DebugLines => _debug.ToArray();
    public string All => string.Join("\n", VerboseLines.Concat(DebugLines));

    public bool IsVerboseEnabled { get; init; } = true;
    public bool IsDebugEnabled { get; init; } = true;
    public void Verbose(string message) => _verbose.Enqueue(message);
    public void Debug(string message) => _debug.Enqueue(message);
}
