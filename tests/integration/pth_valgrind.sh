#!/usr/bin/env bash
# A sample of good, hostile and malformed checkpoints under valgrind: no memory
# errors, no leaks.
source "$(dirname "$0")/../lib.sh"
[ -x "$PY" ] && "$PY" -c 'import torch' 2>/dev/null || skip "no /usr/bin/python3 with torch"
command -v valgrind >/dev/null || skip "valgrind is not installed"
[ "$ZB_ASAN" = 0 ] || skip "the binary is built with AddressSanitizer (valgrind cannot run it)"
"$PY" "$(dirname "$0")/../oracle/pth_make.py" "$T" "$T/marker" >/dev/null || die "fixture generation failed"
vg() {
    valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
        "$ZB" inspect "$@" >/dev/null 2>"$T/vg.err"
}
files=("$T"/good/mixed_zip.pth "$T"/good/mixed_legacy.pth "$T"/good/view_legacy.pth)
for name in reduce_system_zip deep_marks short_storage_zip bad_crc polyglot_zip_plus_pickle huge_legacy_numel; do
    files+=("$T/hostile/$name.pth")
done
files+=($(ls "$T"/mutant/must/*.pth | sort | awk 'NR % 20 == 1'))
for f in "${files[@]}"; do
    vg "$f"; rc=$?
    [ $rc -eq 99 ] && die "valgrind: $(basename "$f"): $(cat "$T/vg.err")"
    [ $rc -le 1 ] || die "$(basename "$f"): exit $rc: $(cat "$T/vg.err")"
done
vg --unwrap "$T"/good/nested_zip.pth || die "valgrind nested: $(cat "$T/vg.err")"
echo "ok: ${#files[@]} files clean under valgrind"
