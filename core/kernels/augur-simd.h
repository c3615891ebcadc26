/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * AUGUR_SIMD_CLONES: put on a hot per-pixel function to have it compiled
 * twice, for AVX2 and for baseline x86-64, with the right one chosen when the
 * program loads (GCC's target_clones, resolved through an ifunc). The build
 * stays portable to any x86-64 while the loops get the vector width of the
 * machine they run on, the way OpenCV dispatches at run time. Write such
 * functions as plain loops over bytes with fixed channel counts, so that the
 * compiler can vectorise them (core is built at -O3).
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
# define AUGUR_SIMD_CLONES __attribute__ ((target_clones ("avx2", "default")))
#else
# define AUGUR_SIMD_CLONES
#endif
