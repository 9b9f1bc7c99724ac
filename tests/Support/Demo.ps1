<#
.SYNOPSIS
    The demo behind ./build.ps1 -Task Demo: start the emulator, make a throwaway certificate for its seeded domains,
    connect, bind, show the typed results, stop the emulator.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'ApigTestSupport.psm1') -Force
Import-Module (Join-Path $ModulePath 'Apig.Cert.psd1') -Force

$emulator = Start-ApigEmulator -EmulatorPath $EmulatorPath
$work = Join-Path ([IO.Path]::GetTempPath()) ("apig-demo-" + [guid]::NewGuid().ToString('N'))
try {
    Write-Host "Emulator listening on $($emulator.Url)"
    $state = Invoke-EmulatorAdmin -Url $emulator.Url -Path state
    $project = $state.projectId

    # The seeded domains, as the API lists them: every custom domain of every group of the instance.
    $instance = @($state.instances)[0]
    $domains = foreach ($group in $instance.groups) {
        foreach ($domain in $group.domains) {
            [pscustomobject]@{ InstanceId = $instance.id; GroupId = $group.id; Id = $domain.id; UrlDomain = $domain.domain }
        }
    }
    Write-Host "Seeded domains: $(($domains.UrlDomain) -join ', ')"

    $ca = New-TestCertificateAuthority -Name 'Apig Demo CA'
    $cert = New-TestCertificate -DnsName $domains.UrlDomain -Issuer $ca -Directory $work -CommonName $domains[0].UrlDomain
    Write-Host "Throwaway certificate: $($cert.Certificate.Subject), thumbprint $($cert.Thumbprint), expires $($cert.NotAfter.ToString('yyyy-MM-dd'))"

    $secret = ConvertTo-SecureString 'emulator-secret-key-0001' -AsPlainText -Force
    $context = Connect-Apig -Region cn-north-4 -ProjectId $project -Endpoint $emulator.Url -AccessKey 'EMULATORACCESSKEY0001' -SecretKey $secret
    Write-Host "Connected: $($context.AuthType) as $($context.AccessKey) to $($context.Endpoint)"

    $results = $domains | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile
    $results | Format-Table -AutoSize | Out-String -Width 200 | Write-Host

    $requests = Get-EmulatorRequests -Url $emulator.Url
    Write-Host ("Emulator saw {0} request(s): {1}" -f $requests.Count, (($requests | ForEach-Object { "$($_.method) $($_.status)" }) -join ', '))
    if (@($results).Count -ne @($domains).Count) { throw "Expected $(@($domains).Count) bindings, got $(@($results).Count)." }
    Disconnect-Apig
}
finally {
    $emulator | Stop-ApigEmulator
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
