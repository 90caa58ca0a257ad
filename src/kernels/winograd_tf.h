/* Winograd input and output transforms, written once for a vector of W
 * channels and included by each file that instantiates them (winograd.c: the
 * portable W = 1 version, also the AVX2 code's channel tail;
 * x86/winograd_avx2.c: W = 8).
 * Every instance performs the same float operations in the same order, so
 * all of them give the same bits.  No FMA: each product and sum rounds once
 * (the build's -ffp-contract=off keeps the compiler from fusing them).
 *
 * Before including, define:
 *   VEC            the vector type (float, __m256)
 *   VLOAD(p)       VSTORE(p, v)     VSET1(c)
 *   VADD VSUB VMUL (a, b)           VMAX0(v): v > 0 ? v : 0      VMIN6(v)
 *   WSUF           suffix of the generated names (e.g. _c1, _avx8)
 * Generated (static):
 *   wino_in2##WSUF, wino_in4##WSUF:   one tile's input transform
 *   wino_out2##WSUF, wino_out4##WSUF: one tile's output transform + epilogue
 *
 * Input transform of one tile, W channels: d[i][j] (t x t pixels, pointers
 * into the image or to a zero buffer for taps outside it) -> v + xi * vs for
 * xi = i * t + j, V = B^T d B.  Output transform: m + xi * ms -> Y = A^T M A,
 * the epilogue, and the valid rows/columns stored at y + (i * ys + j * xs).
 *
 * F(2x2, 3x3) (t = 4):  B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],
 *                       A^T = [1 1 1 0; 0 1 -1 -1].
 * F(4x4, 3x3) (t = 6):  B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0;
 *                              0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1],
 *                       A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0;
 *                              0 1 -1 8 -8 1]   (Lavin & Gray 2016). */

#define WCAT_(a, b) a##b
#define WCAT(a, b) WCAT_(a, b)

/* The epilogue of zb_epi_apply on a vector of channels c .. c + W - 1. */
static inline VEC WCAT(wino_epi, WSUF)(VEC y, const zb_epi *e, int c)
{
    if (e->bias)
        y = VADD(y, VLOAD(e->bias + c));
    if (e->scale)
        y = VADD(VMUL(y, VLOAD(e->scale + c)), VLOAD(e->shift + c));
    if (e->act != ZB_EPI_NONE) {
        y = VMAX0(y);
        if (e->act == ZB_EPI_RELU6)
            y = VMIN6(y);
    }
    return y;
}

/* 4-point B^T: r = B^T (a0, a1, a2, a3) */
#define BT4(a0, a1, a2, a3, r)   \
    do {                         \
        r[0] = VSUB(a0, a2);     \
        r[1] = VADD(a1, a2);     \
        r[2] = VSUB(a2, a1);     \
        r[3] = VSUB(a1, a3);     \
    } while (0)

static inline void WCAT(wino_in2, WSUF)(const float *const *d, float *v, ptrdiff_t vs)
{
    VEC tmp[4][4];   /* (B^T d)[i][j] */
    for (int j = 0; j < 4; j++) {
        VEC r[4];
        BT4(VLOAD(d[0 * 4 + j]), VLOAD(d[1 * 4 + j]), VLOAD(d[2 * 4 + j]), VLOAD(d[3 * 4 + j]), r);
        for (int i = 0; i < 4; i++)
            tmp[i][j] = r[i];
    }
    for (int i = 0; i < 4; i++) {
        VEC r[4];
        BT4(tmp[i][0], tmp[i][1], tmp[i][2], tmp[i][3], r);
        for (int j = 0; j < 4; j++)
            VSTORE(v + (i * 4 + j) * vs, r[j]);
    }
}

/* 6-point B^T, with the common sub-expressions of Lavin's F(4, 3) */
#define BT6(a0, a1, a2, a3, a4, a5, r)                                        \
    do {                                                                      \
        const VEC f4 = VSET1(4.0f), f5 = VSET1(5.0f), f2 = VSET1(2.0f);       \
        r[0] = VADD(VSUB(VMUL(f4, a0), VMUL(f5, a2)), a4);                    \
        r[1] = VSUB(VADD(a3, a4), VMUL(f4, VADD(a1, a2)));                    \
        r[2] = VADD(VSUB(a4, a3), VMUL(f4, VSUB(a1, a2)));                    \
        r[3] = VADD(VSUB(a4, a2), VMUL(f2, VSUB(a3, a1)));                    \
        r[4] = VSUB(VSUB(a4, a2), VMUL(f2, VSUB(a3, a1)));                    \
        r[5] = VADD(VSUB(VMUL(f4, a1), VMUL(f5, a3)), a5);                    \
    } while (0)

static inline void WCAT(wino_in4, WSUF)(const float *const *d, float *v, ptrdiff_t vs)
{
    VEC tmp[6][6];
    for (int j = 0; j < 6; j++) {
        VEC r[6];
        BT6(VLOAD(d[0 * 6 + j]), VLOAD(d[1 * 6 + j]), VLOAD(d[2 * 6 + j]), VLOAD(d[3 * 6 + j]),
            VLOAD(d[4 * 6 + j]), VLOAD(d[5 * 6 + j]), r);
        for (int i = 0; i < 6; i++)
            tmp[i][j] = r[i];
    }
    for (int i = 0; i < 6; i++) {
        VEC r[6];
        BT6(tmp[i][0], tmp[i][1], tmp[i][2], tmp[i][3], tmp[i][4], tmp[i][5], r);
        for (int j = 0; j < 6; j++)
            VSTORE(v + (i * 6 + j) * vs, r[j]);
    }
}

/* 4-point A^T: r = A^T (a0 .. a3), 2 outputs */
#define AT4(a0, a1, a2, a3, r)            \
    do {                                  \
        r[0] = VADD(VADD(a0, a1), a2);    \
        r[1] = VSUB(VSUB(a1, a2), a3);    \
    } while (0)

/* Stores the valid part (rows < nh, columns < nw) of a tile's outputs. */
static inline void WCAT(wino_out2, WSUF)(const float *m, ptrdiff_t ms, const zb_epi *e, int c, float *y,
                                         ptrdiff_t ys, ptrdiff_t xs, int nh, int nw)
{
    VEC tmp[2][4];   /* (A^T M)[i][j] */
    for (int j = 0; j < 4; j++) {
        VEC r[2];
        AT4(VLOAD(m + (0 * 4 + j) * ms), VLOAD(m + (1 * 4 + j) * ms), VLOAD(m + (2 * 4 + j) * ms),
            VLOAD(m + (3 * 4 + j) * ms), r);
        tmp[0][j] = r[0], tmp[1][j] = r[1];
    }
    for (int i = 0; i < nh; i++) {
        VEC r[2];
        AT4(tmp[i][0], tmp[i][1], tmp[i][2], tmp[i][3], r);
        for (int j = 0; j < nw; j++)
            VSTORE(y + i * ys + j * xs, WCAT(wino_epi, WSUF)(r[j], e, c));
    }
}

#define AT6(a0, a1, a2, a3, a4, a5, r)                                  \
    do {                                                                \
        const VEC f2 = VSET1(2.0f), f4 = VSET1(4.0f), f8 = VSET1(8.0f); \
        const VEC s12 = VADD(a1, a2), d12 = VSUB(a1, a2);               \
        const VEC s34 = VADD(a3, a4), d34 = VSUB(a3, a4);               \
        r[0] = VADD(VADD(a0, s12), s34);                                \
        r[1] = VADD(d12, VMUL(f2, d34));                                \
        r[2] = VADD(s12, VMUL(f4, s34));                                \
        r[3] = VADD(VADD(d12, VMUL(f8, d34)), a5);                      \
    } while (0)

static inline void WCAT(wino_out4, WSUF)(const float *m, ptrdiff_t ms, const zb_epi *e, int c, float *y,
                                         ptrdiff_t ys, ptrdiff_t xs, int nh, int nw)
{
    VEC tmp[4][6];
    for (int j = 0; j < 6; j++) {
        VEC r[4];
        AT6(VLOAD(m + (0 * 6 + j) * ms), VLOAD(m + (1 * 6 + j) * ms), VLOAD(m + (2 * 6 + j) * ms),
            VLOAD(m + (3 * 6 + j) * ms), VLOAD(m + (4 * 6 + j) * ms), VLOAD(m + (5 * 6 + j) * ms), r);
        for (int i = 0; i < 4; i++)
            tmp[i][j] = r[i];
    }
    for (int i = 0; i < nh; i++) {
        VEC r[4];
        AT6(tmp[i][0], tmp[i][1], tmp[i][2], tmp[i][3], tmp[i][4], tmp[i][5], r);
        for (int j = 0; j < nw; j++)
            VSTORE(y + i * ys + j * xs, WCAT(wino_epi, WSUF)(r[j], e, c));
    }
}
