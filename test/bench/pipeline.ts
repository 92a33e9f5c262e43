/**
 * The face pipeline stage by stage, in this process, ONE thread (one ORT intra-op thread, images one at
 * a time): decode, detect + 68 landmarks, align, embed, for one LFW image each (250x250 JPEG), with the
 * model time inside each stage and the achieved GFLOP/s of each model beside this core's measured peak
 * (an FP32 1024^3 MatMul in the same ORT build, one thread).
 *   npm run bench:pipeline -- [--data ../shared/datasets/lfw] [--n 300]
 * Configurations, interleaved image by image so machine noise hits all alike:
 *   pinned      the pinned model files, every model at ORT optimisation 'all'
 *   rewritten   the production setting: fr_feature's PRelu rewrite (libs/face/src/model-rewrite.ts), 'all'
 * plus, for the record, the previous production setting (pinned files, fr_feature at 'extended').
 * Run it on an idle machine: the numbers are medians of wall-clock times. Nothing is written to disk.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  analyzeImage,
  DEFAULT_DECODE_LIMITS,
  FaceEngine,
  ImagePyramid,
  decodeImage,
  loadVerifiedModels,
  sessionModelBytes,
  type InferenceBackend,
  type ModelName,
} from '@facenition/face';
import { OrtBackend } from '@facenition/face/ort-backend';
import { encodeFields, type ProtoField } from '@facenition/face/onnx-proto';
import { arg, lfwSample, median, percentile, repoRoot } from './common';

const modelsDir = process.env.FACENITION_MODELS_DIR ?? join(repoRoot, 'models');

/** Wraps a backend and adds each model's inference time to `times`. */
class TimedBackend implements InferenceBackend {
  times: Partial<Record<ModelName, number>> = {};
  constructor(private readonly inner: InferenceBackend) {}
  async run(model: ModelName, input: Float32Array, dims: readonly number[]) {
    const t = performance.now();
    const out = await this.inner.run(model, input, dims);
    this.times[model] = (this.times[model] ?? 0) + performance.now() - t;
    return out;
  }
}

/** Multiply-accumulates of one run, counted from ORT's profile of the unoptimised graph (Conv, Gemm, MatMul). */
async function countMacs(name: ModelName, dims: number[]): Promise<number> {
  const prefix = join(tmpdir(), `facenition-macs-${process.pid}-${name}`);
  const bytes = loadVerifiedModels(modelsDir).get(name)!;
  const s = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    graphOptimizationLevel: 'disabled',
    enableProfiling: true,
    profileFilePrefix: prefix,
    logSeverityLevel: 3,
  });
  const n = dims.reduce((a, b) => a * b, 1);
  await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', new Float32Array(n).fill(0.1), dims) });
  s.endProfiling();
  await s.release();
  const base = `facenition-macs-${process.pid}-${name}`;
  const found = readdirSync(tmpdir()).find((f) => f.startsWith(base) && f.endsWith('.json'));
  if (!found) throw new Error(`ORT wrote no profile for ${name}`);
  const file = join(tmpdir(), found);
  type Ev = {
    cat: string;
    name: string;
    args?: { op_name?: string; input_type_shape?: Record<string, number[]>[]; output_type_shape?: Record<string, number[]>[] };
  };
  const events = JSON.parse(readFileSync(file, 'utf8')) as Ev[];
  rmSync(file, { force: true });
  let macs = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || !e.args) continue;
    const ins = (e.args.input_type_shape ?? []).map((o) => Object.values(o)[0]);
    const out = Object.values(e.args.output_type_shape?.[0] ?? {})[0] ?? [];
    const prod = (a: number[]) => a.reduce((x, y) => x * y, 1);
    if (e.args.op_name === 'Conv') {
      const w = ins[1]; // [Cout, Cin/group, kh, kw]
      macs += prod(out) * prod(w.slice(1));
    } else if (e.args.op_name === 'Gemm' || e.args.op_name === 'MatMul') {
      macs += prod(out) * ins[0][ins[0].length - 1];
    }
  }
  return macs;
}

/** This core's FP32 peak as ORT reaches it: a 1024x1024 by 1024x1024 MatMul, one thread. */
async function peakGflops(): Promise<number> {
  const n = 1024;
  // ONNX protobuf through libs/face/src/onnx-proto.ts: length-delimited (wire 2) and varint (wire 0) fields
  const msg = (field: number, value: Buffer | string): ProtoField => ({ field, wire: 2, value: Buffer.from(value) });
  const int = (field: number, v: number): ProtoField => ({ field, wire: 0, value: BigInt(v) });
  const dim = msg(1, encodeFields([int(1, n)]));
  // ValueInfoProto { name, type: TypeProto { tensor_type { elem_type FLOAT, shape [n, n] } } }
  const valueInfo = (name: string) =>
    encodeFields([msg(1, name), msg(2, encodeFields([msg(1, encodeFields([int(1, 1), msg(2, encodeFields([dim, dim]))]))]))]);
  const node = encodeFields([msg(1, 'A'), msg(1, 'B'), msg(2, 'Y'), msg(4, 'MatMul')]);
  const graph = encodeFields([msg(1, node), msg(2, 'peak'), msg(11, valueInfo('A')), msg(11, valueInfo('B')), msg(12, valueInfo('Y'))]);
  const model = encodeFields([int(1, 7), msg(8, encodeFields([msg(1, ''), int(2, 13)])), msg(7, graph)]);
  const sess = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  const a = new ort.Tensor('float32', new Float32Array(n * n).fill(0.5), [n, n]);
  const feeds = { A: a, B: a };
  await sess.run(feeds);
  const t: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    await sess.run(feeds);
    t.push(performance.now() - t0);
  }
  await sess.release();
  return (2 * n * n * n) / (Math.min(...t) / 1000) / 1e9;
}

interface Config {
  name: string;
  backend: TimedBackend;
  engine: FaceEngine;
  stages: Record<string, number[]>;
}

async function main(): Promise<void> {
  const data = arg('data', join(repoRoot, '../shared/datasets/lfw'));
  const n = Number(arg('n', '300'));
  const images = lfwSample(data, n).map((f) => readFileSync(f));
  const mk = async (
    name: string,
    opts: Parameters<typeof OrtBackend.create>[1],
    perModel?: Partial<Record<ModelName, 'extended'>>,
  ): Promise<Config> => {
    let inner: InferenceBackend = await OrtBackend.create(modelsDir, opts);
    if (perModel) {
      // the previous production setting: fr_feature at 'extended', the others at 'all'
      const ext = await OrtBackend.create(modelsDir, { ...opts, optimisation: 'extended' });
      const all = inner;
      inner = { run: (m, i, d) => (perModel[m] ? ext : all).run(m, i, d) };
    }
    const backend = new TimedBackend(inner);
    return { name, backend, engine: new FaceEngine(backend), stages: {} };
  };
  const configs = [
    await mk('previous (pinned, fr_feature at extended)', { rewrite: false }, { fr_feature: 'extended' }),
    await mk('pinned, all models at all', { rewrite: false }),
    await mk('rewritten (production)', { rewrite: true }),
  ];
  const push = (c: Config, k: string, v: number) => (c.stages[k] ??= []).push(v);

  for (const c of configs) for (const img of images.slice(0, 5)) await analyzeImage(c.engine, img, { embed: true }, DEFAULT_DECODE_LIMITS); // warm-up
  let found = 0;
  for (const [i, img] of images.entries()) {
    for (const c of configs) {
      c.backend.times = {};
      const t0 = performance.now();
      const decoded = await decodeImage(img, DEFAULT_DECODE_LIMITS);
      const pyr = new ImagePyramid(decoded.image);
      const t1 = performance.now();
      const faces = await c.engine.detect(pyr);
      const t2 = performance.now();
      if (!faces[0]) continue;
      const aligned = c.engine.align(pyr, faces[0]);
      const t3 = performance.now();
      await c.engine.embedAligned(aligned);
      const t4 = performance.now();
      if (c === configs[0]) found++;
      push(c, 'decode', t1 - t0);
      push(c, 'detect + landmarks', t2 - t1);
      push(c, '  fr_detect', c.backend.times.fr_detect ?? 0);
      push(c, '  fr_landmark', c.backend.times.fr_landmark ?? 0);
      push(c, 'align', t3 - t2);
      push(c, 'embed', t4 - t3);
      push(c, '  fr_feature', c.backend.times.fr_feature ?? 0);
      push(c, 'total', t4 - t0);
    }
    if ((i + 1) % 50 === 0) process.stderr.write(`\r  ${i + 1}/${images.length}`);
  }
  process.stderr.write('\n');

  const macs = {
    fr_detect: await countMacs('fr_detect', [1, 3, 240, 320]),
    fr_landmark: await countMacs('fr_landmark', [1, 1, 64, 64]),
    fr_feature: await countMacs('fr_feature', [1, 3, 112, 112]),
  };
  const peak = await peakGflops();
  const rewrittenBytes = sessionModelBytes('fr_feature', loadVerifiedModels(modelsDir).get('fr_feature')!);

  console.log(`Face pipeline, one thread: ${images.length} LFW images (250x250 JPEG), a face in ${found}`);
  console.log(`${cpus()[0].model}, ${cpus().length} logical CPUs; Node ${process.version}, onnxruntime-node ${ort.env.versions.node}`);
  console.log(`FP32 peak of one core through ORT (1024^3 MatMul): ${peak.toFixed(1)} GFLOP/s`);
  console.log(`rewritten fr_feature: ${rewrittenBytes.length} bytes\n`);
  const keys = Object.keys(configs[0].stages);
  const w = 20;
  console.log(`median ms per image`.padEnd(w) + configs.map((c) => c.name.padStart(44)).join(''));
  for (const k of keys) {
    console.log(k.padEnd(w) + configs.map((c) => median(c.stages[k]).toFixed(2).padStart(44)).join(''));
  }
  console.log(
    'p95 total'.padEnd(w) +
      configs
        .map((c) =>
          percentile(
            [...c.stages.total].sort((a, b) => a - b),
            95,
          )
            .toFixed(2)
            .padStart(44),
        )
        .join(''),
  );
  console.log(`\nachieved GFLOP/s per model (2 x MACs / median model time; peak ${peak.toFixed(1)})`);
  for (const [m, mac] of Object.entries(macs)) {
    console.log(
      `  ${m.padEnd(12)} ${(mac / 1e6).toFixed(1).padStart(7)} MMAC` +
        configs.map((c) => `${((2 * mac) / (median(c.stages[`  ${m}`]) / 1000) / 1e9).toFixed(1).padStart(30)}`).join(''),
    );
  }
}

void main();
