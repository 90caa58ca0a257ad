#!/usr/bin/env bash
# VAL_DIR labels follow torchvision 0.14's ImageFolder exactly (the real one is the
# oracle): class folders sorted by code point, recursive walk with symlinks followed,
# IMG_EXTENSIONS matched case-insensitively, other files ignored.
source "$(dirname "$0")/../lib.sh"
"$PY" -c 'import torchvision' 2>/dev/null || skip "torchvision for $PY is missing"
V=$T/val
"$PY" - "$V" "$T" <<'PY' || die "tree generation"
import os, sys
import numpy as np
from torchvision import datasets
v, t = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(5)
classes = ["n01", "B_upper", "a_lower", "n01.jpg", "caf\u00e9", "z", "Z9", "n01 2", "n01-2"]
exts = [".jpg", ".JPEG", ".Png", ".ppm", ".bmp", ".pgm", ".tif", ".TIFF", ".webp", ".txt", ".jpgx", ".gif", ""]
for c in classes:
    for sub in ["", "sub", "sub/deeper", "Sub2"][: int(rng.integers(1, 5))]:
        d = os.path.join(v, c, sub)
        os.makedirs(d, exist_ok=True)
        for k in range(int(rng.integers(1, 6))):
            open(os.path.join(d, f"img{k}{exts[int(rng.integers(0, len(exts)))]}"), "w").close()
        open(os.path.join(d, f"always{k}.jpg"), "w").close()
os.makedirs(os.path.join(v, "n01", "dir.jpg"))           # a directory is never an image
open(os.path.join(v, "n01", "dir.jpg", "in.png"), "w").close()
open(os.path.join(v, "n01", ".jpg"), "w").close()         # the name is only the extension
os.symlink(os.path.join(v, "z"), os.path.join(v, "link_to_z"))            # class via a symlink
os.symlink(os.path.join(v, "B_upper"), os.path.join(v, "a_lower", "linked"))  # followed inside a class
os.symlink("/nonexistent/target", os.path.join(v, "z", "broken.jpg"))      # still listed as a file
open(os.path.join(v, "top_level_file.jpg"), "w").close()  # not in any class
labels = np.array([c for _, c in datasets.ImageFolder(v, loader=lambda p: None).samples])
np.save(os.path.join(t, "tv_labels.npy"), labels)
n = len(labels)
r = os.path.join(t, "res")
os.makedirs(r)
preds = np.stack([labels, labels + 100, labels + 200, labels + 300, labels + 400], axis=1)
probs = np.tile(np.array([0.9, 0.01, 0.02, 0.03, 0.04], np.float32), (n, 1))
np.save(os.path.join(r, "m_pytorch_imagenet_top5preds.npy"), preds)
np.save(os.path.join(r, "m_pytorch_imagenet_top5probs.npy"), probs)
print(n, "images,", labels.max() + 1, "classes")
PY
"$ZB" table --results "$T/res" "$V" -o "$T/dir.csv" >/dev/null || die "VAL_DIR"
"$ZB" table --results "$T/res" --labels "$T/tv_labels.npy" -o "$T/tv.csv" >/dev/null || die "--labels"
cmp "$T/dir.csv" "$T/tv.csv" || die "VAL_DIR labels differ from torchvision's"
grep -q '^PyTorch 1.0,m,1.0,1.0,1,1$' "$T/dir.csv" || die "expected Acc@1 = 1.0: $(cat "$T/dir.csv")"
exit 0
