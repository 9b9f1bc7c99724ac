# Tab completion: ids and names from the connected account, and names the server supplies quoted so they parse back.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $storeCert = New-TestCertificate -DnsName '*.example.com' -Directory (Join-Path $WorkDir 'store-completion')
}
AfterAll { Stop-TestEmulator }

Describe 'Tab completion from the connected account' {
    BeforeEach {
        Reset-Emulator
        Connect-TestApig | Out-Null
    }

    It 'completes -InstanceId, -GroupId and -DomainName' {
        (TabExpansion2 -inputScript 'Get-ApigGroup -InstanceId ' -cursorColumn 26).CompletionMatches.CompletionText | Should -Contain $Seed.InstanceId
        $line = "Get-ApigDomain -InstanceId $($Seed.InstanceId) -GroupId grp"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'grp00000000000000000000000000002'
        $line = 'Get-ApigDomain -DomainName pay'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'pay.example.com'
    }

    It 'completes -CertificateId and -Name of the store cmdlets from the store' {
        $body = @{ name = 'wildcard_store_one'; cert_content = $storeCert.CertificatePem; private_key = $storeCert.PrivateKeyPem }
        $stored = Invoke-RestMethod -Method POST -Uri "$EmulatorUrl/v2/$($Seed.ProjectId)/apigw/certificates" -Headers @{ 'X-Auth-Token' = $Seed.Token } -ContentType 'application/json' -Body ($body | ConvertTo-Json)
        foreach ($command in 'Get-ApigCertificate', 'Set-ApigCertificate', 'Remove-ApigCertificate',
            'Get-ApigCertificateBinding', 'Add-ApigCertificateBinding', 'Remove-ApigCertificateBinding', 'Get-ApigDomain') {
            $line = "$command -CertificateId $($stored.id.Substring(0, 6))"
            $match = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches)
            $match.CompletionText | Should -Be @($stored.id) -Because "$command -CertificateId completes from the store"
            $match[0].ToolTip | Should -Match 'wildcard_store_one'
        }
        $line = 'Get-ApigCertificate -Name wild'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'wildcard_store_one'
    }

    It 'completes nothing, quickly and silently, when not connected' {
        Disconnect-Apig
        (TabExpansion2 -inputScript 'Get-ApigGroup -InstanceId ' -cursorColumn 26).CompletionMatches | Should -BeNullOrEmpty
    }
}

Describe 'Tab completion of names the server supplies' {
    BeforeAll {
        $state = @{
            region = $Seed.Region; projectId = $Seed.ProjectId
            instances = @(@{ id = $Seed.InstanceId; name = 'odd'; groups = @(@{ id = 'grp00000000000000000000000000009'; name = 'odd'; domains = @(
                @{ id = 'dom00000000000000000000000000011'; domain = 'plain-name.example.com' }
                @{ id = 'dom00000000000000000000000000012'; domain = "p;Remove-Item x.example.com" }
                @{ id = 'dom00000000000000000000000000013'; domain = "p'quote.example.com" }
                @{ id = 'dom00000000000000000000000000014'; domain = 'p$(whoami).example.com' }
                @{ id = 'dom00000000000000000000000000015'; domain = "p`u{2019}smart.example.com" }
                @{ id = 'dom00000000000000000000000000016'; domain = "p`nnewline.example.com" }
            ) }) })
        }
        $statePath = Join-Path $WorkDir 'odd-names.json'
        $state | ConvertTo-Json -Depth 8 | Set-Content -LiteralPath $statePath
        $odd = Start-ApigEmulator -EmulatorPath $env:APIG_TEST_EMULATOR -StatePath $statePath
        Connect-Apig -Region $Seed.Region -ProjectId $Seed.ProjectId -Endpoint $odd.Url -Token (ConvertTo-SecureString $Seed.Token -AsPlainText -Force) | Out-Null
        $line = 'Get-ApigDomain -DomainName p'
        $script:completions = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches)
    }
    AfterAll {
        Disconnect-Apig
        $odd | Stop-ApigEmulator
    }

    It 'inserts a plain name as it is' {
        $completions.CompletionText | Should -Contain 'plain-name.example.com'
    }

    It 'single-quotes every other name so it parses back to exactly that name' {
        foreach ($expected in "p;Remove-Item x.example.com", "p'quote.example.com", 'p$(whoami).example.com', "p`u{2019}smart.example.com") {
            $match = $completions | Where-Object ListItemText -EQ $expected
            $match | Should -Not -BeNullOrEmpty -Because "'$expected' should be offered"
            $match.CompletionText | Should -Match "^'.*'$"
            $tokens = $null; $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput("Get-ApigDomain -DomainName $($match.CompletionText)", [ref]$tokens, [ref]$errors)
            $errors | Should -BeNullOrEmpty
            $argument = $ast.EndBlock.Statements[0].PipelineElements[0].CommandElements[2]
            $argument | Should -BeOfType ([System.Management.Automation.Language.StringConstantExpressionAst])
            $argument.Value | Should -BeExactly $expected
        }
    }

    It 'does not offer a name with a control character at all' {
        @($completions | Where-Object { $_.ListItemText -match 'newline' }).Count | Should -Be 0
    }

    It 'completes -DomainName on the certificate cmdlets with domain names, not files' {
        foreach ($command in 'Set-ApigDomainCertificate', 'Get-ApigDomainCertificate', 'Remove-ApigDomainCertificate', 'Set-ApigDomain', 'Remove-ApigDomain',
            'Get-ApigCertificateBinding', 'Add-ApigCertificateBinding', 'Remove-ApigCertificateBinding',
            'Test-ApigDomainCertificate') {
            $line = "$command -DomainName plain"
            $texts = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText)
            $texts | Should -Be @('plain-name.example.com') -Because "$command -DomainName should complete from the account"
        }
    }
}

Describe 'Tab completion from Certificate Manager' {
    BeforeAll {
        Reset-Emulator
        $ccmCert = New-TestCertificate -DnsName 'shop.example.com' -Directory (Join-Path $WorkDir 'ccm-completion')
        $script:ccmId = (Invoke-EmulatorAdmin -Url $EmulatorUrl -Path 'ccm/certificates' -Method POST -Body @{
                name = 'shop_cert'; certificatePem = $ccmCert.CertificatePem; privateKeyPem = $ccmCert.PrivateKeyPem }).id
        Connect-Apig -Region $Seed.Region -ProjectId $Seed.ProjectId -Endpoint $EmulatorUrl -CcmEndpoint $EmulatorUrl -Token (ConvertTo-SecureString $Seed.Token -AsPlainText -Force) | Out-Null
    }

    It 'completes -CcmCertificateId on <Command> with the ids, their names as tooltips' -ForEach @(
        @{ Command = 'Set-ApigDomainCertificate' }, @{ Command = 'New-ApigCertificate' }, @{ Command = 'Set-ApigCertificate -CertificateId x' }
    ) {
        $line = "$Command -CcmCertificateId scs"
        $match = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches)
        $match.CompletionText | Should -Be @($ccmId)
        $match[0].ToolTip | Should -Match 'shop_cert \(shop\.example\.com, ISSUED, expires \d{4}-\d{2}-\d{2}\)'
    }

    It 'completes -Status of Get-ApigCcmCertificate with CCM''s statuses' {
        $line = 'Get-ApigCcmCertificate -Status ISS'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'ISSUED'
    }
}
