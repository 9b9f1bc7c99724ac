<#
.SYNOPSIS
    Runs the Pester suite in this (fresh) pwsh against the built module, with the Pester version that
    tools/test-packages/TestPackages.csproj downloaded from NuGet. Writes passed/failed counts to -SummaryPath.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [string] $ResultPath,
    [string[]] $Path = @($PSScriptRoot),
    [string[]] $FullName
)
$ErrorActionPreference = 'Stop'
$assetsFile = Join-Path $PSScriptRoot '../../tools/test-packages/obj/project.assets.json'
if (-not (Test-Path $assetsFile)) { throw "Pester is not restored ($assetsFile missing). Run ./build.ps1 -Task Build first." }
$assets = Get-Content $assetsFile -Raw | ConvertFrom-Json
$packageRoot = @($assets.packageFolders.PSObject.Properties.Name)[0]
$downloads = $assets.project.frameworks.PSObject.Properties.Value.downloadDependencies
$pesterVersion = (($downloads | Where-Object name -EQ 'Pester').version -replace '[\[\]\s]', '').Split(',')[0]
Import-Module (Join-Path $packageRoot "pester/$pesterVersion/tools/Pester.psd1") -Force

# What the test files need, passed through the environment so every file (and any child pwsh) sees the same.
$env:APIG_TEST_MODULE = (Resolve-Path $ModulePath).Path
$env:APIG_TEST_EMULATOR = (Resolve-Path $EmulatorPath).Path
$env:APIG_TEST_SUPPORT = (Resolve-Path (Join-Path $PSScriptRoot '../../tools/ApigBuild.psm1')).Path
$diAbstractions = $downloads | Where-Object name -EQ 'Microsoft.Extensions.DependencyInjection.Abstractions'
if ($diAbstractions) {
    $diVersion = ($diAbstractions.version -replace '[\[\]\s]', '').Split(',')[0]
    $env:APIG_TEST_FOREIGN_DI = Join-Path $packageRoot "microsoft.extensions.dependencyinjection.abstractions/$diVersion/lib/net6.0/Microsoft.Extensions.DependencyInjection.Abstractions.dll"
}

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
if ($FullName) { $config.Filter.FullName = $FullName }
if ($ResultPath) {
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputFormat = 'NUnitXml'
    $config.TestResult.OutputPath = $ResultPath
}
$result = Invoke-Pester -Configuration $config
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[pscustomobject]@{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount } |
    ConvertTo-Json | Set-Content -LiteralPath $SummaryPath
Write-Host ("pester: {0} passed, {1} failed, {2} skipped" -f $result.PassedCount, $failed, $result.SkippedCount)
if ($failed -gt 0) { exit 1 }
