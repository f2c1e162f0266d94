#!/usr/bin/env bash
# Viewer benchmark: Deep Zoom tiles per second served to 8 concurrent clients asking for random
# tiles for 30 s, `slidestream view` against OpenSlide's DeepZoomGenerator.get_tile (Debian
# python3-openslide) behind Python's threading HTTP server, as OpenSlide's deepzoom_server.py serves
# (JPEG quality 75), with the same tile size and the same tile sequence, in the same run. Also
# OpenSlide's rate with no server at all (get_tile + JPEG in 8 threads), peak RSS of both servers
# (/usr/bin/time -v) and failed requests (target: none). The slide is a synthetic pyramidal JPEG TIFF
# from `slidestream synth` (generic layout, which OpenSlide reads).
#
#   bench/view/run.sh                # a 50,000^2 slide (a minute or two to make once, kept in $BENCH_DIR)
#   bench/view/run.sh --quick        # 16,384^2, 10 s
#   BENCH_SIDE=100000 bench/view/run.sh   # peak RSS should not follow the slide's size
#   BENCH_CLIENTS, BENCH_SECONDS, BENCH_WARMUP, BENCH_TILE override 8, 30, 5 and 254.
# The view server runs as a user runs it: ./slidestream view SLIDE, default budget (256m) and the
# heap that follows it.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
"$PY" -c "import openslide" 2>/dev/null || { echo "needs Debian python3-openslide"; exit 1; }
DIR="${BENCH_DIR:-/tmp/slidestream-bench-view}"
SIDE=50000 SECONDS_=30
if [ "${1:-}" = "--quick" ]; then SIDE=16384 SECONDS_=10; fi
SIDE="${BENCH_SIDE:-$SIDE}" SECONDS_="${BENCH_SECONDS:-$SECONDS_}"
CLIENTS="${BENCH_CLIENTS:-8}" WARMUP="${BENCH_WARMUP:-5}" TILE="${BENCH_TILE:-254}"
SEED=7
mkdir -p "$DIR"
SS="$ROOT/slidestream"
"$SS" --version >/dev/null   # build (and make the start-up cache) before timing anything

SLIDE="$DIR/view-$SIDE.tif"
if [ ! -f "$SLIDE" ]; then
  echo "making a ${SIDE}^2 synthetic slide in $DIR (kept for later runs)..."
  "$SS" synth -o "$SLIDE" --width "$SIDE" --height "$SIDE" --seed 3 --layout generic --min-level-side 256 >"$DIR/synth.log" 2>&1 \
    || { tail -5 "$DIR/synth.log"; exit 1; }
fi
ID="$(basename "$SLIDE" .tif)"

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# start_server NAME LOG CMD...: runs CMD under /usr/bin/time -v (peak RSS into LOG.time), waits
# for the address it prints; sets PORT and SERVER_PID (the server's own process, for stopping it)
start_server() {
  local name="$1" log="$2"; shift 2
  /usr/bin/time -v "$@" >"$log" 2>"$log.time" &
  local timer=$!
  PIDS+=("$timer")
  for _ in $(seq 1 600); do
    PORT=$(grep -oE '(127\.0\.0\.1:|listening )[0-9]+' "$log" 2>/dev/null | grep -oE '[0-9]+$' | head -1 || true)
    [ -n "$PORT" ] && break
    kill -0 "$timer" 2>/dev/null || { echo "$name did not start:"; cat "$log" "$log.time"; exit 1; }
    sleep 0.2
  done
  [ -n "$PORT" ] || { echo "$name did not start in 120 s"; exit 1; }
  SERVER_PID=$(pgrep -P "$timer" | head -1)
}
stop_server() { # stop_server LOG: SIGTERM to the server, wait, peak RSS (MB) into RSS
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "${PIDS[-1]}" 2>/dev/null || true
  RSS=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$1.time")
}
load() { # load PORT: the load line of bench/view/load.py
  "$PY" bench/view/load.py "http://127.0.0.1:$1/dzi/$ID.dzi" "$CLIENTS" "$SECONDS_" "$WARMUP" "$SEED"
}
field() { echo "$1" | awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }

echo "random Deep Zoom tiles of ${ID} (${SIDE}^2), ${TILE} px, $CLIENTS clients, ${SECONDS_} s after ${WARMUP} s of warm-up"
start_server slidestream "$DIR/view.log" "$SS" view "$SLIDE" --port 0 --tile-size "$TILE"
OURS=$(load "$PORT")
stop_server "$DIR/view.log"; RSS_OURS=$RSS

start_server openslide "$DIR/reference.log" "$PY" bench/view/reference.py serve "$SLIDE" "$TILE"
THEIRS=$(load "$PORT")
stop_server "$DIR/reference.log"; RSS_THEIRS=$RSS

DIRECT=$("$PY" bench/view/reference.py direct "$SLIDE" "$TILE" "$CLIENTS" "$SECONDS_" "$WARMUP" "$SEED")

ro=$(field "$OURS" tiles_per_s) rt=$(field "$THEIRS" tiles_per_s) rd=$(field "$DIRECT" tiles_per_s)
kb() { awk -v b="$(field "$1" bytes)" -v n="$(field "$1" tiles)" 'BEGIN { printf "%.1f", n ? b / n / 1024 : 0 }'; }
printf '  slidestream view            %8.1f tiles/s  failed %s  %5s KB/tile  peak RSS %s MB\n' "$ro" "$(field "$OURS" failed)" "$(kb "$OURS")" "$RSS_OURS"
printf '  OpenSlide DeepZoomGenerator %8.1f tiles/s  failed %s  %5s KB/tile  peak RSS %s MB (Python threading HTTP server)\n' "$rt" "$(field "$THEIRS" failed)" "$(kb "$THEIRS")" "$RSS_THEIRS"
printf '  OpenSlide get_tile, no HTTP %8.1f tiles/s  (%s threads calling get_tile and encoding the JPEG)\n' "$rd" "$CLIENTS"
echo "  ratio against the OpenSlide server: $(awk -v a="$ro" -v b="$rt" 'BEGIN { printf "%.2f", a / b }')x (target >= 3x)"
echo "  ratio against get_tile without HTTP: $(awk -v a="$ro" -v b="$rd" 'BEGIN { printf "%.2f", a / b }')x"
[ "$(field "$OURS" failed)" = 0 ] || { echo "  FAILED REQUESTS: $(field "$OURS" failed)"; exit 1; }
[ "$RSS_OURS" -lt 1024 ] || { echo "  peak RSS over 1 GiB"; exit 1; }
