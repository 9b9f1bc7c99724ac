BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $common = @{ Region = $Seed.Region; ProjectId = $Seed.ProjectId; Endpoint = $EmulatorUrl }
    $savedEnv = @{}
    foreach ($name in 'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HUAWEICLOUD_SDK_PROJECT_ID', 'HUAWEICLOUD_SDK_REGION') {
        $savedEnv[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    function Restore-Env { foreach ($k in $savedEnv.Keys) { [Environment]::SetEnvironmentVariable($k, $savedEnv[$k]) } }
}
AfterAll {
    Restore-Env
    Stop-TestEmulator
}

Describe 'Connect-Apig' {
    BeforeEach {
        Reset-Emulator
        Disconnect-Apig
    }

    It 'connects with AK/SK and shows only a masked key' {
        $context = Connect-TestApig -As AccessKey
        $context | Should -BeOfType ([Apig.Cert.ApigContext])
        $context.AuthType | Should -Be 'AccessKey'
        $context.Region | Should -Be 'cn-north-4'
        $context.ProjectId | Should -Be $Seed.ProjectId
        $context.Endpoint | Should -Be ([uri]$EmulatorUrl)
        $context.AccessKey | Should -Be 'EMUL****0001'
        (Get-ApigContext).ProjectId | Should -Be $Seed.ProjectId
    }

    It 'connects with a token' {
        (Connect-TestApig -As Token).AuthType | Should -Be 'Token'
    }

    It 'connects with an IAM password and knows when the token expires' {
        $credential = [pscredential]::new($Seed.UserName, (ConvertTo-SecureString $Seed.Password -AsPlainText -Force))
        $context = Connect-Apig @common -IamEndpoint $EmulatorUrl -Credential $credential -AccountName $Seed.AccountName
        $context.AuthType | Should -Be 'Password'
        $context.TokenExpiresAt | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddHours(23))
        @(Get-SentRequests | Where-Object path -EQ '/v3/auth/tokens').Count | Should -Be 1
    }

    It 'refuses a wrong IAM password at connect time' {
        $credential = [pscredential]::new($Seed.UserName, (ConvertTo-SecureString 'wrong-password' -AsPlainText -Force))
        { Connect-Apig @common -IamEndpoint $EmulatorUrl -Credential $credential -AccountName $Seed.AccountName } |
            Should -Throw -ExpectedMessage '*401*'
        Get-ApigContext | Should -BeNullOrEmpty
    }

    It 'refreshes an IAM token that is about to expire' {
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path settings -Method PUT -Body @{ tokenLifetimeSeconds = 60 } | Out-Null
        $credential = [pscredential]::new($Seed.UserName, (ConvertTo-SecureString $Seed.Password -AsPlainText -Force))
        Connect-Apig @common -IamEndpoint $EmulatorUrl -Credential $credential -AccountName $Seed.AccountName | Out-Null
        $ca = New-TestCertificateAuthority
        $cert = New-TestCertificate -DnsName 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'refresh')
        $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
        # A 60-second token is inside the 5-minute refresh window: the module fetched a fresh one before binding.
        @(Get-SentRequests | Where-Object path -EQ '/v3/auth/tokens').Count | Should -BeGreaterOrEqual 2
        (Get-SentRequests | Where-Object method -EQ 'POST' | Where-Object path -Like '*/certificate').status | Should -Be 201
    }

    It 'reads HUAWEICLOUD_SDK_* variables when no credential parameter is given' {
        $env:HUAWEICLOUD_SDK_AK = $Seed.AccessKey
        $env:HUAWEICLOUD_SDK_SK = $Seed.SecretKey
        $env:HUAWEICLOUD_SDK_PROJECT_ID = $Seed.ProjectId
        $env:HUAWEICLOUD_SDK_REGION = $Seed.Region
        try {
            $context = Connect-Apig -Endpoint $EmulatorUrl
            $context.AuthType | Should -Be 'AccessKey'
            $context.ProjectId | Should -Be $Seed.ProjectId
            $context.Region | Should -Be $Seed.Region
        }
        finally { Restore-Env }
    }

    It 'says which variables to set when there are no credentials at all' {
        foreach ($k in $savedEnv.Keys) { [Environment]::SetEnvironmentVariable($k, $null) }
        try {
            { Connect-Apig -Region cn-north-4 -ProjectId $Seed.ProjectId -Endpoint $EmulatorUrl } |
                Should -Throw -ErrorId 'CredentialsNotFound,*' -ExpectedMessage '*HUAWEICLOUD_SDK_AK*'
        }
        finally { Restore-Env }
    }

    It 'refuses plain http to a host that is not loopback' {
        { Connect-Apig -Region cn-north-4 -ProjectId $Seed.ProjectId -Endpoint 'http://apig.example.com' -Token (ConvertTo-SecureString 't' -AsPlainText -Force) } |
            Should -Throw -ErrorId 'InsecureEndpoint,*'
    }

    It 'defaults the endpoint from the region' {
        # -SkipValidation: the default endpoint is the real cloud, which the build machine does not reach.
        $context = Connect-Apig -Region 'ap-southeast-1' -ProjectId $Seed.ProjectId -Token (ConvertTo-SecureString 't' -AsPlainText -Force) -SkipValidation
        $context.Endpoint | Should -Be ([uri]'https://apig.ap-southeast-1.myhuaweicloud.com')
    }

    It 'completes -Region from the known regions' {
        $completions = TabExpansion2 -inputScript 'Connect-Apig -Region cn-nor' -cursorColumn 'Connect-Apig -Region cn-nor'.Length
        $completions.CompletionMatches.CompletionText | Should -Contain 'cn-north-4'
    }

    It 'keeps the connection per runspace' {
        Connect-TestApig | Out-Null
        $other = [powershell]::Create()
        try {
            $other.AddScript("Import-Module '$(Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')'; Get-ApigContext").Invoke() | Should -BeNullOrEmpty
        }
        finally { $other.Dispose() }
        Get-ApigContext | Should -Not -BeNullOrEmpty
    }

    It 'reports an expired token as APIG.1001 (when connected without validation)' {
        Connect-Apig @common -Token (ConvertTo-SecureString $Seed.ExpiredToken -AsPlainText -Force) -SkipValidation | Out-Null
        $ca = New-TestCertificateAuthority
        $cert = New-TestCertificate -DnsName 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'expired-token')
        $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'APIG.1001,*'
        $errs[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
    }

    It 'Disconnect-Apig forgets the connection' {
        Connect-TestApig | Out-Null
        Disconnect-Apig
        Get-ApigContext | Should -BeNullOrEmpty
    }
}

Describe 'Connect-Apig checks before it says connected' {
    BeforeEach {
        Reset-Emulator
        Disconnect-Apig
    }

    Context 'regions' {
        It 'refuses an unknown region with the nearest known name, and sends nothing' {
            $record = $null
            try { Connect-Apig -Region cn-nort-4 -ProjectId $Seed.ProjectId -Token (ConvertTo-SecureString $Seed.Token -AsPlainText -Force) } catch { $record = $_ }
            $record | Should -Not -BeNullOrEmpty
            $record.FullyQualifiedErrorId | Should -BeLike 'UnknownRegion,*'
            $record.Exception.Message | Should -BeLike "*'cn-nort-4'*Did you mean cn-north-4?*-Endpoint*"
            Get-ApigContext | Should -BeNullOrEmpty
        }

        It 'accepts a region it does not know when -Endpoint is given (a region newer than the module)' {
            $context = Connect-Apig -Region xx-newregion-7 -ProjectId $Seed.ProjectId -Endpoint $EmulatorUrl -Token (ConvertTo-SecureString $Seed.Token -AsPlainText -Force)
            $context.Region | Should -Be 'xx-newregion-7'
            $context.Endpoint | Should -Be ([uri]$EmulatorUrl)
        }

        It 'completes -Region in sorted order' {
            $completions = @((TabExpansion2 -inputScript 'Connect-Apig -Region ' -cursorColumn 'Connect-Apig -Region '.Length).CompletionMatches.CompletionText)
            $completions.Count | Should -BeGreaterThan 10
            ($completions -join ',') | Should -BeExactly ((@($completions | Sort-Object -CaseSensitive) -join ','))
        }
    }

    Context 'the no-credential error' {
        It 'names only parameters Connect-Apig has' {
            $saved = @{}
            foreach ($name in 'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN') { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $null) }
            try {
                $record = $null
                try { Connect-Apig @common } catch { $record = $_ }
                $record.FullyQualifiedErrorId | Should -BeLike 'CredentialsNotFound,*'
                $named = @([regex]::Matches($record.Exception.Message, '(?<![\w])-([A-Z][A-Za-z]+)') | ForEach-Object { $_.Groups[1].Value } | Select-Object -Unique)
                $named | Should -Contain 'Credential'
                $parameters = (Get-Command Connect-Apig).Parameters.Keys
                foreach ($name in $named) { $parameters | Should -Contain $name -Because "the message names -$name" }
            }
            finally { foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) } }
        }
    }

    Context 'validation at connect' {
        It 'proves the credentials with one ListInstancesV2 call and records when' {
            $before = [DateTimeOffset]::UtcNow.AddSeconds(-1)
            $context = Connect-Apig @common -AccessKey $Seed.AccessKey -SecretKey (ConvertTo-SecureString $Seed.SecretKey -AsPlainText -Force)
            $context.ValidatedAt | Should -BeGreaterThan $before
            $sent = @(Get-SentRequests)
            $sent.Count | Should -Be 1
            $sent[0].method | Should -Be 'GET'
            $sent[0].path | Should -Be "/v2/$($Seed.ProjectId)/apigw/instances"
            $sent[0].query | Should -Match '(^|&)limit=1(&|$)'
            $sent[0].status | Should -Be 200
        }

        It 'fails at Connect-Apig, not at the next command, for a wrong secret key' {
            $record = $null
            try { Connect-Apig @common -AccessKey $Seed.AccessKey -SecretKey (ConvertTo-SecureString 'not-the-secret' -AsPlainText -Force) } catch { $record = $_ }
            $record.FullyQualifiedErrorId | Should -BeLike 'APIG.0303,*'
            $record.ErrorDetails.Message | Should -BeLike '*ListInstancesV2*'
            $record.ErrorDetails.RecommendedAction | Should -BeLike '*-SkipValidation*'
            Get-ApigContext | Should -BeNullOrEmpty
        }

        It 'fails at Connect-Apig for a token APIG does not know' {
            { Connect-Apig @common -Token (ConvertTo-SecureString 'no-such-token' -AsPlainText -Force) } | Should -Throw -ErrorId 'APIG.1002,*'
            Get-ApigContext | Should -BeNullOrEmpty
        }

        It '-SkipValidation sends nothing and leaves ValidatedAt empty' {
            $context = Connect-Apig @common -AccessKey $Seed.AccessKey -SecretKey (ConvertTo-SecureString 'not-the-secret' -AsPlainText -Force) -SkipValidation
            $context.ValidatedAt | Should -BeNullOrEmpty
            @(Get-SentRequests).Count | Should -Be 0
        }
    }

    Context 'a failed connect leaves nothing half-set' {
        It 'keeps the previous connection when the new one is refused before anything is sent, and says so' {
            Connect-TestApig -As Token | Out-Null
            $record = $null
            try { Connect-Apig -Region cn-nort-4 -ProjectId $Seed.ProjectId -AccessKey $Seed.AccessKey -SecretKey (ConvertTo-SecureString $Seed.SecretKey -AsPlainText -Force) } catch { $record = $_ }
            $record.ErrorDetails.Message | Should -BeLike "*previous connection is still active: Token, project $($Seed.ProjectId)*"
            (Get-ApigContext).AuthType | Should -Be 'Token'
        }

        It 'leaves no default once the new credentials were sent and failed (the previous one stays usable by -Context), and says so' {
            $previous = Connect-TestApig -As Token
            $record = $null
            try { Connect-Apig @common -AccessKey $Seed.AccessKey -SecretKey (ConvertTo-SecureString 'not-the-secret' -AsPlainText -Force) } catch { $record = $_ }
            $record.ErrorDetails.Message | Should -BeLike '*No default APIG context now*previous default (Token*'
            Get-ApigContext | Should -BeNullOrEmpty
            $previous.IsDefault | Should -BeFalse
            { Get-ApigInstance } | Should -Throw -ErrorId 'NotConnected,*' -ExpectedMessage '*No default APIG context*'
            @(Get-ApigInstance -Context $previous).Count | Should -BeGreaterThan 0
            Disconnect-Apig -All
        }

        It 'says no connection is active when there was none before' {
            $record = $null
            try { Connect-Apig @common -Token (ConvertTo-SecureString 'no-such-token' -AsPlainText -Force) } catch { $record = $_ }
            $record.ErrorDetails.Message | Should -BeLike '*No APIG connection is active.'
        }
    }

    Context 'values that become headers' {
        It 'trims the line break Get-Content -Raw leaves on a token, so POSTs work' {
            $file = Join-Path $WorkDir 'token.txt'
            Set-Content -LiteralPath $file -Value $Seed.Token      # writes a trailing newline
            $raw = Get-Content -LiteralPath $file -Raw
            $raw | Should -Match '\n$'
            Connect-Apig @common -Token (ConvertTo-SecureString $raw -AsPlainText -Force) | Out-Null
            $ca = New-TestCertificateAuthority
            $cert = New-TestCertificate -DnsName 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'raw-token')
            $result = $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile
            $result.Changed | Should -BeTrue
            (Get-SentRequests | Where-Object method -EQ 'POST').status | Should -Be 201
        }

        It 'trims a security token read with Get-Content -Raw' {
            Connect-Apig @common -AccessKey $Seed.TempKey -SecretKey (ConvertTo-SecureString $Seed.TempSecret -AsPlainText -Force) `
                -SecurityToken (ConvertTo-SecureString ("  " + $Seed.TempToken + "`r`n") -AsPlainText -Force) | Out-Null
            (Get-SentRequests)[0].status | Should -Be 200
        }

        It 'refuses a <Name> with a line break inside, sends nothing, and does not echo it' -TestCases @(
            @{ Name = 'Token'; ErrorId = 'InvalidToken' }
            @{ Name = 'SecurityToken'; ErrorId = 'InvalidSecurityToken' }
        ) {
            param($Name, $ErrorId)
            $hostile = ConvertTo-SecureString "$($Seed.Token)`r`nX-Injected: yes" -AsPlainText -Force
            $record = $null
            try {
                if ($Name -eq 'Token') { Connect-Apig @common -Token $hostile }
                else { Connect-Apig @common -AccessKey $Seed.TempKey -SecretKey (ConvertTo-SecureString $Seed.TempSecret -AsPlainText -Force) -SecurityToken $hostile }
            }
            catch { $record = $_ }
            $record.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
            (($record | Out-String) + $record.ErrorDetails.Message) | Should -Not -Match 'X-Injected|emulator-token'
            @(Get-SentRequests).Count | Should -Be 0
        }

        It 'refuses a control character in HUAWEICLOUD_SDK_SECURITY_TOKEN too' {
            $saved = @{}
            foreach ($name in 'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN') { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
            try {
                $env:HUAWEICLOUD_SDK_AK = $Seed.TempKey
                $env:HUAWEICLOUD_SDK_SK = $Seed.TempSecret
                $env:HUAWEICLOUD_SDK_SECURITY_TOKEN = "$($Seed.TempToken)`nX-Injected: yes"
                { Connect-Apig @common } | Should -Throw -ErrorId 'InvalidSecurityToken,*'
                @(Get-SentRequests).Count | Should -Be 0
            }
            finally { foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) } }
        }
    }
}
