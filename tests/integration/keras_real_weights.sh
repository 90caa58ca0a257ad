#!/usr/bin/env bash
# Real Keras weights (issue 5, item 6): MobileNet alpha 0.25 from ../shared/data.
#  - the original Keras 2.0.4 no-top file in keras/mobilenet_0.25_notop: the
#    (7, 7, 256) features of dog.jpg equal the oracle's (stand-in graph, same file);
#  - the real with-top weights in keras/mobilenet_0.25: logits equal the real
#    TF.js model's, and 'zoobench classify' puts a dog class in dog.jpg's top-5
#    (through the keras-tf recipe).
source "$(dirname "$0")/../lib.sh"
source tests/oracle/keras/fixture_lib.bash
need_shared data/weights/keras_h5
need_shared data/weights/keras_mobilenet_v1_0.25_224_tfjs
DOG=/usr/share/darknet/data/dog.jpg
[ -f $DOG ] || skip "$DOG is absent (Debian package darknet)"

$PY $ORACLE/real_fixture.py "$ZB_SHARED/data" "$T/r" --image $DOG >/dev/null || die "real_fixture.py"

notop=$ZB_SHARED/data/weights/keras_h5/mobilenet_2_5_224_tf_no_top.h5
if "$ZB" inspect "$notop" >/dev/null 2>&1; then w=$notop; else
    $PY $ORACLE/h5_to_pth.py "$notop" "$T/notop.pth" || die "h5_to_pth"; w=$T/notop.pth
fi
"$ZB" run -m keras/mobilenet_0.25_notop -w "$w" --logits "$T/f.npy" "$T/r/x.npy" || die "run no-top"
$PY $ORACLE/compare.py mobilenet_0.25_notop_real "$T/r/features.npy" "$T/f.npy" --features || die "features"

w=$(keras_weights "$T/r/top.h5") || exit 1
"$ZB" run -m keras/mobilenet_0.25 -w "$w" --logits "$T/l.npy" "$T/r/x.npy" || die "run top"
$PY $ORACLE/compare.py mobilenet_0.25_real "$T/r/real_logits.npy" "$T/l.npy" || die "logits"

out=$("$ZB" classify -m keras/mobilenet_0.25 -w "$w" $DOG) || die "classify"
echo "$out"
ids=$(printf '%s\n' "$out" | sed -n 's/.*(\([0-9]*\))$/\1/p')
[ "$(printf '%s\n' "$ids" | wc -l)" -eq 5 ] || die "classify printed no top-5: $out"
dog=0; for c in $ids; do [ "$c" -ge 151 ] && [ "$c" -le 268 ] && dog=1; done
[ $dog -eq 1 ] || die "no dog class (151..268) in dog.jpg's top-5: $ids"
