#!/usr/bin/python3
"""Oracle outputs with the real Keras MobileNet alpha 0.25 weights, for
tests/integration/keras_real_weights.sh.  Test oracle only.

real_fixture.py SHARED_DATA_DIR OUTDIR [--image JPEG]

Writes to OUTDIR:
  x.npy            the image as keras-applications feeds MobileNet: Pillow RGB,
                   NEAREST squash to 224, x / 127.5 - 1 (1, 224, 224, 3)
  features.npy     the stand-in MobileNet(alpha=0.25, include_top=False) on x with
                   the original Keras 2.0.4 file mobilenet_2_5_224_tf_no_top.h5
                   (read by Keras's by_name=False rules), run by TF.js
  top.h5           the real with-top 0.25 weights (from the TF.js shards) written
                   in the Keras .h5 layout
  real_logits.npy  the real TF.js model (Keras 2.1.4 model.json) logits on x
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_fixture  # noqa: E402
import real_check    # noqa: E402
import write_h5      # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument('shared_data')
    p.add_argument('out')
    p.add_argument('--image', default='/usr/share/darknet/data/dog.jpg')
    a = p.parse_args()
    o = lambda *n: os.path.join(a.out, *n)  # noqa: E731
    os.makedirs(a.out, exist_ok=True)
    np.save(o('x.npy'), real_check.preprocess(a.image))

    h5 = os.path.join(a.shared_data, 'weights', 'keras_h5', 'mobilenet_2_5_224_tf_no_top.h5')
    model = real_check.build(0.25, False)
    with open(o('notop.json'), 'w') as f:
        f.write(model.to_json())
    make_fixture.write_tfjs_weights(h5, model, o('npy_notop'))
    real_check.node('--topology', o('notop.json'), '--weights', o('npy_notop'),
                    '--input', o('x.npy'), '--raw', o('features.npy'))

    sub, name = real_check.MODELS[0.25]
    real_json = os.path.join(a.shared_data, 'weights', sub, name)
    model = real_check.build(0.25, True)
    shards = real_check.read_shards(real_json)
    weights = {l: [(n, shards[n.split(':')[0]]) for n, _ in specs]
               for l, specs in model.weight_specs()}
    write_h5.write_weights(o('top.h5'), model, weights, 'fixed')
    real_check.node('--tfjs-model', real_json, '--input', o('x.npy'), '--logits', o('real_logits.npy'))


if __name__ == '__main__':
    main()
