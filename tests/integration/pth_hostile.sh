#!/usr/bin/env bash
# Hostile and malformed checkpoints: one error line each, non-zero exit, no
# crash, within 2 s, and the os.system payload never runs.
source "$(dirname "$0")/../lib.sh"
[ -x "$PY" ] && "$PY" -c 'import torch' 2>/dev/null || skip "no /usr/bin/python3 with torch"
"$PY" "$(dirname "$0")/../oracle/pth_make.py" "$T" "$T/marker" >/dev/null || die "fixture generation failed"
# positive control: the payload does run under Python's unrestricted pickle
"$PY" -c 'import pickle,sys; pickle.load(open(sys.argv[1],"rb"))' "$T/control.pkl"
[ -e "$T/marker.control" ] || die "control payload did not run: the marker test would prove nothing"

# file -> a fragment the error must contain
declare -A why=(
    [reduce_system_zip]="global 'posix.system' is not allowed"
    [reduce_system_legacy]="global 'posix.system' is not allowed"
    [reduce_in_tensor]="global 'posix.system' is not allowed"
    [stack_global]="STACK_GLOBAL"
    [global_eval]="global 'builtins.eval' is not allowed"
    [global_torch_load]="global 'torch.load' is not allowed"
    [global_load_from_bytes]="_load_from_bytes' is not allowed"
    [pickled_module]="is not allowed"
    [inst]="INST"
    [obj]="not allowed"
    [ext1]="EXT"
    [deep_marks]="nesting deeper than"
    [deep_lists]="holds a list, not a state_dict"
    [deep_tuples]="holds a tuple, not a state_dict"
    [huge_unicode]="string of 4294967280 bytes"
    [huge_memo]="memo index"
    [huge_numel]="declares 4611686018427387904 elements"
    [huge_numel_entry]="holds 16 bytes, the pickle declares"
    [huge_shape]="overflows"
    [huge_expand]="expand to more than"
    [huge_legacy_numel]="holds 2305843009213693952 elements"
    [negative_shape]="negative tensor size"
    [negative_offset]="storage offset"
    [short_storage_zip]="storage shorter than its tensor"
    [short_storage_legacy]="storage shorter than its tensor"
    [short_offset]="storage shorter than its tensor"
    [bomb_storage]="zip bomb"
    [bomb_pickle]="zip bomb"
    [missing_entry]="zip entry 'archive/data/7' is missing"
    [entry_size]="holds 12 bytes, the pickle declares 16"
    [complex_storage]="not supported"
    [cyclic_dict]="holds a dict, not a tensor"
    [cyclic_list]="holds a list, not a tensor"
    [cyclic_top]="holds a list, not a state_dict"
    [truncated_zip]="truncated"
    [bad_crc]="CRC error"
    [polyglot_legacy_plus_zip]="polyglot"
    [polyglot_zip_plus_pickle]="polyglot"
    [polyglot_prefixed_zip]="is not allowed"
    [protocol4]="protocol 4 is refused"
    [protocol5]="protocol 5 is refused"
    [protocol4_legacy]="protocol 4 is refused"
    [protocol5_legacy]="protocol 5 is refused"
    [empty]="not a PyTorch checkpoint"
    [random]="not a PyTorch checkpoint"
    [nested_noflag]="--unwrap"
    [dataparallel_noflag]="--unwrap"
)
run_bad() { # FILE: exactly one "error: FILE: ..." line, exit 1, within 2 s and 256 MiB
    local f=$1 err
    err=$(expect_hostile "$ZB" inspect "$f") || exit 1
    [[ $err == "error: $f: "* ]] || die "$(basename "$f"): bad error line: $err"
    printf '%s' "$err"
}
n=0
for f in "$T"/hostile/*.pth; do
    name=$(basename "$f" .pth)
    [ -n "${why[$name]+x}" ] || die "no expectation for hostile/$name"
    err=$(run_bad "$f") || exit 1
    [[ $err == *"${why[$name]}"* ]] || die "$name: error lacks '${why[$name]}': $err"
    n=$((n + 1))
done
[ $n -eq ${#why[@]} ] || die "ran $n hostile files, expected ${#why[@]}"
[ -e "$T/marker" ] && die "the payload ran: $T/marker exists"

m=0
for f in "$T"/mutant/must/*.pth; do
    run_bad "$f" >/dev/null || exit 1
    m=$((m + 1))
done
[ $m -ge 30 ] || die "only $m malformed cases"
# random bit flips: either a clean load or one error line; never a crash or a hang
for f in "$T"/mutant/may/*.pth; do
    expect_hostile_or_ok "$ZB" inspect "$f"; [ $? -ne 1 ] || exit 1
done
[ -e "$T/marker" ] && die "the payload ran: $T/marker exists"
echo "ok: $n hostile and $m malformed checkpoints refused"
