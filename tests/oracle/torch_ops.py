#!/usr/bin/python3
"""Oracle for the engine's op tests: each op on odd shapes, computed by torch
1.13 / numpy (Debian's /usr/bin/python3), torch and keras conventions.

torch_ops.py OUT_DIR writes OUT_DIR/manifest.txt (one "name op" per line)
and OUT_DIR/<name>.raw holding (see tests/unit/raw.h) the input "__x__" (and
"__x1__", "__x2__"), NHWC; weights under the keys the test declares; the
op's integer/float parameters as "__params__"; the expected output "__y__",
NHWC."""
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_grad_enabled(False)
rng = np.random.default_rng(2024)
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
manifest = []


def r(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


def nchw(x):  # NHWC numpy -> NCHW torch
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def nhwc(t):
    return np.ascontiguousarray(t.numpy().transpose(0, 2, 3, 1))


def save(name, op, params, y, **tensors):
    with open(os.path.join(out, name + ".raw"), "wb") as f:
        items = list(tensors.items()) + [("__params__", np.array(params, np.float32)), ("__y__", y)]
        for k, a in items:
            a = np.ascontiguousarray(a, dtype="<f4")
            kb = k.encode()
            f.write(struct.pack("<I", len(kb)) + kb + struct.pack("<I", a.ndim))
            f.write(struct.pack("<%dq" % a.ndim, *a.shape))
            f.write(a.tobytes())
    manifest.append("%s %s" % (name, op))


# ---- conv2d: [cout, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr, groups, bias, layout(0 OIHW, 1 HWIO, 2 HWIM)]
def conv(name, n, h, w, cin, cout, kh, kw, s=(1, 1), d=(1, 1), pad=(0, 0, 0, 0), groups=1, bias=True, layout=0):
    x = r(n, h, w, cin)
    wt = r(cout, cin // groups, kh, kw)
    b = r(cout) if bias else None
    xp = F.pad(nchw(x), (pad[2], pad[3], pad[0], pad[1]))
    y = F.conv2d(xp, torch.from_numpy(wt), torch.from_numpy(b) if bias else None, stride=s, dilation=d, groups=groups)
    if layout == 0:
        stored = wt
    elif layout == 1:
        stored = wt.transpose(2, 3, 1, 0)  # (kh, kw, cin/g, cout)
    else:
        m = cout // cin  # depthwise: out channel ci * m + j
        stored = wt.reshape(cin, m, kh, kw).transpose(2, 3, 0, 1)  # (kh, kw, cin, m)
    t = {"__x__": x, "w": stored}
    if bias:
        t["b"] = b
    save(name, "conv", [cout, kh, kw, s[0], s[1], d[0], d[1], *pad, groups, int(bias), layout], nhwc(y), **t)


conv("conv_basic", 2, 7, 9, 3, 5, 3, 3, pad=(1, 1, 1, 1))
conv("conv_stride_asym", 2, 11, 8, 4, 6, 3, 3, s=(2, 2), pad=(0, 1, 0, 1))
conv("conv_rect_stride", 1, 9, 10, 5, 7, 1, 7, s=(1, 2), pad=(0, 0, 3, 3), bias=False)
conv("conv_dilated", 2, 12, 11, 3, 4, 3, 3, d=(2, 3), pad=(2, 2, 3, 3))
conv("conv_groups", 2, 6, 6, 6, 9, 3, 3, pad=(1, 1, 1, 1), groups=3)
conv("conv_depthwise", 2, 8, 7, 5, 5, 3, 3, s=(2, 2), pad=(0, 1, 1, 1), groups=5)
conv("conv_depthwise_mult_hwim", 2, 8, 7, 4, 8, 3, 3, pad=(1, 1, 1, 1), groups=4, bias=False, layout=2)
conv("conv_hwio", 2, 9, 9, 6, 10, 5, 5, s=(2, 2), pad=(1, 2, 1, 2), layout=1)
conv("conv_1x1_wide", 3, 5, 4, 37, 70, 1, 1)
conv("conv_big_kernel", 1, 16, 15, 3, 8, 11, 11, s=(4, 4), pad=(2, 2, 2, 2))

# ---- batchnorm: [eps, gamma, beta]
for i, (eps, g, b) in enumerate([(1e-5, True, True), (1e-3, False, True), (1.001e-5, True, False)]):
    c = 7
    x = r(2, 5, 6, c)
    mean, var = r(c), r(c, lo=0.2, hi=2.0)
    gamma, beta = r(c, lo=0.5, hi=1.5), r(c)
    y = F.batch_norm(nchw(x), torch.from_numpy(mean), torch.from_numpy(var),
                     torch.from_numpy(gamma) if g else None, torch.from_numpy(beta) if b else None, False, 0.0, eps)
    t = {"__x__": x, "mean": mean, "var": var}
    if g:
        t["gamma"] = gamma
    if b:
        t["beta"] = beta
    save("bn_%d" % i, "bn", [eps, int(g), int(b)], nhwc(y), **t)

# ---- activations, softmax
x = r(2, 4, 5, 6, lo=-8, hi=8)
save("relu", "relu", [], nhwc(F.relu(nchw(x))), __x__=x)
save("relu6", "relu6", [], nhwc(F.hardtanh(nchw(x), 0.0, 6.0)), __x__=x)
save("softmax", "softmax", [], nhwc(F.softmax(nchw(x), dim=1)), __x__=x)


# ---- pools: [kh, kw, sh, sw, pt, pb, pl, pr, ceil, count_include_pad]
def pool(name, op, x, k, s, pad, ceil=False, cip=True):
    t = nchw(x)
    if pad[0] == pad[1] and pad[2] == pad[3]:  # torch's own symmetric padding
        if op == "maxpool":
            y = F.max_pool2d(t, k, s, (pad[0], pad[2]), ceil_mode=ceil)
        else:
            y = F.avg_pool2d(t, k, s, (pad[0], pad[2]), ceil_mode=ceil, count_include_pad=cip)
    else:  # TF 'same': asymmetric, padding never counts and never wins
        assert not ceil and not cip
        padding = (pad[2], pad[3], pad[0], pad[1])
        if op == "maxpool":
            y = F.max_pool2d(F.pad(t, padding, value=-np.inf), k, s)
        else:
            total = F.avg_pool2d(F.pad(t, padding), k, s, divisor_override=1)
            count = F.avg_pool2d(F.pad(torch.ones_like(t[:, :1]), padding), k, s, divisor_override=1)
            y = total / count
    save(name, op, [k[0], k[1], s[0], s[1], *pad, int(ceil), int(cip)], nhwc(y), __x__=x)


x = r(2, 13, 12, 5)
pool("maxpool_3s2", "maxpool", x, (3, 3), (2, 2), (0, 0, 0, 0))
pool("maxpool_ceil", "maxpool", x, (3, 3), (2, 2), (0, 0, 0, 0), ceil=True)
pool("maxpool_pad_ceil", "maxpool", x, (3, 3), (2, 2), (1, 1, 1, 1), ceil=True)
pool("maxpool_same", "maxpool", x, (3, 3), (2, 2), (0, 1, 0, 1), cip=False)
pool("avgpool_pad_incl", "avgpool", x, (3, 3), (1, 1), (1, 1, 1, 1))
pool("avgpool_pad_excl", "avgpool", x, (3, 3), (2, 2), (1, 1, 1, 1), cip=False)
pool("avgpool_ceil_incl", "avgpool", x, (3, 3), (2, 2), (1, 1, 1, 1), ceil=True)
pool("avgpool_ceil_excl", "avgpool", x, (2, 3), (2, 2), (0, 0, 1, 1), ceil=True, cip=False)
pool("avgpool_same", "avgpool", x, (3, 3), (2, 2), (0, 1, 1, 1), cip=False)
pool("avgpool_same_s1", "avgpool", x, (3, 3), (1, 1), (1, 1, 1, 1), cip=False)

# ---- adaptive / global average pooling: [oh, ow]
x = r(2, 7, 10, 4)
save("adaptive_3x4", "adaptive", [3, 4], nhwc(F.adaptive_avg_pool2d(nchw(x), (3, 4))), __x__=x)
save("adaptive_up", "adaptive", [9, 13], nhwc(F.adaptive_avg_pool2d(nchw(x), (9, 13))), __x__=x)
save("gap", "gap", [], nhwc(F.adaptive_avg_pool2d(nchw(x), 1)), __x__=x)

# ---- concat, add, scaled add
a, b, c = r(2, 3, 4, 5), r(2, 3, 4, 2), r(2, 3, 4, 7)
save("concat3", "concat", [3], nhwc(torch.cat([nchw(a), nchw(b), nchw(c)], 1)), __x__=a, __x1__=b, __x2__=c)
b = r(2, 3, 4, 5)
save("add", "add", [1.0], a + b, __x__=a, __x1__=b)
save("scaled_add", "add", [0.17], nhwc(nchw(a) + nchw(b) * 0.17), __x__=a, __x1__=b)

# ---- dense after flatten: [units, layout(0 OI torch, 1 IO keras), order(0 CHW torch, 1 HWC keras)]
x = r(2, 3, 4, 5)
wt, bias = r(11, 60), r(11)
y = F.linear(torch.flatten(nchw(x), 1), torch.from_numpy(wt), torch.from_numpy(bias)).numpy()
save("dense_torch_flatten", "dense", [11, 0, 0], y.reshape(2, 1, 1, 11), __x__=x, w=wt, b=bias)
wk = r(60, 11)
y = (x.reshape(2, 60).astype(np.float64) @ wk.astype(np.float64) + bias).astype(np.float32)
save("dense_keras_flatten", "dense", [11, 1, 1], y.reshape(2, 1, 1, 11), __x__=x, w=wk, b=bias)

# ---- zero-pad, crop: [t, b, l, r]
x = r(2, 5, 6, 3)
save("zeropad", "zeropad", [1, 2, 0, 3], np.pad(x, ((0, 0), (1, 2), (0, 3), (0, 0))), __x__=x)
save("crop", "crop", [1, 0, 2, 1], x[:, 1:5, 2:5, :].copy(), __x__=x)

with open(os.path.join(out, "manifest.txt"), "w") as f:
    f.write("\n".join(manifest) + "\n")
