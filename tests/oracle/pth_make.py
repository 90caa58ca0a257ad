#!/usr/bin/python3
"""Test fixtures for the .pth reader, written by Debian's torch 1.13 (the oracle).

usage: pth_make.py OUTDIR MARKER

OUTDIR/good/NAME.pth       checkpoints torch loads; NAME.expect is what
                           `zoobench inspect --crc [--unwrap]` must print
                           (NAME.flags holds the extra flags, if any)
OUTDIR/hostile/NAME.pth    checkpoints that must be refused with one error line;
                           the ones with a payload would create MARKER
OUTDIR/control.pkl         the os.system payload as a bare pickle (with a marker
                           path of MARKER + ".control") for a positive control
OUTDIR/mutant/must/*.pth   truncations and bit flips that must be refused
OUTDIR/mutant/may/*.pth    random bit flips: refused, or loaded cleanly
"""
import collections
import io
import os
import pickle
import random
import struct
import sys
import zipfile
import zlib

import torch

out, marker = sys.argv[1], sys.argv[2]
for d in ("good", "hostile", "mutant/must", "mutant/may"):
    os.makedirs(os.path.join(out, d), exist_ok=True)
gen = torch.Generator().manual_seed(20240607)
rng = random.Random(20240607)


def randn(*shape, dtype=torch.float32):
    return torch.randn(*shape, generator=gen).to(dtype)


def expect_text(sd):
    lines, total = [], 0
    for k, v in sd.items():
        f = v.detach().float().contiguous()
        crc = zlib.crc32(f.numpy().tobytes()) & 0xFFFFFFFF
        lines.append("%s\t%s\t%d\t%08x" % (k, tuple(v.shape), v.numel(), crc))
        total += v.numel()
    lines.append("# %d tensors, %d parameters" % (len(sd), total))
    return "\n".join(lines) + "\n"


def save_good(name, obj, sd, flags=""):
    for fmt, new in (("zip", True), ("legacy", False)):
        path = os.path.join(out, "good", "%s_%s.pth" % (name, fmt))
        torch.save(obj, path, _use_new_zipfile_serialization=new)
        # torch itself must accept it, with its restricted unpickler where the
        # file holds only what torch 1.13's allows (floats are not)
        torch.load(path, weights_only="best_acc1" not in obj)
        with open(path[:-4] + ".expect", "w") as f:
            f.write(expect_text(sd))
        if flags:
            with open(path[:-4] + ".flags", "w") as f:
                f.write(flags)


# 1. many dtypes, views, shared storages, offsets, scalars, empties
base = randn(6, 8)
shared = randn(40)
sd = collections.OrderedDict()
sd["conv.weight"] = randn(4, 3, 3, 3)
sd["conv.bias"] = randn(4)
sd["half"] = randn(5, 7, dtype=torch.float16)
sd["double"] = randn(3, 2, dtype=torch.float64)
sd["bf16"] = randn(9, dtype=torch.bfloat16)
sd["bn.num_batches_tracked"] = torch.tensor(12345, dtype=torch.int64)
sd["int32"] = torch.randint(-1000, 1000, (2, 5), generator=gen, dtype=torch.int32)
sd["int16"] = torch.randint(-1000, 1000, (4,), generator=gen, dtype=torch.int16)
sd["int8"] = torch.randint(-128, 127, (4,), generator=gen, dtype=torch.int8)
sd["uint8"] = torch.randint(0, 255, (3, 3), generator=gen, dtype=torch.uint8)
sd["mask"] = torch.rand(6, generator=gen) > 0.5
sd["transposed"] = base.t()                      # non-contiguous view of base
sd["base"] = base                                 # same storage
sd["strided"] = base[1:5:2, ::3]                  # offset + strides
sd["shared.a"] = shared[3:23].view(4, 5)          # offset into a shared storage
sd["shared.b"] = shared[10:30]
sd["expanded"] = randn(3, 1).expand(3, 4)         # zero stride
sd["scalar"] = torch.tensor(3.25)
sd["empty"] = torch.empty(0, 3)
sd["permuted4d"] = randn(2, 3, 4, 5).permute(3, 1, 0, 2)
sd["half.view"] = randn(8, 6, dtype=torch.float16)[::2, 1::2]
sd["param"] = torch.nn.Parameter(randn(2, 2))
save_good("mixed", sd, sd)

# 2. a real module's state_dict (OrderedDict with _metadata, BN buffers)
net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
                          torch.nn.Linear(8, 10))
with torch.no_grad():
    for p in net.parameters():
        p.copy_(randn(*p.shape))
net[1].running_mean.copy_(randn(8))
net[1].running_var.copy_(randn(8).abs() + 0.5)
msd = net.state_dict()
save_good("module", msd, msd)

# torchvision 0.14 architectures (random weights, BN statistics randomised),
# named in $PTH_MODELS (comma-separated), e.g. "squeezenet1_1,resnet18"
for arch in filter(None, os.environ.get("PTH_MODELS", "").split(",")):
    import torchvision
    torch.manual_seed(1)
    model = getattr(torchvision.models, arch)(**({"aux_logits": True, "init_weights": False}
                                                 if arch == "inception_v3" else {}))
    tsd = model.state_dict()
    for k, v in tsd.items():
        if k.endswith("running_mean") or k.endswith("running_var"):
            v.copy_(torch.rand(v.shape, generator=gen) + 0.5)
    save_good("tv_" + arch, tsd, tsd)

# 3. nested and DataParallel-prefixed checkpoints: need --unwrap
save_good("nested", {"epoch": 7, "arch": "toy", "state_dict": msd, "best_acc1": 0.5}, msd, "--unwrap")
dp = collections.OrderedDict(("module." + k, v) for k, v in msd.items())
save_good("dataparallel", dp, msd, "--unwrap")
save_good("nested_model", {"model": dp}, msd, "--unwrap")
# the same without --unwrap must fail with a hint
for name, obj in (("nested_noflag", {"epoch": 1, "state_dict": msd}), ("dataparallel_noflag", dp)):
    torch.save(obj, os.path.join(out, "hostile", name + ".pth"))


# ---- hand-made pickles --------------------------------------------------------

class Storage:
    """Stands for a storage; pickled as torch's persistent id."""

    def __init__(self, key, typ, numel, view=None):
        self.key, self.typ, self.numel, self.view = key, typ, numel, view


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, collections.OrderedDict())

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, self.args)


class Pickler(pickle.Pickler):
    legacy = False

    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            if self.legacy:
                return ("storage", obj.typ, obj.key, "cpu", obj.numel, obj.view)
            return ("storage", obj.typ, obj.key, "cpu", obj.numel)
        return None


def dumps(obj, legacy=False, protocol=2):
    b = io.BytesIO()
    p = Pickler(b, protocol=protocol)
    p.legacy = legacy
    p.dump(obj)
    return b.getvalue()


def zip_bytes(pkl, storages, prefix="archive"):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z:
        z.writestr(prefix + "/data.pkl", pkl)
        for k, v in storages.items():
            z.writestr(prefix + "/data/" + k, v)
        z.writestr(prefix + "/version", b"3\n")
    return b.getvalue()


def legacy_bytes(pkl, storages):
    sysinfo = dict(protocol_version=1001, little_endian=True, type_sizes=dict(short=2, int=4, long=4))
    b = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2) + pickle.dumps(1001, protocol=2)
    b += pickle.dumps(sysinfo, protocol=2) + pkl + pickle.dumps(sorted(storages), protocol=2)
    for k in sorted(storages):
        data, elsize = storages[k]
        b += struct.pack("<q", len(data) // elsize) + data
    return b


def write(sub, name, data):
    with open(os.path.join(out, sub, name), "wb") as f:
        f.write(data)


f32 = lambda n: struct.pack("<%df" % n, *[i * 0.5 for i in range(n)])

# a hand-made legacy file with a storage view (view_metadata), which torch >= 1.x
# never writes but older torch did: torch.load must read it
view = Storage("root", torch.FloatStorage, 10, ("view1", 2, 6))
hm = {"v": Tensor(view, 1, (2, 2), (2, 1))}
path = os.path.join(out, "good", "view_legacy.pth")
write("good", "view_legacy.pth", legacy_bytes(dumps(hm, legacy=True), {"root": (f32(10), 4)}))
ref = torch.load(path, weights_only=True)
with open(path[:-4] + ".expect", "w") as f:
    f.write(expect_text(ref))


class System:
    def __init__(self, cmd):
        self.cmd = cmd

    def __reduce__(self):
        return (os.system, (self.cmd,))


payload = {"w": System("touch " + marker)}
write("hostile", "reduce_system_zip.pth", zip_bytes(pickle.dumps(payload, protocol=2), {}))
write("hostile", "reduce_system_legacy.pth", legacy_bytes(pickle.dumps(payload, protocol=2), {}))
# the payload hidden as a tensor's storage offset
tw = Tensor(Storage("0", torch.FloatStorage, 4), System("touch " + marker), (4,), (1,))
write("hostile", "reduce_in_tensor.pth", zip_bytes(dumps({"w": tw}), {"0": f32(4)}))
write(".", "control.pkl", pickle.dumps({"w": System("touch " + marker + ".control")}, protocol=2))
# protocol 4 and 5 pickles of a plain state_dict
for proto in (4, 5):
    torch.save({"w": randn(3)}, os.path.join(out, "hostile", "protocol%d.pth" % proto), pickle_protocol=proto)
    torch.save({"w": randn(3)}, os.path.join(out, "hostile", "protocol%d_legacy.pth" % proto), pickle_protocol=proto,
               _use_new_zipfile_serialization=False)


def ustr(s):
    s = s.encode()
    return b"X" + struct.pack("<I", len(s)) + s


# STACK_GLOBAL under protocol 2
sg = b"\x80\x02" + ustr("posix") + ustr("system") + b"\x93" + ustr("touch " + marker) + b"\x85R."
write("hostile", "stack_global.pth", zip_bytes(sg, {}))
# unknown globals
for name, mod, fn in (("global_eval", "builtins", "eval"), ("global_torch_load", "torch", "load"),
                      ("global_load_from_bytes", "torch.storage", "_load_from_bytes")):
    g = b"\x80\x02c" + mod.encode() + b"\n" + fn.encode() + b"\n" + ustr("1") + b"\x85R."
    write("hostile", name + ".pth", zip_bytes(g, {}))
# a whole pickled module (torch.save(model)) needs its class: refused
torch.save(torch.nn.Linear(2, 2), os.path.join(out, "hostile", "pickled_module.pth"))
# INST, OBJ, EXT1
write("hostile", "inst.pth", zip_bytes(b"\x80\x02(iposix\nsystem\n.", {}))
write("hostile", "obj.pth", zip_bytes(b"\x80\x02(cposix\nsystem\no.", {}))
write("hostile", "ext1.pth", zip_bytes(b"\x80\x02\x82\x01.", {}))
# deep nesting: 100k MARKs; 100k nested lists; 100k nested tuples
write("hostile", "deep_marks.pth", zip_bytes(b"\x80\x02" + b"(" * 100000 + b"t" * 100000 + b".", {}))
write("hostile", "deep_lists.pth", zip_bytes(b"\x80\x02" + b"]" * 100000 + b"a" * 99999 + b".", {}))
write("hostile", "deep_tuples.pth", zip_bytes(b"\x80\x02N" + b"\x85" * 100000 + b".", {}))
# huge declared sizes
write("hostile", "huge_unicode.pth", zip_bytes(b"\x80\x02X\xf0\xff\xff\xff" + b"a" * 10 + b".", {}))
write("hostile", "huge_memo.pth", zip_bytes(b"\x80\x02Nr\xff\xff\xff\xff.", {}))
write("hostile", "huge_numel.pth", zip_bytes(dumps({"w": Tensor(Storage("0", torch.FloatStorage, 2**62), 0, (4,), (1,))}),
                                             {"0": f32(4)}))
write("hostile", "huge_numel_entry.pth",
      zip_bytes(dumps({"w": Tensor(Storage("0", torch.FloatStorage, 2**40), 0, (4,), (1,))}), {"0": f32(4)}))
write("hostile", "huge_shape.pth",
      zip_bytes(dumps({"w": Tensor(Storage("0", torch.FloatStorage, 4), 0, (2**40, 2**40), (1, 1))}), {"0": f32(4)}))
write("hostile", "huge_expand.pth",
      zip_bytes(dumps({"w": Tensor(Storage("0", torch.FloatStorage, 4), 0, (2**33,), (0,))}), {"0": f32(4)}))
write("hostile", "negative_shape.pth",
      zip_bytes(dumps({"w": Tensor(Storage("0", torch.FloatStorage, 4), 0, (-1, 4), (4, 1))}), {"0": f32(4)}))
write("hostile", "negative_offset.pth",
      zip_bytes(dumps({"w": Tensor(Storage("0", torch.FloatStorage, 4), -2, (4,), (1,))}), {"0": f32(4)}))
write("hostile", "huge_legacy_numel.pth",
      legacy_bytes(dumps({"w": Tensor(Storage("0", torch.FloatStorage, 4, None), 0, (4,), (1,))}, legacy=True),
                   {"0": (f32(4), 4)})[:-24] + struct.pack("<q", 2**61) + f32(2))
# storage shorter than its tensor, in both formats, and the offset variant
short = {"w": Tensor(Storage("0", torch.FloatStorage, 4), 0, (10,), (1,))}
write("hostile", "short_storage_zip.pth", zip_bytes(dumps(short), {"0": f32(4)}))
shortl = {"w": Tensor(Storage("0", torch.FloatStorage, 4, None), 0, (10,), (1,))}
write("hostile", "short_storage_legacy.pth", legacy_bytes(dumps(shortl, legacy=True), {"0": (f32(4), 4)}))
write("hostile", "short_offset.pth",
      zip_bytes(dumps({"w": Tensor(Storage("0", torch.FloatStorage, 4), 2, (2, 2), (2, 1))}), {"0": f32(4)}))
# a storage the archive lacks, declared large: refused before allocating
write("hostile", "missing_entry.pth",
      zip_bytes(dumps({"w": Tensor(Storage("7", torch.FloatStorage, 2**28), 0, (2**28,), (1,))}), {"0": f32(4)}))
# decompression bombs: a 64 MiB storage and an 8 MiB data.pkl of zeros, deflated
def zip_deflated(entries):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for k, v in entries.items():
            z.writestr(k, v)
    return b.getvalue()


bomb = dumps({"w": Tensor(Storage("0", torch.FloatStorage, 2**24), 0, (2**24,), (1,))})
write("hostile", "bomb_storage.pth", zip_deflated({"archive/data.pkl": bomb, "archive/data/0": bytes(2**26),
                                                   "archive/version": b"3\n"}))
write("hostile", "bomb_pickle.pth", zip_deflated({"archive/data.pkl": b"\x80\x02N" + b"\x85" * 2**23 + b".",
                                                  "archive/version": b"3\n"}))
# storage entry size disagrees with the pickle
write("hostile", "entry_size.pth",
      zip_bytes(dumps({"w": Tensor(Storage("0", torch.FloatStorage, 4), 0, (4,), (1,))}), {"0": f32(3)}))
# a complex storage: allowed global, not loadable
write("hostile", "complex_storage.pth",
      zip_bytes(dumps({"w": Tensor(Storage("0", torch.ComplexFloatStorage, 2), 0, (2,), (1,))}), {"0": f32(4)}))
# cyclic structures
cyc = {}
cyc["a"] = cyc
torch.save(cyc, os.path.join(out, "hostile", "cyclic_dict.pth"))
lst = []
lst.append(lst)
torch.save({"w": lst}, os.path.join(out, "hostile", "cyclic_list.pth"))
torch.save(lst, os.path.join(out, "hostile", "cyclic_top.pth"), _use_new_zipfile_serialization=False)

# container damage: truncated zip, bad CRC, polyglots
good = open(os.path.join(out, "good", "module_zip.pth"), "rb").read()
goodl = open(os.path.join(out, "good", "module_legacy.pth"), "rb").read()
write("hostile", "truncated_zip.pth", good[: len(good) // 2])
z = zipfile.ZipFile(io.BytesIO(good))
info = [i for i in z.infolist() if i.filename.endswith("/data/0")][0]
# local header: 30 bytes + name + extra, then the data
lh = info.header_offset
nlen, xlen = struct.unpack("<HH", good[lh + 26: lh + 30])
pos = lh + 30 + nlen + xlen + 1
bad = bytearray(good)
bad[pos] ^= 0x10
write("hostile", "bad_crc.pth", bytes(bad))
write("hostile", "polyglot_legacy_plus_zip.pth", goodl + good)
write("hostile", "polyglot_zip_plus_pickle.pth", good + pickle.dumps(payload, protocol=2))
write("hostile", "polyglot_prefixed_zip.pth", pickle.dumps(payload, protocol=2) + good)
write("hostile", "empty.pth", b"")
write("hostile", "random.pth", bytes(rng.randrange(256) for _ in range(1000)))

# ---- mutants: truncations at many offsets and bit flips ----------------------
small = os.path.join(out, "good", "module_zip.pth")
smalll = os.path.join(out, "good", "module_legacy.pth")
n = 0
for src, data in (("zip", good), ("legacy", goodl)):
    for i in range(24):
        cut = rng.randrange(0, len(data))
        write("mutant/must", "trunc_%s_%d.pth" % (src, cut), data[:cut])
        n += 1
# zip: a flipped bit inside an entry's data always breaks its CRC
for info in z.infolist():
    lh = info.header_offset
    nlen, xlen = struct.unpack("<HH", good[lh + 26: lh + 30])
    start = lh + 30 + nlen + xlen
    for _ in range(2):
        if info.file_size == 0:
            continue
        p = start + rng.randrange(info.file_size)
        b = bytearray(good)
        b[p] ^= 1 << rng.randrange(8)
        write("mutant/must", "flip_zipdata_%d.pth" % p, bytes(b))
# legacy: flips in the magic number and in storage sizes always break it
for p in range(4, 12):
    b = bytearray(goodl)
    b[p] ^= 1 << rng.randrange(8)
    write("mutant/must", "flip_magic_%d.pth" % p, bytes(b))
# random flips anywhere
for src, data in (("zip", good), ("legacy", goodl)):
    for _ in range(40):
        p = rng.randrange(len(data))
        b = bytearray(data)
        b[p] ^= 1 << rng.randrange(8)
        write("mutant/may", "flip_%s_%d.pth" % (src, p), bytes(b))
