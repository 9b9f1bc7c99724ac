# Certificates as Azure Key Vault keeps them: a base64 PKCS#12 (-PfxBase64, string or SecureString) and secret
# objects shaped like Get-AzKeyVaultSecret's (-CertificateSecret), built here without Az. Each is bound end to end
# against the emulator and the emulator's own state is checked; bad shapes are refused with nothing sent.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Key Vault Root'
    $intermediate = New-TestCertificateAuthority -Name 'Key Vault Intermediate' -Issuer $ca
    $allNames = $Seed.Domains.DomainName
    $cert = New-TestCertificate -DnsName $allNames -Issuer $intermediate -Intermediates $intermediate -Directory (Join-Path $WorkDir 'kv')
    $next = New-TestCertificate -DnsName $allNames -Issuer $ca -KeyAlgorithm EC -Directory (Join-Path $WorkDir 'kv-next')
    $first = $Seed.Domains[0]

    # What Key Vault stores for a certificate: its PFX without a password, base64; or its PEM, key first, then the chain.
    function ConvertTo-KeyVaultPfxBase64 {
        param($Certificate, [string] $Password)
        $collection = [System.Security.Cryptography.X509Certificates.X509Certificate2Collection]::new()
        $collection.Import($Certificate.PfxFile, $Certificate.PfxPassword, [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]::Exportable)
        $bytes = if ($Password) { $collection.Export('Pkcs12', $Password) } else { $collection.Export('Pkcs12') }
        [Convert]::ToBase64String($bytes)
    }
    function ConvertTo-KeyVaultPem { param($Certificate) $Certificate.PrivateKeyPem + $Certificate.CertificatePem }
    function New-KeyVaultSecret {
        <# The shape of Az.KeyVault's PSKeyVaultSecret that the module reads: SecretValue (SecureString) and ContentType. #>
        param([string] $Value, [string] $ContentType, [switch] $PlainValue, [switch] $NoContentType, [switch] $NoSecretValue)
        $secret = [ordered]@{ VaultName = 'contoso-kv'; Name = 'api-example-com'; Version = 'f00dcafe'; Enabled = $true }
        if (-not $NoSecretValue) { $secret.SecretValue = if ($PlainValue) { $Value } else { ConvertTo-SecureString $Value -AsPlainText -Force } }
        if (-not $NoContentType) { $secret.ContentType = $ContentType }
        [pscustomobject]$secret
    }

    $pfxBase64 = ConvertTo-KeyVaultPfxBase64 $cert
    $pemText = ConvertTo-KeyVaultPem $cert
    $ids = @{ InstanceId = $first.InstanceId; GroupId = $first.GroupId; DomainId = $first.DomainId }
}
AfterAll { Stop-TestEmulator }

Describe 'Key Vault certificates are bound end to end' {
    BeforeEach {
        Reset-Emulator
        Connect-TestApig | Out-Null
    }

    It 'binds -PfxBase64 given as <Form>' -ForEach @(
        @{ Form = 'a string (the Azure DevOps variable)'; Secure = $false }
        @{ Form = 'a SecureString'; Secure = $true }
    ) {
        $value = if ($Secure) { ConvertTo-SecureString $pfxBase64 -AsPlainText -Force } else { $pfxBase64 }
        $result = Set-ApigDomainCertificate @ids -PfxBase64 $value
        $result.Thumbprint | Should -Be $cert.Thumbprint
        $result.Changed | Should -BeTrue
        (Get-EmulatorDomain $first.DomainId).certificates[0].thumbprint | Should -Be $cert.Thumbprint
    }

    It 'binds a password-protected -PfxBase64 with -PfxPassword' {
        $protected = ConvertTo-KeyVaultPfxBase64 $cert -Password 'kv-pfx-password'
        $result = Set-ApigDomainCertificate @ids -PfxBase64 $protected -PfxPassword (ConvertTo-SecureString 'kv-pfx-password' -AsPlainText -Force)
        $result.Thumbprint | Should -Be $cert.Thumbprint
        (Get-EmulatorDomain $first.DomainId).certificates[0].thumbprint | Should -Be $cert.Thumbprint
    }

    It 'binds a -CertificateSecret of content type <ContentType>' -ForEach @(
        @{ ContentType = 'application/x-pkcs12'; Kind = 'pfx' }
        @{ ContentType = 'application/x-pem-file'; Kind = 'pem' }
        @{ ContentType = 'Application/X-PKCS12; charset=binary'; Kind = 'pfx' }
    ) {
        $secret = New-KeyVaultSecret -Value ($Kind -eq 'pfx' ? $pfxBase64 : $pemText) -ContentType $ContentType
        $result = Set-ApigDomainCertificate @ids -CertificateSecret $secret
        $result.Thumbprint | Should -Be $cert.Thumbprint
        $domain = Get-EmulatorDomain $first.DomainId
        $domain.certificates[0].thumbprint | Should -Be $cert.Thumbprint
    }

    It 'reads a PEM secret in any block order (chain first, key last)' {
        $reordered = $cert.CertificatePem + $cert.PrivateKeyPem
        (Set-ApigDomainCertificate @ids -CertificateSecret (New-KeyVaultSecret -Value $reordered -ContentType 'application/x-pem-file')).Thumbprint |
            Should -Be $cert.Thumbprint
    }

    It 'reads a hashtable with the same two keys' {
        $secret = @{ SecretValue = (ConvertTo-SecureString $pfxBase64 -AsPlainText -Force); ContentType = 'application/x-pkcs12' }
        (Set-ApigDomainCertificate @ids -CertificateSecret $secret).Thumbprint | Should -Be $cert.Thumbprint
    }

    It 'binds every piped domain from one secret, parsed once' {
        $secret = New-KeyVaultSecret -Value $pfxBase64 -ContentType 'application/x-pkcs12'
        $out = $Seed.Domains | Set-ApigDomainCertificate -CertificateSecret $secret -Verbose 4>&1
        @($out | Where-Object { $_ -is [Apig.Cert.DomainCertificateBinding] }).Count | Should -Be 5
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message |
            Should -Contain '5 domain(s): 5 bound, 0 unchanged, 0 failed; certificate input parsed 1 time(s).'
        foreach ($d in $Seed.Domains) { (Get-EmulatorDomain $d.DomainId).certificates[0].thumbprint | Should -Be $cert.Thumbprint }
    }

    It 'sends nothing on a re-run with the same secret' {
        $secret = New-KeyVaultSecret -Value $pemText -ContentType 'application/x-pem-file'
        Set-ApigDomainCertificate @ids -CertificateSecret $secret | Out-Null
        Clear-SentRequests
        (Set-ApigDomainCertificate @ids -CertificateSecret $secret).Changed | Should -BeFalse
        Get-SentChanges | Should -BeNullOrEmpty
    }

    It 'stores a -CertificateSecret with New-ApigCertificate' {
        $created = New-ApigCertificate -CertificateSecret (New-KeyVaultSecret -Value $pemText -ContentType 'application/x-pem-file') -Name 'kv_pem_stored'
        $created.Name | Should -Be 'kv_pem_stored'
        $stored = @(Get-EmulatorStore | Where-Object id -EQ $created.CertificateId)
        $stored.Count | Should -Be 1
        $stored[0].thumbprint | Should -Be $cert.Thumbprint
    }

    It 'replaces a stored certificate in place from -PfxBase64 with Set-ApigCertificate' {
        $stored = New-StoredTestCertificate -Certificate $cert -Name 'kv_in_place'
        $nextBase64 = ConvertTo-SecureString (ConvertTo-KeyVaultPfxBase64 $next) -AsPlainText -Force
        $replaced = Set-ApigCertificate -CertificateId $stored.id -PfxBase64 $nextBase64 -Force
        $replaced.CertificateId | Should -Be $stored.id
        (@(Get-EmulatorStore | Where-Object id -EQ $stored.id))[0].thumbprint | Should -Be $next.Thumbprint
    }
}

Describe 'Bad Key Vault input is refused before anything is sent' {
    BeforeEach {
        Reset-Emulator
        Connect-TestApig | Out-Null
    }
    AfterEach {
        @(Get-SentRequests).Count | Should -Be 0 -Because 'bad input must never reach the API'
    }

    It '<Case> -> <ErrorId>' -ForEach @(
        @{ Case = 'text that is not base64'; ErrorId = 'PfxBase64Invalid'; Mention = '-PfxBase64'; P = { @{ PfxBase64 = 'this is not base64!' } } }
        @{ Case = 'PEM given as -PfxBase64'; ErrorId = 'PfxBase64IsPem'; Mention = '-CertificateSecret'; P = { @{ PfxBase64 = $pemText } } }
        @{ Case = 'base64 of something else'; ErrorId = 'PfxInvalid'; Mention = 'PKCS#12'; P = { @{ PfxBase64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('hello, not a pfx')) } } }
        @{ Case = 'an empty -PfxBase64'; ErrorId = 'PfxBase64Empty'; Mention = 'Key Vault task'; P = { @{ PfxBase64 = '' } } }
        @{ Case = 'a null -PfxBase64 (unset variable)'; ErrorId = 'PfxBase64Empty'; Mention = '-PfxBase64'; P = { @{ PfxBase64 = $null } } }
        @{ Case = 'a secret object as -PfxBase64'; ErrorId = 'PfxBase64InvalidType'; Mention = '-CertificateSecret'; P = { @{ PfxBase64 = (New-KeyVaultSecret -Value $pfxBase64 -ContentType 'application/x-pkcs12') } } }
        @{ Case = 'bytes as -PfxBase64'; ErrorId = 'PfxBase64InvalidType'; Mention = 'ToBase64String'; P = { @{ PfxBase64 = [byte[]](1, 2, 3) } } }
        @{ Case = 'a protected PFX without -PfxPassword'; ErrorId = 'PfxPasswordRequired'; Mention = 'PfxPassword'; P = { @{ PfxBase64 = (ConvertTo-KeyVaultPfxBase64 $cert -Password 'kv-pfx-password') } } }
        @{ Case = 'an unknown content type'; ErrorId = 'CertificateSecretContentTypeUnknown'; Mention = 'text/plain'; P = { @{ CertificateSecret = (New-KeyVaultSecret -Value $pfxBase64 -ContentType 'text/plain') } } }
        @{ Case = 'no ContentType property'; ErrorId = 'CertificateSecretNoContentType'; Mention = 'application/x-pkcs12'; P = { @{ CertificateSecret = (New-KeyVaultSecret -Value $pfxBase64 -NoContentType) } } }
        @{ Case = 'an empty ContentType'; ErrorId = 'CertificateSecretNoContentType'; Mention = 'ContentType'; P = { @{ CertificateSecret = (New-KeyVaultSecret -Value $pfxBase64 -ContentType '') } } }
        @{ Case = 'no SecretValue property'; ErrorId = 'CertificateSecretInvalid'; Mention = 'SecretValue'; P = { @{ CertificateSecret = (New-KeyVaultSecret -NoSecretValue -ContentType 'application/x-pkcs12') } } }
        @{ Case = 'a plain string SecretValue'; ErrorId = 'CertificateSecretPlainText'; Mention = 'SecureString'; P = { @{ CertificateSecret = (New-KeyVaultSecret -Value $pfxBase64 -ContentType 'application/x-pkcs12' -PlainValue) } } }
        @{ Case = 'a string instead of a secret'; ErrorId = 'CertificateSecretInvalid'; Mention = '-PfxBase64'; P = { @{ CertificateSecret = $pfxBase64 } } }
        @{ Case = 'PEM under the PKCS#12 content type'; ErrorId = 'PfxBase64IsPem'; Mention = 'CertificateSecret'; P = { @{ CertificateSecret = (New-KeyVaultSecret -Value $pemText -ContentType 'application/x-pkcs12') } } }
        @{ Case = 'base64 under the PEM content type'; ErrorId = 'SecretNotPem'; Mention = 'application/x-pkcs12'; P = { @{ CertificateSecret = (New-KeyVaultSecret -Value $pfxBase64 -ContentType 'application/x-pem-file') } } }
        @{ Case = 'a PEM secret without its key'; ErrorId = 'PrivateKeyNotPem'; Mention = 'no private key'; P = { @{ CertificateSecret = (New-KeyVaultSecret -Value $cert.CertificatePem -ContentType 'application/x-pem-file') } } }
        @{ Case = 'a PEM secret without a certificate'; ErrorId = 'CertificateNotPem'; Mention = 'no certificate'; P = { @{ CertificateSecret = (New-KeyVaultSecret -Value $cert.PrivateKeyPem -ContentType 'application/x-pem-file') } } }
        @{ Case = 'a PEM secret with the key of another certificate'; ErrorId = 'CertificateKeyMismatch'; Mention = 'CertificateSecret'; P = { @{ CertificateSecret = (New-KeyVaultSecret -Value ($next.PrivateKeyPem + $cert.CertificatePem) -ContentType 'application/x-pem-file') } } }
    ) {
        $parameters = & $P
        $out = Set-ApigDomainCertificate @ids @parameters -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $errs[0].Exception.Message | Should -BeLike "*$Mention*"
    }

    It 'refuses a bad secret on New-ApigCertificate and Set-ApigCertificate too' {
        $bad = New-KeyVaultSecret -Value $pfxBase64 -ContentType 'application/json'
        New-ApigCertificate -CertificateSecret $bad -ErrorVariable newErrs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $newErrs[0].FullyQualifiedErrorId | Should -BeLike 'CertificateSecretContentTypeUnknown,*'
        Set-ApigCertificate -CertificateId 'c0ffee00c0ffee00c0ffee00c0ffee00' -PfxBase64 'not base64 !' -ErrorVariable setErrs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $setErrs[0].FullyQualifiedErrorId | Should -BeLike 'PfxBase64Invalid,*'
    }

    It 'gives each piped domain its own error from one bad secret' {
        $bad = New-KeyVaultSecret -Value 'bm90IGEgcGZ4' -ContentType 'application/x-pkcs12'
        $Seed.Domains | Set-ApigDomainCertificate -CertificateSecret $bad -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs.Count | Should -Be 5
        ($errs.TargetObject | Sort-Object) | Should -Be ($Seed.Domains.DomainName | Sort-Object)
    }
}

Describe 'Key Vault inputs resolve to their own parameter sets' {
    It '<Command> has the <Set> set, and piped domains still bind' -ForEach @(
        @{ Command = 'Set-ApigDomainCertificate'; Set = 'PfxBase64'; Parameter = 'PfxBase64' }
        @{ Command = 'Set-ApigDomainCertificate'; Set = 'KeyVaultSecret'; Parameter = 'CertificateSecret' }
        @{ Command = 'Set-ApigDomainCertificate'; Set = 'Ccm'; Parameter = 'CcmCertificateId' }
        @{ Command = 'New-ApigCertificate'; Set = 'PfxBase64'; Parameter = 'PfxBase64' }
        @{ Command = 'New-ApigCertificate'; Set = 'KeyVaultSecret'; Parameter = 'CertificateSecret' }
        @{ Command = 'New-ApigCertificate'; Set = 'Ccm'; Parameter = 'CcmCertificateId' }
        @{ Command = 'Set-ApigCertificate'; Set = 'PfxBase64'; Parameter = 'PfxBase64' }
        @{ Command = 'Set-ApigCertificate'; Set = 'KeyVaultSecret'; Parameter = 'CertificateSecret' }
        @{ Command = 'Set-ApigCertificate'; Set = 'Ccm'; Parameter = 'CcmCertificateId' }
    ) {
        $command = Get-Command $Command
        $parameterSet = $command.ParameterSets | Where-Object Name -EQ $Set
        $parameterSet | Should -Not -BeNullOrEmpty
        ($parameterSet.Parameters | Where-Object Name -EQ $Parameter).IsMandatory | Should -BeTrue
        ($parameterSet.Parameters | Where-Object Name -EQ $Parameter).ValueFromPipelineByPropertyName | Should -BeFalse
        if ($Set -ne 'Ccm') { $parameterSet.Parameters.Name | Should -Contain 'PfxPassword' }
        $parameterSet.Parameters.Name | Should -Not -Contain 'CertificatePath'
        if ($Command -eq 'Set-ApigDomainCertificate') {
            ($parameterSet.Parameters | Where-Object Name -EQ 'DomainId').ValueFromPipelineByPropertyName | Should -BeTrue
            ($parameterSet.Parameters | Where-Object Name -EQ 'InputObject').ValueFromPipeline | Should -BeTrue
        }
        if ($Command -eq 'Set-ApigCertificate') { ($parameterSet.Parameters | Where-Object Name -EQ 'CertificateId').ValueFromPipelineByPropertyName | Should -BeTrue }
    }
}
