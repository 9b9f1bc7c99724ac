BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Set Tests Root'
    $intermediate = New-TestCertificateAuthority -Name 'Set Tests Intermediate' -Issuer $ca
    $allNames = $Seed.Domains.DomainName
    $rsa = New-TestCertificate -DnsName $allNames -Issuer $intermediate -Intermediates $intermediate -Directory (Join-Path $WorkDir 'rsa')
    $ec = New-TestCertificate -DnsName $allNames -Issuer $intermediate -Intermediates $intermediate -KeyAlgorithm EC -Directory (Join-Path $WorkDir 'ec')
    $wildcard = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'wildcard')
    $first = $Seed.Domains[0]
}
AfterAll { Stop-TestEmulator }

Describe 'Set-ApigDomainCertificate' {
    BeforeEach {
        Reset-Emulator
        Connect-TestApig | Out-Null
    }

    It 'binds PEM files to one domain and returns the typed result' {
        $result = Set-ApigDomainCertificate -InstanceId $first.InstanceId -GroupId $first.GroupId -DomainId $first.DomainId -DomainName $first.DomainName `
            -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -Name 'rotation_2026'
        $result | Should -BeOfType ([Apig.Cert.DomainCertificateBinding])
        $result.ProjectId | Should -Be $Seed.ProjectId
        $result.DomainId | Should -Be $first.DomainId
        $result.DomainName | Should -Be 'api.example.com'
        $result.CertificateName | Should -Be 'rotation_2026'
        $result.CertificateId | Should -Match '^[0-9a-f]{32}$'
        $result.CnameStatus | Should -Be ([Apig.Cert.CnameStatus]::Resolved)
        $result.MinSslVersion | Should -Be 'TLSv1.2'
        $result.Thumbprint | Should -Be $rsa.Thumbprint
        $result.NotAfter.Date | Should -Be $rsa.Certificate.NotAfter.ToUniversalTime().Date
        $result.DnsNames | Should -Contain 'pay.example.com'
        $result.Subject | Should -Match 'CN=api\.example\.com'

        $domain = Get-EmulatorDomain $first.DomainId
        $domain.certificates[0].thumbprint | Should -Be $rsa.Thumbprint
        $domain.certificates[0].id | Should -Be $result.CertificateId
    }

    It 'binds every piped domain and parses the certificate once' {
        $verbose = $Seed.Domains | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -Verbose 4>&1
        $results = @($verbose | Where-Object { $_ -is [Apig.Cert.DomainCertificateBinding] })
        $results.Count | Should -Be 5
        ($results.DomainId | Sort-Object) | Should -Be ($Seed.Domains.DomainId | Sort-Object)
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message |
            Should -Contain '5 domain(s): 5 bound, 0 unchanged, 0 failed; certificate input parsed 1 time(s).'
        @(Get-SentRequests | Where-Object method -EQ 'POST').Count | Should -Be 5
        foreach ($d in $Seed.Domains) { (Get-EmulatorDomain $d.DomainId).certificates[0].thumbprint | Should -Be $rsa.Thumbprint }
    }

    It 'names the certificate deterministically when -Name is omitted' {
        $a = $first | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile
        $b = $first | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile
        $a.CertificateName | Should -Be $b.CertificateName
        $a.CertificateName | Should -Match '^[A-Za-z][A-Za-z0-9_]{3,49}$'
        $a.CertificateName | Should -Match $rsa.NotAfter.ToUniversalTime().ToString('yyyyMMdd')
    }

    It 'accepts <Case>' -ForEach @(
        @{ Case = 'PKCS#1 RSA key'; Set = 'files'; KeyProperty = 'KeyTraditional'; Cert = 'rsa' }
        @{ Case = 'SEC1 EC key'; Set = 'files'; KeyProperty = 'KeyTraditional'; Cert = 'ec' }
        @{ Case = 'PKCS#8 EC key'; Set = 'files'; KeyProperty = 'KeyFile'; Cert = 'ec' }
        @{ Case = 'encrypted PKCS#8 key with its password'; Set = 'encrypted'; Cert = 'rsa' }
        @{ Case = 'PFX with its password'; Set = 'pfx'; Cert = 'rsa' }
        @{ Case = 'EC PFX'; Set = 'pfx'; Cert = 'ec' }
        @{ Case = 'an X509Certificate2 with its key'; Set = 'x509'; Cert = 'rsa' }
        @{ Case = 'PEM strings'; Set = 'pem'; Cert = 'rsa' }
        @{ Case = 'PEM key as SecureString'; Set = 'securepem'; Cert = 'ec' }
    ) {
        $material = if ($Cert -eq 'rsa') { $rsa } else { $ec }
        $ids = @{ InstanceId = $first.InstanceId; GroupId = $first.GroupId; DomainId = $first.DomainId; DomainName = $first.DomainName }
        $result = switch ($Set) {
            'files' { Set-ApigDomainCertificate @ids -CertificatePath $material.FullChainFile -PrivateKeyPath $material.$KeyProperty }
            'encrypted' { Set-ApigDomainCertificate @ids -CertificatePath $material.FullChainFile -PrivateKeyPath $material.KeyEncryptedFile -PrivateKeyPassword (ConvertTo-SecureString $material.KeyPassword -AsPlainText -Force) }
            'pfx' { Set-ApigDomainCertificate @ids -PfxPath $material.PfxFile -PfxPassword (ConvertTo-SecureString $material.PfxPassword -AsPlainText -Force) }
            'x509' { Set-ApigDomainCertificate @ids -Certificate $material.Certificate }
            'pem' { Set-ApigDomainCertificate @ids -CertificatePem $material.CertificatePem -PrivateKeyPem $material.PrivateKeyPem }
            'securepem' { Set-ApigDomainCertificate @ids -CertificatePem $material.CertificatePem -PrivateKeyPem (ConvertTo-SecureString $material.PrivateKeyPem -AsPlainText -Force) }
        }
        $result.Thumbprint | Should -Be $material.Thumbprint
        (Get-EmulatorDomain $first.DomainId).certificates.thumbprint | Should -Contain $material.Thumbprint
    }

    It 'sends the chain leaf first even when the file lists the intermediate first' {
        $shuffled = Join-Path $WorkDir 'shuffled.pem'
        Set-Content -LiteralPath $shuffled -Value ((Get-Content $rsa.ChainFile -Raw) + (Get-Content $rsa.CertFile -Raw)) -NoNewline
        $result = $first | Set-ApigDomainCertificate -CertificatePath $shuffled -PrivateKeyPath $rsa.KeyFile
        $result.Thumbprint | Should -Be $rsa.Thumbprint
    }

    It 'accepts CRLF files' {
        $crlfCert = Join-Path $WorkDir 'crlf-cert.pem'; $crlfKey = Join-Path $WorkDir 'crlf-key.pem'
        Set-Content -LiteralPath $crlfCert -Value ((Get-Content $rsa.FullChainFile -Raw) -replace "`n", "`r`n") -NoNewline
        Set-Content -LiteralPath $crlfKey -Value ((Get-Content $rsa.KeyFile -Raw) -replace "`n", "`r`n") -NoNewline
        ($first | Set-ApigDomainCertificate -CertificatePath $crlfCert -PrivateKeyPath $crlfKey).Thumbprint | Should -Be $rsa.Thumbprint
    }

    It 'binds a wildcard certificate to a one-label subdomain' {
        ($first | Set-ApigDomainCertificate -CertificatePath $wildcard.FullChainFile -PrivateKeyPath $wildcard.KeyFile).DomainName | Should -Be 'api.example.com'
    }

    It 'binds from a Posh-ACME style certificate object without glue' {
        # The property names Get-PACertificate emits (FullChainFile, KeyFile, PfxFullChain, PfxPass, ...).
        $paCert = [pscustomobject]@{
            Subject = "CN=$($first.DomainName)"; NotAfter = $rsa.NotAfter; Thumbprint = $rsa.Thumbprint; AllSANs = $allNames
            CertFile = $rsa.CertFile; KeyFile = $rsa.KeyFile; ChainFile = $rsa.ChainFile; FullChainFile = $rsa.FullChainFile
            PfxFile = $rsa.PfxFile; PfxFullChain = $rsa.PfxFile; PfxPass = (ConvertTo-SecureString $rsa.PfxPassword -AsPlainText -Force)
        }
        $result = $paCert | Set-ApigDomainCertificate -InstanceId $first.InstanceId -GroupId $first.GroupId -DomainId $first.DomainId
        $result.Thumbprint | Should -Be $rsa.Thumbprint
    }

    It 'pipes a result back in through its DomainId' {
        $result = $first | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile
        ($result | Set-ApigDomainCertificate -CertificatePath $ec.FullChainFile -PrivateKeyPath $ec.KeyFile).Thumbprint | Should -Be $ec.Thumbprint
    }

    It 'sends no change with -WhatIf (it reads what each domain holds, which changes nothing)' {
        $out = $Seed.Domains | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -WhatIf
        $out | Should -BeNullOrEmpty
        @(Get-SentRequests | Where-Object method -NE 'GET').Count | Should -Be 0
        foreach ($d in $Seed.Domains) { (Get-EmulatorDomain $d.DomainId).certificates | Should -BeNullOrEmpty }
    }

    It 'works with <As> authentication' -ForEach @(@{ As = 'AccessKey' }, @{ As = 'TemporaryKey' }, @{ As = 'Token' }, @{ As = 'Password' }) {
        Connect-TestApig -As $As | Out-Null
        ($first | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile).Thumbprint | Should -Be $rsa.Thumbprint
        $expected = @{ AccessKey = 'aksk'; TemporaryKey = 'aksk'; Token = 'token'; Password = 'token' }[$As]
        (Get-SentRequests | Where-Object method -EQ 'POST' | Where-Object path -Like '*/certificate').auth | Should -Be $expected
    }

    It 'reports an unknown domain as APIG.3020 and goes on with the batch' {
        $missing = [pscustomobject]@{ InstanceId = $first.InstanceId; GroupId = $first.GroupId; DomainId = 'dom0000000000000000000000000000ff' }
        $out = @($Seed.Domains[0], $missing, $Seed.Domains[1]) |
            Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -ErrorVariable errs -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 2
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'APIG.3020,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].TargetObject | Should -Be 'dom0000000000000000000000000000ff'
        $errs[0].Exception.StatusCode | Should -Be 404
        $errs[0].Exception.ErrorCode | Should -Be 'APIG.3020'
        $errs[0].Exception.RequestId | Should -Match '^[0-9a-f]{32}$'
    }

    It 'turns API error <Code> (HTTP <Status>) into an ErrorRecord in category <Category>' -ForEach @(
        @{ Code = 'APIG.2012'; Status = 400; Category = 'InvalidArgument' }
        @{ Code = 'APIG.2101'; Status = 400; Category = 'InvalidArgument' }
        @{ Code = 'APIG.2102'; Status = 400; Category = 'InvalidArgument' }
        @{ Code = 'APIG.2103'; Status = 400; Category = 'InvalidArgument' }
        @{ Code = 'APIG.2104'; Status = 400; Category = 'InvalidArgument' }
        @{ Code = 'APIG.2106'; Status = 400; Category = 'InvalidArgument' }
        @{ Code = 'APIG.1002'; Status = 401; Category = 'AuthenticationError' }
        @{ Code = 'APIG.1115'; Status = 403; Category = 'PermissionDenied' }
        @{ Code = 'APIG.3001'; Status = 404; Category = 'ObjectNotFound' }
        @{ Code = 'APIG.3030'; Status = 404; Category = 'ObjectNotFound' }
        @{ Code = 'APIG.9999'; Status = 500; Category = 'ConnectionError' }
    ) {
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path faults -Method POST -Body @{
            method = 'POST'; path = 'certificate$'; count = -1; action = 'error'; status = $Status; errorCode = $Code; errorMsg = "injected $Code"
        } | Out-Null
        # No retries, so a retryable code (APIG.9999) shows up as the error record too.
        Connect-Apig -Region $Seed.Region -ProjectId $Seed.ProjectId -Endpoint $EmulatorUrl -AccessKey $Seed.AccessKey `
            -SecretKey (ConvertTo-SecureString $Seed.SecretKey -AsPlainText -Force) -MaxRetries 0 | Out-Null
        $out = $first | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike "$Code,*"
        $errs[0].CategoryInfo.Category | Should -Be $Category
        $errs[0].Exception.ErrorMessage | Should -Be "injected $Code"
        $errs[0].Exception.StatusCode | Should -Be $Status
        $errs[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'fails with a terminating error naming Connect-Apig when not connected' {
        Disconnect-Apig
        { $first | Set-ApigDomainCertificate -CertificatePath $rsa.FullChainFile -PrivateKeyPath $rsa.KeyFile -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotConnected,Apig.Cert.Commands.SetApigDomainCertificateCommand' -ExpectedMessage '*Connect-Apig*'
        @(Get-SentRequests).Count | Should -Be 0
    }
}
