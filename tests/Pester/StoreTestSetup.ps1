# Dot-sourced after TestSetup.ps1 by the certificate-store test files: store certificates and bindings made straight
# through the emulator's API (a token header, no module), so a test arranges its state without the cmdlets under test,
# and what the emulator holds, read from its admin state.

function Add-TestBinding {
    <# Binds a stored certificate to domains by name with one certificate-side batch request. #>
    param([Parameter(Mandatory)] [string] $CertificateId, [Parameter(Mandatory)] [string[]] $DomainName)
    Invoke-TestApi -Method POST -Path "/certificates/$CertificateId/domains/attach" -Body @{ domains = @($DomainName | ForEach-Object { @{ domain = $_ } }) } | Out-Null
}

function Invoke-Collecting {
    <# Runs a script block with errors non-terminating; answers its error records and its other output, apart. #>
    param([scriptblock] $Run)
    $ErrorActionPreference = 'Continue'
    $all = @(& $Run 2>&1)
    , @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
    , @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
}
