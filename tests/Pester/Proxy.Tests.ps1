BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')

    $script:ProxyUser = 'proxy-user'
    $script:ProxyPassword = 'proxy-pass-' + [guid]::NewGuid().ToString('N')

    function Start-TestForwardProxy {
        <# The forward proxy of tests/Support/TestForwardProxy.cs in a child pwsh; returns Url, LogFile and Process. #>
        param([string] $User = '', [string] $Password = '')
        $dir = Join-Path $WorkDir ('proxy-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $dir | Out-Null
        $portFile = Join-Path $dir 'port'
        $logFile = Join-Path $dir 'requests.log'
        New-Item -ItemType File -Path $logFile | Out-Null
        $info = [System.Diagnostics.ProcessStartInfo]::new((Get-PwshCommand))
        foreach ($arg in '-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot '../Support/Run-TestForwardProxy.ps1'),
            '-PortFile', $portFile, '-LogFile', $logFile, '-User', $User, '-LifetimeSeconds', '300') { $info.ArgumentList.Add($arg) }
        $info.Environment['APIG_TEST_PROXY_PASSWORD'] = $Password
        $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not (Test-Path $portFile)) {
            if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
                if (-not $process.HasExited) { $process.Kill() }
                throw 'The test proxy did not start within 30 s.'
            }
            Start-Sleep -Milliseconds 50
        }
        [pscustomobject]@{ Url = 'http://127.0.0.1:' + (Get-Content $portFile -Raw).Trim(); LogFile = $logFile; Process = $process }
    }

    function Stop-TestForwardProxy {
        param($Proxy)
        if ($Proxy -and -not $Proxy.Process.HasExited) {
            $Proxy.Process.Kill()
            $Proxy.Process.WaitForExit(5000) | Out-Null
        }
    }

    # One line per request the proxy saw: "<METHOD> <absolute uri> auth=<none|ok|missing|wrong> status=<code>".
    function Get-ProxyLog { param($Proxy) @(Get-Content -LiteralPath $Proxy.LogFile | Where-Object { $_ }) }

    function Clear-ProxyLog { param($Proxy) Clear-Content -LiteralPath $Proxy.LogFile }

    function Invoke-ChildWithProxyEnvironment {
        <# Runs Connect-Apig and Get-ApigDomain in a child pwsh with only these proxy variables; returns stdout, stderr and the exit code. #>
        param([hashtable] $Environment, [string] $Endpoint)
        $script = @'
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')
Connect-Apig -Region cn-north-4 -ProjectId $env:T_PROJECT -Endpoint $env:T_ENDPOINT -MaxRetries 0 -AccessKey $env:T_AK -SecretKey (ConvertTo-SecureString $env:T_SK -AsPlainText -Force) | Out-Null
@(Get-ApigDomain -InstanceId $env:T_INSTANCE).Count
'@
        $info = [System.Diagnostics.ProcessStartInfo]::new((Get-PwshCommand))
        foreach ($arg in '-NoProfile', '-NonInteractive', '-Command', $script) { $info.ArgumentList.Add($arg) }
        foreach ($name in 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy') { $info.Environment.Remove($name) | Out-Null }
        foreach ($name in $Environment.Keys) { $info.Environment[$name] = $Environment[$name] }
        $info.Environment['T_PROJECT'] = $Seed.ProjectId
        $info.Environment['T_ENDPOINT'] = $Endpoint
        $info.Environment['T_AK'] = $Seed.AccessKey
        $info.Environment['T_SK'] = $Seed.SecretKey
        $info.Environment['T_INSTANCE'] = $Seed.InstanceId
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        $process.WaitForExit(60000) | Should -BeTrue
        [pscustomobject]@{ Output = $stdout.Result; Errors = $stderr.Result; ExitCode = $process.ExitCode }
    }

    $script:OpenProxy = Start-TestForwardProxy
    $script:AuthProxy = Start-TestForwardProxy -User $ProxyUser -Password $ProxyPassword
    $script:ProxyCredential = [pscredential]::new($ProxyUser, (ConvertTo-SecureString $ProxyPassword -AsPlainText -Force))
    $script:Connection = @{
        Region = $Seed.Region; ProjectId = $Seed.ProjectId; Endpoint = $EmulatorUrl
        AccessKey = $Seed.AccessKey; SecretKey = (ConvertTo-SecureString $Seed.SecretKey -AsPlainText -Force)
    }
    # Plain http never goes through a proxy, so proxied traffic is tested against an https endpoint: the proxy opens
    # the tunnel (".test" names reach 127.0.0.1 through it only), and the TLS handshake then fails against the plain-http
    # emulator behind it. What the proxy saw and answered is what these tests check; the check at connect is skipped
    # because that handshake failure would end Connect-Apig itself.
    $script:HttpsEndpoint = 'https://apig.test:' + ([uri]$EmulatorUrl).Port
    $script:HttpsConnection = @{
        Region = $Seed.Region; ProjectId = $Seed.ProjectId; Endpoint = $HttpsEndpoint; MaxRetries = 0; SkipValidation = $true
        AccessKey = $Seed.AccessKey; SecretKey = (ConvertTo-SecureString $Seed.SecretKey -AsPlainText -Force)
    }
}

AfterAll {
    Disconnect-Apig
    Stop-TestForwardProxy $OpenProxy
    Stop-TestForwardProxy $AuthProxy
    Stop-TestEmulator
}

Describe 'Connect-Apig -Proxy' {
    BeforeEach {
        Reset-Emulator
        Disconnect-Apig
        Clear-ProxyLog $OpenProxy
        Clear-ProxyLog $AuthProxy
    }

    It 'refuses -Proxy with a plain-http endpoint, naming both and the fix, and sends nothing' {
        $record = $null
        try { Connect-Apig @Connection -Proxy $OpenProxy.Url } catch { $record = $_ }
        $record.FullyQualifiedErrorId | Should -BeLike 'ProxyWithPlainHttpEndpoint*'
        $record.Exception.Message | Should -BeLike "*-Proxy $($OpenProxy.Url)*-Endpoint $EmulatorUrl*remove -Proxy*"
        Get-ApigContext | Should -BeNullOrEmpty
        Get-ProxyLog $OpenProxy | Should -BeNullOrEmpty
        @(Get-SentRequests).Count | Should -Be 0
    }

    It 'opens the tunnel for an https endpoint through the given proxy' {
        $context = Connect-Apig @HttpsConnection -Proxy $OpenProxy.Url
        $context.Proxy | Should -Be ([uri]$OpenProxy.Url)
        $context.ProxyAuthentication | Should -Be 'None'
        { Get-ApigDomain -InstanceId $Seed.InstanceId -ErrorAction Stop } | Should -Throw
        @(Get-ProxyLog $OpenProxy | Where-Object { $_ -like "CONNECT https://apig.test:*/ auth=none status=200" }).Count | Should -BeGreaterThan 0
    }

    It 'sends nothing through a proxy when the connection has none' {
        Connect-Apig @Connection | Out-Null
        @(Get-ApigDomain -InstanceId $Seed.InstanceId).Count | Should -BeGreaterThan 0
        Get-ProxyLog $OpenProxy | Should -BeNullOrEmpty
        (Get-ApigContext).Proxy | Should -BeNullOrEmpty
    }

    It 'answers an authenticating proxy with -ProxyCredential' {
        $context = Connect-Apig @HttpsConnection -Proxy $AuthProxy.Url -ProxyCredential $ProxyCredential
        $context.ProxyAuthentication | Should -Be "Credential ($ProxyUser)"
        { Get-ApigDomain -InstanceId $Seed.InstanceId -ErrorAction Stop } | Should -Throw
        $seen = Get-ProxyLog $AuthProxy
        @($seen | Where-Object { $_ -like 'CONNECT * auth=ok status=200' }).Count | Should -BeGreaterThan 0
        @($seen | Where-Object { $_ -like '* auth=wrong *' }).Count | Should -Be 0
    }

    It 'fails with a clear proxy authentication error without credentials' {
        # The 407 is to show on a later command here: $HttpsConnection skips the check at connect, which would meet it first.
        Connect-Apig @HttpsConnection -Proxy $AuthProxy.Url | Out-Null
        $record = $null
        try { Get-ApigDomain -InstanceId $Seed.InstanceId -ErrorAction Stop } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty
        $record.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $record.FullyQualifiedErrorId | Should -BeLike 'ApigHttp407*'
        $record.Exception.Message | Should -BeLike '*proxy*407*'
        $record.ErrorDetails.RecommendedAction | Should -BeLike '*-ProxyCredential*'
        @(Get-ProxyLog $AuthProxy | Where-Object { $_ -like '* auth=missing status=407' }).Count | Should -BeGreaterThan 0
        # Nothing reached the emulator: the proxy stopped it.
        @(Get-SentRequests).Count | Should -Be 0
    }

    It 'fails the same way with a wrong proxy password' {
        $wrong = [pscredential]::new($ProxyUser, (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        Connect-Apig @HttpsConnection -Proxy $AuthProxy.Url -ProxyCredential $wrong | Out-Null
        { Get-ApigDomain -InstanceId $Seed.InstanceId -ErrorAction Stop } | Should -Throw -ExpectedMessage '*proxy*407*'
        @(Get-ProxyLog $AuthProxy | Where-Object { $_ -like '* auth=wrong status=407' }).Count | Should -BeGreaterThan 0
    }

    It 'sends the IAM password sign-in through the proxy too' {
        $credential = [pscredential]::new($Seed.UserName, (ConvertTo-SecureString $Seed.Password -AsPlainText -Force))
        { Connect-Apig -Region $Seed.Region -ProjectId $Seed.ProjectId -Endpoint $HttpsEndpoint -IamEndpoint $HttpsEndpoint -Credential $credential `
            -AccountName $Seed.AccountName -MaxRetries 0 -Proxy $AuthProxy.Url -ProxyCredential $ProxyCredential } | Should -Throw
        @(Get-ProxyLog $AuthProxy | Where-Object { $_ -like 'CONNECT * auth=ok status=200' }).Count | Should -BeGreaterThan 0
        @(Get-SentRequests).Count | Should -Be 0
    }

    It 'refuses -Proxy with a plain-http IAM endpoint before the password is sent' {
        $credential = [pscredential]::new($Seed.UserName, (ConvertTo-SecureString $Seed.Password -AsPlainText -Force))
        { Connect-Apig -Region $Seed.Region -ProjectId $Seed.ProjectId -Endpoint $HttpsEndpoint -IamEndpoint $EmulatorUrl -Credential $credential `
            -AccountName $Seed.AccountName -Proxy $AuthProxy.Url -ProxyCredential $ProxyCredential } | Should -Throw -ExpectedMessage "*-IamEndpoint $EmulatorUrl*"
        Get-ProxyLog $AuthProxy | Should -BeNullOrEmpty
        @(Get-SentRequests).Count | Should -Be 0
    }

    It 'never shows the proxy password, not in -Verbose, -Debug, the context or errors' {
        $output = & {
            $context = Connect-Apig @HttpsConnection -Proxy $AuthProxy.Url -ProxyCredential $ProxyCredential -Verbose -Debug
            $context | Format-List * | Out-String
            Get-ApigContext | Format-List * | Out-String
            try { Get-ApigDomain -InstanceId $Seed.InstanceId -Verbose -Debug -ErrorAction Stop } catch { $_ | Format-List * -Force | Out-String }
            $wrong = [pscredential]::new($ProxyUser, (ConvertTo-SecureString $ProxyPassword.ToUpperInvariant() -AsPlainText -Force))
            Connect-Apig @HttpsConnection -Proxy $AuthProxy.Url -ProxyCredential $wrong -Verbose -Debug | Out-Null
            try { Get-ApigDomain -InstanceId $Seed.InstanceId -Verbose -Debug -ErrorAction Stop } catch { $_ | Format-List * -Force | Out-String; $_.Exception | Format-List * -Force | Out-String }
        } *>&1 | Out-String
        $output | Should -BeLike '*proxy*'
        $output | Should -Not -BeLike "*$ProxyPassword*"
        $output | Should -Not -BeLike "*$($ProxyPassword.ToUpperInvariant())*"
        $basic = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("${ProxyUser}:$ProxyPassword"))
        $output | Should -Not -BeLike "*$basic*"
    }

    It 'refuses a proxy URL with a user name or password, naming -Proxy' {
        $url = $OpenProxy.Url -replace '^http://', "http://${ProxyUser}:secret-in-url@"
        $record = $null
        try { Connect-Apig @Connection -Proxy $url } catch { $record = $_ }
        $record.FullyQualifiedErrorId | Should -BeLike 'InvalidProxy*'
        $record.Exception.Message | Should -BeLike '*Proxy*-ProxyCredential*'
        $record.Exception.Message | Should -Not -BeLike '*secret-in-url*'
        Get-ApigContext | Should -BeNullOrEmpty
    }

    It 'refuses a proxy URL that is not http or https' {
        { Connect-Apig @Connection -Proxy 'socks5://127.0.0.1:1080' } | Should -Throw -ExpectedMessage '*Proxy*http*'
        { Connect-Apig @Connection -Proxy $OpenProxy.Url -ProxyCredential $ProxyCredential -ProxyUseDefaultCredentials } |
            Should -Throw -ExpectedMessage '*-ProxyCredential*-ProxyUseDefaultCredentials*'
    }
}

Describe 'Default proxy from the environment' {
    BeforeEach {
        Reset-Emulator
        Clear-ProxyLog $OpenProxy
    }

    # .NET reads HTTP_PROXY/HTTPS_PROXY once per process, so each case runs in a child pwsh with its own environment.
    # A plain-http (loopback) endpoint never goes through one, NO_PROXY or not: .NET does not bypass them for loopback,
    # and the proxy would see credentials and private keys in clear text.
    It 'never sends a plain-http endpoint through <Variable> (NO_PROXY "<NoProxy>")' -TestCases @(
        @{ Variable = 'HTTP_PROXY'; NoProxy = '' }
        @{ Variable = 'ALL_PROXY'; NoProxy = '' }
        @{ Variable = 'http_proxy'; NoProxy = '' }
        @{ Variable = 'HTTP_PROXY'; NoProxy = '127.0.0.1' }
    ) {
        $environment = @{ $Variable = $OpenProxy.Url }
        if ($NoProxy) { $environment['NO_PROXY'] = $NoProxy }
        $child = Invoke-ChildWithProxyEnvironment -Environment $environment -Endpoint $EmulatorUrl
        $child.Errors | Should -BeNullOrEmpty
        $child.ExitCode | Should -Be 0
        [int]$child.Output.Trim() | Should -Be $Seed.Domains.Count
        Get-ProxyLog $OpenProxy | Should -BeNullOrEmpty
        @(Get-SentRequests | Where-Object method -EQ 'GET').Count | Should -BeGreaterThan 0
    }

    It 'honours HTTPS_PROXY for an https endpoint when no -Proxy is given' {
        $child = Invoke-ChildWithProxyEnvironment -Environment @{ HTTPS_PROXY = $OpenProxy.Url } -Endpoint $HttpsEndpoint
        $child.ExitCode | Should -Not -Be 0
        @(Get-ProxyLog $OpenProxy | Where-Object { $_ -like 'CONNECT https://apig.test:*/ auth=none status=200' }).Count | Should -BeGreaterThan 0
        @(Get-SentRequests).Count | Should -Be 0
    }
}
