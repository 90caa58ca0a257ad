#!/usr/bin/env bash
# .pth loading against torch 1.13: keys, shapes, counts and the CRC-32 of every
# tensor's float32 values must equal what torch computes, in both formats.
source "$(dirname "$0")/../lib.sh"
[ -x "$PY" ] && "$PY" -c 'import torch' 2>/dev/null || skip "no /usr/bin/python3 with torch"
# a small torchvision model always; all 21 with ZB_FULL=1
models=squeezenet1_1
[ "${ZB_FULL:-0}" = 1 ] && models=alexnet,vgg11,vgg11_bn,vgg13,vgg13_bn,vgg16,vgg16_bn,vgg19,vgg19_bn,resnet18,resnet34,resnet50,resnet101,resnet152,densenet121,densenet161,densenet169,densenet201,squeezenet1_0,squeezenet1_1,inception_v3
PTH_MODELS=$models "$PY" "$(dirname "$0")/../oracle/pth_make.py" "$T" "$T/marker" >/dev/null || die "fixture generation failed"
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
[ $n -ge 13 ] || die "only $n good fixtures"
# without --unwrap, nested and prefixed checkpoints get one error with a hint
for f in nested_noflag dataparallel_noflag; do
    expect_error "$ZB" inspect "$T/hostile/$f.pth"
    "$ZB" inspect "$T/hostile/$f.pth" 2>&1 | grep -q -- '--unwrap' || die "$f: no --unwrap hint"
done
echo "ok: $n checkpoints equal torch's"
