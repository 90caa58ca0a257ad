#!/usr/bin/env bash
# .pth loading against torch 1.13: keys, shapes, counts and the CRC-32 of every
# tensor's float32 values must equal what torch computes, in both formats.
source "$(dirname "$0")/../lib.sh"
[ -x "$PY" ] && "$PY" -c 'import torch' 2>/dev/null || skip "no /usr/bin/python3 with torch"
"$PY" "$(dirname "$0")/../oracle/pth_make.py" "$T" "$T/marker" >/dev/null || die "fixture generation failed"
n=0
for f in "$T"/good/*.pth; do
    b=${f%.pth}
    flags=$(cat "$b.flags" 2>/dev/null)
    # shellcheck disable=SC2086
    "$ZB" inspect --crc $flags "$f" >"$b.got" 2>"$b.err" || die "$(basename "$f"): $(cat "$b.err")"
    [ -s "$b.err" ] && die "$(basename "$f"): unexpected stderr: $(cat "$b.err")"
    diff "$b.expect" "$b.got" >"$b.diff" || die "$(basename "$f") differs from torch:
$(head -20 "$b.diff")"
    n=$((n + 1))
done
[ $n -ge 11 ] || die "only $n good fixtures"
# without --unwrap, nested and prefixed checkpoints get one error with a hint
for f in nested_noflag dataparallel_noflag; do
    expect_error "$ZB" inspect "$T/hostile/$f.pth"
    "$ZB" inspect "$T/hostile/$f.pth" 2>&1 | grep -q -- '--unwrap' || die "$f: no --unwrap hint"
done
echo "ok: $n checkpoints equal torch's"
