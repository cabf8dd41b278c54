# Bootstrap: restore the pinned Cake tool, build the addin, run build/build.cake with the given arguments.
#   ./build.ps1 --target=Demo
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'

dotnet tool restore | Out-Null
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
dotnet build src/Cake.EcsDeploy/Cake.EcsDeploy.csproj -c Release --nologo -v quiet -clp:NoSummary
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
dotnet cake build/build.cake @args
exit $LASTEXITCODE
