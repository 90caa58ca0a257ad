#!/usr/bin/env bash
# A sample of the malformed images, list/label files and model.json files of
# malformed_inputs.sh under valgrind: no memory errors, no leaks, still one
# error line.  ZB_FULL=1 runs every case.
source "$(dirname "$0")/../lib.sh"
"$PY" -c 'import numpy, PIL' 2>/dev/null || skip "numpy or Pillow for $PY is missing"
command -v valgrind >/dev/null || skip "valgrind is not installed"
[ "$ZB_ASAN" = 0 ] || skip "the binary is built with AddressSanitizer (valgrind cannot run it)"
C=$T/c
"$PY" tests/oracle/malformed_corpus.py "$C" >/dev/null || die "corpus generation failed"
every=7
[ "${ZB_FULL:-0}" = 1 ] && every=1
# vg WANT CMD...: under valgrind, CMD exits with status WANT (1: one error line) and is clean.
vg() {
    local want=$1 rc
    shift
    valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
        "$@" >/dev/null 2>"$T/vg.err"
    rc=$?
    [ $rc -eq 99 ] && die "valgrind: $*: $(cat "$T/vg.err")"
    [ $rc -eq "$want" ] || die "exit $rc (want $want): $*: $(cat "$T/vg.err")"
    [ "$want" -eq 0 ] || [ "$(wc -l <"$T/vg.err")" -eq 1 ] || die "not one line: $*: $(cat "$T/vg.err")"
}
sample() { ls "$@" | sort | awk -v k=$every '(NR - 1) % k == 0'; }
n=0
vg 0 "$ZB" preprocess --recipe torchvision -o "$T/o.npy" "$C/good.png"
for f in $(sample "$C"/image/must/*); do
    vg 1 "$ZB" preprocess --recipe torchvision -o "$T/o.npy" "$f"
    n=$((n + 1))
done
for f in $(sample "$C"/list/must/*.txt); do
    vg 1 "$ZB" table --results "$C/results" --labels "$f"
    vg 1 "$ZB" predict -m torchvision/resnet18 -w "$T/none.pth" -o "$T/pred" "$f"
    n=$((n + 1))
done
for f in $(sample "$C"/labels/must/*.npy); do
    case $(basename "$f") in
    labels__*) vg 1 "$ZB" table --results "$C/results" --labels "$f" ;;
    l__*) vg 1 "$ZB" table --results "$C/results" --labels "$C/labels10.npy" -j "$C/keep10.npy" -l "$f" ;;
    *) vg 1 "$ZB" table --results "$C/results" --labels "$C/labels10.npy" "-$(basename "$f" | cut -c1)" "$f" ;;
    esac
    n=$((n + 1))
done
for f in $(sample "$C"/json/must/*/model.json); do
    vg 1 "$ZB" classify -w "$f" "$C/good.png"
    n=$((n + 1))
done
echo "ok: $n malformed files clean under valgrind (every ${every}th case)"
