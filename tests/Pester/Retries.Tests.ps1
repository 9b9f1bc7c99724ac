BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')

    # A relay in front of the emulator that passes every request on and, for the first matching ones, throws the
    # emulator's answer away: a 502 or a reset connection after the change was made, as a gateway that lost the
    # backend's answer does. The emulator's own state and request log stay the truth the tests check.
    Add-Type -TypeDefinition @'
using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ApigRetryTest
{
    public sealed class FaultRelay : IDisposable
    {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly int _targetPort;
        private readonly string _method;
        private readonly string _pathContains;
        private readonly bool _drop;
        private int _faultsLeft;
        private int _faulted;

        public FaultRelay(int targetPort, string method, string pathContains, int faults, bool drop)
        {
            _targetPort = targetPort;
            _method = method;
            _pathContains = pathContains;
            _faultsLeft = faults;
            _drop = drop;
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            Task.Run(() => AcceptLoop());
        }

        public int Port { get; private set; }

        public int Faulted { get { return Volatile.Read(ref _faulted); } }

        private void AcceptLoop()
        {
            while (true)
            {
                TcpClient client;
                try { client = _listener.AcceptTcpClient(); } catch (Exception) { return; }
                Task.Run(() => Serve(client));
            }
        }

        private void Serve(TcpClient client)
        {
            using (client)
            {
                try
                {
                    NetworkStream down = client.GetStream();
                    string head = ReadHead(down);
                    if (head == null) return;
                    string[] lines = head.Split(new[] { "\r\n" }, StringSplitOptions.None);
                    string[] requestLine = lines[0].Split(' ');
                    var forwarded = new StringBuilder(lines[0] + "\r\n");
                    int length = 0;
                    for (int i = 1; i < lines.Length; i++)
                    {
                        int colon = lines[i].IndexOf(':');
                        if (colon <= 0) continue;
                        string name = lines[i].Substring(0, colon).Trim();
                        if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase)) continue;
                        if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) length = int.Parse(lines[i].Substring(colon + 1).Trim());
                        forwarded.Append(lines[i]).Append("\r\n");
                    }

                    forwarded.Append("Connection: close\r\n\r\n");
                    byte[] body = new byte[length];
                    for (int offset = 0; offset < length; )
                    {
                        int read = down.Read(body, offset, length - offset);
                        if (read <= 0) return;
                        offset += read;
                    }

                    byte[] answer;
                    using (var up = new TcpClient())
                    {
                        up.Connect(IPAddress.Loopback, _targetPort);
                        NetworkStream upstream = up.GetStream();
                        byte[] forwardedHead = Encoding.ASCII.GetBytes(forwarded.ToString());
                        upstream.Write(forwardedHead, 0, forwardedHead.Length);
                        upstream.Write(body, 0, body.Length);
                        using (var all = new MemoryStream())
                        {
                            upstream.CopyTo(all);
                            answer = all.ToArray();
                        }
                    }

                    bool matches = requestLine[0] == _method && requestLine[1].Contains(_pathContains);
                    if (matches && Interlocked.Decrement(ref _faultsLeft) >= 0)
                    {
                        Interlocked.Increment(ref _faulted);
                        if (_drop)
                        {
                            client.Client.LingerState = new LingerOption(true, 0);
                            return;
                        }

                        answer = Encoding.ASCII.GetBytes("HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\nContent-Length: 52\r\nConnection: close\r\n\r\n" +
                                                         "{\"error_code\":\"APIG.9999\",\"error_msg\":\"Bad gateway\"}");
                    }

                    down.Write(answer, 0, answer.Length);
                }
                catch (IOException) { }
                catch (SocketException) { }
            }
        }

        private static string ReadHead(Stream stream)
        {
            var head = new StringBuilder();
            int b;
            while ((b = stream.ReadByte()) >= 0)
            {
                head.Append((char)b);
                if (head.Length >= 4 && head.ToString(head.Length - 4, 4) == "\r\n\r\n") return head.ToString(0, head.Length - 4);
            }

            return null;
        }

        public void Dispose()
        {
            _listener.Stop();
        }
    }
}
'@

    $script:Ca = New-TestCertificateAuthority -Name 'Retries Root'
    $script:Cert = New-TestCertificate -DnsName $Seed.Domains.DomainName -Issuer $Ca -Directory (Join-Path $WorkDir 'retries')

    function Connect-ThroughRelay {
        param($Relay)
        Connect-Apig -Region $Seed.Region -ProjectId $Seed.ProjectId -Endpoint ('http://127.0.0.1:' + $Relay.Port) -AccessKey $Seed.AccessKey `
            -SecretKey (ConvertTo-SecureString $Seed.SecretKey -AsPlainText -Force) | Out-Null
    }

    $script:EmulatorPort = ([uri]$EmulatorUrl).Port
}

AfterAll {
    Disconnect-Apig
    Stop-TestEmulator
}

Describe 'A change whose answer was lost' {
    BeforeEach {
        Reset-Emulator
        Disconnect-Apig
    }

    It 'binds once when the answer to the upload is <Fault>, and reports the certificate bound' -TestCases @(
        @{ Fault = '502'; Drop = $false; Said = 'answered 502' }
        @{ Fault = 'a reset connection'; Drop = $true; Said = 'lost its connection' }
    ) {
        $relay = [ApigRetryTest.FaultRelay]::new($EmulatorPort, 'POST', '/certificate', 1, $Drop)
        try {
            Connect-ThroughRelay $relay
            $output = @($Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $Cert.FullChainFile -PrivateKeyPath $Cert.KeyFile -Verbose 4>&1)
        }
        finally { $relay.Dispose() }

        $relay.Faulted | Should -Be 1
        $result = @($output | Where-Object { $_ -is [Apig.Cert.DomainCertificateBinding] })
        $result.Count | Should -Be 1
        $result[0].Changed | Should -BeTrue
        $result[0].Thumbprint | Should -Be $Cert.Thumbprint
        $bound = (Get-EmulatorDomain -DomainId $Seed.Domains[0].DomainId).certificates
        @($bound).Count | Should -Be 1
        $result[0].CertificateId | Should -Be $bound[0].id
        @(Get-SentRequests | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/certificate' }).Count | Should -Be 1
        $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
        $verbose | Should -Contain "POST /v2/$($Seed.ProjectId)/apigw/instances/$($Seed.Domains[0].InstanceId)/api-groups/$($Seed.Domains[0].GroupId)/domains/$($Seed.Domains[0].DomainId)/certificate $Said but the certificate is bound: not repeating."
    }

    It 'unbinds once when the answer to the DELETE is lost, and reports success instead of APIG.3021' {
        Connect-TestApig | Out-Null
        $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $Cert.FullChainFile -PrivateKeyPath $Cert.KeyFile | Out-Null
        $relay = [ApigRetryTest.FaultRelay]::new($EmulatorPort, 'DELETE', '/certificate/', 1, $false)
        try {
            Connect-ThroughRelay $relay
            $output = @(Get-ApigDomain -DomainName $Seed.Domains[0].DomainName | Remove-ApigDomainCertificate -Force -Verbose -ErrorVariable failed -ErrorAction SilentlyContinue 4>&1)
        }
        finally { $relay.Dispose() }

        $relay.Faulted | Should -Be 1
        $failed | Should -BeNullOrEmpty
        (Get-EmulatorDomain -DomainId $Seed.Domains[0].DomainId).certificates | Should -BeNullOrEmpty
        @(Get-SentRequests | Where-Object method -EQ 'DELETE').Count | Should -Be 1
        @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'DELETE * answered 502 but the certificate is no longer bound: not repeating.' }).Count | Should -Be 1
    }
}
