#!/usr/bin/python3
"""Checks TF.js's layer semantics against a plain numpy re-implementation of
TensorFlow's rules, on odd and even input sizes.  Test oracle only.

op_check.py WORKDIR [--backend wasm|cpu]

One small model per input size (9x9 and 8x8, 4 channels) built with the Keras
stand-in: every branch below starts from the input, is flattened, and all are
concatenated into one output vector; the numpy side computes the same branches.
TF rules written out here (from the TensorFlow docs, not from TF.js):
  'same': out = ceil(n / s); pad_total = max((out - 1) * s + k - n, 0); the smaller
          half (pad_total // 2) goes top/left, the extra pixel bottom/right.
  'valid': out = ceil((n - k + 1) / s), no padding.
  'same' average pooling divides by the number of real (non-padding) pixels;
  'same' max pooling ignores padding.
  BatchNormalization: (x - mean) / sqrt(var + eps) * gamma + beta.
"""
import argparse
import os
import subprocess
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import keras_standin as ks  # noqa: E402
import make_fixture         # noqa: E402
import write_h5             # noqa: E402


# ----------------------------------------------------------------------------- numpy TF
def pads(n, k, s, padding):
    if padding == 'valid':
        return (n - k) // s + 1, 0, 0
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return out, total // 2, total - total // 2


def patches(x, k, s, padding, fill=0.0):
    """x (H, W, C) -> (oh, ow, kh, kw, C) windows, padded with `fill`, and a
    (oh, ow, kh, kw) mask of real pixels."""
    h, w, c = x.shape
    oh, pt, pb = pads(h, k[0], s[0], padding)
    ow, pl, pr = pads(w, k[1], s[1], padding)
    xp = np.full((h + pt + pb, w + pl + pr, c), fill, np.float64)
    xp[pt:pt + h, pl:pl + w] = x
    m = np.zeros(xp.shape[:2])
    m[pt:pt + h, pl:pl + w] = 1
    P = np.empty((oh, ow, k[0], k[1], c))
    M = np.empty((oh, ow, k[0], k[1]))
    for i in range(oh):
        for j in range(ow):
            P[i, j] = xp[i * s[0]:i * s[0] + k[0], j * s[1]:j * s[1] + k[1]]
            M[i, j] = m[i * s[0]:i * s[0] + k[0], j * s[1]:j * s[1] + k[1]]
    return P, M


def conv(x, kern, bias, s, padding):
    P, _ = patches(x, kern.shape[:2], s, padding)
    y = np.einsum('ijabc,abcf->ijf', P, kern)
    return y + bias if bias is not None else y


def depthwise(x, kern, bias, s, padding):
    P, _ = patches(x, kern.shape[:2], s, padding)
    y = np.einsum('ijabc,abcm->ijcm', P, kern).reshape(P.shape[0], P.shape[1], -1)
    return y + bias if bias is not None else y


def avgpool(x, k, s, padding):
    P, M = patches(x, k, s, padding)
    return P.sum(axis=(2, 3)) / M.sum(axis=(2, 3))[..., None]


def maxpool(x, k, s, padding):
    P, _ = patches(x, k, s, padding, fill=-np.inf)
    return P.max(axis=(2, 3))


def bn(x, w, eps, scale=True):
    if scale:
        g, b, m, v = w
    else:
        b, m, v = w
        g = 1.0
    return (x - m) / np.sqrt(v + eps) * g + b


# ----------------------------------------------------------------------------- cases
def branches(L):
    """[(name, standin builder(x), numpy fn(x, W))]; W[name] = layer's weights."""
    return [
        ('conv3x3_s2_same', lambda x: L.Conv2D(5, 3, strides=2, padding='same',
                                               name='c1')(x),
         lambda x, W: conv(x, W['c1'][0], W['c1'][1], (2, 2), 'same')),
        ('conv1x1_s2_valid_nobias', lambda x: L.Conv2D(3, 1, strides=2, use_bias=False,
                                                       name='c2')(x),
         lambda x, W: conv(x, W['c2'][0], None, (2, 2), 'valid')),
        ('conv7x7_s2_same', lambda x: L.Conv2D(2, 7, strides=2, padding='same',
                                               name='c3')(x),
         lambda x, W: conv(x, W['c3'][0], W['c3'][1], (2, 2), 'same')),
        ('conv1x7_same', lambda x: L.Conv2D(2, (1, 7), padding='same', name='c4')(x),
         lambda x, W: conv(x, W['c4'][0], W['c4'][1], (1, 1), 'same')),
        ('depthwise_s2_same_mult2', lambda x: L.DepthwiseConv2D(
            3, strides=2, padding='same', depth_multiplier=2, name='d1')(x),
         lambda x, W: depthwise(x, W['d1'][0], W['d1'][1], (2, 2), 'same')),
        ('separable5x5_s2_same', lambda x: L.SeparableConv2D(
            6, 5, strides=2, padding='same', use_bias=False, name='s1')(x),
         lambda x, W: conv(depthwise(x, W['s1'][0], None, (2, 2), 'same'),
                           W['s1'][1], None, (1, 1), 'valid')),
        ('avgpool3_s1_same', lambda x: L.AveragePooling2D(3, strides=1,
                                                          padding='same')(x),
         lambda x, W: avgpool(x, (3, 3), (1, 1), 'same')),
        ('avgpool3_s2_same', lambda x: L.AveragePooling2D(3, strides=2,
                                                          padding='same')(x),
         lambda x, W: avgpool(x, (3, 3), (2, 2), 'same')),
        ('maxpool3_s2_same', lambda x: L.MaxPooling2D(3, strides=2, padding='same')(x),
         lambda x, W: maxpool(x, (3, 3), (2, 2), 'same')),
        ('maxpool3_s2_valid', lambda x: L.MaxPooling2D(3, strides=2)(x),
         lambda x, W: maxpool(x, (3, 3), (2, 2), 'valid')),
        ('zeropad_crop', lambda x: L.Cropping2D(((1, 0), (1, 0)))(
            L.ZeroPadding2D(((0, 1), (2, 1)))(x)),
         lambda x, W: np.pad(x, ((0, 1), (2, 1), (0, 0)))[1:, 1:]),
        ('bn_relu6', lambda x: L.ReLU(6.)(L.BatchNormalization(name='b1')(x)),
         lambda x, W: np.clip(bn(x, W['b1'], 1e-3), 0, 6)),
        ('bn_noscale_eps', lambda x: L.Activation('relu')(L.BatchNormalization(
            scale=False, epsilon=1.001e-5, name='b2')(x)),
         lambda x, W: np.maximum(bn(x, W['b2'], 1.001e-5, scale=False), 0)),
        ('scaled_residual', lambda x: L.Lambda(
            lambda t, scale: t[0] + t[1] * scale, output_shape=ks._int_shape(x)[1:],
            arguments={'scale': 0.17}, name='lam')([x, L.Activation('tanh')(x)]),
         lambda x, W: x + np.tanh(x) * 0.17),
        ('add_multiply', lambda x: L.multiply([L.add([x, x]),
                                               L.Activation('sigmoid')(x)]),
         lambda x, W: (x + x) / (1 + np.exp(-x))),
        ('gap_gmp_dense', lambda x: L.Dense(7, activation='softmax', name='fc')(
            L.concatenate([L.GlobalAveragePooling2D()(x), L.GlobalMaxPooling2D()(x)])),
         lambda x, W: softmax(np.concatenate([x.mean((0, 1)), x.max((0, 1))])
                              @ W['fc'][0] + W['fc'][1])),
    ]


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def run(size, workdir, backend):
    ks.reset()
    L = ks.layers
    x_in = L.Input(shape=(size, size, 4))
    cases = branches(L)
    outs = [build(x_in) for _, build, _ in cases]
    flats = [L.Flatten()(y) if len(y.shape) > 2 else y for y in outs]
    model = ks.Model(x_in, L.concatenate(flats), name='opcheck')
    W_named = write_h5.random_weights(model, seed=size)
    h5 = os.path.join(workdir, 'ops%d.h5' % size)
    write_h5.write_weights(h5, model, W_named, 'vlen')
    npy = os.path.join(workdir, 'ops%d_npy' % size)
    make_fixture.write_tfjs_weights(h5, model, npy)
    topo = os.path.join(workdir, 'ops%d.json' % size)
    with open(topo, 'w') as f:
        f.write(model.to_json())
    rng = np.random.default_rng(size)
    x = rng.normal(0, 1.5, (2, size, size, 4)).astype(np.float32)
    np.save(os.path.join(workdir, 'x%d.npy' % size), x)
    out = os.path.join(workdir, 'y%d.npy' % size)
    r = subprocess.run(['node', os.path.join(HERE, 'tfjs_run.js'), '--topology', topo,
                        '--weights', npy, '--input', os.path.join(workdir, 'x%d.npy' % size),
                        '--raw', out, '--backend', backend],
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    got = np.load(out)
    W = {k: [a.astype(np.float64) for _, a in v] for k, v in W_named.items()}
    worst, failed, off = 0.0, [], 0
    for name, _, ref_fn in cases:
        refs = [ref_fn(x[i].astype(np.float64), W).ravel() for i in range(len(x))]
        n = refs[0].size
        err = max(float(np.abs(got[i, off:off + n] - refs[i]).max()) /
                  max(1.0, float(np.abs(refs[i]).max())) for i in range(len(x)))
        worst = max(worst, err)
        if err > 1e-5:
            failed.append('%s (rel err %.3g)' % (name, err))
        off += n
    if off != got.shape[1]:
        failed.append('output length %d, numpy gives %d' % (got.shape[1], off))
    return len(cases), worst, failed


def main():
    p = argparse.ArgumentParser()
    p.add_argument('workdir')
    p.add_argument('--backend', default='wasm')
    args = p.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    bad = False
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for size in (9, 8):
            n, worst, failed = run(size, args.workdir, args.backend)
            print('%s %dx%d: %d op cases vs numpy, worst rel err %.3g%s'
                  % (args.backend, size, size, n, worst,
                     ('; FAILED: ' + ', '.join(failed)) if failed else ''))
            bad |= bool(failed)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
