# Remove-ApigCertificateBinding: piped bindings and domains (domain side), -DomainName (certificate side), "not bound"
# as done, -WhatIf, -PassThru, and no prompt in a non-interactive session.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Detach Root'
    $script:wildcard = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'detach-wild')
    $pwsh = Get-PwshCommand

    # Every seed domain holds one stored certificate; the request log starts empty.
    function Initialize-BoundStore {
        Reset-Emulator
        Connect-TestApig | Out-Null
        $script:stored = New-StoredTestCertificate -Certificate $wildcard -Name 'wildcard_example_com'
        Get-ApigDomain | Add-ApigCertificateBinding -CertificateId $stored.id | Out-Null
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
    }
}
AfterAll { Stop-TestEmulator }

Describe 'Remove-ApigCertificateBinding' {
    BeforeEach { Initialize-BoundStore }

    It 'detaches what Get-ApigCertificateBinding lists, keeps the certificate in the store, and -PassThru shows Changed' {
        $after = @(Get-ApigCertificateBinding -CertificateId $stored.id -DomainName 'api.example.com', 'www.example.com' | Sort-Object DomainId | Remove-ApigCertificateBinding -Force -PassThru)
        $after.DomainName | Should -Be @('api.example.com', 'www.example.com')
        $after.Changed | Should -Be @($true, $true)
        (Get-EmulatorDomain $Seed.Domains[0].DomainId).certificateIds | Should -BeNullOrEmpty
        (Get-EmulatorDomain $Seed.Domains[2].DomainId).certificateIds | Should -Be @($stored.id)
        (Get-EmulatorStore | Where-Object id -EQ $stored.id).domains.Count | Should -Be 3
        @(Get-SentChanges | Where-Object path -Like '*/certificates/detach').Count | Should -Be 2
    }

    It 'leaves a domain that does not hold the certificate alone, sending nothing, and a re-run sends nothing' {
        Get-ApigDomain -DomainName api.example.com | Remove-ApigCertificateBinding -CertificateId $stored.id -Force | Out-Null
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
        $out = @(Get-ApigDomain -DomainName api.example.com | Remove-ApigCertificateBinding -CertificateId $stored.id -Force -PassThru -Verbose 4>&1)
        ($out | Where-Object { $_ -is [Apig.Cert.ApigCertificateBinding] }).Changed | Should -BeFalse
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain '1 domain(s): 0 detached, 0 unchanged, 0 failed; 1 did not hold the certificate.'
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'counts a 404 APIG.3097 answer as done, not as an error' {
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method POST -Body @{ method = 'POST'; path = '/certificates/detach$'; count = 1; action = 'error'; status = 404; errorCode = 'APIG.3097'; errorMsg = 'The binding does not exist' } | Out-Null
        $after = Get-ApigDomain -DomainName api.example.com | Remove-ApigCertificateBinding -CertificateId $stored.id -Force -PassThru -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $after.Changed | Should -BeFalse
    }

    It 'sends nothing with -WhatIf' {
        Get-ApigCertificateBinding -CertificateId $stored.id | Remove-ApigCertificateBinding -WhatIf
        Get-SentChanges | Should -BeNullOrEmpty
        (Get-EmulatorStore | Where-Object id -EQ $stored.id).domains.Count | Should -Be 5
    }

    It 'refuses to prompt in a non-interactive session without -Force, and detaches with -Force' {
        $connect = "Import-Module '$(Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')'; Connect-Apig -Region cn-north-4 -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -Token (ConvertTo-SecureString '$($Seed.Token)' -AsPlainText -Force) | Out-Null"
        $noForce = & $pwsh -NoProfile -NonInteractive -Command "$connect; Get-ApigCertificateBinding -CertificateId $($stored.id) -DomainName api.example.com | Remove-ApigCertificateBinding" 2>&1 | Out-String
        $noForce | Should -Match '-Force'
        $noForce | Should -Match 'api\.example\.com' -Because 'the refusal names the domain'
        (Get-EmulatorDomain $Seed.Domains[0].DomainId).certificateIds | Should -Be @($stored.id)
        & $pwsh -NoProfile -NonInteractive -Command "$connect; Get-ApigCertificateBinding -CertificateId $($stored.id) -DomainName api.example.com | Remove-ApigCertificateBinding -Force" 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        (Get-EmulatorDomain $Seed.Domains[0].DomainId).certificateIds | Should -BeNullOrEmpty
    }

    It 'refuses a piped domain that brings no certificate id with its own error, one per domain, nothing sent' {
        Get-ApigDomain -DomainName api.example.com, www.example.com | Remove-ApigCertificateBinding -CertificateId $stored.id -Force | Out-Null
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
        $domains = @(Get-ApigDomain -DomainName api.example.com, www.example.com)
        $domains | ForEach-Object { $_.CertificateId | Should -BeNullOrEmpty -Because 'they hold nothing now' }
        $domains | Remove-ApigCertificateBinding -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 2
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'CertificateIdMissing,*' }
        $errs[0].Exception.Message | Should -BeLike '*-CertificateId <id>*Get-ApigCertificateBinding*'
        @($errs.TargetObject) | Should -Be @('api.example.com', 'www.example.com')
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'refuses an invalid certificate id with nothing sent' {
        Get-ApigDomain -DomainName api.example.com | Remove-ApigCertificateBinding -CertificateId '..' -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidId,*'
        Get-SentChanges | Should -BeNullOrEmpty
    }
}

Describe 'Remove-ApigCertificateBinding -DomainName (certificate side)' {
    BeforeEach { Initialize-BoundStore }

    It 'detaches the bound names in one request, each with its instance; a name not bound is done with nothing sent for it' {
        $after = @(Remove-ApigCertificateBinding -CertificateId $stored.id -DomainName api.example.com, pay.example.com, nowhere.example.com -Force -PassThru)
        $after.DomainName | Should -Be @('api.example.com', 'pay.example.com')
        $after.Changed | Should -Be @($true, $true)
        $sent = @(Get-SentChanges)
        $sent.Count | Should -Be 1
        $sent[0].path | Should -BeLike "*/certificates/$($stored.id)/domains/detach"
        ((Get-EmulatorStore | Where-Object id -EQ $stored.id).domains.domain | Sort-Object) | Should -Be @('checkout.example.com', 'intra.example.com', 'www.example.com')

        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
        Remove-ApigCertificateBinding -CertificateId $stored.id -DomainName api.example.com, pay.example.com -Force
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'counts 400 APIG.2000 "no valid domain name" as done' {
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method POST -Body @{ method = 'POST'; path = '/domains/detach$'; count = 1; action = 'error'; status = 400; errorCode = 'APIG.2000'; errorMsg = 'no valid domain name' } | Out-Null
        $after = Remove-ApigCertificateBinding -CertificateId $stored.id -DomainName api.example.com -Force -PassThru -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $after.Changed | Should -BeFalse
    }

    It 'sends nothing with -WhatIf' {
        Remove-ApigCertificateBinding -CertificateId $stored.id -DomainName api.example.com, www.example.com -WhatIf
        Get-SentChanges | Should -BeNullOrEmpty
    }
}
