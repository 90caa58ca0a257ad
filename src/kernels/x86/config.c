/* Block sizes for x86-64 with AVX2/FMA (tuned on Zen3: 32 KB L1d, 512 KB L2).
 * The microkernel fixes MR = 6, NR = 16 (12 accumulators + 2 B + 1 A of the
 * 16 ymm registers).  Keep this file free of loops: it is compiled with
 * -mavx2 but read on every CPU. */
#include "kernels/x86/x86.h"

const zb_x86_config zb_x86_cfg = {
    .kc_max = 384,  /* B panel 384 x 16 x 4 = 24 KB */
    .mt = 72,       /* 12 row panels per tile */
    .l2_div = 2,    /* B block in half of L2: on Zen3 (512 KB) 8 panels at kc 384, whole rows at kc 64 */
};

/* K blocks of equal length (rounded up to 4), none longer than kc_max. */
int zb_gemm_kc(int k)
{
    int nb = (k + zb_x86_cfg.kc_max - 1) / zb_x86_cfg.kc_max;
    nb = nb < 1 ? 1 : nb;
    int kc = (k + nb - 1) / nb;
    kc = (kc + 3) & ~3;
    return kc > zb_x86_cfg.kc_max ? zb_x86_cfg.kc_max : kc;
}
