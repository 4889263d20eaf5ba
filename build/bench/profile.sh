#!/usr/bin/env bash
# Where the time goes: one bounded scenario (server + client as separate processes on 127.0.0.1),
# profiled twice — once with `perf record` (CPU samples, JIT code named through perf maps), once
# with `strace -c -f` (system calls) — and summarised per packet.
#
#   build/bench/profile.sh BIN NCONN RATE_KBPS [SECONDS]
#   e.g. build/bench/profile.sh /tmp/ctraffic-bench/bin/ctraffic 10 200000 6
#
# Output: PROFILE_DIR (default a temp dir) holds perf data, reports and strace summaries.
# Extra environment for both processes: PROFILE_ENV="K=V ...".
# Needs perf (apt-get install linux-perf) and strace.
set -euo pipefail
bin=${1:?path of the published ctraffic}
nconn=${2:?connections}
rate=${3:?rate in KB/s}
seconds=${4:-6}
dir=${PROFILE_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/ctraffic-profile.XXXXXX")}
mkdir -p "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
window=$((seconds - 3))
[ "$window" -ge 1 ] || { echo "SECONDS must be at least 4" >&2; exit 2; }

# Perf maps name the JIT-compiled methods; without W^X the JIT code is not in a memfd that perf can't read.
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
for kv in ${PROFILE_ENV:-}; do export "${kv?}"; done
ulimit -n 20000

run() { # $1 = tool: perf | strace
    local tool=$1
    "$bin" -server -address "127.0.0.1:$port" -hostname profile >"$dir/$tool-server.log" 2>&1 &
    local sp=$!
    for _ in $(seq 100); do
        grep -q ":$(printf '%04X' "$port") 00000000:0000 0A" /proc/net/tcp && break
        sleep 0.05
    done
    "$bin" -address "127.0.0.1:$port" -nconn "$nconn" -rate "$rate" -timeout "${seconds}s" >"$dir/$tool-client.json" 2>"$dir/$tool-client.log" &
    local cp=$!
    sleep 2
    if [ "$tool" = perf ]; then
        perf record -F 499 -g -p "$sp" -o "$dir/server.perf" -- sleep "$window" >/dev/null 2>&1 &
        local tp=$!
        perf record -F 499 -g -p "$cp" -o "$dir/client.perf" -- sleep "$window" >/dev/null 2>&1 || true
        wait "$tp" || true
    else
        timeout -s INT "$window" strace -c -f -p "$sp" -o "$dir/server.strace" >/dev/null 2>&1 &
        local tp=$!
        timeout -s INT "$window" strace -c -f -p "$cp" -o "$dir/client.strace" >/dev/null 2>&1 || true
        wait "$tp" || true
    fi
    wait "$cp" || true
    kill "$sp" 2>/dev/null || true
    wait "$sp" 2>/dev/null || true
}

packets() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['Sent'], d['Duration']/1e9)" "$1"; }

run perf
read -r sent dur < <(packets "$dir/perf-client.json")
pps=$(python3 -c "print(round($sent/$dur))")
echo "== perf pass: $sent packets in ${dur}s ($pps packets/s); samples of a ${window}s window"
for who in client server; do
    perf report -i "$dir/$who.perf" --no-children --sort dso -g none -q 2>/dev/null | head -8 >"$dir/$who.dso.txt" || true
    perf report -i "$dir/$who.perf" --no-children --sort dso,sym -g none -q 2>/dev/null | head -60 >"$dir/$who.sym.txt" || true
    perf report -i "$dir/$who.perf" --no-children --sort comm -g none -q 2>/dev/null | head -12 >"$dir/$who.threads.txt" || true
    echo "-- $who: by library"; cat "$dir/$who.dso.txt"
    echo "-- $who: by thread"; cat "$dir/$who.threads.txt"
    echo "-- $who: top symbols"; head -25 "$dir/$who.sym.txt"
done

run strace
read -r sent dur < <(packets "$dir/strace-client.json")
echo "== strace pass (slows the processes down): $sent packets in ${dur}s; system calls per packet in a ${window}s window"
for who in client server; do
    python3 - "$dir/$who.strace" "$sent" "$dur" "$window" "$who" <<'EOF'
import sys
path, sent, dur, window, who = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
rows = []
for line in open(path):
    p = line.split()
    if len(p) >= 5 and p[0][0].isdigit() and p[-1] != "total":
        calls = int(p[3]); errors = int(p[4]) if len(p) == 6 else 0
        rows.append((calls, errors, p[-1]))
# Every packet is one sendto on each side (the client's packet, the server's echo): count packets by it.
pkts = next((c for c, _, n in rows if n in ("sendto", "sendmsg", "write")), 0) or 1
rows.sort(reverse=True)
total = sum(r[0] for r in rows)
print(f"-- {who}: {total / pkts:.2f} system calls per packet (about {pkts:.0f} packets traced)")
for calls, errors, name in rows[:8]:
    print(f"   {name:16} {calls / pkts:6.2f}/packet" + (f"  ({errors / pkts:.2f} failed, e.g. EAGAIN)" if errors else ""))
EOF
done
echo "files: $dir"
