# Batches of Set-, Get- and Remove-ApigDomainCertificate: streams that never prompt, dry runs that tell the truth,
# -Force that never bypasses ShouldProcess, RSA and ECC certificates, input order, addressing by name, and what a
# batch reports when it ends early.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Batch Tests Root'
    $allNames = $Seed.Domains.DomainName
    $rsa = New-TestCertificate -DnsName $allNames -Issuer $ca -Directory (Join-Path $WorkDir 'rsa')
    $ecc = New-TestCertificate -DnsName $allNames -Issuer $ca -KeyAlgorithm EC -Directory (Join-Path $WorkDir 'ecc')
    $first = $Seed.Domains[0]
    $pwsh = Get-PwshCommand
    $module = Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1'
    $connectLine = "Import-Module '$module'; Connect-Apig -Region cn-north-4 -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -Token (ConvertTo-SecureString '$($Seed.Token)' -AsPlainText -Force) | Out-Null"

    # A child pwsh that cannot prompt: what it printed (all streams) and its exit code.
    function Invoke-NonInteractive([string] $Script) {
        $text = & $pwsh -NoProfile -NonInteractive -Command "$connectLine; $Script" 2>&1 | Out-String -Width 400
        [pscustomobject]@{ Text = $text; ExitCode = $LASTEXITCODE }
    }
    # The emulator's default forms (decimal serials, numeric ssl_infos types); ApiVariants.Tests.ps1 runs the others.
    function Reset-BatchEmulator { Reset-Emulator }
    function Set-Latency([int] $Ms) { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path latency -Method PUT -Body @{ fixedMs = $Ms; jitterMs = 0 } | Out-Null }
    function Clear-SentRequests { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null }
    function Get-Bound([string] $DomainId) { @((Get-EmulatorDomain $DomainId).certificates) | Where-Object { $_ } }
}
AfterAll { Stop-TestEmulator }

Describe 'Streams never prompt' {
    BeforeEach { Reset-BatchEmulator }

    It 'runs every cmdlet with <Switch> in a non-interactive session without a prompt' -ForEach @(@{ Switch = '-Debug' }, @{ Switch = '-Verbose' }, @{ Switch = '-Debug -Verbose' }) {
        $script = @"
`$ErrorActionPreference = 'Stop'
Connect-Apig -Region cn-north-4 -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -Token (ConvertTo-SecureString '$($Seed.Token)' -AsPlainText -Force) $Switch | Out-Null
Get-ApigContext $Switch | Out-Null
Get-ApigInstance $Switch | Out-Null
Get-ApigGroup $Switch | Out-Null
Get-ApigDomain -DomainName 'api.example.com' $Switch | Set-ApigDomainCertificate -CertificatePath '$($rsa.FullChainFile)' -PrivateKeyPath '$($rsa.KeyFile)' $Switch | Out-Null
Get-ApigDomain -DomainName 'api.example.com' $Switch | Get-ApigDomainCertificate $Switch | Out-Null
Get-ApigDomain -DomainName 'api.example.com' $Switch | Remove-ApigDomainCertificate -Force $Switch | Out-Null
Disconnect-Apig $Switch
'ALL-DONE'
"@
        $run = Invoke-NonInteractive $script
        $run.Text | Should -Not -Match 'NonInteractive mode'
        $run.Text | Should -Match 'ALL-DONE'
        $run.ExitCode | Should -Be 0
    }

    It 'never prompts when the caller set every preference to Inquire' {
        $script = @"
`$VerbosePreference = 'Inquire'; `$DebugPreference = 'Inquire'; `$WarningPreference = 'Inquire'; `$ProgressPreference = 'Inquire'
`$ErrorActionPreference = 'Stop'
Get-ApigDomain | Set-ApigDomainCertificate -CertificatePem '$($rsa.CertificatePem -replace "'", "''")' -PrivateKeyPem '$($rsa.PrivateKeyPem -replace "'", "''")' | Out-Null
Get-ApigDomain | Get-ApigDomainCertificate | Out-Null
Get-ApigDomain | Remove-ApigDomainCertificate -Force | Out-Null
'ALL-DONE'
"@
        $run = Invoke-NonInteractive $script
        $run.Text | Should -Not -Match 'NonInteractive mode'
        $run.Text | Should -Match 'ALL-DONE'
        $run.ExitCode | Should -Be 0
    }
}

Describe 'Dry runs tell the truth and -Force never bypasses ShouldProcess' {
    BeforeEach {
        Reset-BatchEmulator
        Connect-TestApig | Out-Null
    }

    It 'previews a mix of current and outdated domains with exact would-bind and already-current counts, sending nothing' {
        $Seed.Domains[0, 1] | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile | Out-Null
        Clear-SentRequests
        $run = Invoke-NonInteractive "Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath '$($rsa.FullChainFile)' -PrivateKeyPath '$($rsa.KeyFile)' -WhatIf -Verbose"
        $run.ExitCode | Should -Be 0
        $lines = $run.Text -split "`r?`n"
        @($lines | Where-Object { $_ -like 'What if: Would bind*' }).Count | Should -Be 3
        @($lines | Where-Object { $_ -like 'What if: Already current*' }).Count | Should -Be 2
        $lines | Where-Object { $_ -like 'What if: Already current: api.example.com*' } | Should -Not -BeNullOrEmpty
        $run.Text | Should -Match '5 domain\(s\): 0 bound, 2 unchanged, 0 failed, 3 would be bound \(-WhatIf\)'
        @(Get-SentRequests | Where-Object method -NE 'GET').Count | Should -Be 0
        @(Get-Bound $Seed.Domains[2].DomainId).Count | Should -Be 0
    }

    It 'previews in input order even when the reads finish out of order' {
        $Seed.Domains | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile | Out-Null
        # The first domain's certificate read hangs until the others are done.
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method POST -Body @{ method = 'GET'; path = "/domains/$($first.DomainId)/certificate/"; count = 1; action = 'hang'; hangSeconds = 2 } | Out-Null
        $run = Invoke-NonInteractive "Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath '$($rsa.FullChainFile)' -PrivateKeyPath '$($rsa.KeyFile)' -WhatIf"
        $run.ExitCode | Should -Be 0
        $previewed = @(($run.Text -split "`r?`n") | Where-Object { $_ -like 'What if: Already current: *' } | ForEach-Object { ($_ -split ' ')[4] })
        ($previewed -join ',') | Should -Be ((Get-ApigDomain).DomainName -join ',')
    }

    It 'Set- -Confirm asks only about domains that would change' {
        $Seed.Domains | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile | Out-Null
        # A session that cannot prompt shows whether a question was asked: all current means none is.
        $current = Invoke-NonInteractive "@(Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath '$($rsa.FullChainFile)' -PrivateKeyPath '$($rsa.KeyFile)' -Confirm | Where-Object { -not `$_.Changed }).Count"
        $current.Text | Should -Not -Match 'NonInteractive'
        $current.Text.Trim() | Should -Be '5'
        Get-ApigDomain -DomainName pay.example.com | Remove-ApigDomainCertificate -Force
        $outdated = Invoke-NonInteractive "Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath '$($rsa.FullChainFile)' -PrivateKeyPath '$($rsa.KeyFile)' -Confirm"
        $outdated.Text | Should -Match 'NonInteractive|non-interactive|prompt'
    }

    It 'Set- honours -WhatIf inherited from a calling function and from the global preference' {
        function Update-Domains {
            [CmdletBinding(SupportsShouldProcess)]
            param()
            $Seed.Domains | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -Force
        }
        Update-Domains -WhatIf | Should -BeNullOrEmpty
        try {
            $global:WhatIfPreference = $true
            $Seed.Domains | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -Force | Should -BeNullOrEmpty
        }
        finally { $global:WhatIfPreference = $false }
        @(Get-SentRequests | Where-Object method -EQ 'POST').Count | Should -Be 0
    }

    It 'Remove- -Force honours -WhatIf inherited from a calling function and from the global preference' {
        $Seed.Domains | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile | Out-Null
        function Clear-Domains {
            [CmdletBinding(SupportsShouldProcess)]
            param()
            Get-ApigDomain | Remove-ApigDomainCertificate -Force
        }
        Clear-Domains -WhatIf
        try {
            $global:WhatIfPreference = $true
            Get-ApigDomain | Remove-ApigDomainCertificate -Force
        }
        finally { $global:WhatIfPreference = $false }
        @(Get-SentRequests | Where-Object method -EQ 'DELETE').Count | Should -Be 0
        foreach ($d in $Seed.Domains) { @(Get-Bound $d.DomainId).Count | Should -Be 1 }
    }

    It 'Remove- without -Force in a non-interactive session says to add -Force and unbinds nothing' {
        $first | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile | Out-Null
        $run = Invoke-NonInteractive "Remove-ApigDomainCertificate -DomainName api.example.com"
        $run.Text | Should -Match 'Add -Force'
        $run.Text | Should -Not -Match 'NonInteractive mode'
        @(Get-Bound $first.DomainId).Count | Should -Be 1
    }

    It 'Remove- -WhatIf names each certificate with its algorithm and expiry' {
        $first | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -Name 'dual_rsa' | Out-Null
        $first | Set-ApigDomainCertificate -CertificatePath $ecc.FullChainFile -PrivateKeyPath $ecc.KeyFile -Name 'dual_ecc' | Out-Null
        $run = Invoke-NonInteractive "Get-ApigDomain -DomainName api.example.com | Remove-ApigDomainCertificate -WhatIf"
        $line = @($run.Text -split "`r?`n" | Where-Object { $_ -like 'What if:*' })
        $line.Count | Should -Be 1
        $expires = $rsa.Certificate.NotAfter.ToUniversalTime().ToString('yyyy-MM-dd')
        $line[0] | Should -Match "'dual_rsa' \(RSA, expires $expires"
        $line[0] | Should -Match "'dual_ecc' \(ECC, expires"
        @(Get-Bound $first.DomainId).Count | Should -Be 2
    }

    It 'Remove- of a domain without a certificate says so in the summary' {
        $out = Get-ApigDomain -DomainName 'intra*' | Remove-ApigDomainCertificate -Force -Verbose 4>&1
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message |
            Should -Contain '1 domain(s): 0 unbound, 0 unchanged, 0 failed; 1 had no certificate to remove.'
    }
}

Describe 'RSA and ECC certificates on one domain' {
    BeforeEach {
        Reset-BatchEmulator
        Connect-TestApig | Out-Null
    }

    It 'Get- emits one object per bound certificate with its algorithm; -CertificateId narrows' {
        $first | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile | Out-Null
        $bound = $first | Set-ApigDomainCertificate -CertificatePath $ecc.FullChainFile -PrivateKeyPath $ecc.KeyFile
        $certificates = @(Get-ApigDomain -DomainName api.example.com | Get-ApigDomainCertificate)
        $certificates.Count | Should -Be 2
        ($certificates.AlgorithmType | Sort-Object) | Should -Be @('ECC', 'RSA')
        $one = @(Get-ApigDomainCertificate -InstanceId $first.InstanceId -GroupId $first.GroupId -DomainId $first.DomainId -CertificateId $bound.CertificateId)
        $one.Count | Should -Be 1
        $one[0].CertificateId | Should -Be $bound.CertificateId
    }

    It 'Get- shows an ECC-only domain in the expiry report' {
        $first | Set-ApigDomainCertificate -CertificatePath $ecc.FullChainFile -PrivateKeyPath $ecc.KeyFile | Out-Null
        $report = @(Get-ApigDomain | Get-ApigDomainCertificate | Where-Object DaysRemaining -lt 365)
        $report.Count | Should -Be 1
        $report[0].AlgorithmType | Should -Be 'ECC'
        $report[0].DomainName | Should -Be 'api.example.com'
    }

    It 'Remove- unbinds every bound certificate; -AlgorithmType narrows' {
        foreach ($d in $Seed.Domains[0, 1]) {
            $d | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile | Out-Null
            $d | Set-ApigDomainCertificate -CertificatePath $ecc.FullChainFile -PrivateKeyPath $ecc.KeyFile | Out-Null
        }
        Get-ApigDomain -DomainName api.example.com | Remove-ApigDomainCertificate -Force
        @(Get-Bound $first.DomainId).Count | Should -Be 0
        Get-ApigDomain -DomainName www.example.com | Remove-ApigDomainCertificate -AlgorithmType ECC -Force
        @(Get-Bound $Seed.Domains[1].DomainId).algorithm | Should -Be 'RSA'
    }

    It 'Set- sees an ECC certificate already bound next to an RSA one and sends nothing' {
        $first | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile | Out-Null
        $first | Set-ApigDomainCertificate -CertificatePath $ecc.FullChainFile -PrivateKeyPath $ecc.KeyFile | Out-Null
        Clear-SentRequests
        $again = Get-ApigDomain -DomainName api.example.com | Set-ApigDomainCertificate -CertificatePath $ecc.FullChainFile -PrivateKeyPath $ecc.KeyFile
        $again.Changed | Should -BeFalse
        @(Get-SentRequests | Where-Object method -EQ 'POST').Count | Should -Be 0
    }
}

Describe 'Results' {
    BeforeEach {
        Reset-BatchEmulator
        Connect-TestApig | Out-Null
    }

    It 'an unchanged result called by ids carries the server''s values, not the local file''s' {
        $ids = @{ InstanceId = $first.InstanceId; GroupId = $first.GroupId; DomainId = $first.DomainId }
        $bound = Set-ApigDomainCertificate @ids -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile
        $again = Set-ApigDomainCertificate @ids -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile
        $again.Changed | Should -BeFalse
        $again.DomainName | Should -Be 'api.example.com'
        $again.CnameStatus | Should -Be ([Apig.Cert.CnameStatus]::Resolved)
        $again.MinSslVersion | Should -Be 'TLSv1.2'
        $again.CertificateId | Should -Be $bound.CertificateId
        $again.Thumbprint | Should -BeNullOrEmpty
        $again.DnsNames | Should -Contain 'pay.example.com'
        $again.NotAfter.Date | Should -Be $rsa.Certificate.NotAfter.ToUniversalTime().Date
    }

    It 'piping back an earlier result after the domain was rebound looks up what is bound now' {
        $old = $first | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -Name 'first_rsa'
        $first | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -Name 'second_rsa' | Out-Null
        $now = @($old | Get-ApigDomainCertificate -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 0
        $now.Name | Should -Be 'second_rsa'
        ($old | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -Name 'second_rsa' -ErrorAction Stop).Changed | Should -BeFalse
    }

    It 'writes results in input order by default and as they finish with -AsCompleted' {
        $Seed.Domains | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile | Out-Null
        $order = $Seed.Domains.DomainName
        foreach ($asCompleted in $false, $true) {
            # The first domain's certificate read hangs until the others are done.
            Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method DELETE | Out-Null
            Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method POST -Body @{ method = 'GET'; path = "/domains/$($first.DomainId)/certificate/"; count = 1; action = 'hang'; hangSeconds = 2 } | Out-Null
            $out = @($Seed.Domains | Get-ApigDomainCertificate -AsCompleted:$asCompleted)
            $out.Count | Should -Be 5
            if ($asCompleted) {
                $out[-1].DomainName | Should -Be 'api.example.com'
                ($out.DomainName -join ',') | Should -Not -Be ($order -join ',')
            }
            else {
                ($out.DomainName -join ',') | Should -Be ($order -join ',')
            }
        }
    }

    It 'names the domain in an API error of a batch' {
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method POST -Body @{
            method = 'POST'; path = "/domains/$($Seed.Domains[2].DomainId)/certificate$"; count = -1; action = 'error'; status = 400; errorCode = 'APIG.2012'; errorMsg = 'injected'
        } | Out-Null
        $Seed.Domains | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        $errs.Count | Should -Be 1
        $errs[0].ToString() | Should -BeLike 'pay.example.com: *'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'APIG.2012,*'
    }

    It 'warns once when -PrivateKeyPem is a plain string, never for a SecureString' {
        $null = $Seed.Domains[0, 1] | Set-ApigDomainCertificate -CertificatePem $rsa.CertificatePem -PrivateKeyPem $rsa.PrivateKeyPem -WarningVariable plain -Force
        $plain.Count | Should -Be 1
        $plain[0].Message | Should -Match 'SecureString'
        $null = $Seed.Domains[0, 1] | Set-ApigDomainCertificate -CertificatePem $rsa.CertificatePem -PrivateKeyPem (ConvertTo-SecureString $rsa.PrivateKeyPem -AsPlainText -Force) -WarningVariable secure -Force
        $secure.Count | Should -Be 0
    }
}

Describe 'What a piped Get-ApigDomain object already says' {
    BeforeEach {
        Reset-BatchEmulator
        Connect-TestApig | Out-Null
        $Seed.Domains | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile | Out-Null
        $script:listed = @(Get-ApigDomain)
        Clear-SentRequests
    }

    It 'spares reading the groups again: a re-run reads only the bound certificates, and -Force reads nothing' {
        $again = @($listed | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile)
        @($again | Where-Object Changed).Count | Should -Be 0
        $sent = @(Get-SentRequests)
        @($sent | Where-Object { $_.path -match '/api-groups/[^/]+$' }).Count | Should -Be 0
        @($sent | Where-Object { $_.path -match '/certificate/' }).Count | Should -Be 5
        Clear-SentRequests
        $forced = @($listed | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -Force)
        @($forced | Where-Object Changed).Count | Should -Be 5
        @(Get-SentRequests | Where-Object method -EQ 'GET').Count | Should -Be 0
    }

    It 'reads the group afresh when the piped object names a certificate that is gone since' {
        $listed[0] | Remove-ApigDomainCertificate -Force
        $result = $listed[0] | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -ErrorAction Stop
        $result.Changed | Should -BeTrue
        @(Get-Bound $first.DomainId).Count | Should -Be 1
    }

    It 'does not take a CSV row for a listing: a row says nothing about what is bound' {
        $rows = @($Seed.Domains | Select-Object InstanceId, GroupId, DomainId, DomainName)
        @($rows | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile | Where-Object Changed).Count | Should -Be 0
    }
}

Describe 'Addressing by name and the syntax' {
    BeforeEach {
        Reset-BatchEmulator
        Connect-TestApig | Out-Null
    }

    It 'Set-, Get- and Remove- find a domain by -DomainName alone, listing the groups once' {
        Clear-SentRequests
        $bound = Set-ApigDomainCertificate -DomainName api.example.com -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile
        $bound.DomainId | Should -Be $first.DomainId
        @(Get-SentRequests | Where-Object { $_.method -eq 'GET' -and $_.path -like '*/instances' }).Count | Should -Be 1
        (Get-ApigDomainCertificate -DomainName api.example.com).CertificateId | Should -Be $bound.CertificateId
        Remove-ApigDomainCertificate -DomainName api.example.com -Force
        @(Get-Bound $first.DomainId).Count | Should -Be 0

        Clear-SentRequests
        @($Seed.Domains.DomainName | ForEach-Object { [pscustomobject]@{ DomainName = $_ } } | Get-ApigDomainCertificate).Count | Should -Be 0
        @(Get-SentRequests | Where-Object { $_.path -like '*/instances' }).Count | Should -Be 1
    }

    It 'an unknown name is an error naming it, and nothing is bound' {
        Set-ApigDomainCertificate -DomainName nope.example.com -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DomainNotFound,*'
        $errs[0].Exception.Message | Should -Match 'nope\.example\.com'
        @(Get-SentRequests | Where-Object method -EQ 'POST').Count | Should -Be 0
    }

    It 'a name that two instances have is an error listing both' {
        $statePath = Join-Path $WorkDir 'two-instances.json'
        $domains = { param($g, $d) @{ id = $g; name = 'shop'; domains = @(@{ id = $d; domain = 'api.example.com' }) } }
        @{
            region = 'cn-north-4'; projectId = $Seed.ProjectId
            instances = @(
                @{ id = 'inst0000000000000000000000000001'; name = 'one'; groups = @(& $domains 'grp00000000000000000000000000001' 'dom00000000000000000000000000001') }
                @{ id = 'inst0000000000000000000000000002'; name = 'two'; groups = @(& $domains 'grp00000000000000000000000000002' 'dom00000000000000000000000000002') }
            )
        } | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $statePath
        $other = Start-ApigEmulator -EmulatorPath $env:APIG_TEST_EMULATOR -StatePath $statePath
        try {
            Connect-Apig -Region cn-north-4 -ProjectId $Seed.ProjectId -Endpoint $other.Url -Token (ConvertTo-SecureString $Seed.Token -AsPlainText -Force) | Out-Null
            Get-ApigDomainCertificate -DomainName api.example.com -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'DomainNameAmbiguous,*'
            $errs[0].Exception.Message | Should -Match 'inst0000000000000000000000000001'
            $errs[0].Exception.Message | Should -Match 'inst0000000000000000000000000002'
            (Get-ApigDomainCertificate -DomainName api.example.com -InstanceId inst0000000000000000000000000002 -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain "Domain 'api.example.com' has no certificate bound."
        }
        finally { $other | Stop-ApigEmulator }
    }

    It 'Set- shows no pipeline-only parameters and completes the common ones' {
        $syntax = (Get-Command Set-ApigDomainCertificate -Syntax) -join "`n"
        $syntax | Should -Not -Match '-Certificates\b|-CertificateName\b|-CertificateId\b'
        (Get-Command Set-ApigDomainCertificate).Parameters.Keys | Should -Not -Contain 'CertificateName'
        $completions = (TabExpansion2 -inputScript 'Set-ApigDomainCertificate -' -cursorColumn 27).CompletionMatches.CompletionText
        $completions | Should -Contain '-Verbose'
        $completions | Should -Contain '-WhatIf'
        $completions | Should -Contain '-AsCompleted'
    }
}

Describe 'A batch that ends early reports what it changed' {
    BeforeAll {
        $scaleNames = 1..30 | ForEach-Object { 'd1.stop-{0:D5}.example.com' -f $_ }
        $scaleCert = New-TestCertificate -DnsName $scaleNames -Issuer $ca -Directory (Join-Path $WorkDir 'stop') -CommonName 'stop.example.com'
        function Initialize-Thirty {
            Reset-BatchEmulator
            Invoke-EmulatorAdmin -Url $EmulatorUrl -Path bulk -Method POST -Body @{ instanceId = $Seed.InstanceId; groups = 30; domainsPerGroup = 1; namePrefix = 'stop' } | Out-Null
            Connect-TestApig | Out-Null
            @(Get-ApigDomain -DomainName 'd1.stop-*')
        }
    }
    AfterEach { Set-Latency 0 }

    It 'refuses a bad row of input in hand before any request' {
        $domains = [System.Collections.Generic.List[object]]::new()
        foreach ($d in Initialize-Thirty) { $domains.Add(($d | Select-Object InstanceId, GroupId, DomainId, DomainName)) }
        $domains[10] = [pscustomobject]@{ InstanceId = $Seed.InstanceId; GroupId = $domains[10].GroupId; DomainId = 'dom/../x'; DomainName = $domains[10].DomainName }
        Clear-SentRequests
        { $domains | Set-ApigDomainCertificate -CertificatePath $scaleCert.FullChainFile -PrivateKeyPath $scaleCert.KeyFile -ThrottleLimit 8 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidId,*'
        @(Get-SentRequests).Count | Should -Be 0
    }

    It '<Command> with -ErrorAction Stop on an API error cancels what is in flight and names every domain it changed' -ForEach @(@{ Command = 'Set' }, @{ Command = 'Remove' }) {
        $domains = [System.Collections.Generic.List[object]]::new()
        foreach ($d in Initialize-Thirty) { $domains.Add(($d | Select-Object InstanceId, GroupId, DomainId, DomainName)) }
        if ($Command -eq 'Remove') { $domains | Set-ApigDomainCertificate -CertificatePath $scaleCert.FullChainFile -PrivateKeyPath $scaleCert.KeyFile | Out-Null }
        $victim = $domains[10]
        $method = if ($Command -eq 'Set') { 'POST' } else { 'DELETE' }
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method POST -Body @{
            method = $method; path = "/domains/$($victim.DomainId)/certificate"; count = -1; action = 'error'; status = 400; errorCode = 'APIG.2012'; errorMsg = 'injected'
        } | Out-Null
        Set-Latency 1500
        $written = [System.Collections.Generic.List[object]]::new()
        $caught = $null
        try {
            if ($Command -eq 'Set') {
                $domains | Set-ApigDomainCertificate -CertificatePath $scaleCert.FullChainFile -PrivateKeyPath $scaleCert.KeyFile -ThrottleLimit 8 -ErrorAction Stop | ForEach-Object { $written.Add($_) }
            }
            else {
                $domains | Remove-ApigDomainCertificate -Force -PassThru -ThrottleLimit 8 -ErrorAction Stop | ForEach-Object { $written.Add($_) }
            }
        }
        catch { $caught = $_ }
        Set-Latency 0
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'APIG.2012,*'
        $message = $caught.ToString()
        $message | Should -Match $victim.DomainName
        $verb = if ($Command -eq 'Set') { 'bound' } else { 'unbound' }
        $message | Should -Match "(\d+) domain\(s\) were already $verb"
        $changedCount = [int]([regex]::Match($message, "(\d+) domain\(s\) were already $verb").Groups[1].Value)

        $state = foreach ($d in $domains) { [pscustomobject]@{ Name = $d.DomainName; Count = @(Get-Bound $d.DomainId).Count } }
        $changedOnServer = @($state | Where-Object { if ($Command -eq 'Set') { $_.Count -gt 0 } else { $_.Count -eq 0 } }).Name
        $changedOnServer.Count | Should -BeGreaterThan 0
        $changedOnServer | Should -Not -Contain $victim.DomainName
        # Nothing changed unseen: every change on the server is written or named in the error.
        foreach ($name in $changedOnServer) { $message | Should -Match ([regex]::Escape($name)) }
        $written.Count | Should -BeGreaterThan 0
        foreach ($result in $written) { $changedOnServer | Should -Contain $result.DomainName }
        $changedCount | Should -BeGreaterOrEqual $written.Count
        $changedCount | Should -BeLessOrEqual $changedOnServer.Count
        @(Get-SentRequests | Where-Object method -EQ $method).Count | Should -BeLessThan 30
    }
}
