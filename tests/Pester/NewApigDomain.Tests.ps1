# New-ApigDomain against the emulator: adding from a piped group, idempotent re-runs, an existing name with other
# settings, a name of another group, every bad input refused with nothing sent, -WhatIf, the region's default TLS version.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    . (Join-Path $PSScriptRoot 'DomainSettingsHelpers.ps1')
    $internal = 'grp00000000000000000000000000003'
}
AfterAll { Stop-TestEmulator }

Describe 'New-ApigDomain' {
    BeforeEach { Set-Variant }

    It 'adds a domain to a piped group with the settings given, and a re-run sends nothing' {
        $created = Get-ApigGroup -Name internal | New-ApigDomain -DomainName new.example.com -MinSslVersion TLSv1.2 -RedirectToHttps
        $created | Should -BeOfType ([Apig.Cert.ApigDomain])
        $created.Changed | Should -BeTrue
        $created.GroupId | Should -Be $internal
        $created.GroupName | Should -Be 'internal'
        $created.RedirectToHttps | Should -BeTrue
        $created.PSObject.TypeNames[0] | Should -Be 'Apig.Cert.ApigDomain#Settings'
        $state = Get-EmulatorDomainByName 'new.example.com'
        $state.id | Should -Be $created.DomainId
        $state.minSslVersion | Should -Be 'TLSv1.2'
        $state.isHttpRedirectToHttps | Should -BeTrue
        @(Get-SentChanges).Count | Should -Be 1

        Clear-SentRequests
        $again = Get-ApigGroup -Name internal | New-ApigDomain -DomainName new.example.com -MinSslVersion TLSv1.2 -RedirectToHttps -WarningVariable warned -WarningAction SilentlyContinue
        $again.Changed | Should -BeFalse
        $again.DomainId | Should -Be $created.DomainId
        Get-SentChanges | Should -BeNullOrEmpty
        # The legacy-free new domain has no certificate to read the flag from: not checked, and said so.
        $warned.Count | Should -Be 1
        "$warned" | Should -Match 'Set-ApigDomain -RedirectToHttps \$true'
    }

    It 'refuses a name the group already has with other settings, naming them and Set-ApigDomain' {
        Clear-SentRequests
        New-ApigDomain -InstanceId $Seed.InstanceId -GroupId $Seed.Domains[0].GroupId -DomainName api.example.com -MinSslVersion TLSv1.1 -ErrorVariable errs -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DomainExists,*'
        $errs[0].Exception.Message | Should -Match 'MinSslVersion is TLSv1.2, not TLSv1.1'
        $errs[0].Exception.Message | Should -Match 'Set-ApigDomain'
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'refuses a name another group of the instance has, before APIG would' {
        Clear-SentRequests
        Get-ApigGroup -Name internal | New-ApigDomain -DomainName PAY.example.com -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DomainNameInUse,*'
        $errs[0].Exception.Message | Should -Match "group 'payments'"
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'refuses a group the instance does not have' {
        New-ApigDomain -InstanceId $Seed.InstanceId -GroupId 'grp00000000000000000000000000099' -DomainName x.example.com -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'GroupNotFound,*'
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'uses the region''s default TLS version when none is given (<Default>)' -ForEach @(@{ Default = 'TLSv1.1' }, @{ Default = 'TLSv1.2' }) {
        Set-Variant @{ defaultMinSslVersion = $Default }
        $created = Get-ApigGroup -Name internal | New-ApigDomain -DomainName 'default.example.com'
        $created.MinSslVersion | Should -Be $Default
        $created.RedirectToHttps | Should -BeFalse
        (Get-EmulatorDomainByName 'default.example.com').minSslVersion | Should -Be $Default
        # Not given, the TLS version is not compared: the re-run finds the domain as it is.
        Clear-SentRequests
        (Get-ApigGroup -Name internal | New-ApigDomain -DomainName 'default.example.com').Changed | Should -BeFalse
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'adds a wildcard domain, completing a port given alone with the other''s default' {
        $created = Get-ApigGroup -Name internal | New-ApigDomain -DomainName '*.wild.example.com' -HttpsPort 8443
        $created.HttpsPort | Should -Be 8443
        $created.HttpPort | Should -Be 80
        $state = Get-EmulatorDomainByName '*.wild.example.com'
        ($state.ingressHttpPort, $state.ingressHttpsPort) | Should -Be @(80, 8443)
    }

    It 'gives each piped row one outcome: added, already there, or its error' {
        $rows = @(
            [pscustomobject]@{ InstanceId = $Seed.InstanceId; GroupId = $internal; DomainName = 'a.example.com' }
            [pscustomobject]@{ InstanceId = $Seed.InstanceId; GroupId = $internal; DomainName = 'intra.example.com' }
            [pscustomobject]@{ InstanceId = $Seed.InstanceId; GroupId = $internal; DomainName = 'bad name.example.com' }
            [pscustomobject]@{ InstanceId = $Seed.InstanceId; GroupId = $internal; DomainName = 'b.example.com' }
        )
        $out = @($rows | New-ApigDomain -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.DomainName | Should -Be @('a.example.com', 'intra.example.com', 'b.example.com')
        $out.Changed | Should -Be @($true, $false, $true)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidDomainName,*'
        @(Get-SentChanges | Where-Object method -EQ 'POST').Count | Should -Be 2
    }

    It 'sends nothing with -WhatIf' {
        Get-ApigGroup -Name internal | New-ApigDomain -DomainName whatif.example.com -RedirectToHttps -WhatIf | Should -BeNullOrEmpty
        Get-SentChanges | Should -BeNullOrEmpty
        Get-EmulatorDomainByName 'whatif.example.com' | Should -BeNullOrEmpty
    }
}

Describe 'New-ApigDomain bad input is refused before anything is sent' {
    BeforeAll { Set-Variant }
    BeforeEach { Clear-SentRequests }
    AfterEach { @(Get-SentRequests).Count | Should -Be 0 -Because 'bad input must never reach the API' }

    It '<Case> -> <ErrorId>' -ForEach @(
        @{ Case = 'a name with a space'; ErrorId = 'InvalidDomainName'; InputName = 'DomainName'; P = @{ DomainName = 'my api.example.com' } }
        @{ Case = 'a URL, not a name'; ErrorId = 'InvalidDomainName'; InputName = 'DomainName'; P = @{ DomainName = 'https://api.example.com' } }
        @{ Case = 'a wildcard inside'; ErrorId = 'InvalidDomainName'; InputName = 'DomainName'; P = @{ DomainName = 'api.*.example.com' } }
        @{ Case = 'a name over 255 characters'; ErrorId = 'InvalidDomainName'; InputName = 'DomainName'; P = @{ DomainName = ((('a' * 60) + '.') * 5) + 'com' } }
        @{ Case = 'an empty name'; ErrorId = 'DomainNameRequired'; InputName = 'DomainName'; P = @{ DomainName = '' } }
        @{ Case = 'HTTP port 81'; ErrorId = 'InvalidPort'; InputName = 'HttpPort'; P = @{ DomainName = 'p.example.com'; HttpPort = 81 } }
        @{ Case = 'HTTPS port 49152'; ErrorId = 'InvalidPort'; InputName = 'HttpsPort'; P = @{ DomainName = 'p.example.com'; HttpsPort = 49152 } }
        @{ Case = 'HTTPS on port 80'; ErrorId = 'InvalidPort'; InputName = 'HttpsPort'; P = @{ DomainName = 'p.example.com'; HttpPort = 8080; HttpsPort = 80 } }
        @{ Case = 'both protocols off'; ErrorId = 'BothPortsDisabled'; InputName = 'HttpPort'; P = @{ DomainName = 'p.example.com'; HttpPort = -1; HttpsPort = -1 } }
        @{ Case = 'a bad group id'; ErrorId = 'InvalidId'; InputName = 'GroupId'; P = @{ DomainName = 'p.example.com'; GroupId = '../x' } }
    ) {
        $parameters = @{ InstanceId = $Seed.InstanceId; GroupId = 'grp00000000000000000000000000003' }
        foreach ($k in $P.Keys) { $parameters[$k] = $P[$k] }
        $out = New-ApigDomain @parameters -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $errs[0].Exception.InputName | Should -Be $InputName
        $errs[0].Exception.Message | Should -Match $InputName
    }

    It 'a TLS version APIG does not offer is refused at binding, with the accepted values' {
        { New-ApigDomain -InstanceId $Seed.InstanceId -GroupId 'grp00000000000000000000000000003' -DomainName p.example.com -MinSslVersion TLSv1.3 -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*TLSv1.1*TLSv1.2*'
    }
}
