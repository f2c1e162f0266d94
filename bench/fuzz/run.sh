#!/usr/bin/env bash
# The long mutation-fuzzing run over every slide parser: the CI fuzz tests with many more cases.
# Each test prints "NAME fuzz: N cases in S s (F read fully, T typed errors)"; any other exception,
# an OutOfMemoryError or a case over 30 s fails its test, so a green run means zero crashes and hangs.
#
#   bench/fuzz/run.sh            # 1,000,000 cases in all (split over the parsers below)
#   bench/fuzz/run.sh 20000      # total cases, for a quicker look
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
TOTAL="${1:-1000000}"
TESTS=(TiffFuzzTest DicomFuzzTest MiraxFuzzTest)
PER=$(( (TOTAL + ${#TESTS[@]} - 1) / ${#TESTS[@]} ))
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
echo "== ${#TESTS[@]} parsers x $PER cases (slidestream.fuzz.cases), started $(date -u +%FT%TZ)"
./mvnw -B -q -pl slidestream-core -am install -DskipTests >/dev/null
status=0
for t in "${TESTS[@]}"; do
  if ./mvnw -B -pl slidestream-core test -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
       -Dslidestream.fuzz.cases="$PER" >"$LOG" 2>&1; then
    grep -h 'fuzz: ' "$LOG" slidestream-core/target/surefire-reports/*"$t"-output.txt 2>/dev/null | sort -u | sed 's/^/  /'
  else
    status=1
    echo "  $t FAILED (a crash, an untyped exception or a hang): see below"
    grep -E 'fuzz case|threw|did not finish' "$LOG" | head -5 | sed 's/^/    /'
  fi
done
awk '/fuzz: [0-9]/ { for (i = 1; i <= NF; i++) { if ($i == "cases") c += $(i-1); if ($i == "typed") t += $(i-1); if ($i == "read") r += substr($(i-1), 2) } }
     END { printf "== total: %d cases, %d read fully, %d typed errors\n", c, r, t }' \
  <(for t in "${TESTS[@]}"; do cat slidestream-core/target/surefire-reports/*"$t"-output.txt 2>/dev/null; done | grep 'fuzz: [0-9]' | sort -u)
exit $status
