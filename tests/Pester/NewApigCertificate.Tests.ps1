# New-ApigCertificate: every certificate input, the default name, idempotent re-runs under each serial format, -Force,
# the scope rules, trusted root CAs checked locally, -WhatIf, and a create whose answer is lost.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    . (Join-Path $PSScriptRoot 'StoreTestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'New Store Root'
    $cert = New-TestCertificate -DnsName '*.example.com', 'example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'new')
    $caPem = $ca.ExportCertificatePem() + "`n"
    $caPath = Join-Path $WorkDir 'clients-ca.pem'
    Set-Content -LiteralPath $caPath -Value $caPem -NoNewline
    $leafAsCa = Join-Path $WorkDir 'leaf-as-ca.pem'
    Set-Content -LiteralPath $leafAsCa -Value ($cert.Certificate.ExportCertificatePem() + "`n") -NoNewline
    $pfxPassword = ConvertTo-SecureString $cert.PfxPassword -AsPlainText -Force
}
AfterAll { Stop-TestEmulator }

Describe 'New-ApigCertificate' {
    BeforeEach {
        Reset-Emulator
        Connect-TestApig | Out-Null
    }

    It 'stores a global certificate from <Set> with one create, and a re-run sends none' -ForEach @(
        @{ Set = 'files'; Make = { New-ApigCertificate -Name wildcard_example_com -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile } }
        @{ Set = 'a PFX'; Make = { New-ApigCertificate -Name wildcard_example_com -PfxPath $cert.PfxFile -PfxPassword $pfxPassword } }
        @{ Set = 'an X509Certificate2'; Make = { New-ApigCertificate -Name wildcard_example_com -Certificate $cert.Certificate } }
        @{ Set = 'PEM text'; Make = { New-ApigCertificate -Name wildcard_example_com -CertificatePem $cert.CertificatePem -PrivateKeyPem (ConvertTo-SecureString $cert.PrivateKeyPem -AsPlainText -Force) } }
        @{ Set = 'a Posh-ACME object'; Make = { [pscustomobject]@{ FullChainFile = $cert.FullChainFile; KeyFile = $cert.KeyFile } | New-ApigCertificate -Name wildcard_example_com } }
    ) {
        $created = & $Make
        $created | Should -BeOfType ([Apig.Cert.ApigCertificate])
        $created.Changed | Should -BeTrue
        $created.Type | Should -Be 'Global'
        @(Get-SentChanges).Count | Should -Be 1
        $store = Get-EmulatorStore
        $store.Count | Should -Be 1
        $store[0].id | Should -Be $created.CertificateId
        $store[0].thumbprint | Should -Be $cert.Thumbprint
        $store[0].type | Should -Be 'global'

        Clear-SentRequests
        $again = & $Make
        $again.Changed | Should -BeFalse
        $again.CertificateId | Should -Be $created.CertificateId
        @(Get-SentChanges).Count | Should -Be 0
        (Get-EmulatorStore).Count | Should -Be 1
    }

    It 'finds the stored copy whatever the serial format (<_>)' -ForEach 'decimal', 'hex', 'colon' {
        Set-EmulatorSettings @{ serialNumberFormat = $_ }
        $first = New-ApigCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile
        Clear-SentRequests
        $again = New-ApigCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile
        $again.Changed | Should -BeFalse
        $again.CertificateId | Should -Be $first.CertificateId
        @(Get-SentChanges).Count | Should -Be 0
    }

    It 'derives the name as Set-ApigDomainCertificate does' {
        $created = New-ApigCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile
        $created.Name | Should -Be ('wildcard_example_com_' + $cert.NotAfter.ToUniversalTime().ToString('yyyyMMdd') + '_' + $cert.Thumbprint.Substring(0, 6))
    }

    It 'creates a second copy with -Force' {
        $first = New-ApigCertificate -Name wildcard_example_com -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile
        $second = New-ApigCertificate -Name wildcard_example_com -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile -Force
        $second.Changed | Should -BeTrue
        $second.CertificateId | Should -Not -Be $first.CertificateId
        (Get-EmulatorStore).Count | Should -Be 2
    }

    It 'stores an instance certificate with a trusted root CA from <Kind>' -ForEach @(
        @{ Kind = 'a file'; Ca = { @{ TrustedRootCaPath = $caPath } } }
        @{ Kind = 'PEM text'; Ca = { @{ TrustedRootCaPem = $caPem } } }
    ) {
        $caParams = & $Ca
        $created = New-ApigCertificate -Type Instance -InstanceId $Seed.InstanceId -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile @caParams
        $created.Type | Should -Be 'Instance'
        $created.InstanceId | Should -Be $Seed.InstanceId
        $created.HasTrustedRootCa | Should -BeTrue
        $stored = Get-EmulatorStore
        $stored[0].trustedRootCaSubjects | Should -Be 'CN=New Store Root'
        $stored[0].instanceId | Should -Be $Seed.InstanceId
    }

    It 'is idempotent in the instance scope too, and a global copy does not count there' {
        New-ApigCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile | Out-Null
        $local = New-ApigCertificate -Type Instance -InstanceId $Seed.InstanceId -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile
        $local.Changed | Should -BeTrue
        Clear-SentRequests
        (New-ApigCertificate -Type Instance -InstanceId $Seed.InstanceId -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile).Changed | Should -BeFalse
        @(Get-SentChanges).Count | Should -Be 0
    }

    It 'refuses <Case> before sending anything' -ForEach @(
        @{ Case = '-Type Instance without -InstanceId'; Id = 'InstanceIdRequired'; Run = { New-ApigCertificate -Type Instance -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile } }
        @{ Case = 'a trusted root CA on a global certificate'; Id = 'TrustedRootCaNeedsInstance'; Run = { New-ApigCertificate -TrustedRootCaPath $caPath -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile } }
        @{ Case = 'a leaf given as the CA'; Id = 'TrustedRootCaNotCa'; Run = { New-ApigCertificate -Type Instance -InstanceId $Seed.InstanceId -TrustedRootCaPath $leafAsCa -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile } }
        @{ Case = 'an unreadable CA'; Id = 'TrustedRootCaInvalid'; Run = { New-ApigCertificate -Type Instance -InstanceId $Seed.InstanceId -TrustedRootCaPem 'not a certificate' -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile } }
        @{ Case = 'both CA parameters'; Id = 'TrustedRootCaTwice'; Run = { New-ApigCertificate -Type Instance -InstanceId $Seed.InstanceId -TrustedRootCaPath $caPath -TrustedRootCaPem $caPem -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile } }
        @{ Case = 'a bad name'; Id = 'CertificateNameInvalid'; Run = { New-ApigCertificate -Name 'no spaces allowed' -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile } }
        @{ Case = 'a missing key file'; Id = 'FileNotFound'; Run = { New-ApigCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath (Join-Path $WorkDir 'missing.pem') } }
        @{ Case = '-InstanceId with a global certificate'; Id = 'InstanceIdWithGlobal'; Run = { New-ApigCertificate -InstanceId $Seed.InstanceId -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile } }
    ) {
        $errs, $out = Invoke-Collecting $Run
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $errs[0].Exception.Message | Should -Match 'InstanceId|TrustedRootCa|Name|PrivateKeyPath|CA'
        @(Get-SentRequests).Count | Should -Be 0
    }

    It 'sends no create with -WhatIf' {
        New-ApigCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile -WhatIf
        @(Get-SentChanges).Count | Should -Be 0
        (Get-EmulatorStore).Count | Should -Be 0
    }

    It 'warns once about a plain-text key and never shows the key' {
        $all = New-ApigCertificate -CertificatePem $cert.CertificatePem -PrivateKeyPem $cert.PrivateKeyPem -Verbose 3>&1 4>&1 | Out-String
        ([regex]::Matches($all, 'plain string')).Count | Should -Be 1
        $all | Should -Not -Match 'PRIVATE KEY'
    }

    It 'creates once when the create answer is lost' {
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method POST -Body @{ method = 'POST'; path = '/certificates$'; action = 'applyThenFail'; status = 502 } | Out-Null
        $created = New-ApigCertificate -Name wildcard_example_com -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile
        $created.Changed | Should -BeTrue
        $store = Get-EmulatorStore
        $store.Count | Should -Be 1
        $created.CertificateId | Should -Be $store[0].id
        @(Get-SentRequests | Where-Object method -EQ 'POST').Count | Should -Be 1
    }
}
