#!/usr/bin/python3
"""Fixtures for tests/integration/predict*.sh (Debian's /usr/bin/python3).

  make_data.py folder DIR      ImageFolder: darknet photos + seeded generated
                               images + one corrupt and one truncated JPEG
  make_data.py ilsvrc DIR      DIR/ILSVRC2012_img_val.tar (members in shuffled
                               order) + DIR/ILSVRC2012_devkit_t12.tar.gz (meta.mat
                               v5 written by scipy.io.savemat, ground truth)
  make_data.py tv-imagenet DIR torchvision.datasets.ImageNet(DIR, split='val') with
                               its MD5 check bypassed: prints 'relpath label' lines
"""
import glob
import io
import os
import random
import shutil
import sys
import tarfile

import numpy as np
from PIL import Image

PHOTOS = sorted(glob.glob("/usr/share/darknet/data/*.jpg"))


def generated(rng, i, fmt):
    h, w = rng.integers(40, 120, size=2)
    a = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    b = io.BytesIO()
    Image.fromarray(a).save(b, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return b.getvalue()


def folder(root):
    rng = np.random.default_rng(7)
    classes = ["n01440764", "n01443537", "n01484850"]
    files = []
    for i, p in enumerate(PHOTOS):
        files.append((classes[i % 3], os.path.basename(p), open(p, "rb").read()))
    for i in range(4):
        fmt = "PNG" if i % 2 else "JPEG"
        files.append((classes[i % 3], "gen%d.%s" % (i, "png" if i % 2 else "jpg"), generated(rng, i, fmt)))
    files.append((classes[1], "corrupt.jpg", bytes(rng.integers(0, 256, 300, dtype=np.uint8))))
    dog = open(PHOTOS[0], "rb").read() if PHOTOS else generated(rng, 9, "JPEG")
    files.append((classes[2], "truncated.jpg", dog[: len(dog) * 2 // 5]))
    os.makedirs(root, exist_ok=True)
    for c, name, data in files:
        os.makedirs(os.path.join(root, c), exist_ok=True)
        with open(os.path.join(root, c, name), "wb") as f:
            f.write(data)


def add(tar, name, data):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mtime = 1234567890
    tar.addfile(ti, io.BytesIO(data))


def ilsvrc(root):
    import scipy.io as sio
    rng = np.random.default_rng(11)
    os.makedirs(root, exist_ok=True)
    # synsets: 6 leaves (ILSVRC2012_ID 1..6, wnids out of order) + 1 parent
    wnids = ["n04000001", "n01000003", "n02000002", "n01000001", "n03000009", "n02000005"]
    syn = np.zeros((7,), dtype=[("ILSVRC2012_ID", "O"), ("WNID", "O"), ("words", "O"), ("gloss", "O"),
                                ("num_children", "O"), ("children", "O"), ("wordnet_height", "O"),
                                ("num_train_images", "O")])
    for i, w in enumerate(wnids):
        syn[i] = (np.array([[i + 1]], dtype=np.uint8), w, "thing %d, item" % i, "gloss", np.array([[0]], dtype=np.uint8),
                  np.zeros((1, 0)), np.array([[0]], dtype=np.uint8), np.array([[1300]], dtype=np.uint16))
    syn[6] = (np.array([[7]], dtype=np.uint8), "n09999999", "parent", "gloss", np.array([[6]], dtype=np.uint8),
              np.arange(1, 7, dtype=np.uint8)[None], np.array([[1]], dtype=np.uint8), np.array([[0]], dtype=np.uint16))
    mb = io.BytesIO()
    sio.savemat(mb, {"synsets": syn[:, None]}, format="5")
    n = 14
    gt = [1 + (i * 5 + 3) % 6 for i in range(n)]
    dk = os.path.join(root, "ILSVRC2012_devkit_t12.tar.gz")
    with tarfile.open(dk, "w:gz") as t:
        add(t, "ILSVRC2012_devkit_t12/data/meta.mat", mb.getvalue())
        add(t, "ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt",
            "".join("%d\n" % g for g in gt).encode())
        add(t, "ILSVRC2012_devkit_t12/readme.txt", b"test devkit\n")
    members = []
    for i in range(n):
        if i < len(PHOTOS):
            data = open(PHOTOS[i % len(PHOTOS)], "rb").read()
        else:
            data = generated(rng, i, "JPEG")
        members.append(("ILSVRC2012_val_%08d.JPEG" % (i + 1), data))
    members[5] = (members[5][0], b"not a jpeg at all")
    random.Random(3).shuffle(members)
    with tarfile.open(os.path.join(root, "ILSVRC2012_img_val.tar"), "w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            add(t, name, data)


def tv_imagenet(root):
    import torchvision.datasets.imagenet as inet
    inet._verify_archive = lambda *a, **k: None
    ds = inet.ImageNet(root, split="val")
    for p, y in ds.samples:
        print(os.path.relpath(p, root), y)


if __name__ == "__main__":
    {"folder": folder, "ilsvrc": ilsvrc, "tv-imagenet": tv_imagenet}[sys.argv[1]](sys.argv[2])
