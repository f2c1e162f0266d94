#!/usr/bin/env bash
# Resumability check: runs `patch` on a cohort, kills it with SIGKILL part-way, runs it again, and
# compares every output file (md5) with an uninterrupted run. Uses the slides of run.sh (run it
# first, or set SLIDES). Prints "identical: N files" or the files that differ.
#
#   bench/patch/kill-resume.sh [SECONDS_BEFORE_KILL]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DIR="${BENCH_DIR:-/tmp/slidestream-bench-patch}"
read -r -a S <<<"${SLIDES:-$(ls "$DIR"/cohort/s1-*.tif "$DIR"/cohort/s2-*.tif "$DIR"/cohort/s3-*.tif | tr '\n' ' ')}"
A=(--size 256 --a-t 1 --save png --workers 2)
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
"$ROOT/slidestream" patch "${S[@]}" -o "$W/ref" "${A[@]}" >"$W/ref.log" 2>&1
"$ROOT/slidestream" patch "${S[@]}" -o "$W/run" "${A[@]}" >"$W/run1.log" 2>&1 &
pid=$!                      # the launcher execs the JVM: this is the JVM's pid
sleep "${1:-8}"
kill -9 "$pid" 2>/dev/null || echo "(the first run ended before the kill)"
wait "$pid" 2>/dev/null || true
echo "killed; left behind: $(find "$W/run" -name '.*.partial' | wc -l) partial outputs"
"$ROOT/slidestream" patch "${S[@]}" -o "$W/run" "${A[@]}" >"$W/run2.log" 2>&1
grep 'slides:' "$W/run2.log"
(cd "$W/ref" && find . -type f ! -name status.csv | sort | xargs md5sum) >"$W/ref.md5"
n_ref=$(wc -l <"$W/ref.md5")
n_run=$(cd "$W/run" && find . -type f ! -name status.csv | wc -l)
bad=$(cd "$W/run" && md5sum -c "$W/ref.md5" 2>/dev/null | grep -cv ': OK$' || true)
if [ "$bad" = 0 ] && [ "$n_ref" = "$n_run" ]; then echo "identical: $n_ref files"; else echo "DIFFERENT: $bad files differ, $n_run vs $n_ref files"; exit 1; fi
