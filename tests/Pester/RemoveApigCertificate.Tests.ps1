# Remove-ApigCertificate: an unbound certificate deleted; a bound one refused naming its domains; -Detach on 50
# domains (one batch detach, then the delete); -WhatIf; gone for a typed id vs a piped repeat; no prompt without -Force.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    . (Join-Path $PSScriptRoot 'StoreTestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Remove Store Root'
    $cert = New-TestCertificate -DnsName '*.example.com', 'example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'remove')
    $pwsh = Get-PwshCommand
}
AfterAll { Stop-TestEmulator }

Describe 'Remove-ApigCertificate' {
    BeforeEach {
        Reset-Emulator
        $script:stored = New-StoredTestCertificate -Cert $cert -Name wildcard_example_com
        Connect-TestApig | Out-Null
    }

    It 'under -ErrorAction Stop, a bound certificate mid-batch ends it, naming the certificates already deleted and not calling them domains' {
        $first = New-StoredTestCertificate -Cert $cert -Name first_unbound
        Add-TestBinding -CertificateId $stored.id -DomainName 'api.example.com'
        Clear-SentRequests
        $stop = $null
        try { Get-ApigCertificate | Sort-Object { $_.Name -ne 'first_unbound' } | Remove-ApigCertificate -Force -ThrottleLimit 1 -ErrorAction Stop }
        catch { $stop = $_ }
        $stop | Should -Not -BeNullOrEmpty
        # The first delete was answered, or at least sent, before the refusal ended the batch.
        $stop.Exception.Message | Should -Match ("certificate\(s\) were already deleted: $($first.id)|in flight and may have taken effect: $($first.id)")
        $stop.ErrorDetails.RecommendedAction | Should -Not -BeLike '*domains*' -Because 'the items are stored certificates'
        (Get-EmulatorStore).id | Should -Contain $stored.id
    }

    It 'deletes an unbound certificate with -Force' {
        Get-ApigCertificate -Name wildcard_example_com | Remove-ApigCertificate -Force
        (Get-EmulatorStore).Count | Should -Be 0
        @(Get-SentRequests | Where-Object method -EQ 'DELETE').Count | Should -Be 1
    }

    It 'refuses a bound certificate, naming its domains, and sends nothing' {
        Add-TestBinding -CertificateId $stored.id -DomainName 'api.example.com', 'www.example.com'
        Clear-SentRequests
        Remove-ApigCertificate -CertificateId $stored.id -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'CertificateBound,*'
        $errs[0].Exception.Message | Should -Match 'api\.example\.com'
        $errs[0].Exception.Message | Should -Match 'www\.example\.com'
        $errs[0].Exception.Message | Should -Match '-Detach'
        @(Get-SentChanges).Count | Should -Be 0
        (Get-EmulatorStore).Count | Should -Be 1
    }

    It 'detaches a certificate bound to 50 domains with one batch request, then deletes it (attachedDomainsEntries <_>)' -ForEach 'perPort', 'perName' {
        Set-EmulatorSettings @{ attachedDomainsEntries = $_ }
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path bulk -Method POST -Body @{ groups = 10; domainsPerGroup = 5; namePrefix = 'det'; flatNames = $true } | Out-Null
        $names = foreach ($g in 1..10) { foreach ($d in 1..5) { 'det-{0:d5}-d{1}.example.com' -f $g, $d } }
        Add-TestBinding -CertificateId $stored.id -DomainName $names
        Clear-SentRequests
        Get-ApigCertificate -Name wildcard_example_com | Remove-ApigCertificate -Detach -Force
        $changes = Get-SentChanges
        $changes.Count | Should -Be 2
        $changes[0].path | Should -BeLike "*/certificates/$($stored.id)/domains/detach"
        $changes[1].method | Should -Be 'DELETE'
        (Get-EmulatorStore).Count | Should -Be 0
        @(Get-EmulatorDomains | Where-Object { $_.certificateIds -contains $stored.id }).Count | Should -Be 0
    }

    It 'sends nothing with -WhatIf, even with -Detach' {
        Add-TestBinding -CertificateId $stored.id -DomainName 'api.example.com'
        Clear-SentRequests
        Remove-ApigCertificate -CertificateId $stored.id -Detach -WhatIf
        @(Get-SentChanges).Count | Should -Be 0
        (Get-EmulatorStore).Count | Should -Be 1
    }

    It 'reports a typed id that is gone as an error, and a piped one that is gone as nothing to do' {
        $piped = Get-ApigCertificate -CertificateId $stored.id
        Remove-ApigCertificate -CertificateId $stored.id -Force
        Remove-ApigCertificate -CertificateId $stored.id -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'APIG.3025,*'
        Clear-SentRequests
        $out = $piped | Remove-ApigCertificate -Force -Verbose -ErrorVariable pipedErrs 4>&1
        $pipedErrs.Count | Should -Be 0
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain '1 certificate(s): 0 deleted, 0 unchanged, 0 failed; 1 already gone.'
        @(Get-SentChanges).Count | Should -Be 0
    }

    It 'refuses to prompt in a non-interactive session without -Force, naming the certificate, and deletes with -Force' {
        $connect = "Import-Module '$(Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')'; Connect-Apig -Region cn-north-4 -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -Token (ConvertTo-SecureString '$($Seed.Token)' -AsPlainText -Force) | Out-Null"
        $noForce = & $pwsh -NoProfile -NonInteractive -Command "$connect; Remove-ApigCertificate -CertificateId $($stored.id)" 2>&1 | Out-String
        $noForce | Should -Match 'non-interactive'
        $noForce | Should -Match 'wildcard_example_com'
        (Get-EmulatorStore).Count | Should -Be 1
        & $pwsh -NoProfile -NonInteractive -Command "$connect; Remove-ApigCertificate -CertificateId $($stored.id) -Force" 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        (Get-EmulatorStore).Count | Should -Be 0
    }
}
