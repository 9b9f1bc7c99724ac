<#
.SYNOPSIS
    The demo behind ./build.ps1 -Task Demo: the whole tour against the built-in emulator. Connect, list the domains,
    bind a throwaway certificate to all of them, report expiry, unbind one, rotate a stored certificate in place, check
    what the edge serves, and stop the emulator.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module (Join-Path $PSScriptRoot 'ApigBuild.psm1') -Force
Import-Module (Join-Path $ModulePath 'Apig.Cert.psd1') -Force

function Write-Step([string] $Text) { Write-Host ''; Write-Host "--- $Text" }

$emulator = Start-ApigEmulator -EmulatorPath $EmulatorPath
$work = Join-Path ([IO.Path]::GetTempPath()) ("apig-demo-" + [guid]::NewGuid().ToString('N'))
try {
    Write-Host "Emulator listening on $($emulator.Url) (default seed: docs/emulator.md)"
    $state = Invoke-EmulatorAdmin -Url $emulator.Url -Path state

    Write-Step 'Connect-Apig (AK/SK signing, as a pipeline would with HUAWEICLOUD_SDK_* variables)'
    $secret = ConvertTo-SecureString 'emulator-secret-key-0001' -AsPlainText -Force
    Connect-Apig -Region cn-north-4 -ProjectId $state.projectId -Endpoint $emulator.Url -AccessKey 'EMULATORACCESSKEY0001' -SecretKey $secret |
        Format-Table -AutoSize | Out-String -Width 200 | Write-Host

    Write-Step 'Get-ApigDomain: every custom domain of every group of every instance'
    $domains = Get-ApigDomain
    $domains | Format-Table -AutoSize | Out-String -Width 200 | Write-Host

    Write-Step 'A throwaway certificate for those domains (one leaf, issued by a throwaway CA)'
    $ca = New-TestCertificateAuthority -Name 'Apig Demo CA'
    $expiring = New-TestCertificate -DnsName $domains.DomainName -Issuer $ca -Directory (Join-Path $work 'old') -NotAfter ([DateTimeOffset]::UtcNow.AddDays(21))
    $renewed = New-TestCertificate -DnsName $domains.DomainName -Issuer $ca -Directory (Join-Path $work 'new') -NotAfter ([DateTimeOffset]::UtcNow.AddDays(90))
    Write-Host "expiring: $($expiring.Thumbprint) (21 days); renewed: $($renewed.Thumbprint) (90 days)"

    Write-Step 'Get-ApigDomain | Set-ApigDomainCertificate (the certificate that is about to expire)'
    $domains | Set-ApigDomainCertificate -CertificatePath $expiring.FullChainFile -PrivateKeyPath $expiring.KeyFile |
        Format-Table -AutoSize | Out-String -Width 200 | Write-Host

    Write-Step 'Expiry report: Get-ApigDomain | Get-ApigDomainCertificate | Where-Object DaysRemaining -lt 30'
    $report = Get-ApigDomain | Get-ApigDomainCertificate | Where-Object DaysRemaining -lt 30
    $report | Format-Table -AutoSize | Out-String -Width 200 | Write-Host

    Write-Step 'Rotate what the report found'
    $rotated = $report | Set-ApigDomainCertificate -CertificatePath $renewed.FullChainFile -PrivateKeyPath $renewed.KeyFile
    $rotated | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    $left = @(Get-ApigDomain | Get-ApigDomainCertificate | Where-Object DaysRemaining -lt 30)
    Write-Host "domains still expiring within 30 days: $($left.Count)"

    Write-Step 'Remove-ApigDomainCertificate -Force -PassThru (unbind one domain)'
    Get-ApigDomain -DomainName 'intra.*' | Remove-ApigDomainCertificate -Force -PassThru |
        Format-Table -AutoSize | Out-String -Width 200 | Write-Host

    Write-Step 'The certificate store: New-ApigCertificate once, then Get-ApigDomain | Add-ApigCertificateBinding'
    $stored = New-ApigCertificate -CertificatePath $expiring.FullChainFile -PrivateKeyPath $expiring.KeyFile -Name demo_shared_certificate
    $stored | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    Get-ApigDomain | Add-ApigCertificateBinding -CertificateId $stored.CertificateId | Format-Table -AutoSize | Out-String -Width 200 | Write-Host

    Write-Step 'Get-ApigCertificate | Set-ApigCertificate: every bound domain rotated in place, with one update'
    $sentBefore = @(Get-EmulatorRequests -Url $emulator.Url).Count
    $inPlace = Get-ApigCertificate -CertificateId $stored.CertificateId |
        Set-ApigCertificate -CertificatePath $renewed.FullChainFile -PrivateKeyPath $renewed.KeyFile
    $inPlace | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    $rotation = @(Get-EmulatorRequests -Url $emulator.Url | Select-Object -Skip $sentBefore)
    $bound = @(Get-ApigCertificateBinding -CertificateId $stored.CertificateId)
    Write-Host ("{0} domain(s) are bound to it; the rotation took {1} request(s), {2} of them a change" -f $bound.Count, $rotation.Count,
        @($rotation | Where-Object method -NE 'GET').Count)
    if (-not $inPlace.Changed -or $bound.Count -ne @($domains).Count) { throw 'The demo did not rotate the stored certificate on every domain.' }

    Write-Step 'Test-ApigDomainCertificate: what the edge really serves (the emulator''s TLS data plane, the demo CA trusted)'
    $plane = (Invoke-EmulatorAdmin -Url $emulator.Url -Path state).dataPlane
    $caFile = Join-Path $work 'demo-ca.pem'
    Set-Content -LiteralPath $caFile -Value $ca.ExportCertificatePem() -Encoding ascii
    $checks = @(Get-ApigDomain | Test-ApigDomainCertificate -Endpoint "$($plane.host):$($plane.port)" -TrustedRootPath $caFile)
    $checks | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    $served = @($checks | Where-Object { $_.MatchesBound -and $_.ChainTrusted -and $_.NameMatches -and $_.Served.Thumbprint -eq $renewed.Thumbprint })
    Write-Host ("{0} of {1} domain(s) serve the renewed certificate, trusted and matching what APIG says is bound" -f $served.Count, $checks.Count)
    if ($served.Count -ne @($domains).Count) { throw 'The demo''s domains do not serve the renewed certificate.' }

    $requests = @(Get-EmulatorRequests -Url $emulator.Url)
    Write-Host ("Emulator saw {0} request(s): {1}" -f $requests.Count, (($requests | Group-Object method | ForEach-Object { "$($_.Count) $($_.Name)" }) -join ', '))
    if (@($rotated).Count -ne @($domains).Count -or $left.Count -ne 0) { throw 'The demo did not rotate every domain.' }
    Disconnect-Apig
}
finally {
    $emulator | Stop-ApigEmulator
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
