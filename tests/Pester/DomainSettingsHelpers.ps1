# Dot-sourced after TestSetup.ps1 by the New-, Set- and Remove-ApigDomain test files: the emulator under one setting
# variant, what was sent, and a domain as the emulator's state holds it (the truth, not an API answer).

function Set-Variant([hashtable] $Settings = @{}) {
    Reset-Emulator
    if ($Settings.Count) { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path settings -Method POST -Body $Settings | Out-Null }
    Connect-TestApig | Out-Null
}

# Sets a domain's redirect in the emulator by the raw API (not through the module), so a test starts from a known flag.
function Set-EmulatorRedirect([string] $Name, [bool] $On) {
    $domain = Get-EmulatorDomainByName $Name
    $path = "/v2/$($Seed.ProjectId)/apigw/instances/$($Seed.InstanceId)/api-groups/$($domain.groupId)/domains/$($domain.id)"
    $body = @{ min_ssl_version = $domain.minSslVersion; is_http_redirect_to_https = $On } | ConvertTo-Json
    Invoke-RestMethod -Method Put -Uri ($EmulatorUrl + $path) -Headers @{ 'X-Auth-Token' = $Seed.Token } -ContentType 'application/json' -Body $body | Out-Null
    Clear-SentRequests
}

# A certificate in the emulator's store bound to one domain, made by the raw API (the store cmdlets are not under test
# here): with -TrustedRootCa its domains can verify client certificates. Verification is left off on attach.
function New-EmulatorStoredBinding {
    param([string] $DomainName, $Certificate, $TrustedRootCa)
    $headers = @{ 'X-Auth-Token' = $Seed.Token }
    $base = "$EmulatorUrl/v2/$($Seed.ProjectId)/apigw"
    $form = @{
        name = 'stored_' + ($DomainName -replace '[^a-z0-9]', '_')
        cert_content = Get-Content -LiteralPath $Certificate.FullChainFile -Raw
        private_key = Get-Content -LiteralPath $Certificate.KeyFile -Raw
        type = 'instance'; instance_id = $Seed.InstanceId
    }
    if ($TrustedRootCa) { $form.trusted_root_ca = $TrustedRootCa.ExportCertificatePem() + "`n" }
    $stored = Invoke-RestMethod -Method Post -Uri "$base/certificates" -Headers $headers -ContentType 'application/json' -Body ($form | ConvertTo-Json)
    $domain = Get-EmulatorDomainByName $DomainName
    $attach = @{ certificate_ids = @($stored.id); verified_client_certificate_enabled = $false } | ConvertTo-Json
    Invoke-RestMethod -Method Post -Uri "$base/instances/$($Seed.InstanceId)/api-groups/$($domain.groupId)/domains/$($domain.id)/certificates/attach" `
        -Headers $headers -ContentType 'application/json' -Body $attach | Out-Null
    Clear-SentRequests
    $stored.id
}
