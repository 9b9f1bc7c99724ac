BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $PackageScript = Join-Path $RepoRoot 'tools/packaging/New-ApigPackage.ps1'
    $pwsh = Get-PwshCommand
    $ModuleVersion = (Import-PowerShellDataFile (Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')).ModuleVersion

    # Runs a command line in a brand-new pwsh with extra environment variables, restoring this session's afterwards.
    function Invoke-FreshPwsh {
        param([string[]] $Arguments, [hashtable] $Environment = @{})
        $saved = @{}
        foreach ($name in $Environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $Environment[$name])
        }
        try {
            $output = & $pwsh -NoProfile -NonInteractive @Arguments 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | Out-String) }
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }

    function Get-ZipEntryNames {
        param([string] $Path)
        Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem
        $archive = [System.IO.Compression.ZipFile]::OpenRead($Path)
        try { @($archive.Entries | ForEach-Object FullName) } finally { $archive.Dispose() }
    }

    # What an admin's package must hold: every file of the built module, by its path inside the module folder.
    $ModuleFiles = @(Get-ChildItem $env:APIG_TEST_MODULE -Recurse -File |
            ForEach-Object { [IO.Path]::GetRelativePath($env:APIG_TEST_MODULE, $_.FullName).Replace('\', '/') })

    # The packaging script itself, into a folder of this test's own: no dependency on an earlier -Task Package.
    $PackageDir = Join-Path $WorkDir 'packages'
    $packaging = Invoke-FreshPwsh -Arguments @('-File', $PackageScript, '-ModulePath', $env:APIG_TEST_MODULE, '-OutputPath', $PackageDir)
    $Nupkg = Join-Path $PackageDir "Apig.Cert.$ModuleVersion.nupkg"
    $Zip = Join-Path $PackageDir 'Apig.Cert.zip'

    $ca = New-TestCertificateAuthority
    $cert = New-TestCertificate -DnsName 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'cert')
    $domain = $Seed.Domains[0]
    # Imports by NAME, as an admin would after installing, and reports where the module came from.
    $BindScript = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Import-Module Apig.Cert
"BASE:`$((Get-Module Apig.Cert).ModuleBase)"
Connect-Apig -Region cn-north-4 -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -AccessKey '$($Seed.AccessKey)' -SecretKey (ConvertTo-SecureString '$($Seed.SecretKey)' -AsPlainText -Force) | Out-Null
`$r = Set-ApigDomainCertificate -InstanceId '$($domain.InstanceId)' -GroupId '$($domain.GroupId)' -DomainId '$($domain.DomainId)' -DomainName '$($domain.DomainName)' -CertificatePath '$($cert.FullChainFile)' -PrivateKeyPath '$($cert.KeyFile)'
"BOUND:`$(`$r.Thumbprint)"
"@

    function Assert-BoundFrom {
        param($Run, [string] $ModuleBase)
        $Run.ExitCode | Should -Be 0 -Because $Run.Output
        $Run.Output | Should -Match ('BASE:' + [regex]::Escape($ModuleBase))
        $Run.Output | Should -Match "BOUND:$($cert.Thumbprint)"
        (Get-EmulatorDomain $domain.DomainId).certificates.thumbprint | Should -Be $cert.Thumbprint
    }
}
AfterAll { Stop-TestEmulator }

Describe 'build.ps1 -Task Package (tools/packaging/New-ApigPackage.ps1)' {
    It 'writes Apig.Cert.<ModuleVersion>.nupkg and Apig.Cert.zip' {
        $packaging.ExitCode | Should -Be 0 -Because $packaging.Output
        (Get-ChildItem $PackageDir -File).Name | Sort-Object | Should -Be @("Apig.Cert.$ModuleVersion.nupkg", 'Apig.Cert.zip')
    }

    It 'gives Apig.Cert.dll the manifest version as AssemblyVersion and FileVersion' {
        $dll = Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.dll'
        $expected = [version]"$ModuleVersion.0"
        [Reflection.AssemblyName]::GetAssemblyName($dll).Version | Should -Be $expected
        [version][Diagnostics.FileVersionInfo]::GetVersionInfo($dll).FileVersion | Should -Be $expected
        [Diagnostics.FileVersionInfo]::GetVersionInfo($dll).ProductVersion | Should -BeLike "$ModuleVersion*"
    }

    It 'has a complete manifest that passes Test-ModuleManifest' {
        $manifestPath = Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1'
        $info = Test-ModuleManifest -Path $manifestPath
        $data = Import-PowerShellDataFile $manifestPath
        $info.CompatiblePSEditions | Sort-Object | Should -Be @('Core', 'Desktop')
        $info.PowerShellVersion | Should -Be ([version]'5.1')
        $data.CmdletsToExport.Count | Should -BeGreaterThan 0
        $data.CmdletsToExport | Should -Not -Contain '*'
        $data.FormatsToProcess | Should -Be @('Apig.Cert.Format.ps1xml')
        foreach ($key in 'Tags', 'ProjectUri', 'LicenseUri', 'ReleaseNotes') {
            $data.PrivateData.PSData[$key] | Should -Not -BeNullOrEmpty -Because "PSData.$key is required"
        }
        $info.ProjectUri.AbsoluteUri | Should -Match '^https://'
        $info.LicenseUri.AbsoluteUri | Should -Match 'LICENSE$'
    }

    It 'has a LICENSE (MIT) and a CHANGELOG entry for the manifest version' {
        Get-Content (Join-Path $RepoRoot 'LICENSE') -Raw | Should -Match 'MIT License'
        Get-Content (Join-Path $RepoRoot 'CHANGELOG.md') -Raw | Should -Match ('(?m)^## ' + [regex]::Escape($ModuleVersion) + '\b')
    }

    It 'puts the whole module folder, and the licence, in the nupkg' {
        $entries = Get-ZipEntryNames $Nupkg
        foreach ($file in $ModuleFiles + 'LICENSE') { $entries | Should -Contain $file }
        $entries | Should -Contain 'Apig.Cert.nuspec'
        $archive = [System.IO.Compression.ZipFile]::OpenRead($Nupkg)
        try {
            $reader = [IO.StreamReader]::new($archive.GetEntry('Apig.Cert.nuspec').Open())
            $nuspec = [xml]$reader.ReadToEnd()
            $reader.Dispose()
        }
        finally { $archive.Dispose() }
        $nuspec.package.metadata.id | Should -Be 'Apig.Cert'
        $nuspec.package.metadata.version | Should -Be $ModuleVersion
        $nuspec.package.metadata.licenseUrl | Should -Match 'LICENSE$'
        $nuspec.package.metadata.tags | Should -Match '\bPSModule\b'
    }

    It 'lays the zip out as Azure Automation imports it: Apig.Cert/ at the root, paths under 140 characters' {
        $entries = Get-ZipEntryNames $Zip
        $entries | Where-Object { -not $_.StartsWith('Apig.Cert/') } | Should -BeNullOrEmpty
        $entries | Where-Object { $_.Length -ge 140 } | Should -BeNullOrEmpty
        $entries | Where-Object { $_.Contains('\') } | Should -BeNullOrEmpty
        foreach ($file in $ModuleFiles + 'LICENSE') { $entries | Should -Contain "Apig.Cert/$file" }
    }

    It 'refuses a module whose dll carries another version than its manifest' {
        $copy = Join-Path $WorkDir 'mismatch/Apig.Cert'
        New-Item -ItemType Directory -Path $copy -Force | Out-Null
        Copy-Item (Join-Path $env:APIG_TEST_MODULE '*') $copy -Recurse
        $manifestCopy = Join-Path $copy 'Apig.Cert.psd1'
        (Get-Content $manifestCopy -Raw) -replace "ModuleVersion\s*=\s*'[0-9.]+'", "ModuleVersion = '9.8.7'" | Set-Content $manifestCopy -NoNewline
        $out = Join-Path $WorkDir 'mismatch-out'
        $run = Invoke-FreshPwsh -Arguments @('-File', $PackageScript, '-ModulePath', $copy, '-OutputPath', $out)
        $run.ExitCode | Should -Not -Be 0
        $run.Output -replace '\s+', ' ' | Should -Match 'AssemblyVersion .* ModuleVersion 9\.8\.7'
        Get-ChildItem $out -File -ErrorAction Ignore | Should -BeNullOrEmpty
    }

    It 'refuses a module with a path Azure Automation could not import' {
        $copy = Join-Path $WorkDir 'long/Apig.Cert'
        New-Item -ItemType Directory -Path $copy -Force | Out-Null
        Copy-Item (Join-Path $env:APIG_TEST_MODULE '*') $copy -Recurse
        Set-Content (Join-Path $copy ('Dependencies/' + ('x' * 120) + '.txt')) 'long'
        $run = Invoke-FreshPwsh -Arguments @('-File', $PackageScript, '-ModulePath', $copy, '-OutputPath', (Join-Path $WorkDir 'long-out'))
        $run.ExitCode | Should -Not -Be 0
        $run.Output | Should -Match '140 characters'
    }
}

Describe 'Installing the packages' {
    # On Linux and macOS PSResourceGet keeps its repository list under XDG_DATA_HOME (else ~/.local/share) and
    # Install-PSResource puts CurrentUser modules under ~/.local/share/powershell/Modules, taken from HOME. Pointing
    # both at a temporary folder installs for real without reading or editing the user's own repositories or
    # modules. Windows takes these folders from the shell, not the environment, so this one runs where the
    # project's test run runs.
    It 'installs the nupkg with Install-PSResource from a local repository; a fresh pwsh imports it by name and binds' -Skip:$IsWindows {
        Reset-Emulator
        $fakeHome = Join-Path $WorkDir 'home'
        $dataHome = Join-Path $fakeHome '.local/share'
        New-Item -ItemType Directory -Path $dataHome -Force | Out-Null
        $isolated = @{ HOME = $fakeHome; XDG_DATA_HOME = $dataHome }
        $repository = 'ApigCertTest' + [guid]::NewGuid().ToString('N')
        $install = Invoke-FreshPwsh -Environment $isolated -Arguments @('-Command', @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
# Never register or install anything in the real profile, whatever this platform does with HOME.
foreach (`$folder in `$HOME, [Environment]::GetFolderPath('LocalApplicationData')) {
    if (-not `$folder.StartsWith('$fakeHome')) { throw "not isolated: `$folder" }
}
Register-PSResourceRepository -Name '$repository' -Uri '$PackageDir' -Trusted
try {
    Install-PSResource -Name Apig.Cert -Repository '$repository' -Scope CurrentUser -Quiet
    `$installed = Get-InstalledPSResource -Name Apig.Cert -Scope CurrentUser
    "INSTALLED:`$(`$installed.Version) `$(`$installed.InstalledLocation)"
}
finally { Unregister-PSResourceRepository -Name '$repository' }
"REPOSITORIES:`$((Get-PSResourceRepository).Name -join ',')"
"@)
        $install.ExitCode | Should -Be 0 -Because $install.Output
        $install.Output | Should -Match ('INSTALLED:' + [regex]::Escape($ModuleVersion) + ' ' + [regex]::Escape($dataHome))
        $install.Output | Should -Not -Match "REPOSITORIES:.*$repository"
        $moduleBase = Join-Path $dataHome "powershell/Modules/Apig.Cert/$ModuleVersion"
        Test-Path (Join-Path $moduleBase 'Dependencies/Apig.Cert.Engine.dll') | Should -BeTrue

        $run = Invoke-FreshPwsh -Environment $isolated -Arguments @('-Command', $BindScript)
        Assert-BoundFrom $run $moduleBase
    }

    It 'unpacks Apig.Cert.zip into a module path; a fresh pwsh imports it by name and binds' {
        Reset-Emulator
        $modules = Join-Path $WorkDir 'zip-modules'
        Expand-Archive -LiteralPath $Zip -DestinationPath $modules
        (Get-ChildItem $modules).Name | Should -Be 'Apig.Cert'
        $moduleBase = Join-Path $modules 'Apig.Cert'
        $run = Invoke-FreshPwsh -Environment @{ PSModulePath = $modules + [IO.Path]::PathSeparator + $env:PSModulePath } -Arguments @('-Command', $BindScript)
        Assert-BoundFrom $run $moduleBase
    }
}
