/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Run-time choice of hand-written SIMD loops, in one place.
 *
 * Two mechanisms pick a loop for the machine a program runs on:
 *
 * - AUGUR_SIMD_CLONES (augur-simd.h): the compiler builds a plain loop
 *   twice, for AVX2 and for baseline x86-64, and the loader picks one. No
 *   code of ours decides, and nothing here switches it.
 * - Loops written with intrinsics or byte shuffles for one instruction set
 *   (the kernels of this folder), which a caller runs only when
 *   augur_cpu_has() says so, and otherwise its portable loop. Both give
 *   the same bits; the tests compare them.
 *
 * The processor is asked once, the first time. Each feature can be
 * switched off from the environment, which forces the portable loops so
 * that the tests can compare the two paths on any machine:
 *
 *   AUGUR_NO_SSSE3   the SSSE3 loops (RGB mirror, RGB to gray)
 *   AUGUR_NO_AVX2    the AVX2 loops (the separable blur's rows)
 *   AUGUR_NO_AVX512  the AVX-512 loops (byte tables, colour matrix, blur rows,
 *                    RGB to gray, filter rows)
 *
 * Any value counts, even empty. The environment is read on every query
 * (a query is made once per image, not per row), so that a test can
 * switch a path off and on again within one process.
 */

/* Compilers that take GCC's target attributes and x86 intrinsics. */
#if defined(__GNUC__) && defined(__x86_64__)
# define AUGUR_CPU_X86_64 1
#endif

typedef enum
{
  AUGUR_CPU_SSSE3 = 1 << 0,
  AUGUR_CPU_AVX2  = 1 << 1,
  AUGUR_CPU_AVX512_VBMI = 1 << 2,
} AugurCpuFeature;

guint    augur_cpu_features  (void);
gboolean augur_cpu_has       (AugurCpuFeature feature);

G_END_DECLS
