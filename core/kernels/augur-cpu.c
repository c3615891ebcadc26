/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "augur-core"

#include "config.h"

#include "augur-cpu.h"

/* Set with the features once they are known, so that none is still 0. */
#define FEATURES_KNOWN (1u << 16)

static const struct
{
  AugurCpuFeature feature;
  const char     *off;
} overrides[] = {
  { AUGUR_CPU_SSSE3, "AUGUR_NO_SSSE3" },
  { AUGUR_CPU_AVX2,  "AUGUR_NO_AVX2" },
  { AUGUR_CPU_AVX512_VBMI, "AUGUR_NO_AVX512" },
};

static guint
detect (void)
{
  guint features = 0;

#ifdef AUGUR_CPU_X86_64
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("ssse3"))
    features |= AUGUR_CPU_SSSE3;
  /* libgcc also checks that the system saves the AVX registers. */
  if (__builtin_cpu_supports ("avx2"))
    features |= AUGUR_CPU_AVX2;
  /* Byte permutes over 64-byte registers (the loops also use AVX-512 BW's
   * byte masks). */
  if (__builtin_cpu_supports ("avx512vbmi") && __builtin_cpu_supports ("avx512bw"))
    features |= AUGUR_CPU_AVX512_VBMI;
#endif

  return features;
}

/**
 * augur_cpu_features:
 *
 * Returns: the #AugurCpuFeature bits the processor has, whatever the
 *   environment says; asked once
 */
guint
augur_cpu_features (void)
{
  static gsize features = 0;

  if (g_once_init_enter (&features))
    g_once_init_leave (&features, detect () | FEATURES_KNOWN);

  return (guint) features & ~FEATURES_KNOWN;
}

/**
 * augur_cpu_has:
 *
 * Returns: whether the loops written for @feature may run: the processor
 *   has it and the environment does not switch it off (see augur-cpu.h)
 */
gboolean
augur_cpu_has (AugurCpuFeature feature)
{
  if ((augur_cpu_features () & feature) != feature)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (overrides); i++)
    if ((feature & overrides[i].feature) && g_getenv (overrides[i].off) != NULL)
      return FALSE;

  return TRUE;
}
