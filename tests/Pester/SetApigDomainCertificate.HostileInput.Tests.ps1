# Local input made to hang, exhaust or fool the module (FIFOs, devices, floods of BEGIN lines, huge base64, nested
# ASN.1, certificates APIG refuses, damaged keys) through the built module in a fresh pwsh. Each case must end with its
# own error id and nothing sent. One child pwsh runs every case and records each as it finishes; the parent waits with
# a hang guard only (a blocked FIFO open or a quadratic scan would otherwise stall the suite), not a timing goal.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Hostile Input Root'
    $good = New-TestCertificate -DnsName 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'good')
    $dir = Join-Path $WorkDir 'hostile'
    New-Item -ItemType Directory -Path $dir | Out-Null

    function New-SelfSignedPair {
        param([string] $Name, [string[]] $DnsName, [DateTimeOffset] $NotAfter)
        $key = [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
            'CN=api.example.com, O=Hostile Input Tests', $key, [System.Security.Cryptography.HashAlgorithmName]::SHA256)
        if ($DnsName) {
            $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
            foreach ($n in $DnsName) { $san.AddDnsName($n) }
            $request.CertificateExtensions.Add($san.Build())
        }
        $cert = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), $NotAfter)
        $pair = @{ Cert = Join-Path $dir "$Name.pem"; Key = Join-Path $dir "$Name.key" }
        Set-Content -LiteralPath $pair.Cert -Value ($cert.ExportCertificatePem() + "`n") -NoNewline
        Set-Content -LiteralPath $pair.Key -Value ($key.ExportPkcs8PrivateKeyPem() + "`n") -NoNewline
        $pair
    }

    $files = @{}
    $files.Fifo = Join-Path $dir 'cert.fifo'
    if (-not $IsWindows) { & mkfifo $files.Fifo; if ($LASTEXITCODE -ne 0) { throw 'mkfifo failed' } }
    $begin = "-----BEGIN CERTIFICATE-----`n"
    $files.Flood = Join-Path $dir 'flood.pem'
    [IO.File]::WriteAllText($files.Flood, ($begin * [math]::Floor(1MB / $begin.Length)))
    $files.HugeBase64 = Join-Path $dir 'huge.pem'
    $noise = [byte[]]::new(700000); [System.Security.Cryptography.RandomNumberGenerator]::Fill($noise)
    [IO.File]::WriteAllText($files.HugeBase64, [System.Security.Cryptography.PemEncoding]::WriteString('CERTIFICATE', $noise))
    $files.Nested = Join-Path $dir 'nested.der'
    $nested = [byte[]]::new(1000000)
    for ($i = 0; $i -lt 250000; $i++) { $nested[2 * $i] = 0x30; $nested[2 * $i + 1] = 0x80 }
    [IO.File]::WriteAllBytes($files.Nested, $nested)
    $files.Sparse = Join-Path $dir 'sparse.pem'
    $stream = [IO.File]::Create($files.Sparse); $stream.SetLength(3GB); $stream.Dispose()

    $sanless = New-SelfSignedPair -Name 'sanless' -DnsName @() -NotAfter ([DateTimeOffset]::UtcNow.AddDays(30))
    $late = New-SelfSignedPair -Name 'late' -DnsName 'api.example.com' -NotAfter ([DateTimeOffset]::new(2038, 1, 19, 3, 14, 7, [TimeSpan]::Zero))

    # The RSA key of $good with its private exponent d altered; n and e (the public part) stay intact.
    $rsa = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($good.Certificate)
    $p = $rsa.ExportParameters($true)
    $p.D[[int]($p.D.Length / 2)] = $p.D[[int]($p.D.Length / 2)] -bxor 0x5A
    $writer = [System.Formats.Asn1.AsnWriter]::new([System.Formats.Asn1.AsnEncodingRules]::DER)
    $scope = $writer.PushSequence()
    $writer.WriteInteger(0)
    foreach ($part in $p.Modulus, $p.Exponent, $p.D, $p.P, $p.Q, $p.DP, $p.DQ, $p.InverseQ) {
        # RSAParameters pads D, DP, DQ and InverseQ to a fixed length; DER wants the minimal form.
        $start = 0; while ($start -lt $part.Length - 1 -and $part[$start] -eq 0) { $start++ }
        $writer.WriteIntegerUnsigned([byte[]]$part[$start..($part.Length - 1)])
    }
    $scope.Dispose()
    $files.DamagedKey = Join-Path $dir 'damaged.key'
    [IO.File]::WriteAllText($files.DamagedKey, [System.Security.Cryptography.PemEncoding]::WriteString('RSA PRIVATE KEY', $writer.Encode()) + "`n")

    $cases = [ordered]@{
        'FIFO as -CertificatePath'          = @{ CertificatePath = $files.Fifo; PrivateKeyPath = $good.KeyFile }
        'FIFO as -PrivateKeyPath'           = @{ CertificatePath = $good.FullChainFile; PrivateKeyPath = $files.Fifo }
        'FIFO as -PfxPath'                  = @{ PfxPath = $files.Fifo }
        '/dev/zero as -CertificatePath'     = @{ CertificatePath = '/dev/zero'; PrivateKeyPath = $good.KeyFile }
        '/dev/zero as -PfxPath'             = @{ PfxPath = '/dev/zero' }
        'a directory as -PrivateKeyPath'    = @{ CertificatePath = $good.FullChainFile; PrivateKeyPath = $dir }
        '1 MiB of BEGIN lines in a file'    = @{ CertificatePath = $files.Flood; PrivateKeyPath = $good.KeyFile }
        '1 MiB of BEGIN lines as a string'  = @{ CertificatePemFile = $files.Flood; PrivateKeyPemFile = $good.KeyFile }
        'huge base64 block'                 = @{ CertificatePath = $files.HugeBase64; PrivateKeyPath = $good.KeyFile }
        'nested ASN.1'                      = @{ CertificatePath = $files.Nested; PrivateKeyPath = $good.KeyFile }
        'nested ASN.1 as -PfxPath'          = @{ PfxPath = $files.Nested }
        '3 GB sparse file'                  = @{ CertificatePath = $files.Sparse; PrivateKeyPath = $good.KeyFile }
        'certificate without DNS SAN'       = @{ CertificatePath = $sanless.Cert; PrivateKeyPath = $sanless.Key }
        'certificate expiring in 2038'      = @{ CertificatePath = $late.Cert; PrivateKeyPath = $late.Key }
        'RSA key with d altered'            = @{ CertificatePath = $good.FullChainFile; PrivateKeyPath = $files.DamagedKey }
        'PFX without its password'          = @{ PfxPath = $good.PfxFile }
        'domain the certificate misses'     = @{ CertificatePath = $good.FullChainFile; PrivateKeyPath = $good.KeyFile; DomainName = 'www.example.com' }
    }
    if ($IsWindows) { foreach ($name in @($cases.Keys)) { if ($name -match 'FIFO|/dev/') { $cases.Remove($name) } } }

    $casesFile = Join-Path $dir 'cases.json'
    $resultsFile = Join-Path $dir 'results.jsonl'
    $cases | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $casesFile
    $domain = $Seed.Domains[0]
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$(Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')'
Connect-Apig -Region '$($Seed.Region)' -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -AccessKey '$($Seed.AccessKey)' -SecretKey (ConvertTo-SecureString `$env:T_SK -AsPlainText -Force) | Out-Null
`$cases = Get-Content -Raw '$casesFile' | ConvertFrom-Json
foreach (`$case in `$cases.PSObject.Properties) {
    [pscustomobject]@{ Name = `$case.Name; Started = `$true } | ConvertTo-Json -Compress | Add-Content -LiteralPath '$resultsFile'
    `$p = @{ InstanceId = '$($domain.InstanceId)'; GroupId = '$($domain.GroupId)'; DomainId = '$($domain.DomainId)'; DomainName = '$($domain.DomainName)' }
    foreach (`$property in `$case.Value.PSObject.Properties) { `$p[`$property.Name] = `$property.Value }
    if (`$p.CertificatePemFile) { `$p.CertificatePem = Get-Content -Raw `$p.CertificatePemFile; `$p.Remove('CertificatePemFile') }
    if (`$p.PrivateKeyPemFile) { `$p.PrivateKeyPem = Get-Content -Raw `$p.PrivateKeyPemFile; `$p.Remove('PrivateKeyPemFile') }
    `$out = Set-ApigDomainCertificate @p -ErrorVariable errs -ErrorAction SilentlyContinue
    [pscustomobject]@{
        Name = `$case.Name; Started = `$false; Outputs = @(`$out).Count; ErrorIds = @(`$errs | ForEach-Object { `$_.FullyQualifiedErrorId })
        Message = if (`$errs) { `$errs[0].Exception.Message }; InputName = if (`$errs) { `$errs[0].Exception.InputName }
        Advice = if (`$errs) { `$errs[0].ErrorDetails.RecommendedAction }
    } | ConvertTo-Json -Compress | Add-Content -LiteralPath '$resultsFile'
}
"@
    Reset-Emulator
    $info = [System.Diagnostics.ProcessStartInfo]::new((Get-PwshCommand))
    foreach ($arg in '-NoProfile', '-NonInteractive', '-Command', $script) { $info.ArgumentList.Add($arg) }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.Environment['T_SK'] = $Seed.SecretKey
    $child = [System.Diagnostics.Process]::Start($info)
    $stdout = $child.StandardOutput.ReadToEndAsync()
    $stderr = $child.StandardError.ReadToEndAsync()
    $finished = $child.WaitForExit(180000)
    if (-not $finished) { $child.Kill($true); $child.WaitForExit(5000) | Out-Null }
    $childOutput = $stdout.Result + $stderr.Result

    $results = @{}
    $lastStarted = $null
    if (Test-Path $resultsFile) {
        foreach ($line in Get-Content -LiteralPath $resultsFile) {
            $entry = $line | ConvertFrom-Json
            if ($entry.Started) { $lastStarted = $entry.Name } else { $results[$entry.Name] = $entry }
        }
    }
    $requests = @(Get-SentRequests)
}
AfterAll { Stop-TestEmulator }

Describe 'Hostile local input' {
    It 'finishes every case (hang guard)' {
        $finished | Should -BeTrue -Because "the run must not hang; it was still in '$lastStarted' when stopped. $childOutput"
        $results.Count | Should -Be $cases.Count -Because $childOutput
    }

    It '<Name> -> <ErrorId>' -ForEach @(
        @{ Name = 'FIFO as -CertificatePath'; ErrorId = 'PathIsNotRegularFile'; InputName = 'CertificatePath'; Mention = 'FIFO'; Unix = $true }
        @{ Name = 'FIFO as -PrivateKeyPath'; ErrorId = 'PathIsNotRegularFile'; InputName = 'PrivateKeyPath'; Mention = 'FIFO'; Unix = $true }
        @{ Name = 'FIFO as -PfxPath'; ErrorId = 'PathIsNotRegularFile'; InputName = 'PfxPath'; Mention = 'FIFO'; Unix = $true }
        @{ Name = '/dev/zero as -CertificatePath'; ErrorId = 'PathIsNotRegularFile'; InputName = 'CertificatePath'; Mention = 'character device'; Unix = $true }
        @{ Name = '/dev/zero as -PfxPath'; ErrorId = 'PathIsNotRegularFile'; InputName = 'PfxPath'; Mention = 'character device'; Unix = $true }
        @{ Name = 'a directory as -PrivateKeyPath'; ErrorId = 'PathIsDirectory'; InputName = 'PrivateKeyPath'; Mention = 'directory' }
        @{ Name = '1 MiB of BEGIN lines in a file'; ErrorId = 'CertificateNotPem'; InputName = 'CertificatePath'; Mention = 'flood.pem' }
        @{ Name = '1 MiB of BEGIN lines as a string'; ErrorId = 'CertificateNotPem'; InputName = 'CertificatePem'; Mention = 'CertificatePem' }
        @{ Name = 'huge base64 block'; ErrorId = 'CertificateNotPem'; InputName = 'CertificatePath'; Mention = 'damaged' }
        @{ Name = 'nested ASN.1'; ErrorId = 'CertificateNotPem'; InputName = 'CertificatePath'; Mention = 'nested.der' }
        @{ Name = 'nested ASN.1 as -PfxPath'; ErrorId = 'PfxInvalid'; InputName = 'PfxPath'; Mention = 'nested.der' }
        @{ Name = '3 GB sparse file'; ErrorId = 'InputTooLarge'; InputName = 'CertificatePath'; Mention = '1 MiB' }
        @{ Name = 'certificate without DNS SAN'; ErrorId = 'CertificateHasNoDnsName'; InputName = 'CertificatePath'; Mention = 'APIG.2109'; Advice = 'DNS subject alternative names' }
        @{ Name = 'certificate expiring in 2038'; ErrorId = 'CertificateExpiresTooLate'; InputName = 'CertificatePath'; Mention = '2038-01-19 03:14:07'; Advice = 'before 2038-01-19' }
        @{ Name = 'RSA key with d altered'; ErrorId = 'PrivateKeyDamaged'; InputName = 'PrivateKeyPath'; Mention = 'damaged'; Advice = 'Export the private key again' }
        @{ Name = 'PFX without its password'; ErrorId = 'PfxPasswordRequired'; InputName = 'PfxPassword'; Mention = 'No password was given'; Advice = '-PfxPassword' }
        @{ Name = 'domain the certificate misses'; ErrorId = 'DomainNotCovered'; InputName = 'DomainName'; Mention = 'www.example.com'; Advice = 'Use a certificate that covers the domain' }
    ) {
        if ($Unix -and $IsWindows) { Set-ItResult -Skipped -Because 'FIFOs and /dev exist only on Linux and macOS'; return }
        $result = $results[$Name]
        $result | Should -Not -BeNullOrEmpty -Because "the case must finish ($childOutput)"
        $result.Outputs | Should -Be 0
        @($result.ErrorIds).Count | Should -Be 1
        @($result.ErrorIds)[0] | Should -BeLike "$ErrorId,*"
        $result.InputName | Should -Be $InputName
        $result.Message | Should -BeLike "*$Mention*"
        if ($Advice) { $result.Advice | Should -BeLike "*$Advice*" }
        $result.Advice | Should -BeLike 'Nothing was sent.*'
    }

    It 'sent no certificate request for any of them' {
        @($requests | Where-Object { $_.method -ne 'GET' -and $_.path -notmatch '/v3/auth/' }).Count | Should -Be 0
        @($requests | Where-Object { $_.path -like '*/certificate*' }).Count | Should -Be 0
    }
}
