using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ApigTest
{
    /// <summary>
    /// A plain-http forward proxy for the tests: takes absolute-URI requests, optionally demands Basic proxy
    /// authentication, relays each request to its target over a fresh connection, and logs one line per request,
    /// so a test can tell which requests went through it. Host names ending in ".test" resolve to 127.0.0.1 here only.
    /// </summary>
    public static class ForwardProxy
    {
        private static readonly object LogGate = new object();

        public static void Run(string portFile, string logFile, string user, string password, int lifetimeSeconds)
        {
            string expected = string.IsNullOrEmpty(user) ? null : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            File.WriteAllText(portFile + ".tmp", ((IPEndPoint)listener.LocalEndpoint).Port.ToString());
            File.Move(portFile + ".tmp", portFile);

            // Bounded: a test run that dies before AfterAll must not leave this process behind for long.
            var deadline = DateTime.UtcNow.AddSeconds(lifetimeSeconds);
            while (DateTime.UtcNow < deadline)
            {
                if (!listener.Pending())
                {
                    Thread.Sleep(5);
                    continue;
                }

                TcpClient client = listener.AcceptTcpClient();
                Task.Run(() => Serve(client, expected, logFile));
            }

            listener.Stop();
        }

        private static void Serve(TcpClient client, string expectedAuthorization, string logFile)
        {
            using (client)
            {
                try
                {
                    NetworkStream downstream = client.GetStream();
                    downstream.ReadTimeout = 30000;
                    string head = ReadHead(downstream);
                    if (head == null) return;

                    string[] lines = head.Split(new[] { "\r\n" }, StringSplitOptions.None);
                    string[] requestLine = lines[0].Split(' ');
                    string method = requestLine[0];
                    // CONNECT names host:port only: the tunnel a client opens for an https endpoint.
                    var target = method == "CONNECT" ? new Uri("https://" + requestLine[1]) : new Uri(requestLine[1]);
                    var headers = new List<KeyValuePair<string, string>>();
                    string authorization = null;
                    int contentLength = 0;
                    for (int i = 1; i < lines.Length; i++)
                    {
                        int colon = lines[i].IndexOf(':');
                        if (colon <= 0) continue;
                        string name = lines[i].Substring(0, colon).Trim();
                        string value = lines[i].Substring(colon + 1).Trim();
                        if (name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)) { authorization = value; continue; }
                        if (name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)) continue;
                        if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) contentLength = int.Parse(value);
                        headers.Add(new KeyValuePair<string, string>(name, value));
                    }

                    byte[] body = ReadExactly(downstream, contentLength);

                    string auth = expectedAuthorization == null ? "none" : authorization == null ? "missing" : authorization == expectedAuthorization ? "ok" : "wrong";
                    if (auth == "missing" || auth == "wrong")
                    {
                        Log(logFile, method, target, auth, 407);
                        byte[] refusal = Encoding.ASCII.GetBytes(
                            "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"apig-test-proxy\"\r\n" +
                            "Content-Length: 0\r\nConnection: close\r\n\r\n");
                        downstream.Write(refusal, 0, refusal.Length);
                        return;
                    }

                    string host = target.Host.EndsWith(".test", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" : target.Host;
                    if (method == "CONNECT")
                    {
                        Tunnel(downstream, host, target, auth, logFile);
                        return;
                    }

                    using (var upstreamClient = new TcpClient())
                    {
                        upstreamClient.Connect(host, target.Port);
                        NetworkStream upstream = upstreamClient.GetStream();
                        var forwarded = new StringBuilder();
                        forwarded.Append(method).Append(' ').Append(target.PathAndQuery).Append(" HTTP/1.1\r\n");
                        foreach (var header in headers) forwarded.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
                        // One request per connection keeps the relay a plain copy until the target closes.
                        forwarded.Append("Connection: close\r\n\r\n");
                        byte[] forwardedHead = Encoding.ASCII.GetBytes(forwarded.ToString());
                        upstream.Write(forwardedHead, 0, forwardedHead.Length);
                        upstream.Write(body, 0, body.Length);

                        byte[] firstChunk = new byte[65536];
                        int read = upstream.Read(firstChunk, 0, firstChunk.Length);
                        int status = read > 12 ? int.Parse(Encoding.ASCII.GetString(firstChunk, 9, 3)) : 0;
                        Log(logFile, method, target, auth, status);
                        while (read > 0)
                        {
                            downstream.Write(firstChunk, 0, read);
                            read = upstream.Read(firstChunk, 0, firstChunk.Length);
                        }
                    }
                }
                catch (Exception ex) when (ex is IOException || ex is SocketException || ex is FormatException || ex is UriFormatException)
                {
                    Log(logFile, "?", null, "error " + ex.GetType().Name, 0);
                }
            }
        }

        /// <summary>Opens the tunnel and copies both ways until either side closes; what passes through (TLS) is not looked at.</summary>
        private static void Tunnel(NetworkStream downstream, string host, Uri target, string auth, string logFile)
        {
            using (var upstreamClient = new TcpClient())
            {
                upstreamClient.Connect(host, target.Port);
                NetworkStream upstream = upstreamClient.GetStream();
                byte[] established = Encoding.ASCII.GetBytes("HTTP/1.1 200 Connection established\r\n\r\n");
                downstream.Write(established, 0, established.Length);
                Log(logFile, "CONNECT", target, auth, 200);
                Task up = downstream.CopyToAsync(upstream);
                Task down = upstream.CopyToAsync(downstream);
                Task.WaitAny(up, down);
            }
        }

        private static string ReadHead(Stream stream)
        {
            var head = new StringBuilder();
            int b;
            while ((b = stream.ReadByte()) >= 0)
            {
                head.Append((char)b);
                if (head.Length >= 4 && head[head.Length - 1] == '\n' && head.ToString(head.Length - 4, 4) == "\r\n\r\n")
                {
                    return head.ToString(0, head.Length - 4);
                }
            }

            return null;
        }

        private static byte[] ReadExactly(Stream stream, int count)
        {
            var buffer = new byte[count];
            int offset = 0;
            while (offset < count)
            {
                int read = stream.Read(buffer, offset, count - offset);
                if (read <= 0) throw new IOException("The client closed the connection inside the request body.");
                offset += read;
            }

            return buffer;
        }

        private static void Log(string logFile, string method, Uri target, string auth, int status)
        {
            string line = method + " " + (target == null ? "-" : target.AbsoluteUri) + " auth=" + auth + " status=" + status + Environment.NewLine;
            lock (LogGate)
            {
                File.AppendAllText(logFile, line);
            }
        }
    }
}
