/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry point every target defines. With -Dfuzzing=true it
 * is linked with libFuzzer's main; otherwise with fuzz-replay.c, which runs
 * it once on each file of the committed corpora, so that every `make test`
 * replays them without fuzzing. */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
