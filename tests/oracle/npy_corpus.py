"""Writes a corpus of malformed .npy files into DIR (one file per case), and a
small valid result set (DIR/ok/) to pair them with."""
import os
import struct
import sys

import numpy as np

D = sys.argv[1]


def npy(header, data=b"", major=1, minor=0, hlen=None):
    h = header.encode("latin1")
    n = len(h) if hlen is None else hlen
    pre = b"\x93NUMPY" + bytes([major, minor]) + (struct.pack("<H", n) if major == 1 else struct.pack("<I", n))
    return pre + h + data


def hd(descr="'<i8'", fortran="False", shape="(10,)"):
    return "{'descr': %s, 'fortran_order': %s, 'shape': %s, }\n" % (descr, fortran, shape)


ok80 = bytes(80)
cases = {
    "object": npy(hd("'|O'"), b"\x80\x03]q\x00." + bytes(60)),
    "structured": npy(hd("[('a', '<i4'), ('b', '<f4')]"), ok80),
    "fortran": npy(hd(fortran="True", shape="(2, 5)"), ok80),
    "header_10001": npy(" " * 10001, hlen=10001),
    "header_65535": npy("{" + " " * 100, hlen=65535),
    "header_v2_huge": npy("{}", major=2, hlen=2 ** 31),
    "shape_overflow": npy(hd(shape="(4294967296, 4294967296)")),
    "shape_overflow_bytes": npy(hd(shape="(2305843009213693952,)")),
    "shape_dim_huge": npy(hd(shape="(99999999999999999999,)")),
    "data_short": npy(hd(), bytes(79)),
    "data_empty": npy(hd()),
    "header_truncated": npy(hd())[:30],
    "magic_only": b"\x93NUMPY",
    "empty_file": b"",
    "garbage": bytes(range(256)) * 3,
    "bad_magic": b"\x93NUMPZ" + npy(hd(), ok80)[6:],
    "version_4": npy(hd(), ok80, major=4),
    "version_1_1": npy(hd(), ok80, minor=1),
    "not_a_dict": npy("[1, 2, 3]\n", ok80),
    "missing_shape": npy("{'descr': '<i8', 'fortran_order': False}\n", ok80),
    "missing_descr": npy("{'fortran_order': False, 'shape': (10,)}\n", ok80),
    "extra_key": npy("{'descr': '<i8', 'fortran_order': False, 'shape': (10,), 'x': 1}\n", ok80),
    "repeated_key": npy("{'descr': '<i8', 'descr': '<i8', 'fortran_order': False, 'shape': (10,)}\n", ok80),
    "dtype_complex": npy(hd("'<c16'"), bytes(160)),
    "dtype_unicode": npy(hd("'<U10'"), bytes(400)),
    "dtype_datetime": npy(hd("'<M8[ns]'"), ok80),
    "dtype_garbage": npy(hd("'<zz'"), ok80),
    "shape_negative": npy(hd(shape="(-10,)"), ok80),
    "shape_not_tuple": npy(hd(shape="(10)"), ok80),
    "shape_list": npy(hd(shape="[10]"), ok80),
    "fortran_none": npy(hd(fortran="None"), ok80),
    "unterminated_string": npy("{'descr': '<i8, 'fortran_order': False, 'shape': (10,)}\n", ok80),
    "trailing_junk": npy(hd().rstrip("\n") + " junk\n", ok80),
    "ndim_33": npy(hd(shape="(" + "1, " * 33 + ")"), ok80),
    "nul_in_header": npy("{'descr': '<i8', 'fortran_order': False,\x00 'shape': (10,)}\n", ok80),
    "header_len_past_eof": npy(hd(), hlen=5000),
    "labels_2d": npy(hd(shape="(2, 5)"), ok80),
    "labels_fractional": np.arange(10) + 0.5,
    "labels_bool_dtype_ok_but_2d": np.zeros((5, 2), dtype=bool),
}
os.makedirs(D, exist_ok=True)
for name, data in cases.items():
    path = os.path.join(D, name + ".npy")
    if isinstance(data, np.ndarray):
        np.save(path, data)
    else:
        with open(path, "wb") as f:
            f.write(data)

# A valid 10-image result set and labels.
ok = os.path.join(D, "ok")
os.makedirs(ok)
rng = np.random.default_rng(0)
np.save(os.path.join(ok, "m_pytorch_imagenet_top5preds.npy"), rng.integers(0, 4, (10, 5)))
np.save(os.path.join(ok, "m_pytorch_imagenet_top5probs.npy"), rng.random((10, 5)).astype(np.float32))
np.save(os.path.join(D, "..", "labels10.npy"), rng.integers(0, 4, 10))
print(len(cases))
