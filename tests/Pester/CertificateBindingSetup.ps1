# Dot-sourced after TestSetup.ps1 by the certificate-binding test files: a stored certificate made straight through
# the emulator's API (the store's own cmdlet, New-ApigCertificate, is another part's), and small readers of the state.

function New-StoredTestCertificate {
    <# Creates a certificate in the emulator's store with CreateCertificateV2 (IAM token auth); returns its CertificateDetail. #>
    param(
        [Parameter(Mandatory)] $Certificate,
        [string] $Name = ('stored_' + [guid]::NewGuid().ToString('N').Substring(0, 8)),
        [ValidateSet('global', 'instance')] [string] $Type = 'global',
        [string] $InstanceId,
        [string] $TrustedRootCaPem
    )
    $body = @{ name = $Name; cert_content = $Certificate.CertificatePem; private_key = $Certificate.PrivateKeyPem; type = $Type }
    if ($InstanceId) { $body.instance_id = $InstanceId }
    if ($TrustedRootCaPem) { $body.trusted_root_ca = $TrustedRootCaPem }
    $client = [System.Net.Http.HttpClient]::new()
    try {
        $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Post, "$EmulatorUrl/v2/$($Seed.ProjectId)/apigw/certificates")
        $request.Headers.Add('X-Auth-Token', $Seed.Token)
        $request.Content = [System.Net.Http.StringContent]::new(($body | ConvertTo-Json -Compress), [System.Text.Encoding]::UTF8, 'application/json')
        $response = $client.SendAsync($request).GetAwaiter().GetResult()
        $text = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
        if (-not $response.IsSuccessStatusCode) { throw "CreateCertificateV2 answered $([int]$response.StatusCode): $text" }
    }
    finally { $client.Dispose() }
    # What the test counts is the command under test, not this set-up call.
    Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
    $text | ConvertFrom-Json
}

function Get-EmulatorStore { (Invoke-EmulatorAdmin -Url $EmulatorUrl -Path state).certificates }

function Get-EmulatorDomainByName {
    param([string] $Name)
    $state = Invoke-EmulatorAdmin -Url $EmulatorUrl -Path state
    foreach ($instance in $state.instances) {
        foreach ($group in $instance.groups) {
            foreach ($domain in $group.domains) { if ($domain.domain -eq $Name) { return $domain } }
        }
    }
}

function Set-EmulatorSettings { param([hashtable] $Settings) Invoke-EmulatorAdmin -Url $EmulatorUrl -Path settings -Method PUT -Body $Settings | Out-Null }

# Requests that change something: every POST, PUT and DELETE the command sent.
function Get-SentChanges { @(Get-SentRequests | Where-Object { $_.method -in 'POST', 'PUT', 'DELETE' }) }
