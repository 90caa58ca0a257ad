#!/usr/bin/env bash
# The Keras topology interpreter on the 13 Keras Applications graphs: each
# model's Keras 2.2.4 topology (keras_applications 1.0.8 builder under the
# oracle's stand-in) with seeded random weights, written as a TF.js model.json
# + shard, run by `zoobench run -w model.json`; reference: TF.js 4.22
# (tests/oracle/keras/make_fixture.py).  Bar: logits within
# 1e-4 * max(1, max|logit|), identical top-5.  InceptionResNetV2 holds Lambda
# layers: zoobench must refuse it with a message naming the layer.
# Each is also run from the fixture's full-model .h5 (model_config attribute).
# Also: a hand-written model with every supported option and quantized
# (uint8/uint16/float16) weights split over shards, against TF.js
# tf.loadLayersModel on the same files; and hostile manifests.
# Default: small sizes for the cheap models; ZB_FULL=1: all 13 at 224/299/331.
source "$(dirname "$0")/../lib.sh"
command -v node >/dev/null || skip "node is not installed"
[ -d tests/oracle/node_modules/@tensorflow/tfjs-layers ] ||
    skip "tests/oracle/node_modules is absent (run: cd tests/oracle && npm ci)"
$PY -c 'import keras_applications, h5py, numpy' 2>/dev/null || skip "python3-keras-applications / h5py is absent"
ZB=${ZB:-build/zoobench}

check() { # zoobench logits vs reference logits
    $PY - "$1" "$2" "$3" <<'PYEOF' || die "$3: zoobench differs from TF.js"
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
assert a.shape == b.shape, (a.shape, b.shape)
tol = 1e-4 * max(1.0, float(np.abs(b).max()))
d = float(np.abs(a - b).max())
top = lambda v: np.argsort(-v, axis=1, kind='stable')[:, :5]
assert d <= tol, '%s: max |diff| %g > %g' % (sys.argv[3], d, tol)
assert (top(a) == top(b)).all(), sys.argv[3] + ': top-5 differ'
print('%s: max |logit diff| %.3g (max |logit| %.3g)' % (sys.argv[3], d, float(np.abs(b).max())))
PYEOF
}

if [ "${ZB_FULL:-0}" = 1 ]; then
    MODELS="mobilenet:224 mobilenet_v2:224 resnet50:224 vgg16:224 vgg19:224 densenet121:224 densenet169:224
            densenet201:224 inception_v3:299 xception:299 nasnet_mobile:224 nasnet_large:331 inception_resnet_v2:299"
else
    MODELS="mobilenet:32 mobilenet_v2:33 resnet50:32 xception:71 nasnet_mobile:32
            inception_resnet_v2:75"
fi
for spec in $MODELS; do
    m=${spec%:*} s=${spec#*:}
    $PY tests/oracle/keras/make_fixture.py "$m" "$T/$m" --size "$s" --backend cpu --keep-npy-weights \
        --full-model >/dev/null 2>&1 || die "make_fixture $m failed"
    $PY tests/oracle/fixture_to_tfjs.py "$T/$m" "$T/$m.tfjs" || die "fixture_to_tfjs $m failed"
    if [ "$m" = inception_resnet_v2 ]; then
        expect_error "$ZB" run -w "$T/$m.tfjs/model.json" "$T/$m/input.npy" --logits "$T/x.npy"
        "$ZB" run -w "$T/$m.tfjs/model.json" "$T/$m/input.npy" 2>&1 | grep -q "Lambda" ||
            die "the Lambda error does not name the layer class"
        echo "$m: refused (Lambda)"
    else
        "$ZB" run -w "$T/$m.tfjs/model.json" "$T/$m/input.npy" --logits "$T/$m.zb.npy" || die "zoobench $m"
        check "$T/$m.zb.npy" "$T/$m/logits.npy" "$m@$s"
        # the same model from a full-model Keras .h5 (its model_config attribute + weights)
        "$ZB" run -m keras-json -w "$T/$m/weights.h5" "$T/$m/input.npy" --logits "$T/$m.h5.npy" || die "zoobench $m .h5"
        check "$T/$m.h5.npy" "$T/$m/logits.npy" "$m@$s (full-model .h5)"
    fi
    rm -rf "${T:?}/$m" "$T/$m.tfjs"
done

# Every supported option, quantized weights, shards.
$PY tests/oracle/tfjs_fixture.py "$T/fx" || die "tfjs_fixture failed"
node tests/oracle/keras/tfjs_run.js --tfjs-model "$T/fx/model.json" --input "$T/fx/input.npy" \
    --logits "$T/fx/ref.npy" --backend cpu >/dev/null 2>&1 || die "tfjs on the fixture failed"
"$ZB" run -w "$T/fx/model.json" "$T/fx/input.npy" --logits "$T/fx/zb.npy" || die "zoobench on the fixture"
check "$T/fx/zb.npy" "$T/fx/ref.npy" "options+quantized"

# Hostile files: one error line each, no crash.
J=$T/fx/model.json
hostile() { # NAME PYTHON-EXPR-ON-d
    $PY - "$J" "$T/fx/h.json" "$2" <<'PYEOF' || die "cannot write $1"
import json, sys
d = json.load(open(sys.argv[1]))
L = d['modelTopology']['model_config']['config']['layers']
M = d['weightsManifest']
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], 'w'))
PYEOF
    expect_error "$ZB" run -w "$T/fx/h.json" "$T/fx/input.npy" --logits "$T/x.npy"
    msg=$("$ZB" run -w "$T/fx/h.json" "$T/fx/input.npy" 2>&1 >/dev/null)
    [[ $msg == *"$3"* ]] || die "$1: message '$msg' lacks '$3'"
}
hostile unsupported-layer "L[5]['class_name'] = 'LocallyConnected2D'" "layer class 'LocallyConnected2D'"
hostile bad-activation "L[7]['config']['activation'] = 'selu'" "activation 'selu'"
hostile bad-padding "L[2]['config']['padding'] = 'causal'" "padding 'causal'"
hostile nchw "L[2]['config']['data_format'] = 'channels_first'" "channels_first"
hostile shape "M[0]['weights'][5]['shape'] = [3, 3, 16, 1]" "dw1/depthwise_kernel"
hostile missing-weight "del M[1]['weights'][-1]" "shards hold"
hostile extra-bytes "M[0]['weights'][0]['shape'] = [3, 3, 3, 7]" "shards hold"
hostile short-shard "M[1]['weights'][-1]['shape'] = [100000]" "needs"
hostile no-shard "M[0]['paths'][0] = 'missing.bin'" "missing.bin"
hostile escape "M[0]['paths'][0] = '../../etc/passwd'" "not a plain relative path"
hostile quant "M[0]['weights'][0]['quantization'] = {'dtype': 'int4'}" "int4"
hostile quant-nomin "M[0]['weights'][0]['quantization'] = {'dtype': 'uint8', 'scale': 1}" "scale and min"
hostile dtype "M[0]['weights'][0]['dtype'] = 'int32'" "int32"
hostile inbound "L[3]['inbound_nodes'] = [[['nowhere', 0, 0, {}]]]" "nowhere"
hostile shared "L[3]['inbound_nodes'] *= 2" "shared layers"
hostile lambda "L[5]['class_name'] = 'Lambda'" "Lambda"
printf '{"modelTopology": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' >"$T/deep.json"
expect_error "$ZB" run -w "$T/deep.json" "$T/fx/input.npy"
printf '{"weightsManifest": [], "modelTopology": {"a": "\\u00' >"$T/trunc.json"
expect_error "$ZB" run -w "$T/trunc.json" "$T/fx/input.npy"
echo "keras_topology: ok"
