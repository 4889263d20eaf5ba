#!/usr/bin/env bash
# Runs every test of the solution (Release) and ends with one line computed from the TRX results:
#   N passed, N failed, N skipped
# Extra arguments go to `dotnet test` (e.g. --filter-class). Exit code: that of `dotnet test`.
set -uo pipefail
cd "$(dirname "$0")/.."
results="${TEST_RESULTS:-$PWD/TestResults}"
rm -rf "$results"

# Container tests: Testcontainers on a machine that cannot pull images, and the ctraffic image
# built from this tree (they skip, saying why, where there is no Docker engine).
export TESTCONTAINERS_RYUK_DISABLED="${TESTCONTAINERS_RYUK_DISABLED:-true}"
export TESTCONTAINERS_HOST_OVERRIDE="${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1}"
export DOCKER_API_VERSION="${DOCKER_API_VERSION:-1.41}"
if [ "${CTRAFFIC_SKIP_IMAGE:-0}" != 1 ] && docker info >/dev/null 2>&1; then
    bash build/image.sh ctraffic:local || echo "build/image.sh failed: container tests will skip" >&2
fi
dotnet test --solution Ctraffic.sln -c Release --report-trx --results-directory "$results" \
    --max-parallel-test-modules 1 "$@"
rc=$?

passed=0 failed=0 skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
    while read -r outcome; do
        case "$outcome" in
            Passed) passed=$((passed + 1)) ;;
            NotExecuted|Inconclusive) skipped=$((skipped + 1)) ;;
            *) failed=$((failed + 1)) ;;
        esac
    done < <(grep -o '<UnitTestResult [^>]*' "$trx" | grep -o ' outcome="[^"]*"' | cut -d'"' -f2)
done
if [ "$failed" -gt 0 ] && command -v python3 >/dev/null 2>&1; then
    python3 build/trx-failures.py "$results"/*.trx
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "dotnet test failed (exit code $rc) without a failed test in the results: a build error, a crash or a module that ran no test" >&2
    failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
