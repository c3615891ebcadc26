#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Scale-out with GNU parallel: the one-liner of docs/scale-out.md (one shard
# per job; with --sshloginfile the same line spreads over hosts), then
# `manifest merge`; the outputs and the manifest must be byte-identical to
# one local run. Exit 77 (skip) when GNU parallel is not installed.
#
# Usage: parallel.sh AUGUR_CLI SOURCE_DIR

set -u

cli=$1
src=$2
shards=4

command -v parallel >/dev/null 2>&1 || { echo "SKIP: GNU parallel is not installed (Debian: parallel)"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/augur-parallel-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

recipe="$src/data/recipes/default.json"
samples="$src/data/samples"

seq 1 $shards | parallel --will-cite --halt now,fail=1 -j 2 \
  "$cli" apply "$recipe" "$samples" -o "$work/sharded" -n 3 --threads 1 --shard "{}/$shards" \
  >/dev/null || { echo "FAIL: a shard failed"; exit 1; }

"$cli" manifest merge "$work/sharded"/manifest.shard-*-of-$shards.jsonl -o "$work/sharded/manifest.jsonl" \
  || { echo "FAIL: manifest merge refused the shards"; exit 1; }
rm "$work/sharded"/manifest.shard-*-of-$shards.jsonl

"$cli" apply "$recipe" "$samples" -o "$work/local" -n 3 >/dev/null || { echo "FAIL: the local run failed"; exit 1; }
diff -r -x ".*.run" "$work/local" "$work/sharded" || { echo "FAIL: the sharded run differs from the local run"; exit 1; }
echo "ok: $shards GNU parallel jobs wrote the outputs and the manifest of one local run, byte for byte"
