# Many contexts in one session (issue 12 §2): two emulators stand for two regions, each with its own project, instance,
# domains and keys, so a request signed for the wrong one fails there and shows in its log.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')

    $script:Ap1Seed = @{
        Region     = 'ap-southeast-1'
        ProjectId  = 'fedcba98765432100123456789abcdef'
        InstanceId = 'inst00000000000000000000000000a1'
        AccessKey  = 'EMULATORAP1ACCESSKEY1'
        SecretKey  = 'emulator-ap1-secret-key-1'
        Token      = 'emulator-ap1-token-0001'
    }
    $script:Ap1Domains = 'api.example.com', 'shop.example.com', 'asia.example.com'
    $state = @{
        region     = $Ap1Seed.Region
        projectId  = $Ap1Seed.ProjectId
        instances  = @(@{
                id = $Ap1Seed.InstanceId; name = 'apig-ap1'
                groups = @(@{
                        id = 'grp000000000000000000000000000a1'; name = 'asia'
                        domains = @(
                            @{ id = 'dom000000000000000000000000000a1'; domain = $Ap1Domains[0] }
                            @{ id = 'dom000000000000000000000000000a2'; domain = $Ap1Domains[1] }
                            @{ id = 'dom000000000000000000000000000a3'; domain = $Ap1Domains[2] }
                        )
                    })
            })
        accessKeys = @(@{ accessKey = $Ap1Seed.AccessKey; secretKey = $Ap1Seed.SecretKey })
        tokens     = @(@{ token = $Ap1Seed.Token; projectId = $Ap1Seed.ProjectId; expiresAt = '2099-12-31T23:59:59Z' })
    }
    $script:Second = Start-SecondEmulator -State $state
    $script:SecondUrl = $Second.Url

    function script:Connect-Cn4 {
        [CmdletBinding()]
        param([switch] $NoDefault)
        Connect-Apig -Region $Seed.Region -ProjectId $Seed.ProjectId -Endpoint $EmulatorUrl -AccessKey $Seed.AccessKey `
            -SecretKey (ConvertTo-SecureString $Seed.SecretKey -AsPlainText -Force) -NoDefault:$NoDefault
    }
    function script:Connect-Ap1 {
        [CmdletBinding()]
        param([switch] $NoDefault)
        Connect-Apig -Region $Ap1Seed.Region -ProjectId $Ap1Seed.ProjectId -Endpoint $SecondUrl -AccessKey $Ap1Seed.AccessKey `
            -SecretKey (ConvertTo-SecureString $Ap1Seed.SecretKey -AsPlainText -Force) -NoDefault:$NoDefault
    }
    function script:Clear-BothLogs { Clear-SentRequests; Clear-SentRequests -Url $SecondUrl }

    $ca = New-TestCertificateAuthority
    $script:Wildcard = New-TestCertificate -DnsName '*.example.com', 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'contexts')
}
AfterAll {
    Disconnect-Apig -All
    $Second | Stop-ApigEmulator
    Stop-TestEmulator
}

Describe 'Connecting to several regions' {
    BeforeEach { Disconnect-Apig -All }

    It 'returns each context; the last one is the default, unless -NoDefault' {
        $cn4 = Connect-Cn4
        $ap1 = Connect-Ap1 -NoDefault

        $cn4.Region | Should -Be 'cn-north-4'
        $ap1.Region | Should -Be 'ap-southeast-1'
        (Get-ApigContext).ProjectId | Should -Be $Seed.ProjectId
        $cn4.IsDefault | Should -BeTrue
        $ap1.IsDefault | Should -BeFalse

        $ap1Again = Connect-Ap1
        (Get-ApigContext).ProjectId | Should -Be $Ap1Seed.ProjectId
        $cn4.IsDefault | Should -BeFalse
        $ap1Again.IsDefault | Should -BeTrue
    }

    It '-ListAvailable lists every context, the default first and marked, in a table' {
        Connect-Cn4 | Out-Null
        Connect-Ap1 -NoDefault | Out-Null
        $token = Connect-Apig -Region $Ap1Seed.Region -ProjectId $Ap1Seed.ProjectId -Endpoint $SecondUrl -Token (ConvertTo-SecureString $Ap1Seed.Token -AsPlainText -Force) -NoDefault

        $all = @(Get-ApigContext -ListAvailable)

        $all.Count | Should -Be 3
        $all[0].Region | Should -Be 'cn-north-4'
        $all[0].IsDefault | Should -BeTrue
        @($all | Where-Object IsDefault).Count | Should -Be 1
        $all[2].AuthType | Should -Be 'Token'
        $all[0] | Should -BeOfType ([Apig.Cert.ApigContext])
        $lines = @(($all | Out-String -Width 119) -split "`r?`n" | Where-Object { $_.Trim() })
        $lines[0] | Should -Match '^IsDefault\s+Region\s+ProjectId\s+AuthType\s+Identity\s+Endpoint'
        $lines.Count | Should -Be 5
        $lines[2] | Should -Match '^True\s+cn-north-4\s+0a1b2c3d4e5f40718293a4b5c6d7e8f9\s+AccessKey\s+EMUL\*{4}0001\s+127\.0\.0\.1:\d+'
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual 119 }
        $token | Should -Not -BeNullOrEmpty
    }

    It 'connecting again with the same region, project and identity replaces that context, and says so' {
        $first = Connect-Ap1
        Connect-Cn4 -NoDefault | Out-Null
        $verbose = Connect-Ap1 -NoDefault -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }

        @(Get-ApigContext -ListAvailable).Count | Should -Be 2
        ($verbose.Message -join "`n") | Should -Match 'Replaced the context AccessKey EMUL\*{4}KEY1, project fedcba98765432100123456789abcdef'
        # The replaced one was the default: its successor keeps that place, and the old object still works through it.
        (Get-ApigContext).Endpoint | Should -Be $first.Endpoint
        (Get-ApigContext).IsDefault | Should -BeTrue
        @(Get-ApigInstance -Context $first).InstanceId | Should -Be $Ap1Seed.InstanceId
    }

    It 'a failed connect after sending credentials leaves no default, names the previous one, and keeps the others usable' {
        $cn4 = Connect-Cn4
        Connect-Ap1 -NoDefault | Out-Null
        $record = $null
        try {
            Connect-Apig -Region $Ap1Seed.Region -ProjectId $Ap1Seed.ProjectId -Endpoint $SecondUrl -AccessKey $Ap1Seed.AccessKey -SecretKey (ConvertTo-SecureString 'wrong' -AsPlainText -Force)
        }
        catch { $record = $_ }

        $record.ErrorDetails.Message | Should -BeLike '*No default APIG context now*previous default (AccessKey EMUL****0001, project 0a1b2c3d4e5f40718293a4b5c6d7e8f9*'
        Get-ApigContext | Should -BeNullOrEmpty
        @(Get-ApigContext -ListAvailable).Count | Should -Be 2
        # The id scripts catch to connect stays NotConnected; the message says why.
        { Get-ApigInstance } | Should -Throw -ErrorId 'NotConnected,*' -ExpectedMessage '*No default APIG context*2 context(s) are connected*Pass -Context*'
        @(Get-ApigInstance -Context $cn4).InstanceId | Should -Be $Seed.InstanceId
    }

    It 'a connect refused before sending anything changes nothing and says which default is active' {
        Connect-Cn4 | Out-Null
        Connect-Ap1 -NoDefault | Out-Null
        $record = $null
        try { Connect-Apig -Region 'ap-southeast-one' -ProjectId $Ap1Seed.ProjectId -AccessKey $Ap1Seed.AccessKey -SecretKey (ConvertTo-SecureString 'x' -AsPlainText -Force) } catch { $record = $_ }

        $record.ErrorDetails.Message | Should -BeLike '*previous connection is still active: AccessKey EMUL****0001, project 0a1b2c3d4e5f40718293a4b5c6d7e8f9, region cn-north-4*(the default context)*1 other context(s) stay connected.'
        (Get-ApigContext).Region | Should -Be 'cn-north-4'
    }
}

Describe 'Acting in several regions at once' {
    BeforeAll {
        Disconnect-Apig -All
        $script:cn4 = Connect-Cn4
        $script:ap1 = Connect-Ap1 -NoDefault
    }
    BeforeEach {
        Reset-Emulator
        Invoke-EmulatorAdmin -Url $SecondUrl -Path reset -Method POST | Out-Null
    }

    It 'Get-ApigDomain -Context $cn4, $ap1 lists both, each domain remembering its own context' {
        Clear-BothLogs
        $domains = @(Get-ApigDomain -Context $cn4, $ap1)

        $domains.Count | Should -Be ($Seed.Domains.Count + $Ap1Domains.Count)
        @($domains | Where-Object { $_.Context -eq $cn4 }).DomainName | Should -Be $Seed.Domains.DomainName
        @($domains | Where-Object { $_.Context -eq $ap1 }).DomainName | Should -Be $Ap1Domains
        @(Get-SentRequests | Where-Object path -NotLike "/v2/$($Seed.ProjectId)/*").Count | Should -Be 0
        @(Get-EmulatorRequests -Url $SecondUrl | Where-Object path -NotLike "/v2/$($Ap1Seed.ProjectId)/*").Count | Should -Be 0
    }

    It 'binds each piped domain in its own region, each request signed for its own project, both regions at once' {
        # Latency makes each request take a while, so requests of the two regions overlap when they run concurrently.
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path latency -Method PUT -Body @{ fixedMs = 300; jitterMs = 0 } | Out-Null
        Invoke-EmulatorAdmin -Url $SecondUrl -Path latency -Method PUT -Body @{ fixedMs = 300; jitterMs = 0 } | Out-Null
        try {
            $domains = @(Get-ApigDomain -Context $cn4, $ap1)
            Clear-BothLogs
            $verbose = @()
            $bound = @($domains | Set-ApigDomainCertificate -CertificatePath $Wildcard.FullChainFile -PrivateKeyPath $Wildcard.KeyFile -Verbose 4>&1 |
                    ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { $verbose += $_.Message } else { $_ } })
        }
        finally {
            Invoke-EmulatorAdmin -Url $EmulatorUrl -Path latency -Method PUT -Body @{ fixedMs = 0; jitterMs = 0 } | Out-Null
            Invoke-EmulatorAdmin -Url $SecondUrl -Path latency -Method PUT -Body @{ fixedMs = 0; jitterMs = 0 } | Out-Null
        }

        $bound.Count | Should -Be $domains.Count
        @($bound | Where-Object { $_.Context -eq $ap1 }).DomainName | Should -Be $Ap1Domains
        @($bound | Where-Object { $_.Context -eq $cn4 }).Count | Should -Be $Seed.Domains.Count
        ($verbose -join "`n") | Should -Match "$($domains.Count) domain\(s\): $($domains.Count) bound.*across 2 contexts: cn-north-4 $($Seed.ProjectId); ap-southeast-1 $($Ap1Seed.ProjectId)"

        # What each emulator holds: every one of its own domains bound, nothing else.
        foreach ($domain in Get-EmulatorDomains) { $domain.sslId | Should -Not -BeNullOrEmpty -Because "$($domain.domain) in cn-north-4 was bound" }
        $ap1State = Invoke-EmulatorAdmin -Url $SecondUrl -Path state
        foreach ($domain in $ap1State.instances.groups.domains) { $domain.sslId | Should -Not -BeNullOrEmpty -Because "$($domain.domain) in ap-southeast-1 was bound" }

        # Each emulator saw only requests for its own project, all accepted (a request signed with the other region's
        # key would have been refused there), and binds for every one of its domains.
        $cn4Log = @(Get-SentRequests)
        $ap1Log = @(Get-EmulatorRequests -Url $SecondUrl)
        foreach ($entry in $cn4Log) { $entry.path | Should -BeLike "/v2/$($Seed.ProjectId)/*"; $entry.status | Should -BeLessThan 300; $entry.auth | Should -Be 'aksk' }
        foreach ($entry in $ap1Log) { $entry.path | Should -BeLike "/v2/$($Ap1Seed.ProjectId)/*"; $entry.status | Should -BeLessThan 300; $entry.auth | Should -Be 'aksk' }
        $cn4Binds = @($cn4Log | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/certificate' })
        $ap1Binds = @($ap1Log | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/certificate' })
        $cn4Binds.Count | Should -Be $Seed.Domains.Count
        $ap1Binds.Count | Should -Be $Ap1Domains.Count

        # Concurrent across regions: some request of one region was in flight while one of the other was.
        $overlap = foreach ($a in $cn4Log) {
            $aStart = [DateTimeOffset]$a.time; $aEnd = $aStart.AddMilliseconds($a.durationMs)
            foreach ($b in $ap1Log) {
                $bStart = [DateTimeOffset]$b.time; $bEnd = $bStart.AddMilliseconds($b.durationMs)
                if ($aStart -lt $bEnd -and $bStart -lt $aEnd) { $true }
            }
        }
        @($overlap).Count | Should -BeGreaterThan 0 -Because 'the two regions must be worked on at the same time, not one after the other'
    }

    It 'every domain cmdlet works on domains of both regions in one pipeline, each in its own' {
        $both = @(Get-ApigDomain -Context $cn4, $ap1)
        $both | Set-ApigDomainCertificate -CertificatePath $Wildcard.FullChainFile -PrivateKeyPath $Wildcard.KeyFile | Out-Null
        Clear-BothLogs

        $settings = @($both | Set-ApigDomain -MinSslVersion TLSv1.1)
        $shown = @($both | Get-ApigDomainCertificate)
        $unbound = @($both | Remove-ApigDomainCertificate -Force -PassThru)

        foreach ($written in $settings, $shown, $unbound) { $written.Count | Should -Be $both.Count }
        foreach ($domain in Get-EmulatorDomains) { $domain.minSslVersion | Should -Be 'TLSv1.1'; $domain.sslId | Should -BeNullOrEmpty }
        foreach ($domain in (Invoke-EmulatorAdmin -Url $SecondUrl -Path state).instances.groups.domains) { $domain.minSslVersion | Should -Be 'TLSv1.1'; $domain.sslId | Should -BeNullOrEmpty }
        foreach ($entry in Get-SentRequests) { $entry.path | Should -BeLike "/v2/$($Seed.ProjectId)/*"; $entry.status | Should -BeLessThan 300 }
        foreach ($entry in Get-EmulatorRequests -Url $SecondUrl) { $entry.path | Should -BeLike "/v2/$($Ap1Seed.ProjectId)/*"; $entry.status | Should -BeLessThan 300 }
    }

    It 'a -Context typed on the command line applies to every input, whatever context a piped object carries' {
        Clear-BothLogs
        $ids = [pscustomobject]@{ InstanceId = $Ap1Seed.InstanceId; GroupId = 'grp000000000000000000000000000a1'; DomainId = 'dom000000000000000000000000000a2'; DomainName = 'shop.example.com'; Context = $cn4 }

        $found = @($ids | Get-ApigDomainCertificate -Context $ap1 -Verbose 4>$null)

        $found.Count | Should -Be 0
        @(Get-SentRequests).Count | Should -Be 0
        @(Get-EmulatorRequests -Url $SecondUrl).Count | Should -BeGreaterThan 0
    }

    It 'objects without a context (a CSV row) go to the default context' {
        Clear-BothLogs
        $row = [pscustomobject]@{ DomainName = 'pay.example.com' }

        $row | Set-ApigDomainCertificate -CertificatePath $Wildcard.FullChainFile -PrivateKeyPath $Wildcard.KeyFile | Out-Null

        (Get-EmulatorDomainByName 'pay.example.com').sslId | Should -Not -BeNullOrEmpty
        @(Get-EmulatorRequests -Url $SecondUrl).Count | Should -Be 0
    }

    It 'piped instances are listed in their own context (Get-ApigInstance -Context $cn4, $ap1 | Get-ApigGroup)' {
        $groups = @(Get-ApigInstance -Context $cn4, $ap1 | Get-ApigGroup)

        @($groups | Where-Object InstanceId -EQ $Ap1Seed.InstanceId).Name | Should -Be 'asia'
        @($groups | Where-Object InstanceId -EQ $Ap1Seed.InstanceId | Where-Object { $_.Context -ne $ap1 }).Count | Should -Be 0
        @($groups | Where-Object InstanceId -EQ $Seed.InstanceId).Count | Should -Be 3
    }

    It 'store objects remember their context too: New-ApigCertificate -Context, then piped on' {
        $stored = New-ApigCertificate -Context $ap1 -CertificatePath $Wildcard.FullChainFile -PrivateKeyPath $Wildcard.KeyFile -Name 'wildcard_ap1'
        $stored.Context | Should -Be $ap1
        $listed = @(Get-ApigCertificate -Context $ap1 -InstanceId $Ap1Seed.InstanceId)
        $listed.Context | Should -Be $ap1

        $attached = @(Get-ApigDomain -Context $ap1 -DomainName 'asia.example.com' | Add-ApigCertificateBinding -CertificateId $stored.CertificateId)
        $attached.Count | Should -Be 1
        $attached[0].Context | Should -Be $ap1
        @($stored | Get-ApigCertificateBinding).DomainName | Should -Be 'asia.example.com'
        @(Get-EmulatorStore).Count | Should -Be 0 -Because 'nothing was stored in cn-north-4'
    }

    It 'every kind of object the API cmdlets write carries the context it came from' {
        $written = [ordered]@{}
        $written['Get-ApigInstance'] = Get-ApigInstance -Context $ap1
        $written['Get-ApigGroup'] = Get-ApigGroup -Context $ap1
        $written['New-ApigDomain'] = New-ApigDomain -Context $ap1 -InstanceId $Ap1Seed.InstanceId -GroupId 'grp000000000000000000000000000a1' -DomainName 'new.example.com'
        $written['Set-ApigDomain'] = Get-ApigDomain -Context $ap1 -DomainName 'new.example.com' | Set-ApigDomain -MinSslVersion TLSv1.1
        $written['Set-ApigDomainCertificate'] = Get-ApigDomain -Context $ap1 -DomainName 'shop.example.com' | Set-ApigDomainCertificate -CertificatePath $Wildcard.FullChainFile -PrivateKeyPath $Wildcard.KeyFile
        $written['Get-ApigDomainCertificate'] = Get-ApigDomain -Context $ap1 -DomainName 'shop.example.com' | Get-ApigDomainCertificate
        $written['Remove-ApigDomainCertificate'] = Get-ApigDomain -Context $ap1 -DomainName 'shop.example.com' | Remove-ApigDomainCertificate -Force -PassThru
        $written['New-ApigCertificate'] = New-ApigCertificate -Context $ap1 -CertificatePath $Wildcard.FullChainFile -PrivateKeyPath $Wildcard.KeyFile -Name 'every_kind'
        $written['Get-ApigCertificate'] = $written['New-ApigCertificate'] | Get-ApigCertificate
        $written['Add-ApigCertificateBinding'] = Get-ApigDomain -Context $ap1 -DomainName 'asia.example.com' | Add-ApigCertificateBinding -CertificateId $written['New-ApigCertificate'].CertificateId
        $written['Get-ApigCertificateBinding'] = $written['New-ApigCertificate'] | Get-ApigCertificateBinding
        $written['Set-ApigCertificate'] = $written['New-ApigCertificate'] | Set-ApigCertificate -CertificatePath $Wildcard.FullChainFile -PrivateKeyPath $Wildcard.KeyFile -Force
        $written['Remove-ApigCertificateBinding'] = $written['Get-ApigCertificateBinding'] | Remove-ApigCertificateBinding -Force -PassThru

        foreach ($command in $written.Keys) {
            $objects = @($written[$command])
            $objects.Count | Should -BeGreaterThan 0 -Because "$command wrote something"
            foreach ($object in $objects) {
                $object | Should -BeOfType ([Apig.Cert.IApigContextBound]) -Because "$command writes context-bound objects"
                [object]::ReferenceEquals($object.Context, $ap1) | Should -BeTrue -Because "$command's output must remember ap-southeast-1"
            }
        }
        @(Get-SentChanges).Count | Should -Be 0 -Because 'nothing was changed in cn-north-4'
    }

    It 'the default remains the only context of commands without -Context when another is connected' {
        Clear-BothLogs
        @(Get-ApigInstance).InstanceId | Should -Be $Seed.InstanceId
        @(Get-EmulatorRequests -Url $SecondUrl).Count | Should -Be 0
    }
}

Describe 'Contexts that are not this runspace''s' {
    BeforeEach {
        Disconnect-Apig -All
        Reset-Emulator
        Invoke-EmulatorAdmin -Url $SecondUrl -Path reset -Method POST | Out-Null
    }

    It 'refuses a context of another runspace, naming it and the fix, and sends nothing' {
        $cn4 = Connect-Cn4
        $other = [powershell]::Create()
        try {
            $other.AddScript({
                    param($module, $context)
                    Import-Module $module
                    try { Get-ApigInstance -Context $context; 'no error' } catch { $_ }
                }).AddArgument((Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')).AddArgument($cn4) | Out-Null
            Clear-BothLogs
            $record = @($other.Invoke())[0]
        }
        finally { $other.Dispose() }

        $record | Should -BeOfType ([System.Management.Automation.ErrorRecord])
        $record.FullyQualifiedErrorId | Should -BeLike 'ContextOfAnotherRunspace,*'
        $record.Exception.Message | Should -BeLike '*AccessKey EMUL****0001, project 0a1b2c3d4e5f40718293a4b5c6d7e8f9*another runspace*Run Connect-Apig in this runspace*'
        @(Get-SentRequests).Count | Should -Be 0
    }

    It 'takes a context another runspace connected for this runspace''s own connection of the same identity (and Disconnect-Apig refuses it)' {
        $mine = Connect-Ap1
        $other = [powershell]::Create()
        try {
            $other.AddScript({
                    param($module, $url, $ap1)
                    Import-Module $module
                    Connect-Apig -Region $ap1.Region -ProjectId $ap1.ProjectId -Endpoint $url -AccessKey $ap1.AccessKey -SecretKey (ConvertTo-SecureString $ap1.SecretKey -AsPlainText -Force)
                }).AddArgument((Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')).AddArgument($SecondUrl).AddArgument($Ap1Seed) | Out-Null
            $theirs = @($other.Invoke())[0]
        }
        finally { $other.Dispose() }
        $theirs | Should -BeOfType ([Apig.Cert.ApigContext])
        Clear-BothLogs

        # What ForEach-Object -Parallel does: objects listed outside, piped into a runspace that connected on its own.
        $ids = [pscustomobject]@{ InstanceId = $Ap1Seed.InstanceId; GroupId = 'grp000000000000000000000000000a1'; DomainId = 'dom000000000000000000000000000a1'; DomainName = 'api.example.com'; Context = $theirs }
        $ids | Set-ApigDomainCertificate -CertificatePath $Wildcard.FullChainFile -PrivateKeyPath $Wildcard.KeyFile -ErrorAction Stop | ForEach-Object { $_.Context | Should -Be $mine }
        @(Get-EmulatorRequests -Url $SecondUrl | Where-Object method -EQ 'POST').Count | Should -Be 1

        $record = $null
        try { Disconnect-Apig -Context $theirs -ErrorAction Stop } catch { $record = $_ }
        $record.FullyQualifiedErrorId | Should -BeLike 'ContextOfAnotherRunspace,*'
        $mine.IsDefault | Should -BeTrue
    }

    It 'resolves a context read back with Import-Clixml, from ConvertTo-Json, or a CSV column to the live one' {
        $ap1 = Connect-Ap1
        Connect-Cn4 | Out-Null
        $file = Join-Path $WorkDir 'context.xml'
        $ap1 | Export-Clixml -LiteralPath $file
        $fromFile = Import-Clixml -LiteralPath $file
        $fromJson = $ap1 | ConvertTo-Json | ConvertFrom-Json
        $csv = Join-Path $WorkDir 'domains.csv'
        Get-ApigDomain -Context $ap1 | Export-Csv -LiteralPath $csv
        Clear-BothLogs

        @(Get-ApigInstance -Context $fromFile).InstanceId | Should -Be $Ap1Seed.InstanceId
        @(Get-ApigInstance -Context $fromJson).InstanceId | Should -Be $Ap1Seed.InstanceId
        @(Get-ApigInstance -Context 'ap-southeast-1').InstanceId | Should -Be $Ap1Seed.InstanceId
        $certificates = @(Import-Csv -LiteralPath $csv | Get-ApigDomainCertificate -ErrorAction Stop)
        $certificates.Count | Should -Be 0
        @(Get-SentRequests).Count | Should -Be 0 -Because 'every request went to the region the objects came from'
        @(Get-EmulatorRequests -Url $SecondUrl).Count | Should -BeGreaterThan 0
    }

    It 'refuses a deserialized context whose connection is gone, saying what is connected' {
        $ap1 = Connect-Ap1
        Connect-Cn4 | Out-Null
        $file = Join-Path $WorkDir 'gone.xml'
        $ap1 | Export-Clixml -LiteralPath $file
        Disconnect-Apig -Context $ap1
        $fromFile = Import-Clixml -LiteralPath $file
        Clear-BothLogs

        $record = $null
        try { Get-ApigInstance -Context $fromFile } catch { $record = $_ }

        $record.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        $record.Exception.Message | Should -BeLike '*No connection of this runspace*matches the context AccessKey EMUL****KEY1, project fedcba98765432100123456789abcdef*Run Connect-Apig*connected here: AccessKey EMUL****0001*'
        @(Get-SentRequests).Count + @(Get-EmulatorRequests -Url $SecondUrl).Count | Should -Be 0
    }
}

Describe 'Disconnect-Apig with many contexts' {
    BeforeEach { Disconnect-Apig -All }

    It 'disconnects the contexts piped from Get-ApigContext -ListAvailable' {
        Connect-Cn4 | Out-Null
        $ap1 = Connect-Ap1 -NoDefault

        Get-ApigContext -ListAvailable | Where-Object Region -EQ 'ap-southeast-1' | Disconnect-Apig

        @(Get-ApigContext -ListAvailable).Region | Should -Be 'cn-north-4'
        (Get-ApigContext).Region | Should -Be 'cn-north-4'
        $record = $null
        try { Get-ApigInstance -Context $ap1 } catch { $record = $_ }
        $record.FullyQualifiedErrorId | Should -BeLike 'ContextDisconnected,*'
        $record.Exception.Message | Should -BeLike '*AccessKey EMUL****KEY1, project fedcba98765432100123456789abcdef*was disconnected*Run Connect-Apig again*'
    }

    It 'disconnecting the default leaves no default, and says which contexts are left' {
        $cn4 = Connect-Cn4
        Connect-Ap1 | Out-Null

        $verbose = Disconnect-Apig -Verbose 4>&1

        ($verbose.Message -join "`n") | Should -BeLike '*Disconnected from APIG: AccessKey EMUL****KEY1*no context is the default now*Still connected: AccessKey EMUL****0001*'
        Get-ApigContext | Should -BeNullOrEmpty
        $cn4.IsDefault | Should -BeFalse
        $errors = @()
        [pscustomobject]@{ DomainName = 'api.example.com' } | Get-ApigDomainCertificate -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
        $errors[0].Exception.Message | Should -BeLike '*No default APIG context*Pass -Context*'
        @(Get-ApigInstance -Context $cn4).Count | Should -Be 1
    }

    It '-All disconnects every context' {
        Connect-Cn4 | Out-Null
        Connect-Ap1 -NoDefault | Out-Null

        Disconnect-Apig -All

        Get-ApigContext -ListAvailable | Should -BeNullOrEmpty
        { Get-ApigInstance } | Should -Throw -ErrorId 'NotConnected,*'
    }
}

Describe 'Every cmdlet that calls the API takes -Context' {
    It '<Name> has -Context (an ApigContext, by property name)' -ForEach @(
        Get-Command -Module Apig.Cert -CommandType Cmdlet | Where-Object Name -NotIn 'Connect-Apig', 'Get-ApigContext', 'Disconnect-Apig' |
            ForEach-Object { @{ Name = $_.Name } }
    ) {
        $parameter = (Get-Command $Name).Parameters['Context']
        $parameter | Should -Not -BeNullOrEmpty
        $parameter.ParameterType | Should -BeIn ([Apig.Cert.ApigContext], [Apig.Cert.ApigContext[]])
        @($parameter.ParameterSets.Values | Where-Object ValueFromPipelineByPropertyName).Count | Should -BeGreaterThan 0
        ((Get-Help $Name -Parameter Context).Description.Text -join ' ') | Should -Match 'connection to act in'
    }

    It 'the list covers the module''s API cmdlets' {
        @(Get-Command -Module Apig.Cert -CommandType Cmdlet).Count | Should -BeGreaterThan 15
    }
}

Describe 'No context shows a secret' {
    BeforeAll {
        Disconnect-Apig -All
        $common = @{ Region = $Seed.Region; ProjectId = $Seed.ProjectId; Endpoint = $EmulatorUrl }
        Connect-Apig @common -AccessKey $Seed.AccessKey -SecretKey (ConvertTo-SecureString $Seed.SecretKey -AsPlainText -Force) | Out-Null
        Connect-Apig @common -AccessKey $Seed.TempKey -SecretKey (ConvertTo-SecureString $Seed.TempSecret -AsPlainText -Force) -SecurityToken (ConvertTo-SecureString $Seed.TempToken -AsPlainText -Force) -NoDefault | Out-Null
        Connect-Apig @common -Token (ConvertTo-SecureString $Seed.Token -AsPlainText -Force) -NoDefault | Out-Null
        $credential = [pscredential]::new($Seed.UserName, (ConvertTo-SecureString $Seed.Password -AsPlainText -Force))
        Connect-Apig @common -IamEndpoint $EmulatorUrl -Credential $credential -AccountName $Seed.AccountName -NoDefault | Out-Null
        Connect-Apig -Region $Ap1Seed.Region -ProjectId $Ap1Seed.ProjectId -Endpoint $SecondUrl -AccessKey $Ap1Seed.AccessKey -SecretKey (ConvertTo-SecureString $Ap1Seed.SecretKey -AsPlainText -Force) -NoDefault | Out-Null
        $script:contexts = @(Get-ApigContext -ListAvailable)
        $script:secrets = $Seed.SecretKey, $Seed.TempSecret, $Seed.TempToken, $Seed.Token, $Seed.Password, $Ap1Seed.SecretKey, $Seed.AccessKey, $Seed.TempKey, $Ap1Seed.AccessKey
    }

    It 'connects all four ways at once' {
        ($contexts.AuthType | ForEach-Object ToString | Sort-Object -Unique) | Should -Be 'AccessKey', 'Password', 'Token'
        $contexts.Count | Should -Be 5
    }

    It 'in <Shape>' -ForEach @(
        @{ Shape = 'Format-List *'; Render = { param($c) $c | Format-List * | Out-String -Width 300 } }
        @{ Shape = 'the -ListAvailable table'; Render = { param($c) $c | Format-Table | Out-String -Width 300 } }
        @{ Shape = 'ConvertTo-Json'; Render = { param($c) $c | ConvertTo-Json -Depth 8 } }
        @{ Shape = 'Export-Clixml'; Render = { param($c) $f = Join-Path $WorkDir 'all-contexts.xml'; $c | Export-Clixml -LiteralPath $f -Depth 8; Get-Content -LiteralPath $f -Raw } }
        @{ Shape = 'ToString'; Render = { param($c) ($c | ForEach-Object { $_.ToString() }) -join "`n" } }
        @{ Shape = 'an emitted domain''s ConvertTo-Json'; Render = { param($c) $c | ForEach-Object { Get-ApigDomain -Context $_ -DomainName 'api.example.com' } | ConvertTo-Json -Depth 8 } }
        @{ Shape = 'the errors of contexts refused'; Render = {
                param($c)
                $gone = $c[-1]
                Disconnect-Apig -Context $gone
                $errors = @()
                try { Get-ApigInstance -Context $gone } catch { $errors += $_ }
                try { Get-ApigInstance -Context 'no-such-region-9' } catch { $errors += $_ }
                ($errors | ForEach-Object { $_ | Format-List * -Force | Out-String -Width 300; $_.Exception.ToString() }) -join "`n"
            }
        }
    ) {
        $text = & $Render $contexts
        $text | Should -Not -BeNullOrEmpty
        foreach ($secret in $secrets) { $text | Should -Not -Match ([regex]::Escape($secret)) -Because "$Shape must not show '$secret'" }
    }
}
