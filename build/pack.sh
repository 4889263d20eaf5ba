#!/usr/bin/env bash
# Packs the ctraffic tool, the library packages and the project templates into a folder (a local NuGet feed).
#   bash build/pack.sh [FOLDER]        (default: artifacts/packages)
#   PACK_TOOL_ONLY=1 bash build/pack.sh FOLDER   the three tool packages only
#   PACK_LIBRARIES_ONLY=1 bash build/pack.sh FOLDER   the library packages and the templates only
#   PACK_VERSION=0.1.0 bash build/pack.sh         a version of your choice
#   PACK_ARTIFACTS=DIR bash build/pack.sh         build under DIR, leaving the tree's bin/ and obj/ alone
#   CTRAFFIC_SOURCELINK=1 bash build/pack.sh      with SourceLink (a clone with its git remote)
# By default every pack has a version of its own, Directory.Build.props's with a UTC time stamp
# (0.1.0-local.20261207154502): NuGet caches a package by id and version for good, so a second pack
# of the same version would be shadowed by the first in every project that restored it once.
# The tool is three packages: Ctraffic.Cli (the pointer `dotnet tool install` reads), Ctraffic.Cli.linux-x64
# (NativeAOT, needs a Linux x64 machine to build) and Ctraffic.Cli.any (framework-dependent, for
# every other platform with the .NET 10 runtime).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:-artifacts/packages}")"
mkdir -p "$out"
extra=()
[ "${CTRAFFIC_SOURCELINK:-0}" = 1 ] && extra+=(-p:CtrafficSourceLink=true)
if [ -z "${PACK_VERSION:-}" ]; then
    base="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)"
    PACK_VERSION="$base-local.$(date -u +%Y%m%d%H%M%S)"
fi
extra+=("-p:Version=$PACK_VERSION")
[ -n "${PACK_ARTIFACTS:-}" ] && extra+=(-p:UseArtifactsOutput=true "-p:ArtifactsPath=$(realpath -m "$PACK_ARTIFACTS")")
# One project at a time: packs share the projects they reference.
pack() { dotnet pack "$@" "${extra[@]}" -c Release -o "$out" -nologo -v quiet; }
if [ "${PACK_LIBRARIES_ONLY:-0}" != 1 ]; then
    pack src/Ctraffic.Cli
    pack src/Ctraffic.Cli -r linux-x64
    pack src/Ctraffic.Cli -r any -p:PublishAot=false
fi
if [ "${PACK_TOOL_ONLY:-0}" != 1 ]; then
    for project in src/*/*.csproj; do
        [[ "$project" == */Ctraffic.Cli.csproj ]] || pack "$project"
    done
    pack templates/Ctraffic.Templates.csproj
fi
ls "$out"
echo "packed version $PACK_VERSION into $out"
