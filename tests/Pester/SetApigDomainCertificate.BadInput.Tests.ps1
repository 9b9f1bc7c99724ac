# Every kind of bad input gets a clear error with a stable id that names the input, and nothing is sent.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Bad Input Root'
    $otherCa = New-TestCertificateAuthority -Name 'Unrelated Root'
    $intermediate = New-TestCertificateAuthority -Name 'Bad Input Intermediate' -Issuer $ca
    $good = New-TestCertificate -DnsName 'api.example.com' -Issuer $intermediate -Intermediates $intermediate -Directory (Join-Path $WorkDir 'good')
    $other = New-TestCertificate -DnsName 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'other')
    $wildcard = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'wildcard')
    $expired = New-TestCertificate -DnsName 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'expired') `
        -NotBefore ([DateTimeOffset]::UtcNow.AddDays(-60)) -NotAfter ([DateTimeOffset]::UtcNow.AddDays(-1))
    $future = New-TestCertificate -DnsName 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'future') `
        -NotBefore ([DateTimeOffset]::UtcNow.AddDays(10)) -NotAfter ([DateTimeOffset]::UtcNow.AddDays(100))
    $unrelated = New-TestCertificateAuthority -Name 'Stray Intermediate' -Issuer $otherCa

    $files = @{}
    $files.Empty = Join-Path $WorkDir 'empty.pem'; Set-Content -LiteralPath $files.Empty -Value '' -NoNewline
    $files.Text = Join-Path $WorkDir 'notes.txt'; Set-Content -LiteralPath $files.Text -Value 'this is not a certificate' -NoNewline
    $files.Big = Join-Path $WorkDir 'big.pem'; [IO.File]::WriteAllBytes($files.Big, [byte[]]::new(1MB + 1))
    $files.Broken = Join-Path $WorkDir 'broken-chain.pem'
    Set-Content -LiteralPath $files.Broken -Value ((Get-Content $good.FullChainFile -Raw) + $unrelated.ExportCertificatePem() + "`n") -NoNewline
    $files.PfxNoKey = Join-Path $WorkDir 'nokey.pfx'
    [IO.File]::WriteAllBytes($files.PfxNoKey, [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($good.Certificate.RawData).Export('Pkcs12', 'pfx-password-1'))
    $publicOnly = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($good.Certificate.RawData)

    $domain = $Seed.Domains[0]
    function Invoke-Bad {
        param([hashtable] $Parameters)
        $ids = @{ InstanceId = $domain.InstanceId; GroupId = $domain.GroupId; DomainId = $domain.DomainId; DomainName = $domain.DomainName }
        foreach ($k in $Parameters.Keys) { $ids[$k] = $Parameters[$k] }
        if (-not ($ids.ContainsKey('CertificatePath') -or $ids.ContainsKey('PfxPath') -or $ids.ContainsKey('Certificate') -or $ids.ContainsKey('CertificatePem'))) {
            $ids.CertificatePath = $good.FullChainFile; $ids.PrivateKeyPath = $good.KeyFile
        }
        $out = Set-ApigDomainCertificate @ids -ErrorVariable errs -ErrorAction SilentlyContinue
        [pscustomobject]@{ Output = $out; Errors = @($errs) }
    }
}
AfterAll { Stop-TestEmulator }

Describe 'Bad input is refused before anything is sent' {
    BeforeEach {
        Connect-TestApig | Out-Null
        Reset-Emulator
    }
    AfterEach {
        @(Get-SentRequests).Count | Should -Be 0 -Because 'bad input must never reach the API'
    }

    It '<Case> -> <ErrorId>' -ForEach @(
        @{ Case = 'missing certificate file'; ErrorId = 'FileNotFound'; Mention = 'nope.pem'; P = { @{ CertificatePath = (Join-Path $WorkDir 'nope.pem'); PrivateKeyPath = $good.KeyFile } } }
        @{ Case = 'missing key file'; ErrorId = 'FileNotFound'; Mention = 'nokey.pem'; P = { @{ CertificatePath = $good.FullChainFile; PrivateKeyPath = (Join-Path $WorkDir 'nokey.pem') } } }
        @{ Case = 'empty certificate path'; ErrorId = 'PathEmpty'; Mention = 'CertificatePath'; P = { @{ CertificatePath = ''; PrivateKeyPath = $good.KeyFile } } }
        @{ Case = 'empty file'; ErrorId = 'FileEmpty'; Mention = 'empty.pem'; P = { @{ CertificatePath = $files.Empty; PrivateKeyPath = $good.KeyFile } } }
        @{ Case = 'a folder instead of a file'; ErrorId = 'PathIsDirectory'; Mention = 'apig-pester-'; P = { @{ CertificatePath = $WorkDir; PrivateKeyPath = $good.KeyFile } } }
        @{ Case = 'text that is not PEM'; ErrorId = 'CertificateNotPem'; Mention = 'notes.txt'; P = { @{ CertificatePath = $files.Text; PrivateKeyPath = $good.KeyFile } } }
        @{ Case = 'certificate and key swapped'; ErrorId = 'CertificateAndKeySwapped'; Mention = 'swapped'; P = { @{ CertificatePath = $good.KeyFile; PrivateKeyPath = $good.FullChainFile } } }
        @{ Case = 'key of another certificate'; ErrorId = 'CertificateKeyMismatch'; Mention = 'key'; P = { @{ CertificatePath = $good.FullChainFile; PrivateKeyPath = $other.KeyFile } } }
        @{ Case = 'encrypted key without password'; ErrorId = 'PrivateKeyPasswordRequired'; Mention = 'PrivateKeyPassword'; P = { @{ CertificatePath = $good.FullChainFile; PrivateKeyPath = $good.KeyEncryptedFile } } }
        @{ Case = 'encrypted key with a wrong password'; ErrorId = 'PrivateKeyPasswordIncorrect'; Mention = 'password'; P = { @{ CertificatePath = $good.FullChainFile; PrivateKeyPath = $good.KeyEncryptedFile; PrivateKeyPassword = (ConvertTo-SecureString 'wrong' -AsPlainText -Force) } } }
        @{ Case = 'expired certificate'; ErrorId = 'CertificateExpired'; Mention = 'expired'; P = { @{ CertificatePath = $expired.FullChainFile; PrivateKeyPath = $expired.KeyFile } } }
        @{ Case = 'not yet valid certificate'; ErrorId = 'CertificateNotYetValid'; Mention = 'valid'; P = { @{ CertificatePath = $future.FullChainFile; PrivateKeyPath = $future.KeyFile } } }
        @{ Case = 'domain not covered'; ErrorId = 'DomainNotCovered'; Mention = 'www.example.com'; P = { @{ DomainName = 'www.example.com' } } }
        @{ Case = 'wildcard does not cover the apex'; ErrorId = 'DomainNotCovered'; Mention = '*.example.com'; P = { @{ DomainName = 'example.com'; CertificatePath = $wildcard.FullChainFile; PrivateKeyPath = $wildcard.KeyFile } } }
        @{ Case = 'wildcard does not cover two labels'; ErrorId = 'DomainNotCovered'; Mention = 'a.b.example.com'; P = { @{ DomainName = 'a.b.example.com'; CertificatePath = $wildcard.FullChainFile; PrivateKeyPath = $wildcard.KeyFile } } }
        @{ Case = 'chain that does not link'; ErrorId = 'CertificateChainBroken'; Mention = 'Stray Intermediate'; P = { @{ CertificatePath = $files.Broken; PrivateKeyPath = $good.KeyFile } } }
        @{ Case = 'file over 1 MiB'; ErrorId = 'InputTooLarge'; Mention = 'big.pem'; P = { @{ CertificatePath = $files.Big; PrivateKeyPath = $good.KeyFile } } }
        @{ Case = 'PFX with a wrong password'; ErrorId = 'PfxPasswordIncorrect'; Mention = 'PfxPassword'; P = { @{ PfxPath = $good.PfxFile; PfxPassword = (ConvertTo-SecureString 'wrong' -AsPlainText -Force) } } }
        @{ Case = 'PFX without a private key'; ErrorId = 'PfxHasNoPrivateKey'; Mention = 'nokey.pfx'; P = { @{ PfxPath = $files.PfxNoKey; PfxPassword = (ConvertTo-SecureString 'pfx-password-1' -AsPlainText -Force) } } }
        @{ Case = 'X509Certificate2 without a private key'; ErrorId = 'CertificateHasNoPrivateKey'; Mention = 'private key'; P = { @{ Certificate = $publicOnly } } }
        @{ Case = 'name too short'; ErrorId = 'CertificateNameInvalid'; Mention = 'abc'; P = { @{ Name = 'abc' } } }
        @{ Case = 'name too long'; ErrorId = 'CertificateNameInvalid'; Mention = '50'; P = { @{ Name = ('a' * 51) } } }
        @{ Case = 'name starting with a digit'; ErrorId = 'CertificateNameInvalid'; Mention = '1cert'; P = { @{ Name = '1cert_name' } } }
        @{ Case = 'name starting with an underscore'; ErrorId = 'CertificateNameInvalid'; Mention = '_cert'; P = { @{ Name = '_cert_name' } } }
        @{ Case = 'name with a hyphen'; ErrorId = 'CertificateNameInvalid'; Mention = '-'; P = { @{ Name = 'cert-name' } } }
        @{ Case = 'name with a space'; ErrorId = 'CertificateNameInvalid'; Mention = 'cert name'; P = { @{ Name = 'cert name' } } }
        @{ Case = 'name with a symbol'; ErrorId = 'CertificateNameInvalid'; Mention = '$'; P = { @{ Name = 'cert$name' } } }
        @{ Case = 'empty InstanceId'; ErrorId = 'InvalidId'; Mention = 'InstanceId'; P = { @{ InstanceId = '' } } }
        @{ Case = 'blank GroupId'; ErrorId = 'InvalidId'; Mention = 'GroupId'; P = { @{ GroupId = '   ' } } }
        @{ Case = 'DomainId with a slash'; ErrorId = 'InvalidId'; Mention = 'DomainId'; P = { @{ DomainId = 'dom1/../../instances' } } }
        @{ Case = 'DomainId with a question mark'; ErrorId = 'InvalidId'; Mention = 'DomainId'; P = { @{ DomainId = 'dom1?x=1' } } }
        @{ Case = 'DomainId with a hash'; ErrorId = 'InvalidId'; Mention = 'DomainId'; P = { @{ DomainId = 'dom1#frag' } } }
        @{ Case = 'GroupId with a percent'; ErrorId = 'InvalidId'; Mention = 'GroupId'; P = { @{ GroupId = 'grp%2F1' } } }
        @{ Case = 'InstanceId with dot-dot'; ErrorId = 'InvalidId'; Mention = 'InstanceId'; P = { @{ InstanceId = '..' } } }
        @{ Case = 'DomainId with whitespace'; ErrorId = 'InvalidId'; Mention = 'DomainId'; P = { @{ DomainId = 'dom 1' } } }
    ) {
        $run = Invoke-Bad (& $P)
        $run.Output | Should -BeNullOrEmpty
        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $run.Errors[0].Exception.Message | Should -BeLike "*$Mention*"
    }

    It 'says the seed page example swaps certificate and key' {
        $run = Invoke-Bad @{ CertificatePath = $good.KeyFile; PrivateKeyPath = $good.FullChainFile }
        $run.Errors[0].Exception.Message | Should -Match 'swap'
        $run.Errors[0].Exception.InputName | Should -Be 'CertificatePath'
    }

    It 'gives each piped domain its own error and reads a bad file once' {
        $out = $Seed.Domains | Set-ApigDomainCertificate -CertificatePath $files.Text -PrivateKeyPath $good.KeyFile -ErrorVariable errs -ErrorAction SilentlyContinue -Verbose 4>&1
        @($out | Where-Object { $_ -is [Apig.Cert.DomainCertificateBinding] }).Count | Should -Be 0
        $errs.Count | Should -Be 5
        ($errs.TargetObject | Sort-Object) | Should -Be ($Seed.Domains.DomainName | Sort-Object)
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain '5 domain(s): 0 bound, 0 unchanged, 5 failed; certificate input parsed 1 time(s).'
    }
}
