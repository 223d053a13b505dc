#!/usr/bin/env bash
# Packs Sluice's libraries from this checkout, and the example's pipeline library, into
# examples/sdk/packages: the local feed that the repository's nuget.config serves Sluice.* packages
# from. The packages keep their version (0.1.0), so the copies NuGet's global package folder holds
# from an earlier pack are removed: the next restore takes the new ones.
set -euo pipefail

SDK_EXAMPLE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SDK_EXAMPLE
readonly REPOSITORY_ROOT=$SDK_EXAMPLE/../..
readonly FEED=$SDK_EXAMPLE/packages
readonly GLOBAL_PACKAGES=${NUGET_PACKAGES:-$HOME/.nuget/packages}

find "$FEED" -name '*.nupkg' -delete
# Built apart from the checkout's own bin/ and obj/, so packing never disturbs a build or test run.
dotnet pack "$REPOSITORY_ROOT/Sluice.slnx" -c Release -o "$FEED" --artifacts-path "$FEED/.build" -nologo -v quiet
rm -rf "$GLOBAL_PACKAGES"/sluice.*/0.1.0
dotnet pack "$SDK_EXAMPLE/ServicePipeline" -c Release -o "$FEED" --artifacts-path "$FEED/.build" -nologo -v quiet
ls "$FEED"
