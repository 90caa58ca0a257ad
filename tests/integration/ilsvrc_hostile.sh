#!/usr/bin/env bash
# Malformed ILSVRC2012 val tars, devkits (tar.gz), meta.mat files, ground-truth
# texts and weight-cache pins (tests/oracle/ilsvrc_malformed.py: truncations, bit
# flips, huge declared sizes and dims, decompression bombs, path traversal).
# Each one: exactly one 'error:' line naming the file, a non-zero exit, within
# 2 s and 256 MB of address space; a sample (all with ZB_FULL=1) under valgrind
# with no errors and no leaks.
source "$(dirname "$0")/../lib.sh"
"$PY" -c 'import numpy, scipy' 2>/dev/null || skip "/usr/bin/python3 lacks numpy or scipy"
"$PY" "$(dirname "$0")/../oracle/ilsvrc_malformed.py" "$T/m" || die "case generation failed"
M=$T/m

# The cache for the pin cases: a card with no published hash, its file present,
# no server (a fetch must fail on the pin before any network access).
export XDG_CACHE_HOME=$T/xdg ZOOBENCH_WEIGHTS_BASE_URL=http://127.0.0.1:9 ZOOBENCH_WEIGHTS_HASHES=$T/hashes
: > "$T/hashes"
CARD=keras/mobilenet_0.5_160
WF=$T/xdg/zoobench/weights/keras/mobilenet_5_0_160_tf.h5
mkdir -p "$(dirname "$WF")"
printf '\211HDF\r\n\032\nfake weights\n' > "$WF"

# cmd FORMAT TAR DEVKIT PIN: the command that reads the case
cmd() {
    if [ "$1" = pin ]; then
        cp "$4" "$WF.sha256"
        echo "$ZB" weights fetch --no-progress $CARD
    else
        echo "$ZB" valprep "$2" --devkit "$3" --no-md5 -o "$T/out"
    fi
}

# Controls: the good tar and devkit, and a good pin, are accepted.
"$ZB" valprep "$M/good.tar" --devkit "$M/good.tar.gz" --no-md5 -o "$T/out" >/dev/null 2>"$T/err" ||
    die "the good tar and devkit fail: $(cat "$T/err")"
(ulimit -v $ZB_VMEM; timeout 2 "$ZB" valprep "$M/good.tar" --devkit "$M/good.tar.gz" --no-md5 -o "$T/out") \
    >/dev/null 2>"$T/err" || die "the good tar and devkit fail within 256 MB and 2 s: $(cat "$T/err")"
/usr/bin/sha256sum "$WF" | cut -c1-64 > "$WF.sha256"
"$ZB" weights fetch --no-progress $CARD >/dev/null 2>"$T/err" || die "a good pin fails: $(cat "$T/err")"

n=0
declare -A per
while IFS=$'\t' read -r fmt name tar dk file; do
    rm -rf "$T/out"
    # shellcheck disable=SC2046 # cmd's words
    err=$(ulimit -v $ZB_VMEM; timeout 2 $(cmd "$fmt" "$tar" "$dk" "$file") 2>&1 >/dev/null)
    rc=$?
    [ $rc -ne 124 ] || die "$fmt $name: over 2 s"
    [ $rc -ne 0 ] || die "$fmt $name: accepted"
    [ $rc -lt 128 ] || die "$fmt $name: killed by signal $((rc - 128)): $err"
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || die "$fmt $name: expected one line, got: $err"
    [[ $err == error:* ]] || die "$fmt $name: expected an 'error:' line, got: $err"
    [ "$fmt" = pin ] && file=$WF.sha256
    [[ $err == *"$file"* ]] || die "$fmt $name: the error does not name $file: $err"
    n=$((n + 1))
    per[$fmt]=$((${per[$fmt]:-0} + 1))
done < "$M/cases.tsv"
for f in tar devkit meta gt pin; do
    [ "${per[$f]:-0}" -ge 30 ] || die "only ${per[$f]:-0} $f cases"
done

# valgrind: every 24th case (all with ZB_FULL=1), the bombs and the controls
if command -v valgrind >/dev/null && [ "$ZB_ASAN" = 0 ]; then
    step=24
    [ "${ZB_FULL:-0}" = 1 ] && step=1
    k=0 v=0
    while IFS=$'\t' read -r fmt name tar dk file; do
        k=$((k + 1))
        [ $((k % step)) -eq 1 ] || [ $step -eq 1 ] || [[ $name == *bomb* ]] || continue
        rm -rf "$T/out"
        # shellcheck disable=SC2046
        valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
            --errors-for-leak-kinds=definite,indirect $(cmd "$fmt" "$tar" "$dk" "$file") >/dev/null 2>"$T/vg.err"
        rc=$?
        [ $rc -ne 99 ] || die "valgrind: $fmt $name: $(cat "$T/vg.err")"
        [ $rc -ne 0 ] || die "valgrind: $fmt $name: accepted"
        v=$((v + 1))
    done < "$M/cases.tsv"
    rm -rf "$T/out"
    valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect "$ZB" valprep "$M/good.tar" --devkit "$M/good.tar.gz" --no-md5 \
        -o "$T/out" >/dev/null 2>"$T/vg.err" || die "valgrind: the good pair: $(cat "$T/vg.err")"
    echo "valgrind: $v cases and the good pair clean"
else
    echo "valgrind absent or an ASan build: valgrind part skipped"
fi
echo "ok: $n malformed cases (tar ${per[tar]}, devkit ${per[devkit]}, meta.mat ${per[meta]}, ground truth ${per[gt]}, pin ${per[pin]})"
