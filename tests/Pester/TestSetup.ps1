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

function Stop-TestEmulator {
    $script:Emulator | Stop-ApigEmulator
    Remove-Item $script:WorkDir -Recurse -Force -ErrorAction Ignore
}
