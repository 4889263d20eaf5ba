#!/usr/bin/env bash
# Throughput against the machine's limit: in one run, with 10 and 100 connections at unlimited
# rate (1 KB packets, 127.0.0.1), our client + server (the build the README tells users to
# publish: NativeAOT), the limit probe (limit-probe.c: blocking ping-pong, a thread per connection
# on each side) and, with CTRAFFIC_ORIGINAL=path, the original. Prints MB/s and the ratios.
# The probe runs as ctraffic does, a client process and a server process; "probe-1p" is the
# probe's client and server threads in one process (cheaper thread switches: not a like-for-like
# reference, shown for scale). LIMIT_MIX=1 adds the mixed pairs (probe client against our server,
# our client against the probe's server), which tell which side loses what.
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

# A port free now (the kernel's pick: no listener, no connection in TIME_WAIT on it).
next_port() { port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); }
wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return; sleep 0.05; done; }
mbs() { python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("%.1f" % (s["Received"]*s["PacketSize"]/(s["Duration"]/1e9)/1e6))' "$1"; }
probe_mbs() { awk '{ printf "%.1f\n", $1 / 1e6 }'; }

# A server ("ctraffic BIN" or "probe") on a new port, in the background; its pid in $server.
start_server() {
    next_port
    if [ "$1" = probe ]; then "$work/limit-probe" "$port" 1 "$((secs + 5))" 1024 server & else "$1" -server -address "127.0.0.1:$port" >/dev/null 2>&1 & fi
    server=$!
    wait_port
}
stop_server() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
# One pair, client $1 against server $2 ("probe" or a ctraffic binary), $3 connections: MB/s received.
pair() {
    start_server "$2"
    if [ "$1" = probe ]; then
        "$work/limit-probe" "$port" "$3" "$secs" 1024 client | probe_mbs
    else
        "$1" -address "127.0.0.1:$port" -nconn "$3" -rate 200000 -timeout "${secs}s" >"$work/out.json" 2>/dev/null || true
        mbs "$work/out.json"
    fi
    stop_server
}

printf '%-6s %10s %10s %10s %10s %12s %12s\n' conns "probe" "probe-1p" "ours" "original" "ours/probe" "ours/orig"
for n in 10 100; do
    p=$(pair probe probe "$n")
    next_port
    p1=$("$work/limit-probe" "$port" "$n" "$secs" 1024 both | probe_mbs)
    o=$(pair "$BENCH_BIN" "$BENCH_BIN" "$n")
    g="-"
    [ -n "${CTRAFFIC_ORIGINAL:-}" ] && g=$(pair "$CTRAFFIC_ORIGINAL" "$CTRAFFIC_ORIGINAL" "$n")
    python3 - "$n" "$p" "$p1" "$o" "$g" <<'PY'
import sys
n, p, p1, o, g = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
orig = "-" if g == "-" else "%.2fx" % (o / float(g))
print("%-6s %5.1f MB/s %5.1f MB/s %5.1f MB/s %10s %12s %12s" % (n, p, p1, o, g if g == "-" else g + " MB/s", "%.2fx" % (o / p), orig))
PY
    if [ "${LIMIT_MIX:-0}" = 1 ]; then
        echo "       probe client -> our server: $(pair probe "$BENCH_BIN" "$n") MB/s; our client -> probe server: $(pair "$BENCH_BIN" probe "$n") MB/s"
    fi
done
