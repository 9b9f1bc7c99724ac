# Remove-ApigDomainCertificate: unbinding piped domains, -PassThru, -WhatIf, a domain without a certificate, an unknown
# certificate id, and no prompt in a non-interactive session.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Remove Root'
    $cert = New-TestCertificate -DnsName $Seed.Domains.DomainName -Issuer $ca -Directory (Join-Path $WorkDir 'remove') -NotAfter ([DateTimeOffset]::UtcNow.AddDays(20))
    $pwsh = Get-PwshCommand
}
AfterAll { Stop-TestEmulator }

Describe 'Remove-ApigDomainCertificate' {
    BeforeEach {
        Reset-Emulator
        Connect-TestApig | Out-Null
    }

    It 'unbinds with -Force and returns the domain with -PassThru' {
        Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
        $after = Get-ApigDomain -DomainName 'api.example.com' | Remove-ApigDomainCertificate -Force -PassThru
        $after | Should -BeOfType ([Apig.Cert.ApigDomain])
        $after.CertificateId | Should -BeNullOrEmpty
        (Get-EmulatorDomain $Seed.Domains[0].DomainId).certificates | Should -BeNullOrEmpty
        @(Get-ApigDomain | Where-Object CertificateId).Count | Should -Be 4
    }

    It 'sends nothing with -WhatIf' {
        Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
        Get-ApigDomain | Remove-ApigDomainCertificate -WhatIf
        @(Get-SentRequests | Where-Object method -EQ 'DELETE').Count | Should -Be 0
        @(Get-ApigDomain | Where-Object CertificateId).Count | Should -Be 5
    }

    It 'removes nothing and says so for a domain without a certificate' {
        $out = Get-ApigDomain -DomainName 'intra*' | Remove-ApigDomainCertificate -Force -Verbose 4>&1
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain "Domain 'intra.example.com' has no certificate bound; nothing to remove."
        @(Get-SentRequests | Where-Object method -EQ 'DELETE').Count | Should -Be 0
    }

    It 'reports an unknown certificate id as APIG.3021' {
        $Seed.Domains[0] | Remove-ApigDomainCertificate -CertificateId 'ffffffffffffffffffffffffffffffff' -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'APIG.3021,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'refuses to prompt in a non-interactive session without -Force, and unbinds with -Force' {
        Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
        $connect = "Import-Module '$(Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')'; Connect-Apig -Region cn-north-4 -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -Token (ConvertTo-SecureString '$($Seed.Token)' -AsPlainText -Force) | Out-Null"
        $noForce = & $pwsh -NoProfile -NonInteractive -Command "$connect; Get-ApigDomain -DomainName api.example.com | Remove-ApigDomainCertificate" 2>&1 | Out-String
        $noForce | Should -Match 'NonInteractive|non-interactive|prompt'
        (Get-EmulatorDomain $Seed.Domains[0].DomainId).certificates | Should -Not -BeNullOrEmpty
        & $pwsh -NoProfile -NonInteractive -Command "$connect; Get-ApigDomain -DomainName api.example.com | Remove-ApigDomainCertificate -Force" 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        (Get-EmulatorDomain $Seed.Domains[0].DomainId).certificates | Should -BeNullOrEmpty
    }

    It '-Confirm in a non-interactive session refuses to prompt even with -Force' {
        Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
        $connect = "Import-Module '$(Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')'; Connect-Apig -Region cn-north-4 -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -Token (ConvertTo-SecureString '$($Seed.Token)' -AsPlainText -Force) | Out-Null"
        $out = & $pwsh -NoProfile -NonInteractive -Command "$connect; Get-ApigDomain -DomainName api.example.com | Remove-ApigDomainCertificate -Force -Confirm" 2>&1 | Out-String
        $out | Should -Match 'NonInteractive|non-interactive|prompt'
        (Get-EmulatorDomain $Seed.Domains[0].DomainId).certificates | Should -Not -BeNullOrEmpty
    }
}
