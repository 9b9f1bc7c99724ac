# Test-ApigDomainCertificate over real TLS: the built module against the emulator's data plane on 127.0.0.1, with
# certificates made in this run, bound through the API the way users bind them.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Reset-Emulator
    $script:context = Connect-TestApig
    $script:plane = Get-EmulatorDataPlane
    $script:api = $Seed.Domains[0]      # api.example.com: RSA
    $script:www = $Seed.Domains[1]      # www.example.com: ECC
    $script:pay = $Seed.Domains[2]      # pay.example.com: mutual TLS
    $script:checkout = $Seed.Domains[3] # checkout.example.com: rotations
    $script:intra = $Seed.Domains[4]    # intra.example.com: the stored certificate's second domain

    $script:ca = New-TestCertificateAuthority
    $script:rootFile = Join-Path $WorkDir 'root.pem'
    Set-Content -LiteralPath $rootFile -Value $ca.ExportCertificatePem() -NoNewline
    $script:rsa = New-TestCertificate -DnsName api.example.com -Issuer $ca -Directory (Join-Path $WorkDir 'rsa')
    $script:ecc = New-TestCertificate -DnsName www.example.com -Issuer $ca -KeyAlgorithm EC -Directory (Join-Path $WorkDir 'ecc')
    $script:rsaBinding = $api | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile
    $script:eccBinding = $www | Set-ApigDomainCertificate -CertificatePath $ecc.FullChainFile -PrivateKeyPath $ecc.KeyFile

    function Test-Check {
        # The command under test against the data plane; error records collected, never thrown.
        param([Parameter(ValueFromPipeline)] $InputObject, [hashtable] $With = @{})
        begin { $all = [System.Collections.Generic.List[object]]::new() }
        process { if ($null -ne $InputObject) { $all.Add($InputObject) } }
        end {
            $params = @{ Endpoint = $plane.Endpoint; ErrorVariable = 'checkErrors'; ErrorAction = 'SilentlyContinue' }
            foreach ($key in $With.Keys) { $params[$key] = $With[$key] }
            $script:checkErrors = $null
            $out = if ($all.Count) { $all | Test-ApigDomainCertificate @params } else { Test-ApigDomainCertificate @params }
            $script:lastErrors = @($checkErrors)
            $out
        }
    }

    # A port nothing listens on: bound once, then released.
    function Get-ClosedPort {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop(); $port
    }
}
AfterAll { Stop-TestEmulator }

Describe 'What an RSA and an ECC domain serve' {
    It 'reports every property of the check for the RSA domain' {
        $check = $api | Test-Check -With @{ TrustedRootPath = $rootFile }

        $lastErrors.Count | Should -Be 0
        $check | Should -HaveCount 1
        $check.GetType().FullName | Should -Be 'Apig.Cert.ApigTlsCheck'
        $check.DomainName | Should -Be 'api.example.com'
        $check.DomainId | Should -Be $api.DomainId
        $check.InstanceId | Should -Be $api.InstanceId
        $check.GroupId | Should -Be $api.GroupId
        $check.Endpoint | Should -Be $plane.Endpoint
        $check.Served.Thumbprint | Should -Be $rsa.Thumbprint
        $check.Served.Subject | Should -Be 'CN=api.example.com, O=Apig Cert Tests'
        $check.Served.Issuer | Should -Be 'CN=Apig Test Root CA'
        $check.Served.SerialNumber | Should -Be $rsa.Certificate.SerialNumber
        $check.Served.NotBefore | Should -Be $rsa.Certificate.NotBefore.ToUniversalTime()
        $check.Served.NotAfter | Should -Be $rsa.Certificate.NotAfter.ToUniversalTime()
        $check.Served.DaysRemaining | Should -BeIn 88, 89
        @($check.Served.SubjectAlternativeNames) | Should -Be @('api.example.com')
        $check.ChainLength | Should -Be 1
        $check.TlsProtocol | Should -BeIn 'TLSv1.2', 'TLSv1.3'
        $check.NameMatches | Should -BeTrue
        $check.ChainTrusted | Should -BeTrue
        $check.ChainStatus | Should -BeNullOrEmpty
        $check.MatchesBound | Should -BeTrue
        $check.Bound.CertificateId | Should -Be $rsaBinding.CertificateId
        $check.Bound.AlgorithmType | Should -Be 'RSA'
        $check.Bound.NotAfter.ToString('s') | Should -Be $rsa.Certificate.NotAfter.ToUniversalTime().ToString('s')
        $check.Bound.Issuer | Should -Match 'Apig Test Root CA'
        $check.Bound.SerialNumber | Should -Not -BeNullOrEmpty
        $check.Error | Should -BeNullOrEmpty
        # The connection it was read in, for piping on (set by the cmdlet base).
        $check.Context.ProjectId | Should -Be $Seed.ProjectId
        $check.Context.Endpoint | Should -Be $context.Endpoint
    }

    It 'reports the ECC domain with its own leaf, bound certificate and algorithm' {
        $check = $www | Test-Check -With @{ TrustedRootPath = $rootFile }

        $lastErrors.Count | Should -Be 0
        $check.DomainName | Should -Be 'www.example.com'
        $check.Served.Thumbprint | Should -Be $ecc.Thumbprint
        @($check.Served.SubjectAlternativeNames) | Should -Be @('www.example.com')
        $check.NameMatches | Should -BeTrue
        $check.ChainTrusted | Should -BeTrue
        $check.MatchesBound | Should -BeTrue
        $check.Bound.CertificateId | Should -Be $eccBinding.CertificateId
        $check.Bound.AlgorithmType | Should -Be 'ECC'
    }

    It 'finds a chain to a private root untrusted until -TrustedRootPath names it, and serves what the upload gave' {
        $intermediate = New-TestCertificateAuthority -Name 'Apig Test Issuing CA' -Issuer $ca
        $chained = New-TestCertificate -DnsName intra.example.com -Issuer $intermediate -Intermediates $intermediate -Directory (Join-Path $WorkDir 'chained')
        $intra | Set-ApigDomainCertificate -CertificatePath $chained.FullChainFile -PrivateKeyPath $chained.KeyFile | Out-Null
        $folder = Join-Path $WorkDir 'roots'
        New-Item -ItemType Directory -Path $folder -Force | Out-Null
        [IO.File]::WriteAllBytes((Join-Path $folder 'root.cer'), $ca.RawData)

        $untrusted = $intra | Test-Check
        $trusted = $intra | Test-Check -With @{ TrustedRootPath = $folder }

        $untrusted.ChainLength | Should -Be 2
        $untrusted.ChainTrusted | Should -BeFalse
        $untrusted.ChainStatus | Should -Match 'Apig Test Root CA'
        $untrusted.Error | Should -BeNullOrEmpty -Because 'an untrusted chain is a finding, not an error'
        $untrusted.MatchesBound | Should -BeTrue
        $trusted.ChainTrusted | Should -BeTrue
        $trusted.ChainStatus | Should -BeNullOrEmpty
    }

    It 'reports the TLS version negotiated, at least the domain''s minimum' {
        $api | Set-ApigDomain -MinSslVersion TLSv1.2 | Out-Null
        $check = $api | Test-Check

        $check.TlsProtocol | Should -BeIn 'TLSv1.2', 'TLSv1.3'
    }
}

Describe 'Findings and failures' {
    It 'an expired certificate is a finding with its reason, not an error' {
        # Uploaded while still valid (APIG refuses an expired one), served once it has expired. EC: quick to make.
        $shortLived = New-TestCertificate -DnsName checkout.example.com -Issuer $ca -KeyAlgorithm EC -NotAfter ([DateTimeOffset]::UtcNow.AddSeconds(10)) -Directory (Join-Path $WorkDir 'short')
        $checkout | Set-ApigDomainCertificate -CertificatePath $shortLived.FullChainFile -PrivateKeyPath $shortLived.KeyFile | Out-Null
        while ([DateTime]::UtcNow -le $shortLived.Certificate.NotAfter.ToUniversalTime().AddSeconds(1)) { Start-Sleep -Milliseconds 200 }

        $check = $checkout | Test-Check -With @{ TrustedRootPath = $rootFile }

        $lastErrors.Count | Should -Be 0
        $check.Served.Thumbprint | Should -Be $shortLived.Thumbprint
        $check.Served.DaysRemaining | Should -BeLessThan 0
        $check.ChainTrusted | Should -BeFalse
        $check.ChainStatus | Should -Match '^Expired'
        $check.NameMatches | Should -BeTrue
        $check.MatchesBound | Should -BeTrue
    }

    It 'a name the gateway does not serve fails the handshake: a check with Error and an error record naming it' {
        $check = Test-Check -With @{ DomainName = 'nosuch.example.com' }

        $check.DomainName | Should -Be 'nosuch.example.com'
        $check.Served | Should -BeNullOrEmpty
        $check.MatchesBound | Should -BeNullOrEmpty
        $check.Error | Should -Match 'handshake'
        $lastErrors.Count | Should -Be 1
        $lastErrors[0].FullyQualifiedErrorId | Should -Match '^TlsHandshakeFailed'
        [object]::ReferenceEquals($lastErrors[0].TargetObject, $check) | Should -BeTrue -Because 'the record points at the object written for it'
    }

    It 'a closed port is refused, and the batch goes on with the next domain' {
        $closed = Get-ClosedPort
        $checks = @($api, $www | Test-Check -With @{ Endpoint = "127.0.0.1:$closed" })

        $checks | Should -HaveCount 2
        $checks.DomainName | Should -Be 'api.example.com', 'www.example.com'
        $checks | ForEach-Object { $_.Error | Should -Match 'refused'; $_.Endpoint | Should -Be "127.0.0.1:$closed" }
        $lastErrors.Count | Should -Be 2
        $lastErrors | ForEach-Object { $_.FullyQualifiedErrorId | Should -Match '^TlsConnectionRefused' }
    }

    It 'a black-holed port times out within -ConnectTimeoutSec' {
        $hole = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $hole.Start()
        try {
            $check = $api | Test-Check -With @{ Endpoint = "127.0.0.1:$($hole.LocalEndpoint.Port)"; ConnectTimeoutSec = 1 }
        }
        finally { $hole.Stop() }

        $check.Error | Should -Match 'did not finish within 1 s'
        $lastErrors[0].FullyQualifiedErrorId | Should -Match '^TlsHandshakeTimeout'
        $lastErrors[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
    }

    It 'with -ErrorAction Stop, writes the failed check, then stops before the next domain' {
        $closed = Get-ClosedPort
        $written = [System.Collections.Generic.List[object]]::new()
        $thrown = $null
        try { $api, $www | Test-ApigDomainCertificate -Endpoint "127.0.0.1:$closed" -ThrottleLimit 1 -ErrorAction Stop | ForEach-Object { $written.Add($_) } }
        catch { $thrown = $_ }

        $thrown | Should -Not -BeNullOrEmpty
        $thrown.FullyQualifiedErrorId | Should -Match '^TlsConnectionRefused'
        $written.Count | Should -Be 1
        $written[0].DomainName | Should -Be 'api.example.com'
        [object]::ReferenceEquals($thrown.TargetObject, $written[0]) | Should -BeTrue
    }
}

Describe 'Inputs with nothing to connect to' {
    It 'a domain with HTTPS off (port -1) is a check with Error unless -Endpoint names a port' {
        $intra | Set-ApigDomain -HttpsPort -1 -HttpPort 80 | Out-Null
        try {
            $off = $intra | Test-Check -With @{ Endpoint = '127.0.0.1' }
            $offErrors = $lastErrors
            $forced = $intra | Test-Check
        }
        finally { $intra | Set-ApigDomain -HttpsPort 443 | Out-Null }

        $off.Error | Should -Match 'HTTPS is off'
        $offErrors[0].FullyQualifiedErrorId | Should -Match '^HttpsDisabled'
        $forced.Error | Should -BeNullOrEmpty -Because '-Endpoint host:port connects anyway'
        $forced.Served | Should -Not -BeNullOrEmpty
    }

    It 'a stored certificate bound to no domain says so and checks nothing' {
        $lonely = New-TestCertificate -DnsName lonely.example.com -Issuer $ca -Directory (Join-Path $WorkDir 'lonely')
        $storedLonely = New-ApigCertificate -CertificatePath $lonely.FullChainFile -PrivateKeyPath $lonely.KeyFile
        $checks = @($storedLonely | Test-ApigDomainCertificate -Endpoint $plane.Endpoint -WarningVariable warned -WarningAction SilentlyContinue)

        $checks.Count | Should -Be 0
        @($warned | Where-Object { "$_" -match 'bound to no domain' }).Count | Should -Be 1
    }

    It 'without a name, ids or a stored certificate: an error that says what to give' {
        { Test-ApigDomainCertificate -Endpoint $plane.Endpoint -ErrorAction Stop } | Should -Throw -ErrorId 'DomainRequired*'
    }
}

Describe 'Mutual TLS' {
    BeforeAll {
        $script:clientCa = New-TestCertificateAuthority -Name 'Apig Test Client CA'
        $clientCaFile = Join-Path $WorkDir 'client-ca.pem'
        Set-Content -LiteralPath $clientCaFile -Value $clientCa.ExportCertificatePem() -NoNewline
        $payCert = New-TestCertificate -DnsName pay.example.com -Issuer $ca -Directory (Join-Path $WorkDir 'pay')
        $script:stored = New-ApigCertificate -Type Instance -InstanceId $pay.InstanceId -CertificatePath $payCert.FullChainFile -PrivateKeyPath $payCert.KeyFile -TrustedRootCaPath $clientCaFile
        $script:attached = Add-ApigCertificateBinding -CertificateId $stored.CertificateId -DomainName pay.example.com -VerifyClientCertificate
        $script:payCert = $payCert
        $script:clientIssued = New-TestCertificate -DnsName client.example.com -Issuer $clientCa -Directory (Join-Path $WorkDir 'client')
        $script:client = $clientIssued.Certificate
        $script:stranger = (New-TestCertificate -DnsName client.example.com -Issuer $ca -Directory (Join-Path $WorkDir 'stranger')).Certificate
    }

    It 'without -ClientCertificate the domain refuses the client: Error says to give one' {
        $check = $attached | Test-Check

        $check.DomainName | Should -Be 'pay.example.com'
        $check.Error | Should -Match '-ClientCertificate'
        $lastErrors[0].FullyQualifiedErrorId | Should -Match '^TlsHandshakeFailed'
    }

    It 'with a client certificate of the domain''s CA it connects; with one of another CA it is refused' {
        $accepted = $attached | Test-Check -With @{ ClientCertificate = $client }
        $acceptedErrors = $lastErrors
        $refused = $attached | Test-Check -With @{ ClientCertificate = $stranger }

        $acceptedErrors.Count | Should -Be 0
        $accepted.Error | Should -BeNullOrEmpty
        $accepted.Served.Thumbprint | Should -Be $payCert.Thumbprint
        $accepted.MatchesBound | Should -BeTrue
        $accepted.Bound.CertificateId | Should -Be $stored.CertificateId
        $refused.Error | Should -Not -BeNullOrEmpty
    }

    It 'never shows the client certificate''s private key in any stream, even with -Verbose and -Debug' {
        $everything = $attached | Test-ApigDomainCertificate -Endpoint $plane.Endpoint -ClientCertificate $client -Verbose -Debug -ErrorAction Continue *>&1 |
            ForEach-Object { $_ | Format-List * -Force | Out-String } | Out-String
        $everything | Should -Match 'pay.example.com'
        $keyLines = @($clientIssued.PrivateKeyPem -split "`n" | Where-Object { $_ -and $_ -notmatch '^-----' })
        $keyLines.Count | Should -BeGreaterThan 0
        foreach ($line in $keyLines) { $everything | Should -Not -Match ([regex]::Escape($line.Trim())) }
    }

    It 'refuses a client certificate without its private key before connecting' {
        $publicOnly = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($client.RawData)
        Clear-SentRequests
        { Test-ApigDomainCertificate -DomainName pay.example.com -Endpoint $plane.Endpoint -ClientCertificate $publicOnly -ErrorAction Stop } |
            Should -Throw -ErrorId 'ClientCertificateWithoutKey*'
        @(Get-SentRequests).Count | Should -Be 0
    }
}

Describe 'Piped results of the binding cmdlets' {
    # The two domains hold uploads of their own: the stored certificate displaces them.
    BeforeAll { Set-EmulatorSettings @{ attachConflict = 'replace' } }
    AfterAll { Set-EmulatorSettings @{ attachConflict = 'refuse' } }

    It 'takes Set-ApigDomainCertificate, Add-ApigCertificateBinding and Set-ApigCertificate results without binding a wrong parameter' {
        $wildcard = New-TestCertificate -DnsName intra.example.com, checkout.example.com -Issuer $ca -Directory (Join-Path $WorkDir 'wild')
        $storedCert = New-ApigCertificate -CertificatePath $wildcard.FullChainFile -PrivateKeyPath $wildcard.KeyFile
        $attachments = @(Add-ApigCertificateBinding -CertificateId $storedCert.CertificateId -DomainName intra.example.com, checkout.example.com)
        $rotated = New-TestCertificate -DnsName intra.example.com, checkout.example.com -Issuer $ca -Directory (Join-Path $WorkDir 'wild2')
        $updated = Set-ApigCertificate -CertificateId $storedCert.CertificateId -CertificatePath $rotated.FullChainFile -PrivateKeyPath $rotated.KeyFile

        $fromAttach = @($attachments | Test-Check)
        $fromStore = @($updated | Test-Check)
        $fromSet = @($rsaBinding | Test-Check)

        $fromAttach.DomainName | Should -Be 'intra.example.com', 'checkout.example.com'
        $fromStore.DomainName | Sort-Object | Should -Be 'checkout.example.com', 'intra.example.com'
        $fromStore | ForEach-Object { $_.Served.Thumbprint | Should -Be $rotated.Thumbprint; $_.MatchesBound | Should -BeTrue; $_.Bound.CertificateId | Should -Be $storedCert.CertificateId }
        $fromSet.DomainName | Should -Be 'api.example.com'
        $fromSet.MatchesBound | Should -BeTrue

        # Which parameters each object's properties bind to: only the domain's, never -Endpoint or the others.
        $traceFile = Join-Path $WorkDir 'binding-trace.txt'
        foreach ($piped in $updated, $attachments[0], $rsaBinding) {
            Remove-Item -LiteralPath $traceFile -ErrorAction Ignore
            Trace-Command -Name ParameterBinding -FilePath $traceFile -Expression { $piped | Test-ApigDomainCertificate -Endpoint $plane.Endpoint | Out-Null }
            $bound = @(Get-Content -LiteralPath $traceFile | Select-String 'BIND arg \[(?<value>[^\]]*)\] to param \[(?<name>\w+)\] SUCCESSFUL' |
                ForEach-Object { $_.Matches[0].Groups['name'].Value } | Where-Object { $_ -notin 'InputObject', 'Endpoint' } | Sort-Object -Unique)
            $bound | Should -Not -BeNullOrEmpty
            $bound | ForEach-Object { $_ | Should -BeIn 'DomainName', 'InstanceId', 'GroupId', 'DomainId', 'CertificateId', 'HttpsPort', 'Context' -Because "$($piped.GetType().Name) must bind only the domain's properties" }
        }
    }
}

Describe 'Propagation after a rotation' {
    AfterEach { Set-EmulatorSettings @{ propagationDelaySec = 0 } }

    It 'shows the old certificate still served as not matching, and -WaitUntilMatches ends once it propagated' {
        Set-EmulatorSettings @{ propagationDelaySec = 4 }
        $next = New-TestCertificate -DnsName api.example.com -Issuer $ca -Directory (Join-Path $WorkDir 'next')
        $bound = $api | Set-ApigDomainCertificate -CertificatePath $next.FullChainFile -PrivateKeyPath $next.KeyFile

        $before = $bound | Test-Check
        $waited = $bound | Test-Check -With @{ WaitUntilMatches = $true; TimeoutSec = 60 }

        $before.MatchesBound | Should -BeFalse -Because 'the edge still serves what it served before the change'
        $before.Served.Thumbprint | Should -Not -Be $next.Thumbprint
        $before.Bound.CertificateId | Should -Be $bound.CertificateId
        $before.Error | Should -BeNullOrEmpty
        $lastErrors.Count | Should -Be 0
        $waited.MatchesBound | Should -BeTrue
        $waited.Served.Thumbprint | Should -Be $next.Thumbprint
        $waited.Error | Should -BeNullOrEmpty
    }

    It 'times out when -TimeoutSec is shorter than the propagation: the last check with Error, and its error record' {
        Set-EmulatorSettings @{ propagationDelaySec = 30 }
        $late = New-TestCertificate -DnsName www.example.com -Issuer $ca -KeyAlgorithm EC -Directory (Join-Path $WorkDir 'late')
        $bound = $www | Set-ApigDomainCertificate -CertificatePath $late.FullChainFile -PrivateKeyPath $late.KeyFile

        $check = $bound | Test-Check -With @{ WaitUntilMatches = $true; TimeoutSec = 2 }

        $check.MatchesBound | Should -BeFalse
        $check.Error | Should -Match 'did not serve the bound certificate within 2 s'
        $lastErrors.Count | Should -Be 1
        $lastErrors[0].FullyQualifiedErrorId | Should -Match '^TlsNotMatched'
        [object]::ReferenceEquals($lastErrors[0].TargetObject, $check) | Should -BeTrue
    }
}

Describe 'Without a connection, and Ctrl+C' {
    BeforeAll {
        function New-ModuleShell {
            $shell = [powershell]::Create()
            $shell.AddScript("Import-Module '$(Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')'").Invoke() | Out-Null
            $shell.Commands.Clear()
            $shell
        }
    }

    It 'checks -DomainName without Connect-Apig, MatchesBound unknown, and says once how to get it' {
        $shell = New-ModuleShell
        try {
            $checks = $shell.AddCommand('Test-ApigDomainCertificate').AddParameter('DomainName', @('api.example.com', 'www.example.com')).AddParameter('Endpoint', $plane.Endpoint).Invoke()
            $warnings = @($shell.Streams.Warning)
        }
        finally { $shell.Dispose() }

        $checks | Should -HaveCount 2
        $checks | ForEach-Object { $_.Served | Should -Not -BeNullOrEmpty; $_.MatchesBound | Should -BeNullOrEmpty; $_.DomainId | Should -BeNullOrEmpty }
        $warnings | Should -HaveCount 1
        $warnings[0].Message | Should -Match 'Connect-Apig'
    }

    It '-WaitUntilMatches without a connection is a clear error' {
        $shell = New-ModuleShell
        try {
            $shell.AddCommand('Test-ApigDomainCertificate').AddParameter('DomainName', 'api.example.com').AddParameter('Endpoint', $plane.Endpoint).AddParameter('WaitUntilMatches') | Out-Null
            $thrown = $null
            try { $shell.Invoke() } catch { $thrown = $_.Exception }
        }
        finally { $shell.Dispose() }

        $thrown | Should -Not -BeNullOrEmpty
        $thrown.Message | Should -Match 'WaitUntilMatches needs a connection'
        $thrown.Message | Should -Match 'Connect-Apig'
    }

    It 'Ctrl+C ends a check stuck on a black hole long before its timeout' {
        $hole = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $hole.Start()
        $shell = New-ModuleShell
        try {
            $shell.AddCommand('Test-ApigDomainCertificate').AddParameter('DomainName', 'api.example.com').AddParameter('Endpoint', "127.0.0.1:$($hole.LocalEndpoint.Port)").AddParameter('ConnectTimeoutSec', 300) | Out-Null
            $running = $shell.BeginInvoke()
            # Until the connection is open and the handshake waits: the listener's backlog holds it.
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not $hole.Pending() -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $hole.Pending() | Should -BeTrue
            $running.IsCompleted | Should -BeFalse

            $clock = [Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $clock.Stop()

            $running.IsCompleted | Should -BeTrue
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
            # Generous: it would otherwise hang for its 300-second handshake timeout.
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
        }
        finally { $shell.Dispose(); $hole.Stop() }
    }
}
