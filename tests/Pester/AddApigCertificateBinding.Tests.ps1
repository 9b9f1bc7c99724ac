# Add-ApigCertificateBinding: piped domains (domain side) and -DomainName (certificate side), re-runs that send nothing,
# -WhatIf, local refusals with nothing sent, the attach conflict both ways, and the legacy show after an attach.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Attach Root'
    $script:wildcard = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'attach-wild')
    $script:narrow = New-TestCertificate -DnsName 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'attach-narrow')
    $script:legacy = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'attach-legacy')
    $script:caPem = $ca.ExportCertificatePem()
    $pwsh = Get-PwshCommand
}
AfterAll { Stop-TestEmulator }

Describe 'Add-ApigCertificateBinding with piped domains' {
    BeforeEach {
        Reset-Emulator
        Connect-TestApig | Out-Null
        $script:stored = New-StoredTestCertificate -Certificate $wildcard -Name 'wildcard_example_com'
    }

    It 'attaches the stored certificate to every piped domain, one request each, and a re-run sends nothing' {
        $results = @(Get-ApigDomain | Add-ApigCertificateBinding -CertificateId $stored.id)
        $results.Count | Should -Be 5
        $results | ForEach-Object { $_ | Should -BeOfType ([Apig.Cert.ApigCertificateBinding]) }
        $results.Changed | Should -Not -Contain $false
        $results[0].CertificateName | Should -Be 'wildcard_example_com'
        $results[0].GroupName | Should -Be 'shop'
        @(Get-SentRequests | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/certificates/attach' }).Count | Should -Be 5
        foreach ($domain in $Seed.Domains) { (Get-EmulatorDomain $domain.DomainId).certificateIds | Should -Be @($stored.id) }
        (Get-EmulatorStore | Where-Object id -EQ $stored.id).domains.Count | Should -Be 5

        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
        $again = @(Get-ApigDomain | Add-ApigCertificateBinding -CertificateId $stored.id)
        $again.Changed | Should -Be @($false, $false, $false, $false, $false)
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'takes the certificate only from -CertificateId, never from a piped domain''s CertificateId' {
        Get-ApigDomain -DomainName api.example.com | Set-ApigDomainCertificate -CertificatePath $legacy.FullChainFile -PrivateKeyPath $legacy.KeyFile | Out-Null
        $domain = Get-ApigDomain -DomainName api.example.com
        $domain.CertificateId | Should -Not -BeNullOrEmpty
        $domain.CertificateId | Should -Not -Be $stored.id
        $result = $domain | Add-ApigCertificateBinding -CertificateId $stored.id
        $result.CertificateId | Should -Be $stored.id
        (Get-EmulatorDomain $Seed.Domains[0].DomainId).certificateIds | Should -Be @($stored.id)
    }

    It 'binds ids by property name from any object and reads the group once for its domains' {
        $rows = $Seed.Domains[0..1] | ForEach-Object { [pscustomobject]@{ InstanceId = $_.InstanceId; GroupId = $_.GroupId; DomainId = $_.DomainId } }
        $results = @($rows | Add-ApigCertificateBinding -CertificateId $stored.id)
        $results.DomainName | Should -Be @('api.example.com', 'www.example.com')
        @(Get-SentRequests | Where-Object { $_.method -eq 'GET' -and $_.path -like '*/api-groups/grp00000000000000000000000000001' }).Count | Should -Be 1
        @(Get-SentRequests | Where-Object { $_.method -eq 'GET' -and $_.path -like "*/certificates/$($stored.id)" }).Count | Should -Be 1
    }

    It 'sends nothing with -WhatIf and says what it would attach' {
        Get-ApigDomain | Add-ApigCertificateBinding -CertificateId $stored.id -WhatIf
        Get-SentChanges | Should -BeNullOrEmpty
        (Get-EmulatorDomain $Seed.Domains[0].DomainId).certificateIds | Should -BeNullOrEmpty
    }

    It 'switches client verification with -VerifyClientCertificate, and a flag change is sent again' {
        $ca2 = New-StoredTestCertificate -Certificate $narrow -Name 'narrow_with_ca' -Type instance -InstanceId $Seed.InstanceId -TrustedRootCaPem $caPem
        $on = Get-ApigDomain -DomainName api.example.com | Add-ApigCertificateBinding -CertificateId $ca2.id -VerifyClientCertificate
        $on.VerifyClientCertificate | Should -BeTrue
        (Get-EmulatorDomain $Seed.Domains[0].DomainId).verifiedClientCertificateEnabled | Should -BeTrue
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
        $same = Get-ApigDomain -DomainName api.example.com | Add-ApigCertificateBinding -CertificateId $ca2.id -VerifyClientCertificate
        $same.Changed | Should -BeFalse
        Get-SentChanges | Should -BeNullOrEmpty
        $off = Get-ApigDomain -DomainName api.example.com | Add-ApigCertificateBinding -CertificateId $ca2.id
        $off.Changed | Should -BeTrue
        (Get-EmulatorDomain $Seed.Domains[0].DomainId).verifiedClientCertificateEnabled | Should -BeFalse
    }

    It 'keeps Get-ApigDomainCertificate working for a domain whose certificate came from the store (domainCertificateShape <Shape>)' -ForEach @(@{ Shape = 'detail' }, @{ Shape = 'goModel' }) {
        Set-EmulatorSettings @{ domainCertificateShape = $Shape }
        Get-ApigDomain -DomainName pay.example.com | Add-ApigCertificateBinding -CertificateId $stored.id | Out-Null
        $shown = @(Get-ApigDomain -DomainName pay.example.com | Get-ApigDomainCertificate)
        $shown.Count | Should -Be 1
        $shown[0].CertificateId | Should -Be $stored.id
        $shown[0].Name | Should -Be 'wildcard_example_com'
        $shown[0].NotAfter.ToString('yyyy-MM-dd HH:mm') | Should -Be $wildcard.Certificate.NotAfter.ToUniversalTime().ToString('yyyy-MM-dd HH:mm')
        $shown[0].SubjectAlternativeNames | Should -Be @('*.example.com')
    }
}

Describe 'Add-ApigCertificateBinding refuses bad input before sending anything' {
    BeforeAll {
        Reset-Emulator
        Connect-TestApig | Out-Null
        $script:narrowStored = New-StoredTestCertificate -Certificate $narrow -Name 'narrow_api'
    }
    BeforeEach { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null }

    It 'refuses a domain the certificate does not cover, naming it, and attaches the covered one' {
        $results = @(Get-ApigDomain -DomainName api.example.com, www.example.com |
            Add-ApigCertificateBinding -CertificateId $narrowStored.id -ErrorVariable errs -ErrorAction SilentlyContinue)
        $results.DomainName | Should -Be @('api.example.com')
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotCovered,*'
        $errs[0].Exception.Message | Should -BeLike "*'www.example.com'*only api.example.com*"
        $errs[0].TargetObject | Should -Be 'www.example.com'
        @(Get-SentChanges | Where-Object path -Like '*dom00000000000000000000000000002*') | Should -BeNullOrEmpty
    }

    It 'refuses -VerifyClientCertificate for a certificate without a trusted root CA' {
        Get-ApigDomain -DomainName api.example.com | Add-ApigCertificateBinding -CertificateId $narrowStored.id -VerifyClientCertificate -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TrustedRootCaMissing,*'
        $errs[0].Exception.Message | Should -BeLike '*-VerifyClientCertificate*narrow_api*'
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'says how to get a CA that fits the scope: New-ApigCertificate -Type Instance for a global certificate, Set-ApigCertificate for an instance one' {
        # Set-ApigCertificate refuses a CA for a global certificate, so pointing there would lead nowhere.
        Get-ApigDomain -DomainName api.example.com | Add-ApigCertificateBinding -CertificateId $narrowStored.id -VerifyClientCertificate -ErrorVariable globalErrs -ErrorAction SilentlyContinue
        $globalErrs[0].Exception.Message | Should -BeLike '*New-ApigCertificate -Type Instance -InstanceId*-TrustedRootCaPath*'
        $globalErrs[0].Exception.Message | Should -Not -BeLike '*Set-ApigCertificate -TrustedRootCaPath*'
        $instanceStored = New-StoredTestCertificate -Certificate $narrow -Name 'narrow_instance' -Type instance -InstanceId $Seed.InstanceId
        Get-ApigDomain -DomainName api.example.com | Add-ApigCertificateBinding -CertificateId $instanceStored.id -VerifyClientCertificate -ErrorVariable instanceErrs -ErrorAction SilentlyContinue
        $instanceErrs[0].FullyQualifiedErrorId | Should -BeLike 'TrustedRootCaMissing,*'
        $instanceErrs[0].Exception.Message | Should -BeLike '*Set-ApigCertificate -TrustedRootCaPath*'
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'refuses an invalid certificate id and an invalid domain id with nothing sent at all' -ForEach @(
        @{ Id = '../../x'; Domain = $null; ErrorId = 'InvalidId' }
        @{ Id = 'ffffffffffffffffffffffffffffffff'; Domain = 'x/y'; ErrorId = 'InvalidId' }
    ) {
        $row = [pscustomobject]@{ InstanceId = $Seed.InstanceId; GroupId = $Seed.Domains[0].GroupId; DomainId = if ($Domain) { $Domain } else { $Seed.Domains[0].DomainId } }
        $row | Add-ApigCertificateBinding -CertificateId $Id -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        @(Get-SentRequests) | Should -BeNullOrEmpty
    }

    It 'reports a certificate the store does not have as APIG.3025 and attaches nothing' {
        Get-ApigDomain -DomainName api.example.com | Add-ApigCertificateBinding -CertificateId 'ffffffffffffffffffffffffffffffff' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'APIG.3025,*'
        Get-SentChanges | Should -BeNullOrEmpty
    }
}

Describe 'Add-ApigCertificateBinding when the domain holds another certificate (attachConflict <Conflict>, storeListsLegacyUploads <InStore>)' -ForEach @(
    @{ Conflict = 'refuse'; InStore = $true }
    @{ Conflict = 'refuse'; InStore = $false }
    @{ Conflict = 'replace'; InStore = $true }
    @{ Conflict = 'replace'; InStore = $false }
) {
    BeforeEach {
        Reset-Emulator
        Set-EmulatorSettings @{ attachConflict = $Conflict; storeListsLegacyUploads = $InStore }
        Connect-TestApig | Out-Null
        Get-ApigDomain -DomainName api.example.com, www.example.com | Set-ApigDomainCertificate -CertificatePath $legacy.FullChainFile -PrivateKeyPath $legacy.KeyFile | Out-Null
        $script:stored = New-StoredTestCertificate -Certificate $wildcard -Name 'wildcard_example_com'
    }

    It 'piped: the stored certificate replaces the uploaded copy, and Verbose says what was displaced' {
        $out = @(Get-ApigDomain -DomainName api.example.com, www.example.com | Add-ApigCertificateBinding -CertificateId $stored.id -Verbose 4>&1)
        $results = @($out | Where-Object { $_ -is [Apig.Cert.ApigCertificateBinding] })
        $verbose = ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n"
        $results.Count | Should -Be 2
        $results.Changed | Should -Be @($true, $true)
        foreach ($domain in $Seed.Domains[0..1]) { (Get-EmulatorDomain $domain.DomainId).certificateIds | Should -Be @($stored.id) }
        @(Get-EmulatorStore | Where-Object legacyUpload).Count | Should -Be 0 -Because 'a legacy upload no domain holds is deleted'
        if ($Conflict -eq 'refuse') {
            $verbose | Should -Match 'APIG\.2051.*was detached before attaching'
            $legacyUnbinds = @(Get-SentRequests | Where-Object { $_.method -eq 'DELETE' -and $_.path -like '*/certificate/*' }).Count
            $legacyUnbinds | Should -Be $(if ($InStore) { 0 } else { 2 })
        }
        else {
            $verbose | Should -Match 'replaced certificate'
            Get-SentRequests | Where-Object { $_.path -like '*/certificates/detach' -or $_.method -eq 'DELETE' } | Should -BeNullOrEmpty
        }
    }

    It '-DomainName: the batch attaches them all, clearing refused names first' {
        $results = @(Add-ApigCertificateBinding -CertificateId $stored.id -DomainName api.example.com, www.example.com, pay.example.com)
        $results.DomainName | Should -Be @('api.example.com', 'www.example.com', 'pay.example.com')
        $results.Changed | Should -Be @($true, $true, $true)
        foreach ($domain in $Seed.Domains[0..2]) { (Get-EmulatorDomain $domain.DomainId).certificateIds | Should -Be @($stored.id) }
        $batches = @(Get-SentRequests | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/domains/attach' })
        if ($Conflict -eq 'refuse') { $batches.Count | Should -Be 3 -Because 'the refused batch, the clean name alone, and the cleared names together' } else { $batches.Count | Should -Be 1 }
    }
}

Describe 'Add-ApigCertificateBinding -DomainName (certificate side)' {
    BeforeEach {
        Reset-Emulator
        Connect-TestApig | Out-Null
        $script:stored = New-StoredTestCertificate -Certificate $wildcard -Name 'wildcard_example_com'
    }

    It 'attaches 500 domains in one request, each name sent with its instance, and a re-run sends nothing' {
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path bulk -Method POST -Body @{ groups = 500; domainsPerGroup = 1; namePrefix = 'many'; flatNames = $true } | Out-Null
        $names = 1..500 | ForEach-Object { 'many-{0:d5}-d1.example.com' -f $_ }
        $out = @(Add-ApigCertificateBinding -CertificateId $stored.id -DomainName $names -Verbose 4>&1)
        $results = @($out | Where-Object { $_ -is [Apig.Cert.ApigCertificateBinding] })
        $results.Count | Should -Be 500
        @($results | Where-Object Changed).Count | Should -Be 500
        $results[0].InstanceId | Should -Be $Seed.InstanceId
        @(Get-SentChanges).Count | Should -Be 1
        (Get-SentChanges)[0].path | Should -BeLike "*/certificates/$($stored.id)/domains/attach"
        (Get-EmulatorStore | Where-Object id -EQ $stored.id).domains.Count | Should -Be 500
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain '500 domain(s): 500 attached, 0 unchanged, 0 failed; 1 certificate-side request(s).'

        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
        $again = @(Add-ApigCertificateBinding -CertificateId $stored.id -DomainName $names)
        @($again | Where-Object { $_.Changed -eq $false }).Count | Should -Be 500
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'splits a batch the API refuses as too long (maxBatchDomains 100) and still attaches every name' {
        Set-EmulatorSettings @{ maxBatchDomains = 100 }
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path bulk -Method POST -Body @{ groups = 300; domainsPerGroup = 1; namePrefix = 'many'; flatNames = $true } | Out-Null
        $names = 1..300 | ForEach-Object { 'many-{0:d5}-d1.example.com' -f $_ }
        $results = @(Add-ApigCertificateBinding -CertificateId $stored.id -DomainName $names)
        @($results | Where-Object Changed).Count | Should -Be 300
        (Get-EmulatorStore | Where-Object id -EQ $stored.id).domains.Count | Should -Be 300
        $sent = @(Get-SentChanges)
        @($sent | Where-Object status -EQ 204).Count | Should -Be 4
        $sent.Count | Should -BeLessOrEqual 8
    }

    It 'gives each bad name its own error and sends the rest' {
        $results = @(Add-ApigCertificateBinding -CertificateId $stored.id -DomainName api.example.com, nowhere.example.com, www.example.com -ErrorVariable errs -ErrorAction SilentlyContinue)
        $results.DomainName | Should -Be @('api.example.com', 'www.example.com')
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
        $errs[0].TargetObject | Should -Be 'nowhere.example.com'
        @(Get-SentChanges).Count | Should -Be 1
    }

    It 'sends nothing with -WhatIf' {
        Add-ApigCertificateBinding -CertificateId $stored.id -DomainName api.example.com, www.example.com -WhatIf
        Get-SentChanges | Should -BeNullOrEmpty
        (Get-EmulatorDomain $Seed.Domains[0].DomainId).certificateIds | Should -BeNullOrEmpty
    }

    It 'names every domain already attached when something downstream ends the command' {
        $thrown = $null
        try {
            Add-ApigCertificateBinding -CertificateId $stored.id -DomainName api.example.com, www.example.com | ForEach-Object { throw 'downstream failed' }
        }
        catch { $thrown = $_ }
        $thrown | Should -Not -BeNullOrEmpty
        $thrown.Exception.Message | Should -Match 'api\.example\.com'
        $thrown.Exception.Message | Should -Match 'www\.example\.com'
        (Get-EmulatorStore | Where-Object id -EQ $stored.id).domains.Count | Should -Be 2
    }

    It 'refuses an empty -DomainName with nothing sent' {
        Add-ApigCertificateBinding -CertificateId $stored.id -DomainName '' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DomainNameRequired,*'
        @(Get-SentRequests) | Should -BeNullOrEmpty
    }
}

Describe 'Add-ApigCertificateBinding with piped domains and -ErrorAction Stop' {
    BeforeAll {
        Reset-Emulator
        Connect-TestApig | Out-Null
        $two = New-TestCertificate -DnsName 'api.example.com', 'pay.example.com' -Directory (Join-Path $WorkDir 'stop-two')
        $script:twoStored = New-StoredTestCertificate -Certificate $two -Name 'api_and_pay'
    }

    It 'attaches nothing after the domain it refuses, even while an earlier attach is in flight' -ForEach @(@{ Throttle = 1 }, @{ Throttle = 32 }) {
        { Get-ApigDomain -DomainName api.example.com, www.example.com, pay.example.com |
                Add-ApigCertificateBinding -CertificateId $twoStored.id -ErrorAction Stop -ThrottleLimit $Throttle } | Should -Throw
        (Get-EmulatorDomainByName 'pay.example.com').certificateIds | Should -BeNullOrEmpty -Because 'pay comes after the refused www'
        (Get-EmulatorDomainByName 'www.example.com').certificateIds | Should -BeNullOrEmpty
    }
}

Describe 'Add-ApigCertificateBinding -DomainName with -ErrorAction Stop' {
    BeforeAll {
        Reset-Emulator
        Connect-TestApig | Out-Null
        $script:stored = New-StoredTestCertificate -Certificate $wildcard -Name 'wildcard_example_com'
    }

    It 'stops on a refused name before the batch sends anything' {
        { Add-ApigCertificateBinding -CertificateId $stored.id -DomainName api.example.com, nowhere.example.com -ErrorAction Stop } |
            Should -Throw -ErrorId 'DomainNotFound*'
        Get-SentChanges | Should -BeNullOrEmpty
        (Get-EmulatorDomain $Seed.Domains[0].DomainId).certificateIds | Should -BeNullOrEmpty
    }
}
