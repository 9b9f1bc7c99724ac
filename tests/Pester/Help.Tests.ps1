# The help a user gets from Get-Help on the built module: every exported cmdlet, every parameter, the about topic.
# The lists come from the module itself, so a new cmdlet or parameter without help fails here. No emulator needed.

BeforeDiscovery {
    Import-Module (Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1') -Force
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    $cmdletCases = @(
        foreach ($command in Get-Command -Module Apig.Cert -CommandType Cmdlet) {
            @{
                Name       = $command.Name
                Parameters = @($command.Parameters.Keys | Where-Object { $_ -notin $common } | ForEach-Object { @{ Parameter = $_ } })
            }
        }
    )
}

BeforeAll {
    $manifestPath = Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.psd1'
    Import-Module $manifestPath -Force
    $module = Get-Module Apig.Cert
    $helpPath = Join-Path $env:APIG_TEST_MODULE 'en-US/Apig.Cert.dll-Help.xml'
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

    # Every cmdlet class of the assembly, exported or not yet: help must not wait for the manifest to list a cmdlet.
    $assemblyCmdlets = @(
        foreach ($type in $module.ImplementingAssembly.GetExportedTypes()) {
            $attribute = [System.Attribute]::GetCustomAttribute($type, [System.Management.Automation.CmdletAttribute])
            if ($attribute -and -not $type.IsAbstract) { '{0}-{1}' -f $attribute.VerbName, $attribute.NounName }
        }
    )

    function Get-ParaText {
        param($Node)
        (@($Node) | Where-Object { $_ } | ForEach-Object { $_.Text }) -join "`n"
    }
}

Describe 'The help files' {
    # Guards the data-driven blocks below: had discovery found no cmdlets, they would pass without checking anything.
    It 'help is checked for every exported cmdlet' -TestCases @(@{ DiscoveredCount = $cmdletCases.Count }) {
        $DiscoveredCount | Should -Be @((Import-PowerShellDataFile $manifestPath).CmdletsToExport).Count
        $DiscoveredCount | Should -BeGreaterThan 0
    }

    It 'ships MAML that names every cmdlet class of the assembly, and nothing else' {
        [xml] $maml = Get-Content -LiteralPath $helpPath -Raw
        $maml.helpItems.schema | Should -Be 'maml'
        $names = @($maml.helpItems.command | ForEach-Object { $_.details.name })
        ($names | Sort-Object) | Should -Be ($assemblyCmdlets | Sort-Object)
    }

    It 'ships the about topic as text next to the MAML' {
        Test-Path -LiteralPath (Join-Path $env:APIG_TEST_MODULE 'en-US/about_Apig.Cert.help.txt') | Should -BeTrue
    }
}

Describe 'Get-Help <Name>' -ForEach $cmdletCases {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
    }

    It 'comes from the module''s help file' {
        $help.PSObject.TypeNames | Should -Contain 'MamlCommandHelpInfo'
        $help.description | Should -Not -BeNullOrEmpty -Because 'help generated from the syntax alone has no description'
    }

    It 'has a synopsis written for it, not the generated syntax' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -Match ('^' + [regex]::Escape($Name) + '(\s|$)')
        $help.Synopsis.Length | Should -BeGreaterThan 20
    }

    It 'has a description' {
        (Get-ParaText $help.description).Trim().Length | Should -BeGreaterThan 40
    }

    It 'has at least two examples, each with code and an explanation' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.code | Should -Not -BeNullOrEmpty -Because "example '$($example.title)' needs code"
            $example.code | Should -Match '\w+-Apig\w*' -Because "example '$($example.title)' should use the module"
            (Get-ParaText $example.remarks).Trim() | Should -Not -BeNullOrEmpty -Because "example '$($example.title)' needs an explanation"
        }
    }

    It 'describes parameter -<Parameter>' -ForEach $Parameters {
        $entry = @($help.parameters.parameter | Where-Object name -EQ $Parameter)
        $entry.Count | Should -Be 1 -Because "-$Parameter must appear once in the PARAMETERS section"
        (Get-ParaText $entry[0].description).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'documents only parameters the cmdlet has' {
        foreach ($documented in @($help.parameters.parameter | Where-Object { $_ } | ForEach-Object name)) {
            $command.Parameters.Keys | Should -Contain $documented
        }
    }

    It 'shows one syntax per parameter set' {
        @($help.syntax.syntaxItem).Count | Should -Be $command.ParameterSets.Count
    }

    It 'states what it takes from the pipeline and what it returns' {
        @($help.inputTypes.inputType | ForEach-Object { $_.type.name } | Where-Object { $_ }).Count | Should -BeGreaterThan 0
        $returned = @($help.returnValues.returnValue | ForEach-Object { $_.type.name } | Where-Object { $_ })
        $returned.Count | Should -BeGreaterThan 0
        foreach ($declared in @($command.OutputType | Where-Object { $_.Name -ne 'System.Void' })) {
            $returned | Should -Contain $declared.Name
        }
    }

    It 'links to related cmdlets that exist and to about_Apig.Cert' {
        $links = @($help.relatedLinks.navigationLink | ForEach-Object linkText | Where-Object { $_ })
        $links | Should -Contain 'about_Apig.Cert'
        foreach ($link in $links | Where-Object { $_ -match '^\w+-Apig\w*$' }) {
            $assemblyCmdlets | Should -Contain $link -Because "the related link $link should name a cmdlet of the module"
        }
    }
}

Describe 'Get-Help about_Apig.Cert' {
    BeforeAll {
        $about = Get-Help about_Apig.Cert
        $text = $about | Out-String
    }

    It 'returns the topic' {
        $about.Name | Should -Be 'about_Apig.Cert'
        $about.Synopsis | Should -Match 'API Gateway'
        $text | Should -Match '(?m)^TOPIC\s*$'
        $text | Should -Match '(?m)^SHORT DESCRIPTION\s*$'
        $text | Should -Match '(?m)^LONG DESCRIPTION\s*$'
    }

    It 'covers <Subject>' -ForEach @(
        @{ Subject = 'environment credentials'; Pattern = 'HUAWEICLOUD_SDK_AK' }
        @{ Subject = 'loopback-only http'; Pattern = '127\.0\.0\.1' }
        @{ Subject = 'SecureString secrets'; Pattern = 'SecureString' }
        @{ Subject = 'the discovery pipeline'; Pattern = 'Get-ApigInstance \| Get-ApigGroup \| Get-ApigDomain' }
        @{ Subject = 'Posh-ACME'; Pattern = 'Get-PACertificate' }
        @{ Subject = 'error ids'; Pattern = 'CertificateKeyMismatch' }
        @{ Subject = 'recommended actions'; Pattern = 'RecommendedAction' }
        @{ Subject = 'Force in runbooks'; Pattern = '-Force' }
        @{ Subject = 'the emulator'; Pattern = 'build\.ps1 -Task Emulator' }
    ) {
        $text | Should -Match $Pattern
    }
}

Describe 'The help generator' {
    # Runs ConvertTo-ApigMaml.ps1 on a copy of the module and of docs/help with one defect of each kind; the build
    # must fail and name every one, so missing help can never ship silently.
    BeforeAll {
        Import-Module $env:APIG_TEST_SUPPORT -Force
        $work = Join-Path ([IO.Path]::GetTempPath()) ('apig-help-' + [guid]::NewGuid().ToString('N'))
        $moduleCopy = Join-Path $work 'Apig.Cert'
        $docsCopy = Join-Path $work 'help'
        New-Item -ItemType Directory -Path $work | Out-Null
        Copy-Item -LiteralPath $env:APIG_TEST_MODULE -Destination $moduleCopy -Recurse
        Remove-Item -LiteralPath (Join-Path $moduleCopy 'en-US') -Recurse -Force
        Copy-Item -LiteralPath (Join-Path $repoRoot 'docs/help') -Destination $docsCopy -Recurse

        $set = Join-Path $docsCopy 'Set-ApigDomainCertificate.md'
        $content = Get-Content -LiteralPath $set -Raw
        # Drop the description of -PfxPath: the heading and its paragraph.
        $content = $content -replace '(?ms)^### -PfxPath\r?\n.*?(?=^### )', ''
        # Document a parameter the cmdlet does not have.
        $content = $content -replace '(?m)^## INPUTS', "### -NoSuchParameter`nIt does not exist.`n`n## INPUTS"
        Set-Content -LiteralPath $set -Value $content
        # Leave Get-ApigContext with a single example.
        $context = Join-Path $docsCopy 'Get-ApigContext.md'
        (Get-Content -LiteralPath $context -Raw) -replace '(?ms)^### Example 2:.*?(?=^## PARAMETERS)', '' | Set-Content -LiteralPath $context
        Remove-Item -LiteralPath (Join-Path $docsCopy 'Disconnect-Apig.md')

        $output = & (Get-PwshCommand) -NoProfile -NonInteractive -File (Join-Path $repoRoot 'tools/help/ConvertTo-ApigMaml.ps1') `
            -ModulePath $moduleCopy -SourcePath $docsCopy -AboutPath (Join-Path $repoRoot 'docs/about_Apig.Cert.md') 2>&1 | Out-String
        $exitCode = $LASTEXITCODE
    }
    AfterAll {
        if ($work -and (Test-Path -LiteralPath $work)) { Remove-Item -LiteralPath $work -Recurse -Force }
    }

    It 'fails and writes no help' {
        $exitCode | Should -Not -Be 0 -Because $output
        Test-Path -LiteralPath (Join-Path $moduleCopy 'en-US/Apig.Cert.dll-Help.xml') | Should -BeFalse
    }

    It 'names <Problem>' -ForEach @(
        @{ Problem = 'the cmdlet without a markdown file'; Pattern = '(?m)^help: Disconnect-Apig: no help markdown' }
        @{ Problem = 'the parameter without a description'; Pattern = '(?m)^help: Set-ApigDomainCertificate .*parameter -PfxPath has no description' }
        @{ Problem = 'the documented parameter that does not exist'; Pattern = '(?m)^help: Set-ApigDomainCertificate .*-NoSuchParameter, which the cmdlet does not have' }
        @{ Problem = 'the cmdlet with too few examples'; Pattern = '(?m)^help: Get-ApigContext .*1 example\(s\); at least 2' }
    ) {
        $output | Should -Match $Pattern
    }
}
