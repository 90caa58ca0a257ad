#!/usr/bin/env bash
# Peak resident memory (max RSS, getrusage via GNU time) of one model at one
# batch size: zoobench vs PyTorch 1.13 (and ONNX Runtime when bench/node_modules
# is installed by bench/compare.sh).  Each process builds the model with random
# weights and runs one untimed and one timed forward pass.
#
#     bench/rss.sh [MODEL] [BATCH] [THREADS]        # default: resnet50 32 2
#
# MODEL is a torchvision name; zoobench runs torchvision/MODEL.  Also printed for
# context: PyTorch with the model built but no forward pass (interpreter,
# libraries and weights only).  ZB overrides the zoobench binary.
set -eu
cd "$(dirname "$0")/.."
M=${1:-resnet50}
B=${2:-32}
J=${3:-2}
PY=/usr/bin/python3
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}  # as bench/compare.sh
ZB=${ZB:-build/zoobench}
[ -n "${ZB_NOBUILD:-}" ] || make -s -j2 build/zoobench
T=$(mktemp -d "${TMPDIR:-/tmp}/zbrss.XXXXXX")
trap 'rm -rf "$T"' EXIT
size=224; [ "$M" = inception_v3 ] && size=299

rss() {  # rss LABEL CMD...: runs CMD, prints "LABEL  <max RSS MiB>"
    local label=$1; shift
    /usr/bin/time -f '%M' -o "$T/rss" "$@" >"$T/out" 2>"$T/err" || { echo "error: $label failed: $(tail -1 "$T/err")" >&2; return 1; }
    printf '| %s | %.0f |\n' "$label" "$(awk '{print $1 / 1024}' "$T/rss")"
}

echo "$M, batch $B, $J threads, fp32, random weights; max RSS in MiB"
echo
echo "| process | peak RSS (MiB) |"
echo "|---|---|"
rss "zoobench bench -m torchvision/$M -b $B -j $J" \
    "$ZB" bench -m "torchvision/$M" -b "$B" -j "$J" --iters 1 --warmup 1 --format csv
rss "PyTorch $M batch $B (eval, no_grad)" $PY bench/compare_torch.py "$M" "$B" "$J" 1
rss "PyTorch $M built, no forward pass" $PY -c "import torch, torchvision; torch.set_num_threads($J); m = torchvision.models.$M().eval()"
if [ -f bench/node_modules/onnxruntime-node/package.json ]; then
    $PY bench/compare_torch.py "$M" 1 "$J" 1 --onnx "$T/m.onnx" >/dev/null 2>&1
    rss "ONNX Runtime $M batch $B" node bench/compare_ort.js "$M" "$T/m.onnx" "$B" "$size" "$J" 1
fi
