#!/usr/bin/env bash
# Throughput against the machine's limit: in one run, with 10 and 100 connections at unlimited
# rate (1 KB packets, 127.0.0.1), our client + server (the build the README tells users to
# publish: NativeAOT), the limit probe (limit-probe.c: blocking ping-pong, a thread per connection
# on each side) and, with CTRAFFIC_ORIGINAL=path, the original. Prints MB/s and the ratios.
#   bash build/bench/limit.sh          (SECONDS_PER_RUN=10; BENCH_BIN=path to measure another ctraffic)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${SECONDS_PER_RUN:-10}"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
gcc -O2 -pthread -o "$work/limit-probe" build/bench/limit-probe.c
if [ -z "${BENCH_BIN:-}" ]; then
    echo "[limit] publishing the NativeAOT ctraffic..." >&2
    dotnet publish src/Ctraffic.Cli -c Release -r linux-x64 -p:PublishAot=true -p:InvariantGlobalization=true \
        -o "$work/bin" -nologo -v quiet >"$work/publish.log" 2>&1 || { cat "$work/publish.log" >&2; exit 1; }
    BENCH_BIN="$work/bin/ctraffic"
fi

port=15777
# One ctraffic-protocol pair: server and client processes; prints MB/s received.
pair() {
    local bin="$1" conns="$2"
    "$bin" -server -address "127.0.0.1:$port" >/dev/null 2>&1 &
    local server=$!
    for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
    "$bin" -address "127.0.0.1:$port" -nconn "$conns" -rate 200000 -timeout "${secs}s" >"$work/out.json" 2>/dev/null || true
    kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("%.1f" % (s["Received"]*s["PacketSize"]/(s["Duration"]/1e9)/1e6))' "$work/out.json"
}

probe() {
    "$work/limit-probe" $((port + 1)) "$1" "$secs" | awk '{ printf "%.1f\n", $1 / 1e6 }'
}

printf '%-6s %10s %10s %10s %12s %12s\n' conns "probe" "ours" "original" "ours/probe" "ours/orig"
for n in 10 100; do
    p=$(probe "$n")
    o=$(pair "$BENCH_BIN" "$n")
    g="-"
    [ -n "${CTRAFFIC_ORIGINAL:-}" ] && g=$(pair "$CTRAFFIC_ORIGINAL" "$n")
    python3 - "$n" "$p" "$o" "$g" <<'PY'
import sys
n, p, o, g = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
orig = "-" if g == "-" else "%.2fx" % (o / float(g))
print("%-6s %8.1f MB/s %6.1f MB/s %10s %12s %12s" % (n, p, o, g if g == "-" else g + " MB/s", "%.2fx" % (o / p), orig))
PY
done
