#Requires -Version 7.2
<#
.SYNOPSIS
    Builds the module's help: MAML for every cmdlet (syntax from the compiled cmdlets, prose from docs/help/*.md)
    and the about_Apig.Cert text topic.
.DESCRIPTION
    Run it in a fresh pwsh (build.ps1 starts it as a child process): it imports the built module, and a module
    imported into the build's own session would keep Apig.Cert.dll loaded and locked.

    The syntax block (parameter sets, types, mandatory, position, pipeline input, aliases, wildcards) is taken from
    Get-Command, never from the markdown, so help cannot drift from the code. The markdown layout is described in
    docs/help/README.md. The script throws, naming the cmdlet and the parameter, when a cmdlet has no markdown file,
    a parameter has no description, a cmdlet has fewer than two examples, or the markdown documents a parameter
    that does not exist.
.EXAMPLE
    pwsh -NoProfile -File tools/help/ConvertTo-ApigMaml.ps1 -ModulePath out/Apig.Cert -SourcePath docs/help -AboutPath docs/about_Apig.Cert.md
#>
[CmdletBinding()]
param(
    # The built module folder (holds Apig.Cert.psd1 and Apig.Cert.dll); help is written to its en-US folder.
    [Parameter(Mandatory)] [string] $ModulePath,
    # Folder of <Cmdlet-Name>.md files.
    [Parameter(Mandatory)] [string] $SourcePath,
    # Markdown source of the about_Apig.Cert topic.
    [Parameter(Mandatory)] [string] $AboutPath,
    # The README whose "### <cmdlet>" sections are the Get-Help -Online pages; default: the repository root's.
    [string] $ReadmePath = (Join-Path $PSScriptRoot '../../README.md'),
    [string] $Culture = 'en-US'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'
$KnownSections = 'SYNOPSIS', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'

#region Markdown

# Splits markdown lines into blocks: headings, paragraphs, list items and fenced code. Fences are recognised first so a
# PowerShell comment ("# ...") inside an example is never mistaken for a heading.
function ConvertFrom-MarkdownBlock {
    param([string[]] $Lines, [string] $Source)
    $blocks = [System.Collections.Generic.List[object]]::new()
    $paragraph = [System.Collections.Generic.List[string]]::new()
    $code = $null
    $fenceLine = 0
    $kind = 'Paragraph'

    $flush = {
        if ($paragraph.Count -gt 0) {
            $blocks.Add([pscustomobject]@{ Kind = $kind; Text = ($paragraph -join ' ') })
            $paragraph.Clear()
        }
    }

    for ($i = 0; $i -lt $Lines.Count; $i++) {
        $line = $Lines[$i]
        if ($null -ne $code) {
            if ($line -match '^\s*```\s*$') {
                $blocks.Add([pscustomobject]@{ Kind = 'Code'; Text = ($code -join "`n").TrimEnd() })
                $code = $null
            }
            else { $code.Add($line) }
            continue
        }
        if ($line -match '^\s*```') {
            & $flush
            $code = [System.Collections.Generic.List[string]]::new()
            $fenceLine = $i + 1
            continue
        }
        if ($line -match '^(#{1,6})\s+(.*?)\s*#*\s*$') {
            & $flush
            $blocks.Add([pscustomobject]@{ Kind = 'Heading'; Level = $Matches[1].Length; Text = $Matches[2]; Line = $i + 1 })
            continue
        }
        if ($line -match '^\s*$') { & $flush; continue }
        if ($line -match '^\s*(?:[-*+]|\d+\.)\s+(.*)$') {
            & $flush
            $kind = 'ListItem'
            $paragraph.Add($Matches[1].Trim())
            continue
        }
        if ($paragraph.Count -eq 0) { $kind = 'Paragraph' }
        $paragraph.Add($line.Trim())
    }
    if ($null -ne $code) { throw "${Source}: the code fence opened on line $fenceLine is never closed." }
    & $flush
    $blocks
}

# Markdown inline syntax means nothing to Get-Help: keep the words, drop the markup.
function ConvertTo-PlainInline {
    param([string] $Text)
    # Code spans are literal (`*.example.com`, `HPUA****WXYZ`): park them so the emphasis rules cannot touch them.
    $spans = [System.Collections.Generic.List[string]]::new()
    $text = [regex]::Replace($Text, '`([^`]+)`', { param($m) $spans.Add($m.Groups[1].Value); "`u{0}$($spans.Count - 1)`u{0}" })
    $text = [regex]::Replace($text, '!?\[([^\]]+)\]\(([^)\s]+)\)', {
            param($m)
            $label = $m.Groups[1].Value
            $target = $m.Groups[2].Value
            if ($target -match '^https?://') { "$label ($target)" } else { $label }
        })
    $text = [regex]::Replace($text, '(\*\*|__)(.+?)\1', '$2')
    $text = [regex]::Replace($text, '(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])', '$1')
    $text = $text -replace '\\([\\`*_{}\[\]()#+\-.!|<>])', '$1'
    [regex]::Replace($text, "`u{0}(\d+)`u{0}", { param($m) $spans[[int]$m.Groups[1].Value] })
}

function Read-CmdletMarkdown {
    param([string] $Path)
    $lines = @(Get-Content -LiteralPath $Path -Encoding utf8)
    $blocks = @(ConvertFrom-MarkdownBlock -Lines $lines -Source $Path)
    $doc = [ordered]@{
        Path = $Path; Title = $null; Problems = [System.Collections.Generic.List[string]]::new()
        Sections = @{}
    }
    $section = $null
    foreach ($block in $blocks) {
        if ($block.Kind -eq 'Heading' -and $block.Level -eq 1) {
            if ($doc.Title) { $doc.Problems.Add("line $($block.Line): a second '# title'") }
            $doc.Title = $block.Text
            continue
        }
        if ($block.Kind -eq 'Heading' -and $block.Level -eq 2) {
            $name = $block.Text.ToUpperInvariant()
            if ($name -notin $KnownSections) {
                $doc.Problems.Add("line $($block.Line): unknown section '## $($block.Text)' (known: $($KnownSections -join ', '))")
                $section = $null
                continue
            }
            if ($doc.Sections.ContainsKey($name)) { $doc.Problems.Add("line $($block.Line): section '## $name' appears twice") }
            $section = [System.Collections.Generic.List[object]]::new()
            $doc.Sections[$name] = $section
            continue
        }
        if ($null -eq $section) {
            if ($block.Kind -ne 'Heading' -or $block.Level -gt 2) {
                $doc.Problems.Add("text outside any '## SECTION': '$($block.Text.Substring(0, [Math]::Min(40, $block.Text.Length)))'")
            }
            continue
        }
        $section.Add($block)
    }
    [pscustomobject]$doc
}

# A section as (heading, body blocks) pairs, for the sections made of '### ' entries.
function Split-Subsection {
    param($Blocks, [string] $Section, [System.Collections.Generic.List[string]] $Problems)
    $entries = [System.Collections.Generic.List[object]]::new()
    $current = $null
    foreach ($block in @($Blocks | Where-Object { $null -ne $_ })) {
        if ($block.Kind -eq 'Heading' -and $block.Level -eq 3) {
            $current = [pscustomobject]@{ Title = $block.Text.Trim(); Blocks = [System.Collections.Generic.List[object]]::new() }
            $entries.Add($current)
            continue
        }
        if ($null -eq $current) {
            $Problems.Add("section '## $Section' has text before its first '### ' entry")
            continue
        }
        $current.Blocks.Add($block)
    }
    $entries
}

function Get-ParagraphText {
    param($Blocks)
    foreach ($block in @($Blocks | Where-Object { $null -ne $_ })) {
        switch ($block.Kind) {
            'Paragraph' { ConvertTo-PlainInline $block.Text }
            'ListItem' { '- ' + (ConvertTo-PlainInline $block.Text) }
            # Code inside prose keeps its lines; Get-Help prints a paragraph's line breaks as they are.
            'Code' { ($block.Text -split "`n" | ForEach-Object { '    ' + $_ }) -join "`n" }
            'Heading' { ConvertTo-PlainInline $block.Text }
        }
    }
}

#endregion

#region Cmdlet metadata

function Get-TypeDisplayName {
    param([type] $Type, [switch] $FullName)
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { $Type = $underlying }
    if ($Type.IsArray) { return (Get-TypeDisplayName $Type.GetElementType() -FullName:$FullName) + '[]' }
    if ($Type.IsGenericType) {
        $name = if ($FullName) { $Type.GetGenericTypeDefinition().FullName } else { $Type.Name }
        $arguments = $Type.GetGenericArguments() | ForEach-Object { Get-TypeDisplayName $_ -FullName:$FullName }
        return ($name -replace '`\d+$', '') + '[' + ($arguments -join ', ') + ']'
    }
    if ($FullName) { $Type.FullName } else { $Type.Name }
}

# What a freshly constructed cmdlet holds is what a parameter defaults to when it is not bound.
function Get-ParameterDefault {
    param([type] $CmdletType, [string] $Name, [type] $ParameterType)
    if ($ParameterType -eq [System.Management.Automation.SwitchParameter]) { return 'False' }
    $property = $CmdletType.GetProperty($Name)
    if (-not $property -or $CmdletType.IsAbstract) { return 'None' }
    $instance = $null
    try {
        $instance = [Activator]::CreateInstance($CmdletType)
        $value = $property.GetValue($instance)
    }
    catch { return 'None' }
    finally { if ($instance -is [IDisposable]) { $instance.Dispose() } }
    if ($null -eq $value -or ($value -is [string] -and $value.Length -eq 0)) { return 'None' }
    [string]$value
}

function Get-PipelineInputText {
    param([bool] $ByValue, [bool] $ByPropertyName)
    $kinds = @(if ($ByValue) { 'ByValue' }; if ($ByPropertyName) { 'ByPropertyName' })
    if ($kinds.Count -eq 0) { 'False' } else { 'True (' + ($kinds -join ', ') + ')' }
}

function Get-HelpParameterSet {
    param([System.Management.Automation.CmdletInfo] $Command)
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    $sets = @($Command.ParameterSets | Sort-Object { -not $_.IsDefault })
    foreach ($set in $sets) {
        $parameters = @($set.Parameters | Where-Object Name -NotIn $common)
        # The order PowerShell itself prints: positional by position, then mandatory, then optional, WhatIf/Confirm last.
        $ordered = @(
            $parameters | Where-Object { $_.Position -ge 0 } | Sort-Object Position
            $parameters | Where-Object { $_.Position -lt 0 -and $_.IsMandatory }
            $parameters | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory -and $_.Name -notin 'WhatIf', 'Confirm' }
            $parameters | Where-Object { $_.Name -in 'WhatIf', 'Confirm' }
        )
        [pscustomobject]@{ Name = $set.Name; Parameters = $ordered }
    }
}

# One entry per parameter for the PARAMETERS section: facts that differ between sets are merged the way a reader
# needs them (required only when required in every set it belongs to; pipeline input when any set takes it).
function Get-HelpParameter {
    param([System.Management.Automation.CmdletInfo] $Command)
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    foreach ($metadata in $Command.Parameters.Values) {
        if ($metadata.Name -in $common) { continue }
        $inSets = @($Command.ParameterSets | ForEach-Object { $_.Parameters | Where-Object Name -EQ $metadata.Name })
        $positions = @($inSets | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Sort-Object -Unique)
        [pscustomobject]@{
            Name                   = $metadata.Name
            Type                   = $metadata.ParameterType
            Required               = @($inSets | Where-Object { -not $_.IsMandatory }).Count -eq 0
            Position               = if ($positions.Count -gt 0) { [string]$positions[0] } else { 'named' }
            ByValue                = @($inSets | Where-Object ValueFromPipeline).Count -gt 0
            ByPropertyName         = @($inSets | Where-Object ValueFromPipelineByPropertyName).Count -gt 0
            Aliases                = @($metadata.Aliases)
            Globbing               = @($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0
            VariableLength         = $metadata.ParameterType.IsArray
            Default                = Get-ParameterDefault -CmdletType $Command.ImplementingType -Name $metadata.Name -ParameterType $metadata.ParameterType
        }
    }
}

#endregion

#region MAML

function Write-Para {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)
    $Writer.WriteStartElement('maml', 'description', $MamlNs)
    foreach ($paragraph in @($Paragraphs)) {
        $Writer.WriteElementString('maml', 'para', $MamlNs, $paragraph)
    }
    $Writer.WriteEndElement()
}

function Write-Type {
    param([System.Xml.XmlWriter] $Writer, [string] $Name)
    $Writer.WriteStartElement('dev', 'type', $DevNs)
    $Writer.WriteElementString('maml', 'name', $MamlNs, $Name)
    $Writer.WriteElementString('maml', 'uri', $MamlNs, '')
    $Writer.WriteEndElement()
}

function Write-Parameter {
    param([System.Xml.XmlWriter] $Writer, $Parameter, [bool] $Required, [string] $Position, [bool] $ByValue,
        [bool] $ByPropertyName, [string[]] $Description, [switch] $InSyntax)
    $isSwitch = $Parameter.Type -eq [System.Management.Automation.SwitchParameter]
    $Writer.WriteStartElement('command', 'parameter', $CommandNs)
    $Writer.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', $Parameter.VariableLength.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', $Parameter.Globbing.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', (Get-PipelineInputText $ByValue $ByPropertyName))
    $Writer.WriteAttributeString('position', $Position)
    $Writer.WriteAttributeString('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $Writer.WriteElementString('maml', 'name', $MamlNs, $Parameter.Name)
    Write-Para $Writer $Description
    # A switch takes no value: a parameterValue in the syntax would make Get-Help print "-Force <SwitchParameter>".
    if (-not ($isSwitch -and $InSyntax)) {
        $Writer.WriteStartElement('command', 'parameterValue', $CommandNs)
        $Writer.WriteAttributeString('required', (-not $isSwitch).ToString().ToLowerInvariant())
        $Writer.WriteAttributeString('variableLength', $Parameter.VariableLength.ToString().ToLowerInvariant())
        $Writer.WriteString((Get-TypeDisplayName $Parameter.Type))
        $Writer.WriteEndElement()
    }
    Write-Type $Writer (Get-TypeDisplayName $Parameter.Type -FullName)
    $Writer.WriteElementString('dev', 'defaultValue', $DevNs, $Parameter.Default)
    $Writer.WriteEndElement()
}

function Write-CommandHelp {
    param([System.Xml.XmlWriter] $Writer, [System.Management.Automation.CmdletInfo] $Command, $Help)
    $Writer.WriteStartElement('command', 'command', $CommandNs)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $MamlNs)
    $Writer.WriteAttributeString('xmlns', 'command', $null, $CommandNs)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $DevNs)

    $Writer.WriteStartElement('command', 'details', $CommandNs)
    $Writer.WriteElementString('command', 'name', $CommandNs, $Command.Name)
    $Writer.WriteElementString('command', 'verb', $CommandNs, $Command.Verb)
    $Writer.WriteElementString('command', 'noun', $CommandNs, $Command.Noun)
    Write-Para $Writer $Help.Synopsis
    $Writer.WriteEndElement()

    Write-Para $Writer $Help.Description

    $byName = @{}
    foreach ($parameter in $Help.Parameters) { $byName[$parameter.Name] = $parameter }

    $Writer.WriteStartElement('command', 'syntax', $CommandNs)
    foreach ($set in Get-HelpParameterSet $Command) {
        $Writer.WriteStartElement('command', 'syntaxItem', $CommandNs)
        $Writer.WriteElementString('maml', 'name', $MamlNs, $Command.Name)
        foreach ($inSet in $set.Parameters) {
            $parameter = $byName[$inSet.Name]
            $position = if ($inSet.Position -ge 0) { [string]$inSet.Position } else { 'named' }
            Write-Parameter $Writer $parameter $inSet.IsMandatory $position $inSet.ValueFromPipeline $inSet.ValueFromPipelineByPropertyName $parameter.Description -InSyntax
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $CommandNs)
    foreach ($parameter in $Help.Parameters) {
        Write-Parameter $Writer $parameter $parameter.Required $parameter.Position $parameter.ByValue $parameter.ByPropertyName $parameter.Description
    }
    $Writer.WriteEndElement()

    foreach ($kind in @(
            @{ List = 'inputTypes'; Item = 'inputType'; Entries = $Help.Inputs }
            @{ List = 'returnValues'; Item = 'returnValue'; Entries = $Help.Outputs })) {
        $Writer.WriteStartElement('command', $kind.List, $CommandNs)
        foreach ($entry in $kind.Entries) {
            $Writer.WriteStartElement('command', $kind.Item, $CommandNs)
            Write-Type $Writer $entry.Type
            Write-Para $Writer $entry.Description
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }

    if ($Help.Notes.Count -gt 0) {
        $Writer.WriteStartElement('maml', 'alertSet', $MamlNs)
        $Writer.WriteStartElement('maml', 'alert', $MamlNs)
        foreach ($paragraph in $Help.Notes) { $Writer.WriteElementString('maml', 'para', $MamlNs, $paragraph) }
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('command', 'examples', $CommandNs)
    $number = 0
    foreach ($example in $Help.Examples) {
        $number++
        $Writer.WriteStartElement('command', 'example', $CommandNs)
        $Writer.WriteElementString('maml', 'title', $MamlNs, "--------- Example ${number}: $($example.Title) ---------")
        $Writer.WriteElementString('dev', 'code', $DevNs, $example.Code)
        $Writer.WriteStartElement('dev', 'remarks', $DevNs)
        foreach ($paragraph in $example.Remarks) { $Writer.WriteElementString('maml', 'para', $MamlNs, $paragraph) }
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('maml', 'relatedLinks', $MamlNs)
    foreach ($link in $Help.Links) {
        $Writer.WriteStartElement('maml', 'navigationLink', $MamlNs)
        $Writer.WriteElementString('maml', 'linkText', $MamlNs, $link.Text)
        $Writer.WriteElementString('maml', 'uri', $MamlNs, $link.Uri)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}

#endregion

# Joins the markdown prose to the cmdlet's metadata; every gap is added to $Problems rather than thrown at once, so one
# build names every missing piece.
function Get-CommandHelp {
    param([System.Management.Automation.CmdletInfo] $Command, $Markdown, [System.Collections.Generic.List[string]] $Problems,
        # Entries of SharedParameters.md, by name: the description of a parameter many cmdlets inherit, used where the
        # cmdlet's own file has no entry for it.
        [System.Collections.IDictionary] $Shared = @{})
    $where = "$($Command.Name) ($($Markdown.Path))"
    $note = { param($message) $Problems.Add("${where}: $message") }
    foreach ($problem in $Markdown.Problems) { & $note $problem }
    if ($Markdown.Title -ne $Command.Name) { & $note "the title must be '# $($Command.Name)' (found '$($Markdown.Title)')" }

    $section = { param($name) if ($Markdown.Sections.ContainsKey($name)) { $Markdown.Sections[$name] } else { @() } }

    $synopsis = @(Get-ParagraphText (& $section 'SYNOPSIS'))
    if ($synopsis.Count -eq 0) { & $note 'SYNOPSIS is missing or empty' }
    $description = @(Get-ParagraphText (& $section 'DESCRIPTION'))
    if ($description.Count -eq 0) { & $note 'DESCRIPTION is missing or empty' }

    $examples = foreach ($entry in Split-Subsection (& $section 'EXAMPLES') 'EXAMPLES' $Problems) {
        $codeBlocks = @($entry.Blocks | Where-Object Kind -EQ 'Code')
        if ($codeBlocks.Count -ne 1) { & $note "example '$($entry.Title)' needs exactly one code block (found $($codeBlocks.Count))" }
        $remarks = @(Get-ParagraphText ($entry.Blocks | Where-Object Kind -NE 'Code'))
        if ($remarks.Count -eq 0) { & $note "example '$($entry.Title)' needs an explanation after its code" }
        [pscustomobject]@{
            Title   = $entry.Title -replace '^Example\s+\d+\s*[:.-]?\s*', ''
            Code    = ($codeBlocks | ForEach-Object Text) -join "`n"
            Remarks = $remarks
        }
    }
    $examples = @($examples)
    if ($examples.Count -lt 2) { & $note "has $($examples.Count) example(s); at least 2 are required" }

    $documented = [ordered]@{}
    foreach ($entry in Split-Subsection (& $section 'PARAMETERS') 'PARAMETERS' $Problems) {
        if ($entry.Title -notmatch '^-(\w+)$') { & $note "parameter heading '### $($entry.Title)' must be '### -Name'"; continue }
        $documented[$Matches[1]] = @(Get-ParagraphText $entry.Blocks)
    }
    $parameters = @(Get-HelpParameter $Command)
    $known = @($parameters | ForEach-Object Name)
    foreach ($name in $documented.Keys) {
        if ($name -notin $known) { & $note "documents parameter -$name, which the cmdlet does not have" }
    }
    foreach ($parameter in $parameters) {
        $text = $documented[$parameter.Name]
        if (-not $text -and $Shared.Contains($parameter.Name)) { $text = $Shared[$parameter.Name] }
        if (-not $text -or -not ($text -join '').Trim()) {
            & $note "parameter -$($parameter.Name) has no description (add '### -$($parameter.Name)' under '## PARAMETERS')"
            $text = @()
        }
        $parameter | Add-Member -NotePropertyName Description -NotePropertyValue $text
    }
    # The markdown's order is the reading order the author chose.
    $order = @($documented.Keys)
    $parameters = @($parameters | Sort-Object { $i = [array]::IndexOf($order, $_.Name); if ($i -lt 0) { [int]::MaxValue } else { $i } })

    $typed = {
        param($name)
        foreach ($entry in Split-Subsection (& $section $name) $name $Problems) {
            [pscustomobject]@{ Type = (ConvertTo-PlainInline $entry.Title); Description = @(Get-ParagraphText $entry.Blocks) }
        }
    }
    $inputs = @(& $typed 'INPUTS')
    if ($inputs.Count -eq 0) { & $note "INPUTS is missing or has no '### TypeName' entry (write '### None' when nothing is piped)" }
    $outputs = @(& $typed 'OUTPUTS')
    if ($outputs.Count -eq 0) { & $note "OUTPUTS is missing or has no '### TypeName' entry" }
    foreach ($declared in @($Command.OutputType)) {
        if ($declared.Type -eq [void] -or $declared.Name -eq 'System.Void') { continue }
        if ($declared.Name -notin @($outputs | ForEach-Object Type)) { & $note "OUTPUTS does not list [OutputType] $($declared.Name)" }
    }

    $notes = @(Get-ParagraphText (& $section 'NOTES'))

    $links = foreach ($block in @(& $section 'RELATED LINKS')) {
        if ($block.Kind -notin 'ListItem', 'Paragraph') { continue }
        if ($block.Text -match '^\[([^\]]+)\]\(([^)\s]*)\)$') {
            $uri = if ($Matches[2] -match '^https?://') { $Matches[2] } else { '' }
            [pscustomobject]@{ Text = $Matches[1]; Uri = $uri }
        }
        else { [pscustomobject]@{ Text = (ConvertTo-PlainInline $block.Text); Uri = '' } }
    }
    $links = @($links)
    if ($links.Count -eq 0) { & $note 'RELATED LINKS is missing or empty' }

    [pscustomobject]@{
        Synopsis = $synopsis; Description = $description; Examples = $examples; Parameters = $parameters
        Inputs = $inputs; Outputs = $outputs; Notes = $notes; Links = $links
    }
}

#region About topic

function ConvertTo-WrappedLine {
    param([string] $Text, [int] $Indent, [int] $HangingIndent = $Indent, [int] $Width = 80)
    $words = @($Text -split '\s+' | Where-Object { $_ })
    $line = ' ' * $Indent
    $lineHasWord = $false
    foreach ($word in $words) {
        if ($lineHasWord -and ($line.Length + 1 + $word.Length) -gt $Width) {
            $line
            $line = (' ' * $HangingIndent) + $word
        }
        else { $line += $(if ($lineHasWord) { ' ' } else { '' }) + $word }
        $lineHasWord = $true
    }
    if ($lineHasWord) { $line }
}

# The classic about_*.help.txt shape: section names in capitals at column 0, body indented by 4, code by 8, wrapped at
# 80 columns, so it reads the same in Get-Help, a pager and Windows PowerShell 5.1.
function ConvertTo-AboutText {
    param([string] $Path)
    $blocks = @(ConvertFrom-MarkdownBlock -Lines @(Get-Content -LiteralPath $Path -Encoding utf8) -Source $Path)
    $title = @($blocks | Where-Object { $_.Kind -eq 'Heading' -and $_.Level -eq 1 })
    if ($title.Count -ne 1 -or $title[0].Text -notmatch '^about_\S+$') { throw "${Path}: the about topic needs exactly one '# about_Name' title." }
    foreach ($required in 'SHORT DESCRIPTION', 'LONG DESCRIPTION') {
        if (-not ($blocks | Where-Object { $_.Kind -eq 'Heading' -and $_.Level -eq 2 -and $_.Text -eq $required })) {
            throw "${Path}: the about topic needs a '## $required' section."
        }
    }
    $out = [System.Collections.Generic.List[string]]::new()
    $out.Add('TOPIC')
    $out.Add('    ' + $title[0].Text)
    foreach ($block in $blocks) {
        switch ($block.Kind) {
            'Heading' {
                if ($block.Level -eq 1) { continue }
                $out.Add('')
                if ($block.Level -eq 2) { $out.Add($block.Text.ToUpperInvariant()) }
                else {
                    $heading = ConvertTo-PlainInline $block.Text
                    $out.Add('  ' + $heading)
                    $out.Add('  ' + ('-' * $heading.Length))
                }
            }
            'Paragraph' { $out.Add(''); ConvertTo-WrappedLine (ConvertTo-PlainInline $block.Text) -Indent 4 | ForEach-Object { $out.Add($_) } }
            'ListItem' {
                if ($out.Count -gt 0 -and $out[$out.Count - 1] -notmatch '^\s+- |^\s{6}\S') { $out.Add('') }
                ConvertTo-WrappedLine ('- ' + (ConvertTo-PlainInline $block.Text)) -Indent 4 -HangingIndent 6 | ForEach-Object { $out.Add($_) }
            }
            'Code' { $out.Add(''); foreach ($line in $block.Text -split "`n") { $out.Add(('        ' + $line).TrimEnd()) } }
        }
    }
    # Collapse the blank line a heading and its first paragraph would otherwise both add.
    $text = ($out -join "`n") -replace '(?m)^(\S[^\n]*)\n\n(?=    \S)', "`$1`n"
    $text + "`n"
}

#endregion

$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
$SourcePath = (Resolve-Path -LiteralPath $SourcePath).Path
$AboutPath = (Resolve-Path -LiteralPath $AboutPath).Path
$manifestPath = Join-Path $ModulePath 'Apig.Cert.psd1'
$manifest = Import-PowerShellDataFile -LiteralPath $manifestPath

# The root assembly itself, not the manifest: every cmdlet class it holds needs help, including one the manifest
# does not export yet, so a new cmdlet cannot ship undocumented.
$module = Import-Module (Join-Path $ModulePath $manifest.RootModule) -PassThru -Force
$commands = @($module.ExportedCmdlets.Values | Sort-Object Name)
$problems = [System.Collections.Generic.List[string]]::new()
foreach ($exported in @($manifest.CmdletsToExport)) {
    if ($exported -notin $commands.Name) { $problems.Add("The manifest exports $exported, but $($manifest.RootModule) has no such cmdlet.") }
}

$helpFileNames = @($commands.HelpFile | Sort-Object -Unique)
if ($helpFileNames.Count -ne 1) { throw "Expected one help file name for all cmdlets, found: $($helpFileNames -join ', ')." }

$markdownFiles = @(Get-ChildItem -LiteralPath $SourcePath -Filter '*-*.md' -File)
foreach ($file in $markdownFiles) {
    if ($file.BaseName -notin $commands.Name) { $problems.Add("$($file.FullName) documents $($file.BaseName), which is not a cmdlet of the module.") }
}

# Parameters the cmdlet bases give many cmdlets (-Context) are described once, in SharedParameters.md (no dash in
# its name, so it is no cmdlet's file); a cmdlet's own entry for one wins.
$sharedParameters = [ordered]@{}
$sharedFile = Join-Path $SourcePath 'SharedParameters.md'
if (Test-Path -LiteralPath $sharedFile) {
    $sharedMarkdown = Read-CmdletMarkdown $sharedFile
    foreach ($problem in $sharedMarkdown.Problems) { $problems.Add("${sharedFile}: $problem") }
    $sharedSection = if ($sharedMarkdown.Sections.ContainsKey('PARAMETERS')) { $sharedMarkdown.Sections['PARAMETERS'] } else { @() }
    foreach ($entry in Split-Subsection $sharedSection 'PARAMETERS' $problems) {
        if ($entry.Title -notmatch '^-(\w+)$') { $problems.Add("${sharedFile}: parameter heading '### $($entry.Title)' must be '### -Name'"); continue }
        $sharedParameters[$Matches[1]] = @(Get-ParagraphText $entry.Blocks)
    }
}

$helps = [ordered]@{}
foreach ($command in $commands) {
    $file = Join-Path $SourcePath "$($command.Name).md"
    if (-not (Test-Path -LiteralPath $file)) {
        $problems.Add("$($command.Name): no help markdown; create $file (layout: $(Join-Path $SourcePath 'README.md')).")
        continue
    }
    $helps[$command.Name] = Get-CommandHelp -Command $command -Markdown (Read-CmdletMarkdown $file) -Problems $problems -Shared $sharedParameters
}

# Get-Help -Online opens a cmdlet's first related link: the README section that names the cmdlet in its "###" heading,
# under the manifest's ProjectUri. A cmdlet's own HelpUri must agree, so Get-Command and Get-Help never point apart.
$projectUri = (Import-PowerShellDataFile (Join-Path $ModulePath 'Apig.Cert.psd1')).PrivateData.PSData.ProjectUri
$readmeHeadings = @(Get-Content -LiteralPath $ReadmePath | Where-Object { $_ -match '^### ' } | ForEach-Object { $_.Substring(4).Trim() })
foreach ($command in $commands) {
    if (-not $helps.Contains($command.Name)) { continue }
    $heading = $readmeHeadings | Where-Object { ($_ -split ',\s*') -contains $command.Name } | Select-Object -First 1
    if (-not $heading) { $problems.Add("$($command.Name): README.md has no '### ' section naming it (the Get-Help -Online page)."); continue }
    $anchor = ($heading.ToLowerInvariant() -replace '[^a-z0-9 _-]', '') -replace ' ', '-'
    $online = "$projectUri/blob/main/README.md#$anchor"
    if ($command.HelpUri -and $command.HelpUri -ne $online) {
        $problems.Add("$($command.Name): HelpUri is $($command.HelpUri), but its README section is $online.")
    }
    $helps[$command.Name].Links = @([pscustomobject]@{ Text = 'Online version:'; Uri = $online }) + @($helps[$command.Name].Links)
}

if ($problems.Count -gt 0) {
    # One plain line per problem first: the host's rendering of a thrown error rewraps a long message beyond reading.
    foreach ($problem in $problems) { [Console]::Error.WriteLine("help: $problem") }
    throw ("Help is incomplete ({0} problem(s)):`n  - {1}" -f $problems.Count, ($problems -join "`n  - "))
}

$outDir = Join-Path $ModulePath $Culture
New-Item -ItemType Directory -Path $outDir -Force | Out-Null
$mamlPath = Join-Path $outDir $helpFileNames[0]
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$settings.NewLineChars = "`n"
$writer = [System.Xml.XmlWriter]::Create($mamlPath, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($command in $commands) { Write-CommandHelp $writer $command $helps[$command.Name] }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally { $writer.Dispose() }

$aboutName = [IO.Path]::GetFileNameWithoutExtension($AboutPath)
$aboutFile = Join-Path $outDir "$aboutName.help.txt"
[IO.File]::WriteAllText($aboutFile, (ConvertTo-AboutText $AboutPath), [System.Text.UTF8Encoding]::new($false))

Write-Host "    help:     $mamlPath ($($commands.Count) cmdlets)"
Write-Host "    about:    $aboutFile"
