#!/usr/bin/env bash
# zoobench bench: runs on random weights with no files; its params and
# multiply-add counts equal torch's own (parameters() and forward hooks on
# Conv2d/Linear, tests/oracle/torch_count.py); csv/table/json formats; errors.
# No timing is asserted.
source tests/lib.sh
$PY -c 'import torch, torchvision' 2>/dev/null || skip "/usr/bin/python3 has no torch"

"$ZB" bench -m torchvision/squeezenet1_1 -b 1 --iters 1 --format json >"$T/sq.json" || die "bench squeezenet1_1"

cases="squeezenet1_1:64 resnet50:64 densenet121:64 alexnet:64 vgg11_bn:32 inception_v3:75"
$PY tests/oracle/torch_count.py $cases squeezenet1_1:224 >"$T/torch.json" || die "torch count failed"
for c in $cases; do
    m=${c%:*} s=${c#*:}
    "$ZB" bench -m torchvision/$m --size "$s" -b 2 -j 2 --iters 1 --warmup 0 --peak 100 --format json >"$T/$m.json" \
        || die "bench $m"
done
$PY - "$T" $cases <<'PYEOF' || die "counts differ from torch"
import json, math, sys
T, cases = sys.argv[1], sys.argv[2:]
torch_counts = json.load(open(f'{T}/torch.json'))
sq = json.load(open(f'{T}/sq.json'))
assert sq['flops_per_mac'] == 2 and sq['fma_peak_gflop_per_s'] >= 0 and sq['fma_peak_measured'] is True, sq
(r,) = sq['results']
assert (r['model'], r['size'], r['batch'], r['iters']) == ('torchvision/squeezenet1_1', 224, 1, 1), r
assert r['img_per_s'] > 0 and r['ms_per_batch'] > 0 and r['gflop_per_s'] > 0, r
# at the default size squeezenet1_1 matches torch too (0.35 GMACs, 1.24 M params)
t = torch_counts['squeezenet1_1:224']
assert (r['params'], r['macs_per_image']) == (t['params'], t['macs']), (r, t)
bad = 0
for c in cases:
    m, s = c.split(':')
    (r,) = json.load(open(f'{T}/{m}.json'))['results']
    t = torch_counts[c]
    ok = (r['model'], r['size'], r['batch'], r['threads']) == (f'torchvision/{m}', int(s), 2, 2) \
        and r['params'] == t['params'] and r['macs_per_image'] == t['macs'] \
        and math.isclose(r['gflops_per_image'], 2e-9 * t['macs'], rel_tol=1e-5, abs_tol=1e-6)
    if not ok:
        print(f'{m}@{s}: zoobench params {r["params"]} macs {r["macs_per_image"]}, '
              f'torch params {t["params"]} macs {t["macs"]}', file=sys.stderr)
        bad += 1
sys.exit(bad)
PYEOF

# csv: a header and one row per model; table: a header line and one row per model
"$ZB" bench -m torchvision/squeezenet1_1 -m torchvision/resnet18 --size 32 --iters 1 --warmup 0 --peak 100 --format csv \
    >"$T/out.csv" || die "csv"
[ "$(wc -l <"$T/out.csv")" -eq 3 ] || die "csv: expected 3 lines, got $(cat "$T/out.csv")"
head -1 "$T/out.csv" | grep -q '^model,size,batch,threads,iters,img_per_s,' || die "csv header"
grep -q '^torchvision/resnet18,32,1,' "$T/out.csv" || die "csv row"
"$ZB" bench -m torchvision/squeezenet1_1 --size 32 --iters 1 --peak 100 >"$T/out.txt" || die "table"
grep -q '^torchvision/squeezenet1_1 ' "$T/out.txt" || die "table row"

expect_error "$ZB" bench -m torchvision/nonesuch
expect_error "$ZB" bench -m torchvision/squeezenet1_1 --format xml
expect_error "$ZB" bench -m torchvision/squeezenet1_1 -b 0
expect_error "$ZB" bench -m torchvision/squeezenet1_1 --peak -3
expect_error "$ZB" bench -m torchvision/inception_v3 --size 32 --iters 1
exit 0
