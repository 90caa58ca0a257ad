"""How much of Pillow + keras-applications' preprocessing is the JPEG decode itself.

    /usr/bin/python3 bench/keras_decode_share.py [IMAGE_DIR]   (default: ../shared/data/images/
                                                                imagenet_sample_one_per_class_eli)

Pillow decodes with libjpeg-turbo, as zoobench does, and bit-exactness with Pillow needs the same
full decode (no DCT scaling).  When the decode is more than half of Pillow's whole keras pipeline
(load_img NEAREST resize + caffe preprocess_input), no bit-exact implementation with the same
decoder can be 2x faster than Pillow, which bounds issue 3's speed goal for the keras recipe.
"""
import glob
import io
import sys
import time

import numpy as np
from PIL import Image

d = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/images/imagenet_sample_one_per_class_eli"
data = [open(f, "rb").read() for f in sorted(glob.glob(d + "/*"))]
MEAN = np.array([103.939, 116.779, 123.68], np.float32)


def decode(b):
    im = Image.open(io.BytesIO(b))
    im.load()


def keras_caffe(b):
    im = Image.open(io.BytesIO(b))
    if im.mode != "RGB":
        im = im.convert("RGB")
    im = im.resize((224, 224), Image.NEAREST)
    return np.asarray(im, dtype=np.float32)[..., ::-1] - MEAN


best_d = best_k = float("inf")
for _ in range(5):
    t = time.perf_counter()
    for b in data:
        decode(b)
    best_d = min(best_d, time.perf_counter() - t)
    t = time.perf_counter()
    for b in data:
        keras_caffe(b)
    best_k = min(best_k, time.perf_counter() - t)
n = len(data)
print("%d images: decode only %.3f ms/img, Pillow keras-caffe pipeline %.3f ms/img, decode %.0f%% of it"
      % (n, best_d / n * 1e3, best_k / n * 1e3, 100 * best_d / best_k))
