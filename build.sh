#!/usr/bin/env bash
# Bootstrap: restore the pinned Cake tool, build the addin, run build/build.cake with the given arguments.
#   ./build.sh --target=Demo
#   ./build.sh --target=Deploy --cluster=prod --service=api --image=... --verify-url=...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet tool restore >/dev/null
# build.cake loads the addin from this build output (#r), so it must exist before the script compiles.
dotnet build src/Cake.EcsDeploy/Cake.EcsDeploy.csproj -c Release --nologo -v quiet -clp:NoSummary >&2
# Cake's script cache saves compiling build.cake on every run (about 4 s). Its key is the script text only, so the
# cache folder is named after the addin and the scripts: a rebuilt addin or an edited script gets a fresh cache.
export CAKE_SETTINGS_ENABLESCRIPTCACHE="${CAKE_SETTINGS_ENABLESCRIPTCACHE:-true}"
export CAKE_PATHS_CACHE="${CAKE_PATHS_CACHE:-$PWD/tools/cache/$(cat src/Cake.EcsDeploy/bin/Release/net10.0/Cake.EcsDeploy.dll build/*.cake | sha256sum | cut -c1-16)}"
exec dotnet cake build/build.cake "$@"
