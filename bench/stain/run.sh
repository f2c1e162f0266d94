#!/usr/bin/env bash
# Whole-slide stain normalization against `convert` of the same slide with the same writer
# settings and memory budget: wall time and peak resident set size (/usr/bin/time -v) of each,
# and their ratios. The source is a procedural synthetic slide written by `synth`; the target
# stains are fitted on a second synthetic slide of another seed (the cost does not depend on them).
#
#   bench/stain/run.sh                     # 20000 x 20000, JPEG q90 tiles, 512m budget, all cores
#   SIZE=40000 MEM=1g METHODS="macenko vahadane reinhard" COMPRESSION=deflate bench/stain/run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SIZE=${SIZE:-20000}
MEM=${MEM:-512m}
THREADS=${THREADS:-$(nproc)}
COMPRESSION=${COMPRESSION:-jpeg}
METHODS=${METHODS:-macenko}
REPEAT=${REPEAT:-2}   # runs of each command, alternating; the best (least wall time) is reported
WORK=${WORK:-$(mktemp -d)}
trap '[ -z "${KEEP:-}" ] && rm -rf "$WORK"' EXIT
S="$ROOT/slidestream"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }

"$S" --version >/dev/null
echo "input: synth ${SIZE}x${SIZE} (JPEG q90), output: $COMPRESSION, budget $MEM, $THREADS threads; work dir $WORK"
"$S" synth -o "$WORK/source.tif" --width "$SIZE" --height "$SIZE" --seed 1 --compression jpeg --max-memory "$MEM" 2>/dev/null >/dev/null
"$S" synth -o "$WORK/target.tif" --width 4096 --height 4096 --seed 2 --compression jpeg 2>/dev/null >/dev/null

# runs a command under /usr/bin/time -v; prints "wall_seconds cpu_seconds peak_kib"
measure() {
  local log="$WORK/time.log"
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s }
              /User time/ { cpu += $2 } /System time/ { cpu += $2 }
              /Maximum resident set size/ { rss = $2 }
              END { print wall, cpu, rss }' "$log"
}

# best of REPEAT runs: "wall cpu rss" of the run with the least wall time (the largest RSS of all)
best() {
  local b="" r w c m maxm=0
  for ((k = 0; k < REPEAT; k++)); do
    r=$(measure "$@"); read -r w c m <<<"$r"
    [ "$m" -gt "$maxm" ] && maxm=$m
    if [ -z "$b" ] || awk -v a="$w" -v x="${b%% *}" 'BEGIN { exit !(a < x) }'; then b="$w $c"; fi
  done
  echo "$b $maxm"
}

common=(--compression "$COMPRESSION" --quality 90 --tile 512 --max-memory "$MEM" --threads "$THREADS")
for m in $METHODS; do
  "$S" normalize --fit "$WORK/target.tif" --method "$m" -o "$WORK/target-$m.json" >/dev/null 2>&1
done
read -r ct cc cr < <(best "$S" convert "$WORK/source.tif" -o "$WORK/convert.tif" "${common[@]}")
printf '%-26s wall %7.1f s  cpu %7.1f s  peak RSS %5d MiB\n' "convert" "$ct" "$cc" $((cr / 1024))
for m in $METHODS; do
  read -r nt nc nr < <(best "$S" normalize "$WORK/source.tif" --target "$WORK/target-$m.json" --method "$m" \
      -o "$WORK/normalize-$m.tif" "${common[@]}")
  printf '%-26s wall %7.1f s  cpu %7.1f s  peak RSS %5d MiB | x%.2f wall, x%.2f cpu of convert (target <= 1.5), RSS x%.2f\n' \
      "normalize --method $m" "$nt" "$nc" $((nr / 1024)) "$(echo "$nt / $ct" | bc -l)" "$(echo "$nc / $cc" | bc -l)" "$(echo "$nr / $cr" | bc -l)"
done
uptime | sed 's/^/machine: /'
