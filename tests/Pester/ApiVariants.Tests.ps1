# The cmdlets under every form the API documents leave open (apig-managed-certificates.md §3, §4): serial numbers
# written as decimal, hex or colon-separated hex, and ssl_infos[].type as a number or a string. The emulator has a
# setting for each; the module must give the same outcomes under all of them.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Variants Root'
    $names = $Seed.Domains.DomainName
    $rsa = New-TestCertificate -DnsName $names -Issuer $ca -Directory (Join-Path $WorkDir 'variants-rsa')
    $ecc = New-TestCertificate -DnsName $names -Issuer $ca -KeyAlgorithm EC -Directory (Join-Path $WorkDir 'variants-ecc')
    $rsaSerial = [System.Numerics.BigInteger]::Parse('0' + $rsa.Certificate.SerialNumber, [System.Globalization.NumberStyles]::HexNumber)

    function Set-Variant([hashtable] $Settings) {
        Reset-Emulator
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path settings -Method POST -Body $Settings | Out-Null
        Connect-TestApig | Out-Null
    }
    function Clear-SentRequests { Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null }
    function Get-SentChanges { @(Get-SentRequests | Where-Object { $_.method -in 'POST', 'PUT', 'DELETE' }) }
    # The number a serial written in any of the three forms stands for.
    function ConvertFrom-ApiSerial([string] $Text, [string] $Form) {
        if ($Form -eq 'decimal') { return [System.Numerics.BigInteger]::Parse($Text) }
        [System.Numerics.BigInteger]::Parse('0' + ($Text -replace ':', ''), [System.Globalization.NumberStyles]::HexNumber)
    }
}
AfterAll {
    Disconnect-Apig
    Stop-TestEmulator
}

Describe 'Idempotent re-runs under every serial-number form' {
    It 'sends no change on the second run when serials are written as <Form>' -ForEach @(@{ Form = 'decimal' }, @{ Form = 'hex' }, @{ Form = 'colon' }) {
        Set-Variant @{ serialNumberFormat = $Form }
        $first = @($Seed.Domains | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile)
        $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $ecc.FullChainFile -PrivateKeyPath $ecc.KeyFile | Out-Null
        @($first | Where-Object Changed).Count | Should -Be 5

        Clear-SentRequests
        $again = @(Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile)
        $eccAgain = @($Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $ecc.FullChainFile -PrivateKeyPath $ecc.KeyFile)
        $again.Count | Should -Be 5
        @($again | Where-Object Changed).Count | Should -Be 0
        $eccAgain[0].Changed | Should -BeFalse
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'shows the serial as the API writes it (<Form>), and it is the certificate''s number' -ForEach @(@{ Form = 'decimal' }, @{ Form = 'hex' }, @{ Form = 'colon' }) {
        Set-Variant @{ serialNumberFormat = $Form }
        $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile | Out-Null
        $shown = @($Seed.Domains[0] | Get-ApigDomainCertificate)
        $shown.Count | Should -Be 1
        ConvertFrom-ApiSerial $shown[0].SerialNumber $Form | Should -Be $rsaSerial
    }

    It 'rebinds a different certificate with the same name under <Form> serials' -ForEach @(@{ Form = 'decimal' }, @{ Form = 'colon' }) {
        Set-Variant @{ serialNumberFormat = $Form }
        $other = New-TestCertificate -DnsName $names -Issuer $ca -Directory (Join-Path $WorkDir "variants-other-$Form")
        $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -Name 'same_name_cert' | Out-Null
        $result = $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $other.FullChainFile -PrivateKeyPath $other.KeyFile -Name 'same_name_cert'
        $result.Changed | Should -BeTrue
        $result.Thumbprint | Should -Be $other.Thumbprint
    }
}

Describe 'ssl_infos[].type as a number or a string' {
    It 'lists, reports and unbinds RSA and ECC certificates when the type is a <Form>' -ForEach @(@{ Form = 'number' }, @{ Form = 'string' }) {
        Set-Variant @{ sslInfoTypeFormat = $Form }
        $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile | Out-Null
        $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $ecc.FullChainFile -PrivateKeyPath $ecc.KeyFile | Out-Null
        $Seed.Domains[1] | Set-ApigDomainCertificate -CertificatePath $ecc.FullChainFile -PrivateKeyPath $ecc.KeyFile | Out-Null

        $domains = @(Get-ApigDomain)
        $domains.Count | Should -Be 5
        $dual = $domains | Where-Object DomainId -EQ $Seed.Domains[0].DomainId
        @($dual.Certificates).Count | Should -Be 2
        @($dual.Certificates.Type | Sort-Object -Unique) | Should -Be @('Instance')
        $eccOnly = $domains | Where-Object DomainId -EQ $Seed.Domains[1].DomainId
        $eccOnly.CertificateId | Should -BeNullOrEmpty
        @($eccOnly.Certificates.AlgorithmType) | Should -Be @('ECC')

        $report = @(Get-ApigDomain | Get-ApigDomainCertificate)
        $report.Count | Should -Be 3
        @($report | Where-Object AlgorithmType -EQ 'ECC').Count | Should -Be 2

        Get-ApigDomain | Remove-ApigDomainCertificate -Force | Out-Null
        @(Get-ApigDomain | Where-Object { @($_.Certificates).Count -gt 0 }).Count | Should -Be 0
    }
}
