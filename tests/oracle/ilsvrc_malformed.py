#!/usr/bin/python3
"""Malformed ILSVRC2012 val tars, devkits, meta.mat files, ground-truth texts
and weight-cache pins, for tests/integration/ilsvrc_hostile.sh (Debian's
/usr/bin/python3 with numpy and scipy).  Everything is seeded.

  ilsvrc_malformed.py DIR    writes DIR/good.tar, DIR/good.tar.gz (a valid val
                             tar + devkit: 14 images, 6 leaf synsets), the cases
                             under DIR/c/, and DIR/cases.tsv with one line per
                             case: format, name, val tar, devkit, the file the
                             error must name.  Pin cases: format 'pin', the pin
                             file's content in DIR/c/<name>.sha256 (tar and
                             devkit columns '-').

Each case is malformed by construction (the test checks that zoobench refuses
every one with a single error line); the builders are also used by
fuzz/make_corpus_ilsvrc.py for the fuzz seeds.
"""
import gzip
import io
import os
import random
import struct
import sys
import tarfile
import zlib

import numpy as np

N_IMAGES = 14
WNIDS = ["n04000001", "n01000003", "n02000002", "n01000001", "n03000009", "n02000005"]
GT = [1 + (i * 5 + 3) % 6 for i in range(N_IMAGES)]
FIELDS = ["ILSVRC2012_ID", "WNID", "words", "gloss", "num_children", "children", "wordnet_height",
          "num_train_images"]


def synsets(n_leaves=6, ids=None, wnids=None, children=None):
    """The devkit's 'synsets' struct array: leaves (num_children 0), then one parent."""
    wnids = wnids or WNIDS[:n_leaves]
    ids = ids or [np.array([[i + 1]], dtype=np.uint8) for i in range(n_leaves)]
    children = children or [np.array([[0]], dtype=np.uint8)] * n_leaves
    syn = np.zeros((n_leaves + 1,), dtype=[(f, "O") for f in FIELDS])
    for i in range(n_leaves):
        syn[i] = (ids[i], wnids[i], "thing %d" % i, "gloss", children[i], np.zeros((1, 0)),
                  np.array([[0]], dtype=np.uint8), np.array([[1300]], dtype=np.uint16))
    syn[n_leaves] = (np.array([[n_leaves + 1]], dtype=np.uint8), "n09999999", "parent", "gloss",
                     np.array([[n_leaves]], dtype=np.uint8), np.arange(1, n_leaves + 1, dtype=np.uint8)[None],
                     np.array([[1]], dtype=np.uint8), np.array([[0]], dtype=np.uint16))
    return syn


def meta_mat(syn=None, compress=False, name="synsets"):
    import scipy.io as sio
    b = io.BytesIO()
    sio.savemat(b, {name: (synsets() if syn is None else syn)[:, None]}, format="5",
                do_compression=compress)
    return b.getvalue()


def gt_text(ids=None):
    return "".join("%d\n" % g for g in (GT if ids is None else ids)).encode()


def tar_bytes(members, fmt=tarfile.USTAR_FORMAT, mode="w"):
    """members: (name, bytes) or (TarInfo, bytes)."""
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode=mode, format=fmt) as t:
        for name, data in members:
            ti = name if isinstance(name, tarfile.TarInfo) else tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 1234567890
            t.addfile(ti, io.BytesIO(data))
    return b.getvalue()


def devkit(meta=None, gt=None, extra=()):
    members = [("ILSVRC2012_devkit_t12/data/meta.mat", meta_mat() if meta is None else meta),
               ("ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt", gt_text() if gt is None else gt),
               ("ILSVRC2012_devkit_t12/readme.txt", b"test devkit\n")]
    return gzip.compress(tar_bytes(list(members) + list(extra)), mtime=0)


def images(n=N_IMAGES, seed=5):
    r = random.Random(seed)
    return [("ILSVRC2012_val_%08d.JPEG" % (i + 1), bytes(r.getrandbits(8) for _ in range(200 + 37 * i)))
            for i in range(n)]


def val_tar(members=None):
    return tar_bytes(images() if members is None else members)


# ---- byte-level tools --------------------------------------------------------

def flip(b, off, mask):
    b = bytearray(b)
    b[off] ^= mask
    return bytes(b)


def set_header_field(tar, hdr, off, width, value):
    """Writes value (bytes) into field `off` of header number `hdr` and fixes the checksum."""
    b = bytearray(tar)
    h = header_offsets(tar)[hdr]
    b[h + off:h + off + width] = value.ljust(width, b"\0")[:width]
    b[h + 148:h + 156] = b" " * 8
    b[h + 148:h + 156] = b"%06o\0 " % sum(b[h:h + 512])
    return bytes(b)


def header_offsets(tar):
    """The offsets of the member headers of a plain ustar archive."""
    out, off = [], 0
    while off + 512 <= len(tar) and tar[off:off + 512] != b"\0" * 512:
        out.append(off)
        size = int(tar[off + 124:off + 136].strip(b"\0 ") or b"0", 8)
        off += 512 + (size + 511) // 512 * 512
    return out


def gzip_bomb(total, member="ILSVRC2012_devkit_t12/data/zeros.bin"):
    """A gzip'ed tar holding one member of `total` zero bytes, made in pieces."""
    ti = tarfile.TarInfo(member)
    ti.size = total
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [c.compress(ti.tobuf(format=tarfile.USTAR_FORMAT))]
    chunk = b"\0" * (1 << 20)
    left = total + 1024 + (-total) % 512
    while left > 0:
        parts.append(c.compress(chunk[:min(left, len(chunk))]))
        left -= len(chunk)
    parts.append(c.flush())
    return b"".join(parts)


# ---- the cases ---------------------------------------------------------------

def tar_cases(good):
    hdrs = header_offsets(good)
    c = []
    # truncation inside headers and inside member data (a cut between members would be a shorter valid tar)
    for k, h in enumerate(hdrs[:8]):
        c.append(("trunc-hdr%d" % k, good[:h + 100 + 41 * k]))
        c.append(("trunc-data%d" % k, good[:h + 512 + 17 + 13 * k]))
    # bit flips in header fields: the header checksum catches them
    for k, (field, mask) in enumerate([(0, 0x01), (100, 0x02), (124, 0x04), (136, 0x08), (152, 0x01),
                                       (156, 0x20), (257, 0x40), (345, 0x80), (130, 0x01), (5, 0x80)]):
        c.append(("flip-hdr%d-%d" % (k % len(hdrs), field), flip(good, hdrs[k % len(hdrs)] + field, mask)))
    # declared sizes beyond the file, with valid checksums
    c.append(("size-8GiB", set_header_field(good, 0, 124, 12, b"%011o" % (8 << 30))))
    c.append(("size-max-octal", set_header_field(good, 1, 124, 12, b"77777777777")))
    c.append(("size-base256-huge", set_header_field(good, 2, 124, 12, b"\x80" + b"\0" * 3 + b"\x7f" + b"\xff" * 7)))
    c.append(("size-base256-negative", set_header_field(good, 3, 124, 12, b"\xff" * 12)))
    c.append(("size-garbage", set_header_field(good, 4, 124, 12, b"9z9z9z9z9z9")))
    # names that are not plain file names (path traversal, directories)
    data = images(3)
    for k, name in enumerate(["../evil.JPEG", "/etc/evil.JPEG", "a/../../evil.JPEG", "sub/x.JPEG", "..",
                              "x" * 256 + ".JPEG"]):
        fmt = tarfile.PAX_FORMAT if len(name) > 100 else tarfile.USTAR_FORMAT
        c.append(("name-%d" % k, tar_bytes(data[:2] + [(name, b"abc")], fmt)))
    c.append(("name-gnu-long-traversal", tar_bytes(data[:1] + [("../" * 40 + "evil.JPEG", b"x")], tarfile.GNU_FORMAT)))
    c.append(("name-pax-traversal", tar_bytes(data[:1] + [("a" * 120 + "/../../evil.JPEG", b"x")], tarfile.PAX_FORMAT)))
    # structure
    c.append(("more-images-than-gt", val_tar(images(N_IMAGES + 1))))
    c.append(("duplicate-member", val_tar(images(3) + images(1))))
    c.append(("empty-file", b""))
    c.append(("zeros-only", b"\0" * 10240))
    c.append(("random-bytes", bytes(random.Random(1).getrandbits(8) for _ in range(5000))))
    c.append(("gzip-compressed", gzip.compress(good, mtime=0)))
    return c


def devkit_cases(good):
    c = []
    # truncation of the .gz well before the end of the tar's content
    for k in range(12):
        c.append(("trunc-%d" % k, good[:10 + k * (len(good) * 6 // 10) // 12]))
    # bit flips in the deflate stream: a bad stream, a wrong CRC or a broken tar
    r = random.Random(4)
    for k in range(8):
        off = 20 + r.randrange(len(good) // 2)
        c.append(("flip-deflate-%d" % k, flip(good, off, 1 << r.randrange(8))))
    c.append(("flip-magic", flip(good, 0, 0x01)))
    c.append(("flip-method", flip(good, 2, 0x01)))
    # members declared larger than the caps, and decompression bombs
    big = tarfile.TarInfo("ILSVRC2012_devkit_t12/data/meta.mat")
    big.size = 8 << 30
    c.append(("declared-8GiB", gzip.compress(big.tobuf(format=tarfile.GNU_FORMAT), mtime=0)))
    c.append(("bomb-300MiB", gzip_bomb(300 << 20)))
    c.append(("bomb-meta-40MiB", gzip_bomb(40 << 20, "ILSVRC2012_devkit_t12/data/meta.mat")))
    c.append(("bomb-gt-40MiB", gzip_bomb(40 << 20, "ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt")))
    # missing members, wrong container
    t = tar_bytes([("ILSVRC2012_devkit_t12/data/meta.mat", meta_mat())])
    c.append(("no-gt", gzip.compress(t, mtime=0)))
    t = tar_bytes([("ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt", gt_text())])
    c.append(("no-meta", gzip.compress(t, mtime=0)))
    c.append(("empty-file", b""))
    c.append(("gzip-of-nothing", gzip.compress(b"", mtime=0)))
    c.append(("gzip-of-text", gzip.compress(b"hello\n" * 100, mtime=0)))
    c.append(("zip-not-tar", b"PK\x03\x04" + bytes(200)))
    readme = tarfile.TarInfo("ILSVRC2012_devkit_t12/readme.txt")
    readme.size = 1 << 40
    mm = tarfile.TarInfo("ILSVRC2012_devkit_t12/data/meta.mat")
    mm.size = len(meta_mat())
    c.append(("readme-1TiB", gzip.compress(mm.tobuf(format=tarfile.USTAR_FORMAT) + meta_mat() + bytes(-mm.size % 512) +
                                           readme.tobuf(format=tarfile.GNU_FORMAT), mtime=0)))
    c.append(("crc-wrong", flip(good, len(good) - 6, 0x10)))
    c.append(("length-wrong", flip(good, len(good) - 3, 0x01)))
    return c


def meta_cases():
    good = meta_mat()
    c = []
    # truncation after the 128-byte header, inside the variable
    for k in range(14):
        c.append(("trunc-%d" % k, good[:60 + k * (len(good) - 100) // 14]))
    # the top-level variable: miMATRIX tag at 128, array flags at 136, dims tag at 152, dims at 160
    def put(off, fmt, *v):
        b = bytearray(good)
        struct.pack_into(fmt, b, off, *v)
        return bytes(b)
    c.append(("dims-huge", put(160, "<ii", 0x7fffffff, 0x7fffffff)))
    c.append(("dims-1M+1", put(160, "<ii", (1 << 20) + 1, 1)))
    c.append(("dims-negative", put(160, "<ii", -1, 1)))
    c.append(("dims-zero", put(160, "<ii", 0, 1)))
    c.append(("matrix-nbytes-huge", put(132, "<I", 0xfffffff0)))
    c.append(("matrix-nbytes-small", put(132, "<I", 16)))
    c.append(("class-cell", put(136 + 8, "<B", 1)))
    c.append(("version-7.3", put(124, "<H", 0x0200)))
    c.append(("endian-garbage", put(126, "2s", b"XX")))
    # well-formed files with the wrong content
    c.append(("no-synsets", meta_mat(name="other")))
    syn = synsets()
    syn["WNID"][2] = syn["WNID"][0]
    c.append(("duplicate-wnid", meta_mat(syn)))
    for k, bad in enumerate([np.array([[-3]], dtype=np.int16), np.array([[1.5]]), np.array([[np.nan]]),
                             np.array([[1e30]]), np.array([[1 + 2j]]), "seven", np.zeros((0, 0))]):
        syn = synsets()
        syn["ILSVRC2012_ID"][1] = bad
        c.append(("id-%d" % k, meta_mat(syn)))
    syn = synsets()
    syn["WNID"][3] = np.array([[5]], dtype=np.uint8)
    c.append(("wnid-numeric", meta_mat(syn)))
    syn = synsets()
    syn["WNID"][3] = "n" * 100
    c.append(("wnid-long", meta_mat(syn)))
    syn = synsets()
    syn["num_children"][0] = np.array([[np.inf]])
    c.append(("children-inf", meta_mat(syn)))
    syn = synsets(children=[np.array([[1]], dtype=np.uint8)] * 6)
    c.append(("no-leaves", meta_mat(syn)))
    syn = np.zeros((3,), dtype=[("ILSVRC2012_ID", "O"), ("words", "O")])
    for i in range(3):
        syn[i] = (np.array([[i + 1]]), "w")
    c.append(("fields-missing", meta_mat(syn)))
    import scipy.io as sio
    b = io.BytesIO()
    sio.savemat(b, {"synsets": np.arange(12.0).reshape(3, 4)}, format="5")
    c.append(("synsets-matrix", b.getvalue()))
    b = io.BytesIO()
    sio.savemat(b, {"x": np.zeros(3)}, format="4")
    c.append(("mat-v4", b.getvalue()))
    # a compressed variable that inflates to 64 MiB of zeros
    z = zlib.compress(struct.pack("<II", 14, 64 << 20) + bytes(64 << 20), 9)
    c.append(("zlib-bomb", good[:128] + struct.pack("<II", 15, len(z)) + z))
    c.append(("compressed-trunc", meta_mat(compress=True)[:300]))
    # the same lies one level down: a field's dims, and dims inside a compressed variable
    first = 200 + struct.unpack_from("<I", good, 196)[0]  # after the field names' element at 192
    assert struct.unpack_from("<I", good, first)[0] == 14  # the first field's matrix
    c.append(("field-dims-huge", put(first + 32, "<ii", 0x10000, 0x10000)))
    var = bytearray(good[128:])
    struct.pack_into("<ii", var, 32, 0x7fffffff, 3)
    z = zlib.compress(bytes(var), 6)
    c.append(("compressed-dims-huge", good[:128] + struct.pack("<II", 15, len(z)) + z))
    return c


def gt_cases():
    good = gt_text()
    c = []
    # fewer lines than images: cut at every line start
    starts = [0] + [i + 1 for i, ch in enumerate(good) if ch == ord("\n")][:-1]
    for k, s in enumerate(starts):
        c.append(("trunc-line%d" % k, good[:s]))
    # bit 0x40 turns a digit or a newline into a letter
    for k in range(8):
        c.append(("flip-%d" % k, flip(good, (k * 7) % len(good), 0x40)))
    lines = good.decode().split("\n")[:-1]
    for k, v in enumerate(["-1", "0", "7", "2147483648", "99999999999999999999", "1e3", "0x1", "\ufeff1", "1" * 10000,
                           "1\x002"]):
        l2 = list(lines)
        l2[k % len(l2)] = v
        c.append(("value-%d" % k, ("\n".join(l2) + "\n").encode()))
    return c


def pin_cases():
    h = "0123456789abcdef" * 4
    c = []
    for n in [0, 1, 8, 32, 63]:
        c.append(("short-%d" % n, h[:n].encode()))
    for k, off in enumerate([0, 9, 17, 31, 40, 55, 63]):
        c.append(("flip-%d" % k, flip(h.encode(), off, 0x40)))
    c.append(("long-65", (h + "0").encode()))
    c.append(("long-128", (h * 2).encode()))
    c.append(("dash-sep", (h + "-x").encode()))
    c.append(("leading-space", (" " + h).encode()))
    c.append(("nul-inside", (h[:20] + "\0" + h[21:]).encode()))
    c.append(("nul-after", (h + "\0").encode()))
    c.append(("utf16", h.encode("utf-16")))
    c.append(("binary", bytes(random.Random(2).getrandbits(8) for _ in range(100))))
    c.append(("huge", ((h + "\n") * 1000).encode()))
    c.append(("md5-length", h[:32].encode() + b"\n"))
    c.append(("sha1-length", h[:40].encode() + b"\n"))
    c.append(("sha512-length", (h * 2).encode() + b"\n"))
    c.append(("uppercase-G", ("G" + h[1:]).encode()))
    c.append(("whitespace-only", b" \n\t\n"))
    c.append(("newline-first", ("\n" + h).encode()))
    c.append(("crlf-inside", (h[:30] + "\r\n" + h[30:]).encode()))
    c.append(("prefix-0x", ("0x" + h).encode()))
    c.append(("base64", b"ASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4mrze8=\n"))
    c.append(("json", ('{"sha256": "%s"}' % h).encode()))
    c.append(("sha256sum-star", ("*" + h).encode()))
    c.append(("tab-inside", (h[:10] + "\t" + h[10:]).encode()))
    return c


def main(root):
    cdir = os.path.join(root, "c")
    os.makedirs(cdir, exist_ok=True)
    good_tar, good_dk = os.path.join(root, "good.tar"), os.path.join(root, "good.tar.gz")
    gtar, gdk = val_tar(), devkit()
    open(good_tar, "wb").write(gtar)
    open(good_dk, "wb").write(gdk)
    rows = []

    def emit(fmt, name, tar=None, dk=None, names=None):
        if tar is not None:
            p = os.path.join(cdir, "%s-%s.tar" % (fmt, name))
            open(p, "wb").write(tar)
        if dk is not None:
            p2 = os.path.join(cdir, "%s-%s.tar.gz" % (fmt, name))
            open(p2, "wb").write(dk)
        t = p if tar is not None else good_tar
        d = p2 if dk is not None else good_dk
        rows.append((fmt, name, t, d, {"tar": t, "devkit": d}[names]))

    for name, b in tar_cases(gtar):
        emit("tar", name, tar=b, names="tar")
    for name, b in devkit_cases(gdk):
        emit("devkit", name, dk=b, names="devkit")
    for name, b in meta_cases():
        emit("meta", name, dk=devkit(meta=b), names="devkit")
    for name, b in gt_cases():
        # fewer lines than images is found while listing the tar, which the message names
        short = b.count(b"\n") < N_IMAGES and b"\x40" not in b and all(ch in b"0123456789\n" for ch in b)
        emit("gt", name, dk=devkit(gt=b), names="tar" if short else "devkit")
    for name, b in pin_cases():
        p = os.path.join(cdir, "pin-%s.sha256" % name)
        open(p, "wb").write(b)
        rows.append(("pin", name, "-", "-", p))
    with open(os.path.join(root, "cases.tsv"), "w") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
