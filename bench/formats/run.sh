#!/usr/bin/env bash
# Output-format benchmarks: each Java figure next to the Python reference doing the same work on
# the same input in the same run (h5py, numpy, Pillow from Debian packages). Peak memory is the
# peak resident set size from /usr/bin/time -v.
#
#   bench/formats/run.sh           # full sizes: 100,000 x 1,536 features, 2,000 PNG patches
#   bench/formats/run.sh --quick   # small sizes, to check that it works
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-$(bin/find-jdk)}"
PY=/usr/bin/python3
SLIDE="$ROOT/../shared/data/slides/cmu-1-small-region.svs"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

ROWS=100000 ROWS_SMALL=20000 DIM=1536 BATCH=512 PATCHES=2000 NPY_PATCHES=2000
if [ "${1:-}" = "--quick" ]; then ROWS=20000 ROWS_SMALL=5000 PATCHES=200 NPY_PATCHES=300; fi

echo "building..."
./mvnw -B -q -pl slidestream-core -am compile dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="$ROOT/slidestream-core/target/classes:$(cat "$WORK/cp.txt")"
mkdir -p "$WORK/classes"
"$JAVA_HOME/bin/javac" -d "$WORK/classes" -cp "$CP" bench/formats/FormatsBench.java
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx512m -cp "$WORK/classes:$CP" FormatsBench)

# run LABEL CMD...: prints the command's own line and its peak RSS; keeps the line in $LAST.
run() {
  local label="$1"; shift
  /usr/bin/time -v "$@" >"$WORK/out.txt" 2>"$WORK/time.txt" || { cat "$WORK/out.txt" "$WORK/time.txt"; exit 1; }
  local rss cpu
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$WORK/time.txt")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$WORK/time.txt")
  LAST="$(grep -v '^WARNING' "$WORK/out.txt" | tail -1)"
  printf '  %-10s %s | peak RSS %s MB, CPU %s s (whole process)\n' "$label" "$LAST" "$rss" "$cpu"
  eval "RSS_$label=$rss CPU_$label=$cpu"
}
rate() { grep -o '[0-9.]* patches/s' <<<"$1" | cut -d' ' -f1; }
secs() { grep -o ': [0-9.]* s' <<<"$1" | tr -dc '0-9.'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo
echo "== HDF5: float32 feature rows appended in batches of $BATCH to an extendable dataset"
run java_small "${JAVA[@]}" h5 "$ROWS_SMALL" "$DIM" "$BATCH" "$WORK/small.h5"
run java "${JAVA[@]}" h5 "$ROWS" "$DIM" "$BATCH" "$WORK/f.h5"; J="$LAST"
run h5py "$PY" bench/formats/reference.py h5 "$ROWS" "$DIM" "$BATCH" "$WORK/p.h5"; P="$LAST"
echo "  time h5py / java: $(ratio "$(secs "$P")" "$(secs "$J")")x; java peak RSS at $ROWS_SMALL rows ${RSS_java_small} MB, at $ROWS rows ${RSS_java} MB (flat when equal)"

if [ ! -f "$SLIDE" ]; then echo "no $SLIDE: skipping the patch benchmarks"; exit 0; fi
echo
echo "== patches: 256 x 256 level-0 tiles of $(basename "$SLIDE") (OpenSlide), saved once as .npy for both sides"
"$PY" bench/formats/reference.py patches "$SLIDE" 200 256 "$WORK/patches.npy"

echo "== PNG: $PATCHES patch files"
run pillow "$PY" bench/formats/reference.py png "$WORK/patches.npy" "$PATCHES" "$WORK/pil"; P="$LAST"
# On a shared machine the wall-clock rate is noisy; CPU seconds per patch is the steadier comparison.
for cfg in "6 ADAPTIVE 1" "6 ADAPTIVE 2" "1 SUB 2"; do
  set -- $cfg
  run java "${JAVA[@]}" png "$WORK/patches.npy" "$PATCHES" "$1" "$2" "$3" "$WORK/png-$1-$3"
  echo "             -> $(ratio "$(rate "$LAST")" "$(rate "$P")")x Pillow's patches/s; Pillow CPU / java CPU $(ratio "$CPU_pillow" "$CPU_java")x"
done

echo "== npy: $NPY_PATCHES patches into one patches.npy"
run numpy "$PY" bench/formats/reference.py npy "$WORK/patches.npy" "$NPY_PATCHES" "$WORK/n.npy"; P="$LAST"
run java "${JAVA[@]}" npy "$WORK/patches.npy" "$NPY_PATCHES" "$WORK/j.npy"; J="$LAST"
cmp -s "$WORK/n.npy" "$WORK/j.npy" && same="identical data" || same="files differ"
"$PY" -c "import numpy as np, sys; assert np.array_equal(np.load(sys.argv[1], mmap_mode='r'), np.load(sys.argv[2], mmap_mode='r'))" \
  "$WORK/n.npy" "$WORK/j.npy" && same="same array ($same byte for byte)"
echo "  java / numpy patches/s: $(ratio "$(rate "$J")" "$(rate "$P")")x; $same"
