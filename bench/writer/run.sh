#!/usr/bin/env bash
# Pyramidal TIFF writer benchmark.
#   1. convert of a large JPEG slide to a JPEG pyramid, against `vips tiffsave --tile --pyramid
#      --compression jpeg` on the same input in the same run (wall time, both on THREADS threads).
#   2. peak resident set size (/usr/bin/time -v) of synth and convert at several sizes with
#      --max-memory 512m: it should not grow with the image (DESIGN principle 1).
# Usage: bench/writer/run.sh [CONVERT_SIZE] [MEMORY_SIZES] [THREADS]
#   defaults: 40000 "25000 50000 100000" 2; 0 or "none" skips a part. WORK=dir keeps the files
#   there (needs ~0.25 GB per 10^9 pixels of JPEG); otherwise a temporary folder is used and deleted.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SIZE="${1:-40000}"
SIZES="${2:-25000 50000 100000}"
THREADS="${3:-2}"
SS="$ROOT/slidestream"
command -v vips >/dev/null || { echo "vips not installed (Debian libvips-tools)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not installed (Debian time)" >&2; exit 1; }
if [ -n "${WORK:-}" ]; then mkdir -p "$WORK"; else WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT; fi
"$SS" --help >/dev/null   # build once before timing anything

# run LABEL CMD...: runs under /usr/bin/time -v, prints wall seconds, peak RSS (MiB) and CPU seconds (user + system)
run() {
  local label="$1"; shift
  local log="$WORK/$label.time"
  /usr/bin/time -v "$@" >"$WORK/$label.out" 2>"$log" || { echo "$label failed:" >&2; tail -5 "$log" >&2; exit 1; }
  local wall rss cpu
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")
  cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' "$log")
  echo "$label $wall $rss $cpu"
}

if [ "$SIZE" != 0 ]; then
echo "== convert ${SIZE}x${SIZE} JPEG slide to a JPEG pyramid, $THREADS threads"
IN="$WORK/in-$SIZE.tif"
# The input: a generic tiled JPEG TIFF (what a scanner's SVS looks like to a TIFF reader), one level.
"$SS" synth -o "$IN" --width "$SIZE" --height "$SIZE" --layout generic --compression jpeg --quality 90 \
    --tile 256 --min-level-side "$SIZE" --threads "$THREADS" >/dev/null 2>&1
# Quality 85: from 90 up libvips 8.14 stores JPEG tiles as RGB without chroma subsampling, which
# is a different (larger, slower) output; below it both write YCbCr 4:2:0.
read -r _ ours ours_rss ours_cpu < <(run ours "$SS" convert "$IN" -o "$WORK/ours.tif" --layout generic --compression jpeg \
    --quality 85 --tile 512 --min-level-side 512 --threads "$THREADS" --max-memory 512m)
read -r _ vips vips_rss vips_cpu < <(VIPS_CONCURRENCY="$THREADS" run vips vips tiffsave "$IN" "$WORK/vips.tif" --tile \
    --tile-width 512 --tile-height 512 --pyramid --compression jpeg --Q 85)
printf "slidestream convert: %8.1f s wall  %8.1f s CPU  peak RSS %6d MiB  %s\n" "$ours" "$ours_cpu" "$ours_rss" "$(du -h "$WORK/ours.tif" | cut -f1)"
printf "vips tiffsave:       %8.1f s wall  %8.1f s CPU  peak RSS %6d MiB  %s\n" "$vips" "$vips_cpu" "$vips_rss" "$(du -h "$WORK/vips.tif" | cut -f1)"
awk -v a="$ours" -v b="$vips" -v c="$ours_cpu" -v d="$vips_cpu" 'BEGIN { printf "slidestream / vips: wall %.2f (target <= 1), CPU %.2f\n", a / b, c / d }'
rm -f "$IN" "$WORK/ours.tif" "$WORK/vips.tif"
fi
[ "$SIZES" = none ] && exit 0

echo "== peak RSS with --max-memory 512m, $THREADS threads"
first=""
for s in $SIZES; do
  read -r _ t_synth r_synth _ < <(run "synth-$s" "$SS" synth -o "$WORK/s$s.tif" --width "$s" --height "$s" --layout generic \
      --compression jpeg --threads "$THREADS" --max-memory 512m)
  read -r _ t_conv r_conv _ < <(run "convert-$s" "$SS" convert "$WORK/s$s.tif" -o "$WORK/c$s.ome.tif" --compression jpeg \
      --threads "$THREADS" --max-memory 512m)
  printf "%7d^2: synth %8.1f s %6d MiB | convert %8.1f s %6d MiB\n" "$s" "$t_synth" "$r_synth" "$t_conv" "$r_conv"
  [ -z "$first" ] && first="$r_synth $r_conv"
  last="$r_synth $r_conv"
  rm -f "$WORK/s$s.tif" "$WORK/c$s.ome.tif"
done
read -r fs fc <<<"$first"; read -r ls lc <<<"$last"
awk -v a="$fs" -v b="$ls" -v c="$fc" -v d="$lc" 'BEGIN {
  printf "peak RSS, largest vs smallest size: synth %+.0f %%, convert %+.0f %% (target: within 20 %%, <= 1024 MiB)\n",
         (b - a) * 100 / a, (d - c) * 100 / c }'
