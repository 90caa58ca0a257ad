#!/usr/bin/env bash
# zoobench vs PyTorch 1.13 vs ONNX Runtime, in one run on this machine.
#
#     bench/compare.sh                                   # everything (long: see docs/performance.md)
#     MODELS="resnet50 squeezenet1_1" BATCHES=1 RUNS=5 bench/compare.sh
#
# Environment:
#   MODELS   torchvision names and/or "mobilenet" (Keras MobileNet v1)
#            (default: resnet50 vgg16 densenet121 inception_v3 squeezenet1_1 alexnet mobilenet)
#   BATCHES  (default "1 32")     THREADS (default 2)     RUNS timed passes per case (default 5)
#   ROUNDS   (default 1) how many times the three frameworks take turns on each case; with more
#            than one, the table gives the median img/s over rounds, zoobench's ratios as the
#            median of the per-round ratios, and their range (on a shared VM single runs drift
#            by +-8% between frameworks measured a minute apart)
#   ZB       the zoobench binary (default build/zoobench, built with make)
#   OUT      directory for the raw JSON lines and ONNX files (default: a temp dir, removed)
#   OMP_WAIT_POLICY  default PASSIVE: PyTorch's OpenMP threads then sleep instead of spinning
#            at barriers.  On a machine shared with other processes, spinning made PyTorch
#            10-20x slower here (resnet50 batch 1: 1.9 s instead of 0.09 s), which would
#            flatter zoobench; set OMP_WAIT_POLICY=ACTIVE to measure the default behaviour.
#
# Every framework gets random weights, fp32, THREADS threads, one untimed pass,
# then RUNS timed forward passes of the same batch; the median is reported.
# The three run one after another for each (model, batch), so load from other
# processes hits them alike.  ONNX files are exported by torch.onnx.export at
# run time; onnxruntime-node is installed into bench/node_modules by npm ci
# (package-lock.json pins it).  The table goes to stdout.
set -eu
cd "$(dirname "$0")/.."
MODELS=${MODELS:-"resnet50 vgg16 densenet121 inception_v3 squeezenet1_1 alexnet mobilenet"}
BATCHES=${BATCHES:-"1 32"}
THREADS=${THREADS:-2}
RUNS=${RUNS:-5}
ROUNDS=${ROUNDS:-1}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
PY=/usr/bin/python3
ZB=${ZB:-build/zoobench}
if [ -z "${OUT:-}" ]; then
    OUT=$(mktemp -d "${TMPDIR:-/tmp}/zbcompare.XXXXXX")
    trap 'rm -rf "$OUT"' EXIT
fi
mkdir -p "$OUT"

[ -n "${ZB_NOBUILD:-}" ] || make -s -j2 build/zoobench
[ -x "$ZB" ] || { echo "error: $ZB: not built" >&2; exit 1; }
$PY -c 'import torch, torchvision' || { echo "error: /usr/bin/python3: torch and torchvision needed" >&2; exit 1; }
if [ ! -f bench/node_modules/onnxruntime-node/package.json ]; then
    # the CPU library ships inside the package; its install script only fetches the optional CUDA provider
    (cd bench && ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm ci --no-audit --no-fund --silent) >&2 \
        || { echo "error: bench: npm ci failed (onnxruntime-node)" >&2; exit 1; }
fi

res="$OUT/results.jsonl"
: >"$res"
for m in $MODELS; do
    if [ "$m" = mobilenet ]; then zbm=keras/mobilenet; else zbm=torchvision/$m; fi
    size=224; [ "$m" = inception_v3 ] && size=299
    onnx="$OUT/$m.onnx"
    for b in $BATCHES; do
      for round in $(seq "$ROUNDS"); do
        echo "== $m batch $b (round $round of $ROUNDS)" >&2
        if "$ZB" run --list | awk '{print $1}' | grep -qx "$zbm"; then
            "$ZB" bench -m "$zbm" -b "$b" -j "$THREADS" --iters "$RUNS" --warmup 1 --format json >"$OUT/zb.json" \
                && $PY -c "
import json, sys
r = json.load(open('$OUT/zb.json'))['results'][0]
print(json.dumps({'framework': 'zoobench', 'model': '$m', 'batch': r['batch'], 'threads': r['threads'],
                  'size': r['size'], 'median': r['ms_per_batch'] / 1e3, 'gflops_per_image': r['gflops_per_image'],
                  'peak_pct': r['peak_pct']}))" >>"$res" \
                || echo "warning: zoobench $zbm batch $b failed" >&2
        else
            echo "note: $zbm is not registered in this build; zoobench skipped" >&2
        fi
        exp=(); [ -f "$onnx" ] || exp=(--onnx "$onnx")
        $PY bench/compare_torch.py "$m" "$b" "$THREADS" "$RUNS" "${exp[@]}" 2>"$OUT/torch.err" >>"$res" \
            || echo "warning: pytorch $m batch $b failed: $(tail -1 "$OUT/torch.err")" >&2
        if [ -f "$onnx" ]; then
            node bench/compare_ort.js "$m" "$onnx" "$b" "$size" "$THREADS" "$RUNS" >>"$res" \
                || echo "warning: onnxruntime $m batch $b failed" >&2
        fi
      done
    done
done
echo "OMP_WAIT_POLICY=$OMP_WAIT_POLICY; $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
$PY bench/compare_report.py "$res"
