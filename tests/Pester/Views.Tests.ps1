# What a person sees at 120 columns, and what Export-Csv / ConvertTo-Json write (issue 8 §2.1, §2.3).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    Reset-Emulator
    # Names as long as real ones: bulk-00001-d1.example.com and friends, next to the seed's five.
    Invoke-EmulatorAdmin -Url $EmulatorUrl -Path bulk -Method POST -Body @{ groups = 3; domainsPerGroup = 1; namePrefix = 'customer-portal'; flatNames = $true } | Out-Null
    $script:context = Connect-TestApig -As Token
    $ca = New-TestCertificateAuthority
    $script:cert = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'views')
    $script:bindings = @(Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile)
    $script:unchanged = @(Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile)
    $script:domains = @(Get-ApigDomain)
    $script:certificates = @(Get-ApigDomain | Get-ApigDomainCertificate)
    $script:groups = @(Get-ApigGroup)
    $script:instances = @(Get-ApigInstance)
    # New-/Set-ApigDomain results (their own table); the second run finds everything as asked.
    $script:settings = @(Get-ApigDomain | Set-ApigDomain -MinSslVersion TLSv1.1 -RedirectToHttps $true)
    $script:settingsUnchanged = @(Get-ApigDomain | Set-ApigDomain -MinSslVersion TLSv1.1 -RedirectToHttps $true)

    # A console 120 columns wide renders tables 119 wide (pwsh leaves the last column free), so that is the width tested.
    function Get-Rendered {
        param($Objects, [string] $View, [switch] $List)
        $text = if ($List) { $Objects | Format-List | Out-String -Width 119 }
        elseif ($View) { $Objects | Format-Table -View $View | Out-String -Width 119 }
        else { $Objects | Out-String -Width 119 }
        @($text -split "`r?`n" | ForEach-Object TrimEnd | Where-Object { $_ })
    }

    # The table's header line, split into column labels.
    function Get-Header { param([string[]] $Lines) @($Lines[0] -split '\s+' | Where-Object { $_ }) }

    function Assert-Table {
        param($Objects, [string[]] $Lines, [string[]] $Columns, [scriptblock[]] $WholeValues)
        foreach ($line in $Lines) { $line.Length | Should -BeLessOrEqual 120 -Because "'$line' must fit 120 columns" }
        $header = Get-Header $Lines
        foreach ($column in $Columns) { $header | Should -Contain $column }
        $properties = $Objects[0].PSObject.Properties.Name
        foreach ($label in $header) { $properties | Should -Contain $label -Because "column '$label' must be a property of $($Objects[0].GetType().Name)" }
        $rows = $Lines | Select-Object -Skip 2
        $rows.Count | Should -Be $Objects.Count
        foreach ($object in $Objects) {
            foreach ($value in $WholeValues) {
                $expected = [string](& $value $object)
                @($rows | Where-Object { $_.Contains($expected) }).Count | Should -BeGreaterThan 0 -Because "'$expected' must appear whole"
            }
        }
        ($rows -join "`n") | Should -Not -Match '…' -Because 'no key column may be cut'
    }
}
AfterAll { Stop-TestEmulator }

Describe 'Tables at 120 columns' {
    It 'every table view of the module is covered here' {
        $formats = [xml](Get-Content -LiteralPath (Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.Format.ps1xml') -Raw)
        $views = @($formats.Configuration.ViewDefinitions.View | Where-Object { $_.TableControl } | ForEach-Object { $_.ViewSelectedBy.TypeName + '/' + $_.Name })
        $covered = 'DomainCertificateBinding/Apig.Cert.DomainCertificateBinding', 'DomainCertificateBinding/Ids', 'DomainCertificateBinding/Thumbprint',
            'ApigInstance/Apig.Cert.ApigInstance', 'ApigGroup/Apig.Cert.ApigGroup', 'ApigDomain/Apig.Cert.ApigDomain', 'ApigDomain/Ids',
            'ApigDomainCertificate/Apig.Cert.ApigDomainCertificate', 'ApigDomainCertificate/Ids',
            'ApigCertificate/Apig.Cert.ApigCertificate', 'ApigCertificate#Changed/Apig.Cert.ApigCertificate#Changed', 'ApigCertificate/Ids' | ForEach-Object { 'Apig.Cert.' + $_ }
        $covered += 'Apig.Cert.ApigCcmCertificate/Apig.Cert.ApigCcmCertificate'
        $covered += 'Apig.Cert.ApigCertificateBinding/Apig.Cert.ApigCertificateBinding'
        $covered += 'Apig.Cert.ApigDomain#Settings/Apig.Cert.ApigDomain#Settings'
        $covered += 'Apig.Cert.ApigTlsCheck/Apig.Cert.ApigTlsCheck'
        # Get-ApigContext -ListAvailable: rendered and measured in Contexts.Tests.ps1.
        $covered += 'Apig.Cert.ApigContext#List/Apig.Cert.ApigContext#List'
        ($views | Sort-Object) | Should -Be ($covered | Sort-Object)
    }

    It 'every table view fits a 120-column console, which renders 119 columns' {
        $formats = [xml](Get-Content -LiteralPath (Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.Format.ps1xml') -Raw)
        foreach ($view in @($formats.Configuration.ViewDefinitions.View | Where-Object { $_.TableControl })) {
            $widths = @($view.TableControl.TableHeaders.TableColumnHeader | ForEach-Object { [int]$_.Width })
            $total = ($widths | Measure-Object -Sum).Sum + $widths.Count - 1
            $total | Should -BeLessOrEqual 119 -Because "$($view.ViewSelectedBy.TypeName)/$($view.Name) is $total columns wide with its separators"
        }
    }

    It 'the TLS check table keeps DomainName, the served expiry, the three verdicts and the error' {
        $checks = @(Get-ApigDomain | Test-ApigDomainCertificate -Endpoint (Get-EmulatorDataPlane).Endpoint)
        $lines = Get-Rendered $checks
        Assert-Table $checks $lines -Columns DomainName, Served, NameMatches, ChainTrusted, MatchesBound, Error -WholeValues @(
            { param($o) $o.DomainName }, { param($o) $o.Served.NotAfter.ToString('yyyy-MM-dd') })
        @($lines | Select-Object -Skip 2 | Where-Object { $_ -match '\sTrue\s+False\s+True(\s|$)' }).Count | Should -Be $checks.Count -Because 'name covered, private root untrusted, the bound certificate served'
    }

    It 'the bind table keeps DomainName, CertificateName, NotAfter, Changed and a short thumbprint' {
        $lines = Get-Rendered $bindings
        Assert-Table $bindings $lines -Columns DomainName, CertificateName, NotAfter, Changed, Thumbprint -WholeValues @(
            { param($o) $o.DomainName }, { param($o) $o.CertificateName }, { param($o) $o.NotAfter.ToString('yyyy-MM-dd') }, { param($o) $o.Thumbprint.Substring(0, 12) })
        ($lines -join "`n") | Should -Not -Match $cert.Thumbprint -Because 'the 40-character thumbprint belongs to the Thumbprint view'
        (Get-Header $lines) | Should -Not -Contain 'DaysRemaining'
        @($lines | Select-Object -Skip 2 | Where-Object { $_ -match '\sTrue(\s|$)' }).Count | Should -Be $bindings.Count
    }

    It 'an unchanged bind shows Changed False on every row' {
        $lines = Get-Rendered $unchanged
        @($lines | Select-Object -Skip 2 | Where-Object { $_ -match '\sFalse(\s|$)' }).Count | Should -Be $unchanged.Count
    }

    It 'the Ids and Thumbprint views of a bind show ids and the thumbprint whole' {
        Assert-Table $bindings (Get-Rendered $bindings -View Ids) -Columns DomainName, DomainId, CertificateId, Changed -WholeValues @(
            { param($o) $o.DomainId }, { param($o) $o.CertificateId })
        Assert-Table $bindings (Get-Rendered $bindings -View Thumbprint) -Columns DomainName, Thumbprint -WholeValues @({ param($o) $o.Thumbprint })
    }

    It 'the domain table keeps DomainName, every bound certificate and CnameStatus, and -View Ids the ids' {
        Assert-Table $domains (Get-Rendered $domains) -Columns DomainName, GroupName, Certificates, CnameStatus -WholeValues @(
            { param($o) $o.DomainName }, { param($o) 'RSA ' + $o.CertificateName }, { param($o) $o.CnameStatus })
        Assert-Table $domains (Get-Rendered $domains -View Ids) -Columns DomainName, GroupId, DomainId -WholeValues @(
            { param($o) $o.GroupId }, { param($o) $o.DomainId })
    }

    It 'the certificate table keeps DomainName, Name, NotAfter and DaysRemaining, and -View Ids the ids' {
        Assert-Table $certificates (Get-Rendered $certificates) -Columns DomainName, DaysRemaining, NotAfter, AlgorithmType, Name -WholeValues @(
            { param($o) $o.DomainName }, { param($o) $o.Name }, { param($o) $o.NotAfter.ToString('yyyy-MM-dd') })
        Assert-Table $certificates (Get-Rendered $certificates -View Ids) -Columns DomainName, CertificateId, DomainId -WholeValues @(
            { param($o) $o.CertificateId }, { param($o) $o.DomainId })
    }

    It 'the New-/Set-ApigDomain table keeps DomainName, Changed and the settings, and -View Ids the ids' {
        Assert-Table $settings (Get-Rendered $settings) -Columns DomainName, Changed, MinSslVersion, RedirectToHttps, HttpsPort, VerifiedClientCertificateEnabled -WholeValues @(
            { param($o) $o.DomainName }, { param($o) $o.MinSslVersion })
        @(Get-Rendered $settings | Select-Object -Skip 2 | Where-Object { $_ -match '\sTrue\s+TLSv1\.1\s+True\s' }).Count | Should -Be $settings.Count
        @(Get-Rendered $settingsUnchanged | Select-Object -Skip 2 | Where-Object { $_ -match '\sFalse\s+TLSv1\.1\s+True\s' }).Count | Should -Be $settingsUnchanged.Count
        Assert-Table $settings (Get-Rendered $settings -View Ids) -Columns DomainName, GroupId, DomainId -WholeValues @({ param($o) $o.DomainId })
        (Get-Header (Get-Rendered $domains)) | Should -Not -Contain 'Changed' -Because 'a listing has no Changed to show'
    }

    It 'the group table says DomainCount, the property it shows' {
        Assert-Table $groups (Get-Rendered $groups) -Columns Name, GroupId, DomainCount -WholeValues @({ param($o) $o.GroupId }, { param($o) $o.Name })
        (Get-Header (Get-Rendered $groups)) | Should -Not -Contain 'Domains'
    }

    It 'the instance table shows the instance id whole' {
        Assert-Table $instances (Get-Rendered $instances) -Columns Name, InstanceId, Status -WholeValues @({ param($o) $o.InstanceId })
    }

    It 'the context is a list of every property, none cut' {
        $lines = Get-Rendered $context
        foreach ($name in $context.PSObject.Properties.Name) { @($lines | Where-Object { $_ -match "^$name\s*:" }).Count | Should -Be 1 -Because "$name should be listed" }
        ($lines -join "`n") | Should -Match ([regex]::Escape($Seed.ProjectId))
    }

    It 'Format-List shows every id whole' {
        $text = (Get-Rendered $bindings[0] -List) -join "`n"
        foreach ($value in $bindings[0].DomainId, $bindings[0].CertificateId, $bindings[0].Thumbprint, $bindings[0].InstanceId) { $text | Should -Match ([regex]::Escape($value)) }
    }

    It 'a child pwsh on a 120-column terminal renders the same tables whole' -Skip:(-not (Get-Command script -ErrorAction Ignore) -or $IsWindows) {
        $out = Join-Path $WorkDir 'child-render.txt'
        $child = Join-Path $WorkDir 'child-render.ps1'
        @"
`$ErrorActionPreference = 'Stop'
# A progress bar on a terminal nobody answers makes pwsh wait for the cursor position; progress is not what is tested.
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$(Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1')'
Connect-Apig -Region cn-north-4 -ProjectId '$($Seed.ProjectId)' -Endpoint '$EmulatorUrl' -Token (ConvertTo-SecureString '$($Seed.Token)' -AsPlainText -Force) | Out-Null
`$text = "WIDTH:" + `$Host.UI.RawUI.BufferSize.Width + "``n"
`$text += Get-ApigDomain | Set-ApigDomainCertificate -CertificatePath '$($cert.FullChainFile)' -PrivateKeyPath '$($cert.KeyFile)' -Force | Out-String
`$text += Get-ApigDomain | Out-String
Set-Content -LiteralPath '$out' -Value `$text
"@ | Set-Content -LiteralPath $child
        $pwsh = Get-PwshCommand
        & script -qec "stty cols 120 rows 50; '$pwsh' -NoProfile -NonInteractive -File '$child'" /dev/null | Out-Null
        $text = Get-Content -LiteralPath $out -Raw
        $text | Should -Match 'WIDTH:120'
        $lines = @($text -split "`r?`n" | ForEach-Object TrimEnd | Where-Object { $_ -and $_ -notmatch '^WIDTH:' })
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual 120 -Because "'$line' must fit" }
        foreach ($d in $domains) { @($lines | Where-Object { $_.Contains($d.DomainName) -and $_ -match '\sTrue\s' -and $_.Contains($cert.Thumbprint.Substring(0, 12)) }).Count | Should -Be 1 -Because "$($d.DomainName)'s bind row must be whole" }
        ($lines -join "`n") | Should -Not -Match '…'
    }
}

Describe 'Export-Csv and ConvertTo-Json of every output type' {
    BeforeDiscovery {
        $script:kinds = @('context', 'instances', 'groups', 'domains', 'certificates', 'bindings') | ForEach-Object { @{ Kind = $_ } }
    }

    It 'Export-Csv writes values, not type names, for <Kind>' -TestCases $kinds {
        param($Kind)
        $objects = @((Get-Variable -Name $Kind -ValueOnly) | ForEach-Object { $_ })
        $objects.Count | Should -BeGreaterThan 0
        $file = Join-Path $WorkDir "export-$Kind.csv"
        $objects | Export-Csv -LiteralPath $file -NoTypeInformation
        $rows = @(Import-Csv -LiteralPath $file)
        $rows.Count | Should -Be $objects.Count
        foreach ($row in $rows) {
            foreach ($property in $row.PSObject.Properties) {
                $property.Value | Should -Not -Match '^System\.|`\d\[|^Apig\.Cert\.' -Because "$Kind.$($property.Name) must be a value"
            }
        }
    }

    It 'Export-Csv joins lists: DnsNames, SubjectAlternativeNames, Certificates' {
        $file = Join-Path $WorkDir 'export-lists.csv'
        $bindings | Select-Object -First 1 | Export-Csv -LiteralPath $file -NoTypeInformation
        (Import-Csv -LiteralPath $file).DnsNames | Should -Be ($bindings[0].DnsNames -join '; ')
        $certificates | Select-Object -First 1 | Export-Csv -LiteralPath $file -NoTypeInformation
        (Import-Csv -LiteralPath $file).SubjectAlternativeNames | Should -Be ($certificates[0].SubjectAlternativeNames -join '; ')
        $domains | Select-Object -First 1 | Export-Csv -LiteralPath $file -NoTypeInformation
        (Import-Csv -LiteralPath $file).Certificates | Should -BeLike "$($domains[0].CertificateName) ($($domains[0].CertificateId))"
    }

    It 'lists stay lists in the pipeline and in JSON' {
        $bindings[0].DnsNames -contains '*.example.com' | Should -BeTrue
        ($bindings[0] | ConvertTo-Json | ConvertFrom-Json).DnsNames | Should -Be @($bindings[0].DnsNames)
    }

    It 'ConvertTo-Json writes enum names for <Kind>' -TestCases $kinds {
        param($Kind)
        $objects = @((Get-Variable -Name $Kind -ValueOnly) | ForEach-Object { $_ })
        $json = $objects[0] | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        $enums = @($objects[0].PSObject.Properties | Where-Object { $null -ne $_.Value -and $_.Value.GetType().IsEnum })
        foreach ($property in $enums) {
            $json.($property.Name) | Should -BeExactly $property.Value.ToString() -Because "$Kind.$($property.Name) should be a name"
            $json.($property.Name) | Should -Not -Match '^\d+$'
        }
    }

    It 'names the states a report needs: CnameStatus, AuthType and group Status' {
        ($domains[0] | ConvertTo-Json | ConvertFrom-Json).CnameStatus | Should -Be 'Resolved'
        ($bindings[0] | ConvertTo-Json | ConvertFrom-Json).CnameStatus | Should -Be 'Resolved'
        ($context | ConvertTo-Json | ConvertFrom-Json).AuthType | Should -Be 'Token'
        ($groups[0] | ConvertTo-Json | ConvertFrom-Json).Status | Should -Be 'Valid'
        $domains[0].CnameStatus -eq 3 | Should -BeTrue -Because 'comparing with the number still works'
    }
}

Describe 'ECC certificates in the domain table' {
    It 'shows an ECC-only domain''s certificate and both certificates of a dual domain' {
        $ecc = New-TestCertificate -DnsName '*.example.com' -Issuer $ca -KeyAlgorithm EC -Directory (Join-Path $WorkDir 'views-ecc')
        $eccOnly = Get-ApigDomain -DomainName 'www.example.com'
        $eccOnly | Remove-ApigDomainCertificate -Force | Out-Null
        $eccOnly, (Get-ApigDomain -DomainName 'api.example.com') | Set-ApigDomainCertificate -CertificatePath $ecc.FullChainFile -PrivateKeyPath $ecc.KeyFile | Out-Null
        $eccName = (Get-ApigDomain -DomainName 'www.example.com').Certificates[0].Name
        $lines = Get-Rendered @(Get-ApigDomain -DomainName 'www.example.com', 'api.example.com')
        @($lines | Where-Object { $_ -like "www.example.com *" -and $_.Contains("ECC $eccName") }).Count | Should -Be 1
        @($lines | Where-Object { $_ -like "api.example.com *" -and $_ -match ' RSA\+ECC wildcard_' }).Count | Should -Be 1
    }
}

Describe 'Certificate Manager certificates at 120 columns' {
    BeforeAll {
        Reset-Emulator
        $long = New-TestCertificate -DnsName 'customer-portal-payments.example.com', 'www.example.com' -Issuer $ca -Directory (Join-Path $WorkDir 'views-ccm')
        foreach ($name in 'customer_portal_payments_2027', 'wildcard_example') {
            Invoke-EmulatorAdmin -Url $EmulatorUrl -Path 'ccm/certificates' -Method POST -Body @{
                name = $name; certificatePem = $long.CertificatePem; privateKeyPem = $long.PrivateKeyPem } | Out-Null
        }
        Connect-Apig -Region $Seed.Region -ProjectId $Seed.ProjectId -Endpoint $EmulatorUrl -CcmEndpoint $EmulatorUrl -Token (ConvertTo-SecureString $Seed.Token -AsPlainText -Force) | Out-Null
        $script:ccm = @(Get-ApigCcmCertificate)
    }

    It 'the CCM table keeps Name, Domain, Status, NotAfter, DaysRemaining and the whole id' {
        $ccm.Count | Should -Be 2
        Assert-Table $ccm (Get-Rendered $ccm) -Columns Name, Domain, Status, NotAfter, DaysRemaining, CertificateId -WholeValues @(
            { param($o) $o.Name }, { param($o) $o.Domain }, { param($o) $o.Status }, { param($o) $o.NotAfter.ToString('yyyy-MM-dd') }, { param($o) $o.CertificateId })
    }

    It 'writes SubjectAlternativeNames joined in CSV, and its Context as the connection' {
        ($ccm | ConvertTo-Csv | Select-Object -Skip 1 -First 1) | Should -Match 'www\.example\.com'
        ($ccm[0] | ConvertTo-Json -Depth 3 | ConvertFrom-Json).SubjectAlternativeNames | Should -Contain 'www.example.com'
    }
}

Describe 'The certificate store at 120 columns' {
    BeforeAll {
        Reset-Emulator
        Connect-TestApig | Out-Null
        # Default names: as long as the derived ones users get (wildcard_example_com_20270301_3F2A1B).
        $script:created = @(
            New-ApigCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile
            New-ApigCertificate -Type Instance -InstanceId $Seed.InstanceId -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile)
        $script:again = @(New-ApigCertificate -CertificatePath $cert.FullChainFile -PrivateKeyPath $cert.KeyFile)
        $script:stored = @(Get-ApigCertificate)
    }

    It 'the store table keeps Name, Type, AlgorithmType, DaysRemaining, the CA flag and the start of the id' {
        Assert-Table $stored (Get-Rendered $stored) -Columns Name, Type, AlgorithmType, DaysRemaining, HasTrustedRootCa, CertificateId -WholeValues @(
            { param($o) $o.Name }, { param($o) $o.Type }, { param($o) $o.DaysRemaining }, { param($o) $o.CertificateId.Substring(0, 13) })
        (Get-Header (Get-Rendered $stored)) | Should -Not -Contain 'Changed' -Because 'a listing changes nothing'
    }

    It 'New- and Set-ApigCertificate results show Changed: True when created, False when already stored' {
        $lines = Get-Rendered $created
        Assert-Table $created $lines -Columns Name, Changed, DaysRemaining, CertificateId -WholeValues @({ param($o) $o.Name })
        @($lines | Select-Object -Skip 2 | Where-Object { $_ -match '\sTrue\s' }).Count | Should -Be 2
        @(Get-Rendered $again | Select-Object -Skip 2 | Where-Object { $_ -match '\sFalse\s' }).Count | Should -Be 1
    }

    It 'the Ids view shows the ids whole, and Format-List every property' {
        Assert-Table $stored (Get-Rendered $stored -View Ids) -Columns Name, CertificateId, InstanceId -WholeValues @({ param($o) $o.CertificateId })
        $list = (Get-Rendered $stored -List) -join "`n"
        foreach ($o in $stored) { $list | Should -Match ([regex]::Escape($o.SerialNumber)) }
        $list | Should -Match 'HasTrustedRootCa'
    }
}

Describe 'The certificate-binding table at 120 columns' {
    BeforeAll {
        # As long as a derived name gets: the default name of Set-ApigDomainCertificate plus a little.
        $stored = New-StoredTestCertificate -Certificate $cert -Name 'customer_portal_example_com_20270301_3F2A1B'
        $script:certificateBindings = @(Get-ApigDomain | Add-ApigCertificateBinding -CertificateId $stored.id | Sort-Object DomainName)
    }

    It 'keeps DomainName, CertificateName, VerifyClientCertificate and Changed whole' {
        $lines = Get-Rendered $certificateBindings
        Assert-Table $certificateBindings $lines -Columns DomainName, CertificateName, VerifyClientCertificate, Changed -WholeValues @(
            { param($o) $o.DomainName }, { param($o) $o.CertificateName })
        @($lines | Select-Object -Skip 2 | Where-Object { $_ -match '\sFalse\s+True$' }).Count | Should -Be $certificateBindings.Count
    }
}
