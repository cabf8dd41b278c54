# task-api-go's build: restore the pinned Cake tool, run build.cake with the given arguments.
#   ./build.ps1 --target=Deploy --image=registry.example.com/task-api-go:1.4.2
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'

# Where Cake finds the Cake.EcsDeploy package: here the folder the addin's repository packs into
# (../../build.ps1 --target=Pack), or ECS_DEPLOY_FEED (a folder or a feed URL). Cake takes it as its NuGet_Source
# setting; a #addin directive cannot name a relative folder. Once the package is on nuget.org or in your
# NuGet.config, delete these lines.
$feed = if ($env:ECS_DEPLOY_FEED) { $env:ECS_DEPLOY_FEED } else { '../../artifacts/packages' }
if ($feed -notmatch '://') {
    if (-not (Test-Path $feed -PathType Container)) {
        Write-Error "No Cake.EcsDeploy package feed at ${feed}: run ../../build.ps1 --target=Pack first, or set ECS_DEPLOY_FEED."
    }
    $feed = (Resolve-Path $feed).Path
}
$env:CAKE_NUGET_SOURCE = $feed

dotnet tool restore | Out-Null
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
dotnet cake build.cake @args
exit $LASTEXITCODE
