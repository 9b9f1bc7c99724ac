# Build tooling shared by build.ps1, the demo, the benchmarks and the Pester suite: find pwsh, start/stop the
# emulator, talk to its admin API, and make real throwaway certificates with .NET's own APIs. It lives under tools/,
# not tests/, because the build and the demo need it too; nothing here ships in the module.
Set-StrictMode -Version Latest

function Get-PwshCommand {
    <# The pwsh of the local dotnet tool (or whatever runs this script), so child processes use the same PowerShell. #>
    $name = if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' }
    $exe = Join-Path $PSHOME $name
    # The tool's apphost finds the runtime through DOTNET_ROOT when dotnet is not in a default location.
    if (-not $env:DOTNET_ROOT -and [Environment]::ProcessPath -match '[\\/]dotnet(\.exe)?$') {
        $env:DOTNET_ROOT = Split-Path ([Environment]::ProcessPath)
    }
    $exe
}

function Start-ApigEmulator {
    <# Starts the emulator on a free loopback port; returns an object with Url and Process. #>
    param(
        [Parameter(Mandatory)] [string] $EmulatorPath,
        [string] $StatePath,
        [int] $TimeoutSec = 30
    )
    $dll = Join-Path $EmulatorPath 'Apig.Emulator.dll'
    if (-not (Test-Path $dll)) { throw "Emulator not built: $dll is missing. Run ./build.ps1 -Task Build." }
    $info = [System.Diagnostics.ProcessStartInfo]::new()
    $info.FileName = if ([Environment]::ProcessPath -match '[\\/]dotnet(\.exe)?$') { [Environment]::ProcessPath } else { 'dotnet' }
    $info.ArgumentList.Add($dll)
    $info.ArgumentList.Add('--urls')
    $info.ArgumentList.Add('http://127.0.0.1:0')
    if ($StatePath) { $info.ArgumentList.Add('--state'); $info.ArgumentList.Add($StatePath) }
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)
    $firstLine = $process.StandardOutput.ReadLineAsync()
    if (-not $firstLine.Wait([TimeSpan]::FromSeconds($TimeoutSec)) -or -not $firstLine.Result) {
        if (-not $process.HasExited) { $process.Kill() }
        throw "The emulator did not print its URL within $TimeoutSec s."
    }
    $url = $firstLine.Result.Trim()
    if ($url -notmatch '^http://127\.0\.0\.1:\d+$') {
        if (-not $process.HasExited) { $process.Kill() }
        throw "The emulator's first line was not its URL: $url"
    }
    [pscustomobject]@{ Url = $url; Process = $process }
}

function Stop-ApigEmulator {
    param([Parameter(ValueFromPipeline)] $Emulator)
    process {
        if ($Emulator -and $Emulator.Process -and -not $Emulator.Process.HasExited) {
            $Emulator.Process.Kill()
            $Emulator.Process.WaitForExit(5000) | Out-Null
        }
    }
}

function Invoke-EmulatorAdmin {
    <# Calls the emulator's /_emulator/ admin API. #>
    param(
        [Parameter(Mandatory)] [string] $Url,
        [Parameter(Mandatory)] [string] $Path,
        [string] $Method = 'GET',
        $Body
    )
    $params = @{ Uri = "$Url/_emulator/$Path"; Method = $Method }
    if ($null -ne $Body) { $params.Body = ($Body | ConvertTo-Json -Depth 10); $params.ContentType = 'application/json' }
    Invoke-RestMethod @params
}

function Get-EmulatorRequests {
    <# The emulator's request log (API and IAM calls, not admin calls). #>
    param([Parameter(Mandatory)] [string] $Url)
    # Invoke-RestMethod may hand back a JSON array as one object: unroll it so callers can count and filter entries.
    foreach ($entry in (Invoke-RestMethod -Uri "$Url/_emulator/requests")) { $entry }
}

function New-TestCertificateAuthority {
    <# A throwaway root CA (RSA 2048) able to sign leaves and intermediates. #>
    param([string] $Name = 'Apig Test Root CA', [System.Security.Cryptography.X509Certificates.X509Certificate2] $Issuer)
    $key = [System.Security.Cryptography.RSA]::Create(2048)
    $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
        "CN=$Name", $key, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
    $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new(
        [System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]'KeyCertSign, CrlSign', $true))
    $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509SubjectKeyIdentifierExtension]::new($request.PublicKey, $false))
    $notBefore = [DateTimeOffset]::UtcNow.AddDays(-400)
    $notAfter = [DateTimeOffset]::UtcNow.AddYears(5)
    if ($Issuer) {
        $serial = [byte[]]::new(12); [System.Security.Cryptography.RandomNumberGenerator]::Fill($serial); $serial[0] = $serial[0] -band 0x7F
        $cert = $request.Create($Issuer, $notBefore, $Issuer.NotAfter.ToUniversalTime().AddDays(-1), $serial)
        [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($cert, $key)
    }
    else {
        $request.CreateSelfSigned($notBefore, $notAfter)
    }
}

function New-TestCertificate {
    <#
    .SYNOPSIS
        Issues a leaf certificate for the given DNS names and writes the files admins usually have.
    .OUTPUTS
        An object with the X509Certificate2 (with key), the PEM texts and the paths of: fullchain.pem (leaf first),
        cert.pem (leaf only), chain.pem (intermediates), key.pem (PKCS#8), key-pkcs1.pem / key-sec1.pem,
        key-encrypted.pem (with KeyPassword), cert.pfx (with PfxPassword).
    #>
    param(
        [Parameter(Mandatory)] [string[]] $DnsName,
        [Parameter(Mandatory)] [string] $Directory,
        [System.Security.Cryptography.X509Certificates.X509Certificate2] $Issuer,
        [System.Security.Cryptography.X509Certificates.X509Certificate2[]] $Intermediates = @(),
        [ValidateSet('RSA', 'EC')] [string] $KeyAlgorithm = 'RSA',
        [DateTimeOffset] $NotBefore = [DateTimeOffset]::UtcNow.AddDays(-1),
        [DateTimeOffset] $NotAfter = [DateTimeOffset]::UtcNow.AddDays(90),
        [string] $CommonName,
        [string] $KeyPassword = 'key-password-1',
        [string] $PfxPassword = 'pfx-password-1'
    )
    New-Item -ItemType Directory -Force -Path $Directory | Out-Null
    if (-not $CommonName) { $CommonName = $DnsName[0] }
    if ($KeyAlgorithm -eq 'RSA') {
        $key = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
            "CN=$CommonName, O=Apig Cert Tests", $key, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
    }
    else {
        $key = [System.Security.Cryptography.ECDsa]::Create([System.Security.Cryptography.ECCurve+NamedCurves]::nistP256)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
            "CN=$CommonName, O=Apig Cert Tests", $key, [System.Security.Cryptography.HashAlgorithmName]::SHA256)
    }
    $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
    foreach ($name in $DnsName) { $san.AddDnsName($name) }
    $request.CertificateExtensions.Add($san.Build())
    $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($false, $false, 0, $false))

    if ($Issuer) {
        $serial = [byte[]]::new(16); [System.Security.Cryptography.RandomNumberGenerator]::Fill($serial); $serial[0] = $serial[0] -band 0x7F
        # Through a signature generator so an EC leaf can be issued by an RSA CA.
        $generator = [System.Security.Cryptography.X509Certificates.X509SignatureGenerator]::CreateForRSA(
            [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Issuer), [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $public = $request.Create($Issuer.SubjectName, $generator, $NotBefore, $NotAfter, $serial)
        $cert = if ($KeyAlgorithm -eq 'RSA') {
            [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::CopyWithPrivateKey($public, $key)
        }
        else {
            [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::CopyWithPrivateKey($public, $key)
        }
    }
    else {
        $cert = $request.CreateSelfSigned($NotBefore, $NotAfter)
    }

    $leafPem = $cert.ExportCertificatePem() + "`n"
    $chainPem = ($Intermediates | ForEach-Object { $_.ExportCertificatePem() + "`n" }) -join ''
    $keyPem = $key.ExportPkcs8PrivateKeyPem() + "`n"
    $pbe = [System.Security.Cryptography.PbeParameters]::new(
        [System.Security.Cryptography.PbeEncryptionAlgorithm]::Aes256Cbc, [System.Security.Cryptography.HashAlgorithmName]::SHA256, 10000)
    $files = [ordered]@{
        FullChainFile    = Join-Path $Directory 'fullchain.pem'
        CertFile         = Join-Path $Directory 'cert.pem'
        ChainFile        = Join-Path $Directory 'chain.pem'
        KeyFile          = Join-Path $Directory 'key.pem'
        KeyTraditional   = Join-Path $Directory ($KeyAlgorithm -eq 'RSA' ? 'key-pkcs1.pem' : 'key-sec1.pem')
        KeyEncryptedFile = Join-Path $Directory 'key-encrypted.pem'
        PfxFile          = Join-Path $Directory 'cert.pfx'
    }
    Set-Content -LiteralPath $files.FullChainFile -Value ($leafPem + $chainPem) -NoNewline
    Set-Content -LiteralPath $files.CertFile -Value $leafPem -NoNewline
    Set-Content -LiteralPath $files.ChainFile -Value $chainPem -NoNewline
    Set-Content -LiteralPath $files.KeyFile -Value $keyPem -NoNewline
    $traditional = if ($KeyAlgorithm -eq 'RSA') { $key.ExportRSAPrivateKeyPem() } else { $key.ExportECPrivateKeyPem() }
    Set-Content -LiteralPath $files.KeyTraditional -Value ($traditional + "`n") -NoNewline
    Set-Content -LiteralPath $files.KeyEncryptedFile -Value ($key.ExportEncryptedPkcs8PrivateKeyPem($KeyPassword, $pbe) + "`n") -NoNewline
    $collection = [System.Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
    $collection.Add($cert) | Out-Null
    foreach ($intermediate in $Intermediates) {
        $collection.Add([System.Security.Cryptography.X509Certificates.X509Certificate2]::new($intermediate.RawData)) | Out-Null
    }
    [System.IO.File]::WriteAllBytes($files.PfxFile, $collection.Export([System.Security.Cryptography.X509Certificates.X509ContentType]::Pkcs12, $PfxPassword))

    $result = [ordered]@{
            Certificate    = $cert
            Thumbprint     = $cert.Thumbprint
            NotAfter       = $cert.NotAfter
            DnsNames       = $DnsName
            CertificatePem = $leafPem + $chainPem
            PrivateKeyPem  = $keyPem
            KeyPassword    = $KeyPassword
            PfxPassword    = $PfxPassword
        }
    foreach ($entry in $files.GetEnumerator()) { $result[$entry.Key] = $entry.Value }
    [pscustomobject]$result
}

Export-ModuleMember -Function Get-PwshCommand, Start-ApigEmulator, Stop-ApigEmulator, Invoke-EmulatorAdmin, Get-EmulatorRequests, New-TestCertificateAuthority, New-TestCertificate
