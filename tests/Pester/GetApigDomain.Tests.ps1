# Get-ApigInstance, Get-ApigGroup and Get-ApigDomain (one README section): what each lists and filters, paging,
# several names, and the documented errors of the discovery calls.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}
AfterAll { Stop-TestEmulator }

Describe 'Discovery' {
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
    }
}

Describe 'Get-ApigInstance and Get-ApigGroup page like Get-ApigDomain' {
    BeforeAll {
        Reset-Emulator
        # 30 more groups: 33 in all on the one instance.
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path bulk -Method POST -Body @{ groups = 30; domainsPerGroup = 1; namePrefix = 'page' } | Out-Null
        Connect-TestApig | Out-Null
    }
    AfterAll { Reset-Emulator }

    It 'Get-ApigGroup -First and -Skip pick a window of the listing' {
        $all = @(Get-ApigGroup)
        $all.Count | Should -Be 33
        $window = @(Get-ApigGroup -Skip 3 -First 4)
        $window.GroupId | Should -Be $all[3..6].GroupId
    }

    It 'Get-ApigGroup -IncludeTotalCount reports the total the API gives, even when -First stops early' {
        $out = @(Get-ApigGroup -First 2 -IncludeTotalCount)
        @($out | Where-Object { $_ -is [Apig.Cert.ApigGroup] }).Count | Should -Be 2
        $total = $out | Where-Object { $_ -isnot [Apig.Cert.ApigGroup] }
        $total.ToString() | Should -Be 'Total count: 33'
    }

    It 'Get-ApigGroup -First stops reading pages it does not need' {
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
        Get-ApigGroup -InstanceId $Seed.InstanceId -First 1 | Out-Null
        @(Get-SentRequests | Where-Object path -Like '*/api-groups').Count | Should -Be 1
    }

    It 'Get-ApigInstance takes -First, -Skip and -IncludeTotalCount' {
        @(Get-ApigInstance -First 1).Count | Should -Be 1
        @(Get-ApigInstance -Skip 1).Count | Should -Be 0
        $out = @(Get-ApigInstance -IncludeTotalCount)
        ($out | Where-Object { $_ -isnot [Apig.Cert.ApigInstance] }).ToString() | Should -Be 'Total count: 1'
    }

    It 'a name filter counts what matched instead of reporting the API total' {
        $out = @(Get-ApigGroup -Name 'page-0000*' -IncludeTotalCount)
        ($out | Where-Object { $_ -isnot [Apig.Cert.ApigGroup] }).ToString() | Should -Be 'Total count: 9'
    }
}

Describe 'Get-ApigDomain -DomainName with several names' {
    BeforeAll {
        Reset-Emulator
        Connect-TestApig | Out-Null
    }

    It 'lists every domain matching any of the names, exact or wildcard' {
        $names = @(Get-ApigDomain -DomainName api.example.com, 'pay*', 'CHECKOUT.example.com').DomainName | Sort-Object
        $names | Should -Be @('api.example.com', 'checkout.example.com', 'pay.example.com')
    }

    It 'lists a domain matching two of the names once' {
        @(Get-ApigDomain -DomainName 'api.example.com', 'api*').Count | Should -Be 1
    }
}
