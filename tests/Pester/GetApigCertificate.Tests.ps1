# Get-ApigCertificate: the store listed across instances (a global certificate once, whichever way the API lists
# globals), filters, paging, details filled by shows, the expiry report, and piped instances.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    . (Join-Path $PSScriptRoot 'StoreTestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Get Store Root'
    $wildcard = New-TestCertificate -DnsName '*.example.com', 'example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'wild') -NotAfter ([DateTimeOffset]::UtcNow.AddDays(20))
    $api = New-TestCertificate -DnsName 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'api') -NotAfter ([DateTimeOffset]::UtcNow.AddDays(200))

    # Three instances, each with one group and domain: a global certificate serves all three.
    $instances = 1..3 | ForEach-Object { "inst0000000000000000000000000000$_" }
    $threeState = @{
        region = $Seed.Region; projectId = $Seed.ProjectId
        instances = @(foreach ($i in 1..3) {
            @{ id = $instances[$i - 1]; name = "apig-$i"; groups = @(@{ id = "grp0000000000000000000000000000$i"; name = "g$i"; domains = @(
                @{ id = "dom0000000000000000000000000000$i"; domain = "api$i.example.com" }) }) }
        })
    }
    $threePath = Join-Path $WorkDir 'three-instances.json'
    $threeState | ConvertTo-Json -Depth 8 | Set-Content -LiteralPath $threePath
}
AfterAll { Stop-TestEmulator }

Describe 'Get-ApigCertificate on the default seed' {
    BeforeEach {
        Reset-Emulator
        $script:global = New-StoredTestCertificate -Cert $wildcard -Name wildcard_example_com
        $script:local = New-StoredTestCertificate -Cert $api -Name api_example_com -InstanceId $Seed.InstanceId
        Connect-TestApig | Out-Null
    }

    It 'lists every certificate with the details a listing lacks, filled by one show each' {
        $all = @(Get-ApigCertificate)
        $all.Count | Should -Be 2
        $all | Should -BeOfType ([Apig.Cert.ApigCertificate])
        $g = $all | Where-Object CertificateId -EQ $global.id
        $g.Type | Should -Be 'Global'
        $g.InstanceId | Should -BeNullOrEmpty
        $g.SerialNumber | Should -Not -BeNullOrEmpty
        $g.Issuer | Should -Be 'CN=Get Store Root'
        $g.NotBefore | Should -Not -BeNullOrEmpty
        ($all | Where-Object CertificateId -EQ $local.id).InstanceId | Should -Be $Seed.InstanceId
        @(Get-SentRequests | Where-Object { $_.path -match '/certificates/[0-9a-f]{32}$' }).Count | Should -Be 2
    }

    It 'is the expiry report: Where-Object DaysRemaining -lt 30 keeps only the certificate near its end' {
        $soon = @(Get-ApigCertificate | Where-Object DaysRemaining -lt 30)
        $soon.CertificateId | Should -Be @($global.id)
        $soon[0].DaysRemaining | Should -BeIn 19, 20
    }

    It 'filters by -Name (exact or wildcard), -Type and -CommonName' {
        (Get-ApigCertificate -Name 'WILDCARD_example_com').CertificateId | Should -Be $global.id
        (Get-ApigCertificate -Name 'api_*').CertificateId | Should -Be $local.id
        (Get-ApigCertificate -Type Instance).CertificateId | Should -Be $local.id
        (Get-ApigCertificate -Type Global).CertificateId | Should -Be $global.id
        (Get-ApigCertificate -CommonName '`*.example.com').CertificateId | Should -Be $global.id
        (Get-ApigCertificate -CommonName 'api.example.com').CertificateId | Should -Be $local.id
        @(Get-ApigCertificate -CommonName '*example.com').Count | Should -Be 2
        @(Get-ApigCertificate -Name 'nothing*').Count | Should -Be 0
    }

    It 'shows one certificate by -CertificateId, and by property name' {
        (Get-ApigCertificate -CertificateId $local.id).Name | Should -Be 'api_example_com'
        ([pscustomobject]@{ CertificateId = $global.id } | Get-ApigCertificate).Name | Should -Be 'wildcard_example_com'
    }

    It 'reports an unknown id as APIG.3025' {
        Get-ApigCertificate -CertificateId 'ffffffffffffffffffffffffffffffff' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'APIG.3025,*'
    }

    It 'pages with -First and -Skip, and shows only what it writes' {
        Clear-SentRequests
        @(Get-ApigCertificate -First 1).Count | Should -Be 1
        @(Get-SentRequests | Where-Object { $_.path -match '/certificates/[0-9a-f]{32}$' }).Count | Should -Be 1
        $second = @(Get-ApigCertificate -Skip 1)
        $second.Count | Should -Be 1
        $second[0].CertificateId | Should -Not -Be (Get-ApigCertificate -First 1).CertificateId
    }

    It 'refuses a bad instance id before sending anything' {
        Clear-SentRequests
        Get-ApigCertificate -InstanceId 'bad id!' -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        @(Get-SentRequests).Count | Should -Be 0
    }

    It 'lists legacy uploads only when the store holds them (storeListsLegacyUploads <_>)' -ForEach $true, $false {
        Set-EmulatorSettings @{ storeListsLegacyUploads = $_ }
        $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $api.FullChainFile -PrivateKeyPath $api.KeyFile -Name legacy_upload_one -ErrorAction SilentlyContinue | Out-Null
        $legacy = @(Get-ApigCertificate -Name legacy_upload_one)
        $legacy.Count | Should -Be ([int]$_)
    }
}

Describe 'Get-ApigCertificate across three instances (listIncludesGlobal <_>)' -ForEach $true, $false {
    BeforeAll {
        $script:three = Start-ApigEmulator -EmulatorPath $env:APIG_TEST_EMULATOR -StatePath $threePath
        Invoke-EmulatorAdmin -Url $three.Url -Path settings -Method PUT -Body @{ listIncludesGlobal = $_ } | Out-Null
        $script:shared = New-StoredTestCertificate -Cert $wildcard -Name wildcard_example_com -Url $three.Url
        $script:own = foreach ($i in $instances) { New-StoredTestCertificate -Cert $api -Name api_example_com -InstanceId $i -Url $three.Url }
        Connect-Apig -Region $Seed.Region -ProjectId $Seed.ProjectId -Endpoint $three.Url -Token (ConvertTo-SecureString $Seed.Token -AsPlainText -Force) | Out-Null
        $script:listsGlobal = $_
    }
    AfterAll {
        Disconnect-Apig
        $three | Stop-ApigEmulator
    }
    BeforeEach { Invoke-EmulatorAdmin -Url $three.Url -Path requests -Method DELETE | Out-Null }

    It 'gives the global certificate once and each instance certificate once, with one list request per instance' {
        $all = @(Get-ApigCertificate)
        @($all | Where-Object CertificateId -EQ $shared.id).Count | Should -Be ([int]$listsGlobal)
        @($all | Where-Object Type -EQ 'Instance').Count | Should -Be 3
        ($all.CertificateId | Sort-Object -Unique).Count | Should -Be $all.Count
        $lists = @(Get-EmulatorRequests -Url $three.Url | Where-Object { $_.path -like '*/apigw/certificates' })
        $lists.Count | Should -Be 3
    }

    It 'gives the global certificate once when the instances are piped from Get-ApigInstance' {
        $all = @(Get-ApigInstance | Get-ApigCertificate)
        @($all | Where-Object CertificateId -EQ $shared.id).Count | Should -Be ([int]$listsGlobal)
        @($all | Where-Object Type -EQ 'Instance').Count | Should -Be 3
    }

    It 'asks one instance only for -Type Global' {
        @(Get-ApigCertificate -Type Global).Count | Should -Be ([int]$listsGlobal)
        @(Get-EmulatorRequests -Url $three.Url | Where-Object { $_.path -like '*/apigw/certificates' }).Count | Should -Be 1
    }
}
