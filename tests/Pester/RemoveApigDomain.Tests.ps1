# Remove-ApigDomain against the emulator: removal with -Force, a re-run that finds the domain gone, -WhatIf, the prompt
# that names the group and certificates, and no prompt in a non-interactive session.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    . (Join-Path $PSScriptRoot 'DomainSettingsHelpers.ps1')
    $ca = New-TestCertificateAuthority -Name 'Remove Domain Root'
    $cert = New-TestCertificate -DnsName 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'remove-domain')
    $pwsh = Get-PwshCommand
    $connect = "Import-Module '$(Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')'; Connect-Apig -Region cn-north-4 -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -Token (ConvertTo-SecureString '$($Seed.Token)' -AsPlainText -Force) | Out-Null"
}
AfterAll { Stop-TestEmulator }

Describe 'Remove-ApigDomain' {
    BeforeEach { Set-Variant }

    It 'removes a piped domain with -Force, and a re-run of the same object sends nothing' {
        $domain = Get-ApigDomain -DomainName www.example.com
        $domain | Remove-ApigDomain -Force | Should -BeNullOrEmpty
        Get-EmulatorDomainByName 'www.example.com' | Should -BeNullOrEmpty
        Get-EmulatorDomainByName 'api.example.com' | Should -Not -BeNullOrEmpty
        $deletes = @(Get-SentChanges)
        $deletes.Count | Should -Be 1
        $deletes[0].method | Should -Be 'DELETE'
        $deletes[0].path | Should -BeLike "*/api-groups/$($domain.GroupId)/domains/$($domain.DomainId)"

        Clear-SentRequests
        $out = $domain | Remove-ApigDomain -Force -Verbose 4>&1
        Get-SentChanges | Should -BeNullOrEmpty
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain '1 domain(s): 0 removed, 0 unchanged, 0 failed; 1 were already gone.'
    }

    It 'removes a domain named alone, and a name no group has is DomainNotFound' {
        Remove-ApigDomain -DomainName checkout.example.com -Force
        Get-EmulatorDomainByName 'checkout.example.com' | Should -BeNullOrEmpty
        Remove-ApigDomain -DomainName checkout.example.com -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
    }

    It 'sends nothing with -WhatIf, naming the group and the certificates that would be lost' {
        $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
        Get-ApigDomain | Remove-ApigDomain -WhatIf | Should -BeNullOrEmpty
        Get-SentChanges | Where-Object method -EQ 'DELETE' | Should -BeNullOrEmpty
        @(Get-ApigDomain).Count | Should -Be 5

        # What -WhatIf prints goes to the host: a child session's output shows it.
        $text = & $pwsh -NoProfile -NonInteractive -Command "$connect; Get-ApigDomain -DomainName api.example.com | Remove-ApigDomain -WhatIf" 2>&1 | Out-String
        $text | Should -Match "custom domain 'api\.example\.com' \(dom0+1\) from group 'shop' \(grp0+1\); its HTTPS clients lose certificate 'api_example_com_[^']+' \(RSA, id [0-9a-f]{32}\)"
        Get-EmulatorDomainByName 'api.example.com' | Should -Not -BeNullOrEmpty
    }

    It 'refuses to prompt in a non-interactive session without -Force, and removes with -Force' {
        $noForce = & $pwsh -NoProfile -NonInteractive -Command "$connect; Remove-ApigDomain -DomainName intra.example.com" 2>&1 | Out-String
        $noForce | Should -Match 'non-interactive'
        $noForce | Should -Match '-Force'
        Get-EmulatorDomainByName 'intra.example.com' | Should -Not -BeNullOrEmpty
        & $pwsh -NoProfile -NonInteractive -Command "$connect; Remove-ApigDomain -DomainName intra.example.com -Force" 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        Get-EmulatorDomainByName 'intra.example.com' | Should -BeNullOrEmpty
    }

    It 'a removal whose answer is lost (502 after it took effect) is repeated, finds nothing and counts as done' {
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method POST -Body @{ method = 'DELETE'; path = '/domains/'; action = 'applyThenFail'; status = 502 } | Out-Null
        Remove-ApigDomain -DomainName pay.example.com -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -BeNullOrEmpty
        Get-EmulatorDomainByName 'pay.example.com' | Should -BeNullOrEmpty
    }
}

Describe 'Remove-ApigDomain bad input is refused before anything is sent' {
    BeforeAll { Set-Variant }
    BeforeEach { Clear-SentRequests }
    AfterEach { @(Get-SentRequests).Count | Should -Be 0 -Because 'bad input must never reach the API' }

    It 'an id that could leave its path segment -> InvalidId' {
        Remove-ApigDomain -InstanceId $Seed.InstanceId -GroupId $Seed.Domains[0].GroupId -DomainId '../x' -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidId,*'
        $errs[0].Exception.InputName | Should -Be 'DomainId'
    }

    It 'nothing that names a domain -> DomainRequired' {
        [pscustomobject]@{ DomainId = '' } | Remove-ApigDomain -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DomainRequired,*'
    }
}
