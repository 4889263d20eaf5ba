#!/usr/bin/env bash
# The HTTP benchmark: our http client against wrk and our h2 client against h2load, at 10 and 100
# connections and unlimited rate, against the same ctraffic HTTP server in the same run
# (requests/s, CPU per request, ratios); then our HTTP server against nginx serving a small static
# response. Loopback (127.0.0.1) only; every run bounded (BENCH_SECONDS, default 5 s).
#
#   build/bench-http.sh
#
# Environment:
#   BENCH_BIN=PATH       an already published ctraffic (default: publish src/ now from a copy of the tree,
#                        NativeAOT: the build `dotnet publish`, the tool package and the image ship)
#   BENCH_R2R=1          publish the framework-dependent ReadyToRun (JIT) build instead
#   BENCH_SECONDS=N      seconds per run (default 5)
#   BENCH_ROUNDS=N       rounds of each client pair, interleaved; the median is reported (default 5)
#   BENCH_CONNS=10,100   connection counts
#   BENCH_OUT=FILE       JSON output (default: none)
# Needs: dotnet, python3, wrk, h2load (nghttp2-client), nginx (apt-get install -y wrk nghttp2-client nginx).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk h2load nginx python3; do
    command -v "$tool" >/dev/null || { echo "bench-http: $tool is missing (apt-get install -y wrk nghttp2-client nginx python3)" >&2; exit 2; }
done
if [ -z "${BENCH_BIN:-}" ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/ctraffic-bench-http.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/tree"
    tar --exclude=bin --exclude=obj -cf - src Directory.Build.props Directory.Packages.props global.json .editorconfig | tar -xf - -C "$work/tree"
    if [ "${BENCH_R2R:-0}" = "1" ]; then
        build=ReadyToRun
        publish=(--self-contained false -p:PublishAot=false -p:PublishReadyToRun=true)
    else
        build=NativeAOT
        publish=()
    fi
    echo "[bench-http] publishing src/Ctraffic.Cli (Release, $build) from a copy of the tree" >&2
    (cd "$work/tree" && dotnet publish src/Ctraffic.Cli -c Release -r linux-x64 "${publish[@]}" \
        -o "$work/bin" -nologo -v quiet >"$work/publish.log" 2>&1) || { cat "$work/publish.log" >&2; exit 1; }
    export BENCH_BIN=$work/bin/ctraffic BENCH_BUILD=$build
fi
exec python3 build/bench/bench_http.py
