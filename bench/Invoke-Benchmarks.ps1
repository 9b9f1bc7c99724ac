<#
.SYNOPSIS
    Benchmarks behind ./build.ps1 -Task Bench. Every figure is measured side by side in one run and reported as a
    ratio, because absolute times vary from machine to machine. Results go to docs/benchmarks.md.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath,
    [Parameter(Mandatory)] [string] $ReportPath,
    [int] $ImportRuns = 10,
    [int] $Domains = 200
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../tests/Support/ApigTestSupport.psm1') -Force
$pwsh = Get-PwshCommand
$manifest = Join-Path $ModulePath 'Apig.Cert.psd1'
$work = Join-Path ([IO.Path]::GetTempPath()) ('apig-bench-' + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $work | Out-Null

function Get-Median([double[]] $values) {
    $sorted = $values | Sort-Object
    $n = $sorted.Count
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

function Measure-Process([string] $Command) {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    & $pwsh -NoProfile -NonInteractive -Command $Command | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "Benchmark command failed: $Command" }
    $watch.Elapsed.TotalMilliseconds
}

$results = [ordered]@{}

# 1. Import cost: fresh processes, alternating so drift in machine load hits both sides alike.
Write-Host "==> Import-Module cost ($ImportRuns fresh pwsh processes each)"
Measure-Process 'exit 0' | Out-Null   # warm the file cache once
$bare = [Collections.Generic.List[double]]::new(); $imported = [Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt $ImportRuns; $i++) {
    $bare.Add((Measure-Process 'exit 0'))
    $imported.Add((Measure-Process "Import-Module '$manifest'; exit 0"))
}
$results.ImportBareMs = Get-Median $bare
$results.ImportModuleMs = Get-Median $imported
$results.ImportCostMs = $results.ImportModuleMs - $results.ImportBareMs

# 2. Binding one certificate to N piped domains, against the script an admin would write from the API page.
Write-Host "==> Bind one certificate to $Domains piped domains"
$emulator = Start-ApigEmulator -EmulatorPath $EmulatorPath
try {
    $state = Invoke-EmulatorAdmin -Url $emulator.Url -Path state
    $instanceId = @($state.instances)[0].id
    Invoke-EmulatorAdmin -Url $emulator.Url -Path bulk -Method POST -Body @{ instanceId = $instanceId; groups = $Domains; domainsPerGroup = 1; namePrefix = 'bench' } | Out-Null
    $ca = New-TestCertificateAuthority -Name 'Bench Root'
    $names = 1..$Domains | ForEach-Object { 'd1.bench-{0:D5}.example.com' -f $_ }
    $cert = New-TestCertificate -DnsName $names -Issuer $ca -Directory $work
    $benchScript = Join-Path $work 'bind.ps1'
    @'
param($Manifest, $Url, $ProjectId, $Token, $CertFile, $KeyFile, $Mode)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ($Mode -eq 'module') {
    Import-Module $Manifest
    Connect-Apig -Region cn-north-4 -ProjectId $ProjectId -Endpoint $Url -Token (ConvertTo-SecureString $Token -AsPlainText -Force) | Out-Null
    $domains = Get-ApigDomain -DomainName 'd1.bench-*'
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $bound = @($domains | Set-ApigDomainCertificate -CertificatePath $CertFile -PrivateKeyPath $KeyFile)
    $watch.Stop()
} else {
    # What an admin writes today from the API page: token auth, files read once, one Invoke-RestMethod per domain.
    $headers = @{ 'X-Auth-Token' = $Token }
    $groups = (Invoke-RestMethod -Uri "$Url/v2/$ProjectId/apigw/instances/inst0000000000000000000000000001/api-groups?limit=500" -Headers $headers).groups
    $domains = foreach ($g in $groups) { foreach ($d in $g.url_domains) { if ($d.domain -like 'd1.bench-*') { [pscustomobject]@{ Group = $g.id; Id = $d.id } } } }
    $body = @{ name = 'bench_cert'; cert_content = (Get-Content -Raw $CertFile); private_key = (Get-Content -Raw $KeyFile) } | ConvertTo-Json
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $bound = foreach ($d in $domains) {
        Invoke-RestMethod -Method Post -Uri "$Url/v2/$ProjectId/apigw/instances/inst0000000000000000000000000001/api-groups/$($d.Group)/domains/$($d.Id)/certificate" -Headers $headers -ContentType 'application/json;charset=UTF-8' -Body $body
    }
    $watch.Stop()
}
"{0}|{1}" -f @($bound).Count, $watch.Elapsed.TotalMilliseconds
'@ | Set-Content -LiteralPath $benchScript

    function Invoke-BindRun([string] $Mode) {
        Invoke-EmulatorAdmin -Url $emulator.Url -Path requests -Method DELETE | Out-Null
        $line = & $pwsh -NoProfile -NonInteractive -File $benchScript -Manifest $manifest -Url $emulator.Url -ProjectId $state.projectId `
            -Token 'emulator-token-0001' -CertFile $cert.FullChainFile -KeyFile $cert.KeyFile -Mode $Mode | Select-Object -Last 1
        $count, $ms = $line -split '\|'
        if ([int]$count -ne $Domains) { throw "$Mode run bound $count of $Domains domains." }
        [double]$ms
    }
    $moduleRuns = [Collections.Generic.List[double]]::new(); $scriptRuns = [Collections.Generic.List[double]]::new()
    for ($i = 0; $i -lt 3; $i++) {
        $scriptRuns.Add((Invoke-BindRun 'script'))
        $moduleRuns.Add((Invoke-BindRun 'module'))
    }
    $results.BindScriptMs = Get-Median $scriptRuns
    $results.BindModuleMs = Get-Median $moduleRuns
}
finally {
    $emulator | Stop-ApigEmulator
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}

$commit = (git -C (Join-Path $PSScriptRoot '..') rev-parse --short HEAD 2>$null)
$cpu = if (Test-Path /proc/cpuinfo) { ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':', 2)[1].Trim() } else { $env:PROCESSOR_IDENTIFIER }
$memKb = (Get-Content /proc/meminfo -ErrorAction Ignore | Select-Object -First 1) -replace '\D', ''
$memoryGiB = if ($memKb) { [Math]::Round([double]$memKb / 1MB, 1) } else { '?' }
$report = @"
# Benchmarks

Written by ``./build.ps1 -Task Bench``. Each comparison is measured side by side in one run on one machine and
reported as a ratio; absolute times vary between machines and runs.

- Date: $((Get-Date).ToUniversalTime().ToString('yyyy-MM-dd HH:mm')) UTC; commit $commit
- Machine: $([Environment]::ProcessorCount) cores ($cpu), $memoryGiB GiB, $([Runtime.InteropServices.RuntimeInformation]::OSDescription)
- PowerShell $($PSVersionTable.PSVersion), $([Runtime.InteropServices.RuntimeInformation]::FrameworkDescription)

## Import-Module cost

Median of $ImportRuns fresh ``pwsh -NoProfile`` processes each, alternating.

| measure | median |
| --- | --- |
| bare pwsh start | $([Math]::Round($results.ImportBareMs)) ms |
| pwsh start + ``Import-Module Apig.Cert`` | $([Math]::Round($results.ImportModuleMs)) ms |
| **import cost** | **$([Math]::Round($results.ImportCostMs)) ms** ($([Math]::Round($results.ImportModuleMs / $results.ImportBareMs, 2))x a bare start) |

## One certificate onto $Domains piped domains (emulator on loopback, no added latency)

Median of 3 runs each, alternating; timed from the first request to the last result, in a fresh pwsh per run.

| way | median | domains/s |
| --- | --- | --- |
| admin's script: ``Invoke-RestMethod`` in a ``foreach`` (token auth, files read once) | $([Math]::Round($results.BindScriptMs)) ms | $([Math]::Round($Domains / $results.BindScriptMs * 1000)) |
| ``Get-ApigDomain \| Set-ApigDomainCertificate`` | $([Math]::Round($results.BindModuleMs)) ms | $([Math]::Round($Domains / $results.BindModuleMs * 1000)) |
| **ratio (script / module)** | **$([Math]::Round($results.BindScriptMs / $results.BindModuleMs, 2))x** | |
"@
Set-Content -LiteralPath $ReportPath -Value $report
Write-Host $report
