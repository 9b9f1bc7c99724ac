# Huawei Cloud Certificate Manager: Get-ApigCcmCertificate and -CcmCertificateId against the emulator's CCM (seeded
# through its admin calls), under every value of the emulator's settings for what the documents leave open.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:AccountId = 'emu0account0000000000000000000001'
    $ca = New-TestCertificateAuthority -Name 'CCM Root'
    $intermediate = New-TestCertificateAuthority -Name 'CCM Intermediate' -Issuer $ca
    $wildcard = New-TestCertificate -DnsName '*.example.com', 'example.com' -Issuer $intermediate -Intermediates $intermediate -Directory (Join-Path $WorkDir 'ccm-wild') `
        -NotAfter ([DateTimeOffset]::UtcNow.AddDays(40))
    $renewed = New-TestCertificate -DnsName '*.example.com', 'example.com' -Issuer $intermediate -Intermediates $intermediate -Directory (Join-Path $WorkDir 'ccm-renewed') `
        -NotAfter ([DateTimeOffset]::UtcNow.AddDays(400))
    $shop = New-TestCertificate -DnsName 'shop.example.org' -Issuer $ca -KeyAlgorithm EC -Directory (Join-Path $WorkDir 'ccm-shop')
    $first = $Seed.Domains[0]
    $ids = @{ InstanceId = $first.InstanceId; GroupId = $first.GroupId; DomainId = $first.DomainId }

    function Add-CcmCertificate {
        param([Parameter(Mandatory)] $Certificate, [Parameter(Mandatory)] [string] $Name, [string] $Status = 'ISSUED')
        $body = @{ name = $Name; certificatePem = $Certificate.CertificatePem; privateKeyPem = $Certificate.PrivateKeyPem; status = $Status }
        (Invoke-EmulatorAdmin -Url $EmulatorUrl -Path 'ccm/certificates' -Method POST -Body $body).id
    }
    function Connect-TestCcm {
        param([switch] $WithoutAccountId)
        $account = if ($WithoutAccountId) { @{} } else { @{ AccountId = $AccountId } }
        $context = Connect-Apig -Region $Seed.Region -ProjectId $Seed.ProjectId -Endpoint $EmulatorUrl -CcmEndpoint $EmulatorUrl @account `
            -AccessKey $Seed.AccessKey -SecretKey (ConvertTo-SecureString $Seed.SecretKey -AsPlainText -Force)
        Clear-SentRequests
        $context
    }
    function Get-CcmRequests { @(Get-SentRequests | Where-Object { $_.path -like '/v3/scm/*' }) }
}
AfterAll { Stop-TestEmulator }

Describe 'Get-ApigCcmCertificate' {
    BeforeEach {
        Reset-Emulator
        $script:wildId = Add-CcmCertificate -Certificate $wildcard -Name 'wildcard_example'
        $script:shopId = Add-CcmCertificate -Certificate $shop -Name 'shop_org'
        $script:oldId = Add-CcmCertificate -Certificate $shop -Name 'shop_revoked' -Status REVOKED
        Connect-TestCcm | Out-Null
    }

    It 'lists every certificate with its domain, names, status and expiry' {
        $all = @(Get-ApigCcmCertificate)
        $all.Count | Should -Be 3
        $all[0] | Should -BeOfType ([Apig.Cert.ApigCcmCertificate])
        $wild = $all | Where-Object CertificateId -EQ $wildId
        $wild.Name | Should -Be 'wildcard_example'
        $wild.Domain | Should -Be '*.example.com'
        $wild.SubjectAlternativeNames | Should -Contain 'example.com'
        $wild.Status | Should -Be 'ISSUED'
        $wild.NotAfter.ToString('yyyy-MM-dd') | Should -Be $wildcard.Certificate.NotAfter.ToUniversalTime().ToString('yyyy-MM-dd')
        $wild.DaysRemaining | Should -BeIn 38, 39, 40
        $wild.SignatureAlgorithm | Should -Not -BeNullOrEmpty
        $wild.Brand | Should -Be 'GEOTRUST'
        $requests = Get-CcmRequests
        $requests.Count | Should -Be 1
        $requests[0].method | Should -Be 'GET'
    }

    It 'filters by -Name (wildcards), -DomainName (covered or matched) and -Status' {
        (Get-ApigCcmCertificate -Name 'shop*').CertificateId | Sort-Object | Should -Be (@($shopId, $oldId) | Sort-Object)
        (Get-ApigCcmCertificate -Name 'wildcard_example').CertificateId | Should -Be $wildId
        (Get-ApigCcmCertificate -DomainName 'api.example.com').CertificateId | Should -Be $wildId
        (Get-ApigCcmCertificate -DomainName 'a.b.example.com') | Should -BeNullOrEmpty
        (Get-ApigCcmCertificate -DomainName '*.example.org').CertificateId | Sort-Object | Should -Be (@($shopId, $oldId) | Sort-Object)
        (Get-ApigCcmCertificate -Status ISSUED -DomainName shop.example.org).CertificateId | Should -Be $shopId
        (Get-ApigCcmCertificate -Status revoked, expired).CertificateId | Should -Be $oldId
    }

    It 'takes domains from the pipeline by property name' {
        $found = @(Get-ApigDomain -DomainName api.example.com | Get-ApigCcmCertificate)
        $found.CertificateId | Should -Be $wildId
    }

    It 'pages with -First and -Skip, and reads pages of 50' {
        1..52 | ForEach-Object { Add-CcmCertificate -Certificate $shop -Name ('bulk_{0:D2}' -f $_) } | Out-Null
        Clear-SentRequests
        @(Get-ApigCcmCertificate).Count | Should -Be 55
        $pages = Get-CcmRequests
        $pages.Count | Should -Be 2
        $pages[0].query | Should -Match 'limit=50'
        (Get-ApigCcmCertificate -Skip 3 -First 2).Name | Should -Be 'bulk_01', 'bulk_02'
    }

    It 'stamps each certificate with its context, and lists a CCM that two contexts share once' {
        $first = Get-ApigContext
        $second = Connect-Apig -Region ap-southeast-3 -ProjectId $Seed.ProjectId -Endpoint $EmulatorUrl -CcmEndpoint $EmulatorUrl -AccountId $AccountId `
            -AccessKey $Seed.AccessKey -SecretKey (ConvertTo-SecureString $Seed.SecretKey -AsPlainText -Force) -NoDefault
        Clear-SentRequests
        $all = @(Get-ApigCcmCertificate -Context $first, $second)
        $all.Count | Should -Be 3
        $all | ForEach-Object { $_.Context.Region | Should -Be $Seed.Region }
        (Get-CcmRequests).Count | Should -Be 1
    }

    It 'shows the CCM endpoint and account on the context' {
        $context = Get-ApigContext
        $context.CcmEndpoint | Should -Be ([uri]$EmulatorUrl)
        $context.AccountId | Should -Be $AccountId
    }

    It 'reports a CCM error with its code' {
        Connect-Apig -Region $Seed.Region -ProjectId $Seed.ProjectId -Endpoint $EmulatorUrl -CcmEndpoint $EmulatorUrl -AccountId 'emu0account0000000000000000000999' `
            -AccessKey $Seed.AccessKey -SecretKey (ConvertTo-SecureString $Seed.SecretKey -AsPlainText -Force) | Out-Null
        Get-ApigCcmCertificate -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].Exception.ErrorCode | Should -Be 'APIG.1005'
        $errs[0].Exception.Message | Should -Match '/v3/scm/certificates'
    }
}

Describe 'CCM certificates bound with -CcmCertificateId' {
    BeforeEach {
        Reset-Emulator
        $script:wildId = Add-CcmCertificate -Certificate $wildcard -Name 'wildcard_example'
        Connect-TestCcm | Out-Null
    }

    It 'exports once and binds the certificate to every piped domain' {
        $out = $Seed.Domains | Set-ApigDomainCertificate -CcmCertificateId $wildId -Verbose 4>&1
        $results = @($out | Where-Object { $_ -is [Apig.Cert.DomainCertificateBinding] })
        $results.Count | Should -Be 5
        $results.Thumbprint | Select-Object -Unique | Should -Be $wildcard.Thumbprint
        foreach ($d in $Seed.Domains) { (Get-EmulatorDomain $d.DomainId).certificates[0].thumbprint | Should -Be $wildcard.Thumbprint }
        $exports = @(Get-CcmRequests | Where-Object method -EQ 'POST')
        $exports.Count | Should -Be 1
        $exports[0].path | Should -Be "/v3/scm/certificates/$wildId/export"
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message |
            Should -Contain '5 domain(s): 5 bound, 0 unchanged, 0 failed; certificate input parsed 1 time(s).'
    }

    It 'stores it with New-ApigCertificate and replaces a stored one with Set-ApigCertificate' {
        $created = New-ApigCertificate -CcmCertificateId $wildId -Name 'ccm_wildcard'
        (@(Get-EmulatorStore | Where-Object id -EQ $created.CertificateId))[0].thumbprint | Should -Be $wildcard.Thumbprint
        $renewedId = Invoke-EmulatorAdmin -Url $EmulatorUrl -Path "ccm/certificates/$wildId/reissue" -Method POST -Body @{
            certificatePem = $renewed.CertificatePem; privateKeyPem = $renewed.PrivateKeyPem }
        $replaced = Set-ApigCertificate -CertificateId $created.CertificateId -CcmCertificateId $renewedId.id
        $replaced.CertificateId | Should -Be $created.CertificateId
        (@(Get-EmulatorStore | Where-Object id -EQ $created.CertificateId))[0].thumbprint | Should -Be $renewed.Thumbprint
    }

    It 'sends nothing to APIG on a re-run (the domain already holds it)' {
        Set-ApigDomainCertificate @ids -CcmCertificateId $wildId | Out-Null
        Clear-SentRequests
        (Set-ApigDomainCertificate @ids -CcmCertificateId $wildId).Changed | Should -BeFalse
        @(Get-SentChanges | Where-Object { $_.path -notlike '/v3/scm/*' }) | Should -BeNullOrEmpty
    }

    It 'refuses <Case> with <ErrorId> and binds nothing' -ForEach @(
        @{ Case = 'an unknown id'; ErrorId = 'SCM.0404'; Id = 'scs0000000000000' }
        @{ Case = 'an unsafe id'; ErrorId = 'InvalidId'; Id = 'scs1/../x' }
        @{ Case = 'an empty id'; ErrorId = 'CcmCertificateIdRequired'; Id = '' }
    ) {
        $Seed.Domains[0, 1] | Set-ApigDomainCertificate -CcmCertificateId $Id -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs.Count | Should -Be 2
        ($errs[0].FullyQualifiedErrorId + ' ' + $errs[0].Exception.ErrorCode) | Should -Match ([regex]::Escape($ErrorId))
        $errs[0].Exception.Message | Should -Match 'CcmCertificateId|scm'
        @(Get-SentChanges | Where-Object { $_.path -notlike '/v3/scm/*' }) | Should -BeNullOrEmpty
        @(Get-CcmRequests | Where-Object method -EQ 'POST').Count | Should -BeLessOrEqual 1
        foreach ($d in $Seed.Domains) { (Get-EmulatorDomain $d.DomainId).certificates | Should -BeNullOrEmpty }
    }

    It 'refuses a certificate CCM cannot export (not issued)' {
        $revoked = Add-CcmCertificate -Certificate $shop -Name 'gone' -Status REVOKED
        Set-ApigDomainCertificate @ids -DomainName shop.example.org -CcmCertificateId $revoked -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].Exception.ErrorCode | Should -Be 'SCM.0400'
        @(Get-SentChanges | Where-Object { $_.path -notlike '/v3/scm/*' }) | Should -BeNullOrEmpty
    }

    It 'checks the exported certificate like any input: a domain it does not cover is refused' {
        $shopId = Add-CcmCertificate -Certificate $shop -Name 'shop_org'
        Set-ApigDomainCertificate @ids -DomainName $first.DomainName -CcmCertificateId $shopId -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotCovered,*'
        @(Get-SentChanges | Where-Object { $_.path -notlike '/v3/scm/*' }) | Should -BeNullOrEmpty
    }
}

Describe 'CCM under each emulator setting of what is UNCONFIRMED' {
    BeforeEach { Reset-Emulator }

    It 'reads expire_time as <Format>' -ForEach @(
        @{ Format = 'datetime' }
        @{ Format = 'epochMillisString' }
        @{ Format = 'epochMillisNumber' }
    ) {
        Set-EmulatorSettings @{ ccmExpireTimeFormat = $Format }
        $id = Add-CcmCertificate -Certificate $wildcard -Name 'expiry'
        Connect-TestCcm | Out-Null
        $listed = Get-ApigCcmCertificate -Name expiry
        $listed.CertificateId | Should -Be $id
        [Math]::Abs(($listed.NotAfter - $wildcard.Certificate.NotAfter.ToUniversalTime()).TotalSeconds) | Should -BeLessThan 1
        $listed.NotAfter.Kind | Should -Be 'Utc'
    }

    It 'with ccmRequiresDomainId <Required>, <Account> -> <Outcome>' -ForEach @(
        @{ Required = $false; Account = 'an account id'; Outcome = 'works'; WithoutAccount = $false }
        @{ Required = $false; Account = 'no account id'; Outcome = 'works'; WithoutAccount = $true }
        @{ Required = $true; Account = 'an account id'; Outcome = 'works'; WithoutAccount = $false }
        @{ Required = $true; Account = 'no account id'; Outcome = 'fails, naming -AccountId'; WithoutAccount = $true }
    ) {
        Set-EmulatorSettings @{ ccmRequiresDomainId = $Required }
        $id = Add-CcmCertificate -Certificate $wildcard -Name 'scoped'
        Connect-TestCcm -WithoutAccountId:$WithoutAccount | Out-Null
        $listed = Get-ApigCcmCertificate -ErrorVariable listErrs -ErrorAction SilentlyContinue
        $bound = Set-ApigDomainCertificate @ids -CcmCertificateId $id -ErrorVariable bindErrs -ErrorAction SilentlyContinue
        $requests = Get-CcmRequests
        if ($Outcome -eq 'works') {
            $listed.CertificateId | Should -Be $id
            $bound.Thumbprint | Should -Be $wildcard.Thumbprint
            (Get-EmulatorDomain $first.DomainId).certificates[0].thumbprint | Should -Be $wildcard.Thumbprint
        }
        else {
            $listed | Should -BeNullOrEmpty
            $bound | Should -BeNullOrEmpty
            $listErrs.Count | Should -Be 1
            $bindErrs.Count | Should -Be 1
            ($listErrs[0].ErrorDetails.RecommendedAction + $listErrs[0].Exception.Message) | Should -Match 'AccountId'
            (Get-EmulatorDomain $first.DomainId).certificates | Should -BeNullOrEmpty
        }
    }
}

Describe 'The CCM endpoint of a connection' {
    It 'defaults to the CCM of the region''s site and refuses plain http elsewhere' {
        $common = @{ ProjectId = $Seed.ProjectId; Endpoint = $EmulatorUrl; Token = (ConvertTo-SecureString $Seed.Token -AsPlainText -Force); SkipValidation = $true }
        (Connect-Apig -Region cn-east-3 @common).CcmEndpoint | Should -Be ([uri]'https://scm.cn-north-4.myhuaweicloud.com')
        (Connect-Apig -Region ap-southeast-3 @common).CcmEndpoint | Should -Be ([uri]'https://scm.ap-southeast-1.myhuaweicloud.com')
        (Connect-Apig -Region my-kualalumpur-1 @common).CcmEndpoint | Should -Be ([uri]'https://scm.my-kualalumpur-1.myhuaweicloud.com')
        { Connect-Apig -Region cn-north-4 @common -CcmEndpoint 'http://scm.example.com' } | Should -Throw -ExpectedMessage '*CcmEndpoint*plain http*'
    }
}
