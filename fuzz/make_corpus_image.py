#!/usr/bin/python3
"""Writes the small seed corpus of fuzz_image to fuzz/corpus/image (Pillow):
JPEG gray/RGB/CMYK, progressive and chroma subsamplings;
PNG of every colour type and bit depth Pillow opens, and interlaced."""
import io
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "image")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(9)
rgb = Image.fromarray(rng.integers(0, 256, (13, 17, 3), dtype=np.uint8), "RGB")


def save(name, im, fmt, **kw):
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    with open(os.path.join(out, name), "wb") as f:
        f.write(buf.getvalue())


save("rgb420.jpg", rgb, "JPEG", quality=80)
save("rgb444.jpg", rgb, "JPEG", quality=90, subsampling=0)
save("rgb422.jpg", rgb, "JPEG", quality=70, subsampling=1)
save("progressive.jpg", rgb, "JPEG", progressive=True)
save("gray.jpg", rgb.convert("L"), "JPEG")
save("cmyk.jpg", rgb.convert("CMYK"), "JPEG")
save("q50_40x24.jpg", rgb.resize((40, 24)), "JPEG", quality=50)
save("rgb.png", rgb, "PNG")
save("rgba.png", rgb.convert("RGBA"), "PNG")
save("gray.png", rgb.convert("L"), "PNG")
save("la.png", rgb.convert("LA"), "PNG")
save("bw.png", rgb.convert("1"), "PNG")
save("palette.png", rgb.convert("P"), "PNG")
save("palette4.png", rgb.convert("P", palette=Image.ADAPTIVE, colors=16), "PNG", bits=4)


def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)


def png(w, h, depth, ctype, rows, interlace=0, extra=b""):
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(rows)) +
            chunk(b"IEND", b""))


# 16-bit gray and RGB, 2-bit gray, Adam7: Pillow writes none of these itself.
w, h = 5, 3
with open(os.path.join(out, "gray16.png"), "wb") as f:
    f.write(png(w, h, 16, 0, b"".join(b"\0" + rng.bytes(w * 2) for _ in range(h))))
with open(os.path.join(out, "rgb16.png"), "wb") as f:
    f.write(png(w, h, 16, 2, b"".join(b"\0" + rng.bytes(w * 6) for _ in range(h))))
with open(os.path.join(out, "gray2.png"), "wb") as f:
    f.write(png(8, 2, 2, 0, b"".join(b"\0" + rng.bytes(2) for _ in range(2))))
# Adam7 for a 3x3 8-bit gray image: the reduced image of each pass, row by row.
passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
data = b""
for x0, y0, dx, dy in passes:
    cols = len(range(x0, 3, dx))
    rows = len(range(y0, 3, dy))
    if cols and rows:
        data += b"".join(b"\0" + rng.bytes(cols) for _ in range(rows))
with open(os.path.join(out, "adam7.png"), "wb") as f:
    f.write(png(3, 3, 8, 0, data, interlace=1))
# A text chunk whose declared length (2 GB) runs past the file: libpng would
# allocate it before finding the file short (the first out-of-memory
# fuzz_image reported); zoobench refuses it first, as truncated.
with open(os.path.join(out, "itxt_len_past_end.png"), "wb") as f:
    good = png(w, h, 8, 2, b"".join(b"\0" + rng.bytes(w * 3) for _ in range(h)))
    f.write(good[:33] + struct.pack(">I", 0x7a00003d) + b"iTXt" + good[33:])
