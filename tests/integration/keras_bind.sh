#!/usr/bin/env bash
# Keras load_weights(by_name=False) rules and determinism for keras/... models:
#  - a file of another alpha: one error line naming the layer and both shapes;
#  - a no-top file into a with-top model: one error line with both layer counts;
#  - bitwise identical logits at batch 1, 3 and 32, with 1 or 2 threads.
source "$(dirname "$0")/../lib.sh"
source tests/oracle/keras/fixture_lib.bash

$PY $ORACLE/make_fixture.py mobilenet "$T/m50" --alpha 0.5 --size 32 --images 32 >/dev/null 2>&1 ||
    die "make_fixture mobilenet 0.5"
w50=$(keras_weights "$T/m50/weights.h5") || exit 1

# shape mismatch: 0.5 weights into the 0.25 model
expect_error "$ZB" run -m keras/mobilenet_0.25 -w "$w50" --logits "$T/x.npy" "$T/m50/input.npy"
err=$("$ZB" run -m keras/mobilenet_0.25 -w "$w50" --logits "$T/x.npy" "$T/m50/input.npy" 2>&1)
[[ $err == *"layer 'conv1'"*"(3, 3, 3, 8)"*"(3, 3, 3, 16)"* ]] || die "unexpected message: $err"
[ ! -e "$T/x.npy" ] || die "an output was written on error"

# count mismatch: a no-top file into the with-top model
$PY $ORACLE/write_h5.py mobilenet "$T/notop.h5" --alpha 0.5 --size 32 --no-top >/dev/null 2>&1 ||
    die "write_h5 no-top"
wn=$(keras_weights "$T/notop.h5") || exit 1
expect_error "$ZB" run -m keras/mobilenet_0.5 -w "$wn" --logits "$T/x.npy" "$T/m50/input.npy"
err=$("$ZB" run -m keras/mobilenet_0.5 -w "$wn" --logits "$T/x.npy" "$T/m50/input.npy" 2>&1)
[[ $err == *"54 layers with weights"*"55"* ]] || die "unexpected message: $err"

# batch and thread invariance, bitwise
for b in 1 3 32; do
    "$ZB" run -m keras/mobilenet_0.5 -w "$w50" -b $b --logits "$T/b$b.npy" "$T/m50/input.npy" || die "batch $b"
done
"$ZB" run -m keras/mobilenet_0.5 -w "$w50" -b 5 -j 2 --logits "$T/j2.npy" "$T/m50/input.npy" || die "2 threads"
for f in b3 b32 j2; do cmp -s "$T/b1.npy" "$T/$f.npy" || die "$f differs from batch 1"; done
$PY $ORACLE/compare.py mobilenet_0.5@32x32images "$T/m50/logits.npy" "$T/b1.npy" || die "oracle"
