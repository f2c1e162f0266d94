#!/usr/bin/env bash
# NDPI reading against OpenSlide on a large NDPI made from a synthetic slide (same file, same run):
#  1. random 256 x 256 level-0 region reads per second, 1 and 2 threads, slidestream (virtual tiles
#     of whole restart intervals, decoded by the bundled libjpeg-turbo) against OpenSlide 3.4.1
#     (one restart interval per tile), the same locations on both sides (bench/reader's generators);
#  2. peak RSS of `slidestream read` of a 4096 x 4096 level-0 region of the file under
#     --max-memory 512m, and of the same read with OpenSlide.
# The NDPI is written by the test-side NdpiWriter from `slidestream synth` output (JPEG 4:4:4
# strips with restart markers every 200 px and McuStarts, as NDP.scan writes).
# Usage: bench/ndpi/run.sh [WIDTH] [HEIGHT] [SECONDS]   (default 102400 x 51200, 10 s per reading)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
W="${1:-102400}"; H="${2:-51200}"; SECS="${3:-10}"
(( W % 3200 == 0 )) || { echo "WIDTH must be a multiple of 3200 (whole 200 px intervals at every stored level)"; exit 2; }
/usr/bin/python3 -c "import openslide" 2>/dev/null || { echo "needs Debian python3-openslide"; exit 1; }
export JAVA_HOME="${JAVA_HOME:-$("$ROOT/bin/find-jdk")}"
WORK="${BENCH_WORK:-$(mktemp -d)}"
mkdir -p "$WORK"
cd "$ROOT"
echo "building..."
./mvnw -B -q -DskipTests -pl slidestream-cli -am install >/dev/null
./mvnw -B -q -pl slidestream-core test-compile dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="$ROOT/slidestream-core/target/classes:$ROOT/slidestream-core/target/test-classes:$(cat "$WORK/cp.txt")"
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)

SYNTH="$WORK/synth-$W-$H.tif"; NDPI="$WORK/synth-$W-$H.ndpi"
if [ ! -f "$NDPI" ]; then
  echo "synth ${W}x${H} (generic pyramidal TIFF, JPEG)..."
  /usr/bin/time -f "  synth: %e s, %M KB" ./slidestream synth -o "$SYNTH" --width "$W" --height "$H" --layout generic --max-memory 1g >/dev/null
  echo "writing the NDPI..."
  /usr/bin/time -f "  NDPI writer: %e s, %M KB" "${JAVA[@]}" -Xmx1g -cp "$CP" bench/ndpi/MakeNdpi.java "$SYNTH" "$NDPI"
  rm -f "$SYNTH"
fi
ls -l "$NDPI"
/usr/bin/python3 -c "import openslide, sys; s = openslide.OpenSlide(sys.argv[1]); print('  OpenSlide:', s.level_count, 'levels', s.level_dimensions[0])" "$NDPI"

echo "== random 256 x 256 level-0 reads per second (${SECS} s each, same locations)"
printf "%-9s %-22s %12s %10s\n" threads reader "regions/s" "vs OpenSlide"
for t in 1 2; do
  ref=$(/usr/bin/python3 bench/reader/reference.py "$NDPI" "$SECS" "$t" | awk '{print $4}')
  printf "%-9s %-22s %12s %10s\n" "$t" openslide "$ref" 1.00
  out=$("${JAVA[@]}" -Xmx1g -cp "$CP" bench/reader/ReaderBench.java "$NDPI" "$SECS" "$t" natives)
  v=$(echo "$out" | awk '{print $4}')
  printf "%-9s %-22s %12s %10s\n" "$t" "$(echo "$out" | awk '{print $2}')" "$v" "$(awk -v a="$v" -v b="$ref" 'BEGIN { printf "%.2f", a / b }')"
done

echo "== peak RSS of one 4096 x 4096 level-0 region in the middle"
X=$(( W / 2 - 2048 )); Y=$(( H / 2 - 2048 ))
/usr/bin/time -f "  slidestream read --max-memory 512m: %e s, peak RSS %M KB" ./slidestream read "$NDPI" --location "$X,$Y" --size 4096,4096 --level 0 -o "$WORK/region.npy" --max-memory 512m >/dev/null
/usr/bin/time -f "  OpenSlide read_region: %e s, peak RSS %M KB" /usr/bin/python3 -c "import openslide, sys; openslide.OpenSlide(sys.argv[1]).read_region((int(sys.argv[2]), int(sys.argv[3])), 0, (4096, 4096))" "$NDPI" "$X" "$Y"
[ -n "${BENCH_WORK:-}" ] || rm -rf "$WORK"
