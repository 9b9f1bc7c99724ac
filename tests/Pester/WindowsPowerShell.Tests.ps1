# Windows PowerShell 5.1 cannot run here; this proves what the built files can show: every assembly the module ships
# is one .NET Framework 4.7.2 can load. (The net472 compile check and the loader's unit tests cover the rest.)
BeforeAll {
    $script:ModuleDir = $env:APIG_TEST_MODULE

    function Get-TargetFramework {
        <# The TargetFrameworkAttribute of an assembly, read from its metadata without loading it. #>
        param([string] $Path)
        $stream = [IO.File]::OpenRead($Path)
        try {
            $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
            $reader = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            foreach ($handle in $reader.GetAssemblyDefinition().GetCustomAttributes()) {
                $attribute = $reader.GetCustomAttribute($handle)
                if ($attribute.Constructor.Kind -ne 'MemberReference') { continue }
                $constructor = $reader.GetMemberReference([System.Reflection.Metadata.MemberReferenceHandle] $attribute.Constructor)
                if ($constructor.Parent.Kind -ne 'TypeReference') { continue }
                $type = $reader.GetTypeReference([System.Reflection.Metadata.TypeReferenceHandle] $constructor.Parent)
                if ($reader.GetString($type.Name) -ne 'TargetFrameworkAttribute') { continue }
                # Blob: 2-byte prolog, a length byte (names are short), then the UTF-8 framework name.
                $bytes = $reader.GetBlobBytes($attribute.Value)
                return [Text.Encoding]::UTF8.GetString($bytes, 3, $bytes[2])
            }
            $null
        }
        finally { $stream.Dispose() }
    }

    function Get-ReferencedAssemblyNames {
        param([string] $Path)
        $stream = [IO.File]::OpenRead($Path)
        try {
            $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
            $reader = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            foreach ($handle in $reader.AssemblyReferences) { $reader.GetString($reader.GetAssemblyReference($handle).Name) }
        }
        finally { $stream.Dispose() }
    }
}

Describe 'Windows PowerShell 5.1 readiness of the built module' {
    It '<Name> targets netstandard2.0 only' -TestCases @(
        @{ Name = 'Apig.Cert.dll' }
        @{ Name = 'Apig.Cert.Models.dll' }
        @{ Name = 'Dependencies/Apig.Cert.Engine.dll' }
    ) {
        Get-TargetFramework (Join-Path $ModuleDir $Name) | Should -Be '.NETStandard,Version=v2.0'
    }

    It 'ships only dependencies that .NET Framework 4.7.2 can load' {
        $dlls = @(Get-ChildItem (Join-Path $ModuleDir 'Dependencies') -Filter '*.dll')
        $dlls.Count | Should -BeGreaterThan 3
        foreach ($dll in $dlls) {
            $framework = Get-TargetFramework $dll.FullName
            if ($null -eq $framework) {
                # Older package builds carry no TargetFrameworkAttribute; their core reference tells: netstandard or
                # mscorlib load on .NET Framework, System.Runtime/System.Private.CoreLib builds are for .NET (Core).
                $references = @(Get-ReferencedAssemblyNames $dll.FullName)
                $references | Should -Not -Contain 'System.Private.CoreLib' -Because $dll.Name
                ($references -contains 'netstandard' -or $references -contains 'mscorlib') | Should -BeTrue -Because "$($dll.Name) references $($references -join ', ')"
                continue
            }
            # netstandard up to 2.0 and .NET Framework builds load on 4.7.2; netstandard2.1 and .NET (Core) builds do not.
            $framework | Should -Match '^\.NET(Standard,Version=v(1\.\d|2\.0)|Framework,Version=v4\.[0-7](\.\d)?)$' -Because $dll.Name
        }
    }
}
