/* keras_applications/vgg16.py and vgg19.py (keras-applications 1.0.8). */
#include <stdio.h>

#include "models/keras/keras.h"
#include "models/keras/keras_models.h"

/* variant: 16 or 19 */
zb_status keras_vgg(kx *k, int variant, const kx_top *top)
{
    static const int filters[5] = {64, 128, 256, 512, 512};
    const int convs16[5] = {2, 2, 3, 3, 3}, convs19[5] = {2, 2, 4, 4, 4};
    const int *convs = variant == 19 ? convs19 : convs16;
    char name[32];
    kt x = kx_input(k);
    for (int b = 0; b < 5; b++) {
        for (int i = 0; i < convs[b]; i++) {
            snprintf(name, sizeof name, "block%d_conv%d", b + 1, i + 1);
            x = kx_with_relu(k, kx_conv(k, name, x, filters[b], 3, 3, 1, 1, 1));
        }
        snprintf(name, sizeof name, "block%d_pool", b + 1);
        x = kx_maxpool(k, name, x, 2, 2, 0);
    }
    if (top->include_top) {
        x = kx_flatten(k, "flatten", x);
        x = kx_with_relu(k, kx_dense(k, "fc1", x, 4096));
        x = kx_with_relu(k, kx_dense(k, "fc2", x, 4096));
        x = kx_dense(k, "predictions", x, 1000);
    } else {
        x = kx_pooling(k, x, top);
    }
    return kx_finish(k, x);
}
