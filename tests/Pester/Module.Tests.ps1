BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $manifest = Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1'
    $pwsh = Get-PwshCommand
    $ca = New-TestCertificateAuthority
    $cert = New-TestCertificate -DnsName 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'isolation')

    # Runs a script in a brand-new pwsh so nothing this session loaded can hide a load-order problem.
    function Invoke-FreshPwsh {
        param([string] $Script)
        $output = & $pwsh -NoProfile -NonInteractive -Command $Script 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | Out-String) }
    }
    $bindScript = @"
`$ErrorActionPreference = 'Stop'
Connect-Apig -Region cn-north-4 -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -AccessKey '$($Seed.AccessKey)' -SecretKey (ConvertTo-SecureString '$($Seed.SecretKey)' -AsPlainText -Force) | Out-Null
`$r = Set-ApigDomainCertificate -InstanceId '$($Seed.InstanceId)' -GroupId '$($Seed.Domains[0].GroupId)' -DomainId '$($Seed.Domains[0].DomainId)' -CertificatePath '$($cert.FullChainFile)' -PrivateKeyPath '$($cert.KeyFile)'
"BOUND:`$(`$r.Thumbprint)"
"@
}
AfterAll { Stop-TestEmulator }

Describe 'The built module' {
    It 'has a valid manifest for Desktop and Core' {
        $info = Test-ModuleManifest -Path $manifest
        $info.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $info.PowerShellVersion | Should -Be ([version]'5.1')
    }

    It 'exports exactly the cmdlets the manifest lists' {
        $module = Get-Module Apig.Cert
        $listed = (Import-PowerShellDataFile $manifest).CmdletsToExport
        ($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be ($listed | Sort-Object)
    }

    It 'ships the engine and its packages in Dependencies/, not next to the loader' {
        Test-Path (Join-Path $env:APIG_TEST_MODULE 'Dependencies/Apig.Cert.Engine.dll') | Should -BeTrue
        Test-Path (Join-Path $env:APIG_TEST_MODULE 'Dependencies/Microsoft.Extensions.Http.dll') | Should -BeTrue
        Test-Path (Join-Path $env:APIG_TEST_MODULE 'Dependencies/BouncyCastle.Cryptography.dll') | Should -BeTrue
        Test-Path (Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.Engine.dll') | Should -BeFalse
        Test-Path (Join-Path $env:APIG_TEST_MODULE 'Microsoft.Extensions.Http.dll') | Should -BeFalse
    }

    It 'loads the engine into its own load context' {
        # The engine loads on first use, not at import: use it here, so the test does not depend on what ran before it.
        Connect-TestApig | Out-Null
        Disconnect-Apig
        $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Apig.Cert.Engine' } | Select-Object -First 1
        $engine | Should -Not -BeNullOrEmpty
        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).ToString() | Should -Be 'Apig.Cert.Dependencies'
    }

    It 'binds after another module loaded DependencyInjection.Abstractions 6.0.0 first' {
        Test-Path $env:APIG_TEST_FOREIGN_DI | Should -BeTrue
        Reset-Emulator
        $run = Invoke-FreshPwsh @"
Add-Type -Path '$($env:APIG_TEST_FOREIGN_DI)'
Import-Module '$manifest'
$bindScript
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Microsoft.Extensions.DependencyInjection.Abstractions' } | ForEach-Object { "DI:" + `$_.GetName().Version }
"@
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match "BOUND:$($cert.Thumbprint)"
        $run.Output | Should -Match 'DI:6\.0\.0\.0'
        $run.Output | Should -Match 'DI:10\.0\.0\.0'
    }

    It 'lets another module load DependencyInjection.Abstractions 6.0.0 after it bound' {
        Reset-Emulator
        $run = Invoke-FreshPwsh @"
Import-Module '$manifest'
$bindScript
Add-Type -Path '$($env:APIG_TEST_FOREIGN_DI)'
[Microsoft.Extensions.DependencyInjection.ServiceDescriptor].Assembly.GetName().Version.ToString()
"@
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match "BOUND:$($cert.Thumbprint)"
        $run.Output | Should -Match '6\.0\.0\.0'
    }

    It 'can be removed and imported again in one session' {
        Reset-Emulator
        $run = Invoke-FreshPwsh @"
Import-Module '$manifest'; Remove-Module Apig.Cert; Import-Module '$manifest'
$bindScript
"@
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match "BOUND:$($cert.Thumbprint)"
    }

    It 'forgets the connection when the module is removed' {
        Reset-Emulator
        $run = Invoke-FreshPwsh @"
Import-Module '$manifest'
Connect-Apig -Region cn-north-4 -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -Token (ConvertTo-SecureString '$($Seed.Token)' -AsPlainText -Force) | Out-Null
"BEFORE:" + [bool](Get-ApigContext)
Remove-Module Apig.Cert
Import-Module '$manifest'
"AFTER:" + [bool](Get-ApigContext)
try { Get-ApigInstance -ErrorAction Stop | Out-Null; 'LISTED' } catch { 'ERROR:' + `$_.FullyQualifiedErrorId }
"@
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'BEFORE:True'
        $run.Output | Should -Match 'AFTER:False'
        $run.Output | Should -Match 'ERROR:NotConnected,'
    }

    It 'gives every cmdlet a Get-Help -Online address: its README section under the ProjectUri' {
        $projectUri = (Import-PowerShellDataFile $manifest).PrivateData.PSData.ProjectUri
        $readme = Get-Content -LiteralPath (Join-Path $PSScriptRoot '../../README.md')
        $anchors = @($readme | Where-Object { $_ -match '^#+ ' } | ForEach-Object { (($_ -replace '^#+ ', '').Trim().ToLowerInvariant() -replace '[^a-z0-9 _-]', '') -replace ' ', '-' })
        foreach ($command in Get-Command -Module Apig.Cert) {
            $online = @((Get-Help $command.Name).relatedLinks.navigationLink)[0].uri
            $online | Should -BeLike "$projectUri/blob/main/README.md#*" -Because "$($command.Name) needs an online address"
            $anchors | Should -Contain ($online -replace '^.*#', '') -Because "$($command.Name)'s address must name a README section"
            $command.HelpUri | Should -Be $online -Because "Get-Command shows the same address"
        }
    }

    It 'declares an output type on every cmdlet' {
        foreach ($command in Get-Command -Module Apig.Cert) {
            $command.OutputType | Should -Not -BeNullOrEmpty -Because "$($command.Name) should declare [OutputType]"
        }
    }
}
