# The README's build tasks as a newcomer runs them (issue 8 §2.7).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSetup.ps1')
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
}
AfterAll { Stop-TestEmulator }

Describe 'build.ps1 -Task Emulator' {
    # Only when the suite tests this clone's own out/Apig.Cert (build.ps1 -Task Test does), never a module elsewhere.
    It 'runs the emulator without rebuilding or deleting the built module' -Skip:($env:APIG_TEST_MODULE -ne [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../../out/Apig.Cert'))) {
        $marker = Join-Path $env:APIG_TEST_MODULE 'still-here.marker'
        Set-Content -LiteralPath $marker -Value 'a session has this module imported'
        $dll = Join-Path $env:APIG_TEST_MODULE 'Apig.Cert.dll'
        $before = (Get-Item -LiteralPath $dll).LastWriteTimeUtc
        $info = [System.Diagnostics.ProcessStartInfo]::new((Get-PwshCommand))
        foreach ($argument in '-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'build.ps1'), '-Task', 'Emulator', '-Port', '0') { $info.ArgumentList.Add($argument) }
        $info.RedirectStandardOutput = $true
        $info.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($info)
        try {
            $url = $null
            $seen = [System.Collections.Generic.List[string]]::new()
            while ($null -eq $url) {
                $read = $process.StandardOutput.ReadLineAsync()
                if (-not $read.Wait([TimeSpan]::FromSeconds(180)) -or $null -eq $read.Result) { break }
                $seen.Add($read.Result)
                if ($read.Result -match '^http://127\.0\.0\.1:\d+$') { $url = $read.Result }
            }
            $url | Should -Not -BeNullOrEmpty -Because ($seen -join "`n")
            (Invoke-RestMethod -Uri "$url/_emulator/state").projectId | Should -Be $Seed.ProjectId
            Test-Path -LiteralPath $marker | Should -BeTrue -Because 'the module folder must not be deleted'
            (Get-Item -LiteralPath $dll).LastWriteTimeUtc | Should -Be $before -Because 'the module must not be rebuilt'
        }
        finally {
            if (-not $process.HasExited) { $process.Kill($true) }
            $process.WaitForExit(10000) | Out-Null
            Remove-Item -LiteralPath $marker -ErrorAction Ignore
        }
    }
}
