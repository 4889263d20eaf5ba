#!/usr/bin/env bash
# Balancer benchmark (not a timed test): 1000 connections at 1 MB/s in total, once straight to a
# ctraffic server and once through the in-process LoadBalancer (alone in its own process), for
# SECONDS (default 20). Prints the balancer's CPU per packet, the round-trip time it adds, and
# whether anything was dropped or lost. Everything on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-20}
CONNS=1000
RATE=1024   # KB/s in total: 1 MB/s, 1 packet of 1 KB per connection per second
ulimit -n 65536 2>/dev/null || true

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  dotnet build src/Ctraffic.Cli -c Release -v q -nologo >/dev/null
  dotnet build build/bench-balancer -c Release -v q -nologo >/dev/null
fi
CLI=src/Ctraffic.Cli/bin/Release/net10.0/ctraffic
BENCH=build/bench-balancer/bin/Release/net10.0/BalancerBench
WORK=$(mktemp -d)
cleanup() { kill "${SERVER_PID:-}" "${LB_PID:-}" 2>/dev/null || true; exec 3>&- 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

PORT=$(( 20000 + RANDOM % 20000 ))
"$CLI" -server -address "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

mkfifo "$WORK/lb.in"
"$BENCH" "127.0.0.1:$PORT" <"$WORK/lb.in" >"$WORK/lb.out" 2>&1 &
LB_PID=$!
exec 3>"$WORK/lb.in"
for _ in $(seq 100); do grep -q '^address' "$WORK/lb.out" 2>/dev/null && break; sleep 0.1; done
LB=$(awk '/^address/ {print $2}' "$WORK/lb.out")
[ -n "$LB" ] || { echo "the balancer did not start: $(cat "$WORK/lb.out")" >&2; exit 1; }

run() { # $1 address, $2 output
  "$CLI" -address "$1" -nconn $CONNS -rate $RATE -timeout "${SECONDS_RUN}s" -stats all >"$2" 2>"$2.err"
}
run "127.0.0.1:$PORT" "$WORK/direct.json"
run "$LB" "$WORK/balanced.json"
echo >&3
wait "$LB_PID" || true
read -r _ CPU _ MOST < <(grep '^cpu' "$WORK/lb.out")
read -r _ _ D50 D99 _ B50 B99 < <(grep '^rtt' "$WORK/lb.out")

echo "idle round trip of 1 KB (1000 samples): direct p50 ${D50} us p99 ${D99} us; through the balancer p50 ${B50} us p99 ${B99} us"
python3 - "$WORK/direct.json" "$WORK/balanced.json" "$CPU" "$MOST" <<'PY'
import json, sys
direct, balanced = (json.load(open(p)) for p in sys.argv[1:3])
cpu, most = float(sys.argv[3]), int(sys.argv[4])
for name, r in (("direct", direct), ("balancer", balanced)):
    print(f"{name:9} sent {r['Sent']} received {r['Received']} dropped {r['Dropped']} "
          f"failed connections {r['FailedConnections']}")
packets = balanced["Received"]
print(f"balancer: {most} connections at most, CPU {cpu:.3f} s for {packets} echoed packets "
      f"= {cpu / max(packets, 1) * 1e6:.1f} us per packet (both directions)")
lost = balanced["Dropped"] + balanced["FailedConnections"] + (balanced["Sent"] - balanced["Received"])
print("nothing dropped or lost through the balancer" if lost == 0 else f"through the balancer: dropped {balanced['Dropped']}, failed connections {balanced['FailedConnections']}, unechoed {balanced['Sent'] - balanced['Received']}")
PY
