"""Table of bench/compare.sh results (JSON lines): img/s per framework and
zoobench's ratio to each.     /usr/bin/python3 bench/compare_report.py FILE"""
import json
import sys

rows, order, versions = {}, [], {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    key = (r['model'], r['batch'])
    if key not in rows:
        rows[key] = {}
        order.append(key)
    rows[key][r['framework']] = r
    if 'version' in r:
        versions[r['framework']] = r['version']


def ips(r):
    return r['batch'] / r['median'] if r and r['median'] > 0 else None


def fmt(v, spec):
    return format(v, spec) if v is not None else '-'


threads = {r['threads'] for fw in rows.values() for r in fw.values()}
print(f"threads: {', '.join(map(str, sorted(threads)))}; img/s = batch / median seconds per batch; "
      f"PyTorch {versions.get('pytorch', '?')}, ONNX Runtime {versions.get('onnxruntime', '?')} (onnxruntime-node)")
print()
print('| model | batch | zoobench img/s | PyTorch img/s | ONNX Runtime img/s | zoobench / PyTorch | zoobench / ORT |'
      ' zoobench % FMA peak |')
print('|---|---|---|---|---|---|---|---|')
for key in order:
    fw = rows[key]
    z, t, o = ips(fw.get('zoobench')), ips(fw.get('pytorch')), ips(fw.get('onnxruntime'))
    zt = z / t if z and t else None
    zo = z / o if z and o else None
    pk = fw['zoobench']['peak_pct'] if 'zoobench' in fw else None
    x = lambda v: fmt(v, '.2f') + ('x' if v else '')
    print(f'| {key[0]} | {key[1]} | {fmt(z, ".2f")} | {fmt(t, ".2f")} | {fmt(o, ".2f")} | {x(zt)} | {x(zo)} |'
          f' {fmt(pk, ".1f")} |')
