/* np.argpartition for a float32 row, in numpy 1.x's exact index order. */
#ifndef ZB_PREDICT_ARGPARTITION_H
#define ZB_PREDICT_ARGPARTITION_H

#include <stdint.h>

/* idx (n,) receives np.argpartition(v, kth) for 0 <= kth < n. */
void zb_argpartition_f32(const float *v, int64_t n, int64_t kth, int64_t *idx);

#endif
