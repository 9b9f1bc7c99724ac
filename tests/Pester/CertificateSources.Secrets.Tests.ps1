# The certificate sources of issue 12 (-PfxBase64, -CertificateSecret, -CcmCertificateId, Get-ApigCcmCertificate)
# run with every stream captured (Verbose, Debug, Warning, Error, Information, a transcript), good inputs and bad
# ones; then all of it, the error records, the emulator's log and its state are searched for the secrets.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Sources Secrets Root'
    $kv = New-TestCertificate -DnsName $Seed.Domains.DomainName -Issuer $ca -Directory (Join-Path $WorkDir 'kv-secrets')
    $ccm = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'ccm-secrets')

    $collection = [System.Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
    $collection.Import($kv.PfxFile, $kv.PfxPassword, [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]::Exportable)
    $pfxBase64 = [Convert]::ToBase64String($collection.Export('Pkcs12'))
    $pemSecret = $kv.PrivateKeyPem + $kv.CertificatePem

    Reset-Emulator
    $ccmId = (Invoke-EmulatorAdmin -Url $EmulatorUrl -Path 'ccm/certificates' -Method POST -Body @{
            name = 'wildcard'; certificatePem = $ccm.CertificatePem; privateKeyPem = $ccm.PrivateKeyPem }).id

    $flow = @"
    Connect-Apig -Region '$($Seed.Region)' -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -CcmEndpoint '$EmulatorUrl' -AccountId 'emu0account0000000000000000000001' ``
        -AccessKey '$($Seed.AccessKey)' -SecretKey (ConvertTo-SecureString '$($Seed.SecretKey)' -AsPlainText -Force) | Format-List * | Out-String
    `$secure = ConvertTo-SecureString `$env:T_PFX64 -AsPlainText -Force
    `$pkcs12 = [pscustomobject]@{ SecretValue = `$secure; ContentType = 'application/x-pkcs12'; Name = 'kv' }
    `$pem = [pscustomobject]@{ SecretValue = (ConvertTo-SecureString `$env:T_PEM -AsPlainText -Force); ContentType = 'application/x-pem-file' }
    `$domains[0] | Set-ApigDomainCertificate -PfxBase64 `$env:T_PFX64 -Force | Format-List * | Out-String
    `$domains[1] | Set-ApigDomainCertificate -PfxBase64 `$secure -Force | Format-List * | Out-String
    `$domains[2] | Set-ApigDomainCertificate -CertificateSecret `$pkcs12 -Force | Format-List * | Out-String
    `$domains[3] | Set-ApigDomainCertificate -CertificateSecret `$pem -Force | Format-List * | Out-String
    New-ApigCertificate -CertificateSecret `$pem -Name 'kv_stored' | Format-List * | Out-String
    Get-ApigCcmCertificate | Format-List * | Out-String
    `$domains[4] | Set-ApigDomainCertificate -CcmCertificateId '$ccmId' -Force | Format-List * | Out-String
    New-ApigCertificate -CcmCertificateId '$ccmId' -Name 'ccm_stored' | Format-List * | Out-String
    # Bad inputs whose text is the secret: their errors must not quote it.
    `$domains[0] | Set-ApigDomainCertificate -PfxBase64 (`$env:T_PFX64 + '!not-base64!')
    `$domains[0] | Set-ApigDomainCertificate -PfxBase64 `$env:T_PEM
    `$domains[0] | Set-ApigDomainCertificate -CertificateSecret ([pscustomobject]@{ SecretValue = `$env:T_PEM; ContentType = 'application/x-pem-file' })
    `$domains[0] | Set-ApigDomainCertificate -CertificateSecret ([pscustomobject]@{ SecretValue = (ConvertTo-SecureString `$env:T_PEM -AsPlainText -Force); ContentType = 'application/x-pkcs12' })
    `$domains[0] | Set-ApigDomainCertificate -CertificateSecret ([pscustomobject]@{ SecretValue = `$secure; ContentType = 'application/x-pem-file' })
    `$domains[0] | Set-ApigDomainCertificate -CcmCertificateId 'scs0000000000000'
    Get-ApigContext | ConvertTo-Json | Out-String
"@
    Clear-SentRequests
    $everything = Invoke-CapturedFlow -Name sources -Body $flow -Environment @{ T_PFX64 = $pfxBase64; T_PEM = $pemSecret }

    $keyLines = Get-PrivateKeyLines $kv.KeyFile, $kv.KeyTraditional, $ccm.KeyFile, $ccm.KeyTraditional
    # Any 48 characters of the base64 PKCS#12 would be a piece of the key it wraps.
    $pfxPieces = for ($i = 0; $i + 48 -le $pfxBase64.Length; $i += 48) { $pfxBase64.Substring($i, 48) }
}
AfterAll { Stop-TestEmulator }

Describe 'Secrets of the Key Vault and CCM inputs never appear in any output' {
    It 'ran the flow: binds, a listing, an export and the errors are all there' {
        $everything | Should -Match 'DomainCertificateBinding|CertificateName'
        $everything | Should -Match 'POST /v3/scm/certificates/scs'
        $everything | Should -Match 'PfxBase64Invalid'
        $everything | Should -Match 'PfxBase64IsPem'
        $everything | Should -Match 'CertificateSecretPlainText'
        $everything | Should -Match 'SecretNotPem'
        $everything | Should -Match 'SCM\.0404'
        $everything | Should -Match '"private_key":\s*"\*\*\*"' -Because 'the export answer is logged under -Debug, redacted'
        @(Get-EmulatorDomains | Where-Object { $_.certificates.thumbprint -contains $kv.Thumbprint }).Count | Should -Be 4
        (Get-EmulatorDomainByName $Seed.Domains[4].DomainName).certificates[0].thumbprint | Should -Be $ccm.Thumbprint
    }

    It 'never shows a line of any private key' {
        $keyLines.Count | Should -BeGreaterThan 20
        foreach ($line in $keyLines) { $everything.Contains($line) | Should -BeFalse -Because 'private key material must never be output' }
    }

    It 'never shows any piece of the base64 PKCS#12' {
        $pfxPieces.Count | Should -BeGreaterThan 20
        foreach ($piece in $pfxPieces) { $everything.Contains($piece) | Should -BeFalse -Because 'the PKCS#12 holds the key' }
    }

    It 'never shows a PEM private key block' {
        $everything | Should -Not -Match 'BEGIN (RSA |EC )?PRIVATE KEY'
    }
}
