#!/usr/bin/env bash
# Checks the TF.js Keras-semantics oracle itself (tests/oracle/keras), before any C
# code is compared against it:
#  - TF.js layer semantics vs a numpy re-implementation of TF's rules (odd/even
#    sizes, 'same' padding, pooling, depthwise/separable, BN, ReLU6, Lambda, ...);
#  - the .h5 writer's layout read back with h5py's type information (string styles,
#    chunked layer_names, nested groups, empty weight_names) and Keras's reader rules;
#  - the stand-in's MobileNet topology vs the real Keras-written model.json files;
#  - real MobileNet weights: the dog photo, the stand-in graph vs the real model.json,
#    and the original Keras 2.0.4 no-top .h5;
#  - fixtures for 3 models (NASNetMobile, InceptionResNetV2's Lambda, MobileNetV2 at
#    an odd size): wasm and cpu backends agree, softmax(logits) equals the model's
#    own softmax output.
source "$(dirname "$0")/../lib.sh"
ORACLE=tests/oracle/keras
command -v node >/dev/null || skip "node is not installed"
[ -d tests/oracle/node_modules/@tensorflow/tfjs-layers ] ||
    skip "tests/oracle/node_modules is absent (run: cd tests/oracle && npm ci)"
$PY -c 'import keras_applications, h5py, PIL' 2>/dev/null ||
    skip "python3-keras-applications, python3-h5py or python3-pil is absent"

$PY $ORACLE/op_check.py "$T/ops" || die "TF.js semantics differ from the numpy TF rules"
$PY $ORACLE/h5_check.py "$T/h5" || die "the .h5 writer's layout is wrong"

# Three small fixtures, each in two string styles / backends.
for spec in nasnet_mobile:32 inception_resnet_v2:75 mobilenet_v2:33; do
    m=${spec%:*} s=${spec#*:}
    $PY $ORACLE/make_fixture.py "$m" "$T/$m.w" --size "$s" --strings vlen --full-model \
        >/dev/null 2>&1 || die "make_fixture $m (wasm) failed"
    $PY $ORACLE/make_fixture.py "$m" "$T/$m.c" --size "$s" --backend cpu --keep-npy-weights \
        >/dev/null 2>&1 || die "make_fixture $m (cpu) failed"
    node $ORACLE/tfjs_run.js --topology "$T/$m.c/model.json" --weights "$T/$m.c/tfjs_weights" \
        --input "$T/$m.c/input.npy" --raw "$T/$m.c/raw.npy" --backend cpu 2>/dev/null || die "raw run $m"
    $PY - "$T/$m.w" "$T/$m.c" <<'PYEOF' || die "fixture check failed for $m"
import sys, numpy as np
w, c = sys.argv[1], sys.argv[2]
lw, lc = np.load(w + '/logits.npy'), np.load(c + '/logits.npy')
pc, raw = np.load(c + '/probs.npy'), np.load(c + '/raw.npy')
assert np.array_equal(np.load(w + '/input.npy'), np.load(c + '/input.npy')), 'inputs differ'
rel = np.abs(lw - lc).max() / max(1.0, np.abs(lc).max())
same5 = (np.argsort(-lw, 1)[:, :5] == np.argsort(-lc, 1)[:, :5]).all()
e = np.exp(lc - lc.max(1, keepdims=True)); sm = e / e.sum(1, keepdims=True)
print('%s: wasm vs cpu rel %.2g, same top-5 %s, |probs - softmax(logits)| %.2g, '
      '|probs - model softmax| %.2g' % (w.split('/')[-1][:-2], rel, same5,
      np.abs(pc - sm).max(), np.abs(pc - raw).max()))
assert rel <= 2e-5 and same5, 'backends disagree'
assert np.abs(pc - sm).max() <= 1e-6 and np.abs(pc - raw).max() <= 1e-6, 'softmax cut'
assert np.abs(lc[0] - lc[1]).max() > 1e-3 * max(1.0, np.abs(lc).max()), 'input-blind'
PYEOF
done

[ -d "$ZB_SHARED/data/weights/keras_mobilenet_v1_0.25_224_tfjs" ] ||
    skip "oracle checks passed; real-weight checks skipped: ../shared/data/weights is absent"
for a in 0.25:keras_mobilenet_v1_0.25_224_tfjs/mobilenet_model.json \
         0.75:keras_mobilenet_v1_0.75_224_tfjs/model.json; do
    $PY $ORACLE/compare_topology.py "$ZB_SHARED/data/weights/${a#*:}" --alpha "${a%%:*}" ||
        die "stand-in MobileNet ${a%%:*} differs from the real Keras model.json"
done
# The check must be able to fail: alpha 0.5 against the 0.75 file.
$PY $ORACLE/compare_topology.py "$ZB_SHARED/data/weights/keras_mobilenet_v1_0.75_224_tfjs/model.json" \
    --alpha 0.5 >/dev/null && die "compare_topology accepted a wrong alpha"
$PY $ORACLE/real_check.py "$ZB_SHARED/data" "$T/real" || die "real-weight checks failed"
