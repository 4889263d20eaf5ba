#!/usr/bin/env bash
# The ctraffic benchmark: our server and client as separate processes on loopback (127.0.0.1 only),
# every scenario bounded in time. Prints one table of figures against the performance targets and
# the original's figures, and writes them as JSON.
#
#   build/bench.sh                  full run (about 4.5 minutes on 2 cores, plus 1-3 minutes of publish)
#   BENCH_QUICK=1 build/bench.sh    scaled-down run for development (about a minute)
#
# Environment:
#   BENCH_OUT=FILE          JSON output (default build/bench-results.json)
#   BENCH_BIN=PATH          an already published ctraffic to measure (default: publish src/ now,
#                           Release, from a copy of the tree so that concurrent builds don't interfere)
#   BENCH_AOT=1             publish NativeAOT instead (as the container image; no allocation figures then)
#   BENCH_R2R=0             publish without ReadyToRun (the default publish is ReadyToRun, framework-dependent)
#   BENCH_WORK=DIR          raw files of each run: client JSON, probe counters, pcap (default: a temp dir)
#   BENCH_SERVER_BIN=PATH   measure this server instead, e.g. the design prototype: dotnet build
#   BENCH_HOOK=0            don't load the counters probe (a .NET startup hook) into the processes
#   BENCH_CLIENT_ENV="K=V ..." / BENCH_SERVER_ENV="K=V ..."   extra environment of client / server
#                           (e.g. DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 to try runtime knobs)
#   BENCH_ONLY=tp,scale,pace,fa,alloc,growth,rate   run only these groups
#   BENCH_<PARAM>=VALUE     any parameter listed in build/bench/bench.py PARAMS (e.g. BENCH_SCALE_CONNS=5000)
# Needs: dotnet, python3; tcpdump for the packet-spread figure (apt-get install tcpdump), else skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/ctraffic-bench.XXXXXX")}
mkdir -p "$work"
export BENCH_WORK=$work
export BENCH_OUT=${BENCH_OUT:-$root/build/bench-results.json}

if [ -z "${BENCH_BIN:-}" ]; then
    rm -rf "$work/tree" && mkdir -p "$work/tree"
    tar --exclude=bin --exclude=obj -cf - src Directory.Build.props Directory.Packages.props global.json .editorconfig \
        | tar -xf - -C "$work/tree"
    if [ "${BENCH_AOT:-0}" = "1" ]; then
        # The NativeAOT build (as in the container image). No startup hooks there: no allocation figures.
        echo "[bench] publishing src/Ctraffic.Cli (Release, NativeAOT) from a copy of the tree into $work/bin" >&2
        publish=(-r linux-x64 -p:PublishAot=true -p:InvariantGlobalization=true)
    elif [ "${BENCH_R2R:-1}" = "1" ]; then
        # Precompiled (ReadyToRun), as a load run should be published: far less JIT in the first
        # seconds, which are part of every figure; the hot methods are still re-compiled by the tiers.
        echo "[bench] publishing src/Ctraffic.Cli (Release, ReadyToRun) from a copy of the tree into $work/bin" >&2
        publish=(-r linux-x64 --self-contained false -p:PublishAot=false -p:PublishReadyToRun=true)
    else
        echo "[bench] publishing src/Ctraffic.Cli (Release, JIT only) from a copy of the tree into $work/bin" >&2
        publish=(-p:PublishAot=false)
    fi
    (cd "$work/tree" && dotnet publish src/Ctraffic.Cli -c Release "${publish[@]}" -o "$work/bin" -nologo -v quiet >"$work/publish.log" 2>&1) \
        || { cat "$work/publish.log" >&2; exit 1; }
    export BENCH_BIN=$work/bin/ctraffic
fi

if [ "${BENCH_HOOK:-1}" != "0" ] && [ -z "${BENCH_PROBE:-}" ]; then
    probe_out=$root/build/bench/out/probe
    if [ ! -f "$probe_out/ProcessProbe.dll" ] || [ -n "$(find build/bench/ProcessProbe -newer "$probe_out/ProcessProbe.dll" -name '*.cs*' 2>/dev/null)" ]; then
        echo "[bench] building the counters probe (startup hook)" >&2
        dotnet build build/bench/ProcessProbe -c Release -o "$probe_out" -nologo -v quiet >"$work/probe-build.log" 2>&1 \
            || { cat "$work/probe-build.log" >&2; exit 1; }
    fi
    export BENCH_PROBE=$probe_out/ProcessProbe.dll
fi

command -v tcpdump >/dev/null || echo "[bench] tcpdump not found: no packet-spread figure (apt-get install tcpdump)" >&2
echo "[bench] $(nproc) cores; measuring $BENCH_BIN" >&2
exec python3 build/bench/bench.py
