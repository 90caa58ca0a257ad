#!/usr/bin/python3
"""Checks zoobench's image pipeline against the real Pillow 9.4, torchvision
0.14 and keras-applications 1.0.8 (Debian packages, /usr/bin/python3).

usage: preprocess_check.py ZOOBENCH TEST_IMAGE WORKDIR [--full] [--shared DIR] [REAL_IMAGE...]

ZOOBENCH is build/zoobench; TEST_IMAGE is build/tests/test_image (helper
modes: decode, resize, jpeg-restart).  Generated cases are written under
WORKDIR with fixed seeds.  --shared DIR adds the images under DIR: a fixed
sample (every 60th file plus a few grayscale ones), or all with --full.  Exits non-zero on the first mismatch class, after
printing every mismatch found.
"""
import io
import os
import struct
import subprocess
import sys
import types
import zlib

import numpy as np
import torch
from PIL import Image
from torchvision import transforms as T
from keras_applications import imagenet_utils

ZB, HELPER, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
_rest = sys.argv[4:]
FULL = "--full" in _rest
_rest = [a for a in _rest if a != "--full"]
SHARED = None
if "--shared" in _rest:
    i = _rest.index("--shared")
    SHARED = _rest[i + 1]
    del _rest[i:i + 2]
REAL = _rest


def shared_images():
    if not SHARED:
        return []
    files = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(SHARED) for f in fs)
    if FULL:
        return files
    gray = []
    for f in files:
        with Image.open(f) as im:
            if im.mode != "RGB":
                gray.append(f)
        if len(gray) == 3:
            break
    return sorted(set(files[::60] + gray))
FILTERS = {
    "nearest": Image.NEAREST, "box": Image.BOX, "bilinear": Image.BILINEAR,
    "hamming": Image.HAMMING, "bicubic": Image.BICUBIC, "lanczos": Image.LANCZOS,
}
failures = []


def fail(msg):
    failures.append(msg)
    print("MISMATCH:", msg, file=sys.stderr)


# ---------------------------------------------------------------- corpus --

def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)


def png_bytes(w, h, depth, ctype, raw_rows, extra=b"", interlace=False, bpp=None):
    """A PNG from unfiltered rows (bytes per row already packed).  With
    interlace=True, raw_rows is the full image as a numpy array of samples
    and the Adam7 passes are built here."""
    if interlace:
        img = raw_rows
        data = b""
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        for x0, y0, dx, dy in passes:
            sub = img[y0::dy, x0::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            for row in sub:
                data += b"\0" + pack_row(row, depth)
        idat = zlib.compress(data)
    else:
        idat = zlib.compress(b"".join(b"\0" + r for r in raw_rows))
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 1 if interlace else 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def pack_row(samples, depth):
    s = np.asarray(samples).reshape(-1)
    if depth == 8:
        return s.astype(np.uint8).tobytes()
    if depth == 16:
        return s.astype(">u2").tobytes()
    per = 8 // depth
    out = bytearray()
    for i in range(0, len(s), per):
        b = 0
        for j in range(per):
            v = int(s[i + j]) if i + j < len(s) else 0
            b |= v << (8 - depth * (j + 1))
        out.append(b)
    return bytes(out)


def photo(w, h, seed):
    """A smooth, photo-like RGB array with some noise (JPEG-friendly)."""
    r = np.random.RandomState(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    base = np.stack([
        128 + 100 * np.sin(xx / (3 + seed % 7) + yy / 11.0),
        128 + 100 * np.cos(yy / (5 + seed % 5) - xx / 17.0),
        (xx * 255.0 / max(w - 1, 1) + yy * 97.0 / max(h - 1, 1)) % 256,
    ], axis=-1)
    base += r.normal(0, 12, base.shape)
    return np.clip(base, 0, 255).astype(np.uint8)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def write_raw(path, arr):
    h, w, _ = arr.shape
    with open(path, "wb") as f:
        f.write(b"%d %d\n" % (w, h))
        f.write(np.ascontiguousarray(arr, dtype=np.uint8).tobytes())


def read_raw(path):
    with open(path, "rb") as f:
        w, h = map(int, f.readline().split())
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(h, w, 3)


def make_corpus(d):
    os.makedirs(d, exist_ok=True)
    good = []
    sizes = [(1, 1), (1, 13), (13, 1), (3, 160), (160, 3), (257, 255), (500, 375), (375, 500),
             (224, 224), (100, 80), (17, 301), (640, 427)]
    if FULL:
        sizes += [(2, 900), (900, 2), (1000, 999)]
    for i, (w, h) in enumerate(sizes):
        a = photo(w, h, i)
        im = Image.fromarray(a)
        for sub, name in ((2, "420"), (1, "422"), (0, "444")):
            good.append(write(f"{d}/rgb_{w}x{h}_{name}.jpg", save(im, "JPEG", quality=90, subsampling=sub)))
        if i % 2 == 0:
            good.append(write(f"{d}/prog_{w}x{h}.jpg", save(im, "JPEG", quality=80, progressive=True)))
            good.append(write(f"{d}/gray_{w}x{h}.jpg", save(im.convert("L"), "JPEG", quality=85)))
            good.append(write(f"{d}/cmyk_{w}x{h}.jpg", save(im.convert("CMYK"), "JPEG", quality=90)))
            good.append(write(f"{d}/rgb_{w}x{h}.png", save(im, "PNG")))
        else:
            good.append(write(f"{d}/optim_{w}x{h}.jpg", save(im, "JPEG", quality=95, optimize=True)))
            good.append(write(f"{d}/cmykprog_{w}x{h}.jpg", save(im.convert("CMYK"), "JPEG", progressive=True)))
            good.append(write(f"{d}/L_{w}x{h}.png", save(im.convert("L"), "PNG")))
            good.append(write(f"{d}/RGBA_{w}x{h}.png", save(rgba(im, i), "PNG")))
        raw = f"{d}/in_{w}x{h}.rgb"
        write_raw(raw, a)
        if w >= 8 and h >= 8:
            out = f"{d}/restart_{w}x{h}.jpg"
            subprocess.run([HELPER, "jpeg-restart", raw, "1", out], check=True)
            good.append(out)
    # EXIF orientation 6 ("rotate 90"): Image.open ignores it, so must we.
    a = photo(120, 80, 42)
    ex = Image.Exif()
    ex[0x0112] = 6
    good.append(write(f"{d}/exif_rot6.jpg", save(Image.fromarray(a), "JPEG", exif=ex.tobytes())))
    # PNG modes.
    a = photo(37, 29, 7)
    im = Image.fromarray(a)
    good.append(write(f"{d}/mode1.png", save(im.convert("1"), "PNG")))
    good.append(write(f"{d}/modeLA.png", save(rgba(im, 3).convert("LA"), "PNG")))
    good.append(write(f"{d}/modeP.png", save(im.convert("P", palette=Image.ADAPTIVE, colors=200), "PNG")))
    pim = im.convert("P", palette=Image.ADAPTIVE, colors=16)
    pim.info["transparency"] = 3
    good.append(write(f"{d}/modeP_trns.png", save(pim, "PNG", transparency=3)))
    r = np.random.RandomState(5)
    h, w = 29, 37
    idx = r.randint(0, 256, (h, w))
    short_plte = chunk(b"PLTE", bytes(r.randint(0, 256, 3 * 40).astype(np.uint8)))
    trns = chunk(b"tRNS", bytes(r.randint(0, 256, 40).astype(np.uint8)))
    good.append(write(f"{d}/p8_shortplte_trns.png", png_bytes(w, h, 8, 3, [pack_row(x, 8) for x in idx], short_plte + trns)))
    for depth in (1, 2, 4):
        v = r.randint(0, 1 << depth, (h, w))
        good.append(write(f"{d}/gray{depth}.png", png_bytes(w, h, depth, 0, [pack_row(x, depth) for x in v])))
        plte = chunk(b"PLTE", bytes(r.randint(0, 256, 3 * (1 << depth)).astype(np.uint8)))
        good.append(write(f"{d}/pal{depth}.png", png_bytes(w, h, depth, 3, [pack_row(x, depth) for x in v], plte)))
    g16 = r.randint(0, 65536, (h, w))
    g16[:, :5] = r.randint(0, 300, (h, 5))  # values around the 255 clip
    good.append(write(f"{d}/gray16.png", png_bytes(w, h, 16, 0, [pack_row(x, 16) for x in g16])))
    good.append(write(f"{d}/gray16_trns.png", png_bytes(w, h, 16, 0, [pack_row(x, 16) for x in g16], chunk(b"tRNS", b"\0\7"))))
    for ctype, nch, name in ((2, 3, "rgb16"), (6, 4, "rgba16"), (4, 2, "la16")):
        v = r.randint(0, 65536, (h, w, nch))
        good.append(write(f"{d}/{name}.png", png_bytes(w, h, 16, ctype, [pack_row(x, 16) for x in v])))
    v = r.randint(0, 256, (h, w, 3))
    good.append(write(f"{d}/rgb8_trns.png", png_bytes(w, h, 8, 2, [pack_row(x, 8) for x in v], chunk(b"tRNS", b"\0\1\0\2\0\3"))))
    # Interlaced (Adam7), several modes and awkward sizes.
    for (w2, h2) in ((1, 1), (5, 3), (37, 29), (9, 17)):
        v = r.randint(0, 256, (h2, w2, 3))
        good.append(write(f"{d}/interlaced_rgb_{w2}x{h2}.png", png_bytes(w2, h2, 8, 2, v, interlace=True)))
        g = r.randint(0, 4, (h2, w2))
        good.append(write(f"{d}/interlaced_gray2_{w2}x{h2}.png", png_bytes(w2, h2, 2, 0, g, interlace=True)))
        p = r.randint(0, 16, (h2, w2))
        plte = chunk(b"PLTE", bytes(r.randint(0, 256, 48).astype(np.uint8)))
        good.append(write(f"{d}/interlaced_pal4_{w2}x{h2}.png", png_bytes(w2, h2, 4, 3, p, plte, interlace=True)))
        v16 = r.randint(0, 65536, (h2, w2, 4))
        good.append(write(f"{d}/interlaced_rgba16_{w2}x{h2}.png", png_bytes(w2, h2, 16, 6, v16, interlace=True)))
    # Content decides the format, not the name.
    good.append(write(f"{d}/png_named.jpg", save(Image.fromarray(photo(20, 10, 9)), "PNG")))
    good.append(write(f"{d}/jpeg_named.png", save(Image.fromarray(photo(20, 10, 9)), "JPEG")))
    return good


def rgba(im, seed):
    a = np.asarray(im)
    alpha = np.random.RandomState(seed).randint(0, 256, a.shape[:2], dtype=np.uint8)
    return Image.fromarray(np.dstack([a, alpha]), "RGBA")


def save(im, fmt, **kw):
    b = io.BytesIO()
    im.save(b, fmt, **kw)
    return b.getvalue()


# --------------------------------------------------------------- oracles --

_decoded = {}


def pil_rgb(path, cache=True):
    """PIL.Image.open(path).convert('RGB'), decoded once per path."""
    if not cache:
        with Image.open(path) as im:
            return im.convert("RGB")
    if path not in _decoded:
        with Image.open(path) as im:
            _decoded[path] = im.convert("RGB")
    return _decoded[path].copy()


def tv_pipeline(size, crop_pct=0.875, interp=Image.BILINEAR):
    rs = int(size // crop_pct)
    mode = {Image.NEAREST: T.InterpolationMode.NEAREST, Image.BILINEAR: T.InterpolationMode.BILINEAR,
            Image.BICUBIC: T.InterpolationMode.BICUBIC, Image.LANCZOS: T.InterpolationMode.LANCZOS,
            Image.BOX: T.InterpolationMode.BOX, Image.HAMMING: T.InterpolationMode.HAMMING}[interp]
    geo = T.Compose([T.Resize(rs, interpolation=mode), T.CenterCrop(size)])
    norm = T.Compose([T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    return geo, norm


KBACKEND = dict(backend=types.SimpleNamespace(floatx=lambda: "float32"), layers=None, models=None, utils=None)


def keras_load_img(path, size):
    # keras_preprocessing.image.load_img(path, target_size=(size, size)), color_mode 'rgb',
    # interpolation 'nearest': open, convert('RGB') unless already RGB (same pixels as
    # pil_rgb), resize when the size differs.
    img = pil_rgb(path)
    if img.size != (size, size):
        img = img.resize((size, size), Image.NEAREST)
    return img


def seed_keras_img(path, size):
    # benchmarking-keras-pytorch imagenet_keras_get_predictions.py:
    # shortest_edge_scale(img, (size, size), 0.875) then crop_center.
    img = pil_rgb(path)
    w, h = img.size
    nw = int(w * size / 0.875) // min((w, h))
    nh = int(h * size / 0.875) // min((w, h))
    img = img.resize((nw, nh), resample=Image.BILINEAR)
    w, h = img.size
    left = w // 2 - size // 2
    top = h // 2 - size // 2
    return img.crop((left, top, left + size, top + size))


def keras_pre(u8_batch, mode):
    x = u8_batch.astype(np.float32)  # img_to_array: np.asarray(img, dtype='float32')
    if mode == "raw":
        return x
    return imagenet_utils._preprocess_numpy_input(x, data_format="channels_last", mode=mode, **KBACKEND)


def expected(recipe, size, paths):
    """(uint8 (N,S,S,3), float32 model input) per the framework code."""
    if recipe == "torchvision":
        geo, norm = tv_pipeline(size)
        imgs = [geo(pil_rgb(p)) for p in paths]
        u8 = np.stack([np.asarray(i) for i in imgs])
        fl = torch.stack([norm(i) for i in imgs]).numpy()
        return u8, fl
    if recipe == "seed-torchvision":
        # The seed's 2019 script (commit dea0706) on 2019 torchvision: Resize(256) for
        # every model, then center_crop as torchvision <= 0.7 wrote it: offsets
        # int(round((h - th) / 2.)) even when negative, PIL crop zero-fills.
        _, norm = tv_pipeline(size)
        imgs = []
        for p in paths:
            img = T.Resize(256)(pil_rgb(p))
            w, h = img.size
            i, j = int(round((h - size) / 2.)), int(round((w - size) / 2.))
            imgs.append(img.crop((j, i, j + size, i + size)))
        u8 = np.stack([np.asarray(i) for i in imgs])
        fl = torch.stack([norm(i) for i in imgs]).numpy()
        return u8, fl
    if recipe.startswith("keras-"):
        mode = recipe[len("keras-"):]
        u8 = np.stack([np.asarray(keras_load_img(p, size)) for p in paths])
        return u8, keras_pre(u8, mode)
    if recipe.startswith("seed-keras-"):
        mode = recipe[len("seed-keras-"):]
        u8 = np.stack([np.asarray(seed_keras_img(p, size)) for p in paths])
        return u8, keras_pre(u8, mode)
    raise ValueError(recipe)


def zoobench(args, check=True):
    r = subprocess.run([ZB, "preprocess"] + args, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"zoobench {' '.join(args[:6])}...: {r.stderr}")
    return r


# ----------------------------------------------------------------- checks --

def ulp_distance(a, b):
    ai = a.view(np.int32).astype(np.int64)
    bi = b.view(np.int32).astype(np.int64)
    ai = np.where(ai < 0, -(ai & 0x7FFFFFFF), ai)
    bi = np.where(bi < 0, -(bi & 0x7FFFFFFF), bi)
    return int(np.max(np.abs(ai - bi))) if a.size else 0


def check_decode(paths):
    n = 0
    for p in paths:
        out = os.path.join(WORK, "dec.rgb")
        r = subprocess.run([HELPER, "decode", p, out], capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"decode {p}: {r.stdout.strip()} {r.stderr.strip()}")
            continue
        got = read_raw(out)
        want = np.asarray(pil_rgb(p, cache=False))
        if got.shape != want.shape or not np.array_equal(got, want):
            diff = "shape" if got.shape != want.shape else int(np.abs(got.astype(int) - want).max())
            fail(f"decode {p}: differs from Pillow ({diff})")
        n += 1
    print(f"decode: {n} images compared with PIL.Image.open().convert('RGB')")


def check_resize(paths, targets):
    n = 0
    for p in paths:
        src = np.asarray(pil_rgb(p))
        raw = os.path.join(WORK, "rs_in.rgb")
        write_raw(raw, src)
        h, w, _ = src.shape
        for (tw, th) in targets(w, h):
            for name, f in FILTERS.items():
                out = os.path.join(WORK, "rs_out.rgb")
                subprocess.run([HELPER, "resize", raw, str(tw), str(th), name, out], check=True)
                got = read_raw(out)
                want = np.asarray(Image.fromarray(src).resize((tw, th), f))
                if not np.array_equal(got, want):
                    fail(f"resize {os.path.basename(p)} {w}x{h} -> {tw}x{th} {name}: "
                         f"max diff {int(np.abs(got.astype(int) - want).max())}")
                n += 1
    print(f"resize: {n} (image, size, filter) cases compared with Image.resize")


def check_recipes(paths, recipes):
    for recipe, size in recipes:
        u8_want, f_want = expected(recipe, size, paths)
        u8_path = os.path.join(WORK, "u8.npy")
        f_path = os.path.join(WORK, "f.npy")
        zoobench(["--recipe", recipe, "--size", str(size), "--uint8", "-o", u8_path] + paths)
        zoobench(["--recipe", recipe, "--size", str(size), "-o", f_path] + paths)
        u8 = np.load(u8_path)
        fl = np.load(f_path)
        if u8.shape != u8_want.shape or not np.array_equal(u8, u8_want):
            bad = [os.path.basename(paths[i]) for i in range(min(len(u8), len(u8_want)))
                   if not np.array_equal(u8[i], u8_want[i])]
            fail(f"{recipe} {size}: uint8 differs ({u8.shape} vs {u8_want.shape}) on {bad[:5]}")
        if fl.shape != f_want.shape or fl.dtype != np.float32 or fl.tobytes() != f_want.astype(np.float32).tobytes():
            ulp = ulp_distance(fl, f_want.astype(np.float32)) if fl.shape == f_want.shape else "shape"
            fail(f"{recipe} {size}: float32 differs, worst ulp {ulp}")
        # --sha256 hashes exactly these bytes.
        r = zoobench(["--recipe", recipe, "--size", str(size), "--sha256"] + paths[:2])
        import hashlib
        lines = r.stdout.splitlines()
        for i, p in enumerate(paths[:2]):
            h = hashlib.sha256(np.ascontiguousarray(f_want[i]).astype(np.float32).tobytes()).hexdigest()
            if lines[i] != f"{h}  {p}":
                fail(f"{recipe}: --sha256 line {lines[i]!r}, expected {h}")
        print(f"recipe {recipe} {size}: {len(paths)} images, uint8 and float32 compared bitwise")


def check_all_values():
    """Every (channel, byte) value through each normalization: an image whose
    pixels cover 0..255 in every channel, preprocessed at its own size."""
    v = np.arange(256, dtype=np.uint8).reshape(16, 16)
    a = np.dstack([v, v.T, 255 - v])
    p = write(os.path.join(WORK, "allvalues.png"), save(Image.fromarray(a), "PNG"))
    # torchvision: Resize(16 // 1.0) on a 16x16 image is a no-op, CenterCrop(16) too.
    r = zoobench(["--recipe", "torchvision", "--size", "16", "--crop-pct", "1", "-o", os.path.join(WORK, "v.npy"), p])
    got = np.load(os.path.join(WORK, "v.npy"))
    norm = T.Compose([T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    want = norm(Image.open(p).convert("RGB")).numpy()[None]
    if got.tobytes() != want.tobytes():
        fail(f"torchvision ToTensor+Normalize over all bytes: worst ulp {ulp_distance(got, want)}")
    for mode in ("caffe", "tf", "torch", "raw"):
        zoobench(["--recipe", "keras-" + mode, "--size", "16", "-o", os.path.join(WORK, "v.npy"), p])
        got = np.load(os.path.join(WORK, "v.npy"))
        want = keras_pre(a[None], mode)
        if got.tobytes() != want.tobytes():
            fail(f"keras {mode} over all bytes: worst ulp {ulp_distance(got, want)}")
    # Layout flag: NHWC of the torchvision recipe is the NCHW tensor transposed.
    zoobench(["--recipe", "torchvision", "--size", "16", "--crop-pct", "1", "--layout", "nhwc", "-o",
              os.path.join(WORK, "v.npy"), p])
    got = np.load(os.path.join(WORK, "v.npy"))
    want = norm(Image.open(p).convert("RGB")).numpy().transpose(1, 2, 0)[None]
    if got.tobytes() != np.ascontiguousarray(want).tobytes():
        fail("torchvision --layout nhwc")
    print("normalization: all 3 x 256 (channel, byte) values compared with torch / numpy")
    del r


def check_ablations(paths):
    """Flags replay other torchvision/PIL settings exactly."""
    cases = [
        (["--recipe", "torchvision", "--size", "224", "--crop-pct", "1.0"], 224, 1.0, Image.BILINEAR),
        (["--recipe", "torchvision", "--size", "299", "--interpolation", "bicubic"], 299, 0.875, Image.BICUBIC),
        (["--recipe", "torchvision", "--size", "128", "--crop-pct", "0.9", "--interpolation", "lanczos"], 128, 0.9, Image.LANCZOS),
        (["--recipe", "torchvision", "--size", "64", "--interpolation", "nearest"], 64, 0.875, Image.NEAREST),
        (["--recipe", "torchvision", "--size", "100", "--interpolation", "box"], 100, 0.875, Image.BOX),
        (["--recipe", "torchvision", "--size", "160", "--interpolation", "hamming"], 160, 0.875, Image.HAMMING),
    ]
    for args, size, pct, interp in cases:
        geo, _ = tv_pipeline(size, pct, interp)
        want = np.stack([np.asarray(geo(pil_rgb(p))) for p in paths])
        out = os.path.join(WORK, "ab.npy")
        zoobench(args + ["--uint8", "-o", out] + paths)
        if not np.array_equal(np.load(out), want):
            fail(f"ablation {' '.join(args)}")
    # squash: whole image to (size // pct)^2 with the filter, then CenterCrop(size).
    for p_ in paths[:1]:
        pass
    want = []
    for p in paths:
        img = pil_rgb(p).resize((256, 256), Image.BILINEAR)
        want.append(np.asarray(T.CenterCrop(224)(img)))
    out = os.path.join(WORK, "ab.npy")
    zoobench(["--recipe", "torchvision", "--resize", "squash", "--uint8", "-o", out] + paths)
    if not np.array_equal(np.load(out), np.stack(want)):
        fail("ablation --resize squash")
    # keras load_img(target_size, interpolation=F) for every other filter.
    for name, f in FILTERS.items():
        if name == "nearest":
            continue
        want = np.stack([np.asarray(pil_rgb(p).resize((131, 131), f)) for p in paths])
        zoobench(["--recipe", "keras-raw", "--size", "131", "--interpolation", name, "--uint8", "-o", out] + paths)
        if not np.array_equal(np.load(out), want):
            fail(f"ablation keras-raw --interpolation {name}")
    print(f"ablations: {len(cases) + 1 + len(FILTERS) - 1} flag combinations compared")


def check_bad_inputs(good):
    d = os.path.join(WORK, "bad")
    os.makedirs(d, exist_ok=True)
    jpg = open(good[0], "rb").read()
    prog = [p for p in good if "prog_" in p][0]
    pj = open(prog, "rb").read()
    bad = {
        "empty.jpg": b"",
        "text.jpg": b"hello, this is not an image\n",
        "gif.png": save(Image.new("RGB", (4, 4)), "GIF"),
        "bmp.jpg": save(Image.new("RGB", (4, 4)), "BMP"),
        "trunc_half.jpg": jpg[: len(jpg) // 2],
        "trunc_head.jpg": jpg[:40],
        "trunc_prog.jpg": pj[: len(pj) * 2 // 3],
        "trunc.png": open([p for p in good if p.endswith("rgb_500x375.png")][0], "rb").read()[:3000],
        "bomb.png": png_bytes(100000, 100000, 8, 2, [])[:33] + chunk(b"IDAT", zlib.compress(b"\0" * 100)),
        "bomb.jpg": jpeg_sof_bomb(jpg, 65000, 65000),
    }
    paths = [write(os.path.join(d, k), v) for k, v in bad.items()]
    # Pillow fails on every one of them (GIF and BMP are out of zoobench's scope).
    for p in paths:
        if p.endswith(("gif.png", "bmp.jpg")):
            continue
        try:
            pil_rgb(p, cache=False)
            fail(f"oracle: Pillow accepted {p}")
        except Exception:
            pass
    # One "error: <file>: ..." line per bad file; the good ones still come out.
    batch = [good[0]] + paths + [good[1]]
    out = os.path.join(WORK, "batch.npy")
    r = zoobench(["--recipe", "torchvision", "-o", out] + batch, check=False)
    lines = r.stderr.splitlines()
    if r.returncode != 1 or len(lines) != len(paths):
        fail(f"bad inputs: exit {r.returncode}, {len(lines)} error lines for {len(paths)} bad files: {r.stderr}")
    for p, line in zip(paths, lines):
        if not line.startswith(f"error: {p}: "):
            fail(f"bad input {os.path.basename(p)}: {line!r}")
    want = expected("torchvision", 224, [good[0], good[1]])[1]
    if np.load(out).tobytes() != want.tobytes():
        fail("bad inputs: the good images of the batch differ")
    for p, line in zip(paths, lines):
        print(f"  {os.path.basename(p)}: {line[len('error: ') + len(p) + 2:]}")
    print(f"bad inputs: {len(paths)} files, one error line each, batch continued")


def jpeg_sof_bomb(jpg, w, h):
    i = 2
    while i < len(jpg):
        marker = jpg[i + 1]
        seg = struct.unpack(">H", jpg[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            return jpg[:i + 5] + struct.pack(">HH", h, w) + jpg[i + 9:]
        i += 2 + seg
    raise ValueError("no SOF")


def check_truncation(good):
    """Cut JPEGs at many points: zoobench fails exactly where Pillow does,
    and where Pillow succeeds the pixels are identical."""
    srcs = [p for p in good if p.endswith(".jpg")][:6] + [p for p in good if "prog_" in p][:2] + \
        [p for p in good if "restart_" in p][:2]
    n = accepted = 0
    rng = np.random.RandomState(3)
    for p in srcs:
        data = open(p, "rb").read()
        cuts = sorted(set([len(data) - 1, len(data) - 2, len(data) - 3, len(data) - 10] +
                          [len(data) * k // 7 for k in range(1, 7)]))
        variants = [data[:c] for c in cuts]
        # Corrupt entropy-coded bytes in a complete file (libjpeg warns and goes on).
        for k in range(3):
            b = bytearray(data)
            for i in rng.randint(len(b) // 2, len(b) - 4, 4):
                b[i] = rng.randint(0, 256)
            variants.append(bytes(b))
        variants.append(data + b"trailing garbage")
        for c, v in enumerate(variants):
            t = write(os.path.join(WORK, "cut.jpg"), v)
            try:
                want = np.asarray(pil_rgb(t, cache=False))
            except Exception:
                want = None
            out = os.path.join(WORK, "cut.rgb")
            r = subprocess.run([HELPER, "decode", t, out], capture_output=True, text=True)
            if want is None and r.returncode == 0:
                fail(f"damaged {os.path.basename(p)} variant {c}: Pillow fails, zoobench decodes")
            elif want is not None and r.returncode != 0:
                fail(f"damaged {os.path.basename(p)} variant {c}: Pillow decodes, zoobench: {r.stdout.strip()}")
            elif want is not None and not np.array_equal(read_raw(out), want):
                fail(f"damaged {os.path.basename(p)} variant {c}: pixels differ")
            # The recipe path decodes only what the crop reads: same verdict, same bytes.
            r2 = zoobench(["--recipe", "torchvision", "--size", "64", "--uint8", "-o", os.path.join(WORK, "cut.npy"), t],
                          check=False)
            if (r2.returncode == 0) != (want is not None):
                fail(f"damaged {os.path.basename(p)} variant {c}: recipe path verdict differs: {r2.stderr.strip()}")
            elif want is not None:
                geo, _ = tv_pipeline(64)
                if not np.array_equal(np.load(os.path.join(WORK, "cut.npy"))[0], np.asarray(geo(Image.fromarray(want)))):
                    fail(f"damaged {os.path.basename(p)} variant {c}: recipe path pixels differ")
            n += 1
            accepted += want is not None
    print(f"truncation/corruption: {n} damaged files ({accepted} that Pillow decodes), same accept/reject "
          "and pixels as Pillow")


def main():
    global REAL
    import time
    t0 = time.time()

    def timed(fn, *a):
        t = time.time()
        fn(*a)
        print(f"  ({fn.__name__}: {time.time() - t:.1f} s)")
    REAL = REAL + shared_images()
    gen = make_corpus(os.path.join(WORK, "gen"))
    timed(check_decode, gen + REAL)
    small = [p for p in gen if p.endswith(".jpg")][::5] + [p for p in gen if "interlaced" in p][:2]

    def targets(w, h):
        return [(max(1, w // 3), max(1, h // 2)), (w * 2 + 1, h + 3), (224, 224), (1, 1), (w, max(1, h - 1))]
    timed(check_resize, small + REAL[:2], targets)
    corpus = gen + REAL
    timed(check_recipes, corpus, [("torchvision", 224), ("torchvision", 299), ("keras-caffe", 224), ("keras-tf", 299),
                                  ("keras-torch", 224), ("keras-raw", 331), ("seed-keras-tf", 299),
                                  ("seed-torchvision", 299)])
    # Same geometry as seed-keras-tf, other normalizations: a third of the corpus
    # unless --full (check_all_values covers every normalized value anyway).
    timed(check_recipes, corpus if FULL else corpus[::3], [("seed-keras-caffe", 224), ("seed-keras-torch", 224),
                                                            ("seed-torchvision", 224)])
    timed(check_all_values)
    timed(check_ablations, corpus[::4])
    timed(check_bad_inputs, gen)
    timed(check_truncation, gen)
    print(f"total {time.time() - t0:.1f} s")
    if failures:
        print(f"{len(failures)} mismatches", file=sys.stderr)
        sys.exit(1)
    print("all identical")


if __name__ == "__main__":
    main()
