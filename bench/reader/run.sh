#!/usr/bin/env bash
# Random 256 x 256 level-0 region reads per second, 1 and 2 threads, slidestream (with
# libjpeg-turbo/OpenJPEG where installed, and pure Java) against OpenSlide (python3-openslide) on
# the same files and the same locations in the same run: the two shared SVS slides and a large
# pyramidal JPEG TIFF made with vips (default 40,000 x 40,000). Then reads every tile of every
# level of the large file with -Xmx256m and prints the peak resident set size.
# Usage: bench/reader/run.sh [SECONDS] [SIDE]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECONDS_EACH="${1:-5}"
SIDE="${2:-40000}"
DATA="$ROOT/../shared/data/slides"
[ -d "$DATA" ] || { echo "test slides not found at $DATA"; exit 1; }
/usr/bin/python3 -c "import openslide" 2>/dev/null || { echo "needs Debian python3-openslide"; exit 1; }
command -v vips >/dev/null || { echo "needs Debian libvips-tools"; exit 1; }
JAVA_HOME="$("$ROOT/bin/find-jdk")"
export JAVA_HOME
(cd "$ROOT" && ./mvnw -B -q -DskipTests package)

WORK="${BENCH_WORK:-$(mktemp -d)}"
mkdir -p "$WORK"
BIG="$WORK/big-$SIDE.tif"
if [ ! -f "$BIG" ]; then
  echo "making a ${SIDE}x${SIDE} pyramidal JPEG TIFF with vips..." >&2
  src="$DATA/cmu-1-small-region.svs"
  across=$(( (SIDE + 2219) / 2220 )); down=$(( (SIDE + 2966) / 2967 ))
  vips replicate "$src" "$WORK/rep.v" "$across" "$down"
  vips crop "$WORK/rep.v" "$WORK/crop.v" 0 0 "$SIDE" "$SIDE"
  vips tiffsave "$WORK/crop.v" "$BIG" --tile --tile-width 256 --tile-height 256 --pyramid --compression jpeg --Q 90 --bigtiff
  rm -f "$WORK/rep.v" "$WORK/crop.v"
fi

CP="$ROOT/slidestream-cli/target/slidestream-cli.jar:$ROOT/slidestream-cli/target/lib/*"
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -cp "$CP")
printf "%-34s %-20s %7s %10s %9s\n" "file" "reader" "threads" "regions/s" "vs OpenSlide"
for f in "$DATA/cmu-1-small-region.svs" "$DATA/tcga-cr-7395-01a-01-ts1.svs" "$BIG"; do
  for t in 1 2; do
    ref=$(/usr/bin/python3 "$ROOT/bench/reader/reference.py" "$f" "$SECONDS_EACH" "$t")
    r=$(echo "$ref" | awk '{print $4}')
    printf "%-34s %-20s %7s %10s %9s\n" "$(basename "$f")" openslide "$t" "$r" "1.00"
    for mode in natives pure; do
      out=$("${JAVA[@]}" "$ROOT/bench/reader/ReaderBench.java" "$f" "$SECONDS_EACH" "$t" "$mode")
      v=$(echo "$out" | awk '{print $4}')
      printf "%-34s %-20s %7s %10s %9s\n" "$(basename "$f")" "$(echo "$out" | awk '{print $2}')" "$t" "$v" "$(awk -v a="$v" -v b="$r" 'BEGIN { printf "%.2f", a / b }')"
    done
  done
done

echo "every tile of $(basename "$BIG"), 2 threads, -Xmx256m, against the JPEG codec's raw rate on the same tiles:"
raw=$("${JAVA[@]}" "$ROOT/bench/reader/RawDecodeBench.java" "$BIG" 2)
echo "$raw"
all=$(/usr/bin/time -v "${JAVA[@]}" -Xmx256m "$ROOT/bench/reader/ReaderBench.java" "$BIG" 0 2 natives all 2>"$WORK/time.txt")
echo "$all"
grep -E "Maximum resident set size|Elapsed" "$WORK/time.txt"
awk -v a="$(echo "$all" | sed -E 's/.*\(([0-9.]+) tiles\/s\).*/\1/')" -v b="$(echo "$raw" | sed -E 's/.*\(([0-9.]+) tiles\/s\).*/\1/')" \
  'BEGIN { printf "reading every tile: %.0f tiles/s, %.0f %% of the raw decode rate %.0f tiles/s (target >= 90 %%)\n", a, 100 * a / b, b }'
[ -n "${BENCH_WORK:-}" ] || rm -rf "$WORK"
