#!/usr/bin/env bash
# Spark's overhead on one machine: the same job (tissue + patch with PNG patches) over 8 synthetic
# slides, with the local engine (2 workers) and with Spark in local mode (local[2]: 2 task
# threads), in the same run. Overhead = (Spark wall - local wall) / Spark wall; target <= 15 %.
# Also checks that both give the same bytes. Peak memory from /usr/bin/time -v.
#
#   bench/spark/run.sh [SIDE]      # slides of SIDE x SIDE pixels (default 8192)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SIDE="${1:-8192}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
S="$ROOT/slidestream"

echo "building (local and Spark engines)..."
"$S" --version >/dev/null
"$S" run --engine spark --help >/dev/null

mkdir -p "$WORK/slides"
for i in 1 2 3 4 5 6 7 8; do
  "$S" synth -o "$WORK/slides/synth-$i.tif" --width "$SIDE" --height "$SIDE" --seed "$i" --tile 256 >/dev/null 2>&1
done
STEPS='steps:
  - tissue: {method: otsu, seg-mpp: 4}
  - patch: {method: otsu, seg-mpp: 4, size: 256, mpp: 0.5, min-tissue: 0.5, save: png}'
for e in local spark; do
  printf 'inputs: [slides/]\noutput: out-%s\nengine: {workers: 2, threads: 2, max-memory: 1g}\n%s\n' "$e" "$STEPS" >"$WORK/$e.yaml"
done

measure() { # name, command...: prints "name wall_s peak_mb"
  local name="$1"; shift
  /usr/bin/time -v "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || { cat "$WORK/$name.err" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$WORK/$name.err")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$WORK/$name.err")
  echo "$name $wall $rss"
}

L=$(measure local "$S" run "$WORK/local.yaml")
P=$(measure spark "$S" run "$WORK/spark.yaml" --engine spark --master 'local[2]')
grep -h '^slides:' "$WORK/local.err" "$WORK/spark.err"

same=yes
(cd "$WORK/out-local" && find . -type f ! -name 'status.*' | sort) >"$WORK/files.txt"
while read -r f; do cmp -s "$WORK/out-local/$f" "$WORK/out-spark/$f" || { same=no; echo "differs: $f"; }; done <"$WORK/files.txt"

# time spent in the slides themselves (status.csv's seconds), against the engines' fixed costs
sum() { awk -F, 'NR > 1 { s += $5 } END { printf "%.1f", s }' "$1"; }
SL=$(sum "$WORK/out-local/status.csv"); SP=$(sum "$WORK/out-spark/status.csv")

echo "$L" "$P" | awk -v n="$(wc -l <"$WORK/files.txt")" -v same="$same" -v side="$SIDE" -v sl="$SL" -v sp="$SP" -v load="$(cut -d' ' -f1 /proc/loadavg)" '{
  printf "8 slides of %d x %d, tissue + patch (PNG), %d output files, identical: %s\n", side, side, n, same
  printf "%-28s %8s %10s %16s\n", "engine", "wall s", "peak MiB", "sum of slides s"
  printf "%-28s %8.1f %10d %16.1f\n", "local (2 workers)", $2, $3, sl
  printf "%-28s %8.1f %10d %16.1f\n", "spark local[2]", $5, $6, sp
  printf "Spark overhead: %.1f s = %.1f %% of its wall time (target <= 15 %%); load average %s\n", $5 - $2, 100 * ($5 - $2) / $5, load }'
