# Pipelines between the cmdlets: from discovery to binding and reporting, and every pair that should compose.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Discovery Root'
    $cert = New-TestCertificate -DnsName $Seed.Domains.DomainName -Issuer $ca -Directory (Join-Path $WorkDir 'discovery') -NotAfter ([DateTimeOffset]::UtcNow.AddDays(20))
    $longCert = New-TestCertificate -DnsName $Seed.Domains.DomainName -Issuer $ca -Directory (Join-Path $WorkDir 'discovery-long') -NotAfter ([DateTimeOffset]::UtcNow.AddDays(200))
}
AfterAll { Stop-TestEmulator }

Describe 'Pipelines' {
    BeforeEach {
        Reset-Emulator
        Connect-TestApig | Out-Null
    }

    Context 'the pipeline from discovery to binding and reporting' {
        It 'binds every domain with Get-ApigDomain | Set-ApigDomainCertificate' {
            $results = @(Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile)
            $results.Count | Should -Be 5
            @(Get-ApigDomain | Where-Object CertificateId).Count | Should -Be 5
        }

        It 'reports expiry with Get-ApigDomain | Get-ApigDomainCertificate | Where-Object DaysRemaining -lt 30' {
            Get-ApigDomain | Where-Object DomainName -In 'api.example.com', 'www.example.com' | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
            Get-ApigDomain | Where-Object DomainName -In 'pay.example.com' | Set-ApigDomainCertificate -CertificatePath $longCert.FullChainFile -PrivateKeyPath $longCert.KeyFile | Out-Null
            $all = @(Get-ApigDomain | Get-ApigDomainCertificate -Verbose 4>&1)
            $certificates = @($all | Where-Object { $_ -is [Apig.Cert.ApigDomainCertificate] })
            $certificates.Count | Should -Be 3
            ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*has no certificate bound*' }).Count | Should -Be 2
            $expiring = @(Get-ApigDomain | Get-ApigDomainCertificate | Where-Object DaysRemaining -lt 30)
            ($expiring.DomainName | Sort-Object) | Should -Be @('api.example.com', 'www.example.com')
            $expiring[0].CommonName | Should -Be 'api.example.com'
            $expiring[0].SubjectAlternativeNames | Should -Contain 'intra.example.com'
            $expiring[0].DaysRemaining | Should -BeIn 18, 19, 20
            # The API writes the serial in its own form (decimal by default here); it is shown as given, and is the same number.
            $localSerial = [System.Numerics.BigInteger]::Parse('0' + $cert.Certificate.SerialNumber, [System.Globalization.NumberStyles]::HexNumber)
            [System.Numerics.BigInteger]::Parse($expiring[0].SerialNumber) | Should -Be $localSerial
            $expiring[0].NotAfter.Date | Should -Be $cert.Certificate.NotAfter.ToUniversalTime().Date
            $expiring[0].Issuer | Should -Match 'Discovery Root'
        }

        It 'pipes a binding result into Get-ApigDomainCertificate' {
            $bound = $Seed.Domains[0] | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile
            ($bound | Get-ApigDomainCertificate).CertificateId | Should -Be $bound.CertificateId
        }
    }

    Context 'every pair that should compose' {
        It 'Get-ApigInstance | Get-ApigDomain' {
            @(Get-ApigInstance | Get-ApigDomain).Count | Should -Be 5
        }

        It 'Get-ApigDomainCertificate | Where-Object DaysRemaining | Set-ApigDomainCertificate rotates what expires' {
            Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
            $rotated = @(Get-ApigDomain | Get-ApigDomainCertificate | Where-Object DaysRemaining -lt 30 |
                    Set-ApigDomainCertificate -CertificatePath $longCert.FullChainFile -PrivateKeyPath $longCert.KeyFile)
            $rotated.Count | Should -Be 5
            @(Get-ApigDomain | Get-ApigDomainCertificate | Where-Object DaysRemaining -lt 30).Count | Should -Be 0
        }

        It 'Get-ApigDomainCertificate | Remove-ApigDomainCertificate unbinds exactly that certificate' {
            Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
            Get-ApigDomain -DomainName 'www*' | Get-ApigDomainCertificate | Remove-ApigDomainCertificate -Force
            (Get-ApigDomain -DomainName 'www*').CertificateId | Should -BeNullOrEmpty
            @(Get-ApigDomain | Where-Object CertificateId).Count | Should -Be 4
        }

        It 'Remove-ApigDomainCertificate -PassThru | Set-ApigDomainCertificate binds again' {
            Get-ApigDomain -DomainName 'pay*' | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
            $again = Get-ApigDomain -DomainName 'pay*' | Remove-ApigDomainCertificate -Force -PassThru |
                Set-ApigDomainCertificate -CertificatePath $longCert.FullChainFile -PrivateKeyPath $longCert.KeyFile
            $again.Thumbprint | Should -Be $longCert.Thumbprint
        }
    }
}
