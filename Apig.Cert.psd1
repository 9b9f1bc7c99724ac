@{
    RootModule             = 'Apig.Cert.dll'
    ModuleVersion          = '0.1.0'
    GUID                   = '6f3f2b7e-5c0d-4b8e-9a61-2d8c4e7a91f3'
    Author                 = 'Apig.Cert contributors'
    CompanyName            = 'Apig.Cert'
    Copyright              = '(c) Apig.Cert contributors. MIT licence.'
    Description            = 'Manage TLS certificates on the custom domains of Huawei Cloud API Gateway (APIG, dedicated v2 API): bind, inspect, rotate and unbind, safely and at scale.'
    PowerShellVersion      = '5.1'
    CompatiblePSEditions   = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    CmdletsToExport        = @(
        'Connect-Apig'
        'Disconnect-Apig'
        'Get-ApigContext'
        'Get-ApigInstance'
        'Get-ApigGroup'
        'Get-ApigDomain'
        'Get-ApigDomainCertificate'
        'Set-ApigDomainCertificate'
        'Remove-ApigDomainCertificate'
        'Get-ApigCertificate'
        'New-ApigCertificate'
        'Set-ApigCertificate'
        'Remove-ApigCertificate'
        'Get-ApigCcmCertificate'
        'Get-ApigCertificateBinding'
        'Add-ApigCertificateBinding'
        'Remove-ApigCertificateBinding'
        'New-ApigDomain'
        'Set-ApigDomain'
        'Remove-ApigDomain'
        'Test-ApigDomainCertificate'
    )
    FunctionsToExport      = @()
    AliasesToExport        = @()
    VariablesToExport      = @()
    FormatsToProcess       = @('Apig.Cert.Format.ps1xml')
    PrivateData            = @{
        PSData = @{
            Tags         = @('HuaweiCloud', 'APIG', 'ApiGateway', 'TLS', 'Certificate', 'SSL', 'Automation', 'PSEdition_Desktop', 'PSEdition_Core')
            ProjectUri   = 'https://github.com/apig-cert/Apig.Cert'
            LicenseUri   = 'https://github.com/apig-cert/Apig.Cert/blob/main/LICENSE'
            ReleaseNotes = '0.1.0: first release. Connect-Apig (AK/SK, temporary keys, IAM token, IAM password); Get-ApigInstance, Get-ApigGroup, Get-ApigDomain; Get-, Set- and Remove-ApigDomainCertificate with local certificate checks, idempotent re-runs, concurrent batches and retries. Full notes: https://github.com/apig-cert/Apig.Cert/blob/main/CHANGELOG.md'
        }
    }
}
