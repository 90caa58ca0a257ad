#!/usr/bin/python3
"""Checks the stand-in's MobileNet topology against a real Keras-written one.

compare_topology.py REAL_MODEL_JSON --alpha A [--size S]

REAL_MODEL_JSON is a TF.js model.json whose modelTopology Keras 2.1.4 wrote
(shared/data/weights/keras_mobilenet_v1_*_224_tfjs/).  keras_applications 1.0.8 (run
under the stand-in, as Keras 2.2.4 would) builds the same network in a slightly
different but numerically equivalent form; these known differences are rewritten
into the 2.1.4 form, then everything else must be identical: the layer sequence,
names, class names, every config value, inbound nodes, inputs and outputs, and the
weight names and shapes of the weightsManifest.

Known 2.1.4 -> 2.2.4/1.0.8 differences (and why they compute the same thing):
  1. conv1 and the stride-2 depthwise convs (conv_dw_2, _4, _6, _12) use
     padding='same' in 2.1.4; 1.0.8 inserts ZeroPadding2D(((0, 1), (0, 1)))
     ('conv1_pad', 'conv_pad_N') before a padding='valid' conv.  For a 3x3 kernel,
     stride 2 and an even input size, TF's 'same' pads 0 rows/cols before and 1
     after, so both are equal (not for odd input sizes).
  2. 2.1.4 writes Activation('relu6'); 1.0.8 uses the ReLU(6.) layer
     (max_value=6, negative_slope=0, threshold=0): min(max(x, 0), 6) in both.
  3. The top: 2.1.4 is conv_preds -> Activation softmax -> Reshape((1000,));
     1.0.8 is conv_preds -> Reshape((1000,)) -> Activation softmax.  The softmax is
     over the last axis of a (1, 1, 1000) map, so the order does not matter.
"""
import argparse
import copy
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def to_keras214_form(config):
    cfg = copy.deepcopy(config)
    layers = cfg['layers']
    by_name = {l['name']: l for l in layers}
    consumers = {}
    for l in layers:
        for node in l['inbound_nodes']:
            for inb in node:
                consumers.setdefault(inb[0], []).append(l['name'])
    keep = []
    for l in layers:
        c = l['config']
        if l['class_name'] == 'ZeroPadding2D':
            users = consumers.get(l['name'], [])
            user = by_name[users[0]] if len(users) == 1 else None
            uc = user['config'] if user else {}
            if (json.loads(json.dumps(c['padding'])) == [[0, 1], [0, 1]] and user
                    and user['class_name'] in ('Conv2D', 'DepthwiseConv2D')
                    and uc['padding'] == 'valid' and list(uc['kernel_size']) == [3, 3]
                    and list(uc['strides']) == [2, 2]):
                uc['padding'] = 'same'
                user['inbound_nodes'] = copy.deepcopy(l['inbound_nodes'])
                continue
        mv = c.get('max_value')
        if isinstance(mv, dict) and mv.get('type') == 'ndarray':   # Keras 2.2.4 form
            mv = mv['value']
        if l['class_name'] == 'ReLU' and mv == 6 and \
                c['negative_slope'] == 0 and c['threshold'] == 0:
            l['class_name'] = 'Activation'
            l['config'] = {'name': c['name'], 'trainable': c['trainable'],
                           'activation': 'relu6'}
        keep.append(l)
    cfg['layers'] = keep
    # conv_preds -> reshape_2 -> act_softmax  =>  conv_preds -> act_softmax -> reshape_2
    names = [l['name'] for l in keep]
    if names[-2:] == ['reshape_2', 'act_softmax']:
        r, a = keep[-2], keep[-1]
        a['inbound_nodes'] = copy.deepcopy(r['inbound_nodes'])
        r['inbound_nodes'] = [[['act_softmax', 0, 0, {}]]]
        keep[-2:] = [a, r]
        cfg['output_layers'] = [['reshape_2', 0, 0]]
    return cfg


def _norm(v):
    import keras_standin
    return json.loads(json.dumps(v, default=keras_standin.get_json_type))


def compare(real_json_path, alpha, size=224):
    import zoo
    with open(real_json_path) as f:
        real = json.load(f)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        model = zoo.build('mobilenet', size=size, alpha=alpha)
    ours = to_keras214_form(json.loads(model.to_json())['config'])
    theirs = real['modelTopology']['model_config']['config']
    problems = []
    on = [l['name'] for l in ours['layers']]
    tn = [l['name'] for l in theirs['layers']]
    if on != tn:
        problems.append('layer sequence differs:\n  ours   %s\n  theirs %s' % (on, tn))
    for a, b in zip(ours['layers'], theirs['layers']):
        if a['name'] != b['name']:
            continue
        if a['class_name'] != b['class_name']:
            problems.append('%s: class %s vs %s' % (a['name'], a['class_name'],
                                                    b['class_name']))
            continue
        ka, kb = set(a['config']), set(b['config'])
        if ka != kb:
            problems.append('%s: config keys differ: ours only %s, theirs only %s'
                            % (a['name'], sorted(ka - kb), sorted(kb - ka)))
        for k in sorted(ka & kb):
            if _norm(a['config'][k]) != _norm(b['config'][k]):
                problems.append('%s: %s = %r vs %r' % (a['name'], k, a['config'][k],
                                                       b['config'][k]))
        if _norm(a['inbound_nodes']) != _norm(b['inbound_nodes']):
            problems.append('%s: inbound %r vs %r' % (a['name'], a['inbound_nodes'],
                                                      b['inbound_nodes']))
    for key in ('input_layers', 'output_layers'):
        if _norm(ours[key]) != _norm(theirs[key]):
            problems.append('%s: %r vs %r' % (key, ours[key], theirs[key]))
    # Weights: names and shapes, as the stand-in would create them.
    mine = {}
    for _, specs in model.weight_specs():
        for name, shape in specs:
            mine[name.split(':')[0]] = list(shape)
    manifest = {w['name']: list(w['shape'])
                for g in real['weightsManifest'] for w in g['weights']}
    if mine != manifest:
        diff = sorted(k for k in set(mine) | set(manifest)
                      if mine.get(k) != manifest.get(k))
        problems.append('weights differ for: %s' % diff[:20])
    return problems, len(tn), len(manifest)


def main():
    p = argparse.ArgumentParser(description='compare stand-in MobileNet with a real '
                                            'Keras model.json')
    p.add_argument('real_json')
    p.add_argument('--alpha', type=float, required=True)
    p.add_argument('--size', type=int, default=224)
    args = p.parse_args()
    problems, n_layers, n_weights = compare(args.real_json, args.alpha, args.size)
    for line in problems:
        print('DIFF ' + line)
    if problems:
        sys.exit(1)
    print('ok: %d layers and %d weights identical after the 3 documented rewrites'
          % (n_layers, n_weights))


if __name__ == '__main__':
    main()
