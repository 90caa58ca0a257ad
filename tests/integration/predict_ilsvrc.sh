#!/usr/bin/env bash
# zoobench predict on ILSVRC2012_img_val.tar + ILSVRC2012_devkit_t12.tar.gz
# built here in the real formats (ustar, gzip tar, MAT v5 meta.mat), read in
# place; labels and order against torchvision.datasets.ImageNet on the same
# files; MD5 against hashlib; valprep against torchvision's extracted tree;
# mpirun -n 2 against a single run.
source tests/lib.sh
$PY -c 'import torch, torchvision, scipy' 2>/dev/null || skip "/usr/bin/python3 lacks torch, torchvision or scipy"
$PY tests/oracle/torch_models.py --out "$T" --models squeezenet1_1 --size 64 --batch 1 --formats zip >/dev/null 2>&1 ||
    die "weights oracle failed"
$PY tests/oracle/predict/make_data.py ilsvrc "$T/il" || die fixture
M=torchvision/squeezenet1_1
W=$T/squeezenet1_1.pth
P=squeezenet1_1_pytorch_imagenet_
TAR=$T/il/ILSVRC2012_img_val.tar

# MD5: torchvision's pinned sums are checked; the message gives the file's own MD5
expect_error "$ZB" predict "$TAR" -m $M -w "$W" --size 64 -o "$T/x"
md5=$($PY -c "import hashlib; print(hashlib.md5(open('$T/il/ILSVRC2012_devkit_t12.tar.gz','rb').read()).hexdigest())")
"$ZB" predict "$TAR" -m $M -w "$W" --size 64 -o "$T/x" 2>&1 | grep -q "MD5 $md5, torchvision expects fa75699e90414af021442c21a62c3abf" ||
    die "MD5 message"

# the tar read in place (members in shuffled order; one is not an image)
"$ZB" predict "$TAR" --no-md5 -m $M -w "$W" --size 64 -o "$T/t" -b 3 --save-labels --no-progress >/dev/null 2>"$T/t.err" ||
    die "predict on the tar: $(cat "$T/t.err")"
grep -q '^error: ILSVRC2012_val_00000006.JPEG' "$T/t.err" || die "error line for the bad member: $(cat "$T/t.err")"

# torchvision's ImageNet(split='val') on a copy: order and labels; then predict on its folder
cp -r "$T/il" "$T/tv"
$PY tests/oracle/predict/make_data.py tv-imagenet "$T/tv" >"$T/tv.txt" || die "torchvision ImageNet oracle"
$PY - "$T" "$P" <<'PY' || die "labels differ from torchvision's ImageNet"
import sys, numpy as np
t, p = sys.argv[1:]
want = [int(l.split()[1]) for l in open(t + "/tv.txt")]
assert np.load(t + "/t/" + p + "labels.npy").tolist() == want
PY
"$ZB" predict "$T/tv/val" -m $M -w "$W" --size 64 -o "$T/f" --save-labels >/dev/null 2>&1 || die "predict on the folder"
for f in top5preds.npy top5probs.npy labels.npy; do
    cmp -s "$T/t/$P$f" "$T/f/$P$f" || die "$f: the tar and torchvision's extracted folder differ"
done
cut -f1 "$T/t/${P}errors.txt" >"$T/e1"; cut -f1 "$T/f/${P}errors.txt" >"$T/e2"
cmp -s "$T/e1" "$T/e2" || die "errors rows differ"

# valprep: the same tree as torchvision's, from the tar and (hard links) from a flat directory
"$ZB" valprep "$TAR" --no-md5 -o "$T/vp" >/dev/null || die "valprep tar"
diff -r "$T/vp" "$T/tv/val" >/dev/null || die "valprep tree differs from torchvision's"
mkdir "$T/flat"; (cd "$T/flat" && tar xf "$TAR")
"$ZB" valprep "$T/flat" --devkit "$T/il/ILSVRC2012_devkit_t12.tar.gz" --no-md5 -o "$T/vp2" >/dev/null || die "valprep dir"
diff -r "$T/vp2" "$T/tv/val" >/dev/null || die "valprep (links) tree differs"
[ "$(stat -c %h "$T/flat/ILSVRC2012_val_00000001.JPEG")" -eq 2 ] || die "valprep did not hard-link"

# mpirun -n 2: rank 0 writes files byte-identical to a single run
if command -v mpicc >/dev/null && command -v mpirun >/dev/null; then
    mkdir -p "$T/mpi"
    for f in cli/*.c; do
        # shellcheck disable=SC2086
        mpicc $ZB_SANFLAGS -std=c11 -D_GNU_SOURCE -DZB_MPI -O1 -Iinclude -Isrc -c "$f" -o "$T/mpi/$(basename "$f" .c).o" || die "mpicc $f"
    done
    # shellcheck disable=SC2046 # the Makefile's library list, word-split on purpose
    mpicc $ZB_SANFLAGS -o "$T/zb-mpi" "$T"/mpi/*.o "$ZB_BUILD/libzoobench.a" $(sed -n 's/^LDLIBS *+= *//p' Makefile) ||
        die "mpi link"
    # Open MPI's own start-up allocations are never freed: no leak check there under ASan.
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    mpirun -n 2 --allow-run-as-root --oversubscribe "$T/zb-mpi" predict "$TAR" --no-md5 -m $M -w "$W" --size 64 \
        -o "$T/m" -b 2 --save-labels --save-all-probs >"$T/m.out" 2>"$T/m.err" || die "mpirun: $(cat "$T/m.err")"
    "$ZB" predict "$TAR" --no-md5 -m $M -w "$W" --size 64 -o "$T/t2" --save-labels --save-all-probs >/dev/null 2>&1 ||
        die "single run"
    for f in top5preds.npy top5probs.npy probs.npy labels.npy errors.txt; do
        cmp -s "$T/t2/$P$f" "$T/m/$P$f" || die "mpirun -n 2: $f differs from a single run"
    done
    grep -q "acc1" "$T/m.out" || die "mpirun printed no accuracy"
else
    echo "mpirun absent: MPI part skipped"
fi
echo ok
