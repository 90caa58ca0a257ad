#!/usr/bin/python3
"""Checks the oracle against real Keras MobileNet weights.  Test oracle only.

real_check.py SHARED_DATA_DIR WORKDIR [--image JPEG]

1. Real TF.js model (tf.loadLayersModel of the Keras 2.1.4 model.json + shards) on
   the image, preprocessed by Pillow + numpy (RGB, nearest squash to 224, x/127.5-1):
   a dog class (ImageNet 151..268) must be in its top-5.
2. The stand-in topology (keras_applications 1.0.8 graph) with the same real weights
   -- taken from the shards, written to a Keras .h5 (both string styles), read back
   with Keras's by_name=False rules -- must give the same probabilities
   (max |diff| <= 1e-5) and the same top-5 as the real model.json.
3. The original Keras 2.0.4 file mobilenet_2_5_224_tf_no_top.h5, read with the same
   reader into the stand-in MobileNet(alpha=0.25, include_top=False), must give the
   real 0.25 model's conv_pw_13_relu features (max |diff| <= 1e-5 * max(1, max|f|)).
Prints one line per check with the measured differences; exits 1 on a failure.
"""
import argparse
import json
import os
import subprocess
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_fixture  # noqa: E402
import write_h5      # noqa: E402
import zoo           # noqa: E402

MODELS = {0.25: ('keras_mobilenet_v1_0.25_224_tfjs', 'mobilenet_model.json'),
          0.75: ('keras_mobilenet_v1_0.75_224_tfjs', 'model.json')}


def preprocess(path, size=224):
    from PIL import Image
    im = Image.open(path).convert('RGB').resize((size, size), Image.NEAREST)
    return (np.asarray(im, dtype=np.float32)[None] / 127.5 - 1).astype(np.float32)


def read_shards(model_json):
    with open(model_json) as f:
        mj = json.load(f)
    d = os.path.dirname(model_json)
    out = {}
    for g in mj['weightsManifest']:
        data = b''.join(open(os.path.join(d, p), 'rb').read() for p in g['paths'])
        off = 0
        for w in g['weights']:
            if w['dtype'] != 'float32':
                raise ValueError('%s: dtype %s' % (w['name'], w['dtype']))
            n = int(np.prod(w['shape']))
            out[w['name']] = np.frombuffer(data, '<f4', n, off).reshape(w['shape'])
            off += 4 * n
        if off != len(data):
            raise ValueError('%s: shard sizes do not add up' % g['paths'])
    return out


def node(*args):
    r = subprocess.run(['node', os.path.join(HERE, 'tfjs_run.js')] + list(args),
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError('tfjs_run.js failed: ' + r.stderr.strip())
    return r.stderr.strip()


def build(alpha, include_top):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return zoo.build('mobilenet', size=224, alpha=alpha, include_top=include_top)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('shared_data')
    p.add_argument('workdir')
    p.add_argument('--image', default='/usr/share/darknet/data/dog.jpg')
    args = p.parse_args()
    w = lambda *a: os.path.join(args.workdir, *a)  # noqa: E731
    os.makedirs(args.workdir, exist_ok=True)
    np.save(w('x.npy'), preprocess(args.image))
    failed = False

    for alpha, (sub, name) in MODELS.items():
        real_json = os.path.join(args.shared_data, 'weights', sub, name)
        if not os.path.exists(real_json):
            print('skip alpha %.2f: %s absent' % (alpha, real_json))
            continue
        node('--tfjs-model', real_json, '--input', w('x.npy'), '--probs', w('real.npy'))
        real = np.load(w('real.npy'))[0]
        top5 = list(np.argsort(-real)[:5])
        dog = any(151 <= c <= 268 for c in top5)
        print('real MobileNet %.2f on %s: top-5 %s (p=%s) dog in top-5: %s'
              % (alpha, os.path.basename(args.image), top5,
                 [round(float(real[c]), 4) for c in top5], dog))
        failed |= not dog

        model = build(alpha, True)
        shards = read_shards(real_json)
        weights = {l: [(n, shards[n.split(':')[0]]) for n, _ in specs]
                   for l, specs in model.weight_specs()}
        with open(w('model.json'), 'w') as f:
            f.write(model.to_json())
        for strings in ('fixed', 'vlen'):
            h5 = w('real_%s.h5' % strings)
            write_h5.write_weights(h5, model, weights, strings)
            make_fixture.write_tfjs_weights(h5, model, w('npy_' + strings))
            node('--topology', w('model.json'), '--weights', w('npy_' + strings),
                 '--input', w('x.npy'), '--probs', w('ours.npy'))
            ours = np.load(w('ours.npy'))[0]
            d = float(np.abs(ours - real).max())
            same = list(np.argsort(-ours)[:5]) == top5
            print('stand-in topology + real weights via %s-string .h5, alpha %.2f: '
                  'max|dp| %.3g, same top-5: %s' % (strings, alpha, d, same))
            failed |= not (d <= 1e-5 and same)

    real_json = os.path.join(args.shared_data, 'weights', *MODELS[0.25])
    h5 = os.path.join(args.shared_data, 'weights', 'keras_h5',
                      'mobilenet_2_5_224_tf_no_top.h5')
    if os.path.exists(h5) and os.path.exists(real_json):
        model = build(0.25, False)
        with open(w('notop.json'), 'w') as f:
            f.write(model.to_json())
        make_fixture.write_tfjs_weights(h5, model, w('npy_notop'))
        node('--topology', w('notop.json'), '--weights', w('npy_notop'),
             '--input', w('x.npy'), '--raw', w('f_ours.npy'))
        node('--tfjs-model', real_json, '--input', w('x.npy'), '--raw', w('f_real.npy'),
             '--layer', 'conv_pw_13_relu')
        a, b = np.load(w('f_ours.npy')), np.load(w('f_real.npy'))
        d = float(np.abs(a - b).max()) if a.shape == b.shape else float('inf')
        ok = d <= 1e-5 * max(1.0, float(np.abs(b).max()))
        print('Keras 2.0.4 no-top .h5 in the stand-in graph vs real conv_pw_13_relu '
              'features %s: max|d| %.3g (max|f| %.3g, bit-identical: %s)'
              % (a.shape, d, float(np.abs(b).max()), d == 0))
        failed |= not ok
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
