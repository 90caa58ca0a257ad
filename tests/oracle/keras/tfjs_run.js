#!/usr/bin/env node
// TF.js 4.22 runner: the independent Keras-semantics oracle for zoobench's tests.
// Test-only; zoobench never runs it. Needs `npm ci` in tests/oracle.
//
// Usage:
//   node tfjs_run.js --topology MODEL.json --weights DIR --input X.npy [options]
//   node tfjs_run.js --tfjs-model DIR/model.json --input X.npy [options]
//
//   --topology F     Keras model JSON (Model.to_json(): class_name, config, ...).
//   --weights DIR    DIR/index.json {"layers":[{"name","weights":[{"name","file",
//                    "shape"}]}]} with one float32 .npy per weight, Keras order.
//   --tfjs-model F   a TF.js Layers model.json (modelTopology + weightsManifest) with
//                    its weight shards next to it, read from disk
//                    (tf.loadLayersModel through a file IOHandler).
//   --input X.npy    float32 (N, H, W, C), already preprocessed.
//   --logits F.npy   write the pre-softmax outputs (N, K) float32.
//   --probs F.npy    write softmax(logits) (N, K) float32.
//   --raw F.npy      write the model's own output, softmax included (N, ...).
//   --layer NAME     with --raw: write that layer's output instead of the model's.
//   --batch N        images per predict call (default 8).
//   --backend B      wasm (default; falls back to cpu if it cannot start) or cpu.
//   --info F.json    write {"backend", "tfjs", "output_layer", "logits_from"}.
// Pre-softmax logits: the softmax that ends the model (a Dense/Conv2D with
// activation 'softmax', or an Activation('softmax') layer, possibly followed by
// Reshape/Flatten/Dropout) is made linear in the topology; probs = tf.softmax(logits).
// Keras Lambda layers of InceptionResNetV2's form (arguments {scale}, two inputs:
// inputs[0] + inputs[1] * scale) are rewritten to the custom layer ZbScaledResidual.
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');

function die(msg) {
  process.stderr.write('error: tfjs_run: ' + msg + '\n');
  process.exit(1);
}

// ----------------------------------------------------------------------------- npy
const LITTLE_ENDIAN = require('os').endianness() === 'LE';

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') {
    die(file + ': not a .npy file');
  }
  const major = buf[6];
  let hlen, hstart;
  if (major === 1) { hlen = buf.readUInt16LE(8); hstart = 10; }
  else if (major === 2 || major === 3) { hlen = buf.readUInt32LE(8); hstart = 12; }
  else die(file + ': unsupported .npy version ' + major);
  const header = buf.toString('latin1', hstart, hstart + hlen);
  const descr = /'descr':\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shapeM = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeM) die(file + ': bad .npy header ' + header);
  if (fortran[1] === 'True') die(file + ': Fortran-order .npy is not supported');
  const shape = shapeM[1].split(',').map((s) => s.trim()).filter((s) => s.length)
      .map((s) => parseInt(s, 10));
  const count = shape.reduce((a, b) => a * b, 1);
  const off = hstart + hlen;
  const out = new Float32Array(count);
  if (descr[1] === '<f4') {
    if (buf.length - off !== count * 4) die(file + ': data size does not match shape');
    if (LITTLE_ENDIAN) {
      new Uint8Array(out.buffer).set(buf.subarray(off, off + count * 4));
    } else {
      for (let i = 0; i < count; i++) out[i] = buf.readFloatLE(off + 4 * i);
    }
  } else if (descr[1] === '<f8') {
    if (buf.length - off !== count * 8) die(file + ': data size does not match shape');
    for (let i = 0; i < count; i++) out[i] = buf.readDoubleLE(off + 8 * i);
  } else if (descr[1] === '|u1') {
    if (buf.length - off !== count) die(file + ': data size does not match shape');
    for (let i = 0; i < count; i++) out[i] = buf[off + i];
  } else {
    die(file + ': unsupported dtype ' + descr[1] + ' (want <f4, <f8 or |u1)');
  }
  return {data: out, shape};
}

function writeNpy(file, data, shape) {
  let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
      shape.join(', ') + (shape.length === 1 ? ',' : '') + '), }';
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  let body;
  if (LITTLE_ENDIAN) {
    body = Buffer.from(data.buffer, data.byteOffset, data.length * 4);
  } else {
    body = Buffer.alloc(data.length * 4);
    for (let i = 0; i < data.length; i++) body.writeFloatLE(data[i], 4 * i);
  }
  const tmp = file + '.tmp' + process.pid;
  fs.writeFileSync(tmp, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
  fs.renameSync(tmp, file);
}

// ----------------------------------------------------------------------------- custom layer
class ZbScaledResidual extends tfl.layers.Layer {
  constructor(config) {
    super(config);
    this.scale = config.scale;
  }
  computeOutputShape(inputShape) { return inputShape[0]; }
  call(inputs) {
    return tf.tidy(() => tf.add(inputs[0], tf.mul(inputs[1], tf.scalar(this.scale))));
  }
  getConfig() {
    return Object.assign({}, super.getConfig(), {scale: this.scale});
  }
}
ZbScaledResidual.className = 'ZbScaledResidual';
tf.serialization.registerClass(ZbScaledResidual);

// ----------------------------------------------------------------------------- topology
function modelConfigOf(topology) {
  // Keras Model.to_json() gives {class_name, config}; TF.js model.json gives
  // modelTopology = {model_config: {class_name, config}, keras_version, ...}.
  return topology.model_config ? topology.model_config : topology;
}

function rewriteLambdas(mc) {
  for (const layer of mc.config.layers) {
    if (layer.class_name !== 'Lambda') continue;
    const args = layer.config.arguments || {};
    const keys = Object.keys(args);
    if (keys.length !== 1 || keys[0] !== 'scale' || layer.inbound_nodes.length !== 1 ||
        layer.inbound_nodes[0].length !== 2) {
      die('Lambda layer ' + layer.name + ' is not an InceptionResNetV2 scaled residual');
    }
    layer.class_name = 'ZbScaledResidual';
    layer.config = {name: layer.config.name, trainable: layer.config.trainable,
      scale: args.scale};
  }
}

const PASS_THROUGH = new Set(['Reshape', 'Flatten', 'Dropout']);

// Makes the model's final softmax linear; returns the layer it changed.
function cutSoftmax(mc) {
  const byName = new Map(mc.config.layers.map((l) => [l.name, l]));
  const outs = mc.config.output_layers;
  if (outs.length !== 1) die('the model has ' + outs.length + ' outputs, want 1');
  let layer = byName.get(outs[0][0]);
  for (;;) {
    const act = layer.config.activation;
    if (act === 'softmax') {
      layer.config.activation = 'linear';
      return layer.name;
    }
    if (!PASS_THROUGH.has(layer.class_name) || layer.inbound_nodes.length !== 1 ||
        layer.inbound_nodes[0].length !== 1) {
      die('no final softmax found (stopped at ' + layer.name + ')');
    }
    layer = byName.get(layer.inbound_nodes[0][0][0]);
  }
}

function fileIOHandler(modelJsonPath, transform) {
  return {
    load: async () => {
      const mj = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8'));
      const dir = path.dirname(modelJsonPath);
      const specs = [];
      const parts = [];
      for (const group of mj.weightsManifest) {
        for (const w of group.weights) specs.push(w);
        for (const p of group.paths) parts.push(fs.readFileSync(path.join(dir, p)));
      }
      const all = Buffer.concat(parts);
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
      transform(modelConfigOf(mj.modelTopology));
      return {modelTopology: mj.modelTopology, weightSpecs: specs, weightData,
        format: mj.format, generatedBy: mj.generatedBy, convertedBy: mj.convertedBy};
    },
  };
}

function setWeightsFromDir(model, dir) {
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
  const seen = new Set();
  for (const entry of index.layers) {
    let layer;
    try { layer = model.getLayer(entry.name); } catch (e) {
      die('weights for layer ' + entry.name + ' which the model does not have');
    }
    const tensors = entry.weights.map((w) => {
      const a = readNpy(path.join(dir, w.file));
      if (JSON.stringify(a.shape) !== JSON.stringify(w.shape)) {
        die(w.file + ': shape ' + JSON.stringify(a.shape) + ' but index says ' +
            JSON.stringify(w.shape));
      }
      return tf.tensor(a.data, a.shape, 'float32');
    });
    if (tensors.length !== layer.weights.length) {
      die('layer ' + entry.name + ' has ' + layer.weights.length + ' weights, file gives ' +
          tensors.length);
    }
    layer.setWeights(tensors);   // checks every shape
    tensors.forEach((t) => t.dispose());
    seen.add(entry.name);
  }
  for (const layer of model.layers) {
    if (layer.weights.length && !seen.has(layer.name)) {
      die('no weights given for layer ' + layer.name);
    }
  }
}

// ----------------------------------------------------------------------------- main
function parseArgs(argv) {
  const opts = {batch: 8, backend: 'wasm'};
  const known = new Set(['topology', 'weights', 'tfjs-model', 'input', 'logits', 'probs',
    'raw', 'layer', 'batch', 'backend', 'info']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || !known.has(a.slice(2)) || i + 1 >= argv.length) {
      die('bad argument ' + a + ' (see the usage at the top of tfjs_run.js)');
    }
    opts[a.slice(2)] = argv[++i];
  }
  opts.batch = parseInt(opts.batch, 10);
  if (!(opts.batch > 0)) die('--batch must be a positive integer');
  if (!opts.input) die('--input is required');
  if (!!opts.topology === !!opts['tfjs-model']) die('give one of --topology, --tfjs-model');
  if (opts.topology && !opts.weights) die('--topology needs --weights');
  if (!opts.logits && !opts.probs && !opts.raw) die('nothing to write');
  if (opts.layer && !opts.raw) die('--layer goes with --raw');
  return opts;
}

async function startBackend(name) {
  if (name === 'wasm') {
    try {
      const wasm = require('@tensorflow/tfjs-backend-wasm');
      const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      wasm.setWasmPaths(dist + path.sep);
      if (await tf.setBackend('wasm')) { await tf.ready(); return 'wasm'; }
    } catch (e) {
      process.stderr.write('tfjs_run: wasm backend failed (' + e.message +
          '), using cpu\n');
    }
  } else if (name !== 'cpu') {
    die('unknown backend ' + name);
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

async function loadModel(opts, wantLogits) {
  let cutLayer = null;
  const transform = (mc) => {
    rewriteLambdas(mc);
    if (wantLogits) cutLayer = cutSoftmax(mc);
  };
  let model;
  if (opts.topology) {
    const topo = JSON.parse(fs.readFileSync(opts.topology, 'utf8'));
    transform(modelConfigOf(topo));
    model = await tfl.models.modelFromJSON({modelTopology: topo});
    setWeightsFromDir(model, opts.weights);
  } else {
    model = await tfl.loadLayersModel(fileIOHandler(opts['tfjs-model'], transform));
  }
  return {model, cutLayer};
}

async function predictAll(model, x, batch) {
  const n = x.shape[0];
  const per = x.data.length / n;
  const chunks = [];
  let outShape = null;
  for (let i = 0; i < n; i += batch) {
    const m = Math.min(batch, n - i);
    const data = await tf.tidy(() => {
      const t = tf.tensor(x.data.subarray(i * per, (i + m) * per),
          [m].concat(x.shape.slice(1)), 'float32');
      return model.predict(t);
    });
    outShape = data.shape.slice(1);
    chunks.push(await data.data());
    data.dispose();
  }
  const size = outShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n * size);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return {data: out, shape: [n].concat(outShape)};
}

function softmaxRows(y) {
  const t = tf.tensor(y.data, y.shape, 'float32');
  const p = tf.softmax(tf.reshape(t, [y.shape[0], -1]));
  const data = p.dataSync();
  t.dispose(); p.dispose();
  return {data: new Float32Array(data), shape: [y.shape[0], data.length / y.shape[0]]};
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const backend = await startBackend(opts.backend);
  const x = readNpy(opts.input);
  if (x.shape.length !== 4) die(opts.input + ': want (N, H, W, C), got ' + x.shape);
  const info = {backend, tfjs: tf.version_core, output_layer: null, logits_from: null};

  if (opts.raw) {
    const {model} = await loadModel(opts, false);
    let m = model;
    if (opts.layer) {
      m = tfl.model({inputs: model.inputs, outputs: model.getLayer(opts.layer).output});
      info.output_layer = opts.layer;
    }
    const y = await predictAll(m, x, opts.batch);
    writeNpy(opts.raw, y.data, y.shape);
  }
  if (opts.logits || opts.probs) {
    const {model, cutLayer} = await loadModel(opts, true);
    info.logits_from = cutLayer;
    const y = await predictAll(model, x, opts.batch);
    const logits = {data: y.data, shape: [y.shape[0], y.data.length / y.shape[0]]};
    if (opts.logits) writeNpy(opts.logits, logits.data, logits.shape);
    if (opts.probs) {
      const p = softmaxRows(logits);
      writeNpy(opts.probs, p.data, p.shape);
    }
  }
  if (opts.info) fs.writeFileSync(opts.info, JSON.stringify(info) + '\n');
  process.stderr.write('tfjs_run: backend ' + backend + ', ' + x.shape[0] + ' images\n');
}

main().catch((e) => die(e && e.stack ? e.stack : String(e)));
