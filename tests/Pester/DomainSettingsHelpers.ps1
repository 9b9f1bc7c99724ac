# Dot-sourced after TestSetup.ps1 by the New-, Set- and Remove-ApigDomain test files: the emulator under one setting
# variant, what was sent, and a domain as the emulator's state holds it (the truth, not an API answer).

function Set-Variant([hashtable] $Settings = @{}) {
    Reset-Emulator
    if ($Settings.Count) { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path settings -Method POST -Body $Settings | Out-Null }
    Connect-TestApig | Out-Null
}

function Clear-SentRequests { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null }

# The requests that change something: what "nothing sent" is about once a command has read what it needs.
function Get-Changes { @(Get-SentRequests | Where-Object { $_.method -in 'POST', 'PUT', 'DELETE' }) }

function Get-EmulatorDomainNamed([string] $Name) {
    $state = Invoke-EmulatorAdmin -Url $EmulatorUrl -Path state
    foreach ($instance in $state.instances) {
        foreach ($group in $instance.groups) {
            foreach ($domain in $group.domains) {
                if ($domain.domain -eq $Name) { return $domain | Add-Member -NotePropertyName groupId -NotePropertyValue $group.id -PassThru }
            }
        }
    }
}

# Sets a domain's redirect in the emulator by the raw API (not through the module), so a test starts from a known flag.
function Set-EmulatorRedirect([string] $Name, [bool] $On) {
    $domain = Get-EmulatorDomainNamed $Name
    $path = "/v2/$($Seed.ProjectId)/apigw/instances/$($Seed.InstanceId)/api-groups/$($domain.groupId)/domains/$($domain.id)"
    $body = @{ min_ssl_version = $domain.minSslVersion; is_http_redirect_to_https = $On } | ConvertTo-Json
    Invoke-RestMethod -Method Put -Uri ($EmulatorUrl + $path) -Headers @{ 'X-Auth-Token' = $Seed.Token } -ContentType 'application/json' -Body $body | Out-Null
    Clear-SentRequests
}
