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
exec dotnet cake build/build.cake "$@"
