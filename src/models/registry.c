/* Every model zoobench runs: name, framework, default input size, smallest
 * valid input, preprocessing recipe, builder and class names.  Names carry
 * the framework ("torchvision/resnet50", "keras/resnet50").  Keras models are
 * added below the torchvision ones. */
#include "models/registry.h"

#include <string.h>

#include "core/status.h"
#include "models/classes.h"
#include "models/keras/keras_models.h"

#define TV(name, size, min, fn, variant) \
    {{"torchvision/" name, "torchvision", size, min, "torchvision", 1000, zb_imagenet_classes_torchvision}, fn, variant}

static const zb_model_entry models[] = {
    TV("alexnet", 224, 63, tv_alexnet, 0),
    TV("vgg11", 224, 32, tv_vgg, 110),
    TV("vgg11_bn", 224, 32, tv_vgg, 111),
    TV("vgg13", 224, 32, tv_vgg, 130),
    TV("vgg13_bn", 224, 32, tv_vgg, 131),
    TV("vgg16", 224, 32, tv_vgg, 160),
    TV("vgg16_bn", 224, 32, tv_vgg, 161),
    TV("vgg19", 224, 32, tv_vgg, 190),
    TV("vgg19_bn", 224, 32, tv_vgg, 191),
    TV("resnet18", 224, 1, tv_resnet, 18),
    TV("resnet34", 224, 1, tv_resnet, 34),
    TV("resnet50", 224, 1, tv_resnet, 50),
    TV("resnet101", 224, 1, tv_resnet, 101),
    TV("resnet152", 224, 1, tv_resnet, 152),
    TV("densenet121", 224, 29, tv_densenet, 121),
    TV("densenet161", 224, 29, tv_densenet, 161),
    TV("densenet169", 224, 29, tv_densenet, 169),
    TV("densenet201", 224, 29, tv_densenet, 201),
    TV("squeezenet1_0", 224, 21, tv_squeezenet, 10),
    TV("squeezenet1_1", 224, 17, tv_squeezenet, 11),
    TV("inception_v3", 299, 75, tv_inception_v3, 0),
    /* keras/... entries: src/models/keras/keras_models.def */
#define KERAS_MODEL(name, size, min, recipe, outputs, family, variant, include_top, pooling)                    \
    {{"keras/" name, "keras", size, min, recipe, outputs,                                                   \
      (outputs) == 1000 ? zb_imagenet_classes_torchvision : NULL},                                              \
     zb_keras_build, 0},
#include "models/keras/keras_models.def"
#undef KERAS_MODEL
};

int zb_model_count(void) { return (int)(sizeof models / sizeof models[0]); }

const zb_model_info *zb_model_at(int i) { return i >= 0 && i < zb_model_count() ? &models[i].info : NULL; }

const zb_model_entry *zb_model_entry_find(const char *name)
{
    for (int i = 0; i < zb_model_count(); i++)
        if (!strcmp(models[i].info.name, name))
            return &models[i];
    return NULL;
}

const zb_model_info *zb_model_find(const char *name)
{
    const zb_model_entry *e = zb_model_entry_find(name);
    return e ? &e->info : NULL;
}

zb_status zb_model_build(const char *name, int h, int w, zb_graph **out)
{
    *out = NULL;
    const zb_model_entry *e = zb_model_entry_find(name);
    if (!e)
        return zb_error(ZB_ERR_ARG, "%s: unknown model (see 'zoobench run --list')", name);
    h = h ? h : e->info.input_size;
    w = w ? w : e->info.input_size;
    if (h < e->info.min_size || w < e->info.min_size)
        return zb_error(ZB_ERR_ARG, "%s: input %dx%d is smaller than the model's minimum %dx%d", name, h, w,
                        e->info.min_size, e->info.min_size);
    zb_graph *g = zb_graph_new(name);
    if (!g)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", name);
    zb_status st = e->build(g, e->variant, h, w);
    if (st != ZB_OK) {
        zb_graph_free(g);
        return st;
    }
    *out = g;
    return ZB_OK;
}
