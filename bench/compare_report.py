"""Table of bench/compare.sh results (JSON lines): img/s per framework and
zoobench's ratio to each.     /usr/bin/python3 bench/compare_report.py FILE

A case measured in several rounds (ROUNDS, the frameworks taking turns)
gets the median img/s of each framework and the median of zoobench's
per-round ratios, with their range."""
import json
import statistics
import sys

rows, order, versions = {}, [], {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    key = (r['model'], r['batch'])
    if key not in rows:
        rows[key] = {}
        order.append(key)
    rows[key].setdefault(r['framework'], []).append(r)
    if 'version' in r:
        versions[r['framework']] = r['version']


def ips(r):
    return r['batch'] / r['median'] if r and r['median'] > 0 else None


def med(v):
    v = [x for x in v if x is not None]
    return statistics.median(v) if v else None


def ratios(fw, other):
    """zoobench / other per round (rounds paired in order)."""
    return [ips(a) / ips(b) for a, b in zip(fw.get('zoobench', []), fw.get(other, [])) if ips(a) and ips(b)]


def fmt(v, spec):
    return format(v, spec) if v is not None else '-'


threads = {r['threads'] for fw in rows.values() for rs in fw.values() for r in rs}
nrounds = max(len(rs) for fw in rows.values() for rs in fw.values())
print(f"threads: {', '.join(map(str, sorted(threads)))}; img/s = batch / median seconds per batch; "
      f"PyTorch {versions.get('pytorch', '?')}, ONNX Runtime {versions.get('onnxruntime', '?')} (onnxruntime-node)")
if nrounds > 1:
    print(f"{nrounds} rounds per case: median img/s over rounds; ratios: median of the per-round ratios "
          f"(range in brackets)")
print()
print('| model | batch | zoobench img/s | PyTorch img/s | ONNX Runtime img/s | zoobench / PyTorch | zoobench / ORT |'
      ' zoobench % FMA peak |')
print('|---|---|---|---|---|---|---|---|')
for key in order:
    fw = rows[key]
    z, t, o = (med([ips(r) for r in fw.get(f, [])]) for f in ('zoobench', 'pytorch', 'onnxruntime'))

    def x(v):
        if not v:
            return '-'
        s = f'{statistics.median(v):.2f}x'
        return s + (f' ({min(v):.2f}-{max(v):.2f})' if len(v) > 1 else '')

    pk = med([r['peak_pct'] for r in fw.get('zoobench', [])])
    print(f'| {key[0]} | {key[1]} | {fmt(z, ".2f")} | {fmt(t, ".2f")} | {fmt(o, ".2f")} | {x(ratios(fw, "pytorch"))} |'
          f' {x(ratios(fw, "onnxruntime"))} | {fmt(pk, ".1f")} |')
