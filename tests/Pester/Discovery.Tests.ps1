BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Discovery Root'
    $cert = New-TestCertificate -DnsName $Seed.Domains.DomainName -Issuer $ca -Directory (Join-Path $WorkDir 'discovery') -NotAfter ([DateTimeOffset]::UtcNow.AddDays(20))
    $longCert = New-TestCertificate -DnsName $Seed.Domains.DomainName -Issuer $ca -Directory (Join-Path $WorkDir 'discovery-long') -NotAfter ([DateTimeOffset]::UtcNow.AddDays(200))
    $pwsh = Get-PwshCommand
}
AfterAll { Stop-TestEmulator }

Describe 'Discovery and lifecycle' {
    BeforeEach {
        Reset-Emulator
        Connect-TestApig | Out-Null
    }

    Context 'Get-ApigInstance' {
        It 'lists the instance with its facts' {
            $instances = @(Get-ApigInstance)
            $instances.Count | Should -Be 1
            $instances[0] | Should -BeOfType ([Apig.Cert.ApigInstance])
            $instances[0].InstanceId | Should -Be $Seed.InstanceId
            $instances[0].Name | Should -Be 'apig-emulator'
            $instances[0].Status | Should -Be 'Running'
            $instances[0].Spec | Should -Be 'PROFESSIONAL'
            $instances[0].ProjectId | Should -Be $Seed.ProjectId
        }

        It 'filters by wildcard name and by id' {
            @(Get-ApigInstance -Name 'apig-*').Count | Should -Be 1
            @(Get-ApigInstance -Name 'nothing*').Count | Should -Be 0
            (Get-ApigInstance -InstanceId $Seed.InstanceId).Name | Should -Be 'apig-emulator'
        }

        It 'reports an unknown instance id' {
            Get-ApigInstance -InstanceId 'inst00000000000000000000000000ff' -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'InstanceNotFound,*'
        }
    }

    Context 'Get-ApigGroup' {
        It 'lists every group of every instance' {
            $groups = @(Get-ApigGroup)
            $groups.Count | Should -Be 3
            ($groups.Name | Sort-Object) | Should -Be @('internal', 'payments', 'shop')
            ($groups | Where-Object Name -EQ 'shop').DomainCount | Should -Be 2
        }

        It 'filters by exact name, wildcard and id' {
            (Get-ApigGroup -InstanceId $Seed.InstanceId -Name 'payments').GroupId | Should -Be 'grp00000000000000000000000000002'
            @(Get-ApigGroup -Name 'PAY*').Count | Should -Be 1
            (Get-ApigGroup -InstanceId $Seed.InstanceId -GroupId 'grp00000000000000000000000000003').Name | Should -Be 'internal'
        }

        It 'takes instances from the pipeline' {
            @(Get-ApigInstance | Get-ApigGroup).Count | Should -Be 3
        }

        It 'pages through more than 500 groups' {
            Invoke-EmulatorAdmin -Url $EmulatorUrl -Path bulk -Method POST -Body @{ instanceId = $Seed.InstanceId; groups = 1100; domainsPerGroup = 1; namePrefix = 'bulk' } | Out-Null
            $groups = @(Get-ApigGroup -InstanceId $Seed.InstanceId)
            $groups.Count | Should -Be 1103
            ($groups.GroupId | Sort-Object -Unique).Count | Should -Be 1103
            $lists = @(Get-SentRequests | Where-Object { $_.method -eq 'GET' -and $_.path -like '*/api-groups' })
            $lists.Count | Should -Be 3
            $lists.query | Should -Contain 'offset=500&limit=500'
        }
    }

    Context 'Get-ApigDomain' {
        It 'lists every domain of every group with its ids' {
            $domains = @(Get-ApigDomain)
            $domains.Count | Should -Be 5
            $domains[0] | Should -BeOfType ([Apig.Cert.ApigDomain])
            ($domains.DomainName | Sort-Object) | Should -Be ($Seed.Domains.DomainName | Sort-Object)
            ($domains | Where-Object DomainName -EQ 'pay.example.com').GroupName | Should -Be 'payments'
            ($domains | Where-Object DomainName -EQ 'pay.example.com').CnameStatus | Should -Be 'Resolved'
        }

        It 'filters by wildcard domain name and by group' {
            @(Get-ApigDomain -DomainName '*.example.com').Count | Should -Be 5
            @(Get-ApigDomain -DomainName 'pay*').DomainName | Should -Be 'pay.example.com'
            @(Get-ApigDomain -InstanceId $Seed.InstanceId -GroupId 'grp00000000000000000000000000001').Count | Should -Be 2
            @(Get-ApigGroup -Name shop | Get-ApigDomain).Count | Should -Be 2
        }

        It 'supports -First and -Skip' {
            @(Get-ApigDomain -First 2).Count | Should -Be 2
            @(Get-ApigDomain -Skip 4).Count | Should -Be 1
        }

        It 'finds domains across more than 500 groups' {
            Invoke-EmulatorAdmin -Url $EmulatorUrl -Path bulk -Method POST -Body @{ instanceId = $Seed.InstanceId; groups = 1100; domainsPerGroup = 1; namePrefix = 'bulk' } | Out-Null
            @(Get-ApigDomain).Count | Should -Be 1105
            (Get-ApigDomain -DomainName 'd1.bulk-01100.example.com').DomainName | Should -Be 'd1.bulk-01100.example.com'
        }
    }

    Context 'the pipeline from discovery to binding, reporting and unbinding' {
        It 'binds every domain with Get-ApigDomain | Set-ApigDomainCertificate' {
            $results = @(Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile)
            $results.Count | Should -Be 5
            @(Get-ApigDomain | Where-Object CertificateId).Count | Should -Be 5
        }

        It 'reports expiry with Get-ApigDomain | Get-ApigDomainCertificate | Where-Object DaysRemaining -lt 30' {
            Get-ApigDomain | Where-Object DomainName -In 'api.example.com', 'www.example.com' | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
            Get-ApigDomain | Where-Object DomainName -In 'pay.example.com' | Set-ApigDomainCertificate -CertificatePath $longCert.FullChainFile -PrivateKeyPath $longCert.KeyFile | Out-Null
            $all = @(Get-ApigDomain | Get-ApigDomainCertificate -Verbose 4>&1)
            $certificates = @($all | Where-Object { $_ -is [Apig.Cert.ApigDomainCertificate] })
            $certificates.Count | Should -Be 3
            ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*has no certificate bound*' }).Count | Should -Be 2
            $expiring = @(Get-ApigDomain | Get-ApigDomainCertificate | Where-Object DaysRemaining -lt 30)
            ($expiring.DomainName | Sort-Object) | Should -Be @('api.example.com', 'www.example.com')
            $expiring[0].CommonName | Should -Be 'api.example.com'
            $expiring[0].SubjectAlternativeNames | Should -Contain 'intra.example.com'
            $expiring[0].DaysRemaining | Should -BeIn 18, 19, 20
            # The API writes the serial in its own form (decimal by default here); it is shown as given, and is the same number.
            $localSerial = [System.Numerics.BigInteger]::Parse('0' + $cert.Certificate.SerialNumber, [System.Globalization.NumberStyles]::HexNumber)
            [System.Numerics.BigInteger]::Parse($expiring[0].SerialNumber) | Should -Be $localSerial
            $expiring[0].NotAfter.Date | Should -Be $cert.Certificate.NotAfter.ToUniversalTime().Date
            $expiring[0].Issuer | Should -Match 'Discovery Root'
        }

        It 'pipes a binding result into Get-ApigDomainCertificate' {
            $bound = $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile
            ($bound | Get-ApigDomainCertificate).CertificateId | Should -Be $bound.CertificateId
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
    }

    Context 'every pair that should compose' {
        It 'Get-ApigInstance | Get-ApigDomain' {
            @(Get-ApigInstance | Get-ApigDomain).Count | Should -Be 5
        }

        It 'Get-ApigDomainCertificate | Where-Object DaysRemaining | Set-ApigDomainCertificate rotates what expires' {
            Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
            $rotated = @(Get-ApigDomain | Get-ApigDomainCertificate | Where-Object DaysRemaining -lt 30 |
                    Set-ApigDomainCertificate -CertificatePath $longCert.FullChainFile -PrivateKeyPath $longCert.KeyFile)
            $rotated.Count | Should -Be 5
            @(Get-ApigDomain | Get-ApigDomainCertificate | Where-Object DaysRemaining -lt 30).Count | Should -Be 0
        }

        It 'Get-ApigDomainCertificate | Remove-ApigDomainCertificate unbinds exactly that certificate' {
            Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
            Get-ApigDomain -DomainName 'www*' | Get-ApigDomainCertificate | Remove-ApigDomainCertificate -Force
            (Get-ApigDomain -DomainName 'www*').CertificateId | Should -BeNullOrEmpty
            @(Get-ApigDomain | Where-Object CertificateId).Count | Should -Be 4
        }

        It 'Remove-ApigDomainCertificate -PassThru | Set-ApigDomainCertificate binds again' {
            Get-ApigDomain -DomainName 'pay*' | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
            $again = Get-ApigDomain -DomainName 'pay*' | Remove-ApigDomainCertificate -Force -PassThru |
                Set-ApigDomainCertificate -CertificatePath $longCert.FullChainFile -PrivateKeyPath $longCert.KeyFile
            $again.Thumbprint | Should -Be $longCert.Thumbprint
        }
    }

    Context 'documented errors of the discovery calls' {
        It 'an unknown instance is APIG.3030' {
            Get-ApigGroup -InstanceId 'inst00000000000000000000000000ff' -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'APIG.3030,*'
            $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'an unknown group is APIG.3001' {
            Get-ApigDomain -InstanceId $Seed.InstanceId -GroupId 'grp000000000000000000000000000ff' -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'APIG.3001,*'
        }

        It 'an unknown domain is APIG.3020 when the certificate id is given, DomainNotFound when it is looked up' {
            $ghost = [pscustomobject]@{ InstanceId = $Seed.InstanceId; GroupId = $Seed.Domains[0].GroupId; DomainId = 'dom000000000000000000000000000ff' }
            $ghost | Get-ApigDomainCertificate -CertificateId 'ffffffffffffffffffffffffffffffff' -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'APIG.3020,*'
            $ghost | Get-ApigDomainCertificate -ErrorVariable errs2 -ErrorAction SilentlyContinue
            $errs2[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
            $errs2[0].Exception.Message | Should -BeLike '*Get-ApigDomain*'
        }

        It 'a bad id is refused before anything is sent' {
            Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
            Get-ApigGroup -InstanceId 'inst/../x' -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'InvalidId,*'
            @(Get-SentRequests).Count | Should -Be 0
        }

        It '-Confirm in a non-interactive session refuses to prompt even with -Force' {
            Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
            $connect = "Import-Module '$(Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')'; Connect-Apig -Region cn-north-4 -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -Token (ConvertTo-SecureString '$($Seed.Token)' -AsPlainText -Force) | Out-Null"
            $out = & $pwsh -NoProfile -NonInteractive -Command "$connect; Get-ApigDomain -DomainName api.example.com | Remove-ApigDomainCertificate -Force -Confirm" 2>&1 | Out-String
            $out | Should -Match 'NonInteractive|non-interactive|prompt'
            (Get-EmulatorDomain $Seed.Domains[0].DomainId).certificates | Should -Not -BeNullOrEmpty
        }
    }

    Context 'tab completion from the connected account' {
        It 'completes -InstanceId, -GroupId and -DomainName' {
            (TabExpansion2 -inputScript 'Get-ApigGroup -InstanceId ' -cursorColumn 26).CompletionMatches.CompletionText | Should -Contain $Seed.InstanceId
            $line = "Get-ApigDomain -InstanceId $($Seed.InstanceId) -GroupId grp"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'grp00000000000000000000000000002'
            $line = 'Get-ApigDomain -DomainName pay'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'pay.example.com'
        }

        It 'completes nothing, quickly and silently, when not connected' {
            Disconnect-Apig
            (TabExpansion2 -inputScript 'Get-ApigGroup -InstanceId ' -cursorColumn 26).CompletionMatches | Should -BeNullOrEmpty
        }
    }
}
