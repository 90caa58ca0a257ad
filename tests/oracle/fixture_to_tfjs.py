"""Turns a make_fixture.py directory (made with --keep-npy-weights) into a TF.js
Layers model: OUTDIR/model.json (the fixture's Keras topology as
modelTopology, plus a weightsManifest) and one float32 shard.  Test-only.

  fixture_to_tfjs.py FIXTURE_DIR OUTDIR
"""
import json
import os
import sys

import numpy as np

fx, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
topology = json.load(open(os.path.join(fx, 'model.json')))
index = json.load(open(os.path.join(fx, 'tfjs_weights', 'index.json')))
specs, blob = [], []
for layer in index['layers']:
    for w in layer['weights']:
        a = np.load(os.path.join(fx, 'tfjs_weights', w['file'])).astype('<f4')
        param = w['name'].split('/')[-1].split(':')[0]  # "conv1/kernel:0" -> "kernel"
        specs.append({'name': layer['name'] + '/' + param, 'shape': list(a.shape), 'dtype': 'float32'})
        blob.append(a.tobytes())
open(os.path.join(out, 'weights.bin'), 'wb').write(b''.join(blob))
json.dump({'format': 'layers-model', 'modelTopology': topology,
           'weightsManifest': [{'paths': ['weights.bin'], 'weights': specs}]},
          open(os.path.join(out, 'model.json'), 'w'))
