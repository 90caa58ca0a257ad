#!/usr/bin/env bash
# Real pretrained Keras MobileNets (TF.js model.json + shards) on real ImageNet
# validation images, end to end: zoobench decodes and preprocesses the JPEGs
# itself (keras-tf recipe: nearest squash to 224, x/127.5-1) and runs the
# topology read from model.json.  Reference: TF.js 4.22 tf.loadLayersModel on
# the same files, on inputs preprocessed by Pillow + numpy.  Bar: top-5
# identical (all but one per 1,300 images), probabilities within 1e-4.
# Default: every 26th image (50; the reference kernels are slow); ZB_FULL=1: all 1,300.
source "$(dirname "$0")/../lib.sh"
need_shared data/weights/keras_mobilenet_v1_0.25_224_tfjs
need_shared data/images/ilsvrc2012_val_227px_verisilicon
command -v node >/dev/null || skip "node is not installed"
[ -d tests/oracle/node_modules/@tensorflow/tfjs-layers ] ||
    skip "tests/oracle/node_modules is absent (run: cd tests/oracle && npm ci)"
$PY -c 'import PIL, numpy' 2>/dev/null || skip "python3-pil / numpy is absent"
ZB=${ZB:-build/zoobench}
D=$ZB_SHARED/data
STEP=26
[ "${ZB_FULL:-0}" = 1 ] && STEP=1

$PY tests/oracle/real_models.py prep "$D/labels/verisilicon_val1300_dataset.txt" \
    "$D/images/ilsvrc2012_val_227px_verisilicon" $STEP "$T/x.npy" "$T/files.txt" || die "prep failed"
cut -d' ' -f1 "$T/files.txt" >"$T/paths.txt"

for spec in 0.25:mobilenet_model.json 0.75:model.json; do
    a=${spec%%:*} json=$D/weights/keras_mobilenet_v1_${a}_224_tfjs/${spec#*:}
    [ -f "$json" ] || skip "$json is absent"
    node tests/oracle/keras/tfjs_run.js --tfjs-model "$json" --input "$T/x.npy" \
        --probs "$T/ref_$a.npy" --batch 32 2>"$T/node.err" || die "tfjs failed: $(cat "$T/node.err")"
    # zoobench in chunks of 100 images (the inputs of one run are held in memory)
    split -l 100 -d "$T/paths.txt" "$T/chunk_$a."
    i=0
    for c in "$T"/chunk_$a.*; do
        xargs -a "$c" -d '\n' "$ZB" run -w "$json" -b 16 --probs "$T/zb_${a}_$(printf %03d $i).npy" ||
            die "zoobench run failed on $c"
        i=$((i + 1))
    done
    $PY - "$T" "$a" <<'PYEOF' || die "cannot join the chunks"
import glob, sys, numpy as np
t, a = sys.argv[1], sys.argv[2]
np.save('%s/zb_%s.npy' % (t, a), np.concatenate([np.load(f) for f in sorted(glob.glob('%s/zb_%s_*.npy' % (t, a)))]))
PYEOF
    mkdir -p "$T/res"
    $PY tests/oracle/real_models.py compare "$T/files.txt" "$T/zb_$a.npy" "$T/ref_$a.npy" "mobilenet_$a" \
        "$T/res/mobilenet${a/./}_keras_imagenet" >"$T/cmp_$a.txt" || { cat "$T/cmp_$a.txt"; die "mobilenet $a: zoobench differs from TF.js"; }
    grep -v '^ACC' "$T/cmp_$a.txt"
done

# `zoobench table` on the list file (the VeriSilicon 'path, label' style, paths
# './data/x.JPEG' resolved under --root by basename): its accuracies must be
# those computed above from the same predictions.
"$ZB" table --results "$T/res" --labels "$T/files.txt.list" --root "$D/images/ilsvrc2012_val_227px_verisilicon" \
    --format csv >"$T/table.csv" || die "zoobench table failed"
cat "$T/table.csv"
for a in 0.25 0.75; do
    read -r _ top1 top5 < <(grep '^ACC' "$T/cmp_$a.txt")
    $PY - "$T/table.csv" "mobilenet${a/./}" "$top1" "$top5" <<'PYEOF' || die "table accuracy differs for mobilenet $a"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if sys.argv[2] in r.get('Model', r.get('model', ''))]
assert len(rows) == 1, rows
r = rows[0]
vals = [float(v) for k, v in r.items() if k.lower().startswith('acc')]
assert abs(100 * vals[0] - float(sys.argv[3])) < 1e-3 and abs(100 * vals[1] - float(sys.argv[4])) < 1e-3, (r, sys.argv[3:])
PYEOF
done
# a missing image under --root is an error
sed -i '1s/,/x,/' "$T/files.txt.list"
expect_error "$ZB" table --results "$T/res" --labels "$T/files.txt.list" --root "$D/images/ilsvrc2012_val_227px_verisilicon"
echo "real_models: ok"
