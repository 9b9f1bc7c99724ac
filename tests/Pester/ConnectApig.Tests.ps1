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
        $context = Connect-TestApig -As Password
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
        Connect-TestApig -As Password | Out-Null
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
        $context = Connect-Apig -Region 'ap-southeast-1' -ProjectId $Seed.ProjectId -Token (ConvertTo-SecureString 't' -AsPlainText -Force)
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

    It 'reports an expired token as APIG.1001' {
        Connect-Apig @common -Token (ConvertTo-SecureString $Seed.ExpiredToken -AsPlainText -Force) | Out-Null
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
