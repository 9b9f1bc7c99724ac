# Set-ApigDomain against the emulator under both UNCONFIRMED update behaviours (an omitted redirect kept or reset; 200
# or 201) and both store behaviours (legacy uploads in the store or not): only what is given changes, the redirect
# survives wherever it can be known, nothing is sent when nothing would change, bad input sends nothing.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    . (Join-Path $PSScriptRoot 'DomainSettingsHelpers.ps1')
    $ca = New-TestCertificateAuthority -Name 'Domain Settings Root'
    $clientCa = New-TestCertificateAuthority -Name 'Client Root'
    $cert = New-TestCertificate -DnsName $Seed.Domains.DomainName -Issuer $ca -Directory (Join-Path $WorkDir 'settings')
}
AfterAll { Stop-TestEmulator }

Describe 'Set-ApigDomain under updateDomainStatus <Status>, updateDomainOmittedRedirect <Omitted>' -ForEach @(
    @{ Status = 200; Omitted = 'keep' }, @{ Status = 200; Omitted = 'reset' }, @{ Status = 201; Omitted = 'keep' }, @{ Status = 201; Omitted = 'reset' }
) {
    BeforeEach { Set-Variant @{ updateDomainStatus = $Status; updateDomainOmittedRedirect = $Omitted } }

    It 'changes only the TLS version of a listed domain; an unknown redirect is left out, and a warning says when it is off after' {
        Set-EmulatorRedirect 'intra.example.com' $true
        $result = Get-ApigDomain -DomainName intra.example.com | Set-ApigDomain -MinSslVersion TLSv1.1 -WarningVariable warned -WarningAction SilentlyContinue
        $result.Changed | Should -BeTrue
        $result.MinSslVersion | Should -Be 'TLSv1.1'
        $result.PSObject.TypeNames[0] | Should -Be 'Apig.Cert.ApigDomain#Settings'
        $put = @(Get-SentChanges)
        $put.Count | Should -Be 1
        $put[0].method | Should -Be 'PUT'
        $put[0].status | Should -Be $Status
        $state = Get-EmulatorDomainByName 'intra.example.com'
        $state.minSslVersion | Should -Be 'TLSv1.1'
        ($state.ingressHttpPort, $state.ingressHttpsPort) | Should -Be @(80, 443)
        $state.isHttpRedirectToHttps | Should -Be ($Omitted -eq 'keep')
        $result.RedirectToHttps | Should -Be ($Omitted -eq 'keep')
        $warned.Count | Should -Be ([int]($Omitted -eq 'reset'))
    }

    It 'keeps a redirect it can read from the store (a legacy upload the store lists) by sending it' {
        $Seed.Domains[4] | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
        Set-EmulatorRedirect 'intra.example.com' $true
        $result = Get-ApigDomain -DomainName intra.example.com | Set-ApigDomain -MinSslVersion TLSv1.1 -WarningVariable warned
        $result.RedirectToHttps | Should -BeTrue
        (Get-EmulatorDomainByName 'intra.example.com').isHttpRedirectToHttps | Should -BeTrue
        $warned | Should -BeNullOrEmpty
        @(Get-SentRequests | Where-Object path -Like '*/attached-domains').Count | Should -Be 1
    }

    It 'keeps a redirect from a piped New-ApigDomain answer' {
        $created = Get-ApigGroup -Name internal | New-ApigDomain -DomainName piped.example.com -RedirectToHttps -MinSslVersion TLSv1.2
        $result = $created | Set-ApigDomain -MinSslVersion TLSv1.1 -WarningVariable warned
        $result.Changed | Should -BeTrue
        $result.RedirectToHttps | Should -BeTrue
        (Get-EmulatorDomainByName 'piped.example.com').isHttpRedirectToHttps | Should -BeTrue
        $warned | Should -BeNullOrEmpty
    }

    It 'rotation story 3, the domain part: TLSv1.2 with redirect and client verification on a domain with a CA certificate' {
        New-EmulatorStoredBinding -DomainName api.example.com -Certificate $cert -TrustedRootCa $clientCa | Out-Null
        $result = Set-ApigDomain -DomainName api.example.com -MinSslVersion TLSv1.2 -RedirectToHttps $true -VerifyClientCertificate $true
        $result.Changed | Should -BeTrue
        ($result.MinSslVersion, $result.RedirectToHttps, $result.VerifiedClientCertificateEnabled) | Should -Be @('TLSv1.2', $true, $true)
        $state = Get-EmulatorDomainByName 'api.example.com'
        ($state.minSslVersion, $state.isHttpRedirectToHttps, $state.verifiedClientCertificateEnabled) | Should -Be @('TLSv1.2', $true, $true)

        Clear-SentRequests
        $again = Set-ApigDomain -DomainName api.example.com -MinSslVersion TLSv1.2 -RedirectToHttps $true -VerifyClientCertificate $true
        $again.Changed | Should -BeFalse
        $again.RedirectToHttps | Should -BeTrue
        Get-SentChanges | Should -BeNullOrEmpty
    }
}

Describe 'Set-ApigDomain' {
    BeforeEach { Set-Variant }

    It 'sends nothing when the domains already have the settings given' {
        $out = @(Get-ApigDomain | Set-ApigDomain -MinSslVersion TLSv1.2 -HttpPort 80 -HttpsPort 443 -VerifyClientCertificate $false)
        $out.Count | Should -Be 5
        @($out | Where-Object Changed).Count | Should -Be 0
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'sends a redirect it cannot read every time, and one it can read only when it differs' {
        Set-ApigDomain -DomainName www.example.com -RedirectToHttps $true | Out-Null
        Set-ApigDomain -DomainName www.example.com -RedirectToHttps $true | Out-Null
        @(Get-SentChanges).Count | Should -Be 2
        (Get-EmulatorDomainByName 'www.example.com').isHttpRedirectToHttps | Should -BeTrue

        $Seed.Domains[1] | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
        Clear-SentRequests
        (Set-ApigDomain -DomainName www.example.com -RedirectToHttps $true).Changed | Should -BeFalse
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'reads the redirect from the attached domains listed <Entries>' -ForEach @(@{ Entries = 'perPort' }, @{ Entries = 'perName' }) {
        Set-Variant @{ attachedDomainsEntries = $Entries; updateDomainOmittedRedirect = 'reset' }
        $Seed.Domains[2] | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
        Set-EmulatorRedirect 'pay.example.com' $true
        (Set-ApigDomain -DomainName pay.example.com -HttpPort -1 -HttpsPort 443).RedirectToHttps | Should -BeTrue
        (Get-EmulatorDomainByName 'pay.example.com').isHttpRedirectToHttps | Should -BeTrue
        # HTTPS only now: the name has one entry either way, and a second change still finds the flag.
        (Set-ApigDomain -DomainName pay.example.com -MinSslVersion TLSv1.1).RedirectToHttps | Should -BeTrue
        (Get-EmulatorDomainByName 'pay.example.com').isHttpRedirectToHttps | Should -BeTrue
    }

    It 'reads no redirect from a legacy upload when the store does not list legacy uploads' {
        Set-Variant @{ storeListsLegacyUploads = $false; updateDomainOmittedRedirect = 'reset' }
        $Seed.Domains[1] | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
        Set-EmulatorRedirect 'www.example.com' $true
        $result = Set-ApigDomain -DomainName www.example.com -MinSslVersion TLSv1.1 -WarningVariable warned -WarningAction SilentlyContinue
        $result.RedirectToHttps | Should -BeFalse
        "$warned" | Should -Match 'Set-ApigDomain -RedirectToHttps \$true'
    }

    It 'gives one warning for a batch, naming every domain whose unknown redirect is off after the update' {
        Set-Variant @{ updateDomainOmittedRedirect = 'reset' }
        $out = @(Get-ApigDomain | Set-ApigDomain -MinSslVersion TLSv1.1 -WarningVariable warned -WarningAction SilentlyContinue)
        $out.Count | Should -Be 5
        $warned.Count | Should -Be 1
        foreach ($name in $Seed.Domains.DomainName) { "$warned" | Should -Match ([regex]::Escape("'$name'")) }
    }

    It 'completes a port given alone with the domain''s current other port' {
        Set-ApigDomain -DomainName pay.example.com -HttpPort 8080 -HttpsPort 443 -WarningAction SilentlyContinue | Out-Null
        $result = Set-ApigDomain -DomainName pay.example.com -HttpsPort 8443 -WarningAction SilentlyContinue
        ($result.HttpPort, $result.HttpsPort) | Should -Be @(8080, 8443)
        $state = Get-EmulatorDomainByName 'pay.example.com'
        ($state.ingressHttpPort, $state.ingressHttpsPort) | Should -Be @(8080, 8443)
    }

    It 'refuses client verification for a domain with <Bound> (no trusted root CA), sending nothing, whatever APIG would do (<Verify>)' -ForEach @(
        foreach ($verify in 'keep', 'refuse') { foreach ($bound in 'no certificate', 'a legacy upload', 'a stored certificate without CA') { @{ Bound = $bound; Verify = $verify } } }
    ) {
        Set-Variant @{ verifyWithoutCertificate = $Verify }
        if ($Bound -eq 'a legacy upload') { $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null }
        if ($Bound -eq 'a stored certificate without CA') { New-EmulatorStoredBinding -DomainName api.example.com -Certificate $cert | Out-Null }
        Clear-SentRequests
        Set-ApigDomain -DomainName api.example.com -VerifyClientCertificate $true -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NoTrustedRootCa,*'
        $errs[0].Exception.Message | Should -Match 'api.example.com'
        Get-SentChanges | Should -BeNullOrEmpty
        (Get-EmulatorDomainByName 'api.example.com').verifiedClientCertificateEnabled | Should -BeFalse
    }

    It 'sends nothing with -WhatIf' {
        Get-ApigDomain | Set-ApigDomain -MinSslVersion TLSv1.1 -RedirectToHttps $true -WhatIf | Should -BeNullOrEmpty
        Get-SentChanges | Should -BeNullOrEmpty
        (Get-EmulatorDomainByName 'api.example.com').minSslVersion | Should -Be 'TLSv1.2'
    }

    It 'reports a domain its group does not list as DomainNotFound' {
        Set-ApigDomain -InstanceId $Seed.InstanceId -GroupId $Seed.Domains[0].GroupId -DomainId $Seed.Domains[2].DomainId -MinSslVersion TLSv1.1 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
        Get-SentChanges | Should -BeNullOrEmpty
    }
}

Describe 'Set-ApigDomain bad input is refused before anything is sent' {
    BeforeAll { Set-Variant }
    BeforeEach { Clear-SentRequests }
    AfterEach { @(Get-SentRequests).Count | Should -Be 0 -Because 'bad input must never reach the API' }

    It '<Case> -> <ErrorId>' -ForEach @(
        @{ Case = 'no setting at all'; ErrorId = 'NoSettingGiven'; P = @{} }
        @{ Case = 'HTTPS port 1023'; ErrorId = 'InvalidPort'; P = @{ HttpsPort = 1023 } }
        @{ Case = 'HTTP port 443'; ErrorId = 'InvalidPort'; P = @{ HttpPort = 443 } }
        @{ Case = 'both protocols off'; ErrorId = 'BothPortsDisabled'; P = @{ HttpPort = -1; HttpsPort = -1 } }
    ) {
        $domain = $Seed.Domains[0]
        $out = Set-ApigDomain -InstanceId $domain.InstanceId -GroupId $domain.GroupId -DomainId $domain.DomainId @P -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
    }
}
