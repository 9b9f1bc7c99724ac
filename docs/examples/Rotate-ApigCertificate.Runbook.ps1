<#
.SYNOPSIS
    Rotates the TLS certificate on every Huawei Cloud APIG custom domain that matches a pattern, or rotates one
    certificate of APIG's certificate store in place (-CertificateName).
.DESCRIPTION
    An Azure Automation runbook (PowerShell 7.2 or 5.1 runtime) that also runs as a plain script, e.g. from an
    Azure DevOps pipeline. It renews nothing itself: it takes certificate files (or a Posh-ACME certificate
    object) that something else renewed and binds them to every matching domain with the Apig.Cert module.

    Idempotent: a domain that already holds the certificate is left alone (Apig.Cert compares name, serial and
    issuer), so a second run sends no bind request. Every domain is tried even when others fail.

    Credentials, in this order:
      - Inside Azure Automation: the Automation variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (make SK an
        encrypted variable), optional HUAWEICLOUD_SDK_SECURITY_TOKEN, HUAWEICLOUD_SDK_PROJECT_ID and
        HUAWEICLOUD_SDK_REGION.
      - Otherwise (or for whatever is not set there): the environment variables of the same names, which
        Connect-Apig reads by itself.
    -Region, -ProjectId and -Endpoint, when given, win over both.

    With -CertificateName it rotates a certificate of the store in place instead (Set-ApigCertificate): one update
    request, and every domain bound to it serves the new certificate. Store names need not be unique: a name that
    matches several stored certificates is refused, naming their ids, and nothing is sent. A re-run sends nothing.

    Output: a summary object (Matched, Changed, Unchanged, Failed, ChangedDomains, UnchangedDomains,
    FailedDomains), one "FAILED <domain>: ..." line per failure, and one line
    "Apig.Cert rotation '<pattern>': N matched; changed: X; unchanged: Y; failed: Z" (with -CertificateName the
    summary counts certificates, ChangedCertificates/UnchangedCertificates/FailedCertificates list them, and the
    line names the certificate instead of the pattern).
    On any failure (a domain that could not be rotated, no domain matching, no connection) it ends with exit code 1
    (in Azure Automation: it throws, so the job is marked Failed).
.PARAMETER DomainPattern
    Wildcard on the domain name (Get-ApigDomain -DomainName). Default '*': every domain of every group of every
    instance. The certificate must cover every matching domain; the ones it does not cover fail.
.PARAMETER CertificateName
    The name of a certificate in APIG's certificate store to rotate in place, instead of binding to domains. Exactly
    one stored certificate must have the name (otherwise exit code 1, nothing sent). Not with -DomainPattern.
.PARAMETER CertificatePath
    PEM or DER certificate, or the full chain (Posh-ACME's fullchain.cer, certbot's fullchain.pem).
.PARAMETER PrivateKeyPath
    The certificate's private key (PEM; PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1).
.PARAMETER PrivateKeyPassword
    Password of an encrypted key: a SecureString, or a string (Automation cannot pass a SecureString parameter).
.PARAMETER PfxPath
    A PKCS#12 file instead of the two PEM files.
.PARAMETER PfxPassword
    The PFX password: a SecureString or a string.
.PARAMETER PACertificate
    A Posh-ACME certificate (Get-PACertificate): its FullChainFile and KeyFile are bound.
.PARAMETER FromCcm
    CCM mode: rotate whatever Huawei Cloud Certificate Manager (CCM) has (re-)issued for each matching domain. Per
    domain, the newest ISSUED CCM certificate whose domain or SANs cover it is exported and bound
    (Set-ApigDomainCertificate -CcmCertificateId); a domain that already holds it is left alone, so a re-run sends
    nothing to APIG. Domains no ISSUED CCM certificate covers are listed (WithoutCcmCertificate) and not touched.
    Multi-year CCM certificates are re-issued 30 days before expiry as a new certificate: scheduled daily, this
    mode picks the new one up. No certificate parameters.
.PARAMETER CcmEndpoint
    CCM endpoint (Connect-Apig -CcmEndpoint); default the CCM of the region's site.
.PARAMETER AccountId
    The account (domain) id CCM requests are signed for (Connect-Apig -AccountId); default the Automation variable,
    or environment variable, HUAWEICLOUD_SDK_DOMAIN_ID.
.PARAMETER Region
    APIG region, e.g. cn-north-4.
.PARAMETER ProjectId
    The region's project id.
.PARAMETER Endpoint
    APIG endpoint; default https://apig.<region>.myhuaweicloud.com.
.PARAMETER MaxRetries
    Retries per request for throttling, server errors and dropped connections (0-10, default 3).
.PARAMETER Verify
    After rotating, checks over TLS that every rotated domain really serves the new certificate
    (Test-ApigDomainCertificate -WaitUntilMatches), waiting at most -VerifyTimeoutSec per domain. The summary then
    counts Verified and NotVerified (NotVerifiedDomains lists them, one "NOT VERIFIED <domain>: ..." line each), and
    a domain not verified in time makes the run fail (exit code 1). Domains that already held the certificate, and
    -WhatIf runs, are not checked.
.PARAMETER VerifyTimeoutSec
    How long -Verify waits for each domain to serve the new certificate (1-3600 seconds, default 600).
.PARAMETER VerifyEndpoint
    Where -Verify connects (host[:port], e.g. one gateway address), instead of each domain name on its HTTPS port.
.EXAMPLE
    ./Rotate-ApigCertificate.Runbook.ps1 -DomainPattern '*.example.com' -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem
.EXAMPLE
    ./Rotate-ApigCertificate.Runbook.ps1 -FromCcm -DomainPattern '*.example.com' -AccountId 0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f
.EXAMPLE
    ./Rotate-ApigCertificate.Runbook.ps1 -CertificateName wildcard_example_com -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem
.EXAMPLE
    ./Rotate-ApigCertificate.Runbook.ps1 -PACertificate (Get-PACertificate '*.example.com') -DomainPattern '*.example.com' -WhatIf
.EXAMPLE
    ./Rotate-ApigCertificate.Runbook.ps1 -DomainPattern '*.example.com' -CertificatePath ./fullchain.pem -PrivateKeyPath ./privkey.pem -Verify -VerifyTimeoutSec 900
#>
[CmdletBinding(SupportsShouldProcess = $true, DefaultParameterSetName = 'PemFiles')]
param(
    [string] $DomainPattern = '*',

    [string] $CertificateName,

    [Parameter(Mandatory = $true, ParameterSetName = 'PemFiles')]
    [string] $CertificatePath,

    [Parameter(Mandatory = $true, ParameterSetName = 'PemFiles')]
    [string] $PrivateKeyPath,

    [Parameter(ParameterSetName = 'PemFiles')]
    [object] $PrivateKeyPassword,

    [Parameter(Mandatory = $true, ParameterSetName = 'Pfx')]
    [string] $PfxPath,

    [Parameter(ParameterSetName = 'Pfx')]
    [object] $PfxPassword,

    [Parameter(Mandatory = $true, ParameterSetName = 'PACertificate')]
    [object] $PACertificate,

    # CCM mode: the certificate comes from Certificate Manager, per domain.
    [Parameter(Mandatory = $true, ParameterSetName = 'Ccm')]
    [switch] $FromCcm,

    [string] $CcmEndpoint,
    [string] $AccountId,

    [string] $Region,
    [string] $ProjectId,
    [string] $Endpoint,

    [ValidateRange(0, 10)]
    [int] $MaxRetries = 3,

    [switch] $Verify,

    [ValidateRange(1, 3600)]
    [int] $VerifyTimeoutSec = 600,

    [string] $VerifyEndpoint
)

# Written for Windows PowerShell 5.1 as well as PowerShell 7: no ternary, no null-coalescing, no -Parallel.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version Latest

# Get-AutomationVariable exists only inside an Azure Automation job; its presence is how the runbook knows where it runs.
$inAutomation = [bool](Get-Command -Name Get-AutomationVariable -ErrorAction SilentlyContinue)

function Get-AutomationSetting {
    param([string] $Name)
    if (-not $inAutomation) { return $null }
    try { return Get-AutomationVariable -Name $Name -ErrorAction Stop }
    catch { return $null }   # not defined in this account: fall back to the environment
}

function ConvertTo-SecurePassword {
    param([object] $Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [System.Security.SecureString]) { return $Value }
    ConvertTo-SecureString -String ([string]$Value) -AsPlainText -Force
}

Import-Module Apig.Cert

# --- Verify (-Verify): what the edge really serves after the rotation -------------------------------------------
function Invoke-Verification {
    <# Test-ApigDomainCertificate -WaitUntilMatches on what was rotated; verified means the bound certificate is served. #>
    param([object[]] $Rotated)
    $outcome = [pscustomobject]@{ Verified = @(); NotVerified = @(); Lines = @() }
    if (-not $Verify -or $WhatIfPreference -or -not $Rotated) { return $outcome }
    # A check that did not work carries its Error on the object, which the summary reports: its error record is not needed.
    $test = @{ WaitUntilMatches = $true; TimeoutSec = $VerifyTimeoutSec; ErrorAction = 'SilentlyContinue' }
    if ($VerifyEndpoint) { $test.Endpoint = $VerifyEndpoint }
    # Checking is not changing: -WhatIf of the run does not reach it (it is skipped above anyway).
    $checks = @($Rotated | Test-ApigDomainCertificate @test)
    $outcome.Verified = @($checks | Where-Object { $_.MatchesBound -eq $true } | ForEach-Object { $_.DomainName })
    $notVerified = @($checks | Where-Object { $_.MatchesBound -ne $true })
    $outcome.NotVerified = @($notVerified | ForEach-Object { $_.DomainName })
    $outcome.Lines = @($notVerified | ForEach-Object {
            $reason = if ($_.Error) { $_.Error } else { "serves $($_.Served.Subject) (serial $($_.Served.SerialNumber)), not the bound certificate" }
            "NOT VERIFIED $($_.DomainName): $reason"
        })
    $outcome
}

function Add-VerificationSummary {
    param([object] $Summary, [object] $Verification)
    if (-not $Verify) { return }
    $Summary | Add-Member -NotePropertyName Verified -NotePropertyValue $Verification.Verified.Count
    $Summary | Add-Member -NotePropertyName NotVerified -NotePropertyValue $Verification.NotVerified.Count
    $Summary | Add-Member -NotePropertyName NotVerifiedDomains -NotePropertyValue $Verification.NotVerified
}

# --- Connect ---------------------------------------------------------------------------------------------------
$connect = @{ MaxRetries = $MaxRetries }
$accessKey = Get-AutomationSetting 'HUAWEICLOUD_SDK_AK'
$secretKey = Get-AutomationSetting 'HUAWEICLOUD_SDK_SK'
if ($accessKey -and $secretKey) {
    $connect.AccessKey = $accessKey
    $connect.SecretKey = ConvertTo-SecureString -String $secretKey -AsPlainText -Force
    $securityToken = Get-AutomationSetting 'HUAWEICLOUD_SDK_SECURITY_TOKEN'
    if ($securityToken) { $connect.SecurityToken = ConvertTo-SecureString -String $securityToken -AsPlainText -Force }
}
# Without -AccessKey, Connect-Apig reads HUAWEICLOUD_SDK_AK/SK/SECURITY_TOKEN/REGION/PROJECT_ID from the environment.
if (-not $Region) { $Region = Get-AutomationSetting 'HUAWEICLOUD_SDK_REGION' }
if (-not $ProjectId) { $ProjectId = Get-AutomationSetting 'HUAWEICLOUD_SDK_PROJECT_ID' }
if ($Region) { $connect.Region = $Region }
if ($ProjectId) { $connect.ProjectId = $ProjectId }
if ($Endpoint) { $connect.Endpoint = $Endpoint }
if (-not $AccountId) { $AccountId = Get-AutomationSetting 'HUAWEICLOUD_SDK_DOMAIN_ID' }
if ($AccountId) { $connect.AccountId = $AccountId }
if ($CcmEndpoint) { $connect.CcmEndpoint = $CcmEndpoint }
$context = Connect-Apig @connect
Write-Verbose "Connected: region $($context.Region), project $($context.ProjectId), endpoint $($context.Endpoint)."

# --- Certificate -----------------------------------------------------------------------------------------------
$certificate = @{}
switch ($PSCmdlet.ParameterSetName) {
    'PemFiles' {
        $certificate.CertificatePath = $CertificatePath
        $certificate.PrivateKeyPath = $PrivateKeyPath
        if ($null -ne $PrivateKeyPassword) { $certificate.PrivateKeyPassword = ConvertTo-SecurePassword $PrivateKeyPassword }
    }
    'Pfx' {
        $certificate.PfxPath = $PfxPath
        if ($null -ne $PfxPassword) { $certificate.PfxPassword = ConvertTo-SecurePassword $PfxPassword }
    }
    'PACertificate' {
        $fullChain = $PACertificate.PSObject.Properties['FullChainFile']
        $key = $PACertificate.PSObject.Properties['KeyFile']
        if (-not $fullChain -or -not $fullChain.Value -or -not $key -or -not $key.Value) {
            throw '-PACertificate needs an object with FullChainFile and KeyFile, such as the output of Get-PACertificate.'
        }
        $certificate.CertificatePath = [string]$fullChain.Value
        $certificate.PrivateKeyPath = [string]$key.Value
    }
}

# --- Rotate: a stored certificate in place ----------------------------------------------------------------------
if ($CertificateName) {
    if ($PSBoundParameters.ContainsKey('DomainPattern')) {
        Write-Output '-CertificateName rotates a stored certificate in place, -DomainPattern binds to domains: give one of them.'
        exit 1
    }

    $stored = @(Get-ApigCertificate -Name ([System.Management.Automation.WildcardPattern]::Escape($CertificateName)))
    $rotationErrors = @()
    $results = @()
    $problem = $null
    if ($stored.Count -eq 0) { $problem = "No stored APIG certificate is named '$CertificateName'. List them with Get-ApigCertificate." }
    elseif ($stored.Count -gt 1) {
        # Store names are not unique: rotating "the one named X" would be a guess.
        $problem = "'$CertificateName' names $($stored.Count) stored certificates: $(($stored | ForEach-Object { $_.CertificateId }) -join ', '). Nothing was sent. Rename all but one (Set-ApigCertificate -NewName), or rotate by id: Set-ApigCertificate -CertificateId <id>."
    }
    else {
        $results = @($stored | Set-ApigCertificate @certificate -ErrorAction SilentlyContinue -ErrorVariable rotationErrors)
        $changed = @($results | Where-Object { $_.Changed })
        $unchanged = @($results | Where-Object { -not $_.Changed })
        if ($rotationErrors.Count -gt 0) { $problem = "$($rotationErrors.Count) certificate(s) failed: $CertificateName." }
    }
    if (-not $results) { $changed = @(); $unchanged = @() }

    # -Verify: every domain bound to the rotated certificate (a piped stored certificate stands for all of them).
    $verification = Invoke-Verification -Rotated $changed
    $storeSummary = ([pscustomobject]@{
            CertificateName       = $CertificateName
            Matched               = $stored.Count
            Changed               = $changed.Count
            Unchanged             = $unchanged.Count
            Failed                = $rotationErrors.Count
            WhatIf                = [bool]$WhatIfPreference
            ChangedCertificates   = @($changed | ForEach-Object { "$($_.Name) ($($_.CertificateId))" })
            UnchangedCertificates = @($unchanged | ForEach-Object { "$($_.Name) ($($_.CertificateId))" })
            FailedCertificates    = @($rotationErrors | ForEach-Object { [string]$_.TargetObject })
        })
    Add-VerificationSummary $storeSummary $verification
    Write-Output $storeSummary
    foreach ($failure in $rotationErrors) {
        Write-Output "FAILED $CertificateName ($($failure.TargetObject)): $($failure.FullyQualifiedErrorId.Split(',')[0]): $($failure.Exception.Message)"
    }
    $line = "Apig.Cert rotation '$CertificateName': $($stored.Count) matched; changed: $($changed.Count); unchanged: $($unchanged.Count); failed: $($rotationErrors.Count)"
    if ($WhatIfPreference) { $line += ' (WhatIf: nothing was sent)' }
    # -Verify
    if ($Verify) {
        $verification.Lines | ForEach-Object { Write-Output $_ }
        $line += "; verified: $($verification.Verified.Count); not verified: $($verification.NotVerified.Count)"
        if (-not $problem -and $verification.NotVerified.Count -gt 0) { $problem = "$($verification.NotVerified.Count) domain(s) do not serve the rotated certificate: $($verification.NotVerified -join ', ')." }
    }
    Write-Output $line
    if ($problem) {
        if ($inAutomation) { throw $problem }
        Write-Output $problem
        exit 1
    }
    return
}

# --- Rotate ----------------------------------------------------------------------------------------------------
$fromCcm = $PSCmdlet.ParameterSetName -eq 'Ccm'
$domains = @(Get-ApigDomain -DomainName $DomainPattern)
$rotationErrors = @()
$results = @()
$problem = $null
if ($fromCcm) {
    # --- Rotate: whatever CCM has (re-)issued for each domain ---
    # TLS name matching (RFC 6125), as APIG checks it: an exact name, or '*.' covering exactly one more label.
    function Test-Covers {
        param([string[]] $Names, [string] $DomainName)
        $domain = $DomainName.TrimEnd('.').ToLowerInvariant()
        foreach ($name in $Names) {
            $pattern = ([string]$name).TrimEnd('.').ToLowerInvariant()
            if ($pattern -eq $domain) { return $true }
            if ($pattern.StartsWith('*.') -and $domain.IndexOf('.') -gt 0 -and $domain.Substring($domain.IndexOf('.')) -eq $pattern.Substring(1)) { return $true }
        }
        return $false
    }

    $withoutCcm = @()
    $chosen = @{}
    try {
        # One listing for every domain; the newest ISSUED certificate covering a domain is what CCM issued last for it.
        $issued = @(Get-ApigCcmCertificate -Status ISSUED)
    }
    catch {
        $issued = @()
        $problem = "Certificate Manager could not be listed: $($_.Exception.Message)"
    }
    if (-not $problem) {
        foreach ($domain in $domains) {
            $newest = $issued | Where-Object { Test-Covers (@($_.Domain) + @($_.SubjectAlternativeNames)) $domain.DomainName } |
                Sort-Object -Property NotAfter -Descending | Select-Object -First 1
            if (-not $newest) { $withoutCcm += $domain.DomainName; continue }
            if (-not $chosen.ContainsKey($newest.CertificateId)) { $chosen[$newest.CertificateId] = @() }
            $chosen[$newest.CertificateId] += $domain
        }
        foreach ($ccmId in @($chosen.Keys | Sort-Object)) {
            # One export per CCM certificate; a domain that already holds it is not sent anything.
            $results += @($chosen[$ccmId] | Set-ApigDomainCertificate -CcmCertificateId $ccmId -ErrorAction SilentlyContinue -ErrorVariable ccmErrors)
            $rotationErrors += @($ccmErrors)
        }
    }
}
elseif ($domains.Count -gt 0) {
    # Per-domain failures are collected, not thrown, so one broken domain does not stop the others.
    # -WhatIf reaches Set-ApigDomainCertificate through $WhatIfPreference: nothing is sent.
    $results = @($domains | Set-ApigDomainCertificate @certificate -ErrorAction SilentlyContinue -ErrorVariable rotationErrors)
}

$changed = @($results | Where-Object { $_.Changed })
$unchanged = @($results | Where-Object { -not $_.Changed })
$failedNames = @($rotationErrors | ForEach-Object { [string]$_.TargetObject })
$summary = [pscustomobject]@{
    DomainPattern    = $DomainPattern
    Matched          = $domains.Count
    Changed          = $changed.Count
    Unchanged        = $unchanged.Count
    Failed           = $rotationErrors.Count
    WhatIf           = [bool]$WhatIfPreference
    ChangedDomains   = @($changed | ForEach-Object { $_.DomainName })
    UnchangedDomains = @($unchanged | ForEach-Object { $_.DomainName })
    FailedDomains    = $failedNames
}
if ($fromCcm) {
    $summary | Add-Member -NotePropertyName WithoutCcmCertificate -NotePropertyValue $withoutCcm
    $summary | Add-Member -NotePropertyName CcmCertificates -NotePropertyValue @($chosen.Keys | Sort-Object)
}
# -Verify: the domains just rotated.
$verification = Invoke-Verification -Rotated $changed
Add-VerificationSummary $summary $verification
Write-Output $summary
foreach ($failure in $rotationErrors) {
    Write-Output "FAILED $($failure.TargetObject): $($failure.FullyQualifiedErrorId.Split(',')[0]): $($failure.Exception.Message)"
}
$line = "Apig.Cert rotation '$DomainPattern'$(if ($fromCcm) { ' from CCM' }): $($domains.Count) matched; changed: $($changed.Count); unchanged: $($unchanged.Count); failed: $($rotationErrors.Count)"
if ($fromCcm) { $line += "; without a CCM certificate: $($withoutCcm.Count)" }
if ($WhatIfPreference) { $line += ' (WhatIf: nothing was sent)' }
# -Verify
if ($Verify) {
    $verification.Lines | ForEach-Object { Write-Output $_ }
    $line += "; verified: $($verification.Verified.Count); not verified: $($verification.NotVerified.Count)"
}
Write-Output $line

# A CCM listing that failed is the problem already; otherwise the first of these.
if (-not $problem) {
    if ($domains.Count -eq 0) { $problem = "No APIG domain matches '$DomainPattern'." }
    elseif ($rotationErrors.Count -gt 0) { $problem = "$($rotationErrors.Count) domain(s) failed: $($failedNames -join ', ')." }
    # -Verify
    elseif ($verification.NotVerified.Count -gt 0) { $problem = "$($verification.NotVerified.Count) domain(s) do not serve the new certificate: $($verification.NotVerified -join ', ')." }
}
if ($problem) {
    # Automation marks a job Failed only on a terminating error; a pipeline or scheduler reads the exit code.
    if ($inAutomation) { throw $problem }
    Write-Output $problem
    exit 1
}
