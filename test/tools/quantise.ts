/**
 * INT8 study of the face embedder (fr_feature): a static QDQ quantiser (qdq.ts), calibrated on faces of
 * LFW View 1 training people, evaluated on LFW View 2 against the FP32 production model (PRelu rewrite,
 * ORT optimisation 'all', one intra-op thread).
 *
 *   ts-node -r tsconfig-paths/register --transpile-only test/tools/quantise.ts --data ../shared/datasets/lfw
 *     [--calib 500]            calibration faces (first photo of each peopleDevTrain.txt person, file order)
 *     [--variants a,b,...]     QDQ variants to build (see parseVariant; default: DEFAULT_VARIANTS)
 *     [--eval full|quick|none] full: every image of pairs.txt, 10-fold accuracy; quick: --quick N DevTest faces
 *     [--time 300] [--reps 3]  timing: inputs (DevTest faces) x repetitions, all sessions interleaved
 *     [--levels all,extended]  ORT optimisation levels to time
 *     [--detector N]           also try fr_detect (INT8 QDQ) on N LFW images: speed and box differences
 *     [--save /tmp/dir]        write the quantised models there (only under /tmp)
 *
 * The candidate (first of DEFAULT_VARIANTS), built from the pinned fr_feature.onnx:
 *   1. channel equalisation (equalise.ts) from per-channel ranges of the pinned model on the calibration faces;
 *   2. each PRelu -> y + Relu((s - 1) y) (prelu-residual.ts), each per-channel Mul -> 1x1 depthwise Conv;
 *   3. calibration (min/max + histograms, 99.999th percentile per side) of that FP32 model;
 *   4. QDQ (qdq.ts): INT8 per-channel symmetric weights, INT32 bias with bias correction, UINT8
 *      activations, every Relu folded into the zero point 0 of its producer's Q, opset 13.
 * ORT turns it into QLinearConv / QLinearAdd only (see the printed profile).
 *
 * The quantised models are built in memory; their SHA-256 is printed (same calibration set -> same
 * bytes; calibration runs ORT FP32 on this CPU, so another CPU may round differently). Face tensors and embeddings are kept in memory only; nothing biometric is written. ORT
 * profiles (op names and timings only) go to /tmp and are deleted after reading. Timings are
 * wall-clock medians on a shared 2-core machine: indicative only.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  ACCURACY_LEVELS,
  DEFAULT_DECODE_LIMITS,
  FaceEngine,
  ImagePyramid,
  decodeImage,
  l2normalise,
  loadVerifiedModels,
  sessionModelBytes,
  type Face,
  type InferenceBackend,
  type ModelName,
  type TensorOut,
} from '@facenition/face';
import { OrtBackend } from '@facenition/face/ort-backend';
import { decodeModel, decodeTensor, encodeFields, encodeModel, parseFields } from '@facenition/face/onnx-proto';
import { rewritePRelu } from '@facenition/face/model-rewrite';
import { arg, median, repoRoot } from '../bench/common';
import { equalise, type EqualiseOptions } from './equalise';
import { rewritePReluResidual } from './prelu-residual';
import { graphIO, readIntsAttribute, upgradeOpset9To13 } from './onnx-build';
import { featureInput, imageFile, tenFold, viewOnePeople, viewTwoPairs } from './lfw-faces';
import {
  Calibrator,
  activationTensors,
  perChannelMulToConv,
  quantiseQdq,
  withAllOutputs,
  type ActivationType,
  type QdqReport,
  type Range,
} from './qdq';

type Level = 'disabled' | 'basic' | 'extended' | 'all';
export const modelsDir = process.env.FACENITION_MODELS_DIR ?? join(repoRoot, 'models');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const log = (s = ''): void => console.log(s);
const progress = (s: string): boolean => process.stderr.write(`\r  ${s}   `);

/**
 * A variant: `<base>/<selection>/<act>/<calib>[/lastfloat]`, e.g. `rewr/all/u8/minmax`.
 *   base       orig (the pinned file, PRelu), rewr (the production PRelu rewrite) or rew2 (prelu-residual.ts:
 *              y + Relu((s - 1) y))
 *   selection  all (every activation tensor gets Q/DQ) or conv (only tensors a Conv reads or writes,
 *              the element-wise ops in between stay float)
 *   act        u8 (UINT8 asymmetric) or s8 (INT8 symmetric)
 *   calib      minmax, pNN.NN (percentile of the calibration histogram, each side) or mse (least squared error)
 *   flags, each after a further /:
 *     lastfloat  keep the final 512x512 1x1 Conv in float
 *     dwmul      the rewrite's per-channel Muls as 1x1 depthwise Convs (qdq.ts perChannelMulToConv)
 *     fold       drop each rewrite Relu into the zero point 0 of the following Mul's Q (u8; see qdq.ts foldRelu)
 *     bc         bias correction of the weight rounding (qdq.ts inputMeans)
 *     eq[:dw:dense:stream]  channel equalisation of the FP32 model first (equalise.ts), alphas default 1, 0.5, 0.5
 */
export interface Variant {
  id: string;
  base: 'orig' | 'rewr' | 'rew2';
  selection: 'all' | 'conv';
  act: ActivationType;
  percentile?: number;
  /** per-tensor ranges minimising the expected squared quantisation error (Calibrator.mseRanges) */
  mse: boolean;
  lastFloat: boolean;
  fold: boolean;
  dwmul: boolean;
  bc: boolean;
  eq?: EqualiseOptions;
}

/**
 * The first is the candidate (chosen by mean FP32/INT8 cosine agreement on faces of View 1 test
 * people, i.e. without using LFW labels or View 2); the others document the way there.
 */
export const DEFAULT_VARIANTS = [
  'rew2/all/u8/p99.999/eq:1:0.75:1/fold/dwmul/bc',
  'rew2/all/u8/minmax/eq:1:0.75:1/fold/dwmul/bc',
  'rew2/all/s8/p99.999/eq:1:0.75:1/dwmul/bc',
  'rewr/all/u8/minmax',
  'rewr/conv/u8/minmax',
  'orig/all/u8/minmax',
];

export function parseVariant(id: string): Variant {
  const [base, selection, act, calib, ...flags] = id.split('/');
  if (
    (base !== 'orig' && base !== 'rewr' && base !== 'rew2') ||
    (selection !== 'all' && selection !== 'conv') ||
    (act !== 'u8' && act !== 's8')
  ) {
    throw new Error(`bad variant ${id}`);
  }
  const percentile = calib === 'minmax' || calib === 'mse' ? undefined : Number(/^p([\d.]+)$/.exec(calib ?? '')?.[1]);
  if (percentile !== undefined && !(percentile > 50 && percentile <= 100)) throw new Error(`bad calibration ${calib} in ${id}`);
  const eqFlag = flags.find((f) => f === 'eq' || f.startsWith('eq:'));
  let eq: EqualiseOptions | undefined;
  if (eqFlag) {
    const given = eqFlag.split(':').slice(1).map(Number);
    eq = { depthwise: given[0] ?? 1, dense: given[1] ?? 0.5, stream: given[2] ?? 0.5, maxScale: 1000 };
  }
  for (const f of flags) if (!['lastfloat', 'fold', 'dwmul', 'bc', eqFlag].includes(f)) throw new Error(`bad flag ${f} in ${id}`);
  const has = (f: string): boolean => flags.includes(f);
  return {
    id,
    base,
    selection,
    act,
    percentile,
    mse: calib === 'mse',
    lastFloat: has('lastfloat'),
    fold: has('fold'),
    dwmul: has('dwmul'),
    bc: has('bc'),
    eq,
  };
}

export async function createSession(bytes: Uint8Array, level: Level, profilePrefix?: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: level,
    logSeverityLevel: 3,
    ...(profilePrefix ? { enableProfiling: true, profileFilePrefix: profilePrefix } : {}),
  });
}

export const FEATURE_DIMS = [1, 3, 112, 112];

export async function embedRaw(s: ort.InferenceSession, input: Float32Array): Promise<Float32Array> {
  const out = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', input, FEATURE_DIMS) });
  return out[s.outputNames[0]].data as Float32Array;
}

export const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** The activation tensors Q/DQ go on. */
export function selectTensors(bytes: Uint8Array, v: Variant): Set<string> {
  const m = decodeModel(Buffer.from(bytes));
  const all = activationTensors(m);
  if (v.selection === 'all') return new Set(all);
  const out = new Set<string>();
  for (const n of m.graph.nodes) {
    if (n.opType !== 'Conv') continue;
    out.add(n.inputs[0]);
    out.add(n.outputs[0]);
  }
  return out;
}

export function lastConvName(bytes: Uint8Array): string {
  const convs = decodeModel(Buffer.from(bytes)).graph.nodes.filter((n) => n.opType === 'Conv');
  return convs[convs.length - 1].name;
}

/** Calibrates a model on in-memory inputs: every activation tensor as an extra output, ORT optimisation disabled. */
export async function calibrate(
  bytes: Uint8Array,
  inputs: readonly Float32Array[],
  dims: number[],
  histograms: boolean,
): Promise<Calibrator> {
  const { bytes: probe } = withAllOutputs(bytes);
  const s = await createSession(probe, 'disabled');
  const cal = new Calibrator();
  const pass = async (label: string): Promise<void> => {
    for (let i = 0; i < inputs.length; i++) {
      const out = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', inputs[i], dims) });
      cal.observe(s.inputNames[0], inputs[i], dims);
      for (const [name, t] of Object.entries(out)) if (t.type === 'float32') cal.observe(name, t.data as Float32Array, t.dims);
      if (i % 50 === 0) progress(`${label} ${i}/${inputs.length}`);
    }
  };
  await pass('calibration min/max');
  if (histograms) {
    cal.startHistograms();
    await pass('calibration histograms');
  }
  process.stderr.write('\n');
  await s.release();
  return cal;
}

/** Runs a session `runs` times under ORT profiling; per op type: kernel calls per run and ms per run. */
export async function profileOps(
  bytes: Uint8Array,
  level: Level,
  inputs: readonly Float32Array[],
  dims: number[],
  runs = 50,
): Promise<Map<string, { calls: number; ms: number }>> {
  const base = `facenition-quant-prof-${process.pid}-${Date.now()}`;
  const s = await createSession(bytes, level, join(tmpdir(), base));
  for (let i = 0; i < runs; i++) {
    await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', inputs[i % inputs.length], dims) });
  }
  s.endProfiling();
  await s.release();
  const found = readdirSync(tmpdir()).filter((f) => f.startsWith(base) && f.endsWith('.json'));
  const cwdFound = readdirSync('.').filter((f) => f.startsWith(base) && f.endsWith('.json'));
  const file = found.length ? join(tmpdir(), found[0]) : cwdFound.length ? cwdFound[0] : undefined;
  if (!file) throw new Error('ORT wrote no profile');
  type Ev = { cat: string; name: string; dur: number; args?: { op_name?: string } };
  const events = JSON.parse(readFileSync(file, 'utf8')) as Ev[];
  for (const f of found) rmSync(join(tmpdir(), f), { force: true });
  for (const f of cwdFound) rmSync(f, { force: true });
  const agg = new Map<string, { calls: number; ms: number }>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || !e.args?.op_name) continue;
    const a = agg.get(e.args.op_name) ?? { calls: 0, ms: 0 };
    a.calls += 1 / runs;
    a.ms += e.dur / 1000 / runs;
    agg.set(e.args.op_name, a);
  }
  return new Map([...agg].sort((x, y) => y[1].ms - x[1].ms));
}

function printProfile(label: string, prof: Map<string, { calls: number; ms: number }>): void {
  const total = [...prof.values()].reduce((s, v) => s + v.ms, 0);
  log(`  ${label}: kernels executed per run (op type x calls, ms per run from ORT's profiler), total ${total.toFixed(2)} ms`);
  log(`    ${[...prof].map(([op, v]) => `${op} x${Math.round(v.calls)} ${v.ms.toFixed(2)}`).join(', ')}`);
}

/** Median ms per call of each session, calls interleaved input by input (order rotated), after a warm-up. */
export async function timeSessions(
  sessions: { label: string; s: ort.InferenceSession }[],
  inputs: readonly Float32Array[],
  reps: number,
  dims: number[],
): Promise<Map<string, number>> {
  const times = sessions.map(() => [] as number[]);
  for (const { s } of sessions)
    for (let i = 0; i < 20; i++) await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', inputs[i % inputs.length], dims) });
  let k = 0;
  for (let r = 0; r < reps; r++) {
    for (const input of inputs) {
      for (let j = 0; j < sessions.length; j++) {
        const idx = (j + k) % sessions.length;
        const { s } = sessions[idx];
        const feeds = { [s.inputNames[0]]: new ort.Tensor('float32', input, dims) };
        const t0 = performance.now();
        await s.run(feeds);
        times[idx].push(performance.now() - t0);
      }
      k++;
    }
  }
  return new Map(sessions.map(({ label }, i) => [label, median(times[i])]));
}

/** Collects fr_feature inputs for `files` (null when no face) with the production engine. */
export async function collectInputs(engine: FaceEngine, files: readonly string[], want: number, label: string): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const f of files) {
    if (out.length >= want) break;
    const r = await featureInput(engine, readFileSync(f));
    if (r) out.push(r.input);
    if (out.length % 50 === 0) progress(`${label} ${out.length}/${want}`);
  }
  process.stderr.write('\n');
  return out;
}

/** The QDQ model of a variant from its base FP32 model and calibration. */
export function buildVariant(fp: Uint8Array, cal: Calibrator, v: Variant): { bytes: Buffer; report: QdqReport } {
  const ranges: Map<string, Range> = v.mse ? cal.mseRanges() : cal.ranges(v.percentile);
  // the input is (x - 127) / 128 of 8-bit pixels: exactly representable (u8 scale 1/128, zero point 127)
  ranges.set(
    graphIO(decodeModel(Buffer.from(fp))).inputs[0],
    v.act === 'u8' ? { min: -127 / 128, max: 128 / 128 } : { min: -127 / 128, max: 127 / 128 },
  );
  return quantiseQdq(fp, ranges, {
    activations: v.act,
    quantise: selectTensors(fp, v),
    floatConvs: v.lastFloat ? new Set([lastConvName(fp)]) : undefined,
    foldRelu: v.fold,
    inputMeans: v.bc ? cal.channelMeans() : undefined,
  });
}

/**
 * The FP32 model a variant quantises and its calibration: the pinned file or its PRelu rewrite,
 * optionally channel-equalised first (from per-channel ranges of the pinned model on the same faces).
 * Cached by (base, equalisation).
 */
export class Bases {
  private readonly cache = new Map<string, Promise<{ fp: Uint8Array; cal: Calibrator; note: string }>>();
  private origCal?: Promise<Calibrator>;
  constructor(
    private readonly original: Uint8Array,
    private readonly inputs: readonly Float32Array[],
    private readonly histograms: boolean,
  ) {}

  get(v: Variant): Promise<{ fp: Uint8Array; cal: Calibrator; note: string }> {
    const key = `${v.base}|${v.dwmul}|${JSON.stringify(v.eq ?? null)}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.make(v);
      this.cache.set(key, p);
    }
    return p;
  }

  private async make(v: Variant): Promise<{ fp: Uint8Array; cal: Calibrator; note: string }> {
    let fp: Uint8Array = this.original;
    let note = '';
    if (v.eq) {
      this.origCal ??= calibrate(this.original, this.inputs, FEATURE_DIMS, false);
      const { bytes, links } = equalise(this.original, (await this.origCal).channelAbsMax, v.eq);
      fp = bytes;
      note = `equalised ${links.length} conv pairs / residual streams; `;
    }
    if (v.base === 'rewr') fp = rewritePRelu(fp).bytes;
    if (v.base === 'rew2') {
      const r = rewritePReluResidual(fp);
      fp = r.bytes;
      note += `PRelu -> y + Relu((s-1)y) x${r.residual}, production rewrite x${r.standard}; `;
    }
    if (v.dwmul) {
      if (v.base === 'orig') throw new Error('dwmul needs a rewrite');
      const r = perChannelMulToConv(fp);
      fp = r.bytes;
      note += `${r.converted} Mul -> depthwise 1x1 Conv; `;
    }
    return { fp, cal: await calibrate(fp, this.inputs, FEATURE_DIMS, this.histograms), note };
  }
}

interface Built {
  variant: Variant;
  bytes: Buffer;
  sha: string;
  report: QdqReport;
}

async function main(): Promise<void> {
  const data = resolve(arg('data'));
  const nCalib = Number(arg('calib', '500'));
  const variantIds = arg('variants', DEFAULT_VARIANTS.join(',')).split(',').filter(Boolean);
  const evalMode = arg('eval', 'full');
  const nTime = Number(arg('time', '300'));
  const reps = Number(arg('reps', '3'));
  const levels = arg('levels', 'all,extended').split(',') as Level[];
  const save = arg('save', '');
  if (save && !resolve(save).startsWith('/tmp/')) throw new Error('--save must be under /tmp');
  const variants = variantIds.map(parseVariant);

  log(`onnxruntime-node ${ort.env.versions.common}, Node.js ${process.version}, ${new Date().toISOString()}`);
  log(
    `CPU: ${/model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '?'}; avx512_vnni ${readFileSync('/proc/cpuinfo', 'utf8').includes('avx512_vnni') ? 'yes' : 'no'}`,
  );
  log(`load average at start: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);

  const verified = loadVerifiedModels(modelsDir);
  const original = verified.get('fr_feature')!;
  const rewritten = sessionModelBytes('fr_feature', original);
  const engine = new FaceEngine(await OrtBackend.create(modelsDir));

  // --- calibration faces: first photo of each View 1 training person, in file order
  const trainPeople = viewOnePeople(data, 'peopleDevTrain.txt');
  const calibInputs = await collectInputs(
    engine,
    trainPeople.map((p) => imageFile(data, p.name, 1)),
    nCalib,
    'calibration faces',
  );
  log(
    `\n## Calibration: ${calibInputs.length} faces (first photo of the first ${calibInputs.length}+ people of peopleDevTrain.txt with a face found)`,
  );

  const bases = new Bases(
    original,
    calibInputs,
    variants.some((v) => v.percentile !== undefined || v.mse),
  );

  // --- build
  const built: Built[] = [];
  log('\n## Quantised models (built in memory)');
  for (const v of variants) {
    const { fp, cal, note } = await bases.get(v);
    const { bytes, report } = buildVariant(fp, cal, v);
    if (Buffer.compare(bytes, buildVariant(fp, cal, v).bytes) !== 0) throw new Error('quantiser is not deterministic');
    const sha = sha256(bytes);
    built.push({ variant: v, bytes, sha, report });
    log(
      `  ${v.id.padEnd(28)} ${(bytes.length / 1024).toFixed(0)} KiB  SHA-256 ${sha}\n` +
        `    ${report.int8Convs} INT8 Conv, ${report.floatConvs} float Conv, ${report.qdqPairs} activation Q/DQ pairs, ` +
        `${report.quantisedConstants} quantised constants, ${report.foldedRelus} Relus folded into a Q, max |bias int32| ${report.maxBiasInt}; ${note}` +
        `FP32 base SHA-256 ${sha256(fp)}`,
    );
    if (save) {
      mkdirSync(save, { recursive: true });
      writeFileSync(join(save, `fr_feature.${v.id.replace(/\//g, '_')}.onnx`), bytes);
    }
  }

  // --- held-out timing / agreement inputs: first photo of each View 1 test person
  const testPeople = viewOnePeople(data, 'peopleDevTest.txt');
  const timeInputs = await collectInputs(
    engine,
    testPeople.map((p) => imageFile(data, p.name, 1)),
    Math.max(nTime, evalMode === 'quick' ? Number(arg('quick', '500')) : 0),
    'held-out faces',
  );

  if (nTime > 0) {
    // --- which kernels ORT runs
    log(`\n## ORT profile (${levels.join(', ')}; 50 runs each, one thread)`);
    for (const level of levels) {
      printProfile(`FP32 rewritten, ${level}`, await profileOps(rewritten, level, timeInputs, FEATURE_DIMS));
      for (const b of built) printProfile(`${b.variant.id}, ${level}`, await profileOps(b.bytes, level, timeInputs, FEATURE_DIMS));
    }

    // --- speed, interleaved
    const sessions: { label: string; s: ort.InferenceSession }[] = [];
    for (const level of levels) {
      sessions.push({ label: `FP32 rewritten, ${level}`, s: await createSession(rewritten, level) });
      sessions.push({ label: `FP32 original, ${level}`, s: await createSession(original, level) });
      if (variants.some((v) => v.base === 'rew2')) {
        sessions.push({
          label: `FP32 rew2 (y + Relu((s-1)y)), ${level}`,
          s: await createSession(rewritePReluResidual(original).bytes, level),
        });
      }
      for (const b of built) sessions.push({ label: `${b.variant.id}, ${level}`, s: await createSession(b.bytes, level) });
    }
    const t = await timeSessions(sessions, timeInputs.slice(0, nTime), reps, FEATURE_DIMS);
    log(
      `\n## Speed: median ms per fr_feature call, ${Math.min(nTime, timeInputs.length)} held-out faces x ${reps}, all sessions interleaved, one ORT thread`,
    );
    log(`  (indicative: shared 2-core machine, load average now ${readFileSync('/proc/loadavg', 'utf8').trim()})`);
    for (const [label, ms] of t) log(`  ${label.padEnd(40)} ${ms.toFixed(3)}`);
    for (const { s } of sessions) await s.release();
  }

  // --- agreement / accuracy
  const fp32 = await createSession(rewritten, 'all');
  const q = await Promise.all(built.map((b) => createSession(b.bytes, 'all')));
  if (evalMode === 'quick') {
    log(`\n## Agreement on ${timeInputs.length} held-out faces (DevTest people): cosine(FP32, INT8) of the same face`);
    for (let k = 0; k < built.length; k++) {
      const cos: number[] = [];
      for (const input of timeInputs) cos.push(dot(l2normalise(await embedRaw(fp32, input)), l2normalise(await embedRaw(q[k], input))));
      log(
        `  ${built[k].variant.id.padEnd(28)} mean ${(cos.reduce((s, v) => s + v, 0) / cos.length).toFixed(5)}  min ${Math.min(...cos).toFixed(5)}`,
      );
    }
  }
  if (evalMode === 'full') await evaluateLfw(data, engine, fp32, q, built);
  await fp32.release();
  for (const s of q) await s.release();

  if (arg('detector', '0') !== '0') await detectorStudy(data, Number(arg('detector')), verified.get('fr_detect')!, engine, levels);
}

async function evaluateLfw(
  data: string,
  engine: FaceEngine,
  fp32: ort.InferenceSession,
  q: ort.InferenceSession[],
  built: Built[],
): Promise<void> {
  const { folds, files } = viewTwoPairs(data);
  const ref: (Float32Array | null)[] = [];
  const quant: (Float32Array | null)[][] = built.map(() => []);
  const t0 = Date.now();
  for (let i = 0; i < files.length; i++) {
    const r = await featureInput(engine, readFileSync(files[i]));
    ref.push(r ? l2normalise(await embedRaw(fp32, r.input)) : null);
    for (let k = 0; k < q.length; k++) quant[k].push(r ? l2normalise(await embedRaw(q[k], r.input)) : null);
    if (i % 100 === 0) progress(`pairs.txt images ${i}/${files.length} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  process.stderr.write('\n');
  const found = ref.filter(Boolean).length;
  const simOf = (emb: (Float32Array | null)[]) => (a: number, b: number) => {
    const x = emb[a];
    const y = emb[b];
    return x && y ? dot(x, y) : -1; // a missed face counts as a non-match, as in test/bench/lfw.ts
  };
  const pct = (v: number): string => (100 * v).toFixed(2);
  log(`\n## LFW View 2 (pairs.txt): ${files.length} images, face found in ${found}`);
  const fpAcc = tenFold(folds, simOf(ref));
  log(`  FP32 rewritten        10-fold accuracy ${pct(fpAcc.mean)}% ± ${pct(fpAcc.sd)}  (folds ${fpAcc.perFold.map(pct).join(' ')})`);
  for (let k = 0; k < built.length; k++) {
    const acc = tenFold(folds, simOf(quant[k]));
    const cos: number[] = [];
    for (let i = 0; i < files.length; i++) if (ref[i] && quant[k][i]) cos.push(dot(ref[i]!, quant[k][i]!));
    const correctPairs = (emb: (Float32Array | null)[]) => folds.flatMap((f) => f.pairs).map((p) => simOf(emb)(p.a, p.b));
    const sa = correctPairs(ref);
    const sb = correctPairs(quant[k]);
    let maxPairDiff = 0;
    for (let i = 0; i < sa.length; i++) maxPairDiff = Math.max(maxPairDiff, Math.abs(sa[i] - sb[i]));
    log(
      `  ${built[k].variant.id.padEnd(21)} 10-fold accuracy ${pct(acc.mean)}% ± ${pct(acc.sd)}  (folds ${acc.perFold.map(pct).join(' ')})\n` +
        `    cosine(FP32, INT8) same image over ${cos.length}: mean ${(cos.reduce((s, v) => s + v, 0) / cos.length).toFixed(5)}, ` +
        `min ${Math.min(...cos).toFixed(5)}, 1st percentile ${[...cos].sort((a, b) => a - b)[Math.floor(cos.length / 100)].toFixed(5)}; ` +
        `max |pair score change| ${maxPairDiff.toFixed(4)}`,
    );
  }
  if (built.length) {
    // the configured thresholds over every same-person and every cross-person pair of these 7,701 images
    log(`\n## Accuracy levels (libs/face/src/thresholds.ts) over all pairs of the ${files.length} pairs.txt images`);
    const person = files.map((f) => basename(dirname(f)));
    for (const [label, emb] of [
      ['FP32 rewritten', ref],
      [built[0].variant.id, quant[0]],
    ] as const) {
      const r = levelRates(emb, person);
      log(`  ${label}: ${r.genuine} genuine, ${r.impostor} impostor pairs`);
      for (const [i, l] of ACCURACY_LEVELS.entries()) {
        log(
          `    level ${l.level} (threshold ${l.threshold}, target FMR ${l.targetFmr.toExponential(0)}): FMR ${(r.falseMatches[i] / r.impostor).toExponential(2)} (${r.falseMatches[i]}), ` +
            `FNMR ${pct(r.falseNonMatches[i] / r.genuine)}% (${r.falseNonMatches[i]})`,
        );
      }
    }
  }
}

/** False matches / non-matches at every accuracy level's threshold over all pairs of a set of embeddings. */
function levelRates(
  emb: readonly (Float32Array | null)[],
  person: readonly string[],
): { genuine: number; impostor: number; falseMatches: number[]; falseNonMatches: number[] } {
  const t = ACCURACY_LEVELS.map((l) => l.threshold);
  const falseMatches = t.map(() => 0);
  const falseNonMatches = t.map(() => 0);
  let genuine = 0;
  let impostor = 0;
  for (let i = 0; i < emb.length; i++) {
    const a = emb[i];
    for (let j = i + 1; j < emb.length; j++) {
      const b = emb[j];
      const s = a && b ? dot(a, b) : -1;
      if (person[i] === person[j]) {
        genuine++;
        for (let k = 0; k < t.length; k++) if (s < t[k]) falseNonMatches[k]++;
      } else {
        impostor++;
        for (let k = 0; k < t.length; k++) if (s >= t[k]) falseMatches[k]++;
      }
    }
    if (i % 500 === 0) progress(`all pairs ${i}/${emb.length}`);
  }
  process.stderr.write('\n');
  return { genuine, impostor, falseMatches, falseNonMatches };
}

/** An InferenceBackend that answers fr_detect from a given session and everything else from the production backend. */
class SwapBackend implements InferenceBackend {
  constructor(
    private readonly inner: InferenceBackend,
    private readonly detect: ort.InferenceSession,
  ) {}
  async run(model: ModelName, input: Float32Array, dims: readonly number[]): Promise<Record<string, TensorOut>> {
    if (model !== 'fr_detect') return this.inner.run(model, input, dims);
    const out = await this.detect.run({ [this.detect.inputNames[0]]: new ort.Tensor('float32', input, dims) });
    const r: Record<string, TensorOut> = {};
    for (const [k, v] of Object.entries(out)) r[k] = { data: v.data as Float32Array, dims: v.dims };
    return r;
  }
}

async function detectorStudy(data: string, n: number, detBytes: Uint8Array, engine: FaceEngine, levels: Level[]): Promise<void> {
  const DIMS = [1, 3, 240, 320];
  // detector inputs: the coarse 320x240 view of LFW images of View 1 training people (calibration) and test people (evaluation)
  const views = async (files: string[], want: number): Promise<{ input: Float32Array; bytes: Buffer }[]> => {
    const out: { input: Float32Array; bytes: Buffer }[] = [];
    const capture = new CaptureBackend();
    const cap = new FaceEngine(capture);
    for (const f of files.slice(0, want)) {
      const bytes = readFileSync(f);
      const pyr = new ImagePyramid((await decodeImage(bytes, DEFAULT_DECODE_LIMITS)).image);
      await cap.detect(pyr).catch(() => undefined);
      if (capture.last) out.push({ input: capture.last, bytes });
    }
    return out;
  };
  const train = viewOnePeople(data, 'peopleDevTrain.txt').map((p) => imageFile(data, p.name, 1));
  const test = viewOnePeople(data, 'peopleDevTest.txt').map((p) => imageFile(data, p.name, 1));
  const calib = await views(train, n);
  const evalSet = await views(test, n);
  // Constant nodes -> initializers (so the RFB shortcut's Mul by a constant can be quantised), then
  // channel equalisation across Conv -> Relu -> Conv, calibration, and Q/DQ on the backbone only
  let det0 = constantsToInitializers(detBytes);
  {
    const m13 = decodeModel(det0);
    // fr_detect's only Softmax is over axis 2 of the [1, 4420, 2] scores (its graph output): the last axis
    upgradeOpset9To13(m13, (n) => readIntsAttribute(n, 'axis')?.[0] === 2 && n.outputs[0] === 'scores');
    det0 = encodeModel(m13);
  }
  const calOrig = await calibrate(
    det0,
    calib.map((c) => c.input),
    DIMS,
    false,
  );
  const eq = equalise(det0, calOrig.channelAbsMax, { depthwise: 1, dense: 0.75, stream: 0, maxScale: 1000 });
  const detFp = eq.bytes;
  const cal = await calibrate(
    detFp,
    calib.map((c) => c.input),
    DIMS,
    false,
  );
  const ranges = cal.ranges();
  const m = decodeModel(Buffer.from(detFp));
  ranges.set(graphIO(m).inputs[0], { min: -127 / 128, max: 128 / 128 });
  const sel = backboneTensors(detFp);
  const { bytes, report } = quantiseQdq(detFp, ranges, {
    activations: 'u8',
    quantise: sel,
    foldRelu: true,
    inputMeans: cal.channelMeans(),
  });
  const ops: Record<string, number> = {};
  for (const node of m.graph.nodes) ops[node.opType] = (ops[node.opType] ?? 0) + 1;
  log(
    `\n## fr_detect (ops: ${Object.entries(ops)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
  );
  log(
    `  QDQ (backbone tensors, u8, min/max, ${eq.links.length} equalised conv pairs, bias correction, Relus folded; ${calib.length} calibration views of DevTrain people; ` +
      `opset 9 -> 13 with Unsqueeze/Slice attributes as inputs):\n    SHA-256 ${sha256(bytes)}; ${report.int8Convs} INT8 Conv, ${report.floatConvs} float Conv, ` +
      `${report.qdqPairs} Q/DQ pairs, ${report.quantisedConstants} quantised constants, ${report.foldedRelus} Relus folded`,
  );
  for (const level of levels) {
    printProfile(
      `FP32 ${level}`,
      await profileOps(
        detBytes,
        level,
        evalSet.map((e) => e.input),
        DIMS,
      ),
    );
    printProfile(
      `INT8 ${level}`,
      await profileOps(
        bytes,
        level,
        evalSet.map((e) => e.input),
        DIMS,
      ),
    );
  }
  const sessions: { label: string; s: ort.InferenceSession }[] = [];
  for (const level of levels) {
    sessions.push({ label: `FP32 fr_detect, ${level}`, s: await createSession(detBytes, level) });
    sessions.push({ label: `INT8 fr_detect, ${level}`, s: await createSession(bytes, level) });
  }
  const t = await timeSessions(
    sessions,
    evalSet.map((e) => e.input),
    3,
    DIMS,
  );
  log(`  speed, median ms per call (${evalSet.length} views x 3, interleaved, one thread; indicative):`);
  for (const [label, ms] of t) log(`    ${label.padEnd(28)} ${ms.toFixed(3)}`);
  for (const { s } of sessions) await s.release();

  const qs = await createSession(bytes, 'all');
  const qEngine = new FaceEngine(new SwapBackend(await OrtBackend.create(modelsDir), qs));
  let maxD = 0;
  let sumD = 0;
  let nBox = 0;
  let countDiff = 0;
  let missed = 0;
  const diffs: number[] = [];
  for (const e of evalSet) {
    const pyr = new ImagePyramid((await decodeImage(e.bytes, DEFAULT_DECODE_LIMITS)).image);
    const a: Face[] = await engine.detect(pyr);
    const b: Face[] = await qEngine.detect(pyr);
    if (a.length !== b.length) countDiff++;
    if (a.length && !b.length) missed++;
    if (!a.length || !b.length) continue;
    const d = Math.max(
      Math.abs(a[0].box.x - b[0].box.x),
      Math.abs(a[0].box.y - b[0].box.y),
      Math.abs(a[0].box.x + a[0].box.width - b[0].box.x - b[0].box.width),
      Math.abs(a[0].box.y + a[0].box.height - b[0].box.y - b[0].box.height),
    );
    maxD = Math.max(maxD, d);
    sumD += d;
    diffs.push(d);
    nBox++;
  }
  await qs.release();
  log(
    `  primary-face box, FP32 vs INT8 detector, ${evalSet.length} LFW images (DevTest people): max coordinate difference ${maxD.toFixed(2)} px ` +
      `(mean of per-image max ${(sumD / Math.max(1, nBox)).toFixed(2)}, median ${median(diffs).toFixed(2)}), face count differs on ${countDiff}, primary face lost on ${missed}`,
  );
}

/**
 * Tensors of the detector's backbone: the graph input and every input / output of a Conv, Relu, Add,
 * Mul or Concat node all of whose activation inputs come from the backbone (so the head's box decoding
 * and the int64 shape arithmetic stay float / untouched).
 */
function backboneTensors(bytes: Uint8Array): Set<string> {
  const m = decodeModel(Buffer.from(bytes));
  const inits = new Set(m.graph.initializers.map((b) => decodeTensor(b).name));
  const inBackbone = new Set<string>(graphIO(m).inputs);
  const sel = new Set<string>(graphIO(m).inputs);
  for (const n of m.graph.nodes) {
    if (!['Conv', 'Relu', 'Add', 'Mul', 'Concat'].includes(n.opType)) continue;
    const acts = n.inputs.filter((i) => i && !inits.has(i));
    if (!acts.length || !acts.every((i) => inBackbone.has(i))) continue;
    for (const i of acts) sel.add(i);
    for (const o of n.outputs) {
      sel.add(o);
      inBackbone.add(o);
    }
  }
  return sel;
}

/** Constant nodes whose `value` is a tensor become initializers of the same name. */
function constantsToInitializers(bytes: Uint8Array): Buffer {
  const m = decodeModel(Buffer.from(bytes));
  const keep: typeof m.graph.nodes = [];
  for (const n of m.graph.nodes) {
    if (n.opType !== 'Constant' || n.domain !== '') {
      keep.push(n);
      continue;
    }
    let tensor: Buffer | undefined;
    for (const a of n.attributes) {
      const f = parseFields(a);
      const name = f.find((x) => x.field === 1);
      const t = f.find((x) => x.field === 5);
      if (name && typeof name.value !== 'bigint' && name.value.toString('utf8') === 'value' && t && typeof t.value !== 'bigint')
        tensor = t.value;
    }
    if (!tensor) {
      keep.push(n);
      continue;
    }
    const fields = parseFields(tensor).filter((x) => x.field !== 8);
    fields.push({ field: 8, wire: 2, value: Buffer.from(n.outputs[0], 'utf8') });
    m.graph.initializers.push(encodeFields(fields));
  }
  m.graph.nodes = keep;
  return encodeModel(m);
}

/** Records the fr_detect input of the coarse pass (and answers "no face" so the engine stops there). */
class CaptureBackend implements InferenceBackend {
  last?: Float32Array;
  run(model: ModelName, input: Float32Array): Promise<Record<string, TensorOut>> {
    if (model !== 'fr_detect') throw new Error('unexpected model');
    this.last = input.slice();
    return Promise.resolve({
      scores: { data: new Float32Array(0), dims: [1, 0, 2] },
      boxes: { data: new Float32Array(0), dims: [1, 0, 4] },
    });
  }
}

if (require.main === module) {
  void main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
