# Runs tests/Support/TestForwardProxy.cs in its own pwsh process (started by Start-TestForwardProxy in tests/Pester/Proxy.Tests.ps1),
# so the proxy's sockets and threads can never disturb the test session and end with the process.
param(
    [Parameter(Mandatory)] [string] $PortFile,
    [Parameter(Mandatory)] [string] $LogFile,
    [string] $User = '',
    [int] $LifetimeSeconds = 300
)
$ErrorActionPreference = 'Stop'
# The password comes through the environment, not the command line, where process listings would show it.
$password = [Environment]::GetEnvironmentVariable('APIG_TEST_PROXY_PASSWORD')
Add-Type -Path (Join-Path $PSScriptRoot 'TestForwardProxy.cs')
[ApigTest.ForwardProxy]::Run($PortFile, $LogFile, $User, [string]$password, $LifetimeSeconds)
