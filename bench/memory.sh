#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Memory grows with the image, not the dataset: the peak resident size of
# `augur-cli apply` (the bundled default recipe, 2 threads) over N generated
# inputs, for each N given (default 100 and 10000). Prints one Markdown table
# row per N: inputs, outputs, wall seconds, peak resident MB.
#
#   sh bench/memory.sh BUILD_DIR [N...]
#
# The inputs (seeded scenes of 96 to 255 pixels a side, JPEG) and outputs go
# to a temporary folder, removed afterwards.

set -eu

BUILD=$(cd "${1:?usage: sh bench/memory.sh BUILD_DIR [N...]}" && pwd)
shift
SRC=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- 100 10000

TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "memory.sh: GNU time is needed (apt install time)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/augur-memory-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

echo "| Inputs | Outputs | Wall s | Peak resident MB |"
echo "|---:|---:|---:|---:|"
for n in "$@"; do
  rm -rf "$work/in" "$work/out"
  mkdir -p "$work/in"
  "$BUILD/bench/augur-leakage-images" "$work/in" "$n" >/dev/null
  "$TIME" -f '%e %M' -o "$work/time" \
    "$BUILD/app/augur-cli" apply "$SRC/data/recipes/default.json" "$work/in" -o "$work/out" \
    --threads 2 --progress-interval 3600 2>/dev/null
  set -- $(cat "$work/time")
  outputs=$(($(wc -l < "$work/out/manifest.jsonl") - 1))
  awk -v n="$n" -v o="$outputs" -v s="$1" -v k="$2" \
    'BEGIN { printf "| %s | %s | %.1f | %.1f |\n", n, o, s, k / 1024 }'
done
