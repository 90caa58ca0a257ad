#!/usr/bin/python3
"""Seeded random weights for a Keras Applications model, written in the exact layout
of Keras 2.x `model.save_weights()` (or `model.save()` with --full-model), and a
reader with Keras's own `load_weights(by_name=False)` semantics.  Test oracle only.

Layout written (keras/engine/saving.py, Keras 2.2.4):
  root attrs  layer_names   every name in model.layers (weightless layers included);
                            split into layer_names0, layer_names1, ... when the array
                            is over 64512 bytes (save_attributes_to_hdf5_group)
              backend       'tensorflow'          (--no-backend: absent)
              keras_version '2.2.4'               (--no-keras-version: absent)
  one group per layer, attr weight_names (an empty float64 array when the layer has
  no weights, as np.asarray([]) gives), one float32 dataset per weight named by the
  weight's full name ('conv1/kernel:0'), so the '/' in names nests groups:
  /conv1/conv1/kernel:0, /conv1/conv/conv1/conv/kernel:0 (DenseNet).
  --full-model: the same under a 'model_weights' group, plus root attr model_config
  (the Keras JSON {class_name, config}), keras_version and backend.

String styles (--strings), checked against the real Keras 2.0.4 file
shared/data/weights/keras_h5/mobilenet_2_5_224_tf_no_top.h5:
  fixed     Keras on h5py 2 (what the published Keras weight files are): layer_names
            and weight_names are fixed-length (numpy 'S' arrays); the scalars backend,
            keras_version, model_config are variable-length ASCII (h5py 2's
            guess_dtype turns a bytes scalar into vlen bytes).
  vlen      Keras on h5py 3: scalars and lists of bytes are all variable-length
            ASCII; only chunked layer_namesN stay fixed-length, because Keras passes
            numpy 'S' chunks for those.
  allfixed  every string attribute fixed-length, scalars included (no Keras
            version writes this; it covers a reader's fixed-length scalar path).
            HDF5 cannot store a fixed-length attribute over 64 KiB, so a big
            model_config fails here.

Weight order and shapes are Keras's: Conv2D kernel (kh, kw, cin, cout) then bias;
DepthwiseConv2D depthwise_kernel (kh, kw, cin, multiplier); SeparableConv2D
depthwise_kernel then pointwise_kernel (1, 1, cin*multiplier, cout) then bias;
BatchNormalization gamma (absent when scale=False), beta, moving_mean,
moving_variance; Dense kernel (in, out) then bias.

CLI: write_h5.py MODEL OUT.h5 [--size S] [--alpha A] [--no-top] [--pooling avg|max]
     [--seed N] [--strings fixed|vlen|allfixed] [--full-model] [--chunk-limit BYTES]
     [--no-backend] [--no-keras-version]
"""
import argparse
import json
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

HDF5_OBJECT_HEADER_LIMIT = 64512


def _kind(weight_name):
    return weight_name.rsplit('/', 1)[-1].split(':')[0]


def random_weights(model, seed):
    """{layer name: [(weight name, float32 array)]}, seeded, in Keras order.

    Kernels are He-scaled so activations keep a usable size through deep models;
    BatchNormalization gets varied statistics (gamma in [0.5, 1.5], beta and
    moving_mean in [-0.25, 0.25], moving_variance in [0.5, 2.0])."""
    rng = np.random.default_rng(seed)
    out = {}
    final = model.layers[-1].name
    for layer in model.layers:
        if not layer.weight_specs:
            continue
        values = []
        for name, shape in layer.weight_specs:
            kind = _kind(name)
            if kind == 'kernel' and len(shape) == 4:
                fan_in = shape[0] * shape[1] * shape[2]
                v = rng.normal(0, np.sqrt(2.0 / fan_in), shape)
            elif kind == 'kernel':                    # Dense (in, out)
                gain = 1.0 if layer.name == final else 2.0
                v = rng.normal(0, np.sqrt(gain / shape[0]), shape)
            elif kind == 'depthwise_kernel':
                v = rng.normal(0, np.sqrt(2.0 / (shape[0] * shape[1])), shape)
            elif kind == 'pointwise_kernel':
                v = rng.normal(0, np.sqrt(2.0 / shape[2]), shape)
            elif kind == 'bias':
                v = rng.normal(0, 0.1, shape)
            elif kind == 'gamma':
                v = rng.uniform(0.5, 1.5, shape)
            elif kind in ('beta', 'moving_mean'):
                v = rng.uniform(-0.25, 0.25, shape)
            elif kind == 'moving_variance':
                v = rng.uniform(0.5, 2.0, shape)
            else:
                raise ValueError('no rule for weight %s' % name)
            values.append((name, v.astype(np.float32)))
        out[layer.name] = values
    return out


STRING_STYLES = ('fixed', 'vlen', 'allfixed')


def _string_list(values, strings):
    data = [v.encode('utf8') for v in values]
    if not data:
        return np.asarray(data)                   # empty float64, as Keras writes
    if strings in ('fixed', 'allfixed'):
        return np.array(data, dtype='S%d' % max(len(d) for d in data))
    return data                                   # h5py 3: vlen ASCII


def _string_scalar(value, strings):
    data = value.encode('utf8')
    return np.bytes_(data) if strings == 'allfixed' else data   # bytes: vlen ASCII


def _save_attributes(group, name, values, strings, limit):
    """keras save_attributes_to_hdf5_group: chunk when the 'S' array is too big."""
    data_npy = np.asarray([v.encode('utf8') for v in values])
    num_chunks = 1
    chunked = np.array_split(data_npy, num_chunks)
    while any(c.nbytes > limit for c in chunked):
        num_chunks += 1
        chunked = np.array_split(data_npy, num_chunks)
    if num_chunks > 1:
        for i, chunk in enumerate(chunked):
            group.attrs['%s%d' % (name, i)] = chunk      # numpy 'S': fixed-length
    else:
        group.attrs[name] = _string_list(values, strings)


def write_weights(path, model, weights, strings='fixed', full_model=False,
                  backend=True, keras_version=True, chunk_limit=None):
    """Writes `weights` ({layer: [(name, array)]}) for `model` (stand-in Model)."""
    if strings not in STRING_STYLES:
        raise ValueError('strings must be one of %s' % (STRING_STYLES,))
    limit = chunk_limit or HDF5_OBJECT_HEADER_LIMIT
    tmp = path + '.tmp%d' % os.getpid()
    try:
        with h5py.File(tmp, 'w') as f:
            if full_model:
                if keras_version:
                    f.attrs['keras_version'] = _string_scalar('2.2.4', strings)
                if backend:
                    f.attrs['backend'] = _string_scalar('tensorflow', strings)
                import keras_standin
                config = json.dumps({'class_name': 'Model', 'config': model.get_config()},
                                    default=keras_standin.get_json_type)
                if strings == 'allfixed' and len(config) > HDF5_OBJECT_HEADER_LIMIT:
                    raise ValueError('--strings allfixed cannot hold a %d-byte model_config '
                                     '(HDF5 keeps fixed-length attributes under 64 KiB)'
                                     % len(config))
                f.attrs['model_config'] = _string_scalar(config, strings)
                root = f.create_group('model_weights')
            else:
                root = f
            _save_attributes(root, 'layer_names', [l.name for l in model.layers],
                             strings, limit)
            if backend:
                root.attrs['backend'] = _string_scalar('tensorflow', strings)
            if keras_version:
                root.attrs['keras_version'] = _string_scalar('2.2.4', strings)
            for layer in model.layers:
                g = root.create_group(layer.name)
                values = weights.get(layer.name, [])
                _save_attributes(g, 'weight_names', [n for n, _ in values], strings, limit)
                for name, val in values:
                    d = g.create_dataset(name, val.shape, dtype=val.dtype)
                    d[...] = val
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    os.replace(tmp, path)


def _load_attributes(group, name):
    def dec(v):
        return v.decode('utf8') if isinstance(v, bytes) else str(v)
    if name in group.attrs:
        return [dec(v) for v in group.attrs[name]]
    out, i = [], 0
    while '%s%d' % (name, i) in group.attrs:
        out.extend(dec(v) for v in group.attrs['%s%d' % (name, i)])
        i += 1
    return out


def read_weights(path, model):
    """Keras load_weights(by_name=False): layers with weights in the file, in its
    layer_names order, matched one to one with the model's layers that have
    weights.  Returns [(model layer name, [(file weight name, array)])]."""
    with h5py.File(path, 'r') as f:
        if 'layer_names' not in f.attrs and 'layer_names0' not in f.attrs \
                and 'model_weights' in f:
            f = f['model_weights']
        names = [n for n in _load_attributes(f, 'layer_names')
                 if _load_attributes(f[n], 'weight_names')]
        targets = [l for l in model.layers if l.weight_specs]
        if len(names) != len(targets):
            raise ValueError('%s: %d layers with weights in the file, the model has %d'
                             % (path, len(names), len(targets)))
        out = []
        for fname, layer in zip(names, targets):
            g = f[fname]
            wnames = _load_attributes(g, 'weight_names')
            if len(wnames) != len(layer.weight_specs):
                raise ValueError('%s: layer %s has %d weights, model layer %s wants %d'
                                 % (path, fname, len(wnames), layer.name,
                                    len(layer.weight_specs)))
            vals = []
            for wn, (_, shape) in zip(wnames, layer.weight_specs):
                a = np.asarray(g[wn], dtype=np.float32)
                if a.shape != tuple(shape):
                    raise ValueError('%s: %s has shape %s, model wants %s'
                                     % (path, wn, a.shape, tuple(shape)))
                vals.append((wn, a))
            out.append((layer.name, vals))
    return out


def add_model_args(p):
    p.add_argument('model')
    p.add_argument('--size', type=int, default=None)
    p.add_argument('--alpha', type=float, default=None)
    p.add_argument('--no-top', action='store_true')
    p.add_argument('--pooling', choices=('avg', 'max'), default=None)


def build_from_args(args):
    import warnings
    import zoo
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return zoo.build(args.model, size=args.size, include_top=not args.no_top,
                         pooling=args.pooling, alpha=args.alpha)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    add_model_args(p)
    p.add_argument('out')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--strings', choices=STRING_STYLES, default='fixed')
    p.add_argument('--full-model', action='store_true')
    p.add_argument('--no-backend', action='store_true')
    p.add_argument('--no-keras-version', action='store_true')
    p.add_argument('--chunk-limit', type=int, default=None)
    args = p.parse_args()
    model = build_from_args(args)
    write_weights(args.out, model, random_weights(model, args.seed), args.strings,
                  args.full_model, not args.no_backend, not args.no_keras_version,
                  args.chunk_limit)


if __name__ == '__main__':
    main()
