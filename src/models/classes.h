/* Built-in ImageNet class-name tables. */
#ifndef ZB_MODELS_CLASSES_H
#define ZB_MODELS_CLASSES_H

/* torchvision 0.14's _IMAGENET_CATEGORIES, index = class id. */
extern const char *const zb_imagenet_classes_torchvision[1000];

#endif
