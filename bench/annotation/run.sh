#!/usr/bin/env bash
# Label mask benchmark: a level-0 mask of a SIZE x SIZE slide with thousands of annotations (the
# shared CMU-1 annotations scaled and tiled across it, plus small tumour islets), drawn by
# `slidestream mask` under --max-memory 512m, against the Python approach (one numpy array for
# the whole mask, cv2.fillPoly, tifffile) on the same annotations. The Python side needs
# SIZE^2 bytes, 10 GB at 100,000^2, so it runs at PY_SIZE (default 30,000^2, 0.9 GB) on the same
# annotations scaled to that size, and slidestream runs at that size too for the ratio.
# Usage: bench/annotation/run.sh [SIZE] [PY_SIZE] [THREADS]   (defaults 100000 30000 2)
#   WORK=dir keeps the files there; otherwise a temporary folder is used and deleted.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/bench/annotation"
SIZE="${1:-100000}"
PY_SIZE="${2:-30000}"
THREADS="${3:-2}"
SS="$ROOT/slidestream"
PY=/usr/bin/python3
SRC="$ROOT/../shared/data/annotations/cmu-1-small-region.geojson"
[ -f "$SRC" ] || { echo "shared annotations not found: $SRC" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not installed (Debian time)" >&2; exit 1; }
$PY -c "import cv2, tifffile" || { echo "python3-opencv and python3-tifffile are needed" >&2; exit 1; }
if [ -n "${WORK:-}" ]; then mkdir -p "$WORK"; else WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT; fi
"$SS" --help >/dev/null   # build once before timing anything

# run LABEL CMD...: runs under /usr/bin/time -v, prints wall seconds and peak RSS (MiB)
run() {
  local label="$1"; shift
  local log="$WORK/$label.time"
  /usr/bin/time -v "$@" >"$WORK/$label.out" 2>"$log" || { echo "$label failed:" >&2; tail -5 "$log" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")
  echo "$label $wall $rss"
}

# CMU-1's annotations (2220 x 2967) scaled 5x and tiled, 40 islets per tile.
echo "== annotations for ${SIZE}^2: $($PY "$HERE/make_annotations.py" "$SRC" 2220 2967 "$SIZE" 5 40 "$WORK/big.geojson")"
F=$(awk -v a="$PY_SIZE" -v b="$SIZE" 'BEGIN { printf "%.10g", a / b }')
$PY "$HERE/make_annotations.py" "$SRC" 2220 2967 "$SIZE" 5 40 "$WORK/small.geojson" "$F" >/dev/null

echo "== slidestream mask ${SIZE}x${SIZE}, level 0, --max-memory 512m, $THREADS threads"
read -r _ big big_rss < <(run big "$SS" mask --annotations "$WORK/big.geojson" --width "$SIZE" --height "$SIZE" \
    -o "$WORK/big.ome.tif" --labels Tissue=1,Tumor=2,Necrosis=3 --threads "$THREADS" --max-memory 512m)
printf "slidestream mask %d^2: %8.1f s  peak RSS %6d MiB  %s\n" "$SIZE" "$big" "$big_rss" "$(du -h "$WORK/big.ome.tif" | cut -f1)"
tail -1 "$WORK/big.out"
rm -f "$WORK/big.ome.tif"
awk -v r="$big_rss" 'BEGIN { if (r > 1024) { print "FAIL: peak RSS above 1 GiB"; exit 1 } }'

echo "== same annotations at ${PY_SIZE}^2: slidestream against numpy + cv2.fillPoly + tifffile"
read -r _ ours ours_rss < <(run ours "$SS" mask --annotations "$WORK/small.geojson" --width "$PY_SIZE" --height "$PY_SIZE" \
    -o "$WORK/ours.ome.tif" --labels Tissue=1,Tumor=2,Necrosis=3 --threads "$THREADS" --max-memory 512m)
read -r _ py py_rss < <(run python $PY "$HERE/opencv_mask.py" "$WORK/small.geojson" "$PY_SIZE" "$WORK/py.tif")
printf "slidestream mask %d^2:   %8.1f s  peak RSS %6d MiB (pyramid)\n" "$PY_SIZE" "$ours" "$ours_rss"
printf "numpy+cv2+tifffile %d^2: %8.1f s  peak RSS %6d MiB (one level; %s)\n" "$PY_SIZE" "$py" "$py_rss" "$(cat "$WORK/python.out")"
awk -v a="$ours" -v b="$py" 'BEGIN { printf "wall time ratio slidestream / python: %.2f\n", a / b }'
awk -v s="$SIZE" 'BEGIN { printf "the Python approach at %d^2 would need %.1f GB for the mask array alone\n", s, s * s / 1e9 }'
# Same pixels: level 0 of both files.
$PY - "$WORK/ours.ome.tif" "$WORK/py.tif" <<'PYEOF'
import sys, tifffile, numpy as np
a = tifffile.imread(sys.argv[1])
b = tifffile.imread(sys.argv[2])
d = int((a != b).sum())
print(f"pixels differing between the two masks: {d} of {a.size} ({d / a.size:.2e})")
PYEOF
