# Rotation story 3 (README, about_Apig.Cert): mutual TLS from one script. A stored certificate with a trusted root CA,
# bound with client verification on, the domains set to TLSv1.2 with redirect; then rotated in place, CA kept.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Story Server Root'
    $clientCa = New-TestCertificateAuthority -Name 'Story Client Root'
    $script:serverCert = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'story3-server')
    $script:nextCert = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'story3-next')
    $script:clientCaPath = Join-Path $WorkDir 'story3-client-ca.pem'
    Set-Content -LiteralPath $clientCaPath -Value ($clientCa.ExportCertificatePem() + "`n") -NoNewline
    $script:names = 'pay.example.com', 'checkout.example.com'
    # The README's script, line for line.
    function Invoke-Story {
        $c = New-ApigCertificate -Type Instance -InstanceId $Seed.InstanceId -Name mtls_example_com `
            -CertificatePath $serverCert.FullChainFile -PrivateKeyPath $serverCert.KeyFile -TrustedRootCaPath $clientCaPath
        Get-ApigDomain -DomainName $names | Add-ApigCertificateBinding -CertificateId $c.CertificateId -VerifyClientCertificate
        Get-ApigDomain -DomainName $names | Set-ApigDomain -MinSslVersion TLSv1.2 -RedirectToHttps $true
    }
}
AfterAll { Stop-TestEmulator }

Describe 'Rotation story 3, mutual TLS from one script (an update without the redirect flag: <Redirect>)' -ForEach @(
    @{ Redirect = 'keep' }, @{ Redirect = 'reset' }
) {
    BeforeAll {
        Reset-Emulator
        Set-EmulatorSettings @{ updateDomainOmittedRedirect = $Redirect }
        Connect-TestApig | Out-Null
        $script:first = @(Invoke-Story)
    }

    It 'stores the certificate with its CA, and every domain verifies client certificates on TLSv1.2 with redirect' {
        $stored = @(Get-EmulatorStore | Where-Object name -EQ 'mtls_example_com')
        $stored.Count | Should -Be 1
        $stored[0].hasTrustedRootCa | Should -BeTrue
        foreach ($name in $names) {
            $domain = Get-EmulatorDomainByName $name
            $domain.certificateIds | Should -Be @($stored[0].id) -Because $name
            $domain.verifiedClientCertificateEnabled | Should -BeTrue -Because $name
            $domain.minSslVersion | Should -Be 'TLSv1.2'
            $domain.isHttpRedirectToHttps | Should -BeTrue -Because $name
        }
        $first.Count | Should -Be 4 -Because "two bindings, two domains"
        $first | ForEach-Object { $_.Changed | Should -BeTrue -Because "$_ was changed by the first run" }
    }

    It 'a re-run of the whole script sends nothing and says Changed False' {
        Clear-SentRequests
        $again = @(Invoke-Story)
        Get-SentChanges | Should -BeNullOrEmpty
        $again.Count | Should -Be 4
        $again | ForEach-Object { $_.Changed | Should -BeFalse -Because "$_ was already so" }
    }

    It 'rotating it in place refuses until the CA is named again, and then keeps verification on' {
        Clear-SentRequests
        $refused = $null
        Get-ApigCertificate -Name mtls_example_com |
            Set-ApigCertificate -CertificatePath $nextCert.FullChainFile -PrivateKeyPath $nextCert.KeyFile -ErrorVariable refused -ErrorAction SilentlyContinue
        @($refused).Count | Should -Be 1
        "$refused" | Should -Match 'TrustedRootCa'
        Get-SentChanges | Should -BeNullOrEmpty

        $rotated = Get-ApigCertificate -Name mtls_example_com |
            Set-ApigCertificate -CertificatePath $nextCert.FullChainFile -PrivateKeyPath $nextCert.KeyFile -TrustedRootCaPath $clientCaPath
        $rotated.Changed | Should -BeTrue
        $rotated.HasTrustedRootCa | Should -BeTrue
        @(Get-SentChanges).Count | Should -Be 1
        foreach ($name in $names) {
            $domain = Get-EmulatorDomainByName $name
            $domain.verifiedClientCertificateEnabled | Should -BeTrue -Because $name
            @($domain.certificates | Where-Object thumbprint -EQ $nextCert.Thumbprint).Count | Should -Be 1 -Because "$name serves the new certificate"
        }
    }
}
