# Dot-sourced after TestSetup.ps1 by the certificate-store test files: store certificates and bindings made straight
# through the emulator's API (a token header, no module), so a test arranges its state without the cmdlets under test,
# and what the emulator holds, read from its admin state.

function Invoke-TestApi {
    param([Parameter(Mandatory)] [string] $Method, [Parameter(Mandatory)] [string] $Path, $Body, [string] $Url = $EmulatorUrl)
    $params = @{ Method = $Method; Uri = "$Url/v2/$($Seed.ProjectId)/apigw$Path"; Headers = @{ 'X-Auth-Token' = $Seed.Token } }
    if ($null -ne $Body) { $params.Body = ($Body | ConvertTo-Json -Depth 8); $params.ContentType = 'application/json' }
    Invoke-RestMethod @params
}

function New-TestStoredCertificate {
    <# Creates a store certificate through the API; answers its CertificateDetail. #>
    param([Parameter(Mandatory)] $Cert, [Parameter(Mandatory)] [string] $Name, [string] $InstanceId, [string] $TrustedRootCa, [string] $Url = $EmulatorUrl)
    $body = @{ name = $Name; cert_content = $Cert.CertificatePem; private_key = $Cert.PrivateKeyPem; type = ($InstanceId ? 'instance' : 'global') }
    if ($InstanceId) { $body.instance_id = $InstanceId }
    if ($TrustedRootCa) { $body.trusted_root_ca = $TrustedRootCa }
    Invoke-TestApi -Method POST -Path '/certificates' -Body $body -Url $Url
}

function Add-TestBinding {
    <# Binds a stored certificate to domains by name with one certificate-side batch request. #>
    param([Parameter(Mandatory)] [string] $CertificateId, [Parameter(Mandatory)] [string[]] $DomainName)
    Invoke-TestApi -Method POST -Path "/certificates/$CertificateId/domains/attach" -Body @{ domains = @($DomainName | ForEach-Object { @{ domain = $_ } }) } | Out-Null
}

function Get-EmulatorStore {
    <# The emulator's whole store (the truth, not an API answer). #>
    @((Invoke-EmulatorAdmin -Url $EmulatorUrl -Path state).certificates)
}

function Get-EmulatorDomains {
    $state = Invoke-EmulatorAdmin -Url $EmulatorUrl -Path state
    foreach ($instance in $state.instances) { foreach ($group in $instance.groups) { foreach ($domain in $group.domains) { $domain } } }
}

function Clear-SentRequests { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null }

function Get-ChangeRequests { @(Get-SentRequests | Where-Object method -In 'POST', 'PUT', 'DELETE') }

function Set-EmulatorSettings { param([hashtable] $Settings) Invoke-EmulatorAdmin -Url $EmulatorUrl -Path settings -Method PUT -Body $Settings | Out-Null }

function Invoke-Collecting {
    <# Runs a script block with errors non-terminating; answers its error records and its other output, apart. #>
    param([scriptblock] $Run)
    $ErrorActionPreference = 'Continue'
    $all = @(& $Run 2>&1)
    , @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
    , @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
}
