#!/usr/bin/env bash
# Builds the ctraffic container image locally (no registry needed): the `ctraffic` command
# published as a static NativeAOT binary, in a FROM scratch image.
#   bash build/image.sh [TAG]      (default tag: ctraffic:local)
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:-ctraffic:local}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet publish src/Ctraffic.Cli -c Release -r linux-x64 -o "$out" \
    -p:PublishAot=true -p:StaticExecutable=true -p:PositionIndependentExecutable=false \
    -p:InvariantGlobalization=true -p:PackAsTool=false -p:DebugType=none -p:GenerateDocumentationFile=false \
    -nologo -v quiet
cp build/image/Dockerfile "$out/"
docker build -q -t "$tag" "$out" >/dev/null
echo "built $tag ($(du -h "$out/ctraffic" | cut -f1) binary)"
