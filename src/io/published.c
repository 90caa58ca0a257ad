/* Fetching the seed's published predictions; see published.h. */
#include "io/published.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/status.h"
#include "io/cache.h"
#include "io/download.h"

/* The keras_imagenet/ and pytorch_imagenet/ lines of ../shared/seed-results/SHA256SUMS.
 * Each path and hash was checked against the blob at ZB_PUBLISHED_COMMIT in the
 * seed repository (git show <commit>:<path> | sha256sum). */
static const zb_published_file files[] = {
    {"keras_imagenet/densenet121_keras_imagenet_top5preds.npy",
     "3a9790ab7cfda253c22ab8fcd6f846965f82cce32123a1f24ffe9c0d68a07359"},
    {"keras_imagenet/densenet121_keras_imagenet_top5probs.npy",
     "9d2cbac9c9fd0651169c3d327cf67319ac7669392f27ae09ff8bb10a5e45962d"},
    {"keras_imagenet/densenet169_keras_imagenet_top5preds.npy",
     "a053150dd46dbba968c5638ad2037cfb8b7299d28a16e63d838897b511f4842a"},
    {"keras_imagenet/densenet169_keras_imagenet_top5probs.npy",
     "92d5604015921495869856127a06dca3e0a2b7a6b6d094b3402bcb1e506a1f33"},
    {"keras_imagenet/densenet201_keras_imagenet_top5preds.npy",
     "f8d2edd1741a58f7af950e0ed572e2ffbeade7fdbc3e9dc2b5da58d816a23a14"},
    {"keras_imagenet/densenet201_keras_imagenet_top5probs.npy",
     "cda8b95babeeaeb6ef55f507ce2959a612f4c686bfe3e2e93ff67b0ebb811c14"},
    {"keras_imagenet/inceptionresnetv2_keras_imagenet_top5preds.npy",
     "f5e33cac7338a24e7c0c6d2bc6aac5af066d298c2e83743d6259e59408dabf9c"},
    {"keras_imagenet/inceptionresnetv2_keras_imagenet_top5probs.npy",
     "37a6847bb84b68e762338d1e0b763069b58b79facd04e7403a7d25434ec1a5e6"},
    {"keras_imagenet/inceptionv3_keras_imagenet_top5preds.npy",
     "b769e11224b73e885c2a6147a9c40bc62762b6e1dd007a072cc83a1af5ea06fc"},
    {"keras_imagenet/inceptionv3_keras_imagenet_top5probs.npy",
     "866474f7d5b046b2b1a10c0777a42bb42d46eedbd5bdca68e35d4c1107b1a636"},
    {"keras_imagenet/mobilenetV2_keras_imagenet_top5preds.npy",
     "60dfc66b18338d0dfe0851f17233becb53cb1887f0ac0028ef0b07b65fdd85c5"},
    {"keras_imagenet/mobilenetV2_keras_imagenet_top5probs.npy",
     "d27f8a9733c7e2e9515406eb17d08ba7cc0b05de754c4659b96e97dd84d7d094"},
    {"keras_imagenet/mobilenet_keras_imagenet_top5preds.npy",
     "91c4db8d32b82603dd8627f606ce1a8724a4a3415c93757a57bdf069330ea7aa"},
    {"keras_imagenet/mobilenet_keras_imagenet_top5probs.npy",
     "b16fd65336340741dd6eee0cffc916ffa2cacd2ad7d77e3392c509ac52c6ddd5"},
    {"keras_imagenet/nasnetlarge_keras_imagenet_top5preds.npy",
     "541322c967afaa355f38c539f23388cd476570132a2f19093adf2018b6e52a73"},
    {"keras_imagenet/nasnetlarge_keras_imagenet_top5probs.npy",
     "ef4d0ff4a0b1c7ca4420e1db838c8925e3b01ec298d9a8f053a4c10d455a02d9"},
    {"keras_imagenet/nasnetmobile_keras_imagenet_top5preds.npy",
     "dfbf2aca3769435df90839b42747adb54faa896cd8468e179257adb6bf1b50ad"},
    {"keras_imagenet/nasnetmobile_keras_imagenet_top5probs.npy",
     "10e5b6aed82395dd592e8ec3dcf88011ffae244cc53038470a5ed76afb26a989"},
    {"keras_imagenet/resnet50_keras_imagenet_top5preds.npy",
     "b75e5891d926775ccb7d74eb78f3b52c5104927c94f9c53dc97b33fd99bc1132"},
    {"keras_imagenet/resnet50_keras_imagenet_top5probs.npy",
     "4cf8176879a2593faed03aa3919a4677e061665aca8dedae491ae6dee0495922"},
    {"keras_imagenet/vgg16_keras_imagenet_top5preds.npy",
     "8e802edbb80e07ca3a7370b217107f76cebdc2558d87188beed312afbf89e70f"},
    {"keras_imagenet/vgg16_keras_imagenet_top5probs.npy",
     "d9d0f9d25a3383b565ccc0931227d81ee3ee341e7db9f14b509d6f89388e83b5"},
    {"keras_imagenet/vgg19_keras_imagenet_top5preds.npy",
     "940695c627d40d115f7d328c7a4fa5b4c6f3b0e841c23757d934963f007d9a5a"},
    {"keras_imagenet/vgg19_keras_imagenet_top5probs.npy",
     "14d362492f42e3e9a0eb7580ac2f6216e7495869fc32bd65e47cd33d14ee209c"},
    {"keras_imagenet/xception_keras_imagenet_top5preds.npy",
     "a08d3279d9c33b3c93c17dd3e9ee762ebd385d8d69d1299ecc0923f3734e38d0"},
    {"keras_imagenet/xception_keras_imagenet_top5probs.npy",
     "7a2f4346096e2c744adf1f7a04b4b78c9caedc1227eafc882da12471f2385ca0"},
    {"pytorch_imagenet/alexnet_pytorch_imagenet_top5preds.npy",
     "ec0218f5a2e7faaf437eeb2f2baf015978a23a5f3eda3acff58059833da77fb6"},
    {"pytorch_imagenet/alexnet_pytorch_imagenet_top5probs.npy",
     "43c82ef10563e8724fe7ef6a69eef5f25b41b1fb3a9729e00da8774c276dad87"},
    {"pytorch_imagenet/densenet121_pytorch_imagenet_top5preds.npy",
     "b8431f59e5e18d446be99aaa85c615c2f1582085a08bc20d4c91bcbac7dae4c6"},
    {"pytorch_imagenet/densenet121_pytorch_imagenet_top5probs.npy",
     "95994edec7ab005e8e35d84f8c01510f959499cf0bdbeddb751b875c0ca11328"},
    {"pytorch_imagenet/densenet161_pytorch_imagenet_top5preds.npy",
     "44cd6f26dfc38146ea370512e659d621f6e9bfe4247800d38e20de81c081463c"},
    {"pytorch_imagenet/densenet161_pytorch_imagenet_top5probs.npy",
     "8bf398ad598382407e59ed765cfc63840b10c0c5445f85dbcebbfc8be92aee07"},
    {"pytorch_imagenet/densenet169_pytorch_imagenet_top5preds.npy",
     "657c3aa7bbe136b850728057c5a879db66c79f6303d34306af0acc67b24e648d"},
    {"pytorch_imagenet/densenet169_pytorch_imagenet_top5probs.npy",
     "8c0ebdfaf3cf192895402e4504dbf713e22c9cb5542edc4786c488ea2d06cd6f"},
    {"pytorch_imagenet/densenet201_pytorch_imagenet_top5preds.npy",
     "34661d28a8200e08bac491325221a63e00749babecbaf03db707fc73f171716e"},
    {"pytorch_imagenet/densenet201_pytorch_imagenet_top5probs.npy",
     "cb0f1a242f10d9558681e4a460e13abc6adaf0541e3785b55dbeeb880abf5bdb"},
    {"pytorch_imagenet/inception_v3_pytorch_imagenet_top5preds.npy",
     "452e0dfe158459055594a6d3c5200f0faf028e8a91f4986552be60b6e4bcf449"},
    {"pytorch_imagenet/inception_v3_pytorch_imagenet_top5probs.npy",
     "344b340ab5e64baf9197a858ba5bc2d7c13d8663873cb0780a1cccd844633bef"},
    {"pytorch_imagenet/resnet101_pytorch_imagenet_top5preds.npy",
     "65cb3f37f38a684c2aa9f582deed5863f6a02a606698ea04020002045023d333"},
    {"pytorch_imagenet/resnet101_pytorch_imagenet_top5probs.npy",
     "048980509b2ee3bdedf2f3dfe333e999db7d92c374f5064c3de9b38963160bcf"},
    {"pytorch_imagenet/resnet152_pytorch_imagenet_top5preds.npy",
     "8bdfe57ca5a23dc27c5ce36e8f80b0ad4d58e9643f2650460706c154c062f08c"},
    {"pytorch_imagenet/resnet152_pytorch_imagenet_top5probs.npy",
     "3623b5d3b514a13896c1712732d6168dfb506cd3aef8569e5dae89d36b70a3a4"},
    {"pytorch_imagenet/resnet18_pytorch_imagenet_top5preds.npy",
     "179cbe326c3c63988ecb98dba866e5336eac8a5633c58177058805dbfb280ad4"},
    {"pytorch_imagenet/resnet18_pytorch_imagenet_top5probs.npy",
     "3654babe4255f330a07f60e4fb260549ade2ddb074730919e8ff74bc9df2f8e1"},
    {"pytorch_imagenet/resnet34_pytorch_imagenet_top5preds.npy",
     "644329eb55c0f674271562abc0357d5e4dc2e8fbf90a82d4753841608ec2c89e"},
    {"pytorch_imagenet/resnet34_pytorch_imagenet_top5probs.npy",
     "ff20133c5ca0bca0d190e1832c5b6aabd7e7e9afd22a67ac4fc07a31d0b701c9"},
    {"pytorch_imagenet/resnet50_pytorch_imagenet_top5preds.npy",
     "755fcf6dbd87527fb74c0984d0f4907f60da733b324359e20f45b072de35902d"},
    {"pytorch_imagenet/resnet50_pytorch_imagenet_top5probs.npy",
     "4ccfeb4a012e117c15435ff1e546c7aea56fc4bab2c77b463406270f23c8da75"},
    {"pytorch_imagenet/squeezenet1_0_pytorch_imagenet_top5preds.npy",
     "cdacd519534b41912540fd5b25eb1691afec50fb4a74eca11ca89c64d6bfc792"},
    {"pytorch_imagenet/squeezenet1_0_pytorch_imagenet_top5probs.npy",
     "fbcc442767b24d558b12730a2bb52e64afa1bfe4d55990e26d62137ee6f3ed03"},
    {"pytorch_imagenet/squeezenet1_1_pytorch_imagenet_top5preds.npy",
     "fdc89c345b06069493d8a6750298cca5f66550474c3ec91ee84f2d4115e538c4"},
    {"pytorch_imagenet/squeezenet1_1_pytorch_imagenet_top5probs.npy",
     "53d16e02f742937d85be4c0fdc639c2e5b630e70d7df02bd7fcad28e4397dd1e"},
    {"pytorch_imagenet/vgg11_bn_pytorch_imagenet_top5preds.npy",
     "646a079b58bc91cc5ee4b74752bd14ec858541e6f68001dc5ae89388c73355b5"},
    {"pytorch_imagenet/vgg11_bn_pytorch_imagenet_top5probs.npy",
     "11b87c021e3d33051a4b6e12371dfaa1100bc2fb472e36df9f603d8efd652cbf"},
    {"pytorch_imagenet/vgg11_pytorch_imagenet_top5preds.npy",
     "70bf7562244c655763c83cf50ed105d80f38cc8e21b1cff0e5f5a0e5e5f80d54"},
    {"pytorch_imagenet/vgg11_pytorch_imagenet_top5probs.npy",
     "6d96ef83f32d501d85a0f08ddf1504fd6087e0299775c6ed0a39f3b491b931c9"},
    {"pytorch_imagenet/vgg13_bn_pytorch_imagenet_top5preds.npy",
     "20806a5cc7ed56efd48d0bba683a1bc0f2abe3a8afc8ff8a18470fbe7535f674"},
    {"pytorch_imagenet/vgg13_bn_pytorch_imagenet_top5probs.npy",
     "8c9f35e19baccf67b73c74e8ab39e4e9911c2dc69d40f0652542056d02779e59"},
    {"pytorch_imagenet/vgg13_pytorch_imagenet_top5preds.npy",
     "172cba2b1f0c27e3ef80728c25fb192ecec557e198615b64a4427b5be8d63284"},
    {"pytorch_imagenet/vgg13_pytorch_imagenet_top5probs.npy",
     "66f43349bd41290f80dca9e9fb1a6a4831868559798c09c614093a1813ecfa22"},
    {"pytorch_imagenet/vgg16_bn_pytorch_imagenet_top5preds.npy",
     "a5e5782d121d762094425479726b1387d846a07ef0af69d1d743887579c77ddc"},
    {"pytorch_imagenet/vgg16_bn_pytorch_imagenet_top5probs.npy",
     "6972d8c66007e0269b70cf031063fbd724eb73dff4702a5f0058707b267fc4a7"},
    {"pytorch_imagenet/vgg16_pytorch_imagenet_top5preds.npy",
     "85b3d5d5d9e9dd79fbf03add821d4352808b6ad01cd941bf04cb9d7eb84c9ff2"},
    {"pytorch_imagenet/vgg16_pytorch_imagenet_top5probs.npy",
     "07e264f14f57fbc4c05b54fad4f95fc462882a14eaf99a85f099f2686b81a04b"},
    {"pytorch_imagenet/vgg19_bn_pytorch_imagenet_top5preds.npy",
     "26a3f15f1c39f4ba6b730192df7c2f1d50d1554fc01a45f35641ce2de3b959c4"},
    {"pytorch_imagenet/vgg19_bn_pytorch_imagenet_top5probs.npy",
     "a0d554570eab9053d83732ed99f65976c53960d21b47cf4cffe2ed8d7f70ec05"},
    {"pytorch_imagenet/vgg19_pytorch_imagenet_top5preds.npy",
     "66228e1d88fb77ce6c4fb935339de079e4cdaf36777506d20961d02723e4ec98"},
    {"pytorch_imagenet/vgg19_pytorch_imagenet_top5probs.npy",
     "8a06160745a783325e1a6bcae901286d987e6f42813dba8cf8c817528e865e2e"},
};

_Static_assert(sizeof files / sizeof files[0] == 68, "34 models, preds + probs");

const zb_published_file *zb_published_files(size_t *n)
{
    *n = sizeof files / sizeof files[0];
    return files;
}

static zb_status base_url(const zb_fetch_opts *o, char *out, size_t cap)
{
    const char *src = "base URL", *url = o->base_url;
    if (!url || !*url) {
        src = "ZOOBENCH_BASE_URL";
        url = getenv("ZOOBENCH_BASE_URL");
    }
    if (!url || !*url) {
        src = "default base URL";
        url = ZB_PUBLISHED_DEFAULT_BASE;
    }
    if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
        return zb_error(ZB_ERR_ARG, "%s: '%s' is not an http:// or https:// URL", src, url);
    int n = snprintf(out, cap, "%s", url);
    if (n < 0 || (size_t)n >= cap)
        return zb_error(ZB_ERR_ARG, "%s: URL too long", src);
    while (n > 0 && out[n - 1] == '/')
        out[--n] = '\0';
    return ZB_OK;
}

zb_status zb_published_fetch(const zb_fetch_opts *o, char *keras_dir, char *pytorch_dir, size_t cap)
{
    static const zb_fetch_opts defaults = {0};
    if (!o)
        o = &defaults;
    char base[2048], cache[4096], root[4300];
    zb_status st = base_url(o, base, sizeof base);
    if (st != ZB_OK)
        return st;
    if ((st = zb_cache_dir(o->cache_dir, cache, sizeof cache)) != ZB_OK)
        return st;
    snprintf(root, sizeof root, "%s/published/%s", cache, ZB_PUBLISHED_COMMIT);
    int nk = snprintf(keras_dir, cap, "%s/keras_imagenet", root);
    int np = snprintf(pytorch_dir, cap, "%s/pytorch_imagenet", root);
    if (nk < 0 || (size_t)nk >= cap || np < 0 || (size_t)np >= cap)
        return zb_error(ZB_ERR_ARG, "%s: cache path too long", root);

    size_t n = sizeof files / sizeof files[0];
    for (size_t i = 0; i < n; i++) {
        char url[2400], dest[4600], label[96];
        const char *name = strrchr(files[i].path, '/') + 1;
        snprintf(url, sizeof url, "%s/%s", base, files[i].path);
        snprintf(dest, sizeof dest, "%s/%s", root, files[i].path);
        snprintf(label, sizeof label, "[%zu/%zu] %s", i + 1, n, name);
        zb_download_opts d = {.progress = o->progress, .name = name, .progress_label = label,
                               .progress_transient = 1};
        if ((st = zb_download(url, dest, files[i].sha256, &d)) != ZB_OK)
            return st;
    }
    return ZB_OK;
}
