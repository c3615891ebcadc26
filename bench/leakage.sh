#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Times `augur-cli leakage` on generated splits of N images each:
#
#   sh bench/leakage.sh BUILD_DIR [N...]        (default: 1000 10000)
#
# For each N, augur-leakage-images writes N seeded scenes (4 in 5 in train,
# 1 in 5 in val, one validation image in 100 a mirrored copy of a training
# image) into a temporary folder, removed afterwards. Then the check runs
# twice with 2 threads: with an empty hash cache (every file decoded and
# hashed), and again with the cache it wrote (files only read and
# checksummed). One Markdown table row per N: wall and CPU seconds and peak
# memory of each run, the pairs found across splits, and the planted copies.

set -eu

if [ $# -lt 1 ]; then
  echo "Usage: sh bench/leakage.sh BUILD_DIR [N...]" >&2
  exit 2
fi

BUILD=$(cd "$1" && pwd)
shift
[ $# -gt 0 ] || set -- 1000 10000
CLI=$BUILD/app/augur-cli
MAKER=$BUILD/bench/augur-leakage-images
TMP=$(mktemp -d "${TMPDIR:-/tmp}/augur-leakage-bench-XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

# Runs the check; prints "WALL CPU MAXRSS_KB".
timed () {
  status=0
  /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$CLI" leakage "$1/train" "$1/val" \
    --threads 2 --cache "$1/cache" --json >"$1/report.json" || status=$?
  if [ "$status" -gt 1 ]; then
    echo "augur-cli leakage failed (status $status)" >&2
    exit 1
  fi
  # (time writes a first line when the status is not 0)
  tail -n 1 "$TMP/time" | awk '{ printf "%s %.2f %d", $1, $2 + $3, $4 }'
}

echo "| Images | Hashing run: wall s | CPU s | Peak MB | Cached run: wall s | CPU s | Pairs across splits | Planted |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "$@"; do
  dir=$TMP/n$n
  planted=$("$MAKER" "$dir" "$n" | awk '{ print $1 }')
  set -- $(timed "$dir")
  cold_wall=$1 cold_cpu=$2 cold_rss=$3
  set -- $(timed "$dir")
  warm_wall=$1 warm_cpu=$2
  pairs=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["cross"]))' "$dir/report.json")
  echo "| $n | $cold_wall | $cold_cpu | $((cold_rss / 1024)) | $warm_wall | $warm_cpu | $pairs | $planted |"
  rm -rf "$dir"
done
