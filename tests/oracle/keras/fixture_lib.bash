# Sourced by tests/integration/keras_*.sh (after tests/lib.sh): oracle fixtures
# for the keras/... models and the comparison with zoobench.
ORACLE=tests/oracle/keras
command -v node >/dev/null || skip "node is not installed"
[ -d tests/oracle/node_modules/@tensorflow/tfjs-layers ] ||
    skip "tests/oracle/node_modules is absent (run: cd tests/oracle && npm ci)"
$PY -c 'import keras_applications, h5py, torch' 2>/dev/null ||
    skip "python3-keras-applications, python3-h5py or python3-torch is absent"

# keras_weights H5: prints the weight file zoobench should load.  The .h5 itself
# once zoobench reads .h5 files; until then the same tensors, read by h5py with
# Keras's rules, in file order, as a .pth state dict (h5_to_pth.py).
keras_weights() {
    if "$ZB" inspect "$1" >/dev/null 2>&1; then
        echo "$1"
    else
        $PY $ORACLE/h5_to_pth.py "$1" "${1%.h5}.pth" || die "h5_to_pth $1"
        echo "${1%.h5}.pth"
    fi
}

# check_model ORACLE_NAME ZB_NAME SIZE [make_fixture args...]: random-weight
# fixture, zoobench on the same input, the issue 5 bar.  Prints the measured line.
check_model() {
    local m=$1 zb=$2 s=$3; shift 3
    local d=$T/${zb#keras/}.$s
    $PY $ORACLE/make_fixture.py "$m" "$d" --size "$s" "$@" >/dev/null 2>"$d.err" ||
        die "make_fixture $m --size $s $*: $(tail -n 1 "$d.err")"
    local w; w=$(keras_weights "$d/weights.h5") || exit 1
    "$ZB" run -m "$zb" -w "$w" --logits "$d/zb.npy" "$d/input.npy" || die "zoobench run $zb"
    local ref=$d/logits.npy flag=
    [ -f "$ref" ] || { ref=$d/features.npy; flag=--features; }
    $PY $ORACLE/compare.py "$zb@$s" "$ref" "$d/zb.npy" $flag || die "$zb at $s differs from the oracle"
}
