/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include "augur-median.h"
#include "augur-simd.h"

/* a, b = min (a, b), max (a, b) */
#define SORT2(a, b) G_STMT_START { guint8 lo_ = MIN (a, b); b = MAX (a, b); a = lo_; } G_STMT_END

/*
 * The median of 25 values by a selection network: Batcher's odd-even merge
 * sort of 32 inputs, the last 7 held at +infinity, keeps 113 of its
 * comparators once those that cannot change the 13th smallest output are
 * dropped (and 21 of the 113 need only their minimum or their maximum):
 * 202 minima and maxima, branch-free, which the loop below runs on a vector
 * of pixels at once. By the 0-1 principle a comparator network selects the
 * median of every input if it does for every input of zeros and ones;
 * test-kernels runs all 2^25 of them.
 */
AUGUR_SIMD_CLONES static void
median25_loop (guint8       *restrict d,
               const guint8 *restrict s0, const guint8 *restrict s1, const guint8 *restrict s2,
               const guint8 *restrict s3, const guint8 *restrict s4, const guint8 *restrict s5,
               const guint8 *restrict s6, const guint8 *restrict s7, const guint8 *restrict s8,
               const guint8 *restrict s9, const guint8 *restrict s10, const guint8 *restrict s11,
               const guint8 *restrict s12, const guint8 *restrict s13, const guint8 *restrict s14,
               const guint8 *restrict s15, const guint8 *restrict s16, const guint8 *restrict s17,
               const guint8 *restrict s18, const guint8 *restrict s19, const guint8 *restrict s20,
               const guint8 *restrict s21, const guint8 *restrict s22, const guint8 *restrict s23,
               const guint8 *restrict s24,
               int                    n)
{
  for (int i = 0; i < n; i++)
    {
      guint8 p0 = s0[i], p1 = s1[i], p2 = s2[i], p3 = s3[i], p4 = s4[i];
      guint8 p5 = s5[i], p6 = s6[i], p7 = s7[i], p8 = s8[i], p9 = s9[i];
      guint8 p10 = s10[i], p11 = s11[i], p12 = s12[i], p13 = s13[i], p14 = s14[i];
      guint8 p15 = s15[i], p16 = s16[i], p17 = s17[i], p18 = s18[i], p19 = s19[i];
      guint8 p20 = s20[i], p21 = s21[i], p22 = s22[i], p23 = s23[i], p24 = s24[i];

      SORT2 (p0, p1); SORT2 (p2, p3); SORT2 (p4, p5); SORT2 (p6, p7); SORT2 (p8, p9);
      SORT2 (p10, p11); SORT2 (p12, p13); SORT2 (p14, p15); SORT2 (p16, p17); SORT2 (p18, p19);
      SORT2 (p20, p21); SORT2 (p22, p23); SORT2 (p0, p2); SORT2 (p1, p3); SORT2 (p4, p6);
      SORT2 (p5, p7); SORT2 (p8, p10); SORT2 (p9, p11); SORT2 (p12, p14); SORT2 (p13, p15);
      SORT2 (p16, p18); SORT2 (p17, p19); SORT2 (p20, p22); SORT2 (p21, p23); SORT2 (p1, p2);
      SORT2 (p5, p6); SORT2 (p9, p10); SORT2 (p13, p14); SORT2 (p17, p18); SORT2 (p21, p22);
      SORT2 (p0, p4); SORT2 (p1, p5); SORT2 (p2, p6); SORT2 (p3, p7); SORT2 (p8, p12);
      SORT2 (p9, p13); SORT2 (p10, p14); SORT2 (p11, p15); SORT2 (p16, p20); SORT2 (p17, p21);
      SORT2 (p18, p22); SORT2 (p19, p23); SORT2 (p2, p4); SORT2 (p3, p5); SORT2 (p10, p12);
      SORT2 (p11, p13); SORT2 (p18, p20); SORT2 (p19, p21); SORT2 (p1, p2); SORT2 (p3, p4);
      SORT2 (p5, p6); SORT2 (p9, p10); SORT2 (p11, p12); SORT2 (p13, p14); SORT2 (p17, p18);
      SORT2 (p19, p20); SORT2 (p21, p22); SORT2 (p0, p8); SORT2 (p1, p9); SORT2 (p2, p10);
      SORT2 (p3, p11); SORT2 (p4, p12); SORT2 (p5, p13); SORT2 (p6, p14); p7 = MIN (p7, p15);
      SORT2 (p16, p24); SORT2 (p4, p8); SORT2 (p5, p9); SORT2 (p6, p10); SORT2 (p7, p11);
      SORT2 (p20, p24); SORT2 (p2, p4); SORT2 (p3, p5); SORT2 (p6, p8); SORT2 (p7, p9);
      SORT2 (p10, p12); SORT2 (p11, p13); SORT2 (p18, p20); SORT2 (p19, p21); SORT2 (p22, p24);
      SORT2 (p1, p2); SORT2 (p3, p4); SORT2 (p5, p6); SORT2 (p7, p8); SORT2 (p9, p10);
      SORT2 (p11, p12); p13 = MIN (p13, p14); SORT2 (p17, p18); SORT2 (p19, p20);
      SORT2 (p21, p22); SORT2 (p23, p24); p16 = MAX (p0, p16); p17 = MAX (p1, p17);
      p18 = MAX (p2, p18); p19 = MAX (p3, p19); p20 = MAX (p4, p20); p21 = MAX (p5, p21);
      p6 = MIN (p6, p22); p7 = MIN (p7, p23); p8 = MIN (p8, p24); p16 = MAX (p8, p16);
      p17 = MAX (p9, p17); p10 = MIN (p10, p18); p11 = MIN (p11, p19); p12 = MIN (p12, p20);
      p13 = MIN (p13, p21); p10 = MAX (p6, p10); p11 = MAX (p7, p11); p12 = MIN (p12, p16);
      p13 = MIN (p13, p17); p12 = MAX (p10, p12); p11 = MIN (p11, p13); p12 = MAX (p11, p12);
      d[i] = p12;
    }
}

/**
 * augur_median25:
 *
 * Writes to @d[i], for i in [0, @n), the median of the 25 values
 * @p[0][i], ..., @p[24][i]: a 5 x 5 median filter's window, one pointer
 * per tap (the rows may overlap each other, not @d).
 */
void
augur_median25 (guint8              *d,
                const guint8 *const  p[25],
                int                  n)
{
  median25_loop (d, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11],
                 p[12], p[13], p[14], p[15], p[16], p[17], p[18], p[19], p[20], p[21], p[22],
                 p[23], p[24], n);
}
