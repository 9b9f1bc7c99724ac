#Requires -Version 7.2
<#
.SYNOPSIS
    Packs the built module into what admins install: a PowerShell repository package (.nupkg) and the zip that
    Azure Automation imports.
.DESCRIPTION
    Called by `./build.ps1 -Task Package` and by tests/Pester/Package.Tests.ps1, so the test proves the very code
    the build runs. Writes to -OutputPath:
      Apig.Cert.<ModuleVersion>.nupkg  made by PSResourceGet (Compress-PSResource), installable with Install-PSResource
      Apig.Cert.zip                    the module folder Apig.Cert/ at the zip root, every path under 140 characters
    Fails (throws) when the manifest does not pass Test-ModuleManifest, when Apig.Cert.dll does not carry
    ModuleVersion, or when a zip path is too long. Returns an object with Version, NupkgPath and ZipPath.
.EXAMPLE
    ./tools/packaging/New-ApigPackage.ps1 -ModulePath out/Apig.Cert -OutputPath out/packages
#>
[CmdletBinding()]
param(
    # The built module folder (out/Apig.Cert): Apig.Cert.psd1, the dlls, Dependencies/, en-US/.
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath,
    # Shipped inside both packages next to the manifest.
    [string] $LicensePath = (Join-Path $PSScriptRoot '../../LICENSE')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ProgressPreference = 'SilentlyContinue'

$ModuleName = 'Apig.Cert'
# Azure Automation refuses a module zip with a longer path inside it.
$MaxZipPathLength = 140

$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
$manifestPath = Join-Path $ModulePath "$ModuleName.psd1"
if (-not (Test-Path -LiteralPath $manifestPath)) { throw "No module to pack: $manifestPath is missing. Run ./build.ps1 -Task Build first." }
if (-not (Test-Path -LiteralPath $LicensePath)) { throw "The licence file $LicensePath is missing; both packages ship it." }

# Test-ModuleManifest does not load the dlls, so this session keeps no file of the module open.
$manifest = Test-ModuleManifest -Path $manifestPath
$version = $manifest.Version
foreach ($required in 'Author', 'Description') {
    if (-not $manifest.$required) { throw "The manifest has no $required; PowerShell repositories require it." }
}
$psData = (Import-PowerShellDataFile -LiteralPath $manifestPath).PrivateData.PSData
foreach ($key in 'Tags', 'ProjectUri', 'LicenseUri', 'ReleaseNotes') {
    if (-not $psData[$key]) { throw "The manifest's PrivateData.PSData has no $key." }
}

# One version for everything: a dll built from another manifest than the one being shipped would be a lie.
$loaderPath = Join-Path $ModulePath "$ModuleName.dll"
$assemblyVersion = [System.Reflection.AssemblyName]::GetAssemblyName($loaderPath).Version
$fileVersion = [version] [System.Diagnostics.FileVersionInfo]::GetVersionInfo($loaderPath).FileVersion
$expected = [version]::new($version.Major, $version.Minor, [Math]::Max($version.Build, 0), [Math]::Max($version.Revision, 0))
if ($assemblyVersion -ne $expected -or $fileVersion -ne $expected) {
    throw "$ModuleName.dll carries AssemblyVersion $assemblyVersion and FileVersion $fileVersion, the manifest ModuleVersion $version. Rebuild."
}

New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
$OutputPath = (Resolve-Path -LiteralPath $OutputPath).Path
# Old versions left beside the new one would be what Install-PSResource picks up as "latest" after a downgrade.
Get-ChildItem -LiteralPath $OutputPath -File | Where-Object { $_.Name -like "$ModuleName.*.nupkg" -or $_.Name -eq "$ModuleName.zip" } | Remove-Item -Force

# A staging copy named exactly like the module: both package formats take the folder name as the module name,
# and the licence joins the module without touching the build output.
$staging = Join-Path ([System.IO.Path]::GetTempPath()) ('apig-package-' + [guid]::NewGuid().ToString('N'))
try {
    $stagedModule = Join-Path $staging $ModuleName
    New-Item -ItemType Directory -Path $stagedModule | Out-Null
    Copy-Item -Path (Join-Path $ModulePath '*') -Destination $stagedModule -Recurse
    Copy-Item -LiteralPath $LicensePath -Destination (Join-Path $stagedModule 'LICENSE')

    # Compress-PSResource packs exactly what Publish-PSResource would publish, without registering a repository,
    # so building never edits the user's PSResourceGet configuration.
    Import-Module Microsoft.PowerShell.PSResourceGet
    if (-not (Get-Command Compress-PSResource -ErrorAction Ignore)) {
        throw 'Compress-PSResource is missing: PSResourceGet 1.1 or later is needed (it ships with PowerShell 7.5+; the build uses the local tool pwsh 7.6).'
    }
    Compress-PSResource -Path $stagedModule -DestinationPath $OutputPath
    $nupkg = Join-Path $OutputPath "$ModuleName.$version.nupkg"
    if (-not (Test-Path -LiteralPath $nupkg)) {
        throw "Compress-PSResource did not write $nupkg (found: $((Get-ChildItem -LiteralPath $OutputPath -Name) -join ', '))."
    }

    $zip = Join-Path $OutputPath "$ModuleName.zip"
    Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem
    # includeBaseDirectory puts Apig.Cert/ at the root; .NET writes '/' separators, which Automation expects
    # (Windows PowerShell 5.1's Compress-Archive writes '\', a known cause of broken imports).
    [System.IO.Compression.ZipFile]::CreateFromDirectory($stagedModule, $zip, [System.IO.Compression.CompressionLevel]::Optimal, $true)

    $archive = [System.IO.Compression.ZipFile]::OpenRead($zip)
    try {
        $entries = @($archive.Entries | ForEach-Object FullName)
    }
    finally { $archive.Dispose() }
    $outside = @($entries | Where-Object { -not $_.StartsWith("$ModuleName/", [StringComparison]::Ordinal) })
    if ($outside) { throw "Apig.Cert.zip has entries outside $ModuleName/: $($outside -join ', ')" }
    $tooLong = @($entries | Where-Object { $_.Length -ge $MaxZipPathLength })
    if ($tooLong) { throw "Apig.Cert.zip has paths of $MaxZipPathLength characters or more, which Azure Automation refuses: $($tooLong -join ', ')" }
    if ($entries -notcontains "$ModuleName/$ModuleName.psd1") { throw "Apig.Cert.zip has no $ModuleName/$ModuleName.psd1." }
}
finally {
    Remove-Item -LiteralPath $staging -Recurse -Force -ErrorAction Ignore
}

[pscustomobject]@{
    Version   = $version
    NupkgPath = $nupkg
    ZipPath   = $zip
}
