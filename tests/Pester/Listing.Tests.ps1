# Paging, several names, total counts and completion of server-supplied names (issue 8 §2.4-2.5, issue 9 §11).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
}
AfterAll { Stop-TestEmulator }

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
        foreach ($command in 'Set-ApigDomainCertificate', 'Get-ApigDomainCertificate', 'Remove-ApigDomainCertificate') {
            $line = "$command -DomainName plain"
            $texts = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText)
            $texts | Should -Be @('plain-name.example.com') -Because "$command -DomainName should complete from the account"
        }
    }
}
