BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $Runbook = (Resolve-Path (Join-Path $PSScriptRoot '../../docs/examples/Rotate-ApigCertificate.Runbook.ps1')).Path
    $pwsh = Get-PwshCommand
    # The runbook imports Apig.Cert by name, as Automation and a pipeline would: the built module's parent folder
    # goes on the child's PSModulePath.
    $ModulesDir = Split-Path $env:APIG_TEST_MODULE -Parent
    (Split-Path $env:APIG_TEST_MODULE -Leaf) | Should -Be 'Apig.Cert'

    $Credentials = @{
        HUAWEICLOUD_SDK_AK             = $Seed.AccessKey
        HUAWEICLOUD_SDK_SK             = $Seed.SecretKey
        HUAWEICLOUD_SDK_PROJECT_ID     = $Seed.ProjectId
        HUAWEICLOUD_SDK_REGION         = $Seed.Region
        HUAWEICLOUD_SDK_SECURITY_TOKEN = $null
    }
    $NoCredentials = @{}
    foreach ($name in $Credentials.Keys) { $NoCredentials[$name] = $null }

    # Runs pwsh non-interactively with the given environment (restoring this session's afterwards).
    function Invoke-Child {
        param([string[]] $Arguments, [hashtable] $Environment)
        $variables = @{ PSModulePath = $ModulesDir + [IO.Path]::PathSeparator + $env:PSModulePath }
        foreach ($name in $Environment.Keys) { $variables[$name] = $Environment[$name] }
        $saved = @{}
        foreach ($name in $variables.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $variables[$name])
        }
        try {
            $output = & $pwsh -NoProfile -NonInteractive @Arguments 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | Out-String) }
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }

    # The runbook file exactly as shipped, the way a scheduler or pipeline step starts it.
    function Invoke-Runbook {
        param([string[]] $Arguments)
        Invoke-Child -Environment $Credentials -Arguments (@('-File', $Runbook, '-Endpoint', $EmulatorUrl) + $Arguments)
    }

    function Get-BoundThumbprint {
        param([string] $DomainId)
        @((Get-EmulatorDomain $DomainId).certificates | ForEach-Object { $_.thumbprint })
    }

    function Get-BindRequestCount {
        @(Get-SentRequests | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/certificate' }).Count
    }

    $ca = New-TestCertificateAuthority
    $CertA = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'a')
    $CertB = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'b')
    # api, checkout and pay match; www and intra do not, although the certificate would cover them.
    $Pattern = '[acp]*.example.com'
    $ById = @{}; foreach ($d in $Seed.Domains) { $ById[$d.DomainName] = $d.DomainId }
    $Matching = 'api.example.com', 'checkout.example.com', 'pay.example.com'
    $NotMatching = 'www.example.com', 'intra.example.com'
}
AfterAll { Stop-TestEmulator }

Describe 'docs/examples/Rotate-ApigCertificate.Runbook.ps1 against the emulator' {
    It 'first run binds the certificate to every matching domain and exits 0' {
        Reset-Emulator
        $run = Invoke-Runbook @('-DomainPattern', $Pattern, '-CertificatePath', $CertA.FullChainFile, '-PrivateKeyPath', $CertA.KeyFile)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match "Apig.Cert rotation '\[acp\]\*\.example\.com': 3 matched; changed: 3; unchanged: 0; failed: 0"
        foreach ($name in $Matching) { Get-BoundThumbprint $ById[$name] | Should -Be $CertA.Thumbprint -Because $name }
        foreach ($name in $NotMatching) { Get-BoundThumbprint $ById[$name] | Should -BeNullOrEmpty -Because "$name does not match" }
        Get-BindRequestCount | Should -Be 3
    }

    It 'second run changes nothing, sends no bind request and exits 0' {
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
        $run = Invoke-Runbook @('-DomainPattern', $Pattern, '-CertificatePath', $CertA.FullChainFile, '-PrivateKeyPath', $CertA.KeyFile)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '3 matched; changed: 0; unchanged: 3; failed: 0'
        @(Get-SentRequests | Where-Object method -EQ 'POST').Count | Should -Be 0
        @(Get-SentRequests | Where-Object method -EQ 'GET').Count | Should -BeGreaterThan 0 -Because 'the run did look'
    }

    It 'a run where one domain fails rotates the others, names the failed one and exits non-zero' {
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method POST -Body @{
            method = 'POST'; path = "/domains/$($ById['pay.example.com'])/certificate"; count = -1; action = 'error9999'
        } | Out-Null
        try {
            $run = Invoke-Runbook @('-DomainPattern', $Pattern, '-CertificatePath', $CertB.FullChainFile, '-PrivateKeyPath', $CertB.KeyFile, '-MaxRetries', '0')
        }
        finally { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method DELETE | Out-Null }
        $run.ExitCode | Should -Be 1 -Because $run.Output
        $run.Output | Should -Match 'FAILED pay\.example\.com: APIG\.9999'
        $run.Output | Should -Match '3 matched; changed: 2; unchanged: 0; failed: 1'
        $run.Output | Should -Match '1 domain\(s\) failed: pay\.example\.com\.'
        Get-BoundThumbprint $ById['api.example.com'] | Should -Be $CertB.Thumbprint
        Get-BoundThumbprint $ById['checkout.example.com'] | Should -Be $CertB.Thumbprint
        Get-BoundThumbprint $ById['pay.example.com'] | Should -Be $CertA.Thumbprint -Because 'the failed domain keeps what it had'
    }

    It '-WhatIf reports the matching domains and sends nothing' {
        Reset-Emulator
        $run = Invoke-Runbook @('-DomainPattern', $Pattern, '-CertificatePath', $CertA.FullChainFile, '-PrivateKeyPath', $CertA.KeyFile, '-WhatIf')
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '3 matched; changed: 0; unchanged: 0; failed: 0 \(WhatIf: nothing was sent\)'
        Get-BindRequestCount | Should -Be 0
        foreach ($name in $Matching) { Get-BoundThumbprint $ById[$name] | Should -BeNullOrEmpty }
    }

    It 'exits non-zero when no domain matches the pattern' {
        $run = Invoke-Runbook @('-DomainPattern', 'nothing-here.example.org', '-CertificatePath', $CertA.FullChainFile, '-PrivateKeyPath', $CertA.KeyFile)
        $run.ExitCode | Should -Be 1 -Because $run.Output
        $run.Output | Should -Match "No APIG domain matches 'nothing-here\.example\.org'"
    }

    It 'exits non-zero without credentials, before anything is sent' {
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
        $run = Invoke-Child -Environment $NoCredentials -Arguments @('-File', $Runbook, '-Endpoint', $EmulatorUrl, '-Region', $Seed.Region,
            '-ProjectId', $Seed.ProjectId, '-CertificatePath', $CertA.FullChainFile, '-PrivateKeyPath', $CertA.KeyFile)
        $run.ExitCode | Should -Not -Be 0 -Because $run.Output
        @(Get-SentRequests).Count | Should -Be 0
    }

    It 'binds a PFX given with a plain-text password (as Automation passes parameters)' {
        Reset-Emulator
        $run = Invoke-Runbook @('-DomainPattern', 'api.example.com', '-PfxPath', $CertB.PfxFile, '-PfxPassword', $CertB.PfxPassword)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '1 matched; changed: 1; unchanged: 0; failed: 0'
        Get-BoundThumbprint $ById['api.example.com'] | Should -Be $CertB.Thumbprint
    }

    It 'binds a Posh-ACME certificate object (FullChainFile, KeyFile)' {
        Reset-Emulator
        # Shaped like Get-PACertificate's output; Posh-ACME itself is not installed here.
        $script = @"
`$ProgressPreference = 'SilentlyContinue'
`$paCert = [pscustomobject]@{ Subject = 'CN=*.example.com'; FullChainFile = '$($CertA.FullChainFile)'; KeyFile = '$($CertA.KeyFile)'; PfxFullChain = '$($CertA.PfxFile)' }
& '$Runbook' -Endpoint '$EmulatorUrl' -DomainPattern 'www.example.com' -PACertificate `$paCert
exit `$LASTEXITCODE
"@
        $run = Invoke-Child -Environment $Credentials -Arguments @('-Command', $script)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '1 matched; changed: 1; unchanged: 0; failed: 0'
        Get-BoundThumbprint $ById['www.example.com'] | Should -Be $CertA.Thumbprint
    }

    It 'inside Azure Automation takes the credentials from Automation variables and throws on failure' {
        Reset-Emulator
        # Get-AutomationVariable as the Automation sandbox provides it: unknown names are an error.
        $automation = @"
`$ProgressPreference = 'SilentlyContinue'
`$variables = @{ HUAWEICLOUD_SDK_AK = '$($Seed.AccessKey)'; HUAWEICLOUD_SDK_SK = '$($Seed.SecretKey)'; HUAWEICLOUD_SDK_PROJECT_ID = '$($Seed.ProjectId)'; HUAWEICLOUD_SDK_REGION = '$($Seed.Region)' }
function global:Get-AutomationVariable {
    [CmdletBinding()] param([Parameter(Mandatory)] [string] `$Name)
    if (-not `$variables.ContainsKey(`$Name)) { throw "Variable '`$Name' not found." }
    `$variables[`$Name]
}
"@
        $ok = Invoke-Child -Environment $NoCredentials -Arguments @('-Command', $automation + @"
& '$Runbook' -Endpoint '$EmulatorUrl' -DomainPattern 'intra.example.com' -CertificatePath '$($CertA.FullChainFile)' -PrivateKeyPath '$($CertA.KeyFile)'
"@)
        $ok.ExitCode | Should -Be 0 -Because $ok.Output
        $ok.Output | Should -Match '1 matched; changed: 1; unchanged: 0; failed: 0'
        Get-BoundThumbprint $ById['intra.example.com'] | Should -Be $CertA.Thumbprint
        @(Get-SentRequests | Where-Object auth -NE 'aksk').Count | Should -Be 0

        $failing = Invoke-Child -Environment $NoCredentials -Arguments @('-Command', $automation + @"
try { & '$Runbook' -Endpoint '$EmulatorUrl' -DomainPattern 'nothing-here.example.org' -CertificatePath '$($CertA.FullChainFile)' -PrivateKeyPath '$($CertA.KeyFile)'; 'RETURNED' }
catch { "THROWN: `$(`$_.Exception.Message)"; exit 3 }
"@)
        $failing.ExitCode | Should -Be 3 -Because $failing.Output
        $failing.Output | Should -Match "THROWN: No APIG domain matches 'nothing-here\.example\.org'"
    }
}
