# Set-ApigCertificate: rotation story 1 (in place, one request, every bound domain follows, a re-run sends nothing),
# at 500 domains; the CA-preservation refusal and its two ways on; coverage of the bound domains; -NewName; -WhatIf.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    . (Join-Path $PSScriptRoot 'StoreTestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Set Store Root'
    $old = New-TestCertificate -DnsName '*.example.com', 'example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'old') -NotAfter ([DateTimeOffset]::UtcNow.AddDays(10))
    $new = New-TestCertificate -DnsName '*.example.com', 'example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'new') -NotAfter ([DateTimeOffset]::UtcNow.AddDays(90))
    $narrow = New-TestCertificate -DnsName 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'narrow')
    $caPath = Join-Path $WorkDir 'clients-ca.pem'
    Set-Content -LiteralPath $caPath -Value ($ca.ExportCertificatePem() + "`n") -NoNewline
    Push-Location $WorkDir
    Copy-Item $new.FullChainFile ./fullchain.pem
    Copy-Item $new.KeyFile ./privkey.pem

    function Assert-DomainsServe {
        param([string] $CertificateId, [string] $Thumbprint, [int] $Count)
        $holding = @(Get-EmulatorDomains | Where-Object { $_.certificateIds -contains $CertificateId })
        $holding.Count | Should -Be $Count
        foreach ($domain in $holding) {
            ($domain.certificates | Where-Object id -EQ $CertificateId).thumbprint | Should -Be $Thumbprint -Because "$($domain.domain) must serve the new certificate"
        }
    }
}
AfterAll {
    Pop-Location
    Stop-TestEmulator
}

Describe 'Set-ApigCertificate: rotation in place (story 1), serialNumberFormat <_>' -ForEach 'decimal', 'hex', 'colon' {
    BeforeEach {
        Reset-Emulator
        Set-EmulatorSettings @{ serialNumberFormat = $_ }
        $script:stored = New-StoredTestCertificate -Cert $old -Name wildcard_example_com
        Add-TestBinding -CertificateId $stored.id -DomainName $Seed.Domains.DomainName
        Connect-TestApig | Out-Null
    }

    It 'replaces the content with one request; every bound domain serves it; a re-run sends nothing' {
        $rotated = Get-ApigCertificate -Name wildcard_example_com | Set-ApigCertificate -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem
        $rotated.Changed | Should -BeTrue
        $rotated.CertificateId | Should -Be $stored.id
        $rotated.Name | Should -Be 'wildcard_example_com'
        $rotated.NotAfter.ToString('yyyy-MM-dd HH:mm:ss') | Should -Be $new.NotAfter.ToUniversalTime().ToString('yyyy-MM-dd HH:mm:ss')
        @(Get-SentChanges).Count | Should -Be 1
        (Get-SentChanges)[0].method | Should -Be 'PUT'
        Assert-DomainsServe -CertificateId $stored.id -Thumbprint $new.Thumbprint -Count 5
        (Get-EmulatorStore).Count | Should -Be 1

        Clear-SentRequests
        $again = Get-ApigCertificate -Name wildcard_example_com | Set-ApigCertificate -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem
        $again.Changed | Should -BeFalse
        @(Get-SentChanges).Count | Should -Be 0
    }
}

Describe 'Set-ApigCertificate' {
    BeforeEach {
        Reset-Emulator
        $script:stored = New-StoredTestCertificate -Cert $old -Name wildcard_example_com
        Add-TestBinding -CertificateId $stored.id -DomainName $Seed.Domains.DomainName
        Connect-TestApig | Out-Null
    }

    It 'rotates a certificate bound to 500 domains with one PUT, the emulator agreeing domain by domain' {
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path bulk -Method POST -Body @{ groups = 100; domainsPerGroup = 5; namePrefix = 'rot'; flatNames = $true } | Out-Null
        $names = foreach ($g in 1..100) { foreach ($d in 1..5) { 'rot-{0:d5}-d{1}.example.com' -f $g, $d } }
        Add-TestBinding -CertificateId $stored.id -DomainName $names
        Clear-SentRequests
        $out = Get-ApigCertificate -Name wildcard_example_com | Set-ApigCertificate -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem -Verbose 4>&1
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain "Certificate 'wildcard_example_com' ($($stored.id)) replaced in place: 505 bound domain(s) now serve it."
        @(Get-SentChanges).Count | Should -Be 1
        @(Get-SentRequests | Where-Object method -EQ 'PUT').Count | Should -Be 1
        Assert-DomainsServe -CertificateId $stored.id -Thumbprint $new.Thumbprint -Count 505
    }

    It 'refuses, naming the certificate and both ways on, when the stored certificate has a CA and no CA parameter is given' {
        Reset-Emulator
        $withCa = New-StoredTestCertificate -Cert $old -Name mtls_example_com -InstanceId $Seed.InstanceId -TrustedRootCa ($ca.ExportCertificatePem() + "`n")
        Add-TestBinding -CertificateId $withCa.id -DomainName 'api.example.com'
        Clear-SentRequests
        Set-ApigCertificate -CertificateId $withCa.id -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TrustedRootCaWouldBeDropped,*'
        $errs[0].Exception.Message | Should -Match "mtls_example_com"
        $errs[0].Exception.Message | Should -Match '-TrustedRootCaPath'
        $errs[0].Exception.Message | Should -Match '-RemoveTrustedRootCa'
        @(Get-SentChanges).Count | Should -Be 0
        (Get-EmulatorStore)[0].hasTrustedRootCa | Should -BeTrue

        $kept = Set-ApigCertificate -CertificateId $withCa.id -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem -TrustedRootCaPath $caPath
        $kept.HasTrustedRootCa | Should -BeTrue
        (Get-EmulatorStore)[0].trustedRootCaSubjects | Should -Be 'CN=Set Store Root'

        $dropped = Set-ApigCertificate -CertificateId $withCa.id -CertificatePath $old.FullChainFile -PrivateKeyPath $old.KeyFile -RemoveTrustedRootCa
        $dropped.HasTrustedRootCa | Should -BeFalse
        (Get-EmulatorStore)[0].hasTrustedRootCa | Should -BeFalse
    }

    It 'refuses a certificate that does not cover every bound domain, naming them, unless -Force' {
        Set-ApigCertificate -CertificateId $stored.id -CertificatePath $narrow.FullChainFile -PrivateKeyPath $narrow.KeyFile -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotCovered,*'
        foreach ($name in 'www.example.com', 'pay.example.com', 'checkout.example.com', 'intra.example.com') { $errs[0].Exception.Message | Should -Match ([regex]::Escape($name)) }
        @(Get-SentChanges).Count | Should -Be 0
        (Set-ApigCertificate -CertificateId $stored.id -CertificatePath $narrow.FullChainFile -PrivateKeyPath $narrow.KeyFile -Force).Changed | Should -BeTrue
    }

    It 'renames with -NewName and keeps the name otherwise' {
        (Set-ApigCertificate -CertificateId $stored.id -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem -NewName wildcard_example_com_2027).Name | Should -Be 'wildcard_example_com_2027'
        (Get-EmulatorStore)[0].name | Should -Be 'wildcard_example_com_2027'
        Clear-SentRequests
        (Set-ApigCertificate -CertificateId $stored.id -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem -NewName wildcard_example_com_2027).Changed | Should -BeFalse
        @(Get-SentChanges).Count | Should -Be 0
    }

    It 'sends nothing with -WhatIf and counts what it would replace' {
        $out = Set-ApigCertificate -CertificateId $stored.id -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem -WhatIf -Verbose 4>&1 | Out-String
        $out | Should -Match '1 certificate\(s\): 0 replaced, 0 unchanged, 0 failed, 1 would be replaced \(-WhatIf\)'
        @(Get-SentChanges).Count | Should -Be 0
        Assert-DomainsServe -CertificateId $stored.id -Thumbprint $old.Thumbprint -Count 5
    }

    It 'refuses <Case> before sending anything' -ForEach @(
        @{ Case = 'both -RemoveTrustedRootCa and a CA'; Id = 'TrustedRootCaConflict'; Run = { Set-ApigCertificate -CertificateId $stored.id -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem -RemoveTrustedRootCa -TrustedRootCaPath $caPath } }
        @{ Case = 'a bad certificate id'; Id = 'InvalidId'; Run = { Set-ApigCertificate -CertificateId 'bad id!' -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem } }
        @{ Case = 'a bad new name'; Id = 'CertificateNameInvalid'; Run = { Set-ApigCertificate -CertificateId $stored.id -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem -NewName '1bad' } }
    ) {
        Clear-SentRequests
        $errs, $null = Invoke-Collecting $Run
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike "$Id*"
        @(Get-SentRequests).Count | Should -Be 0
    }

    It 'replaces a legacy upload in place only where the store holds legacy uploads (storeListsLegacyUploads <_>)' -ForEach $true, $false {
        Reset-Emulator
        Set-EmulatorSettings @{ storeListsLegacyUploads = $_ }
        $legacy = $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $old.FullChainFile -PrivateKeyPath $old.KeyFile
        Clear-SentRequests
        $errs, $out = Invoke-Collecting { Set-ApigCertificate -CertificateId $legacy.CertificateId -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem }
        if ($_) {
            $errs.Count | Should -Be 0
            $out[0].Changed | Should -BeTrue
            Assert-DomainsServe -CertificateId $legacy.CertificateId -Thumbprint $new.Thumbprint -Count 1
        }
        else {
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'APIG.3025,*'
            @(Get-SentChanges).Count | Should -Be 0
        }
    }

    It 'replaces the content from <Set>, and a re-run sends nothing' -ForEach @(
        @{ Set = 'a PFX'; Run = { param($id) Set-ApigCertificate -CertificateId $id -PfxPath $new.PfxFile -PfxPassword (ConvertTo-SecureString $new.PfxPassword -AsPlainText -Force) } }
        @{ Set = 'an X509Certificate2'; Run = { param($id) Set-ApigCertificate -CertificateId $id -Certificate $new.Certificate } }
        @{ Set = 'PEM text'; Run = { param($id) Set-ApigCertificate -CertificateId $id -CertificatePem $new.CertificatePem -PrivateKeyPem (ConvertTo-SecureString $new.PrivateKeyPem -AsPlainText -Force) } }
        @{ Set = 'a Posh-ACME object'; Run = { param($id) [pscustomobject]@{ PfxFullChain = $new.PfxFile; PfxPass = (ConvertTo-SecureString $new.PfxPassword -AsPlainText -Force) } | Set-ApigCertificate -CertificateId $id } }
    ) {
        (& $Run $stored.id).Changed | Should -BeTrue
        Assert-DomainsServe -CertificateId $stored.id -Thumbprint $new.Thumbprint -Count 5
        Clear-SentRequests
        (& $Run $stored.id).Changed | Should -BeFalse
        @(Get-SentChanges).Count | Should -Be 0
    }

    It 'rotates every piped certificate concurrently, one outcome each' {
        New-StoredTestCertificate -Cert $old -Name wildcard_example_com_b | Out-Null
        Clear-SentRequests
        $results = @(Get-ApigCertificate | Set-ApigCertificate -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem -ThrottleLimit 2)
        $results.Count | Should -Be 2
        $results.Changed | Should -Be @($true, $true)
        @(Get-SentChanges).Count | Should -Be 2
    }
}
