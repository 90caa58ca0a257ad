#!/usr/bin/env bash
# zoobench predict / merge / valprep on a small ImageFolder (darknet photos,
# generated, corrupt and truncated images), list files and an ILSVRC2012 val
# tar + devkit built here in the real formats.  Oracles: `zoobench run` per
# image (numpy picks the top 5), torchvision's ImageFolder and ImageNet for
# order and labels, numpy for the seed's accuracy, Python's hashlib for MD5.
source tests/lib.sh
$PY -c 'import torch, torchvision, scipy' 2>/dev/null || skip "/usr/bin/python3 lacks torch, torchvision or scipy"
$PY tests/oracle/torch_models.py --out "$T" --models squeezenet1_1,resnet18 --size 64 --batch 1 \
    --formats zip >/dev/null 2>&1 || die "weights oracle failed"
$PY tests/oracle/predict/make_data.py folder "$T/val" || die "fixture"
M=torchvision/squeezenet1_1
W=$T/squeezenet1_1.pth
P=squeezenet1_1_pytorch_imagenet_
pred() { "$ZB" predict "$T/val" -m $M -w "$W" --size 64 --no-progress "$@"; }
# in the background, as the process itself (so kill -9 hits zoobench, not a subshell)
pred_bg() { exec "$ZB" predict "$T/val" -m $M -w "$W" --size 64 --no-progress "$@" >/dev/null 2>&1; }

# 1. reference run; -b and -j do not change a byte
pred -o "$T/a" -b 1 -j 1 --save-labels --save-all-probs >"$T/a.out" 2>"$T/a.err" || die "predict: $(cat "$T/a.err")"
pred -o "$T/b" -b 5 -j 2 --save-labels --save-all-probs >/dev/null 2>&1 || die "predict -b 5 -j 2"
for f in top5preds.npy top5probs.npy probs.npy labels.npy errors.txt; do
    cmp -s "$T/a/$P$f" "$T/b/$P$f" || die "$f differs between -b 1 -j 1 and -b 5 -j 2"
done
[ "$(grep -c '^error: ' "$T/a.err")" -eq 2 ] || die "expected one error line per bad image: $(cat "$T/a.err")"
grep -q 'corrupt.jpg' "$T/a.err" && grep -q 'truncated.jpg' "$T/a.err" || die "error lines name the files"

# 2. per image, predict equals `zoobench run` (numpy's top 5 of run's probabilities);
#    order and labels equal torchvision's ImageFolder; bad images are -1 rows in the errors file;
#    the printed acc1/acc5 are the seed's formulas
$PY - "$T" >"$T/imgs" <<'PY' || die "ImageFolder oracle"
import sys, torchvision
for p, y in torchvision.datasets.ImageFolder(sys.argv[1] + "/val").samples:
    print(p, y)
PY
i=0
while read -r path label; do
    case $path in *corrupt.jpg|*truncated.jpg) i=$((i + 1)); continue ;; esac
    "$ZB" run -m $M -w "$W" --size 64 --probs "$T/run$i.npy" "$path" || die "run $path"
    i=$((i + 1))
done <"$T/imgs"
$PY - "$T" "$P" <<'PY' || die "predict differs from zoobench run / ImageFolder / the seed's accuracy"
import sys, os, numpy as np
t, p = sys.argv[1], sys.argv[2]
imgs = [l.split() for l in open(t + "/imgs")]
preds = np.load(t + "/a/" + p + "top5preds.npy"); probs = np.load(t + "/a/" + p + "top5probs.npy")
allp = np.load(t + "/a/" + p + "probs.npy"); labels = np.load(t + "/a/" + p + "labels.npy")
assert preds.dtype == np.int64 and preds.shape == (len(imgs), 5), (preds.dtype, preds.shape)
assert probs.dtype == np.float16 and probs.shape == (len(imgs), 5)
assert allp.dtype == np.float16 and allp.shape == (len(imgs), 1000)
assert labels.tolist() == [int(y) for _, y in imgs], labels
errs = [l.split("\t") for l in open(t + "/a/" + p + "errors.txt").read().splitlines()]
bad = {int(e[0]) for e in errs}
assert {os.path.basename(imgs[i][0]) for i in bad} == {"corrupt.jpg", "truncated.jpg"}, errs
for i in range(len(imgs)):
    if i in bad:
        assert (preds[i] == -1).all() and (probs[i] == 0).all() and (allp[i] == 0).all()
        continue
    r = np.load("%s/run%d.npy" % (t, i))[0]
    top = np.argpartition(-r, 5)[:5]  # the seed's column order
    assert preds[i].tolist() == top.tolist(), (i, preds[i], top)
    assert probs[i].tobytes() == r[top].astype(np.float16).tobytes(), i
    assert allp[i].tobytes() == r.astype(np.float16).tobytes(), i
# the seed: acc1 = mean(top[argmax(top_probs)] == labels), acc5 = mean(label in row)
acc1 = np.mean(preds[np.arange(len(preds)), np.argmax(probs, axis=1)] == labels)
acc5 = np.mean([labels[i] in row for i, row in enumerate(preds)])
want = "squeezenet1_1: acc1: {:.2%}, acc5: {:.2%}".format(acc1, acc5)
got = open(t + "/a.out").read()
assert got.startswith(want), (got, want)
PY

# 3. list files, "path label" and "path, label", relative to the list's directory or --root
sed "s|^$T/val/||" "$T/imgs" >"$T/val/list.txt"
sed "s|^$T/val/||; s| |, |" "$T/imgs" >"$T/list2.txt"
"$ZB" predict "$T/val/list.txt" -m $M -w "$W" --size 64 -o "$T/l1" >/dev/null 2>&1 || die "predict list.txt"
"$ZB" predict "$T/list2.txt" --root "$T/val" -m $M -w "$W" --size 64 -o "$T/l2" >/dev/null 2>&1 || die "predict 'path, label' list"
for d in l1 l2; do
    for f in top5preds.npy top5probs.npy; do cmp -s "$T/a/$P$f" "$T/$d/$P$f" || die "$d: $f differs"; done
done

# 4. kill -9 at random points, then resume: byte-identical files.  The fast kernels run the 13
#    images in ~0.1 s, so this part reads a list of 40 copies of them (520 entries) to leave time to kill.
for _ in $(seq 40); do cat "$T/val/list.txt"; done >"$T/val/big.txt"
pred_big() { "$ZB" predict "$T/val/big.txt" -m $M -w "$W" --size 64 --no-progress "$@"; }
pred_big_bg() { exec "$ZB" predict "$T/val/big.txt" -m $M -w "$W" --size 64 --no-progress "$@" >/dev/null 2>&1; }
pred_big -o "$T/kref" -b 1 --save-all-probs --save-labels >/dev/null 2>&1 || die "predict big list"
RANDOM=42
resumed=0
for round in 1 2 3; do
    rm -rf "$T/k"
    for kill in 1 2 3; do
        (pred_big_bg -o "$T/k" -b 1 --save-all-probs --save-labels) &
        pid=$!
        if [ $kill = 1 ]; then
            sleep 0.$(printf '%02d' $((RANDOM % 40 + 5))) # anywhere, start-up included
        else
            # once the checkpoint has grown by a record (however loaded the machine is), then a bit more
            ck0=$(stat -c %s "$T/k/.squeezenet1_1_pytorch_imagenet.ckpt" 2>/dev/null || echo 0)
            until [ "$(stat -c %s "$T/k/.squeezenet1_1_pytorch_imagenet.ckpt" 2>/dev/null || echo 0)" -gt $((ck0 > 300 ? ck0 : 350)) ] ||
                ! kill -0 $pid 2>/dev/null; do sleep 0.002; done
            sleep 0.0$((RANDOM % 10))
        fi
        kill -9 $pid 2>/dev/null
        wait $pid 2>/dev/null
    done
    ck=$T/k/.squeezenet1_1_pytorch_imagenet.ckpt
    if [ $round = 2 ] && [ -s "$ck" ]; then
        printf 'torn tail' >>"$ck" # a half-written record is cut off
    fi
    if [ $round = 3 ] && [ "$(stat -c %s "$ck" 2>/dev/null || echo 0)" -gt 600 ]; then
        # a damaged record and everything after it are recomputed
        sz=$(stat -c %s "$ck"); printf '\xff' | dd of="$ck" bs=1 seek=$((sz - 40)) conv=notrunc 2>/dev/null
    fi
    pred_big -o "$T/k" -b 1 --save-all-probs --save-labels >"$T/k.out" 2>&1 || die "resume: $(cat "$T/k.out")"
    for f in top5preds.npy top5probs.npy probs.npy labels.npy errors.txt; do
        cmp -s "$T/kref/$P$f" "$T/k/$P$f" || die "round $round: $f differs after kill -9 + resume"
    done
    [ ! -e "$ck" ] || die "checkpoint left behind"
    r=$(sed -n 's/.*images (\([0-9]*\) resumed).*/\1/p' "$T/k.out")
    resumed=$((resumed + ${r:-0}))
done
[ $resumed -gt 0 ] || die "no round resumed anything: the kills missed the run"
ls -a "$T/k" | grep -q '\.tmp' && die "temp files left behind"

# 5. a different model setup refuses to resume
# kill -9 once the checkpoint holds a record (its header is about 300 bytes)
mkck() {
    rm -rf "$T/r"; (pred_bg -o "$T/r" -b 1) & local pid=$!
    until [ "$(stat -c %s "$T/r/.squeezenet1_1_pytorch_imagenet.ckpt" 2>/dev/null || echo 0)" -gt 350 ] ||
        ! kill -0 $pid 2>/dev/null; do sleep 0.002; done
    kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
}
for try in 1 2 3 4 5; do mkck; [ -e "$T/r/.squeezenet1_1_pytorch_imagenet.ckpt" ] && break; done
[ -e "$T/r/.squeezenet1_1_pytorch_imagenet.ckpt" ] || die "no checkpoint after kill"
$PY -c "
import torch; sd = torch.load('$W'); k = next(iter(sd)); sd[k] = sd[k] + 1; torch.save(sd, '$T/w2.pth')"
expect_error "$ZB" predict "$T/val" -m $M -w "$T/w2.pth" --size 64 -o "$T/r"
"$ZB" predict "$T/val" -m $M -w "$T/w2.pth" --size 64 -o "$T/r" 2>&1 | grep -q "different weights" || die "weights message"
"$ZB" predict "$T/val" -m $M -w "$W" --size 64 --recipe seed-torchvision -o "$T/r" 2>&1 | grep -q "different recipe" ||
    die "recipe message"
cp "$T/val/n01440764/gen0.jpg" "$T/val/n01440764/gen9.jpg"
"$ZB" predict "$T/val" -m $M -w "$W" --size 64 -o "$T/r" 2>&1 | grep -q "different dataset" || die "dataset message"
rm "$T/val/n01440764/gen9.jpg"

# 6. --shard K/N + merge equals a single run
for k in 0 1 2; do
    pred -o "$T/s" --shard $k/3 --save-all-probs --save-labels >/dev/null 2>&1 || die "shard $k"
done
"$ZB" merge -m $M -n 3 -o "$T/s" >/dev/null || die merge
for f in top5preds.npy top5probs.npy probs.npy labels.npy errors.txt; do
    cmp -s "$T/a/$P$f" "$T/s/$P$f" || die "shard + merge: $f differs"
done
expect_error "$ZB" merge -m $M -n 4 -o "$T/s"

# 7. two models in one process equal separate runs (no state carried over)
mkdir -p "$T/wd"; cp "$W" "$T/wd/squeezenet1_1.pth"; cp "$T/resnet18.pth" "$T/wd/"
"$ZB" predict "$T/val" -m torchvision/resnet18,$M -w "$T/wd" --size 64 -o "$T/two" >/dev/null 2>&1 || die "two models"
"$ZB" predict "$T/val" -m torchvision/resnet18 -w "$T/resnet18.pth" --size 64 -o "$T/one" >/dev/null 2>&1 || die "resnet18"
cmp -s "$T/two/${P}top5preds.npy" "$T/a/${P}top5preds.npy" || die "second model differs when run after another"
cmp -s "$T/two/resnet18_pytorch_imagenet_top5probs.npy" "$T/one/resnet18_pytorch_imagenet_top5probs.npy" ||
    die "resnet18 differs in a two-model run"

# 8. `zoobench table` reads the outputs (labels from the same ImageFolder): Acc@1 as printed
"$ZB" table -p "$T/a" "$T/val" --format csv >"$T/table.csv" || die "table on predict's outputs"
acc1=$(sed -n 's/^squeezenet1_1: acc1: \([0-9.]*\)%.*/\1/p' "$T/a.out")
grep -q "squeezenet1_1" "$T/table.csv" || die "table lacks the model: $(cat "$T/table.csv")"
$PY - "$T/table.csv" "$acc1" <<'PY' || die "table's Acc@1 differs from predict's acc1"
import sys, csv
rows = list(csv.DictReader(open(sys.argv[1])))
col = [k for k in rows[0] if k.startswith("Acc@1") or k == "Acc1" or "Acc" in k][0]
assert abs(float(rows[0][col]) - float(sys.argv[2])) < 0.006, (rows[0], sys.argv[2])
PY

# 9. memory: the net is freed between models (C oracle on mallinfo2)
ZB_TEST_WEIGHTS_A=$W ZB_TEST_WEIGHTS_B=$T/resnet18.pth ZB_TEST_VAL=$T/val "$ZB_BUILD/tests/test_predict" ||
    die "test_predict (memory between models)"
echo ok
