/* The model cards (see cards.h).  Sources:
 *  - torchvision: torchvision 0.14 models/<family>.py, <Model>_Weights.IMAGENET1K_V1
 *    (url, meta num_params and _metrics ImageNet-1K acc@1/acc@5);
 *  - keras: the URL, cache file name and file_hash that keras_applications 1.0.8
 *    passes to keras.utils.get_file (MobileNet v1/v2 pass no hash);
 *    accuracies and parameter counts from the Keras documentation's table
 *    (keras.io/applications, docs/sources/applications.md of Keras 2.2.4) for
 *    the 13 default models, else from the docstrings of keras_applications'
 *    mobilenet.py (top-1 only) and mobilenet_v2.py;
 *  - seed: `zoobench table` on the seed's published predictions (commit 74df938d),
 *    the numbers of the seed's own table.
 * tests/integration/cards.sh checks URLs, hashes and counts against torchvision
 * and keras_applications. */
#include "models/cards.h"

#include <string.h>

#include "core/status.h"
#include "models/registry.h"

#define KERAS_DOCS "keras.io/applications table (Keras 2.2.4 docs)"
#define V1_DOC "keras_applications 1.0.8 mobilenet.py docstring"
#define V2_DOC "keras_applications 1.0.8 mobilenet_v2.py docstring"
#define TV_META "torchvision 0.14 IMAGENET1K_V1 meta"

#define TVC(n, size, file, hash, s1, s5, f1, f5, params)                                                      \
    {"torchvision/" n, "torchvision/" n, 0, "https://download.pytorch.org/models/" file, file, hash, n, s1, s5, f1, \
     f5, params, TV_META}
#define KC(n, model, size, url, file, hash, s1, s5, f1, f5, params, src) \
    {"keras/" n, "keras/" model, size, url, file, hash, NULL, s1, s5, f1, f5, params, src}

static zb_card cards[] = {
    TVC("alexnet", 0, "alexnet-owt-7be5be79.pth", "7be5be79", 54.502, 77.644, 56.522, 79.066, 61100840),
    TVC("vgg11", 0, "vgg11-8a719046.pth", "8a719046", 67.854, 88.106, 69.020, 88.628, 132863336),
    TVC("vgg11_bn", 0, "vgg11_bn-6002323d.pth", "6002323d", 69.362, 89.056, 70.370, 89.810, 132868840),
    TVC("vgg13", 0, "vgg13-19584684.pth", "19584684", 68.690, 88.654, 69.928, 89.246, 133047848),
    TVC("vgg13_bn", 0, "vgg13_bn-abd245e5.pth", "abd245e5", 70.120, 89.558, 71.586, 90.374, 133053736),
    TVC("vgg16", 0, "vgg16-397923af.pth", "397923af", 70.664, 89.926, 71.592, 90.382, 138357544),
    TVC("vgg16_bn", 0, "vgg16_bn-6c64b313.pth", "6c64b313", 72.288, 91.006, 73.360, 91.516, 138365992),
    TVC("vgg19", 0, "vgg19-dcbb9e9d.pth", "dcbb9e9d", 71.190, 90.402, 72.376, 90.876, 143667240),
    TVC("vgg19_bn", 0, "vgg19_bn-c79401a0.pth", "c79401a0", 72.902, 91.348, 74.218, 91.842, 143678248),
    TVC("resnet18", 0, "resnet18-f37072fd.pth", "f37072fd", 68.372, 88.564, 69.758, 89.078, 11689512),
    TVC("resnet34", 0, "resnet34-b627a593.pth", "b627a593", 72.336, 90.836, 73.314, 91.420, 21797672),
    TVC("resnet50", 0, "resnet50-0676ba61.pth", "0676ba61", 75.062, 92.476, 76.130, 92.862, 25557032),
    TVC("resnet101", 0, "resnet101-63fe2227.pth", "63fe2227", 76.644, 93.304, 77.374, 93.546, 44549160),
    TVC("resnet152", 0, "resnet152-394f9c45.pth", "394f9c45", 77.606, 93.822, 78.312, 94.046, 60192808),
    TVC("densenet121", 0, "densenet121-a639ec97.pth", "a639ec97", 74.074, 91.936, 74.434, 91.972, 7978856),
    TVC("densenet161", 0, "densenet161-8d451a50.pth", "8d451a50", 76.922, 93.490, 77.138, 93.560, 28681000),
    TVC("densenet169", 0, "densenet169-b2777c0a.pth", "b2777c0a", 75.594, 92.694, 75.600, 92.806, 14149480),
    TVC("densenet201", 0, "densenet201-c1103571.pth", "c1103571", 76.410, 93.178, 76.896, 93.370, 20013928),
    TVC("squeezenet1_0", 0, "squeezenet1_0-b66bff10.pth", "b66bff10", 56.494, 79.064, 58.092, 80.420, 1248424),
    TVC("squeezenet1_1", 0, "squeezenet1_1-b8a52dc0.pth", "b8a52dc0", 56.422, 79.210, 58.178, 80.624, 1235496),
    TVC("inception_v3", 0, "inception_v3_google-0cc3c7bd.pth", "0cc3c7bd", 69.246, 88.688, 77.294, 93.450, 27161264),

    KC("densenet121", "densenet121", 0, "https://github.com/keras-team/keras-applications/releases/download/densenet/densenet121_weights_tf_dim_ordering_tf_kernels.h5", "densenet121_weights_tf_dim_ordering_tf_kernels.h5", "9d60b8095a5708f2dcce2bca79d332c7", 72.092, 90.698, 75.000, 92.300, 8062504, KERAS_DOCS),
    KC("densenet169", "densenet169", 0, "https://github.com/keras-team/keras-applications/releases/download/densenet/densenet169_weights_tf_dim_ordering_tf_kernels.h5", "densenet169_weights_tf_dim_ordering_tf_kernels.h5", "d699b8f76981ab1b30698df4c175e90b", 73.918, 91.760, 76.200, 93.200, 14307880, KERAS_DOCS),
    KC("densenet201", "densenet201", 0, "https://github.com/keras-team/keras-applications/releases/download/densenet/densenet201_weights_tf_dim_ordering_tf_kernels.h5", "densenet201_weights_tf_dim_ordering_tf_kernels.h5", "1ceb130c1ea1b78c3bf6114dbdfd8807", 74.774, 92.324, 77.300, 93.600, 20242984, KERAS_DOCS),
    KC("inception_resnet_v2", "inception_resnet_v2", 0, "https://github.com/fchollet/deep-learning-models/releases/download/v0.7/inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5", "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5", "e693bd0210a403b3192acc6073ad2e96", 78.926, 94.454, 80.300, 95.300, 55873736, KERAS_DOCS),
    KC("inception_v3", "inception_v3", 0, "https://github.com/fchollet/deep-learning-models/releases/download/v0.5/inception_v3_weights_tf_dim_ordering_tf_kernels.h5", "inception_v3_weights_tf_dim_ordering_tf_kernels.h5", "9a0d58056eeedaa3f26cb7ebd46da564", 76.018, 92.902, 77.900, 93.700, 23851784, KERAS_DOCS),
    KC("mobilenet", "mobilenet", 0, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_1_0_224_tf.h5", "mobilenet_1_0_224_tf.h5", NULL, 69.018, 88.476, 70.400, 89.500, 4253864, KERAS_DOCS),
    KC("mobilenet_v2", "mobilenet_v2", 0, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5", NULL, 69.976, 89.486, 71.300, 90.100, 3538984, KERAS_DOCS),
    KC("nasnet_large", "nasnet_large", 0, "https://github.com/titu1994/Keras-NASNet/releases/download/v1.2/NASNet-large.h5", "nasnet_large.h5", "11577c9a518f0070763c2b964a382f17", 80.826, 95.272, 82.500, 96.000, 88949818, KERAS_DOCS),
    KC("nasnet_mobile", "nasnet_mobile", 0, "https://github.com/titu1994/Keras-NASNet/releases/download/v1.2/NASNet-mobile.h5", "nasnet_mobile.h5", "020fb642bf7360b370c678b08e0adf61", 71.594, 90.186, 74.400, 91.900, 5326716, KERAS_DOCS),
    KC("resnet50", "resnet50", 0, "https://github.com/fchollet/deep-learning-models/releases/download/v0.2/resnet50_weights_tf_dim_ordering_tf_kernels.h5", "resnet50_weights_tf_dim_ordering_tf_kernels.h5", "a7b3fe01876f51b976af0dea6bc144eb", 70.350, 89.548, 74.900, 92.100, 25636712, KERAS_DOCS),
    KC("vgg16", "vgg16", 0, "https://github.com/fchollet/deep-learning-models/releases/download/v0.1/vgg16_weights_tf_dim_ordering_tf_kernels.h5", "vgg16_weights_tf_dim_ordering_tf_kernels.h5", "64373286793e3c8b2b4e3219cbf3544b", 65.240, 86.198, 71.300, 90.100, 138357544, KERAS_DOCS),
    KC("vgg19", "vgg19", 0, "https://github.com/fchollet/deep-learning-models/releases/download/v0.1/vgg19_weights_tf_dim_ordering_tf_kernels.h5", "vgg19_weights_tf_dim_ordering_tf_kernels.h5", "cbe5617147190e668d6c5d5026f83318", 65.580, 86.544, 71.300, 90.000, 143667240, KERAS_DOCS),
    KC("xception", "xception", 0, "https://github.com/fchollet/deep-learning-models/releases/download/v0.4/xception_weights_tf_dim_ordering_tf_kernels.h5", "xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6", 77.176, 93.494, 79.000, 94.500, 22910480, KERAS_DOCS),
    KC("mobilenet_0.75", "mobilenet_0.75", 0, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_7_5_224_tf.h5", "mobilenet_7_5_224_tf.h5", NULL, -1, -1, 68.400, -1, -1, V1_DOC),
    KC("mobilenet_0.5", "mobilenet_0.5", 0, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_5_0_224_tf.h5", "mobilenet_5_0_224_tf.h5", NULL, -1, -1, 63.700, -1, -1, V1_DOC),
    KC("mobilenet_0.25", "mobilenet_0.25", 0, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_2_5_224_tf.h5", "mobilenet_2_5_224_tf.h5", NULL, -1, -1, 50.600, -1, -1, V1_DOC),
    KC("mobilenet_1.0_128", "mobilenet", 128, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_1_0_128_tf.h5", "mobilenet_1_0_128_tf.h5", NULL, -1, -1, 64.400, -1, -1, V1_DOC),
    KC("mobilenet_1.0_160", "mobilenet", 160, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_1_0_160_tf.h5", "mobilenet_1_0_160_tf.h5", NULL, -1, -1, 67.200, -1, -1, V1_DOC),
    KC("mobilenet_1.0_192", "mobilenet", 192, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_1_0_192_tf.h5", "mobilenet_1_0_192_tf.h5", NULL, -1, -1, 69.100, -1, -1, V1_DOC),
    KC("mobilenet_0.75_128", "mobilenet_0.75", 128, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_7_5_128_tf.h5", "mobilenet_7_5_128_tf.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_0.75_160", "mobilenet_0.75", 160, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_7_5_160_tf.h5", "mobilenet_7_5_160_tf.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_0.75_192", "mobilenet_0.75", 192, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_7_5_192_tf.h5", "mobilenet_7_5_192_tf.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_0.5_128", "mobilenet_0.5", 128, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_5_0_128_tf.h5", "mobilenet_5_0_128_tf.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_0.5_160", "mobilenet_0.5", 160, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_5_0_160_tf.h5", "mobilenet_5_0_160_tf.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_0.5_192", "mobilenet_0.5", 192, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_5_0_192_tf.h5", "mobilenet_5_0_192_tf.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_0.25_128", "mobilenet_0.25", 128, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_2_5_128_tf.h5", "mobilenet_2_5_128_tf.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_0.25_160", "mobilenet_0.25", 160, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_2_5_160_tf.h5", "mobilenet_2_5_160_tf.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_0.25_192", "mobilenet_0.25", 192, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_2_5_192_tf.h5", "mobilenet_2_5_192_tf.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_0.25_notop", "mobilenet_0.25_notop", 0, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_2_5_224_tf_no_top.h5", "mobilenet_2_5_224_tf_no_top.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_0.25_notop_avg", "mobilenet_0.25_notop_avg", 0, "https://github.com/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_2_5_224_tf_no_top.h5", "mobilenet_2_5_224_tf_no_top.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_v2_0.35", "mobilenet_v2_0.35", 0, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224.h5", NULL, -1, -1, 60.300, 82.900, -1, V2_DOC),
    KC("mobilenet_v2_0.5", "mobilenet_v2_0.5", 0, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_224.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_224.h5", NULL, -1, -1, 65.400, 86.400, -1, V2_DOC),
    KC("mobilenet_v2_0.75", "mobilenet_v2_0.75", 0, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_224.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_224.h5", NULL, -1, -1, 69.800, 89.600, -1, V2_DOC),
    KC("mobilenet_v2_1.3", "mobilenet_v2_1.3", 0, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_224.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_224.h5", NULL, -1, -1, 74.400, 92.100, -1, V2_DOC),
    KC("mobilenet_v2_1.4", "mobilenet_v2_1.4", 0, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_224.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_224.h5", NULL, -1, -1, 75.000, 92.500, -1, V2_DOC),
    KC("mobilenet_v2_0.35_96", "mobilenet_v2_0.35", 96, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5", NULL, -1, -1, 45.500, 70.400, -1, V2_DOC),
    KC("mobilenet_v2_0.35_128", "mobilenet_v2_0.35", 128, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_128.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_128.h5", NULL, -1, -1, 50.800, 75.000, -1, V2_DOC),
    KC("mobilenet_v2_0.35_160", "mobilenet_v2_0.35", 160, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_160.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_160.h5", NULL, -1, -1, 55.700, 79.100, -1, V2_DOC),
    KC("mobilenet_v2_0.35_192", "mobilenet_v2_0.35", 192, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_192.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_192.h5", NULL, -1, -1, 58.200, 81.200, -1, V2_DOC),
    KC("mobilenet_v2_0.5_96", "mobilenet_v2_0.5", 96, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_96.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_96.h5", NULL, -1, -1, 51.200, 75.800, -1, V2_DOC),
    KC("mobilenet_v2_0.5_128", "mobilenet_v2_0.5", 128, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_128.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_128.h5", NULL, -1, -1, 57.700, 80.800, -1, V2_DOC),
    KC("mobilenet_v2_0.5_160", "mobilenet_v2_0.5", 160, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_160.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_160.h5", NULL, -1, -1, 61.000, 83.200, -1, V2_DOC),
    KC("mobilenet_v2_0.5_192", "mobilenet_v2_0.5", 192, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_192.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_192.h5", NULL, -1, -1, 63.900, 85.400, -1, V2_DOC),
    KC("mobilenet_v2_0.75_96", "mobilenet_v2_0.75", 96, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_96.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_96.h5", NULL, -1, -1, 58.800, 81.600, -1, V2_DOC),
    KC("mobilenet_v2_0.75_128", "mobilenet_v2_0.75", 128, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_128.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_128.h5", NULL, -1, -1, 63.200, 85.300, -1, V2_DOC),
    KC("mobilenet_v2_0.75_160", "mobilenet_v2_0.75", 160, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_160.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_160.h5", NULL, -1, -1, 66.400, 87.300, -1, V2_DOC),
    KC("mobilenet_v2_0.75_192", "mobilenet_v2_0.75", 192, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_192.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.75_192.h5", NULL, -1, -1, 68.700, 88.900, -1, V2_DOC),
    KC("mobilenet_v2_1.0_96", "mobilenet_v2", 96, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96.h5", NULL, -1, -1, 60.300, 83.200, -1, V2_DOC),
    KC("mobilenet_v2_1.0_128", "mobilenet_v2", 128, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_128.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_128.h5", NULL, -1, -1, 65.300, 86.900, -1, V2_DOC),
    KC("mobilenet_v2_1.0_160", "mobilenet_v2", 160, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160.h5", NULL, -1, -1, 68.800, 89.000, -1, V2_DOC),
    KC("mobilenet_v2_1.0_192", "mobilenet_v2", 192, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_192.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_192.h5", NULL, -1, -1, 70.700, 90.100, -1, V2_DOC),
    KC("mobilenet_v2_1.3_96", "mobilenet_v2_1.3", 96, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_96.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_96.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_v2_1.3_128", "mobilenet_v2_1.3", 128, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_128.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_128.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_v2_1.3_160", "mobilenet_v2_1.3", 160, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_160.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_160.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_v2_1.3_192", "mobilenet_v2_1.3", 192, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_192.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.3_192.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_v2_1.4_96", "mobilenet_v2_1.4", 96, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_96.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_96.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_v2_1.4_128", "mobilenet_v2_1.4", 128, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_128.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_128.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_v2_1.4_160", "mobilenet_v2_1.4", 160, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_160.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_160.h5", NULL, -1, -1, -1, -1, -1, NULL),
    KC("mobilenet_v2_1.4_192", "mobilenet_v2_1.4", 192, "https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_192.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.4_192.h5", NULL, -1, -1, -1, -1, -1, NULL),
};

/* The seed's names of its 13 Keras models. */
static const char *const keras_seed_names[][2] = {
    {"keras/densenet121", "densenet121"},       {"keras/densenet169", "densenet169"},
    {"keras/densenet201", "densenet201"},       {"keras/inception_resnet_v2", "inceptionresnetv2"},
    {"keras/inception_v3", "inceptionv3"},      {"keras/mobilenet", "mobilenet"},
    {"keras/mobilenet_v2", "mobilenetV2"},      {"keras/nasnet_large", "nasnetlarge"},
    {"keras/nasnet_mobile", "nasnetmobile"},    {"keras/resnet50", "resnet50"},
    {"keras/vgg16", "vgg16"},                   {"keras/vgg19", "vgg19"},
    {"keras/xception", "xception"},
};

int zb_card_count(void) { return (int)(sizeof cards / sizeof cards[0]); }

const zb_card *zb_card_at(int i)
{
    if (i < 0 || i >= zb_card_count())
        return NULL;
    zb_card *c = &cards[i];
    if (!c->seed_name && c->seed_top1 >= 0)
        for (size_t k = 0; k < sizeof keras_seed_names / sizeof keras_seed_names[0]; k++)
            if (!strcmp(c->name, keras_seed_names[k][0]))
                c->seed_name = keras_seed_names[k][1];
    return c;
}

const zb_card *zb_card_find(const char *name)
{
    const zb_card *hit = NULL;
    int n = 0;
    for (int i = 0; i < zb_card_count(); i++) {
        const zb_card *c = zb_card_at(i);
        if (!strcmp(c->name, name))
            return c;
        const char *slash = strchr(c->name, '/');
        if (slash && !strcmp(slash + 1, name))
            hit = c, n++;
    }
    return n == 1 ? hit : NULL;
}

int zb_card_input_size(const zb_card *c)
{
    const zb_model_info *m = zb_model_find(c->model);
    return c->input_size ? c->input_size : m ? m->input_size : 0;
}

const char *zb_card_framework(const zb_card *c)
{
    const zb_model_info *m = zb_model_find(c->model);
    return m ? m->framework : "?";
}

const char *zb_card_recipe(const zb_card *c)
{
    const zb_model_info *m = zb_model_find(c->model);
    return m ? m->recipe : "?";
}

const char *zb_recipe_describe(const char *recipe)
{
    static const char *const d[][2] = {
        {"torchvision", "RGB; resize shorter side to size/0.875 (bilinear); center crop; /255; "
                        "mean (0.485,0.456,0.406) std (0.229,0.224,0.225)"},
        {"keras-caffe", "RGB->BGR; resize to size (nearest); subtract (103.939,116.779,123.68)"},
        {"keras-tf", "RGB; resize to size (nearest); x/127.5 - 1"},
        {"keras-torch", "RGB; resize to size (nearest); /255; mean (0.485,0.456,0.406) std (0.229,0.224,0.225)"},
    };
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        if (!strcmp(recipe, d[i][0]))
            return d[i][1];
    return "";
}

void zb_graph_cost(const zb_graph *g, int torch_params, int64_t *params, int64_t *macs)
{
    int64_t p = 0, m = 0;
    for (int i = 0; i < zb_graph_node_count(g); i++) {
        const zb_node *x = zb_graph_node(g, i);
        /* batchnorm w[] order: mean, var, then gamma and beta (ops/batchnorm.c) */
        int first = torch_params && x->op == ZB_OP_BATCHNORM ? 2 : 0;
        for (int k = first; k < x->n_wt; k++) {
            int64_t n = 1;
            for (int d = 0; d < x->wt[k].ndim; d++)
                n *= x->wt[k].shape[d];
            p += n;
        }
        if (x->op == ZB_OP_CONV2D) {
            const zb_conv_spec *s = &x->p.conv;
            int groups = s->groups ? s->groups : 1;
            m += (int64_t)x->h * x->w * x->c * (x->in[0]->c / groups) * s->kh * s->kw;
        } else if (x->op == ZB_OP_DENSE) {
            m += (int64_t)x->in[0]->c * x->c;
        }
    }
    *params = p;
    *macs = m;
}

zb_status zb_card_cost(const zb_card *c, int64_t *params, int64_t *macs)
{
    zb_graph *g = NULL;
    zb_status st = zb_model_build(c->model, c->input_size, c->input_size, &g);
    if (st != ZB_OK)
        return st;
    zb_graph_cost(g, !strcmp(zb_card_framework(c), "torchvision"), params, macs);
    zb_graph_free(g);
    return ZB_OK;
}
