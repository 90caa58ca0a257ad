#!/usr/bin/env bash
# The original Keras 2.0.4 no-top file mobilenet_2_5_224_tf_no_top.h5 in the
# hand-written keras/mobilenet_0.25_notop_avg (include_top=False,
# pooling='avg') gives bit for bit the pooled features of the real TF.js
# MobileNet 0.25 model.json run by the topology interpreter up to its
# global_average_pooling2d_1 layer (the model.json cut there, a test-side edit:
# output layer moved, the classifier's weight group dropped), on real
# ImageNet images through zoobench's keras-tf recipe.
source "$(dirname "$0")/../lib.sh"
need_shared data/weights/keras_h5
need_shared data/weights/keras_mobilenet_v1_0.25_224_tfjs
need_shared data/images/ilsvrc2012_val_227px_verisilicon
ZB=${ZB:-build/zoobench}
"$ZB" run --list | grep -q '^keras/mobilenet_0.25_notop_avg ' || skip "keras/mobilenet_0.25_notop_avg is not built in"
D=$ZB_SHARED/data
SRC=$D/weights/keras_mobilenet_v1_0.25_224_tfjs
mkdir "$T/cut"
for f in "$SRC"/mobilenet_group*; do ln -s "$f" "$T/cut/"; done
$PY - "$SRC/mobilenet_model.json" "$T/cut/model.json" <<'PYEOF' || die "cannot cut the model.json"
import json, sys
d = json.load(open(sys.argv[1]))
c = d['modelTopology']['model_config']['config']
names = [l['name'] for l in c['layers']]
cut = names.index('global_average_pooling2d_1') + 1
dropped = set(names[cut:])
c['layers'] = c['layers'][:cut]
c['output_layers'] = [['global_average_pooling2d_1', 0, 0]]
d['weightsManifest'] = [g for g in d['weightsManifest']
                        if not any(w['name'].split('/')[0] in dropped for w in g['weights'])]
json.dump(d, open(sys.argv[2], 'w'))
PYEOF
imgs=$(ls "$D/images/ilsvrc2012_val_227px_verisilicon" | head -12 | sed "s|^|$D/images/ilsvrc2012_val_227px_verisilicon/|")
# shellcheck disable=SC2086
"$ZB" run -w "$T/cut/model.json" $imgs --logits "$T/json.npy" || die "model.json run failed"
# Until zoobench reads .h5 itself (branch h5), the file's tensors go through the
# oracle's h5py converter to a .pth with the same keys and values.
notop=$D/weights/keras_h5/mobilenet_2_5_224_tf_no_top.h5
if "$ZB" inspect "$notop" >/dev/null 2>&1; then w=$notop; else
    $PY tests/oracle/keras/h5_to_pth.py "$notop" "$T/notop.pth" || die "h5_to_pth"; w=$T/notop.pth
    echo "note: .h5 read through tests/oracle/keras/h5_to_pth.py (zoobench's .h5 reader is not built in)"
fi
# shellcheck disable=SC2086
"$ZB" run -m keras/mobilenet_0.25_notop_avg -w "$w" $imgs \
    --logits "$T/h5.npy" || die "no-top .h5 run failed"
$PY - "$T/json.npy" "$T/h5.npy" <<'PYEOF' || die "pooled features differ"
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
assert a.shape == b.shape == (12, 256), (a.shape, b.shape)
assert np.abs(a).max() > 0.1, 'features are all near zero'
assert np.array_equal(a.view(np.uint32), b.view(np.uint32)), 'max |diff| %g' % np.abs(a - b).max()
print('pooled features: 12 images x 256, bit for bit equal')
PYEOF
echo "real_notop_h5: ok"
