#!/usr/bin/env bash
# Bad input never crashes or half-writes: a malformed .npy corpus (generated here)
# and bad command lines each give exactly one "error:" line and a non-zero exit.
source "$(dirname "$0")/../lib.sh"
"$PY" -c 'import numpy' 2>/dev/null || skip "numpy for $PY is missing"
C=$T/corpus
n=$("$PY" tests/oracle/npy_corpus.py "$C") || die "corpus generation"
[ "$n" -ge 30 ] || die "corpus too small: $n"
OK=$C/ok
L=$T/labels10.npy
"$ZB" table --results "$OK" --labels "$L" >/dev/null || die "the valid set must pass"

count=0
for f in "$C"/*.npy; do
    # one error line naming the file, exit 1, within 2 s and 256 MB (valgrind too with ZB_FULL=1)
    err=$(expect_hostile "$ZB" table --results "$OK" --labels "$f") || exit 1
    [[ $err == *"$(basename "$f")"* ]] || die "error does not name the file: $err"
    # a sample under valgrind by default: no memory error, no leak
    [ $((count % 8)) -eq 0 ] && [ "${ZB_FULL:-0}" != 1 ] && ! sanitized &&
        expect_valgrind_clean "$ZB" table --results "$OK" --labels "$f"
    count=$((count + 1))
done
[ "$count" -ge 30 ] || die "only $count corpus files"

# The same files as predictions, probabilities, masks and custom labels.
for f in object fortran header_10001 shape_overflow data_short garbage header_truncated dtype_unicode; do
    mkdir -p "$T/r_$f"
    cp "$C/$f.npy" "$T/r_$f/m_pytorch_imagenet_top5preds.npy"
    cp "$OK/m_pytorch_imagenet_top5probs.npy" "$T/r_$f/"
    expect_error "$ZB" table --results "$T/r_$f" --labels "$L"
    mkdir -p "$T/q_$f"
    cp "$OK/m_pytorch_imagenet_top5preds.npy" "$T/q_$f/"
    cp "$C/$f.npy" "$T/q_$f/m_pytorch_imagenet_top5probs.npy"
    expect_error "$ZB" table -p "$T/q_$f" --labels "$L"
    expect_error "$ZB" table --results "$OK" --labels "$L" -i "$C/$f.npy"
    expect_error "$ZB" table --results "$OK" --labels "$L" -l "$C/$f.npy"
done

# Command-line and consistency errors.
"$PY" - "$T" <<'PY'
import numpy as np, sys
t = sys.argv[1]
np.save(f"{t}/labels11.npy", np.zeros(11, np.int64))
np.save(f"{t}/idx_bad.npy", np.array([3, 10]))
np.save(f"{t}/idx_neg.npy", np.array([-11]))
np.save(f"{t}/idx_float.npy", np.array([1.0, 2.0]))
np.save(f"{t}/mask_short.npy", np.ones(9, bool))
np.save(f"{t}/custom9.npy", np.zeros(9, np.int64))
np.save(f"{t}/keep3.npy", np.array([1, 2, 3]))
np.save(f"{t}/custom4.npy", np.zeros(4, np.int64))
np.save(f"{t}/all.npy", np.arange(10))
np.save(f"{t}/preds4.npy", np.zeros((10, 4), np.int64))
np.save(f"{t}/probs4.npy", np.zeros((10, 4), np.float32))
np.save(f"{t}/probs9.npy", np.zeros((9, 5), np.float32))
PY
expect_error "$ZB" table --results "$OK" --labels "$T/labels11.npy"
expect_error "$ZB" table --results "$OK" --labels imagenet-val
expect_error "$ZB" table --results "$OK" --labels "$L" -i "$T/idx_bad.npy"
expect_error "$ZB" table --results "$OK" --labels "$L" -j "$T/idx_neg.npy"
expect_error "$ZB" table --results "$OK" --labels "$L" -j "$T/idx_float.npy"
expect_error "$ZB" table --results "$OK" --labels "$L" -j "$T/mask_short.npy"
expect_error "$ZB" table --results "$OK" --labels "$L" -l "$T/custom9.npy" --score-custom-labels
# -l alone, as the seed's main(): the values index images to leave out.
expect_error "$ZB" table --results "$OK" --labels "$L" -l "$T/idx_bad.npy"
expect_error "$ZB" table --results "$OK" --labels "$L" -l "$T/idx_float.npy"
expect_error "$ZB" table --results "$OK" --labels "$L" -l "$T/all.npy"
expect_error "$ZB" table --results "$OK" --labels "$L" -j "$T/keep3.npy" -l "$T/custom4.npy"
expect_error "$ZB" table --results "$OK" --labels "$L" -i "$T/keep3.npy" -j "$T/keep3.npy"
expect_error "$ZB" table --results "$OK" --labels "$L" -i "$T/all.npy"
expect_error "$ZB" table --results "$OK" --labels "$L" --format xml
expect_error "$ZB" table --results "$OK" --labels "$L" --dataset mnist
expect_error "$ZB" table --results "$OK" --labels "$L" --pvalues "$T/p.csv"
expect_error "$ZB" table --results "$OK"
expect_error "$ZB" table --labels "$L"
expect_error "$ZB" table --results "$OK" --labels "$L" "$T/no-such-dir"
expect_error "$ZB" table --results "$OK" "$T/no-such-dir"
expect_error "$ZB" table --results "$T/no-such-dir" --labels "$L"
expect_error "$ZB" table --results "$T" --labels "$L"
expect_error "$ZB" table -k "$OK" --labels "$L"
expect_error "$ZB" table --dataset cifar10 --results "$OK" --labels imagenet-val
mkdir -p "$T/p4" "$T/p9" "$T/nopair"
cp "$T/preds4.npy" "$T/p4/m_pytorch_imagenet_top5preds.npy"
cp "$T/probs4.npy" "$T/p4/m_pytorch_imagenet_top5probs.npy"
expect_error "$ZB" table --results "$T/p4" --labels "$L"
cp "$OK/m_pytorch_imagenet_top5preds.npy" "$T/p9/"
cp "$T/probs9.npy" "$T/p9/m_pytorch_imagenet_top5probs.npy"
expect_error "$ZB" table --results "$T/p9" --labels "$L"
cp "$OK/m_pytorch_imagenet_top5preds.npy" "$T/nopair/"
expect_error "$ZB" table --results "$T/nopair" --labels "$L"
# An ImageFolder with a class that has no image, and one with no class at all.
mkdir -p "$T/vf/a" "$T/vf/b" "$T/empty"
touch "$T/vf/a/x.JPG" "$T/vf/b/notes.txt"
expect_error "$ZB" table --results "$OK" "$T/vf"
expect_error "$ZB" table --results "$OK" "$T/empty"
# Output that cannot be written: an error, and nothing left behind.
expect_error "$ZB" table --results "$OK" --labels "$L" -o "$T/no-such-dir/out.csv"
expect_error "$ZB" table --results "$OK" --labels "$L" --compare --pvalues "$T/no-such-dir/p.npy"
[ -z "$(ls "$T" | grep tmp)" ] || die "temporary files left behind"
# --published with a server that is down (works with or without the downloader).
expect_error "$ZB" table --published --base-url http://127.0.0.1:9/ --cache-dir "$T/cache"
expect_error "$ZB" table --published -k "$OK"
exit 0
