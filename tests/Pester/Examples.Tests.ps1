# The examples in docs/examples run as written against the emulator: the Automation runbook and the Azure DevOps
# pipeline step (which installs the packages build.ps1 -Task Package makes).
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
        param([string[]] $Arguments, [hashtable] $Environment, [switch] $WithoutBuiltModule)
        $variables = @{ PSModulePath = $ModulesDir + [IO.Path]::PathSeparator + $env:PSModulePath }
        if ($WithoutBuiltModule) { $variables.PSModulePath = $env:PSModulePath }
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
    It 'uses no syntax Windows PowerShell 5.1 lacks (ternary, ??, ??=, && and ||, -Parallel, clean blocks)' {
        $tokens = $null; $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Runbook, [ref]$tokens, [ref]$errors)
        $errors | Should -BeNullOrEmpty
        $newerSyntax = $ast.FindAll({
                param($node)
                $node -is [System.Management.Automation.Language.TernaryExpressionAst] -or
                $node -is [System.Management.Automation.Language.PipelineChainAst] -or
                ($node -is [System.Management.Automation.Language.BinaryExpressionAst] -and $node.Operator -eq 'QuestionQuestion') -or
                ($node -is [System.Management.Automation.Language.AssignmentStatementAst] -and $node.Operator -eq 'QuestionQuestionEquals') -or
                ($node -is [System.Management.Automation.Language.CommandParameterAst] -and $node.ParameterName -eq 'Parallel') -or
                ($node -is [System.Management.Automation.Language.ScriptBlockAst] -and $node.CleanBlock)
            }, $true)
        @($newerSyntax | ForEach-Object { "line $($_.Extent.StartLineNumber): $($_.Extent.Text)" }) | Should -BeNullOrEmpty
    }

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

Describe 'docs/examples/azure-pipelines.yml: the PowerShell@2 step against the emulator' {
    BeforeAll {
        $pipelineFile = Join-Path $PSScriptRoot '../../docs/examples/azure-pipelines.yml'
        $yaml = Get-Content -LiteralPath $pipelineFile
        # The step's inline script: the indented block under "script: |".
        $start = [array]::FindIndex([string[]]$yaml, [Predicate[string]] { param($l) $l -match '^\s*script:\s*\|\s*$' })
        $start | Should -BeGreaterThan 0
        $indent = ($yaml[$start + 1] -replace '^(\s*).*$', '$1').Length
        $body = [Collections.Generic.List[string]]::new()
        for ($i = $start + 1; $i -lt $yaml.Count; $i++) {
            $line = $yaml[$i]
            if ($line.Trim() -and ($line.Length - $line.TrimStart().Length) -lt $indent) { break }
            $body.Add(($line.Length -ge $indent) ? $line.Substring($indent) : '')
        }
        $StepScript = $body -join "`n"

        $Agent = Join-Path $WorkDir 'agent'
        $FakeHome = Join-Path $Agent 'home'
        New-Item -ItemType Directory -Path (Join-Path $FakeHome '.local/share') -Force | Out-Null
        # What the artifact download puts in place: the packages as ./build.ps1 -Task Package writes them.
        $packaging = Invoke-Child -Environment @{} -Arguments @('-File', (Join-Path $PSScriptRoot '../../tools/packaging/New-ApigPackage.ps1'),
            '-ModulePath', $env:APIG_TEST_MODULE, '-OutputPath', (Join-Path $Agent 'apig-cert-packages'))
        $packaging.ExitCode | Should -Be 0 -Because $packaging.Output

        # Azure DevOps expands $(name) macros before the script runs; an unknown one fails here, not silently.
        function Invoke-PipelineStep {
            param([hashtable] $Macros)
            $script = [regex]::Replace($StepScript, '\$\(([A-Za-z_][A-Za-z0-9_.]*)\)', {
                    param($match)
                    $name = $match.Groups[1].Value
                    if (-not $Macros.ContainsKey($name)) { throw "The step uses the macro `$($name) the test does not provide." }
                    $Macros[$name]
                })
            $scriptPath = Join-Path $Agent 'step.ps1'
            Set-Content -LiteralPath $scriptPath -Value $script
            $environment = @{
                # Install-PSResource -Scope CurrentUser and the PSResourceGet repository list go under this HOME
                # (see Package.Tests.ps1), never into the real profile.
                HOME          = $FakeHome
                XDG_DATA_HOME = Join-Path $FakeHome '.local/share'
                PATH          = $PSHOME + [IO.Path]::PathSeparator + $env:PATH
            }
            foreach ($name in $Credentials.Keys) { $environment[$name] = $Credentials[$name] }
            Invoke-Child -WithoutBuiltModule -Environment $environment -Arguments @('-File', $scriptPath)
        }
        $Macros = @{
            'Pipeline.Workspace'        = $Agent
            'Agent.TempDirectory'       = Join-Path $Agent 'tmp'
            'Build.SourcesDirectory'    = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
            'domainPattern'             = $Pattern
            'fullchain.secureFilePath'  = $CertA.FullChainFile
            'privkey.secureFilePath'    = $CertA.KeyFile
            'apigEndpoint'              = $EmulatorUrl
        }
    }

    It 'maps the four HUAWEICLOUD_SDK_* variables into the step environment and runs pwsh' {
        $text = Get-Content -LiteralPath $pipelineFile -Raw
        foreach ($name in 'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HUAWEICLOUD_SDK_PROJECT_ID', 'HUAWEICLOUD_SDK_REGION') {
            $text | Should -Match "(?m)^\s+$($name): \`$\($name\)\s*$"
        }
        $text | Should -Match '(?m)^\s+- task: PowerShell@2\s*$'
        $text | Should -Match '(?m)^\s+pwsh: true\s*$'
        $StepScript | Should -Match "\`$ErrorActionPreference = 'Stop'"
        $StepScript | Should -Match '-NonInteractive'
    }

    It 'installs Apig.Cert from the nupkg and rotates; a failing domain fails the step' -Skip:$IsWindows {
        Reset-Emulator
        $run = Invoke-PipelineStep $Macros
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '3 matched; changed: 3; unchanged: 0; failed: 0'
        Test-Path (Join-Path $FakeHome '.local/share/powershell/Modules/Apig.Cert') | Should -BeTrue
        foreach ($name in $Matching) { Get-BoundThumbprint $ById[$name] | Should -Be $CertA.Thumbprint }

        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method POST -Body @{
            method = 'POST'; path = "/domains/$($ById['checkout.example.com'])/certificate"; count = -1; action = 'error'; status = 400; errorCode = 'APIG.2012'; errorMsg = 'Invalid parameter value'
        } | Out-Null
        $second = $Macros.Clone(); $second['fullchain.secureFilePath'] = $CertB.FullChainFile; $second['privkey.secureFilePath'] = $CertB.KeyFile
        try { $failing = Invoke-PipelineStep $second }
        finally { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method DELETE | Out-Null }
        $failing.ExitCode | Should -Be 1 -Because $failing.Output
        $failing.Output | Should -Match 'FAILED checkout\.example\.com: APIG\.2012'
    }
}

Describe 'docs/examples/Rotate-ApigCertificate.Runbook.ps1 -FromCcm (whatever Certificate Manager issued)' {
    BeforeAll {
        $ccmFirst = New-TestCertificate -DnsName 'api.example.com', 'checkout.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'ccm-first') `
            -NotAfter ([DateTimeOffset]::UtcNow.AddDays(40))
        $ccmReissued = New-TestCertificate -DnsName 'api.example.com', 'checkout.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'ccm-reissued') `
            -NotAfter ([DateTimeOffset]::UtcNow.AddDays(400))
        function Invoke-CcmRunbook {
            param([string[]] $Arguments)
            Invoke-Runbook (@('-FromCcm', '-CcmEndpoint', $EmulatorUrl, '-DomainPattern', $Pattern) + $Arguments)
        }
    }
    BeforeEach {
        Reset-Emulator
        $body = @{ name = 'api_checkout'; certificatePem = $ccmFirst.CertificatePem; privateKeyPem = $ccmFirst.PrivateKeyPem }
        $script:ccmId = (Invoke-EmulatorAdmin -Url $EmulatorUrl -Path 'ccm/certificates' -Method POST -Body $body).id
        Clear-SentRequests
    }

    It 'binds CCM''s certificate where it covers the domain, leaves the rest, and a re-run sends nothing' {
        $run = Invoke-CcmRunbook @('-AccountId', 'emu0account0000000000000000000001')
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match "Apig.Cert rotation '\[acp\]\*\.example\.com' from CCM: 3 matched; changed: 2; unchanged: 0; failed: 0; without a CCM certificate: 1"
        $run.Output | Should -Match 'pay\.example\.com'
        foreach ($name in 'api.example.com', 'checkout.example.com') { Get-BoundThumbprint $ById[$name] | Should -Be $ccmFirst.Thumbprint -Because $name }
        Get-BoundThumbprint $ById['pay.example.com'] | Should -BeNullOrEmpty
        @(Get-SentRequests | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/export' }).Count | Should -Be 1

        Clear-SentRequests
        $again = Invoke-CcmRunbook @()
        $again.ExitCode | Should -Be 0 -Because $again.Output
        $again.Output | Should -Match 'from CCM: 3 matched; changed: 0; unchanged: 2; failed: 0'
        Get-BindRequestCount | Should -Be 0
        @(Get-SentChanges | Where-Object { $_.path -notlike '/v3/scm/*' }).Count | Should -Be 0
    }

    It 'rotates to the certificate CCM re-issued (a new id), while the old one is still listed' {
        Invoke-CcmRunbook @() | Out-Null
        $reissued = Invoke-EmulatorAdmin -Url $EmulatorUrl -Path "ccm/certificates/$ccmId/reissue" -Method POST -Body @{
            certificatePem = $ccmReissued.CertificatePem; privateKeyPem = $ccmReissued.PrivateKeyPem }
        $reissued.id | Should -Not -Be $ccmId
        Clear-SentRequests
        $run = Invoke-CcmRunbook @()
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'from CCM: 3 matched; changed: 2; unchanged: 0; failed: 0'
        $run.Output | Should -Match ([regex]::Escape($reissued.id))
        foreach ($name in 'api.example.com', 'checkout.example.com') { Get-BoundThumbprint $ById[$name] | Should -Be $ccmReissued.Thumbprint -Because $name }
        Get-BindRequestCount | Should -Be 2
    }

    It '-Verify after a CCM rotation waits for the edge and counts what it serves; the summary names the CCM certificate' {
        $plane = Get-EmulatorDataPlane
        Set-EmulatorSettings @{ propagationDelaySec = 2 }
        try {
            $run = Invoke-CcmRunbook @('-Verify', '-VerifyTimeoutSec', '60', '-VerifyEndpoint', $plane.Endpoint)
        }
        finally { Set-EmulatorSettings @{ propagationDelaySec = 0 } }
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'from CCM: 3 matched; changed: 2; unchanged: 0; failed: 0; without a CCM certificate: 1; verified: 2; not verified: 0'
        $run.Output | Should -Match ([regex]::Escape($ccmId))
        $run.Output | Should -Not -MatchExactly 'NOT VERIFIED'
    }

    It '-WhatIf sends nothing to APIG; a CCM that refuses the listing exits 1' {
        $run = Invoke-CcmRunbook @('-WhatIf')
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '\(WhatIf: nothing was sent\)'
        Get-BindRequestCount | Should -Be 0
        $refused = Invoke-CcmRunbook @('-AccountId', 'emu0account0000000000000000000999')
        $refused.ExitCode | Should -Be 1 -Because $refused.Output
        $refused.Output | Should -Match 'Certificate Manager could not be listed'
        Get-BindRequestCount | Should -Be 0
    }
}

Describe 'docs/examples/Rotate-ApigCertificate.Runbook.ps1 -CertificateName (a stored certificate in place)' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'StoreTestSetup.ps1')
        $caPem = $ca.ExportCertificatePem() + "`n"
    }
    BeforeEach {
        Reset-Emulator
        $script:stored = New-StoredTestCertificate -Cert $CertA -Name wildcard_example_com
        Add-TestBinding -CertificateId $stored.id -DomainName $Matching
        Clear-SentRequests
    }

    It 'rotates in place with one request, every bound domain follows, a re-run sends nothing; both exit 0' {
        $run = Invoke-Runbook @('-CertificateName', 'wildcard_example_com', '-CertificatePath', $CertB.FullChainFile, '-PrivateKeyPath', $CertB.KeyFile)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match "Apig.Cert rotation 'wildcard_example_com': 1 matched; changed: 1; unchanged: 0; failed: 0"
        @(Get-SentChanges).Count | Should -Be 1
        foreach ($name in $Matching) { Get-BoundThumbprint $ById[$name] | Should -Be $CertB.Thumbprint -Because $name }

        Clear-SentRequests
        $again = Invoke-Runbook @('-CertificateName', 'wildcard_example_com', '-CertificatePath', $CertB.FullChainFile, '-PrivateKeyPath', $CertB.KeyFile)
        $again.ExitCode | Should -Be 0 -Because $again.Output
        $again.Output | Should -Match '1 matched; changed: 0; unchanged: 1; failed: 0'
        @(Get-SentChanges).Count | Should -Be 0
    }

    It 'refuses a name that several stored certificates have, naming their ids, sends nothing and exits 1' {
        $twin = New-StoredTestCertificate -Cert $CertB -Name wildcard_example_com
        Clear-SentRequests
        $run = Invoke-Runbook @('-CertificateName', 'wildcard_example_com', '-CertificatePath', $CertB.FullChainFile, '-PrivateKeyPath', $CertB.KeyFile)
        $run.ExitCode | Should -Be 1 -Because $run.Output
        $run.Output | Should -Match ([regex]::Escape($stored.id))
        $run.Output | Should -Match ([regex]::Escape($twin.id))
        $run.Output | Should -Match "Apig.Cert rotation 'wildcard_example_com': 2 matched; changed: 0; unchanged: 0; failed: 0"
        @(Get-SentChanges).Count | Should -Be 0
    }

    It 'exits 1 with the certificate named when the rotation fails (a CA that would be dropped), sending nothing' {
        Reset-Emulator
        $withCa = New-StoredTestCertificate -Cert $CertA -Name mtls_example_com -InstanceId $Seed.InstanceId -TrustedRootCa $caPem
        Clear-SentRequests
        $run = Invoke-Runbook @('-CertificateName', 'mtls_example_com', '-CertificatePath', $CertB.FullChainFile, '-PrivateKeyPath', $CertB.KeyFile)
        $run.ExitCode | Should -Be 1 -Because $run.Output
        $run.Output | Should -Match "FAILED mtls_example_com \($($withCa.id)\): TrustedRootCaWouldBeDropped"
        $run.Output | Should -Match '1 matched; changed: 0; unchanged: 0; failed: 1'
        @(Get-SentChanges).Count | Should -Be 0
    }

    It '-WhatIf sends nothing; an unknown name exits 1' {
        $run = Invoke-Runbook @('-CertificateName', 'wildcard_example_com', '-CertificatePath', $CertB.FullChainFile, '-PrivateKeyPath', $CertB.KeyFile, '-WhatIf')
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match '1 matched; changed: 0; unchanged: 0; failed: 0 \(WhatIf: nothing was sent\)'
        @(Get-SentChanges).Count | Should -Be 0
        $missing = Invoke-Runbook @('-CertificateName', 'no_such_certificate', '-CertificatePath', $CertB.FullChainFile, '-PrivateKeyPath', $CertB.KeyFile)
        $missing.ExitCode | Should -Be 1 -Because $missing.Output
        $missing.Output | Should -Match "No stored APIG certificate is named 'no_such_certificate'"
    }
}

Describe 'docs/examples/Rotate-ApigCertificate.Runbook.ps1 -Verify (what the edge serves after the rotation)' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'StoreTestSetup.ps1')
        $plane = Get-EmulatorDataPlane
        $verifyAt = @('-VerifyEndpoint', $plane.Endpoint)
    }
    BeforeEach { Reset-Emulator }
    AfterEach { Set-EmulatorSettings @{ propagationDelaySec = 0 } }

    It 'waits until every rotated domain serves the new certificate; the summary counts them verified, exit 0' {
        Set-EmulatorSettings @{ propagationDelaySec = 3 }
        $run = Invoke-Runbook (@('-DomainPattern', $Pattern, '-CertificatePath', $CertA.FullChainFile, '-PrivateKeyPath', $CertA.KeyFile, '-Verify', '-VerifyTimeoutSec', '60') + $verifyAt)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match "Apig.Cert rotation '\[acp\]\*.example.com': 3 matched; changed: 3; unchanged: 0; failed: 0; verified: 3; not verified: 0"
        $run.Output | Should -Not -MatchExactly 'NOT VERIFIED'
    }

    It 'names each domain that does not serve the new certificate in time and exits 1' {
        Set-EmulatorSettings @{ propagationDelaySec = 120 }
        $run = Invoke-Runbook (@('-DomainPattern', $Pattern, '-CertificatePath', $CertA.FullChainFile, '-PrivateKeyPath', $CertA.KeyFile, '-Verify', '-VerifyTimeoutSec', '2') + $verifyAt)
        $run.ExitCode | Should -Be 1 -Because $run.Output
        $run.Output | Should -Match 'changed: 3; unchanged: 0; failed: 0; verified: 0; not verified: 3'
        foreach ($name in $Matching) { $run.Output | Should -MatchExactly "NOT VERIFIED $([regex]::Escape($name)): .*within 2 s" }
        foreach ($name in $Matching) { Get-BoundThumbprint $ById[$name] | Should -Be $CertA.Thumbprint -Because 'the rotation itself was done' }
    }

    It 'verifies every domain of a stored certificate rotated in place; a re-run has nothing to verify' {
        $stored = New-StoredTestCertificate -Cert $CertA -Name wildcard_example_com
        Add-TestBinding -CertificateId $stored.id -DomainName $Matching
        $run = Invoke-Runbook (@('-CertificateName', 'wildcard_example_com', '-CertificatePath', $CertB.FullChainFile, '-PrivateKeyPath', $CertB.KeyFile, '-Verify', '-VerifyTimeoutSec', '60') + $verifyAt)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match "1 matched; changed: 1; unchanged: 0; failed: 0; verified: 3; not verified: 0"

        $again = Invoke-Runbook (@('-CertificateName', 'wildcard_example_com', '-CertificatePath', $CertB.FullChainFile, '-PrivateKeyPath', $CertB.KeyFile, '-Verify') + $verifyAt)
        $again.ExitCode | Should -Be 0 -Because $again.Output
        $again.Output | Should -Match 'changed: 0; unchanged: 1; failed: 0; verified: 0; not verified: 0'
    }
}
