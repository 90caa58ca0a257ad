#!/usr/bin/env bash
# Malformed images, list/label files and TF.js model.json files, generated at
# test time (tests/oracle/malformed_corpus.py): each refused case gives exactly
# one "error: <file>: ..." line and exit 1 within 2 s and 256 MiB; random
# damage gives a clean result or one such line, never a crash or a hang.
# A sample runs under valgrind in tests/integration/malformed_valgrind.sh.
source "$(dirname "$0")/../lib.sh"
"$PY" -c 'import numpy, PIL' 2>/dev/null || skip "numpy or Pillow for $PY is missing"
C=$T/c
"$PY" tests/oracle/malformed_corpus.py "$C" >"$T/counts" || die "corpus generation failed"
# 256 MiB of address space, except under AddressSanitizer (it reserves terabytes)
vmem=$ZB_VMEM

# one FILE CMD...: CMD must fail on FILE with one "error: FILE: " line, exit 1, in 2 s.
one() {
    local f=$1 err rc
    shift
    err=$(ulimit -v $vmem; timeout 2 "$@" 2>&1 >/dev/null); rc=$?
    [ $rc -eq 1 ] || die "$f: exit $rc (want 1): $err"
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || die "$f: not one line: $err"
    [[ $err == "error: $f: "* ]] || die "$f: the error does not start with 'error: $f: ': $err"
}
# either FILE CMD...: success with a quiet stderr, or one() passes.
either() {
    local f=$1 err rc
    shift
    err=$(ulimit -v $vmem; timeout 2 "$@" 2>&1 >/dev/null); rc=$?
    if [ $rc -eq 0 ]; then
        [ -z "$err" ] || die "$f: success with stderr: $err"
    else
        [ $rc -eq 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ $err == "error: $f: "* ]] ||
            die "$f: exit $rc: $err"
    fi
}
count() { [ "$1" -ge 30 ] || die "only $1 $2 cases"; }

# Images: zoobench preprocess decodes, resizes, crops (Pillow refuses each "must" file too).
out=$T/pre.npy
"$ZB" preprocess --recipe torchvision -o "$out" "$C/good.png" || die "the good image must pass"
n=0
for f in "$C"/image/must/*; do
    one "$f" "$ZB" preprocess --recipe torchvision -o "$out.x" "$f"
    [ -e "$out.x" ] && die "$f: an output was written"
    n=$((n + 1))
done
count $n image
for f in "$C"/image/ok/*; do # PNG chunk edge cases that Pillow accepts
    err=$(ulimit -v $vmem; timeout 2 "$ZB" preprocess --recipe torchvision -o "$out" "$f" 2>&1) ||
        die "$f: Pillow decodes it, zoobench: $err"
done
for f in "$C"/image/may/*; do
    either "$f" "$ZB" preprocess --recipe keras-tf -o "$out" "$f"
done
if [ "$vmem" != unlimited ]; then # within the pixel cap, beyond 256 MiB: a clean out-of-memory error
    for f in "$C"/image/mem/*; do
        one "$f" "$ZB" preprocess --recipe torchvision -o "$out.x" "$f"
    done
fi

# Text list files as table --labels (10 results) and as predict's dataset (read
# before the missing weights).
R=$C/results
"$ZB" table --results "$R" --labels "$C/list10.txt" >/dev/null || die "the valid list must pass"
"$ZB" table --results "$R" --labels "$C/labels10.npy" >/dev/null || die "the valid labels must pass"
n=0
for f in "$C"/list/must/*.txt; do
    one "$f" "$ZB" table --results "$R" --labels "$f"
    one "$f" "$ZB" predict -m torchvision/resnet18 -w "$T/no-weights.pth" -o "$T/pred" "$f"
    n=$((n + 1))
done
count $n list
# Label arrays: --labels, -i, -j and -l (as custom labels: with -j), named by their prefix.
for f in "$C"/labels/must/*.npy; do
    case $(basename "$f") in
    labels__*) one "$f" "$ZB" table --results "$R" --labels "$f" ;;
    i__*) one "$f" "$ZB" table --results "$R" --labels "$C/labels10.npy" -i "$f" ;;
    j__*) one "$f" "$ZB" table --results "$R" --labels "$C/labels10.npy" -j "$f" ;;
    l__*) one "$f" "$ZB" table --results "$R" --labels "$C/labels10.npy" -j "$C/keep10.npy" -l "$f" ;;
    *) die "no flag for $f" ;;
    esac
    n=$((n + 1))
done

# TF.js model.json: zoobench classify -w reads the JSON, shards and topology first.
"$ZB" classify -w "$C/json/fixture/model.json" "$C/good.png" >/dev/null || die "the fixture model must load"
n=0
for f in "$C"/json/must/*/model.json; do
    if [[ $f == */shard_missing/* ]]; then # the error names the missing shard
        one "$(dirname "$f")/nope.bin" "$ZB" classify -w "$f" "$C/good.png"
    else
        one "$f" "$ZB" classify -w "$f" "$C/good.png"
    fi
    n=$((n + 1))
done
count $n json
for f in "$C"/json/may/*/model.json; do
    either "$f" "$ZB" classify -w "$f" "$C/good.png"
done
echo "ok: $(tr '\n' ' ' <"$T/counts")(format, refused, may-load)"
