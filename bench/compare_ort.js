// ONNX Runtime side of bench/compare.sh: times an ONNX file exported by
// bench/compare_torch.py.
//     node bench/compare_ort.js MODEL FILE.onnx BATCH SIZE THREADS RUNS
// intraOpNumThreads = THREADS, one inter-op thread, sequential execution,
// all graph optimisations; one untimed run, then RUNS timed runs of a random
// (BATCH, 3, SIZE, SIZE) input.  Prints one JSON line like compare_torch.py.
'use strict';
const ort = require('onnxruntime-node');

async function main() {
    const [model, file, b, size, threads, runs] = process.argv.slice(2);
    const n = +b, s = +size, t = +threads, r = +runs;
    const sess = await ort.InferenceSession.create(file, {
        intraOpNumThreads: t, interOpNumThreads: 1, executionMode: 'sequential',
        graphOptimizationLevel: 'all'});
    const data = new Float32Array(n * 3 * s * s);
    let seed = 12345;
    for (let i = 0; i < data.length; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        data[i] = seed / 2147483648 * 4 - 2;
    }
    const feeds = {x: new ort.Tensor('float32', data, [n, 3, s, s])};
    await sess.run(feeds);
    const times = [];
    for (let i = 0; i < r; i++) {
        const t0 = process.hrtime.bigint();
        await sess.run(feeds);
        times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    const sorted = [...times].sort((a, c) => a - c);
    const median = r % 2 ? sorted[(r - 1) / 2] : (sorted[r / 2 - 1] + sorted[r / 2]) / 2;
    const version = require('onnxruntime-node/package.json').version;
    console.log(JSON.stringify({framework: 'onnxruntime', model, batch: n, threads: t, size: s, times, median,
                                version}));
}

main().catch((e) => { console.error(`error: ${process.argv[3]}: ${e.message}`); process.exit(1); });
