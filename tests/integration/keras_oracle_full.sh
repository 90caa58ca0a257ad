#!/usr/bin/env bash
# ZB_FULL=1 only: the Keras oracle on every model variant zoobench needs.
#  - all 13 models at their full input size, with top (logits + probs, 2 images);
#  - every model without top, pooling none / avg / max, at a small size whose
#    last feature map is 2x2 or 3x3;
#  - MobileNet: alpha 0.25 0.5 0.75 1.0 x size 128 160 192 224;
#  - MobileNetV2: alpha 0.35 0.5 0.75 1.0 1.3 1.4 at 96, 97 (odd: correct_pad) and 224.
# Each fixture must load in TF.js, give finite outputs of the right shape, and
# depend on its input. Prints make_fixture's timing line for each.
source "$(dirname "$0")/../lib.sh"
[ "${ZB_FULL:-0}" = 1 ] || skip "full Keras oracle suite runs with ZB_FULL=1 (make test-full)"
ORACLE=tests/oracle/keras
command -v node >/dev/null || skip "node is not installed"
[ -d tests/oracle/node_modules/@tensorflow/tfjs-layers ] ||
    skip "tests/oracle/node_modules is absent (run: cd tests/oracle && npm ci)"

check() {  # check DIR FILE SHAPE
    $PY - "$1/$2" "$3" <<'PYEOF' || die "bad oracle output $1/$2"
import sys, numpy as np
y = np.load(sys.argv[1]); want = tuple(int(s) for s in sys.argv[2].split(','))
assert y.shape == want, (y.shape, want)
assert np.isfinite(y).all(), 'non-finite'
assert np.abs(y[0] - y[1]).max() > 1e-4 * max(1.0, np.abs(y).max()), 'input-blind'
PYEOF
}
fixture() {  # fixture NAME ARGS... : make_fixture into $T/NAME
    local name=$1; shift
    $PY $ORACLE/make_fixture.py "$@" "$T/$name" 2>/dev/null || die "make_fixture $* failed"
}

for m in densenet121 densenet169 densenet201 inception_resnet_v2 inception_v3 mobilenet \
         mobilenet_v2 nasnet_large nasnet_mobile resnet50 vgg16 vgg19 xception; do
    fixture "$m.full" "$m"
    check "$T/$m.full" logits.npy 2,1000
    rm -rf "$T/$m.full"
    # a size whose last feature map is at least 2x2, so avg and max pooling differ
    s=64; case $m in inception*) s=139;; xception) s=71;; esac
    for pool in none avg max; do
        args=(--no-top --size "$s"); [ $pool = none ] || args+=(--pooling $pool)
        fixture "$m.$pool" "$m" "${args[@]}" --strings vlen
        shape=$($PY -c "import json; print(','.join(map(str, json.load(open('$T/$m.$pool/meta.json'))['output_shape'])))")
        check "$T/$m.$pool" features.npy "$shape"
        rm -rf "$T/$m.$pool"
    done
done
for a in 0.25 0.5 0.75 1.0; do
    for s in 128 160 192 224; do
        fixture "mn.$a.$s" mobilenet --alpha $a --size $s --strings vlen
        check "$T/mn.$a.$s" logits.npy 2,1000
        rm -rf "$T/mn.$a.$s"
    done
done
for a in 0.35 0.5 0.75 1.0 1.3 1.4; do
    for s in 96 97 224; do
        fixture "mn2.$a.$s" mobilenet_v2 --alpha $a --size $s --full-model
        check "$T/mn2.$a.$s" logits.npy 2,1000
        rm -rf "$T/mn2.$a.$s"
    done
done
