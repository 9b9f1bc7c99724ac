# Get-ApigCertificateBinding and Get-ApigDomain -CertificateId: one object per name whatever the API lists per port,
# every page, the name filter, the certificate by property name, and errors.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Listing Root'
    $script:wildcard = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'list-wild')
}
AfterAll { Stop-TestEmulator }

Describe 'Get-ApigCertificateBinding (attachedDomainsEntries <Entries>)' -ForEach @(@{ Entries = 'perPort' }, @{ Entries = 'perName' }) {
    BeforeAll {
        Reset-Emulator
        Set-EmulatorSettings @{ attachedDomainsEntries = $Entries }
        Connect-TestApig | Out-Null
        $script:stored = New-StoredTestCertificate -Certificate $wildcard -Name 'wildcard_example_com'
        Get-ApigDomain -DomainName api.example.com, www.example.com, pay.example.com | Add-ApigCertificateBinding -CertificateId $stored.id | Out-Null
    }
    BeforeEach { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null }

    It 'lists each bound name once, with its group and settings' {
        # In binding order, which the concurrent attach does not fix.
        $bindings = @(Get-ApigCertificateBinding -CertificateId $stored.id | Sort-Object DomainId)
        $bindings.DomainName | Should -Be @('api.example.com', 'www.example.com', 'pay.example.com')
        $bindings | ForEach-Object { $_ | Should -BeOfType ([Apig.Cert.ApigCertificateBinding]) }
        $bindings[0].CertificateName | Should -Be 'wildcard_example_com'
        $bindings[0].GroupName | Should -Be 'shop'
        $bindings[2].GroupName | Should -Be 'payments'
        $bindings[0].DomainId | Should -Be $Seed.Domains[0].DomainId
        $bindings[0].InstanceId | Should -Be $Seed.InstanceId
        $bindings[0].HttpsPort | Should -Be 443
        $bindings[0].RedirectToHttps | Should -Not -BeNullOrEmpty
        $bindings[0].Changed | Should -BeNullOrEmpty
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'filters by wildcard locally and sends a literal name as url_domain' {
        @(Get-ApigCertificateBinding -CertificateId $stored.id -DomainName '*w*.example.com').DomainName | Should -Be @('www.example.com')
        $exact = @(Get-ApigCertificateBinding -CertificateId $stored.id -DomainName 'API.example.com')
        $exact.DomainName | Should -Be @('api.example.com')
        @(Get-SentRequests | Where-Object { $_.path -like '*/attached-domains' -and $_.query -like '*url_domain=API.example.com*' }).Count | Should -Be 1
    }

    It 'takes the certificate by property name' {
        $bindings = @([pscustomobject]@{ CertificateId = $stored.id } | Get-ApigCertificateBinding)
        $bindings.Count | Should -Be 3
    }

    It 'Get-ApigDomain -CertificateId gives the bound domains as ApigDomain objects' {
        $domains = @(Get-ApigDomain -CertificateId $stored.id | Sort-Object DomainId)
        $domains.DomainName | Should -Be @('api.example.com', 'www.example.com', 'pay.example.com')
        $domains | ForEach-Object { $_ | Should -BeOfType ([Apig.Cert.ApigDomain]) }
        $domains[0].CertificateId | Should -Be $stored.id
        # The group listing does not carry the redirect flag; the certificate's attached-domain listing does.
        foreach ($domain in $domains) { ($domain.RedirectToHttps -is [bool]) | Should -BeTrue -Because "$($domain.DomainName) is listed with its redirect flag" }
        @(Get-ApigDomain -CertificateId $stored.id -DomainName 'pay*').DomainName | Should -Be @('pay.example.com')
        @(Get-ApigDomain -CertificateId $stored.id -InstanceId $Seed.InstanceId -GroupId $Seed.Domains[2].GroupId).DomainName | Should -Be @('pay.example.com')
    }

    It 'Get-ApigDomain -CertificateId keeps the redirect flag the attached-domain list gives (the group listing has none)' {
        Get-ApigDomain -DomainName www.example.com | Set-ApigDomain -RedirectToHttps $true | Out-Null
        try {
            $domains = @(Get-ApigDomain -CertificateId $stored.id | Sort-Object DomainId)
            $domains.RedirectToHttps | Should -Be @($false, $true, $false)
            (Get-ApigDomain -DomainName www.example.com).RedirectToHttps | Should -BeNullOrEmpty -Because 'the group listing does not say'
        }
        finally { Get-ApigDomain -DomainName www.example.com | Set-ApigDomain -RedirectToHttps $false | Out-Null }
    }
}

Describe 'Get-ApigCertificateBinding errors' {
    BeforeAll {
        Reset-Emulator
        Connect-TestApig | Out-Null
    }
    BeforeEach { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null }

    It 'refuses an invalid id with nothing sent' {
        Get-ApigCertificateBinding -CertificateId 'a/b' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidId,*'
        @(Get-SentRequests) | Should -BeNullOrEmpty
    }

    It 'reports an unknown certificate as APIG.3025' {
        Get-ApigCertificateBinding -CertificateId 'ffffffffffffffffffffffffffffffff' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'APIG.3025,*'
        Get-ApigDomain -CertificateId 'ffffffffffffffffffffffffffffffff' -ErrorVariable errs2 -ErrorAction SilentlyContinue
        $errs2[0].FullyQualifiedErrorId | Should -BeLike 'APIG.3025,*'
    }

    It 'lists nothing for a certificate bound nowhere' {
        $stored = New-StoredTestCertificate -Certificate $wildcard
        @(Get-ApigCertificateBinding -CertificateId $stored.id) | Should -BeNullOrEmpty
    }
}
