#!/usr/bin/env bash
# task-api-go's build: restore the pinned Cake tool, run build.cake with the given arguments.
#   ./build.sh --target=Deploy --image=registry.example.com/task-api-go:1.4.2
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Where Cake finds the Cake.EcsDeploy package: here the folder the addin's repository packs into
# (../../build.sh --target=Pack), or ECS_DEPLOY_FEED (a folder or a feed URL). Cake takes it as its NuGet_Source
# setting; a #addin directive cannot name a relative folder. Once the package is on nuget.org or in your
# NuGet.config, delete these lines.
feed="${ECS_DEPLOY_FEED:-../../artifacts/packages}"
if [[ "$feed" != *://* ]]; then
  if [[ ! -d "$feed" ]]; then
    echo "No Cake.EcsDeploy package feed at $feed: run ../../build.sh --target=Pack first, or set ECS_DEPLOY_FEED." >&2
    exit 1
  fi
  feed="$(cd "$feed" && pwd)"
fi
export CAKE_NUGET_SOURCE="$feed"

dotnet tool restore >/dev/null
exec dotnet cake build.cake "$@"
