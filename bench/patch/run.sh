#!/usr/bin/env bash
# Patch benchmarks: slidestream next to the Python reference (OpenSlide + OpenCV + numpy + PIL +
# h5py from Debian packages, bench/patch/reference.py) doing the same work on the same synthetic
# slides in the same run. Wall time from the shell; peak memory from /usr/bin/time -v.
#
#   1. coordinates only, CLAM's segmentation and four_pt rule, a cohort of N slides
#   2. exporting 256 px level-0 patches as PNG, JPEG and npy (the same coordinates for both)
#      from one slide with enough patches (about 8,000) that start-up does not decide the rate
#   3. peak memory of patch export from a 25,000^2 and a 100,000^2 slide with --max-memory 1g
#
#   bench/patch/run.sh            # 10 slides of 100,000^2 (25 mm at 0.25 um/px: a whole 40x slide;
#                                 # 23 GB, about 12 min to make once); export from 32,768^2;
#                                 # memory at 25,000^2 and 100,000^2
#   bench/patch/run.sh --quick    # 10 slides of 8,192^2; export from 8,192^2; memory at 12,000^2 and 25,000^2
#   BENCH_SLIDES, BENCH_SIDE, BENCH_EXPORT_SIDE, BENCH_MEM_SIDES override the counts and sizes.
# Slides are kept in $BENCH_DIR (default /tmp/slidestream-bench-patch) between runs. Outputs of
# earlier runs are moved aside first and all outputs deleted only at the end: after thousands of
# files are deleted, ext4 skips their inodes for a minute or more when allocating new ones
# (`recently_deleted`), which made whichever tool ran next pay several seconds of system time.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
DIR="${BENCH_DIR:-/tmp/slidestream-bench-patch}"
N=10 SIDE=100000 EXPORT_SIDE=32768 MEM_SIDES="25000 100000"
if [ "${1:-}" = "--quick" ]; then SIDE=8192 EXPORT_SIDE=8192 MEM_SIDES="12000 25000"; fi
N="${BENCH_SLIDES:-$N}" SIDE="${BENCH_SIDE:-$SIDE}" EXPORT_SIDE="${BENCH_EXPORT_SIDE:-$EXPORT_SIDE}"  # overrides
MEM_SIDES="${BENCH_MEM_SIDES:-$MEM_SIDES}"
mkdir -p "$DIR/cohort"
TRASH="$DIR/trash-$$"
mkdir -p "$TRASH"
for d in "$DIR"/j1 "$DIR"/p1 "$DIR"/j2-* "$DIR"/p2-* "$DIR"/j3-*; do [ -e "$d" ] && mv "$d" "$TRASH/"; done
trap 'rm -rf "$TRASH"' EXIT
SS="$ROOT/slidestream"
"$SS" --version >/dev/null   # build (and make the start-up cache) before timing anything

timed() { # timed LABEL CMD...: wall seconds and peak RSS (MB) into T_LABEL and M_LABEL
  local label="$1"; shift
  local t0 t1
  sync; sleep 1
  t0=$(date +%s.%N)
  /usr/bin/time -v "$@" >"$DIR/$label.out" 2>"$DIR/$label.time" || { tail -20 "$DIR/$label.out" "$DIR/$label.time"; exit 1; }
  t1=$(date +%s.%N)
  eval "T_$label=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
  eval "M_$label=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$DIR/$label.time")"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
synth() { # synth FILE SIDE SEED: a generic pyramidal TIFF down to 256 px (levels OpenSlide 3.4 reads)
  [ -f "$1" ] || "$SS" synth -o "$1" --width "$2" --height "$2" --seed "$3" --layout generic --min-level-side 256 >/dev/null 2>&1
}

echo "preparing $N synthetic slides of ${SIDE}^2 in $DIR (kept for later runs)..."
for i in $(seq 1 "$N"); do synth "$DIR/cohort/s$i-$SIDE.tif" "$SIDE" "$i"; done
SLIDES=("$DIR"/cohort/s*-"$SIDE".tif)
# segmentation at 8 um/px: 0.25 um/px slides at downsample 32, a pyramid level (2^5)
SEG_LEVEL=5

echo "1. coordinates, clam + four_pt, 256 px patches, $N slides"
timed j1 "$SS" patch "${SLIDES[@]}" -o "$DIR/j1" --method clam --rule four_pt --size 256 --a-t 1 --a-h 1 --workers 2
timed p1 "$PY" bench/patch/reference.py coords "$DIR/p1" "$SEG_LEVEL" 256 1 1 "${SLIDES[@]}"
nj=$(awk -F, 'NR > 1 && $2 == "success" {s += $4} END {print s}' "$DIR/j1/status.csv")
np_=$(tail -1 "$DIR/p1.out")
printf '   slidestream %6.2f s (%.2f slides/s, %s coords, peak RSS %s MB)\n' "$T_j1" "$(awk -v n="$N" -v t="$T_j1" 'BEGIN{print n/t}')" "$nj" "$M_j1"
printf '   python      %6.2f s (%.2f slides/s, %s coords, peak RSS %s MB)\n' "$T_p1" "$(awk -v n="$N" -v t="$T_p1" 'BEGIN{print n/t}')" "$np_" "$M_p1"
echo "   throughput ratio: $(ratio "$T_p1" "$T_j1")x (target >= 5x)"

EXPORT="$DIR/export-$EXPORT_SIDE.tif"
synth "$EXPORT" "$EXPORT_SIDE" 1
echo "2. export of 256 px level-0 patches from ${EXPORT##*/}"
for fmt in png jpeg npy; do
  timed "j2$fmt" "$SS" patch "$EXPORT" -o "$DIR/j2-$fmt" --size 256 --a-t 1 --min-tissue 0.5 --save "$fmt"
  csv="$DIR/j2-$fmt/$(basename "$EXPORT" .tif)/patches.csv"
  n=$(($(wc -l <"$csv") - 1))
  timed "p2$fmt" "$PY" bench/patch/reference.py export "$fmt" "$EXPORT" "$csv" "$DIR/p2-$fmt"
  tj=$(eval echo "\$T_j2$fmt"); tp=$(eval echo "\$T_p2$fmt")
  printf '   %-4s %5d patches: slidestream %6.2f s (%4.0f patches/s), python %6.2f s (%4.0f patches/s): %sx (target >= 3x)\n' \
    "$fmt" "$n" "$tj" "$(awk -v n="$n" -v t="$tj" 'BEGIN{print n/t}')" "$tp" "$(awk -v n="$n" -v t="$tp" 'BEGIN{print n/t}')" "$(ratio "$tp" "$tj")"
  printf '        output: slidestream %s, python %s\n' "$(du -sh "$DIR/j2-$fmt" | cut -f1)" "$(du -sh "$DIR/p2-$fmt" | cut -f1)"
done

echo "3. peak memory of patch export (256 px at 0.5 um/px, npy) with --max-memory 1g"
for side in $MEM_SIDES; do
  f="$DIR/mem-$side.tif"
  echo "   preparing ${side}^2 slide..."
  synth "$f" "$side" 7
  timed "j3$side" "$SS" patch "$f" -o "$DIR/j3-$side" --size 256 --mpp 0.5 --a-t 1 --save npy --max-memory 1g
  n=$(awk -F, 'NR == 2 {print $4}' "$DIR/j3-$side/status.csv")
  printf '   %6d^2: %6d patches in %7.1f s, peak RSS %s MB\n' "$side" "$n" "$(eval echo "\$T_j3$side")" "$(eval echo "\$M_j3$side")"
done
echo "   (outputs of this run are in $DIR/j1, p1, j2-*, p2-*, j3-*; the next run moves them aside and deletes them)"
