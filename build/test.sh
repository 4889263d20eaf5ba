#!/usr/bin/env bash
# Runs every test of the solution (Release) and ends with one line computed from the TRX results:
#   N passed, N failed, N skipped
# Extra arguments go to `dotnet test` (e.g. --filter-class). Exit code: that of `dotnet test`.
set -uo pipefail
cd "$(dirname "$0")/.."
results="${TEST_RESULTS:-$PWD/TestResults}"
rm -rf "$results"
dotnet test --solution Ctraffic.sln -c Release --report-trx --results-directory "$results" \
    --max-parallel-test-modules 2 "$@"
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
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "dotnet test failed (exit code $rc) without a failed test in the results: a build error, a crash or a module that ran no test" >&2
    failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
