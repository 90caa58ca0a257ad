#!/usr/bin/python3
"""Per-image decode + resize + crop + normalize: zoobench (libzoobench.so via
ctypes, in process) against Pillow 9.4 + torchvision 0.14 / keras-applications
1.0.8, same images, same process, single thread, interleaved rounds.

usage: bench/preprocess.py [--lib build/libzoobench.so] [--rounds R] IMAGE...
Prints one line per recipe: mean ms/image for each side, the speed-up, and
whether every output was bitwise identical.  Then the bound: zoobench's
decode alone (zb_image_decode_file, the whole image), which every recipe
that reads the whole image (keras' NEAREST squash) must pay, and the
speed-up the recipe would have if everything after the decode were free."""
import argparse
import ctypes
import os
import time
import types

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np
import torch
from PIL import Image
from torchvision import transforms as T
from keras_applications import imagenet_utils

torch.set_num_threads(1)
KB = dict(backend=types.SimpleNamespace(floatx=lambda: "float32"), layers=None, models=None, utils=None)


def tv_chain(size):
    return T.Compose([T.Resize(int(size // 0.875)), T.CenterCrop(size), T.ToTensor(),
                      T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])


def python_torchvision(path, chain):
    with open(path, "rb") as f:  # torchvision's pil_loader
        img = Image.open(f)
        img = img.convert("RGB")
    return chain(img).numpy()


def python_keras(path, size, mode):
    img = Image.open(path)  # keras_preprocessing load_img(path, target_size=(size, size))
    if img.mode != "RGB":
        img = img.convert("RGB")
    if img.size != (size, size):
        img = img.resize((size, size), Image.NEAREST)
    x = np.asarray(img, dtype="float32")  # img_to_array
    return imagenet_utils._preprocess_numpy_input(x[None], data_format="channels_last", mode=mode, **KB)[0]


class Image_(ctypes.Structure):
    _fields_ = [("width", ctypes.c_int), ("height", ctypes.c_int), ("data", ctypes.c_void_p)]


def time_decode(lib, paths, rounds):
    """Mean ms/image of zb_image_decode_file (whole image), best round of `rounds`."""
    lib.zb_image_decode_file.argtypes = [ctypes.c_char_p, ctypes.POINTER(Image_)]
    lib.zb_image_free.argtypes = [ctypes.POINTER(Image_)]
    best = None
    im = Image_()
    for _ in range(max(rounds, 2)):
        t = 0.0
        for p in paths:
            t0 = time.perf_counter()
            st = lib.zb_image_decode_file(p, ctypes.byref(im))
            t += time.perf_counter() - t0
            if st != 0:
                raise SystemExit("zoobench: " + lib.zb_last_error().decode())
            lib.zb_image_free(ctypes.byref(im))
        best = t if best is None else min(best, t)
    return 1e3 * best / len(paths)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", default="build/libzoobench.so")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("images", nargs="+")
    a = ap.parse_args()
    lib = ctypes.CDLL(os.path.abspath(a.lib))
    lib.zb_recipe_preset.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p]
    lib.zb_preprocess.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.zb_last_error.restype = ctypes.c_char_p
    NHWC, NCHW = 0, 1
    cases = [("torchvision", 224, NCHW, lambda p, c=tv_chain(224): python_torchvision(p, c)),
             ("keras-caffe", 224, NHWC, lambda p: python_keras(p, 224, "caffe")),
             ("keras-tf", 299, NHWC, lambda p: python_keras(p, 299, "tf"))]
    paths = [p.encode() for p in a.images]
    decode_ms = time_decode(lib, paths, a.rounds)
    for name, size, layout, py in cases:
        recipe = ctypes.create_string_buffer(256)
        assert lib.zb_recipe_preset(name.encode(), size, recipe) == 0
        out = np.empty((3, size, size) if layout == NCHW else (size, size, 3), np.float32)
        t_zb = t_py = 0.0
        identical = True
        for r in range(a.rounds):
            for p in paths:
                t0 = time.perf_counter()
                st = lib.zb_preprocess(p, recipe, layout, out.ctypes.data)
                t1 = time.perf_counter()
                want = py(p.decode())
                t2 = time.perf_counter()
                if st != 0:
                    raise SystemExit("zoobench: " + lib.zb_last_error().decode())
                if r > 0 or a.rounds == 1:  # round 0 warms the page cache and both libraries
                    t_zb += t1 - t0
                    t_py += t2 - t1
                identical &= out.tobytes() == np.ascontiguousarray(want, np.float32).tobytes()
        n = len(paths) * max(a.rounds - 1, 1)
        print(f"{name:12s} {size}: zoobench {1e3 * t_zb / n:7.3f} ms/image   "
              f"Pillow+{'torchvision' if name == 'torchvision' else 'keras-applications'} "
              f"{1e3 * t_py / n:7.3f} ms/image   speed-up {t_py / t_zb:5.2f}x   "
              f"bitwise identical: {'yes' if identical else 'NO'}  ({len(paths)} images x {n // len(paths)} rounds)")
        if name != "torchvision":  # torchvision decodes only the crop's source box
            print(f"{'':12s}      bound: zoobench decode alone {decode_ms:7.3f} ms/image, "
                  f"Pillow+framework / decode {1e3 * t_py / n / decode_ms:5.2f}x")


if __name__ == "__main__":
    main()
