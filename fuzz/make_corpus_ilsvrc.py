#!/usr/bin/python3
"""Seeds for fuzz/fuzz_tar.c, fuzz_devkit.c, fuzz_meta_mat.c and fuzz_cache.c
(Debian's /usr/bin/python3 with numpy and scipy); the builders are those of
tests/oracle/ilsvrc_malformed.py.  Run from anywhere; rewrites fuzz/corpus/{tar,
devkit,meta_mat,cache}/."""
import gzip
import os
import shutil
import sys
import tarfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "oracle"))
import ilsvrc_malformed as m  # noqa: E402


def write(name, files):
    d = os.path.join(HERE, "corpus", name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for fn, data in files.items():
        open(os.path.join(d, fn), "wb").write(data)


small = [(n, d[:40]) for n, d in m.images(3)]
write("tar", {
    "ustar.tar": m.tar_bytes(small),
    "gnu_longname.tar": m.tar_bytes(small[:1] + [("ILSVRC2012_val_" + "0" * 120 + ".JPEG", b"x")], tarfile.GNU_FORMAT),
    "pax.tar": m.tar_bytes(small[:2], tarfile.PAX_FORMAT),
    "dir_and_file.tar": m.tar_bytes([("./" + small[0][0], small[0][1])]),
})
syn = m.synsets(3)
meta, metaz = m.meta_mat(syn), m.meta_mat(syn, compress=True)
syn16 = m.synsets(2, ids=[np.array([[1.0]]), np.array([[2]], dtype=np.int32)])
write("meta_mat", {"plain.mat": meta, "compressed.mat": metaz, "types.mat": m.meta_mat(syn16)})
gt = m.gt_text([1, 3, 2, 1])
members = [("d/data/meta.mat", meta), ("d/data/ILSVRC2012_validation_ground_truth.txt", gt)]
write("devkit", {
    "devkit.tar": m.tar_bytes(members),
    "devkit.tar.gz": gzip.compress(m.tar_bytes(members), mtime=0),
    "devkit_z.tar": m.tar_bytes([members[0][0:1] + (metaz,), members[1]]),
})
h = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
write("cache", {"pin": (h + "\n").encode(), "pin_sha256sum": (h + "  resnet.h5\n").encode(),
                "prefix": h[:8].encode(), "upper": h.upper().encode()})
