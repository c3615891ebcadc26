#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Augur's benchmark beside OpenCV and Pillow, in one run:
#
#   sh bench/run.sh BUILD_DIR        (what `make bench` runs)
#
# 1. per-operation latency: peers.py times OpenCV and Pillow and asks
#    `augur-bench serve` for Augur's passes, the three taking turns pass by pass
# 2. end to end: augur-cli apply against an OpenCV script over ~100 inputs
# 3. preview latency: a 9-draw grid of the default recipe on 512-px proxies
#    (the quick pass)
# 4. preview latency at full resolution, through the GUI's engine, on the
#    samples and a 24-megapixel photograph (bench/preview-latency.sh, which
#    writes docs/benchmarks-preview.md; skipped without the GUI)
#
# The raw results (JSON lines) go to BUILD_DIR/bench/results.jsonl and the
# report to docs/benchmarks.md (AUGUR_BENCH_REPORT overrides it). Knobs:
# AUGUR_BENCH_REPEATS, AUGUR_BENCH_E2E_RUNS,
# AUGUR_BENCH_COPIES, AUGUR_BENCH_PYTHON, AUGUR_BENCH_PROFILE (0: no perf profiles).

set -eu

if [ $# -ne 1 ]; then
  echo "Usage: sh bench/run.sh BUILD_DIR" >&2
  exit 2
fi

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$1" && pwd)
PY=${AUGUR_BENCH_PYTHON:-/usr/bin/python3}
REPEATS=${AUGUR_BENCH_REPEATS:-20}
E2E_RUNS=${AUGUR_BENCH_E2E_RUNS:-5}
COPIES=${AUGUR_BENCH_COPIES:-17}
REPORT=${AUGUR_BENCH_REPORT:-$SRC/docs/benchmarks.md}

BENCH=$BUILD/bench/augur-bench
CLI=$BUILD/app/augur-cli
SAMPLES=$SRC/data/samples
RECIPE=$SRC/data/recipes/default.json
OUT=$BUILD/bench
RESULTS=$OUT/results.jsonl

# Bring the two programs up to date with the tree, so that the commit the
# report names is the code that ran.
ninja -C "$BUILD" bench/augur-bench app/augur-cli >/dev/null || {
  echo "run.sh: building augur-bench and augur-cli in $BUILD failed" >&2
  exit 1
}
commit=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$SRC" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit with uncommitted changes in the tree"
fi
"$PY" -c 'import cv2, PIL, numpy' 2>/dev/null || {
  echo "run.sh: $PY lacks cv2, PIL or numpy (apt-get install python3-opencv python3-pil python3-numpy)" >&2
  exit 1
}

mkdir -p "$OUT"
: > "$RESULTS"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(date +%s)

# Runs a Python step with its standard error kept aside: libpng warns
# about the samples' ICC profiles on every read, so those lines are dropped
# and the rest shown (all of it when the step fails).
python_step () {
  if ! "$PY" "$@" >> "$RESULTS" 2> "$OUT/stderr"; then
    cat "$OUT/stderr" >&2
    echo "run.sh: failed: $PY $*" >&2
    exit 1
  fi
  grep -v 'iCCP: known incorrect sRGB profile' "$OUT/stderr" >&2 || true
}

echo "== 1/4 per-operation latency: $REPEATS passes, libraries taking turns"
python_step "$SRC/bench/peers.py" ops "$SAMPLES" --repeats "$REPEATS" --augur "$BENCH"
echo "   done ($(($(date +%s) - t0)) s)"

echo "== agreement: OpenCV's outputs against Augur's on the first sample"
rm -rf "$OUT/dump"
"$BENCH" dump "$SAMPLES" "$OUT/dump"
python_step "$SRC/bench/peers.py" agree "$SAMPLES" "$OUT/dump"
rm -rf "$OUT/dump"

echo "== 2/4 end to end: $E2E_RUNS runs of each, $COPIES copies of the samples"
python_step "$SRC/bench/peers.py" e2e "$SAMPLES" --cli "$CLI" --recipe "$RECIPE" \
  --copies "$COPIES" --runs "$E2E_RUNS"
echo "   done ($(($(date +%s) - t0)) s)"

echo "== 3/4 preview latency (quick pass)"
"$BENCH" preview "$SAMPLES" "$RECIPE" --repeats 15 >> "$RESULTS"

if [ -x "$BUILD/bench/augur-preview-bench" ]; then
  echo "== 4/4 preview latency at full resolution"
  AUGUR_BENCH_PYTHON="$PY" sh "$SRC/bench/preview-latency.sh" "$BUILD"
  echo "   done ($(($(date +%s) - t0)) s)"
fi

# Profiles of Augur, for the report's explanations: sampled (cpu-clock:
# these machines often lack hardware counters), skipped without perf.
if [ "${AUGUR_BENCH_PROFILE:-1}" = 1 ] && command -v perf >/dev/null 2>&1 \
   && perf record -q -e cpu-clock -o "$OUT/perf.data" true >/dev/null 2>&1; then
  echo "== profiles (perf record -e cpu-clock)"
  profile () {
    name=$1
    shift
    perf record -q -e cpu-clock -o "$OUT/perf.data" "$@" >/dev/null 2>&1 || return 0
    perf report -i "$OUT/perf.data" --stdio --no-children --sort dso,sym 2>/dev/null \
      | "$PY" "$SRC/bench/perftop.py" "$name" >> "$RESULTS"
  }
  # every operation an OpenCV peer ran faster, for the report's explanations
  for op in $("$PY" "$SRC/bench/report.py" "$RESULTS" --slower); do
    profile "$op" "$BENCH" ops "$SAMPLES" --op "$op" --repeats 1 --min-time 1
  done
  for fmt in png jpeg; do
    rm -rf "$OUT/profile-out"
    profile "augur-cli-$fmt" "$CLI" apply "$RECIPE" "$SAMPLES" -o "$OUT/profile-out" \
      --threads 1 --format "$fmt" --variants 4
  done
  rm -rf "$OUT/profile-out" "$OUT/perf.data" "$OUT/perf.data.old" "$OUT/stderr"
  echo "   done ($(($(date +%s) - t0)) s)"
fi

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
"$PY" "$SRC/bench/report.py" "$RESULTS" --build "$BUILD" --cli "$CLI" \
  --started "$started" --commit "$commit" --seconds "$(($(date +%s) - t0))" \
  --load-start "$load_start" --load-end "$load_end" \
  --settings "repeats=$REPEATS e2e_runs=$E2E_RUNS copies=$COPIES" \
  -o "$REPORT"
echo "Report: $REPORT (raw results: $RESULTS, $(($(date +%s) - t0)) s)"
