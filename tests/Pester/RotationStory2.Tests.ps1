# Rotation story 2 (README, about_Apig.Cert): domains that hold legacy uploads move onto one stored certificate.
# The script is the README's, cmdlet for cmdlet.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $ca = New-TestCertificateAuthority -Name 'Story Root'
    $script:old = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'story-old') -NotAfter ([DateTimeOffset]::UtcNow.AddDays(10))
    $script:new = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'story-new')
}
AfterAll { Stop-TestEmulator }

Describe 'Rotation story 2 under attachConflict <Conflict>, storeListsLegacyUploads <InStore>' -ForEach @(
    @{ Conflict = 'refuse'; InStore = $true }
    @{ Conflict = 'refuse'; InStore = $false }
    @{ Conflict = 'replace'; InStore = $true }
) {
    BeforeAll {
        Reset-Emulator
        Set-EmulatorSettings @{ attachConflict = $Conflict; storeListsLegacyUploads = $InStore }
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path bulk -Method POST -Body @{ groups = 40; domainsPerGroup = 1; namePrefix = 'story'; flatNames = $true } | Out-Null
        Connect-TestApig | Out-Null
        # Today: every domain holds its own uploaded copy.
        Get-ApigDomain -DomainName '*.example.com' | Set-ApigDomainCertificate -CertificatePath $old.FullChainFile -PrivateKeyPath $old.KeyFile | Out-Null
        $script:domainCount = @(Get-ApigDomain -DomainName '*.example.com').Count
        $script:c = New-ApigCertificate -CertificatePath $new.FullChainFile -PrivateKeyPath $new.KeyFile -Name wildcard_example_com
        $script:moved = @(Get-ApigDomain -DomainName '*.example.com' | Add-ApigCertificateBinding -CertificateId $c.CertificateId)
    }

    It 'every domain holds the stored certificate, and only it' {
        $domainCount | Should -Be 45
        $moved.Count | Should -Be $domainCount
        @($moved | Where-Object Changed).Count | Should -Be $domainCount
        $state = Invoke-EmulatorAdmin -Url $EmulatorUrl -Path state
        $domains = @($state.instances.groups.domains | Where-Object domain -Like '*.example.com')
        $domains.Count | Should -Be $domainCount
        foreach ($domain in $domains) { $domain.certificateIds | Should -Be @($c.CertificateId) -Because $domain.domain }
        @(Get-ApigCertificateBinding -CertificateId $c.CertificateId).Count | Should -Be $domainCount
    }

    It 'the legacy copies are gone from the store' {
        @(Get-EmulatorStore | Where-Object legacyUpload) | Should -BeNullOrEmpty
        @(Get-EmulatorStore).id | Should -Be @($c.CertificateId)
    }

    It 'the domains serve the new certificate through the legacy show as well' {
        $shown = @(Get-ApigDomain -DomainName 'api.example.com', 'story-00040-d1.example.com' | Get-ApigDomainCertificate)
        $shown.CertificateId | Should -Be @($c.CertificateId, $c.CertificateId)
        $shown[0].NotAfter.Date | Should -Be $new.Certificate.NotAfter.ToUniversalTime().Date
    }

    It 'a re-run sends nothing' {
        Invoke-EmulatorAdmin -Url $EmulatorUrl -Path requests -Method DELETE | Out-Null
        $again = @(Get-ApigDomain -DomainName '*.example.com' | Add-ApigCertificateBinding -CertificateId $c.CertificateId)
        @($again | Where-Object { $_.Changed -eq $false }).Count | Should -Be $domainCount
        Get-SentChanges | Should -BeNullOrEmpty
    }
}
