"""Malformed-input corpora for zoobench's image, list/label and JSON readers
(tests/integration/malformed_inputs.sh).  Test-only.

  malformed_corpus.py OUTDIR

Writes, with fixed seeds:
  OUTDIR/image/must/*   JPEG/PNG files zoobench must refuse: Pillow 9.4 (the
                        reference decoder) refuses each of them too, which is
                        checked here; truncations, bit flips, huge and zero
                        sizes, bad markers and chunks, decompression bombs
  OUTDIR/image/may/*    random damage: a clean decode or one error, whatever
                        Pillow says (libjpeg recovers from corrupt entropy data)
  OUTDIR/image/ok/*     PNG chunk edge cases Pillow decodes: zoobench must too
  OUTDIR/image/mem/*    valid images within the pixel cap whose pixels do not
                        fit in 256 MiB: refused under `ulimit -v 262144`
  OUTDIR/good.png       a valid image for the commands that need one
  OUTDIR/list/must/*.txt          list files `zoobench table --labels` refuses
  OUTDIR/labels/must/<flag>__*.npy  label arrays refused by table --labels/-i/-j/-l
  OUTDIR/results/ + OUTDIR/labels10.npy  a valid 10-image result set (+ keep10.npy: -j all)
  OUTDIR/json/must/*/model.json   TF.js model.json files `zoobench classify -w` refuses
  OUTDIR/json/may/*/model.json    random damage: loads or one error
Prints "<format> <must> <may>" per format."""
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib

import numpy as np
from PIL import Image

OUT = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261127)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path


# ---- images ---------------------------------------------------------------

def pil_refuses(data):
    try:
        Image.open(io.BytesIO(data)).convert("RGB")
        return False
    except Exception:
        return True


def save(im, fmt, **kw):
    b = io.BytesIO()
    im.save(b, fmt, **kw)
    return b.getvalue()


def chunk(t, d, crc=None):
    c = zlib.crc32(t + d) & 0xffffffff if crc is None else crc
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", c)


def png(w, h, depth=8, ctype=2, idat=None, extra=b"", interlace=0, comp=0, filt=0, rows=None, iend=True):
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, comp, filt, interlace)
    if idat is None:
        idat = zlib.compress(rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", idat) +
            (chunk(b"IEND", b"") if iend else b""))


def segments(jpg):
    """(offset, marker, length) of each marker segment up to SOS."""
    out, i = [], 2
    while i < len(jpg):
        m = jpg[i + 1]
        n = struct.unpack(">H", jpg[i + 2:i + 4])[0]
        out.append((i, m, n))
        if m == 0xDA:
            break
        i += 2 + n
    return out


def seg(jpg, marker):
    return [s for s in segments(jpg) if s[1] == marker][0]


def patch(data, off, new):
    return data[:off] + new + data[off + len(new):]


def sof_set(jpg, h=None, w=None, prec=None, ncomp=None, samp=None, qsel=None):
    i, m, n = [s for s in segments(jpg) if s[1] in (0xC0, 0xC1, 0xC2)][0]
    b = bytearray(jpg)
    if prec is not None:
        b[i + 4] = prec
    if h is not None:
        b[i + 5:i + 7] = struct.pack(">H", h)
    if w is not None:
        b[i + 7:i + 9] = struct.pack(">H", w)
    if ncomp is not None:
        b[i + 9] = ncomp
    if samp is not None:
        b[i + 11] = samp
    if qsel is not None:
        b[i + 12] = qsel
    return bytes(b)


def image_cases():
    photo = Image.fromarray(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8), "RGB").resize((64, 48))
    jpg = save(photo, "JPEG", quality=85)
    prog = save(photo, "JPEG", quality=85, progressive=True)
    pngd = save(photo, "PNG")
    raw_rows = b"".join(b"\0" + rng.bytes(64 * 3) for _ in range(48))
    must = {}
    # Truncation at many offsets (only the cuts Pillow refuses are "must").
    for name, data in (("jpg", jpg), ("prog", prog), ("png", pngd)):
        for k, cut in enumerate(sorted({1, 2, 3, 8, 20, 40, 100, 200} | {len(data) * j // 9 for j in range(1, 9)})):
            must[f"trunc_{name}_{k:02d}_{cut}.{name[:3].replace('pro', 'jpg')}"] = data[:cut]
    sos = seg(jpg, 0xDA)[0]
    must.update({
        "empty.jpg": b"",
        "text.png": b"this is not an image at all\n",
        "gif.jpg": save(Image.new("RGB", (4, 4)), "GIF"),
        "soi_eoi.jpg": b"\xff\xd8\xff\xd9",
        "sof_65535.jpg": sof_set(jpg, 65535, 65535),
        "sof_20000.jpg": sof_set(jpg, 20000, 20000),
        "sof_prog_65535.jpg": sof_set(prog, 65535, 65535),
        "sof_zero_width.jpg": sof_set(jpg, w=0),
        "sof_zero_height.jpg": sof_set(jpg, h=0),
        "sof_12bit.jpg": sof_set(jpg, prec=12),
        "sof_2comp.jpg": sof_set(jpg, ncomp=2),
        "sof_samp_0.jpg": sof_set(jpg, samp=0x00),
        "sof_samp_5.jpg": sof_set(jpg, samp=0x55),
        "sof_qtable_3.jpg": sof_set(jpg, qsel=3),
        "sof_lossless.jpg": patch(jpg, seg(jpg, 0xC0)[0] + 1, b"\xc3"),
        "sof_hierarchical.jpg": patch(jpg, seg(jpg, 0xC0)[0] + 1, b"\xc5"),
        "no_sof.jpg": jpg[:seg(jpg, 0xC0)[0]] + jpg[seg(jpg, 0xC0)[0] + 2 + seg(jpg, 0xC0)[2]:],
        "dqt_index_7.jpg": patch(jpg, seg(jpg, 0xDB)[0] + 4, b"\x07"),
        "dht_bogus_counts.jpg": patch(jpg, seg(jpg, 0xC4)[0] + 5, b"\xff" * 16),
        "marker_len_1.jpg": patch(jpg, seg(jpg, 0xDB)[0] + 2, b"\x00\x01"),
        "marker_len_past_eof.jpg": jpg[:seg(jpg, 0xDB)[0] + 2] + b"\xff\xf0" + jpg[seg(jpg, 0xDB)[0] + 4:][:100],
        "sos_bad_component.jpg": patch(jpg, sos + 5, b"\x09"),
        "prog_bad_spectral.jpg": patch(prog, seg(prog, 0xDA)[0] + 2 + seg(prog, 0xDA)[2] - 3, b"\x3f\x00"),
        "png_ihdr_100000.png": png(100000, 100000, rows=b"\0" * 10),
        "png_ihdr_2pow31.png": png(2 ** 31, 1, rows=b"\0" * 10),
        "png_ihdr_zero.png": png(0, 5, rows=b"\0" * 10),
        "png_ihdr_side_cap.png": png(2 ** 25, 1, ctype=0, rows=b"\0" * 10),
        "png_bad_depth.png": png(64, 48, depth=3, rows=raw_rows),
        "png_bad_ctype.png": png(64, 48, ctype=5, rows=raw_rows),
        "png_rgb_depth4.png": png(64, 48, depth=4, ctype=2, rows=raw_rows),
        "png_interlace_2.png": png(64, 48, interlace=2, rows=raw_rows),
        "png_comp_1.png": png(64, 48, comp=1, rows=raw_rows),
        "png_filter_method_1.png": png(64, 48, filt=1, rows=raw_rows),
        "png_ihdr_crc.png": patch(png(64, 48, rows=raw_rows), 29, b"\0\0\0\0"),
        "png_text_crc.png": png(64, 48, rows=raw_rows, extra=chunk(b"tEXt", b"a\0b", crc=1)),
        "png_bad_zlib.png": png(64, 48, idat=b"\x00\x01garbage" + bytes(50)),
        "png_bad_filter_byte.png": png(64, 48, rows=b"".join(b"\x07" + bytes(64 * 3) for _ in range(48))),
        "png_short_idat.png": png(64, 48, rows=raw_rows[:len(raw_rows) // 3]),
        "png_itxt_len_2gb.png": png(64, 48, rows=raw_rows, extra=struct.pack(">I", 0x7a00003d) + b"iTXt" + bytes(40)),
        "png_no_idat.png": pngd[:33] + chunk(b"IEND", b""),
        "png_palette_no_plte_idx.png": png(4, 4, ctype=3, rows=b"".join(b"\0" + bytes(4) for _ in range(4)),
                                           extra=chunk(b"PLTE", bytes(3 * 300))),
        # Decompression bombs: a few KB of zlib declaring far more pixels than the cap.
        "bomb_png_rgb_30000.png": png(30000, 30000, idat=zlib.compress(bytes(30000 * 3 + 1) * 64, 9)),
        "bomb_png_gray_14000x14000.png": png(14000, 14000, ctype=0, idat=zlib.compress(bytes(14001) * 64, 9)),
        "bomb_ztxt.png": png(64, 48, rows=raw_rows,
                             extra=chunk(b"zTXt", b"Comment\0\0" + zlib.compress(bytes(8 << 20), 9))),
        "bomb_iccp.png": png(64, 48, rows=raw_rows,
                             extra=chunk(b"iCCP", b"icc\0\0" + zlib.compress(bytes(8 << 20), 9))),
    })
    # Pillow's PNG chunk handlers (text and ICC bombs, zTXt method, text memory,
    # chunks cut short after the image data): every case goes to must (Pillow
    # refuses) or ok (Pillow decodes, so must zoobench).
    tiny = dict(w=4, h=4, ctype=0, rows=b"\0" * 20)
    big, mib = zlib.compress(bytes(2 << 20)), zlib.compress(bytes(1 << 20))
    z1 = zlib.compress(b"\0" * 20)
    two_idat = chunk(b"IDAT", z1[:5]) + chunk(b"IDAT", z1[5:])
    hdr = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0))
    cut_text = chunk(b"tEXt", b"a\0" + b"x" * 100)[:30]
    chunks = {
        "ztxt_bomb": png(**tiny, extra=chunk(b"zTXt", b"k\0\0" + big)),
        "ztxt_exactly_1mib": png(**tiny, extra=chunk(b"zTXt", b"k\0\0" + mib)),
        "ztxt_1mib_plus_1": png(**tiny, extra=chunk(b"zTXt", b"k\0\0" + zlib.compress(bytes((1 << 20) + 1)))),
        "ztxt_bad_zlib": png(**tiny, extra=chunk(b"zTXt", b"k\0\0garbage")),
        "ztxt_method_1": png(**tiny, extra=chunk(b"zTXt", b"k\0\1" + mib)),
        "ztxt_no_keyword_bomb": png(**tiny, extra=chunk(b"zTXt", b"\0\0" + big)),
        "ztxt_no_nul": png(**tiny, extra=chunk(b"zTXt", b"k")),
        "iccp_bad_zlib": png(**tiny, extra=chunk(b"iCCP", b"k\0\0garbage")),
        "iccp_method_1": png(**tiny, extra=chunk(b"iCCP", b"k\0\1garbage")),
        "iccp_empty": png(**tiny, extra=chunk(b"iCCP", b"")),
        "iccp_no_nul": png(**tiny, extra=chunk(b"iCCP", b"abc")),
        "itxt_bomb": png(**tiny, extra=chunk(b"iTXt", b"k\0\1\0en\0k\0" + big)),
        "itxt_bomb_bad_language": png(**tiny, extra=chunk(b"iTXt", b"k\0\1\0\xff\0k\0" + big)),
        "itxt_method_1": png(**tiny, extra=chunk(b"iTXt", b"k\0\1\1en\0k\0" + big)),
        "itxt_one_nul": png(**tiny, extra=chunk(b"iTXt", b"k\0\1\0en" + big)),
        "text_65mib": png(**tiny, extra=b"".join(chunk(b"zTXt", b"k\0\0" + mib) for _ in range(65))),
        "text_64mib": png(**tiny, extra=b"".join(chunk(b"zTXt", b"k\0\0" + mib) for _ in range(64))),
        "text_65mib_no_keyword": png(**tiny, extra=b"".join(chunk(b"zTXt", b"\0\0" + mib) for _ in range(65))),
        "itxt_65mib_bad_utf8": png(**tiny, extra=b"".join(
            chunk(b"iTXt", b"k\0\1\0en\0k\0" + zlib.compress(b"\xff" * (1 << 20))) for _ in range(65))),
        "itxt_100x512k_chars": png(**tiny, extra=b"".join(
            chunk(b"iTXt", b"k\0\1\0en\0k\0" + zlib.compress("\u00e9".encode() * (1 << 19))) for _ in range(100))),
        "after_ztxt_bomb": hdr + chunk(b"IDAT", z1) + chunk(b"zTXt", b"k\0\0" + big) + chunk(b"IEND", b""),
        "after_ztxt_method_1": hdr + chunk(b"IDAT", z1) + chunk(b"zTXt", b"k\0\1") + chunk(b"IEND", b""),
        "after_text_65mib": hdr + chunk(b"IDAT", z1) + b"".join(chunk(b"zTXt", b"k\0\0" + mib) for _ in range(65)),
        "after_text_cut": hdr + chunk(b"IDAT", z1) + cut_text,
        "after_idat_cut": hdr + chunk(b"IDAT", z1) + chunk(b"IDAT", b"x" * 100)[:30],
        "after_digit_name_cut": hdr + chunk(b"IDAT", z1) + chunk(b"t3Xt", b"x" * 100)[:30],
        "after_two_idat_text_cut": hdr + two_idat + cut_text,
        "after_header_cut": hdr + chunk(b"IDAT", z1) + b"\0\0\0\x05tE",
        "after_crc_cut": hdr + chunk(b"IDAT", z1) + chunk(b"tEXt", b"a\0b")[:-2],
        "after_iend_cut": hdr + chunk(b"IDAT", z1) + b"\0\0\0\x05IEND",
    }
    ok = {}
    for name, data in chunks.items():
        (must if pil_refuses(data) else ok)[f"chunk_{name}.png"] = data
    # Bit flips in the headers (the first 200 bytes), one per case.
    for name, data in (("jpg", jpg), ("png", pngd)):
        for k in range(12):
            b = bytearray(data)
            i = int(rng.integers(2, min(200, len(b))))
            b[i] ^= 1 << int(rng.integers(0, 8))
            must[f"flip_{name}_{k:02d}_{i}.{name}"] = bytes(b)
    may = {}
    for name, data in (("jpg", jpg), ("prog", prog), ("png", pngd)):
        for k in range(10):
            b = bytearray(data)
            for i in rng.integers(0, len(b), 4):
                b[i] = int(rng.integers(0, 256))
            may[f"damage_{name}_{k:02d}.{'png' if name == 'png' else 'jpg'}"] = bytes(b)
    # Within the pixel cap but not within 256 MiB: 9000 x 9000 (243 MB of RGB).
    mem = {
        "mem_jpg_9000.jpg": sof_set(jpg, 9000, 9000),
        "mem_prog_9000.jpg": sof_set(prog, 9000, 9000),
        "mem_png_9000.png": png(9000, 9000, ctype=0, idat=zlib.compress(bytes(9001) * 9000, 9)),
    }
    d = os.path.join(OUT, "image")
    nmust = nmay = 0
    for name, data in must.items():
        if pil_refuses(data):
            write(os.path.join(d, "must", name), data)
            nmust += 1
        else:
            write(os.path.join(d, "may", name), data)
            nmay += 1
    for name, data in may.items():
        write(os.path.join(d, "may", name), data)
        nmay += 1
    for name, data in ok.items():
        write(os.path.join(d, "ok", name), data)
    for name, data in mem.items():
        write(os.path.join(d, "mem", name), data)
    write(os.path.join(OUT, "good.png"), save(photo.resize((16, 12)), "PNG"))
    print("image", nmust, nmay)


# ---- list files and label arrays -------------------------------------------

def list_cases():
    good = "".join(f"img_{i}.JPEG {i % 4}\n" for i in range(10))
    must = {
        "empty": "",
        "only_comments": "# nothing\n\n   \n",
        "one_field": "img_0.JPEG\n",
        "label_only": "  7\n",
        "label_negative": "a.jpg -1\n",
        "label_plus": "a.jpg +1\n",
        "label_float": "a.jpg 1.5\n",
        "label_hex": "a.jpg 0x10\n",
        "label_int32_overflow": "a.jpg 2147483648\n",
        "label_int64_overflow": "a.jpg 9223372036854775808\n",
        "label_huge": "a.jpg " + "9" * 400 + "\n",
        "label_text": "a.jpg cat\n",
        "label_trailing": "a.jpg 3x\n",
        "comma_no_label": "a.jpg,\n",
        "comma_no_path": ", 3\n",
        "nul_byte": "a.jpg 1\nb\0.jpg 2\n",
        "line_9000": "a" * 9000 + " 1\n",
        "line_no_newline_9000": "a" * 8995 + " 1",
        "binary": bytes(range(256)).decode("latin1"),
        "npy_like_text": "\x93NUMPZ nothing\n",
        "bad_line_11": good + "broken line\n",
        "good_then_bad": good.replace("img_5.JPEG 1", "img_5.JPEG one"),
        "label_exponent": "a.jpg 1e3\n",
        "two_commas": "a.jpg, ,\n",
        "label_arabic_digit": "a.jpg \u0661\n".encode().decode("latin1"),
        "tabs_only": "\t\t\n",
        "crlf_bad": good.replace("\n", "\r\n").replace("img_2.JPEG 2", "img_2.JPEG"),
        "utf16": "\ufeffa.jpg 1\n".encode("utf-16").decode("latin1"),
        "label_only_digits_sep": "a.jpg 1 2 x\n",
        "comma_two_labels": "a.jpg, 1 2\n",
        "truncated_label": good[:len(good) - 3],
    }
    d = os.path.join(OUT, "list", "must")
    for name, text in must.items():
        write(os.path.join(d, name + ".txt"), text.encode("latin1"))
    # Label arrays: --labels (10 images), -i/-j masks and -l custom labels.
    res = os.path.join(OUT, "results")
    os.makedirs(res, exist_ok=True)
    np.save(os.path.join(res, "m_pytorch_imagenet_top5preds.npy"), rng.integers(0, 4, (10, 5)))
    np.save(os.path.join(res, "m_pytorch_imagenet_top5probs.npy"), rng.random((10, 5)).astype(np.float32))
    np.save(os.path.join(OUT, "labels10.npy"), rng.integers(0, 4, 10))
    np.save(os.path.join(OUT, "keep10.npy"), np.arange(10))  # -j with -l: custom labels for 10 kept images
    write(os.path.join(OUT, "list10.txt"), good)
    arrays = {
        "labels__2d": np.zeros((10, 1), np.int64),
        "labels__3d": np.zeros((10, 1, 1), np.int64),
        "labels__f16_fraction": np.full(10, 0.5, np.float16),
        "labels__fraction": np.full(10, 0.5),
        "labels__nan": np.full(10, np.nan, np.float32),
        "labels__inf": np.full(10, np.inf),
        "labels__u64_huge": np.full(10, 2 ** 64 - 1, np.uint64),
        "labels__f64_2pow63": np.full(10, 2.0 ** 63),
        "i__index_10": np.array([10]),
        "i__index_minus_11": np.array([-11]),
        "i__index_int64_min": np.array([-2 ** 63]),
        "i__index_u64_huge": np.array([2 ** 64 - 1], np.uint64),
        "i__float": np.array([1.0]),
        "i__all": np.arange(10),
        "j__mask_11": np.ones(11, bool),
        "j__mask_2d": np.ones((2, 5), bool),
        "j__empty": np.zeros(0, np.int64),
        "l__count_11": np.zeros(11, np.int64),
        "l__fraction": np.full(10, 1.25),
        "l__2d": np.zeros((10, 2), np.int64),
    }
    d = os.path.join(OUT, "labels", "must")
    os.makedirs(d, exist_ok=True)
    for name, a in arrays.items():
        np.save(os.path.join(d, name + ".npy"), a)
    print("list", len(must), 0)
    print("labels", len(arrays), 0)


# ---- TF.js model.json --------------------------------------------------------

def json_cases():
    fix = os.path.join(OUT, "json", "fixture")
    subprocess.run([sys.executable, os.path.join(HERE, "tfjs_fixture.py"), fix], check=True,
                   stdout=subprocess.DEVNULL)
    text = open(os.path.join(fix, "model.json")).read()
    doc = json.loads(text)
    shards = [f for f in os.listdir(fix) if f.endswith(".bin")]

    def variant(name, body, where="must"):
        d = os.path.join(OUT, "json", where, name)
        os.makedirs(d, exist_ok=True)
        for s in shards:
            shutil.copy(os.path.join(fix, s), d)
        write(os.path.join(d, "model.json"), body.encode() if isinstance(body, str) else body)

    def edit(fn):
        d = json.loads(text)
        fn(d)
        return json.dumps(d)

    layers = lambda d: d["modelTopology"]["model_config"]["config"]["layers"]
    man = lambda d: d["weightsManifest"]

    def set_layer(cls, key, value):
        def f(d):
            for l in layers(d):
                if l["class_name"] == cls:
                    l["config"][key] = value
                    return
            raise KeyError(cls)
        return f

    def set_weight(i, key, value):
        def f(d):
            man(d)[1]["weights"][i][key] = value
        return f

    def cycle(d):
        ls = layers(d)
        ls[1]["inbound_nodes"] = [[[ls[3]["name"], 0, 0, {}]]]

    must = {}
    n = len(text)
    for k, cut in enumerate(sorted({0, 1, 2, 10, 100} | {n * j // 8 for j in range(1, 8)} | {n - 1})):
        must[f"trunc_{k:02d}_{cut}"] = text[:cut]
    must.update({
        "not_json": "hello",
        "bom": "\ufeff" + text,
        "nul_byte": text[:50] + "\0" + text[50:],
        "unterminated_string": '{"format": "layers-model',
        "bad_escape": '{"a": "\\x41"}',
        "lone_surrogate": '{"a": "\\ud800"}',
        "u0000": '{"a": "b\\u0000c"}',
        "control_char": '{"a": "b\nc"}',
        "deep_arrays": "[" * 100000 + "]" * 100000,
        "deep_objects": '{"a":' * 5000 + "1" + "}" * 5000,
        "trailing_comma": '{"a": 1,}',
        "trailing_data": text + " {}",
        "number_too_long": "[" + "1" * 100 + "]",
        "leading_zero": "[01]",
        "top_level_array": "[]",
        "no_manifest": edit(lambda d: d.pop("weightsManifest")),
        "manifest_not_array": edit(lambda d: d.__setitem__("weightsManifest", {})),
        "no_topology": edit(lambda d: d.pop("modelTopology")),
        "shard_parent": edit(lambda d: man(d)[0]["paths"].__setitem__(0, "../model.json")),
        "shard_absolute": edit(lambda d: man(d)[0]["paths"].__setitem__(0, "/etc/passwd")),
        "shard_missing": edit(lambda d: man(d)[0]["paths"].__setitem__(0, "nope.bin")),
        "shard_not_string": edit(lambda d: man(d)[0]["paths"].__setitem__(0, 7)),
        "weight_shape_negative": edit(set_weight(0, "shape", [-1, 3])),
        "weight_shape_huge": edit(set_weight(0, "shape", [2 ** 40, 2 ** 40])),
        "weight_shape_2pow31": edit(set_weight(0, "shape", [2 ** 31, 1])),
        "weight_shape_float": edit(set_weight(0, "shape", [1.5])),
        "weight_dtype": edit(set_weight(0, "dtype", "complex64")),
        "weight_extra_bytes": edit(lambda d: man(d)[1]["weights"].pop()),
        "layer_unknown_class": edit(lambda d: layers(d)[2].__setitem__("class_name", "Lambda")),
        "layer_inbound_missing": edit(lambda d: layers(d)[2].__setitem__("inbound_nodes", [[["ghost", 0, 0, {}]]])),
        "layer_cycle": edit(cycle),
        "conv_filters_0": edit(set_layer("Conv2D", "filters", 0)),
        "conv_filters_huge": edit(set_layer("Conv2D", "filters", 2 ** 31)),
        "conv_kernel_0": edit(set_layer("Conv2D", "kernel_size", [0, 0])),
        "conv_kernel_huge": edit(set_layer("Conv2D", "kernel_size", [100000, 100000])),
        "conv_strides_0": edit(set_layer("Conv2D", "strides", [0, 0])),
        "conv_strides_negative": edit(set_layer("Conv2D", "strides", [-2, -2])),
        "conv_padding_bad": edit(set_layer("Conv2D", "padding", "reflect")),
        "input_shape_huge": edit(lambda d: layers(d)[0]["config"].__setitem__("batch_input_shape",
                                                                              [None, 1e9, 1e9, 3])),
        "input_shape_negative": edit(lambda d: layers(d)[0]["config"].__setitem__("batch_input_shape",
                                                                                  [None, -5, 31, 3])),
    })
    for name, body in must.items():
        variant(name, body)
    nmay = 0
    for k in range(16):
        b = bytearray(text.encode())
        for i in rng.integers(0, len(b), 2):
            b[i] ^= 1 << int(rng.integers(0, 7))
        variant(f"flip_{k:02d}", bytes(b), "may")
        nmay += 1
    print("json", len(must), nmay)


image_cases()
list_cases()
json_cases()
