#!/usr/bin/env bash
# Keras .h5 files written by h5py (both string styles, libver earliest/latest,
# weights-only and full-model, many layers: chunked layer_names and dense
# attribute/link storage): `zoobench inspect --crc` must list exactly the keys,
# shapes and float32 CRCs that h5py + numpy compute (tests/oracle/h5_keras.py).
source tests/lib.sh
$PY -c 'import h5py' 2>/dev/null || skip "h5py not available to $PY"
O=tests/oracle/h5_keras.py
check() { # FILE [expect-mode]
    local f=$1 mode=${2:-expect}
    $PY $O "$mode" "$f" > "$f.exp" || die "oracle failed on $f"
    "$ZB" inspect --crc "$f" > "$f.got" || die "zoobench failed on $f"
    if [ "$mode" = expect-any ]; then
        { grep -v '^#' "$f.got" | sort; grep '^#' "$f.got"; } > "$f.sorted"; mv "$f.sorted" "$f.got"
    fi
    diff "$f.exp" "$f.got" > "$f.diff" || die "$f: zoobench differs from h5py: $(head -5 "$f.diff")"
    [ "$mode" = expect ] || return 0
    $PY $O layers "$f" > "$f.lexp" || die "oracle failed on $f"
    "$ZB_BUILD/tests/test_h5" "$f" > "$f.lgot" || die "test_h5 failed on $f"
    diff "$f.lexp" "$f.lgot" > "$f.diff" || die "$f: Keras view differs from h5py: $(head -5 "$f.diff")"
}
n=0
for style in fixed vlen; do
    for lib in earliest latest; do
        for full in "" full; do
            f=$T/k_${style}_${lib}_${full:-w}.h5
            $PY $O write "$f" $style $lib 12 $((n += 1)) $full || die "writing $f"
            check "$f"
        done
    done
done
# many layers with long names: chunked layer_names0.., dense storage under 'latest'
for combo in "fixed earliest" "vlen latest" "fixed latest"; do
    set -- $combo
    f=$T/big_$1_$2.h5
    $PY $O write "$f" $1 $2 300 $((n += 1)) || die "writing $f"
    $PY -c "import h5py,sys; a=h5py.File(sys.argv[1]).attrs; sys.exit(0 if 'layer_names0' in a else 1)" "$f" \
        || die "$f: layer_names was expected to be chunked"
    check "$f"
done
# a plain (non-Keras) HDF5 file, with a hard-link cycle: every dataset once, by path
f=$T/plain.h5
$PY - "$f" <<'PYEOF' || die "writing $f"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w') as f:
    f['a'] = np.arange(6.).reshape(2, 3)
    g = f.create_group('g/h')
    g['b'] = np.arange(-3, 3, dtype='>i4')
    g['c'] = np.float16([1.5, -2.25, 65504])
    g['loop'] = f['g']            # cycle g -> h -> loop -> g
    f.create_dataset('chunked', data=np.arange(100, dtype='f4').reshape(10, 10), chunks=(3, 4))
    f['zero'] = np.zeros((0, 4), 'f4')
PYEOF
check "$f" expect-any
# libver='latest' chunk indexes: fixed array, single chunk (implicit needs no fill time; h5py rarely writes it)
f=$T/chunks4.h5
$PY - "$f" <<'PYEOF' || die "writing $f"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'w', libver='latest') as f:
    f.create_dataset('fixed_array', data=np.arange(100, dtype='f4').reshape(10, 10), chunks=(3, 4))
    f.create_dataset('single', data=np.arange(12, dtype='<f8').reshape(3, 4), chunks=(3, 4))
    f.create_dataset('ints', data=np.arange(-3, 4, dtype='>i2'), chunks=(2,))
PYEOF
check "$f" expect-any
# the real Keras 2.0.4 file (h5py 2, fixed-length strings)
M=$ZB_SHARED/data/weights/keras_h5/mobilenet_2_5_224_tf_no_top.h5
if [ -f "$M" ]; then
    cp "$M" "$T/mobilenet.h5"; check "$T/mobilenet.h5"
else
    echo "note: $M absent, real-file check skipped"
fi
echo ok
