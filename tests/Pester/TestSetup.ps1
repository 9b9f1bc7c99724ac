# Dot-sourced by every test file in BeforeAll: the built module, the support helpers, a live emulator, and the
# emulator's default seed (docs/emulator.md).
$ErrorActionPreference = 'Stop'
Import-Module $env:APIG_TEST_SUPPORT -Force
Import-Module (Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1') -Force

$script:Seed = @{
    Region      = 'cn-north-4'
    ProjectId   = '0a1b2c3d4e5f40718293a4b5c6d7e8f9'
    InstanceId  = 'inst0000000000000000000000000001'
    AccessKey   = 'EMULATORACCESSKEY0001'
    SecretKey   = 'emulator-secret-key-0001'
    TempKey     = 'EMULATORTEMPKEY00001'
    TempSecret  = 'emulator-temp-secret-0001'
    TempToken   = 'emulator-security-token-0001'
    Token       = 'emulator-token-0001'
    ExpiredToken = 'emulator-expired-token-0001'
    UserName    = 'emulator-user'
    Password    = 'emulator-password-0001'
    AccountName = 'emulator-account'
    Domains     = @(
        [pscustomobject]@{ InstanceId = 'inst0000000000000000000000000001'; GroupId = 'grp00000000000000000000000000001'; DomainId = 'dom00000000000000000000000000001'; DomainName = 'api.example.com' }
        [pscustomobject]@{ InstanceId = 'inst0000000000000000000000000001'; GroupId = 'grp00000000000000000000000000001'; DomainId = 'dom00000000000000000000000000002'; DomainName = 'www.example.com' }
        [pscustomobject]@{ InstanceId = 'inst0000000000000000000000000001'; GroupId = 'grp00000000000000000000000000002'; DomainId = 'dom00000000000000000000000000003'; DomainName = 'pay.example.com' }
        [pscustomobject]@{ InstanceId = 'inst0000000000000000000000000001'; GroupId = 'grp00000000000000000000000000002'; DomainId = 'dom00000000000000000000000000004'; DomainName = 'checkout.example.com' }
        [pscustomobject]@{ InstanceId = 'inst0000000000000000000000000001'; GroupId = 'grp00000000000000000000000000003'; DomainId = 'dom00000000000000000000000000005'; DomainName = 'intra.example.com' }
    )
}

$script:Emulator = Start-ApigEmulator -EmulatorPath $env:APIG_TEST_EMULATOR
$script:EmulatorUrl = $script:Emulator.Url
$script:WorkDir = Join-Path ([IO.Path]::GetTempPath()) ('apig-pester-' + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $script:WorkDir | Out-Null

function Connect-TestApig {
    param([ValidateSet('AccessKey', 'Token', 'Password', 'TemporaryKey')] [string] $As = 'AccessKey')
    $common = @{ Region = $Seed.Region; ProjectId = $Seed.ProjectId; Endpoint = $EmulatorUrl }
    $context = switch ($As) {
        'AccessKey' { Connect-Apig @common -AccessKey $Seed.AccessKey -SecretKey (ConvertTo-SecureString $Seed.SecretKey -AsPlainText -Force) }
        'TemporaryKey' { Connect-Apig @common -AccessKey $Seed.TempKey -SecretKey (ConvertTo-SecureString $Seed.TempSecret -AsPlainText -Force) -SecurityToken (ConvertTo-SecureString $Seed.TempToken -AsPlainText -Force) }
        'Token' { Connect-Apig @common -Token (ConvertTo-SecureString $Seed.Token -AsPlainText -Force) }
        'Password' {
            $credential = [pscredential]::new($Seed.UserName, (ConvertTo-SecureString $Seed.Password -AsPlainText -Force))
            Connect-Apig @common -IamEndpoint $EmulatorUrl -Credential $credential -AccountName $Seed.AccountName
        }
    }
    # Connect-Apig's validation read is not what the tests count: "sent nothing" means the command under test.
    Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
    $context
}

function Reset-Emulator { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path reset -Method POST | Out-Null }

function Get-SentRequests { Get-EmulatorRequests -Url $EmulatorUrl }

function Get-EmulatorDomain {
    param([string] $DomainId)
    $state = Invoke-EmulatorAdmin -Url $EmulatorUrl -Path state
    foreach ($instance in $state.instances) {
        foreach ($group in $instance.groups) {
            foreach ($domain in $group.domains) { if ($domain.id -eq $DomainId) { return $domain } }
        }
    }
}

# Shared by the store, binding and domain-settings files: the emulator's settings, what was sent, and what it holds
# (its admin state: the truth, not an API answer).
function Set-EmulatorSettings { param([hashtable] $Settings) Invoke-EmulatorAdmin -Url $EmulatorUrl -Path settings -Method PUT -Body $Settings | Out-Null }

function Clear-SentRequests { param([string] $Url = $EmulatorUrl) Invoke-EmulatorAdmin -Url $Url -Path requests -Method DELETE | Out-Null }

# The requests that change something: what "nothing sent" is about once a command has read what it needs.
function Get-SentChanges { @(Get-SentRequests | Where-Object { $_.method -in 'POST', 'PUT', 'DELETE' }) }

function Get-EmulatorDataPlane {
    <# The emulator's TLS data plane: Host, Port and Endpoint ("host:port", for -Endpoint) from the admin state. #>
    param([string] $Url = $EmulatorUrl)
    $plane = (Invoke-EmulatorAdmin -Url $Url -Path state).dataPlane
    [pscustomobject]@{ Host = $plane.host; Port = [int] $plane.port; Endpoint = "$($plane.host):$($plane.port)" }
}

function Get-EmulatorStore { @((Invoke-EmulatorAdmin -Url $EmulatorUrl -Path state).certificates) }

function Get-EmulatorDomains {
    $state = Invoke-EmulatorAdmin -Url $EmulatorUrl -Path state
    foreach ($instance in $state.instances) {
        foreach ($group in $instance.groups) { foreach ($domain in $group.domains) { $domain | Add-Member -NotePropertyName groupId -NotePropertyValue $group.id -Force -PassThru } }
    }
}

function Get-EmulatorDomainByName([string] $Name) { Get-EmulatorDomains | Where-Object domain -EQ $Name | Select-Object -First 1 }

function Invoke-TestApi {
    <# One call of the emulator's APIG API with the seed's token: arranging state without the cmdlets under test. #>
    param([Parameter(Mandatory)] [string] $Method, [Parameter(Mandatory)] [string] $Path, $Body, [string] $Url = $EmulatorUrl)
    $params = @{ Method = $Method; Uri = "$Url/v2/$($Seed.ProjectId)/apigw$Path"; Headers = @{ 'X-Auth-Token' = $Seed.Token } }
    if ($null -ne $Body) { $params.Body = ($Body | ConvertTo-Json -Depth 8); $params.ContentType = 'application/json' }
    Invoke-RestMethod @params
}

function New-StoredTestCertificate {
    <#
    Creates a certificate in the emulator's store with CreateCertificateV2 (an instance one with -InstanceId), then
    clears the request log so a test counts only the command under test; answers its CertificateDetail.
    #>
    param(
        [Parameter(Mandatory)] [Alias('Cert')] $Certificate,
        [string] $Name = ('stored_' + [guid]::NewGuid().ToString('N').Substring(0, 8)),
        [ValidateSet('global', 'instance')] [string] $Type,
        [string] $InstanceId,
        [Alias('TrustedRootCa')] [string] $TrustedRootCaPem,
        [string] $Url = $EmulatorUrl
    )
    if (-not $Type) { $Type = if ($InstanceId) { 'instance' } else { 'global' } }
    $body = @{ name = $Name; cert_content = $Certificate.CertificatePem; private_key = $Certificate.PrivateKeyPem; type = $Type }
    if ($InstanceId) { $body.instance_id = $InstanceId }
    if ($TrustedRootCaPem) { $body.trusted_root_ca = $TrustedRootCaPem }
    $created = Invoke-TestApi -Method POST -Path '/certificates' -Body $body -Url $Url
    Clear-SentRequests -Url $Url
    $created
}

function Start-SecondEmulator {
    <#
    Another emulator, standing for a second region: the seed hashtable (docs/emulator.md, "State file format") is
    written to a state file. Answers Start-ApigEmulator's object (Url, Process); stop it with Stop-ApigEmulator.
    #>
    param([Parameter(Mandatory)] [hashtable] $State)
    $file = Join-Path $WorkDir ('state-' + [guid]::NewGuid().ToString('N') + '.json')
    $State | ConvertTo-Json -Depth 12 | Set-Content -LiteralPath $file -Encoding utf8
    Start-ApigEmulator -EmulatorPath $env:APIG_TEST_EMULATOR -StatePath $file
}

function Invoke-CapturedFlow {
    <#
    Runs script lines in a child pwsh with every stream on (Verbose, Debug, Warning, Error, Information) and a
    transcript, the module imported, $domains the seed's domains, and every error record written out at the end. The
    secrets reach the child through its environment (-Environment), so the script text, which error records quote,
    holds none. Answers all it wrote, with the emulator's log and state, as one string to search for secrets.
    #>
    param([Parameter(Mandatory)] [string] $Body, [hashtable] $Environment = @{}, [string] $Name = 'flow')
    $transcript = Join-Path $WorkDir "$Name-transcript.txt"
    $captured = Join-Path $WorkDir "$Name-streams.txt"
    $script = @"
`$ErrorActionPreference = 'Continue'
`$VerbosePreference = 'Continue'
`$DebugPreference = 'Continue'
`$InformationPreference = 'Continue'
Start-Transcript -LiteralPath '$transcript' | Out-Null
& {
    Import-Module '$(Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')'
    `$domains = '$($Seed.Domains | ConvertTo-Json -Compress)' | ConvertFrom-Json
$Body
    `$Error | ForEach-Object { `$_ | Format-List * -Force | Out-String; `$_.Exception.ToString() }
} *>&1 | Out-String -Width 400
Stop-Transcript | Out-Null
"@
    foreach ($variable in $Environment.Keys) { Set-Item -LiteralPath "env:$variable" -Value $Environment[$variable] }
    try { & (Get-PwshCommand) -NoProfile -NonInteractive -Command $script *> $captured }
    finally { foreach ($variable in $Environment.Keys) { Remove-Item -LiteralPath "env:$variable" -ErrorAction Ignore } }
    (Get-Content -Raw $captured) + (Get-Content -Raw $transcript) +
        ((Get-EmulatorRequests -Url $EmulatorUrl) | ConvertTo-Json -Depth 10) +
        ((Invoke-EmulatorAdmin -Url $EmulatorUrl -Path state) | ConvertTo-Json -Depth 20)
}

function Get-PrivateKeyLines {
    <# The base64 lines of PEM key files (16 characters or more), each of which must never be output. #>
    param([Parameter(Mandatory)] [string[]] $Path)
    foreach ($file in $Path) { Get-Content $file | Where-Object { $_ -notmatch '^-----' -and $_.Length -ge 16 } }
}

function Stop-TestEmulator {
    $script:Emulator | Stop-ApigEmulator
    Remove-Item $script:WorkDir -Recurse -Force -ErrorAction Ignore
}
