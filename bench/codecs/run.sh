#!/usr/bin/env bash
# Tiles per second of every JPEG and JPEG 2000 codec: the pure-Java ones (JDK ImageIO,
# jai-imageio) and the native ones where installed (libjpeg-turbo, OpenJPEG), decoding the real
# tiles of ../shared/data's two SVS slides and encoding JPEG (quality 90, 4:2:0); against PIL
# (which uses libjpeg-turbo and OpenJPEG) on the same bytes in the same run.
# Usage: bench/codecs/run.sh [SECONDS_PER_MEASUREMENT] [THREADS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECONDS_EACH="${1:-3}"
THREADS="${2:-1}"
DATA="$ROOT/../shared/data/slides"
[ -d "$DATA" ] || { echo "test slides not found at $DATA"; exit 1; }
/usr/bin/python3 -c "import PIL, tifffile" 2>/dev/null || { echo "needs Debian python3-pil and python3-tifffile"; exit 1; }
JAVA_HOME="$("$ROOT/bin/find-jdk")"
export JAVA_HOME
(cd "$ROOT" && ./mvnw -B -q -DskipTests package)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
/usr/bin/python3 "$ROOT/bench/codecs/dump_tiles.py" "$DATA/cmu-1-small-region.svs" "$WORK/jpeg"
/usr/bin/python3 "$ROOT/bench/codecs/dump_tiles.py" "$DATA/tcga-cr-7395-01a-01-ts1.svs" "$WORK/j2k"

CP="$ROOT/slidestream-cli/target/slidestream-cli.jar:$ROOT/slidestream-cli/target/lib/*"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -cp "$CP" \
  "$ROOT/bench/codecs/CodecBench.java" "$WORK" "$SECONDS_EACH" "$THREADS" >"$WORK/java.txt"
/usr/bin/python3 "$ROOT/bench/codecs/reference.py" "$WORK" "$SECONDS_EACH" >"$WORK/ref.txt"

awk 'FNR == NR { ref[$1 " " $2] = $4; print; next }
     { r = ref[$1 " " $2]; printf "%s %s %s %s %s\n", $1, $2, $3, $4, (r > 0 ? sprintf("%.2f", $4 / r) : "-") }' \
  "$WORK/ref.txt" "$WORK/java.txt" |
  awk 'BEGIN { printf "%-9s %-7s %-14s %10s %8s\n", "format", "op", "codec", "tiles/s", "vs PIL" }
       NF == 4 { printf "%-9s %-7s %-14s %10s %8s\n", $1, $2, $3, $4, "1.00"; next }
       { printf "%-9s %-7s %-14s %10s %8s\n", $1, $2, $3, $4, $5 }'
echo "threads: $THREADS (PIL: 1); PIL decodes and encodes with libjpeg-turbo and OpenJPEG"
