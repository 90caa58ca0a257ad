"""A small TF.js Layers model (model.json + shards) exercising the Keras layer
types and options zoobench's topology interpreter covers, with seeded random
weights, some of them quantized (uint8, uint16, float16) as the TF.js
converter writes them.  Test-only; the reference is TF.js itself loading it.

  tfjs_fixture.py OUTDIR [--seed N]
writes OUTDIR/model.json, OUTDIR/*.bin shards and OUTDIR/input.npy (2, 33, 31, 3).
"""
import json
import os
import sys

import numpy as np

out = sys.argv[1]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
rng = np.random.default_rng(seed)
os.makedirs(out, exist_ok=True)

layers, weights = [], []  # weights: (name, array, quant)


def layer(cls, name, inputs, **cfg):
    cfg['name'] = name
    layers.append({'class_name': cls, 'name': name, 'config': cfg,
                   'inbound_nodes': [[[i, 0, 0, {}] for i in inputs]] if inputs else []})
    return name


def w(name, shape, quant=None, scale=0.3, positive=False):
    a = rng.standard_normal(shape).astype(np.float32) * np.float32(scale)
    if positive:
        a = np.abs(a) + np.float32(0.5)
    weights.append((name, a, quant))


def conv(name, x, filters, k, s=1, pad='same', d=1, bias=True, act='linear', quant=None):
    cin = shapes[x][2]
    w(name + '/kernel', (k, k, cin, filters), quant, scale=1.0 / np.sqrt(k * k * cin))
    if bias:
        w(name + '/bias', (filters,), quant, 0.1)
    return layer('Conv2D', name, [x], filters=filters, kernel_size=[k, k], strides=[s, s], padding=pad,
                 dilation_rate=[d, d], use_bias=bias, activation=act, data_format='channels_last')


def bn(name, x, center=True, scale=True, eps=1e-3):
    c = shapes[x][2]
    if scale:
        w(name + '/gamma', (c,), None, 0.2, positive=True)
    if center:
        w(name + '/beta', (c,), None, 0.1)
    w(name + '/moving_mean', (c,), None, 0.1)
    w(name + '/moving_variance', (c,), None, 0.2, positive=True)
    return layer('BatchNormalization', name, [x], axis=-1, epsilon=eps, center=center, scale=scale,
                 momentum=0.99)


# Shapes are tracked by hand for the weight shapes only (h, w, c).
shapes = {}


def track(name, shape):
    shapes[name] = shape
    return name


x = track(layer('InputLayer', 'input_1', None, batch_input_shape=[None, 33, 31, 3], dtype='float32'), (33, 31, 3))
y = track(layer('ZeroPadding2D', 'pad1', [x], padding=[[0, 1], [1, 0]], data_format='channels_last'), (34, 32, 3))
y = track(conv('conv1', y, 8, 3, s=2, pad='valid', bias=False, quant='uint8'), (16, 15, 8))
y = track(bn('conv1_bn', y), (16, 15, 8))
y = track(layer('ReLU', 'conv1_relu', [y], max_value=6.0), (16, 15, 8))
w('dw1/depthwise_kernel', (3, 3, 8, 2), 'uint16', 0.3)
w('dw1/bias', (16,), None, 0.1)
y = track(layer('DepthwiseConv2D', 'dw1', [y], kernel_size=[3, 3], strides=[2, 2], padding='same',
                depth_multiplier=2, use_bias=True, activation='relu', dilation_rate=[1, 1],
                data_format='channels_last'), (8, 8, 16))
a = track(conv('branch_a', y, 12, 1, act='relu6', quant='float16'), (8, 8, 12))
w('sep/depthwise_kernel', (3, 3, 16, 1), None, 0.3)
w('sep/pointwise_kernel', (1, 1, 16, 12), 'uint8', 0.25)
w('sep/bias', (12,), None, 0.1)
b = track(layer('SeparableConv2D', 'sep', [y], filters=12, kernel_size=[3, 3], strides=[1, 1], padding='same',
                depth_multiplier=1, use_bias=True, activation='linear', dilation_rate=[1, 1],
                data_format='channels_last'), (8, 8, 12))
b = track(bn('sep_bn', b, center=False), (8, 8, 12))
s = track(layer('Add', 'add', [a, b]), (8, 8, 12))
c = track(conv('dil', y, 12, 3, d=2, act='relu'), (8, 8, 12))
y = track(layer('Concatenate', 'cat', [s, c, y], axis=-1), (8, 8, 40))
y = track(layer('MaxPooling2D', 'maxpool', [y], pool_size=[3, 3], strides=[2, 2], padding='same',
                data_format='channels_last'), (4, 4, 40))
y = track(layer('AveragePooling2D', 'avgpool', [y], pool_size=[3, 3], strides=[1, 1], padding='same',
                data_format='channels_last'), (4, 4, 40))
y = track(layer('Cropping2D', 'crop', [y], cropping=[[1, 0], [0, 1]], data_format='channels_last'), (3, 3, 40))
y = track(bn('top_bn', y, scale=False, eps=1e-5), (3, 3, 40))
y = track(layer('Activation', 'top_relu', [y], activation='relu'), (3, 3, 40))
f = track(layer('Flatten', 'flatten', [y], data_format='channels_last'), (1, 1, 360))
f = track(layer('Dropout', 'drop', [f], rate=0.5), (1, 1, 360))
w('fc/kernel', (360, 10), 'uint8', 0.1)
w('fc/bias', (10,), 'uint16', 0.1)
y = track(layer('Dense', 'fc', [f], units=10, activation='softmax', use_bias=True), (1, 1, 10))

config = {'class_name': 'Model', 'config': {'name': 'fixture', 'layers': layers,
                                            'input_layers': [['input_1', 0, 0]],
                                            'output_layers': [['fc', 0, 0]]}}


def encode(a, quant):
    """Bytes and manifest entry; quantized as tfjs-converter's quantize_weights."""
    spec = {'name': None, 'shape': list(a.shape), 'dtype': 'float32'}
    if quant is None:
        return a.astype('<f4').tobytes(), spec
    if quant == 'float16':
        spec['quantization'] = {'dtype': 'float16'}
        return a.astype('<f2').tobytes(), spec
    qmax = 255 if quant == 'uint8' else 65535
    lo, hi = float(a.min()), float(a.max())
    scale = (hi - lo) / qmax
    q = np.round((a.astype(np.float64) - lo) / scale).clip(0, qmax)
    spec['quantization'] = {'dtype': quant, 'scale': scale, 'min': lo}
    return q.astype('<u1' if quant == 'uint8' else '<u2').tobytes(), spec


# Two groups: the first split over two shards, to check concatenation.
groups = [weights[:7], weights[7:]]
manifest = []
for gi, g in enumerate(groups):
    blob, specs = b'', []
    for name, a, quant in g:
        data, spec = encode(a, quant)
        spec['name'] = name
        specs.append(spec)
        blob += data
    if gi == 0:
        cut = len(blob) // 2
        parts = [blob[:cut], blob[cut:]]
    else:
        parts = [blob]
    paths = []
    for pi, part in enumerate(parts):
        p = 'group%d-shard%dof%d.bin' % (gi + 1, pi + 1, len(parts))
        open(os.path.join(out, p), 'wb').write(part)
        paths.append(p)
    manifest.append({'paths': paths, 'weights': specs})

json.dump({'format': 'layers-model', 'modelTopology': {'model_config': config, 'keras_version': '2.2.4',
                                                       'backend': 'tensorflow'},
           'weightsManifest': manifest}, open(os.path.join(out, 'model.json'), 'w'))
x = rng.uniform(-1, 1, (2, 33, 31, 3)).astype(np.float32)
np.save(os.path.join(out, 'input.npy'), x)
