#!/usr/bin/env bash
# Time from "start the server container" to its first echo, the readiness the fixture waits for
# (a ctraffic handshake answered: 64 bytes out, 64 back), on a network made for the run
# (198.19.254.0/24), with the image present and with the image built first from the published
# binary. Prints one line per case: the median and the worst of RUNS runs.
#   bash build/bench-container-start.sh            (RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
net="ctraffic-bench-start"
tag="ctraffic:bench-start"
work="$(mktemp -d)"
cleanup() {
    docker rm -f ctraffic-bench-srv >/dev/null 2>&1 || true
    docker network rm "$net" >/dev/null 2>&1 || true
    docker rmi -f "$tag" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
docker info >/dev/null 2>&1 || { echo "no Docker engine" >&2; exit 1; }

echo "publishing the static NativeAOT binary (once, not timed)..." >&2
t0=$(date +%s%N)
dotnet publish src/Ctraffic.Cli -c Release -r linux-x64 -o "$work" \
    -p:PublishAot=true -p:StaticExecutable=true -p:PositionIndependentExecutable=false \
    -p:InvariantGlobalization=true -p:PackAsTool=false -p:DebugType=none -p:GenerateDocumentationFile=false \
    -nologo -v quiet >/dev/null
publish_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
cp build/image/Dockerfile "$work/"
docker network rm "$net" >/dev/null 2>&1 || true
docker network create --subnet 198.19.254.0/24 "$net" >/dev/null

# One handshake: connect, send 64 bytes, read 64 bytes back (bash's /dev/tcp, 1 s at most).
echo_once() {
    timeout 1 bash -c 'exec 3<>/dev/tcp/198.19.254.10/5003 && head -c 64 /dev/zero >&3 && [ "$(head -c 64 <&3 | wc -c)" -eq 64 ]' 2>/dev/null
}

# Starts the server container and polls until it answers; prints the milliseconds it took.
start_to_echo() {
    local build="$1" t
    docker rm -f ctraffic-bench-srv >/dev/null 2>&1 || true
    t=$(date +%s%N)
    if [ "$build" = 1 ]; then
        docker rmi -f "$tag" >/dev/null 2>&1 || true
        docker build -q -t "$tag" "$work" >/dev/null 2>&1
    fi
    docker run -d --name ctraffic-bench-srv --network "$net" --ip 198.19.254.10 "$tag" >/dev/null
    for _ in $(seq 1 400); do
        echo_once && { echo $(( ($(date +%s%N) - t) / 1000000 )); return 0; }
        sleep 0.005
    done
    echo "no echo within the limit" >&2
    return 1
}

summary() {
    sort -n | awk '{ a[NR] = $1 } END { printf "median %d ms, worst %d ms (%d runs)\n", a[int((NR + 1) / 2)], a[NR], NR }'
}

docker build -q -t "$tag" "$work" >/dev/null 2>&1
echo "publish (not part of the figures below): ${publish_ms} ms"
printf 'image present, start to first echo:          '
for _ in $(seq 1 "$runs"); do start_to_echo 0; done | summary
printf 'image built first, build + start to echo:    '
for _ in $(seq 1 "$runs"); do start_to_echo 1; done | summary
