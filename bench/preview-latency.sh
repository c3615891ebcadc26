#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The previewer's latency at full resolution, through the GUI's own engine:
#
#   sh bench/preview-latency.sh BUILD_DIR      (step 4 of bench/run.sh)
#
# Times, for each bundled sample and for a generated 24-megapixel photograph
# (6000 x 4000, written once under BUILD_DIR/bench), the first picture and
# the full-resolution grid of 9 draws of the default recipe on 2 workers:
# when the sample is opened, on a re-roll, and while the last step's slider
# is dragged. The raw results go to BUILD_DIR/bench/preview.jsonl and the
# report to docs/benchmarks-preview.md (AUGUR_PREVIEW_REPORT overrides it).
# Knobs: AUGUR_PREVIEW_REPEATS (default 5), AUGUR_BENCH_PYTHON.

set -eu

if [ $# -ne 1 ]; then
  echo "Usage: sh bench/preview-latency.sh BUILD_DIR" >&2
  exit 2
fi

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$1" && pwd)
PY=${AUGUR_BENCH_PYTHON:-/usr/bin/python3}
REPEATS=${AUGUR_PREVIEW_REPEATS:-5}
REPORT=${AUGUR_PREVIEW_REPORT:-$SRC/docs/benchmarks-preview.md}
BENCH=$BUILD/bench/augur-preview-bench
OUT=$BUILD/bench
RESULTS=$OUT/preview.jsonl
BIG=$OUT/photo-24mp.jpg

ninja -C "$BUILD" bench/augur-preview-bench >/dev/null || {
  echo "preview-latency.sh: building augur-preview-bench in $BUILD failed (is the GUI built?)" >&2
  exit 1
}
commit=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$SRC" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit with uncommitted changes in the tree"
fi

mkdir -p "$OUT"
[ -f "$BIG" ] || "$BENCH" --make-sample "$SRC/data/samples/astronaut.png" "$BIG"

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
"$BENCH" "$SRC/data/recipes/default.json" "$BIG" "$SRC"/data/samples/*.png "$SRC"/data/samples/*.jpg \
  --repeats "$REPEATS" --threads 2 > "$RESULTS"
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# Where the 24-megapixel grid's time goes (perf, cpu-clock), for the report;
# skipped without perf.
if command -v perf >/dev/null 2>&1 \
   && perf record -q -e cpu-clock -o "$OUT/preview-perf.data" true >/dev/null 2>&1; then
  perf record -q -e cpu-clock -o "$OUT/preview-perf.data" \
    "$BENCH" "$SRC/data/recipes/default.json" "$BIG" --repeats 2 --threads 2 >/dev/null 2>&1 \
    && perf report -i "$OUT/preview-perf.data" --stdio --no-children --sort dso,sym 2>/dev/null \
       | "$PY" "$SRC/bench/perftop.py" photo-24mp >> "$RESULTS"
  rm -f "$OUT/preview-perf.data" "$OUT/preview-perf.data.old"
fi

"$PY" "$SRC/bench/preview_report.py" "$RESULTS" --started "$started" --commit "$commit" \
  --load-start "$load_start" --load-end "$load_end" -o "$REPORT"
echo "Report: $REPORT (raw results: $RESULTS)"
