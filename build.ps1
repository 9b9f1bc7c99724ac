#Requires -Version 7.2
<#
.SYNOPSIS
    The one front door: build, test, demo, run the emulator, benchmark.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Demo
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Package    # out/packages: Apig.Cert.<version>.nupkg and Apig.Cert.zip
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Emulator', 'Bench', 'Package', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    # Emulator task only: the port to listen on (0 = any free port).
    [int] $Port = 0
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:NO_COLOR = '1'

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'Apig.Cert'
$EmulatorOut = Join-Path $Out 'Apig.Emulator'
$ArtifactsDir = Join-Path $Out 'test-results'

Import-Module (Join-Path $Root 'tools/ApigBuild.psm1') -Force

function Invoke-Native {
    param([string] $Description, [scriptblock] $Command)
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$Description failed (exit code $LASTEXITCODE)." }
}

function Invoke-Build {
    Write-Host "==> Build ($Configuration)"
    Invoke-Native 'dotnet build' { dotnet build (Join-Path $Root 'Apig.Cert.sln') -c $Configuration -nologo -clp:NoSummary -v:quiet }
    # A clean folder each time: a stale dll from an earlier layout must never be what the tests import.
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    Invoke-Native 'dotnet publish (module)' { dotnet publish (Join-Path $Root 'src/Apig.Cert/Apig.Cert.csproj') -c $Configuration -o $ModuleOut --no-build -nologo -v:quiet }
    Get-ChildItem $ModuleOut -Filter '*.deps.json' -Recurse | Remove-Item
    # A child pwsh: importing the module here would keep its dll loaded (and locked) in the build's own session.
    & (Get-PwshCommand) -NoProfile -NonInteractive -File (Join-Path $Root 'tools/help/ConvertTo-ApigMaml.ps1') `
        -ModulePath $ModuleOut -SourcePath (Join-Path $Root 'docs/help') -AboutPath (Join-Path $Root 'docs/about_Apig.Cert.md')
    if ($LASTEXITCODE -ne 0) { throw "Help generation failed (exit code $LASTEXITCODE): see the list of missing help above." }
    Invoke-Native 'dotnet publish (emulator)' { dotnet publish (Join-Path $Root 'src/Apig.Emulator/Apig.Emulator.csproj') -c $Configuration -o $EmulatorOut --no-build -nologo -v:quiet }
    Write-Host "    module:   $ModuleOut"
    Write-Host "    emulator: $EmulatorOut"
}

function Get-TrxCounts {
    param([string] $Directory)
    $passed = 0; $failed = 0
    foreach ($file in Get-ChildItem $Directory -Filter '*.trx' -ErrorAction SilentlyContinue) {
        [xml] $trx = Get-Content -LiteralPath $file.FullName -Raw
        $counters = $trx.TestRun.ResultSummary.Counters
        $passed += [int] $counters.passed
        $failed += [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

function Invoke-Test {
    Invoke-Build
    if (Test-Path $ArtifactsDir) { Remove-Item $ArtifactsDir -Recurse -Force }
    New-Item -ItemType Directory -Path $ArtifactsDir | Out-Null

    Write-Host '==> xunit'
    $xunitDir = Join-Path $ArtifactsDir 'xunit'
    dotnet test (Join-Path $Root 'Apig.Cert.sln') -c $Configuration --no-build --nologo `
        --logger 'trx' --logger 'console;verbosity=minimal' --results-directory $xunitDir
    $xunitExit = $LASTEXITCODE
    $xunit = Get-TrxCounts $xunitDir
    if ($xunitExit -ne 0 -and $xunit.Failed -eq 0) { $xunit.Failed = 1 }   # a crashed test host counts as a failure

    Write-Host '==> Pester (fresh pwsh, built module, live emulator)'
    $pesterSummary = Join-Path $ArtifactsDir 'pester-summary.json'
    & (Get-PwshCommand) -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Pester/Invoke-PesterSuite.ps1') `
        -ModulePath $ModuleOut -EmulatorPath $EmulatorOut -SummaryPath $pesterSummary -ResultPath (Join-Path $ArtifactsDir 'pester.xml')
    $pester = if (Test-Path $pesterSummary) { Get-Content $pesterSummary -Raw | ConvertFrom-Json } else { [pscustomobject]@{ Passed = 0; Failed = 1 } }

    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed; pester: $($pester.Passed) passed, $($pester.Failed) failed"
    Write-Host "tests: $passed passed, $failed failed"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    Write-Host '==> Demo: the tour against the built-in emulator (connect, list, bind, report expiry, rotate, unbind)'
    & (Get-PwshCommand) -NoProfile -NonInteractive -File (Join-Path $Root 'tools/Demo.ps1') -ModulePath $ModuleOut -EmulatorPath $EmulatorOut
    if ($LASTEXITCODE -ne 0) { throw "Demo failed (exit code $LASTEXITCODE)." }
}

function Invoke-Emulator {
    # Only the emulator is (re)built: out/Apig.Cert may be imported in another session right now, and rebuilding it
    # would delete the module under that session's feet (or fail on a locked dll on Windows).
    Write-Host "==> Emulator build ($Configuration; out/Apig.Cert is left as it is)"
    Invoke-Native 'dotnet publish (emulator)' { dotnet publish (Join-Path $Root 'src/Apig.Emulator/Apig.Emulator.csproj') -c $Configuration -o $EmulatorOut -nologo -v:quiet }
    if (-not (Test-Path (Join-Path $ModuleOut 'Apig.Cert.psd1'))) {
        Write-Host "    The module is not built yet: run 'dotnet pwsh ./build.ps1 -Task Build' to get out/Apig.Cert."
    }
    $dll = Join-Path $EmulatorOut 'Apig.Emulator.dll'
    Write-Host "==> Emulator in the foreground (Ctrl+C stops it). Seed: docs/emulator.md"
    & dotnet $dll --urls "http://127.0.0.1:$Port"
}

function Invoke-Bench {
    Invoke-Build
    $ceilingOut = Join-Path $Out 'Apig.Bench.Ceiling'
    Invoke-Native 'dotnet publish (bench ceiling)' { dotnet publish (Join-Path $Root 'bench/Apig.Bench.Ceiling/Apig.Bench.Ceiling.csproj') -c Release -o $ceilingOut -nologo -v:quiet }
    & (Get-PwshCommand) -NoProfile -NonInteractive -File (Join-Path $Root 'bench/Invoke-Benchmarks.ps1') -ModulePath $ModuleOut -EmulatorPath $EmulatorOut `
        -CeilingPath (Join-Path $ceilingOut 'Apig.Bench.Ceiling.dll') -ReportPath (Join-Path $Root 'docs/benchmarks.md')
    if ($LASTEXITCODE -ne 0) { throw "Bench failed (exit code $LASTEXITCODE)." }
}

function Invoke-Package {
    Invoke-Build
    $packagesOut = Join-Path $Out 'packages'
    Write-Host '==> Package (PowerShell repository .nupkg and the Azure Automation zip)'
    if (Test-Path $packagesOut) { Remove-Item $packagesOut -Recurse -Force }
    # A child pwsh, like help generation: the packaging session must not hold the module's files.
    & (Get-PwshCommand) -NoProfile -NonInteractive -File (Join-Path $Root 'tools/packaging/New-ApigPackage.ps1') `
        -ModulePath $ModuleOut -OutputPath $packagesOut | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "Packaging failed (exit code $LASTEXITCODE)." }
    Get-ChildItem $packagesOut -File | ForEach-Object { Write-Host "    package:  $($_.FullName)" }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Emulator' { Invoke-Emulator }
    'Bench' { Invoke-Bench }
    'Package' { Invoke-Package }
    'Clean' { foreach ($dir in @($Out)) { if (Test-Path $dir) { Remove-Item $dir -Recurse -Force } }; Invoke-Native 'dotnet clean' { dotnet clean (Join-Path $Root 'Apig.Cert.sln') -nologo -v:quiet } }
}
