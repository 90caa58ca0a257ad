"""npy round trip oracle: `gen DIR` writes inputs with numpy; `check DIR` compares
zoobench's copies (DIR/<name>.out.npy) with numpy, value for value and byte for byte."""
import io
import os
import sys

import numpy as np
from numpy.lib import format as npf

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64"]
SHAPES = [(), (0,), (7,), (3, 5), (2, 3, 4), (1, 1, 1, 2, 1), (50000, 5)]


def arrays():
    rng = np.random.default_rng(1234)
    for dt in DTYPES:
        for shape in SHAPES:
            n = int(np.prod(shape))
            if dt == "bool":
                a = rng.integers(0, 2, n).astype(bool)
            elif dt.startswith("float"):
                a = rng.standard_normal(n).astype(dt) * 100
                if n >= 4:
                    a[:4] = [np.inf, -np.inf, -0.0, np.finfo(dt).tiny]
            else:
                info = np.iinfo(dt)
                a = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
            a = a.reshape(shape)
            name = f"{dt}_{'x'.join(map(str, shape)) or 'scalar'}"
            yield name, a


def gen(d):
    for name, a in arrays():
        np.save(os.path.join(d, name + ".npy"), a)
        # Versions 2.0 and 3.0, and big-endian data.
        if a.ndim == 2 and a.shape[0] < 100:
            for v in ((2, 0), (3, 0)):
                with open(os.path.join(d, f"{name}_v{v[0]}.npy"), "wb") as f:
                    npf.write_array(f, a, version=v)
            if a.dtype.itemsize > 1:
                np.save(os.path.join(d, name + "_be.npy"), a.astype(a.dtype.newbyteorder(">")))


def check(d):
    n = 0
    for f in sorted(os.listdir(d)):
        if not f.endswith(".npy") or f.endswith(".out.npy"):
            continue
        src = np.load(os.path.join(d, f))
        out_path = os.path.join(d, f[:-4] + ".out.npy")
        out = np.load(out_path)
        want = src.astype(src.dtype.newbyteorder("<"))
        assert out.dtype == want.dtype, (f, out.dtype, want.dtype)
        assert out.shape == want.shape, (f, out.shape, want.shape)
        assert out.tobytes() == want.tobytes(), f
        buf = io.BytesIO()
        np.save(buf, want)
        with open(out_path, "rb") as fh:
            assert fh.read() == buf.getvalue(), f + ": bytes differ from np.save"
        n += 1
    assert n >= 100, n
    print(f"{n} files round-tripped")


if __name__ == "__main__":
    {"gen": gen, "check": check}[sys.argv[1]](sys.argv[2])
