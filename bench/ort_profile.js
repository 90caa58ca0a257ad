// Per-node times of ONNX Runtime, to set beside `ZB_PROFILE=N zoobench bench`.
//     node bench/ort_profile.js FILE.onnx BATCH SIZE THREADS RUNS
// Same session options as bench/compare_ort.js, with ORT's profiler on; one
// untimed run, then RUNS runs.  Prints each node's mean kernel time (ms per
// run), its op type and output shape, largest first, and the sum.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const ort = require('onnxruntime-node');

async function main() {
    const [file, b, size, threads, runs] = process.argv.slice(2);
    const n = +b, s = +size, r = +runs;
    const prefix = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ortprof')), 'p');
    const sess = await ort.InferenceSession.create(file, {
        intraOpNumThreads: +threads, interOpNumThreads: 1, executionMode: 'sequential',
        graphOptimizationLevel: 'all', enableProfiling: true, profileFilePrefix: prefix});
    const data = new Float32Array(n * 3 * s * s).map((_, i) => Math.sin(i));
    const feeds = {x: new ort.Tensor('float32', data, [n, 3, s, s])};
    for (let i = 0; i <= r; i++)
        await sess.run(feeds);
    sess.endProfiling();
    const dir = path.dirname(prefix);
    const trace = JSON.parse(fs.readFileSync(path.join(dir, fs.readdirSync(dir)[0]), 'utf8'));
    const nodes = new Map();
    for (const e of trace) {
        if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time'))
            continue;
        const k = e.name.slice(0, -'_kernel_time'.length);
        const v = nodes.get(k) || {us: [], op: e.args.op_name, out: JSON.stringify(e.args.output_type_shape || '')};
        v.us.push(e.dur);
        nodes.set(k, v);
    }
    fs.rmSync(dir, {recursive: true});
    let sum = 0;
    const rows = [];
    for (const [k, v] of nodes) {
        const last = v.us.slice(-r);   // drop the untimed run
        const ms = last.reduce((a, c) => a + c, 0) / last.length / 1000;
        sum += ms;
        rows.push([ms, v.op, k, v.out]);
    }
    rows.sort((a, c) => c[0] - a[0]);
    console.log(`# ${path.basename(file)} batch ${n}: ${rows.length} nodes sum to ${sum.toFixed(3)} ms per run`);
    for (const [ms, op, k, out] of rows)
        console.log(`${ms.toFixed(4).padStart(9)}  ${op.padEnd(14)} ${k.padEnd(40)} ${out}`);
}

main().catch((e) => { console.error(`error: ${process.argv[2]}: ${e.message}`); process.exit(1); });
