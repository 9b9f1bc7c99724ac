# Runs the whole flow with every stream captured (Verbose, Debug, Warning, Error, Information, a transcript) and
# then searches all of it, the context object and the emulator's log and state, for every secret used.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority
    $cert = New-TestCertificate -DnsName $Seed.Domains.DomainName -Issuer $ca -Directory (Join-Path $WorkDir 'secrets')
    $other = New-TestCertificate -DnsName 'api.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'secrets-other')
    $flow = @"
    `$common = @{ Region = '$($Seed.Region)'; ProjectId = '$($Seed.ProjectId)'; Endpoint = '$EmulatorUrl' }
    Connect-Apig @common -AccessKey '$($Seed.AccessKey)' -SecretKey (ConvertTo-SecureString `$env:T_SK -AsPlainText -Force) | Format-List * | Out-String
    `$domains | Set-ApigDomainCertificate -CertificatePath '$($cert.FullChainFile)' -PrivateKeyPath '$($cert.KeyEncryptedFile)' -PrivateKeyPassword (ConvertTo-SecureString `$env:T_KEYPW -AsPlainText -Force) | Format-List * | Out-String
    `$domains[0] | Set-ApigDomainCertificate -CertificatePem (Get-Content -Raw '$($cert.FullChainFile)') -PrivateKeyPem (Get-Content -Raw '$($cert.KeyFile)') | Out-String
    `$domains[0] | Set-ApigDomainCertificate -PfxPath '$($cert.PfxFile)' -PfxPassword (ConvertTo-SecureString 'not-the-pfx-password' -AsPlainText -Force)
    `$domains[0] | Set-ApigDomainCertificate -CertificatePath '$($cert.FullChainFile)' -PrivateKeyPath '$($other.KeyFile)'
    Connect-Apig @common -AccessKey '$($Seed.TempKey)' -SecretKey (ConvertTo-SecureString `$env:T_TEMPSK -AsPlainText -Force) -SecurityToken (ConvertTo-SecureString `$env:T_TEMPTOKEN -AsPlainText -Force) | Format-List * | Out-String
    `$domains[1] | Set-ApigDomainCertificate -PfxPath '$($cert.PfxFile)' -PfxPassword (ConvertTo-SecureString `$env:T_PFXPW -AsPlainText -Force) | Out-String
    Connect-Apig @common -Token (ConvertTo-SecureString `$env:T_TOKEN -AsPlainText -Force) | Format-List * | Out-String
    `$domains[2] | Set-ApigDomainCertificate -CertificatePath '$($cert.FullChainFile)' -PrivateKeyPath '$($cert.KeyFile)' | Out-String
    `$cred = [pscredential]::new('$($Seed.UserName)', (ConvertTo-SecureString `$env:T_PASSWORD -AsPlainText -Force))
    Connect-Apig @common -IamEndpoint '$EmulatorUrl' -Credential `$cred -AccountName '$($Seed.AccountName)' | Format-List * | Out-String
    Get-ApigContext | ConvertTo-Json | Out-String
    `$domains[3] | Set-ApigDomainCertificate -CertificatePath '$($cert.FullChainFile)' -PrivateKeyPath '$($cert.KeyFile)' | Out-String
    try { Connect-Apig @common -IamEndpoint '$EmulatorUrl' -Credential ([pscredential]::new('$($Seed.UserName)', (ConvertTo-SecureString ('wrong-' + `$env:T_PASSWORD) -AsPlainText -Force))) -AccountName '$($Seed.AccountName)' } catch { `$_ | Format-List * -Force | Out-String; `$_.Exception | Format-List * -Force | Out-String }
"@
    Reset-Emulator
    $everything = Invoke-CapturedFlow -Body $flow -Environment @{
        T_SK = $Seed.SecretKey; T_KEYPW = $cert.KeyPassword; T_TEMPSK = $Seed.TempSecret; T_TEMPTOKEN = $Seed.TempToken
        T_PFXPW = $cert.PfxPassword; T_TOKEN = $Seed.Token; T_PASSWORD = $Seed.Password
    }

    $keyLines = Get-PrivateKeyLines $cert.KeyFile, $cert.KeyTraditional, $cert.KeyEncryptedFile, $other.KeyFile
    $secrets = @($Seed.SecretKey, $Seed.TempSecret, $Seed.TempToken, $Seed.Token, $Seed.Password, $cert.KeyPassword, $cert.PfxPassword)
}
AfterAll { Stop-TestEmulator }

Describe 'Secrets never appear in any output' {
    It 'ran the flow and captured its streams' {
        $everything | Should -Match 'DomainCertificateBinding|CertificateName'
        $everything | Should -Match 'POST /v2/'            # Verbose lines are there
        $everything | Should -Match 'CertificateKeyMismatch'  # errors are there
        $everything | Should -Match 'PfxPasswordIncorrect'
    }

    It 'never shows <Name>' -ForEach @(
        @{ Name = 'the secret key'; Index = 0 }
        @{ Name = 'the temporary secret key'; Index = 1 }
        @{ Name = 'the security token'; Index = 2 }
        @{ Name = 'the token'; Index = 3 }
        @{ Name = 'the IAM password'; Index = 4 }
        @{ Name = 'the key password'; Index = 5 }
        @{ Name = 'the PFX password'; Index = 6 }
    ) {
        $at = $everything.IndexOf($secrets[$Index])
        $context = if ($at -ge 0) { $everything.Substring([Math]::Max(0, $at - 300), [Math]::Min(400, $everything.Length - [Math]::Max(0, $at - 300))) } else { '' }
        $at | Should -Be -1 -Because "it was found here: $context"
    }

    It 'never shows a line of any private key' {
        $keyLines.Count | Should -BeGreaterThan 20
        foreach ($line in $keyLines) { $everything.Contains($line) | Should -BeFalse -Because 'private key material must never be output' }
    }

    It 'never shows an IAM token the emulator issued' {
        $everything | Should -Not -Match 'X-Subject-Token:\s*[^*\s]'
    }
}
