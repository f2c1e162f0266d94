#!/usr/bin/env bash
# Feature extraction benchmark: a ViT-S/14-sized model with random weights (224 px input, patch 14,
# 384 wide, 12 blocks; exported by slidestream-dl/src/test/python/make_vit.py at run time, not kept),
# slidestream (ONNX Runtime, CPU) against the same model in PyTorch, in the same run:
#   1. inference only, on the same number of random images, batch BATCH;
#   2. end to end on the 224 x 224 level-0 patches of cmu-1-small-region.svs: slide decode,
#      preprocessing, inference and (for slidestream) writing features.h5, against OpenSlide
#      read_region + numpy + PyTorch. Needs the slide reader (Slide.open on .svs).
# Also features3d's peak memory, streamed against the naive all-planes-at-full-size version.
# Peak memory is the peak resident set size from /usr/bin/time -v.
#
#   bench/dl/run.sh [--quick] [BATCH]      (ONLY=volume: just the features3d memory part;
#                                           VOLUME=Z,Y,X and OUT=D,H,W change its sizes, XMX the heap)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
export JAVA_HOME="${JAVA_HOME:-$(bin/find-jdk)}"
PY=/usr/bin/python3
SLIDE="$ROOT/../shared/data/slides/cmu-1-small-region.svs"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
IMAGES=128 PATCHES=0   # 0: every patch of the grid (117)
if [ "${1:-}" = "--quick" ]; then IMAGES=16 PATCHES=24; shift; fi
BATCH="${1:-32}"
WORKERS="$(nproc)"

echo "building..."
# the jars the launcher runs (slidestream-cli/target/lib)
./mvnw -B -q -o -DskipTests package >/dev/null
CP="$ROOT/slidestream-cli/target/slidestream-cli.jar:$ROOT/slidestream-cli/target/lib/*"
mkdir -p "$WORK/classes"
"$JAVA_HOME/bin/javac" -d "$WORK/classes" -cp "$CP" bench/dl/FeaturesBench.java
JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx${XMX:-2g} -cp "$WORK/classes:$CP" FeaturesBench)

run() {
  local label="$1"; shift
  /usr/bin/time -v "$@" >"$WORK/out.txt" 2>"$WORK/time.txt" || { grep -v '^\s' "$WORK/time.txt" | head -5; return 1; }
  local rss
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$WORK/time.txt")
  LAST="$(grep -v '^WARNING' "$WORK/out.txt" | tail -1)"
  printf '  %-8s %s | peak RSS %s MB\n' "$label" "$LAST" "$rss"
  rss_last=$rss
}
rate() { grep -o '[0-9.]* \(images\|patches\)/s' <<<"$1" | cut -d' ' -f1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo
echo "== features3d memory: streamed (one output-sized accumulator) against all three planes at full size"
"$PY" slidestream-dl/src/test/python/make_vit.py "$WORK" --grid16 2>/dev/null >/dev/null
VOLUME="${VOLUME:-32,256,256}" OUT="${OUT:-8,32,32}"
"$PY" -c "import numpy as np; r = np.random.default_rng(1); np.save('$WORK/vol.npy', r.integers(0, 256, ($VOLUME), dtype=np.uint8))"
run stream "${JAVA[@]}" volume streamed "$WORK/vol.npy" "$WORK/grid16.onnx" "$OUT" || exit 1; RS=$rss_last
run naive "${JAVA[@]}" volume naive "$WORK/vol.npy" "$WORK/grid16.onnx" "$OUT" || exit 1; RN=$rss_last
run base "${JAVA[@]}" model "$WORK/grid16.onnx" 2 2 || exit 1; RB=$rss_last
echo "  ${VOLUME//,/ x } volume, 16 x 16 tokens of 192 features, output ${OUT//,/ x }: peak RSS streamed / naive $(ratio "$RS" "$RN")x;"
echo "  above the JVM + model baseline ($RB MB, inference on 2 images): $(ratio "$((RS - RB))" "$((RN - RB))")x"
[ "${ONLY:-}" = volume ] && exit 0

echo "exporting the ViT-S/14-sized model..."
"$PY" slidestream-dl/src/test/python/make_vit.py "$WORK" --vit-s14 2>/dev/null | sed 's/^/  /'
MODEL="$WORK/vit-s14.onnx"



echo
echo "== inference only: $IMAGES images of 224 x 224, batch $BATCH, $(nproc) cores"
run java "${JAVA[@]}" model "$MODEL" "$IMAGES" "$BATCH" || exit 1; J="$LAST"
run torch "$PY" bench/dl/reference.py model "$IMAGES" "$BATCH" || exit 1; P="$LAST"
echo "  slidestream / pytorch throughput: $(ratio "$(rate "$J")" "$(rate "$P")")x"

if [ ! -f "$SLIDE" ]; then echo "no $SLIDE: skipping the end-to-end benchmark"; exit 0; fi
echo
echo "== end to end: 224 x 224 level-0 patches of $(basename "$SLIDE"), batch $BATCH, $WORKERS decode threads"
"$PY" bench/dl/reference.py coords "$SLIDE" 224 "$WORK/coords.h5" "$PATCHES" | sed 's/^/  /'
run java "${JAVA[@]}" e2e "$MODEL" "$SLIDE" "$WORK/coords.h5" "$WORK/features.h5" "$BATCH" "$WORKERS" || exit 1
J="$LAST"
run torch "$PY" bench/dl/reference.py e2e "$SLIDE" "$WORK/coords.h5" "$BATCH" "$WORK/torch.npy" || exit 1; P="$LAST"
echo "  slidestream / pytorch throughput: $(ratio "$(rate "$J")" "$(rate "$P")")x"
"$PY" bench/dl/reference.py compare "$WORK/features.h5" "$WORK/torch.npy" | sed 's/^/  /'
