#!/usr/bin/env bash
# The tracked public API of the libraries (PublicAPI.Shipped.txt / PublicAPI.Unshipped.txt beside
# each project that has them; Microsoft.CodeAnalysis.PublicApiAnalyzers fails the build on a
# public change that is not in them).
#   bash build/public-api.sh          write what changed (RS0016 added, RS0017 removed) into PublicAPI.Unshipped.txt
#   bash build/public-api.sh ship     at a release: fold PublicAPI.Unshipped.txt into PublicAPI.Shipped.txt
set -euo pipefail
cd "$(dirname "$0")/.."
projects=()
for shipped in src/*/PublicAPI.Shipped.txt; do
    projects+=("$(dirname "$shipped")")
done
case "${1:-update}" in
    update)
        for project in "${projects[@]}"; do
            dotnet format analyzers "$project" --diagnostics RS0016 RS0017 --severity info -v quiet
            echo "$project: $(grep -cv '^#' "$project/PublicAPI.Unshipped.txt" || true) unshipped"
        done
        ;;
    ship)
        for project in "${projects[@]}"; do
            shipped="$project/PublicAPI.Shipped.txt" unshipped="$project/PublicAPI.Unshipped.txt"
            {
                echo '#nullable enable'
                # Shipped minus what Unshipped removes, plus what it adds.
                awk 'FNR == NR { if (sub(/^\*REMOVED\*/, "")) removed[$0] = 1; else if ($0 !~ /^#/ && $0 != "") print; next }
                     !($0 in removed) && $0 !~ /^#/ && $0 != ""' "$unshipped" "$shipped" | LC_ALL=C sort -u
            } > "$shipped.new"
            mv "$shipped.new" "$shipped"
            echo '#nullable enable' > "$unshipped"
            echo "$project: $(grep -cv '^#' "$shipped") shipped"
        done
        ;;
    *) echo "usage: build/public-api.sh [update|ship]" >&2; exit 2 ;;
esac
