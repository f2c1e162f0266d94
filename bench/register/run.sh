#!/usr/bin/env bash
# Registration of multiplex rounds end to end: ROUNDS synthetic rounds of CHANNELS uint16 channels,
# SIDE x SIDE pixels each (default the target case: 4 x 4 x 40,000 x 40,000), made with
# `synth --rounds` (streamed through the TIFF writer), then `register --max-memory 2g` of rounds
# 1.. onto round 0. Prints time and peak RSS of both steps, time per round, the metrics, and the
# true registration error against the known transforms. Then the same registration with a typical
# Python pipeline (tifffile + OpenCV ECC + warpAffine on full-resolution arrays, bench/register/
# reference.py) on the same files, when the rounds fit in memory (OpenCV warps at most 32767 px).
# Usage: bench/register/run.sh [SIDE] [ROUNDS] [CHANNELS]
# Rounds and registered images are written with zstd. Above 16,000 px the rounds are made without
# camera noise (BENCH_NOISE overrides): Gaussian noise makes uint16 nearly incompressible, and
# 4 x 4 x 40,000^2 noisy rounds plus their registered copies need over 80 GB of disk; without it
# they take about 26 GB. Registration accuracy with noise is what the tests and smaller runs check.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SIDE="${1:-40000}"
ROUNDS="${2:-4}"
CHANNELS="${3:-4}"
if [ "$SIDE" -gt 16000 ]; then NOISE="${BENCH_NOISE:-0}"; else NOISE="${BENCH_NOISE:-250}"; fi
JAVA_HOME="$("$ROOT/bin/find-jdk")"
export JAVA_HOME
(cd "$ROOT" && ./mvnw -B -q -DskipTests package)
CP="$ROOT/slidestream-cli/target/slidestream-cli.jar:$ROOT/slidestream-cli/target/lib/*"
# the launcher's options: G1 as it sets it up, heap = budget + a quarter + 160 MiB
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseG1GC -XX:MaxGCPauseMillis=50 -XX:GCTimeRatio=4 -Xmx2720m -cp "$CP" org.slidestream.cli.Main)

WORK="${BENCH_WORK:-$(mktemp -d)}"
mkdir -p "$WORK"
IN="$WORK/rounds-$SIDE"
OUT="$WORK/registered-$SIDE"
rss() { awk -F: '/Maximum resident set size/ { printf "%.2f GiB", $2 / 1048576 }' "$1"; }
secs() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s }' "$1"; }

if [ ! -f "$IN/truth.json" ]; then
  /usr/bin/time -v "${JAVA[@]}" synth --rounds "$ROUNDS" --channels "$CHANNELS" --width "$SIDE" --height "$SIDE" \
      --noise "$NOISE" --compression zstd --max-memory 2g -o "$IN" >"$WORK/synth.out" 2>"$WORK/synth.time"
  echo "synth --rounds $ROUNDS (noise $NOISE): ${SIDE}x${SIDE}x${CHANNELS} uint16 each: $(secs "$WORK/synth.time") s, peak RSS $(rss "$WORK/synth.time")"
fi
moving=()
for ((r = 1; r < ROUNDS; r++)); do moving+=("$IN/round$r.ome.tif"); done
rm -rf "$OUT"
/usr/bin/time -v "${JAVA[@]}" register "$IN/round0.ome.tif" "${moving[@]}" --channel DAPI --nonrigid --compression zstd --max-memory 2g \
    -o "$OUT" >"$WORK/register.out" 2>"$WORK/register.time" || true
grep -E 'registered in|failed|warning' "$WORK/register.time" || true
echo "slidestream register: $((ROUNDS - 1)) rounds onto round0, ${SIDE}x${SIDE}x${CHANNELS}: $(secs "$WORK/register.time") s, peak RSS $(rss "$WORK/register.time") (target <= 3 GiB)"
echo "per round (s, registration + QC + writing the registered OME-TIFF):"
awk -F, 'NR > 1 { printf "  %s %s %s s  NCC %s -> %s  Dice %s -> %s  patch TRE %s um\n", $1, $2, $14, $3, $4, $5, $6, $7 }' "$OUT/metrics.csv"
/usr/bin/python3 "$ROOT/bench/register/true_error.py" "$IN/truth.json" "$OUT/transforms.json"

if [ "$SIDE" -le 16000 ]; then
  REF_OUT="$WORK/python-$SIDE"
  mkdir -p "$REF_OUT"
  /usr/bin/time -v /usr/bin/python3 "$ROOT/bench/register/reference.py" "$REF_OUT" "$IN/round0.ome.tif" "${moving[@]}" \
      >"$WORK/python.out" 2>"$WORK/python.time" || { echo "python reference failed:"; tail -3 "$WORK/python.time"; }
  cat "$WORK/python.out"
  /usr/bin/python3 "$ROOT/bench/register/true_error.py" "$IN/truth.json" "$REF_OUT/transforms.json" || true
  echo "python (tifffile + OpenCV): $(secs "$WORK/python.time") s, peak RSS $(rss "$WORK/python.time")"
  awk -v a="$(secs "$WORK/register.time")" -v b="$(secs "$WORK/python.time")" 'BEGIN { printf "time ratio slidestream / python: %.2f\n", a / b }'
  awk '/Maximum resident/ { print $NF }' "$WORK/register.time" "$WORK/python.time" | paste -sd' ' | awk '{ printf "peak RSS ratio slidestream / python: %.2f\n", $1 / $2 }'
else
  echo "python reference skipped: full-resolution arrays of ${SIDE}x${SIDE} exceed OpenCV's 32767-pixel warp limit and this machine's memory"
fi
echo "work folder: $WORK"
