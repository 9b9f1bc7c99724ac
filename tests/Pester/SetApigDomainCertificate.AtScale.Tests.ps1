# Set-ApigDomainCertificate at scale and under faults. Concurrent batches against the emulator's fault plans: every domain ends with
# exactly one outcome, retries absorb what is transient, Ctrl+C stops starting work, re-runs change nothing.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:DomainCount = 500
    $names = 1..$DomainCount | ForEach-Object { 'd1.scale-{0:D5}.example.com' -f $_ }
    $ca = New-TestCertificateAuthority -Name 'Scale Root'
    $cert = New-TestCertificate -DnsName $names -Issuer $ca -Directory (Join-Path $WorkDir 'scale') -CommonName 'scale.example.com'
    $renewed = New-TestCertificate -DnsName $names -Issuer $ca -Directory (Join-Path $WorkDir 'scale-renewed') -CommonName 'scale.example.com'

    function Initialize-Scale {
        Reset-Emulator
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path bulk -Method POST -Body @{ instanceId = $Seed.InstanceId; groups = $DomainCount; domainsPerGroup = 1; namePrefix = 'scale' } | Out-Null
    }
    function Connect-Scale([int] $MaxRetries = 3, [int] $TimeoutSec = 100) {
        Connect-Apig -Region $Seed.Region -ProjectId $Seed.ProjectId -Endpoint $EmulatorUrl -Token (ConvertTo-SecureString $Seed.Token -AsPlainText -Force) `
            -MaxRetries $MaxRetries -TimeoutSec $TimeoutSec | Out-Null
    }
    function Add-Fault([hashtable] $Fault) { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method POST -Body $Fault | Out-Null }
    function Get-ScaleState {
        $state = Invoke-EmulatorAdmin -Url $EmulatorUrl -Path state
        foreach ($group in @($state.instances)[0].groups) { foreach ($domain in $group.domains) { if ($domain.domain -like 'd1.scale-*') { $domain } } }
    }
}
AfterAll { Stop-TestEmulator }

Describe 'Batches at scale' {
    It 'binds 500 domains through server errors, throttling, dropped connections and hung requests, one outcome each' {
        Initialize-Scale
        Connect-Scale -MaxRetries 10 -TimeoutSec 2
        $domains = @(Get-ApigDomain -DomainName 'd1.scale-*')
        $domains.Count | Should -Be $DomainCount
        # About a fifth of the binds fail with 500s, some are throttled, five connections drop, two requests hang past
        # the 2-second timeout. Rules pick domains by the last hex digit of their id, so the faults spread over the batch.
        Add-Fault @{ method = 'POST'; path = '[01]/certificate$'; count = 60; action = 'error9999' }
        Add-Fault @{ method = 'POST'; path = '[23]/certificate$'; count = 45; action = 'error9008' }
        Add-Fault @{ method = 'POST'; path = '[45]/certificate$'; count = 20; action = 'throttle'; retryAfterSeconds = 1 }
        Add-Fault @{ method = 'POST'; path = '[67]/certificate$'; count = 5; action = 'drop' }
        Add-Fault @{ method = 'POST'; path = '[89]/certificate$'; count = 2; action = 'hang'; hangSeconds = 30 }

        $all = @($domains | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile -Verbose -ErrorVariable errs -ErrorAction SilentlyContinue 4>&1)
        $results = @($all | Where-Object { $_ -is [Apig.Cert.DomainCertificateBinding] })
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message

        $errs.Count | Should -Be 0 -Because ($errs | Out-String)
        $results.Count | Should -Be $DomainCount
        ($results.DomainId | Sort-Object -Unique).Count | Should -Be $DomainCount
        $verbose | Should -Contain "$DomainCount domain(s): $DomainCount bound, 0 unchanged, 0 failed; certificate input parsed 1 time(s)."
        $verbose | Where-Object { $_ -like 'Retrying POST*HTTP 500 APIG.9999*' } | Should -Not -BeNullOrEmpty
        $verbose | Where-Object { $_ -like 'Retrying POST*APIG.9008*' } | Should -Not -BeNullOrEmpty
        $verbose | Where-Object { $_ -like 'Retrying POST*Retry-After honoured*' } | Should -Not -BeNullOrEmpty
        $verbose | Where-Object { $_ -like '*no response within 2 s*' } | Should -Not -BeNullOrEmpty

        $faults = @(Get-SentRequests | Where-Object fault)
        ($faults | Where-Object fault -EQ 'error9999').Count | Should -Be 60
        ($faults | Where-Object fault -EQ 'throttle').Count | Should -Be 20
        ($faults | Where-Object fault -EQ 'hang').Count | Should -Be 2
        foreach ($domain in Get-ScaleState) {
            $domain.certificates.thumbprint | Should -Contain $cert.Thumbprint -Because "$($domain.domain) must end bound"
        }
    }

    It 'gives one ErrorRecord to a domain that always fails and binds every other' {
        Initialize-Scale
        Connect-Scale -MaxRetries 2
        $domains = @(Get-ApigDomain -DomainName 'd1.scale-*')
        $victim = $domains[137]
        Add-Fault @{ method = 'POST'; path = "/domains/$($victim.DomainId)/certificate$"; count = -1; action = 'error9999' }

        $all = @($domains | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile -Verbose -ErrorVariable errs -ErrorAction SilentlyContinue 4>&1)
        $results = @($all | Where-Object { $_ -is [Apig.Cert.DomainCertificateBinding] })
        $errs.Count | Should -Be 1
        $errs[0].TargetObject | Should -Be $victim.DomainName
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'APIG.9999,*'
        $results.Count | Should -Be ($DomainCount - 1)
        $results.DomainId | Should -Not -Contain $victim.DomainId
        @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message |
            Should -Contain "$DomainCount domain(s): $($DomainCount - 1) bound, 0 unchanged, 1 failed; certificate input parsed 1 time(s)."
        @(Get-SentRequests | Where-Object { $_.path -like "*/$($victim.DomainId)/certificate" }).Count | Should -Be 3
    }

    It 'sends no POST on the second run and reports every domain unchanged; -Force rebinds' {
        Initialize-Scale
        Connect-Scale
        Get-ApigDomain -DomainName 'd1.scale-*' | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null

        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
        $second = @(Get-ApigDomain -DomainName 'd1.scale-*' | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile)
        $second.Count | Should -Be $DomainCount
        @($second | Where-Object Changed).Count | Should -Be 0
        @(Get-SentRequests | Where-Object method -EQ 'POST').Count | Should -Be 0

        # Ids typed by hand carry no binding facts: the command reads each group once and still sends no POST.
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
        $plain = Get-ApigDomain -DomainName 'd1.scale-0000*' | Select-Object InstanceId, GroupId, DomainId, DomainName
        $third = @($plain | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile)
        @($third | Where-Object Changed).Count | Should -Be 0
        @(Get-SentRequests | Where-Object method -EQ 'POST').Count | Should -Be 0

        # A renewed certificate is a change; -Force rebinds even an unchanged one.
        (@(Get-ApigDomain -DomainName 'd1.scale-0000*' | Set-ApigDomainCertificate -CertificatePath $renewed.FullChainFile -PrivateKeyPath $renewed.KeyFile) | Where-Object Changed).Count | Should -Be 9
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
        $forced = @(Get-ApigDomain -DomainName 'd1.scale-0000*' | Set-ApigDomainCertificate -CertificatePath $renewed.FullChainFile -PrivateKeyPath $renewed.KeyFile -Force)
        @($forced | Where-Object Changed).Count | Should -Be 9
        @(Get-SentRequests | Where-Object method -EQ 'POST').Count | Should -Be 9
    }

    It 'stops a batch on Ctrl+C: no request starts after the stop and what was emitted is true' {
        Initialize-Scale
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path latency -Method PUT -Body @{ fixedMs = 100; jitterMs = 0 } | Out-Null
        $ps = [powershell]::Create()
        try {
            $ps.AddScript(@"
Import-Module '$(Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')'
Connect-Apig -Region '$($Seed.Region)' -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -Token (ConvertTo-SecureString '$($Seed.Token)' -AsPlainText -Force) | Out-Null
Get-ApigDomain -DomainName 'd1.scale-*' | Set-ApigDomainCertificate -CertificatePath '$($cert.FullChainFile)' -PrivateKeyPath '$($cert.KeyFile)'
"@) | Out-Null
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
            # Stop once there is output to check. Stopping at a count of requests raced: when the stop landed while
            # Get-ApigDomain waited for its second page, finished binds were still queued, and nothing was written.
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ($output.Count -lt 5 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            $output.Count | Should -BeGreaterOrEqual 5 -Because 'the batch must have written results before the stop'
            $ps.Stop()
            $handle.IsCompleted | Should -BeTrue
            $atStop = @(Get-SentRequests | Where-Object method -EQ 'POST').Count
            Start-Sleep -Milliseconds 800   # a batch still starting binds would add about 250 more by now

            # The server logs a request when it arrives, so a bind the client sent and cancelled just before the stop
            # can be logged just after it; at most the ThrottleLimit (32) in flight can arrive late, nothing new starts.
            $posts = @(Get-SentRequests | Where-Object method -EQ 'POST')
            $posts.Count | Should -BeLessThan $DomainCount
            ($posts.Count - $atStop) | Should -BeLessOrEqual 32
            $emitted = @($output | Where-Object { $_ -is [Apig.Cert.DomainCertificateBinding] })
            $emitted.Count | Should -BeGreaterThan 0
            $bound = @(Get-ScaleState | Where-Object { $_.certificates.thumbprint -contains $cert.Thumbprint }).domain
            foreach ($result in $emitted) { $bound | Should -Contain $result.DomainName }
        }
        finally {
            $ps.Dispose()
            Invoke-EmulatorAdmin -Url $EmulatorUrl -Path latency -Method PUT -Body @{ fixedMs = 0; jitterMs = 0 } | Out-Null
        }
    }

    It 'reports progress when asked and never when $ProgressPreference is SilentlyContinue' {
        Initialize-Scale
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path latency -Method PUT -Body @{ fixedMs = 20; jitterMs = 5 } | Out-Null
        try {
            foreach ($preference in 'Continue', 'SilentlyContinue') {
                Reset-Emulator
                Invoke-EmulatorAdmin -Url $EmulatorUrl -Path bulk -Method POST -Body @{ instanceId = $Seed.InstanceId; groups = 200; domainsPerGroup = 1; namePrefix = 'scale' } | Out-Null
                Invoke-EmulatorAdmin -Url $EmulatorUrl -Path latency -Method PUT -Body @{ fixedMs = 20; jitterMs = 5 } | Out-Null
                $ps = [powershell]::Create()
                try {
                    $ps.AddScript(@"
`$ProgressPreference = '$preference'
Import-Module '$(Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')'
Connect-Apig -Region '$($Seed.Region)' -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -Token (ConvertTo-SecureString '$($Seed.Token)' -AsPlainText -Force) | Out-Null
Get-ApigDomain -DomainName 'd1.scale-*' | Set-ApigDomainCertificate -CertificatePath '$($cert.FullChainFile)' -PrivateKeyPath '$($cert.KeyFile)' -ThrottleLimit 4
"@) | Out-Null
                    $results = $ps.Invoke()
                    $results.Count | Should -Be 200
                    $progress = @($ps.Streams.Progress | Where-Object Activity -EQ 'Binding certificates')
                    if ($preference -eq 'Continue') {
                        $progress.Count | Should -BeGreaterThan 1
                        $progress | Where-Object { $_.PercentComplete -ge 0 -and $_.SecondsRemaining -ge 0 } | Should -Not -BeNullOrEmpty
                        $progress[-1].RecordType | Should -Be 'Completed'
                    }
                    else {
                        $progress.Count | Should -Be 0
                    }
                }
                finally { $ps.Dispose() }
            }
        }
        finally { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path latency -Method PUT -Body @{ fixedMs = 0; jitterMs = 0 } | Out-Null }
    }

    It 'works from ForEach-Object -Parallel and thread jobs, each runspace with its own connection' {
        Initialize-Scale
        $module = Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1'
        $domains = @(Get-ApigDomain -DomainName 'd1.scale-0001*')   # 10 domains (after connecting below)
        Connect-Scale
        $domains = @(Get-ApigDomain -DomainName 'd1.scale-0001*')
        $domains.Count | Should -Be 10
        $settings = @{ Module = $module; Url = $EmulatorUrl; Project = $Seed.ProjectId; Token = $Seed.Token; Cert = $cert.FullChainFile; Key = $cert.KeyFile }
        $parallel = @($domains | ForEach-Object -ThrottleLimit 4 -Parallel {
                $s = $using:settings
                Import-Module $s.Module
                Connect-Apig -Region cn-north-4 -ProjectId $s.Project -Endpoint $s.Url -Token (ConvertTo-SecureString $s.Token -AsPlainText -Force) | Out-Null
                $_ | Set-ApigDomainCertificate -CertificatePath $s.Cert -PrivateKeyPath $s.Key -Force
            })
        $parallel.Count | Should -Be 10
        ($parallel.DomainId | Sort-Object -Unique).Count | Should -Be 10

        # A runspace that did not connect is not connected, even though another one in this process is.
        $notConnected = $domains[0] | ForEach-Object -Parallel {
            Import-Module ($using:settings).Module
            try { Get-ApigDomain -ErrorAction Stop; 'connected?' } catch { $_.FullyQualifiedErrorId }
        }
        $notConnected | Should -BeLike 'NotConnected,*'

        $job = Start-ThreadJob -ArgumentList $settings -ScriptBlock {
            param($s)
            Import-Module $s.Module
            Connect-Apig -Region cn-north-4 -ProjectId $s.Project -Endpoint $s.Url -Token (ConvertTo-SecureString $s.Token -AsPlainText -Force) | Out-Null
            @(Get-ApigDomain -DomainName 'd1.scale-0001*' | Get-ApigDomainCertificate).Count
        }
        $job | Wait-Job -Timeout 60 | Receive-Job | Should -Be 10
        $job | Remove-Job -Force
    }

    It 'keeps memory flat and connections bounded over 10,000 requests' {
        Initialize-Scale
        Connect-Scale
        $domains = @(Get-ApigDomain -DomainName 'd1.scale-*' | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile -Force)
        $port = ([uri]$EmulatorUrl).Port
        $portHex = ':{0:X4}' -f $port
        $seenLocalPorts = [System.Collections.Generic.HashSet[string]]::new()
        $maxOpen = 0
        $memory = @()
        for ($round = 1; $round -le 20; $round++) {
            $read = @($domains | Get-ApigDomainCertificate -ThrottleLimit 32)
            $read.Count | Should -Be $DomainCount
            # Connections from this process to the emulator, as the kernel sees them (IPv4 loopback).
            $open = @(Get-Content /proc/net/tcp | Select-Object -Skip 1 | ForEach-Object { $f = $_.Trim() -split '\s+'; if ($f[2].EndsWith($portHex)) { $f[1] } })
            foreach ($local in $open) { $seenLocalPorts.Add($local) | Out-Null }
            $maxOpen = [Math]::Max($maxOpen, $open.Count)
            if ($round -in 2, 20) { [GC]::Collect(); [GC]::WaitForPendingFinalizers(); $memory += [GC]::GetTotalMemory($true) }
        }
        @(Get-SentRequests).Count | Should -BeGreaterOrEqual 10000
        $maxOpen | Should -BeLessOrEqual 64
        $seenLocalPorts.Count | Should -BeLessOrEqual 128 -Because 'connections are pooled and reused, not opened per request'
        ($memory[1] - $memory[0]) / 1MB | Should -BeLessThan 20 -Because "managed memory went from $([Math]::Round($memory[0] / 1MB)) MB to $([Math]::Round($memory[1] / 1MB)) MB"
    }
}
