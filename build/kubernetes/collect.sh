#!/usr/bin/env bash
# Collects the statistics of the client Job's pods (one JSON line in each pod's log) into a
# folder, one file per pod, and prints their merged `-analyze hosts`.
#   bash build/kubernetes/collect.sh [JOB] [FOLDER]   (defaults: ctraffic-client, ./ctraffic-stats)
# Needs kubectl (for the cluster) and ctraffic (on PATH, e.g. `dotnet tool install -g ctraffic`).
set -euo pipefail
job="${1:-ctraffic-client}"
out="${2:-ctraffic-stats}"
mkdir -p "$out"
# Wait (at most 10 minutes) until the Job is complete or has failed: a failed client has statistics too.
for _ in $(seq 300); do
    state="$(kubectl get "job/$job" -o jsonpath='{.status.conditions[?(@.status=="True")].type}')"
    [[ " $state " == *" Complete "* || " $state " == *" Failed "* ]] && break
    sleep 2
done
for pod in $(kubectl get pods -l "job-name=$job" -o name); do
    name="${pod#pod/}"
    # The image has no shell or tar (so no `kubectl cp`): the statistics are the log's JSON line.
    kubectl logs "$pod" | grep '^{' > "$out/$name.json" || echo "$name: no statistics in its log" >&2
done
ctraffic -stat_file "$out/*.json" -analyze hosts
