#!/usr/bin/python3
"""Writes a Keras-semantics fixture for one model: topology, random weights, input,
and the TF.js oracle's outputs.  Test oracle only.

make_fixture.py MODEL OUTDIR [--size S] [--alpha A] [--no-top] [--pooling avg|max]
                [--strings fixed|vlen|allfixed] [--full-model] [--seed N] [--images N]
                [--backend wasm|cpu] [--batch N] [--chunk-limit BYTES]

MODEL: densenet121 densenet169 densenet201 inception_resnet_v2 inception_v3
       mobilenet mobilenet_v2 nasnet_large nasnet_mobile resnet50 vgg16 vgg19 xception

OUTDIR gets:
  model.json    Keras 2.2.4 Model.to_json() of the keras_applications 1.0.8 graph
  weights.h5    seeded random weights, Keras save_weights layout (write_h5.py)
  input.npy     float32 (N, S, S, 3) in [-1, 1]: upscaled 4x4 colour grid + noise,
                seeded (seed + 1)
  logits.npy    float32 (N, 1000): pre-softmax outputs (with top)
  probs.npy     float32 (N, 1000): softmax of logits (with top)
  features.npy  float32 model output (with --no-top): (N, h, w, c), or (N, c) pooled
  meta.json     the arguments, layer/weight counts, backend, timings
The oracle reads weights.h5 back with Keras's by_name=False rules (write_h5.py
read_weights) and hands them to tfjs_run.js as .npy files, so the .h5 layout is
exercised on the way.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import write_h5  # noqa: E402


def check_lambdas(model):
    """Every Lambda must be InceptionResNetV2's scaled residual, the only form
    tfjs_run.js rewrites: check its function numerically."""
    import keras_standin as ks
    rng = np.random.default_rng(7)
    for layer in model.layers:
        if isinstance(layer, ks.Lambda):
            a, b = rng.normal(size=(2, 3, 4)).astype(np.float32)
            scale = layer.arguments['scale']
            got = layer.function([a, b], **layer.arguments)
            if set(layer.arguments) != {'scale'} or \
                    not np.array_equal(got, a + b * scale):
                raise ValueError('Lambda %s is not inputs[0] + inputs[1] * scale'
                                 % layer.name)


def make_input(n, size, seed):
    """Blocky random images (a 4x4 grid of colours, upscaled) plus noise, in [-1, 1]:
    different images give clearly different outputs."""
    rng = np.random.default_rng(seed)
    cells = rng.uniform(-1, 1, (n, 4, 4, 3))
    rep = -(-size // 4)
    x = np.repeat(np.repeat(cells, rep, axis=1), rep, axis=2)[:, :size, :size]
    x = x + rng.normal(0, 0.2, x.shape)
    return np.clip(x, -1, 1).astype(np.float32)


def write_tfjs_weights(h5_path, model, outdir):
    loaded = write_h5.read_weights(h5_path, model)
    os.makedirs(outdir, exist_ok=True)
    index = {'layers': []}
    k = 0
    for layer_name, vals in loaded:
        entry = {'name': layer_name, 'weights': []}
        for wname, arr in vals:
            fname = '%05d.npy' % k
            k += 1
            np.save(os.path.join(outdir, fname), np.ascontiguousarray(arr, np.float32))
            entry['weights'].append({'name': wname, 'file': fname,
                                     'shape': list(arr.shape)})
        index['layers'].append(entry)
    with open(os.path.join(outdir, 'index.json'), 'w') as f:
        json.dump(index, f)
    return k


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    write_h5.add_model_args(p)
    p.add_argument('outdir')
    p.add_argument('--strings', choices=write_h5.STRING_STYLES, default='fixed')
    p.add_argument('--full-model', action='store_true')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--images', type=int, default=2)
    p.add_argument('--backend', choices=('wasm', 'cpu'), default='wasm')
    p.add_argument('--batch', type=int, default=4)
    p.add_argument('--chunk-limit', type=int, default=None)
    p.add_argument('--keep-npy-weights', action='store_true')
    args = p.parse_args()
    if args.pooling and not args.no_top:
        p.error('--pooling goes with --no-top')

    t0 = time.time()
    model = write_h5.build_from_args(args)
    check_lambdas(model)
    os.makedirs(args.outdir, exist_ok=True)
    out = lambda name: os.path.join(args.outdir, name)  # noqa: E731
    with open(out('model.json'), 'w') as f:
        f.write(model.to_json())
    weights = write_h5.random_weights(model, args.seed)
    write_h5.write_weights(out('weights.h5'), model, weights, args.strings,
                           args.full_model, chunk_limit=args.chunk_limit)
    size = model.input_shape[1]
    x = make_input(args.images, size, args.seed + 1)
    np.save(out('input.npy'), x)
    npy_dir = out('tfjs_weights')
    n_weights = write_tfjs_weights(out('weights.h5'), model, npy_dir)
    t1 = time.time()

    cmd = ['node', os.path.join(HERE, 'tfjs_run.js'), '--topology', out('model.json'),
           '--weights', npy_dir, '--input', out('input.npy'), '--batch', str(args.batch),
           '--backend', args.backend, '--info', out('tfjs_info.json')]
    if args.no_top:
        cmd += ['--raw', out('features.npy')]
    else:
        cmd += ['--logits', out('logits.npy'), '--probs', out('probs.npy')]
    r = subprocess.run(cmd)
    if not args.keep_npy_weights:
        shutil.rmtree(npy_dir, ignore_errors=True)
    if r.returncode != 0:
        sys.exit('error: make_fixture: tfjs_run.js failed (exit %d)' % r.returncode)
    t2 = time.time()
    with open(out('tfjs_info.json')) as f:
        info = json.load(f)
    os.remove(out('tfjs_info.json'))
    result = np.load(out('features.npy' if args.no_top else 'logits.npy'))
    meta = {'model': args.model, 'size': size, 'alpha': args.alpha,
            'include_top': not args.no_top, 'pooling': args.pooling,
            'strings': args.strings, 'full_model': args.full_model, 'seed': args.seed,
            'images': args.images, 'layers': len(model.layers),
            'weight_tensors': n_weights, 'keras_name': model.name,
            'output_shape': list(result.shape), 'max_abs_output': float(np.abs(result).max()),
            'tfjs': info, 'seconds_python': round(t1 - t0, 2),
            'seconds_tfjs': round(t2 - t1, 2)}
    with open(out('meta.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    print('%s size %d: %d layers, %d weight tensors, output %s, max|out| %.3g, '
          'python %.1fs, tfjs(%s) %.1fs' % (args.model, size, len(model.layers),
                                            n_weights, tuple(result.shape),
                                            meta['max_abs_output'], t1 - t0,
                                            info['backend'], t2 - t1))


if __name__ == '__main__':
    main()
