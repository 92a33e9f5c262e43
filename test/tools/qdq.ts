/**
 * A static QDQ (QuantizeLinear -> DequantizeLinear) quantiser for small ONNX CNNs, dependency-free, on
 * top of libs/face/src/onnx-proto.ts. Output is a standard QDQ model that ORT's CPU EP turns into
 * integer kernels at load time (DQ -> Conv -> Q into QLinearConv, DQ -> Add/Mul -> Q into
 * QLinearAdd/QLinearMul, Relu before a Q with zero point qmin dropped, ...):
 *   - Conv weights: INT8, symmetric, per output channel (DequantizeLinear axis 0, opset >= 13);
 *   - Conv bias: INT32, scale = input scale * weight scale (per channel), zero point 0;
 *   - every selected activation tensor: one QuantizeLinear right after its producer and one shared
 *     DequantizeLinear feeding all its consumers, UINT8 asymmetric or INT8 symmetric, per tensor,
 *     from calibrated ranges (min/max or percentiles, see Calibrator);
 *   - other float constants feeding a node with a quantised input (the PRelu rewrite's per-channel
 *     Mul factors): per-tensor, same type as the activations, when `quantiseConstants`.
 * Everything is a pure function of the input bytes and the ranges, so the same calibration gives the
 * same model bytes.
 */
import { decodeModel, decodeTensor, encodeModel, type OnnxModel, type OnnxNode } from '@facenition/face/onnx-proto';
import {
  DT,
  addGraphOutputs,
  defaultOpset,
  encodeTensor,
  floatInitializers,
  graphIO,
  initializerNames,
  intAttribute,
  makeNode,
  setDefaultOpset,
} from './onnx-build';

export interface Range {
  min: number;
  max: number;
}

export type ActivationType = 'u8' | 's8';

export interface QdqOptions {
  /** UINT8 asymmetric (zero point from the range) or INT8 symmetric (zero point 0). */
  activations: ActivationType;
  /** Activation tensors to put a Q -> DQ pair on (graph outputs are never quantised). */
  quantise: ReadonlySet<string>;
  /** Conv nodes (by name) kept in float: float weights and bias, no Q on their output. */
  floatConvs?: ReadonlySet<string>;
  /** Quantise float constants that feed a node alongside a quantised activation (default true). */
  quantiseConstants?: boolean;
  /**
   * UINT8 only: drop a Relu whose output only feeds a Mul by a constant > 0 whose output is quantised
   * with zero point 0 (Relu(y) * c = max(y * c, 0), and QuantizeLinear with zero point 0 already
   * clamps at 0), so the Mul reads y directly. Saves the requantisation ORT leaves where it folds a
   * Relu into a Q (a DQ -> Q pair per PRelu of the rewrite). Likewise a Relu right after a Conv,
   * Mul or Add: the producer writes the Relu's (quantised, zero point 0) output directly.
   */
  foldRelu?: boolean;
  /**
   * Per-channel means of the Conv inputs (FP32, calibration): each INT8 Conv's bias absorbs the mean
   * output shift its weight rounding causes, sum_i,k (Wq - W)[c, i, k] * mean(x_i) (the bias
   * correction of Nagel et al. 2019; borders / padding ignored).
   */
  inputMeans?: ReadonlyMap<string, Float64Array>;
}

export interface QdqReport {
  qdqPairs: number;
  int8Convs: number;
  floatConvs: number;
  quantisedConstants: number;
  /** largest |bias / (x_scale * w_scale)|, to check int32 headroom */
  maxBiasInt: number;
  foldedRelus: number;
  biasCorrected: number;
}

/** Round half to even (what QuantizeLinear does). */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const f32 = Math.fround;

export function activationParams(r: Range, t: ActivationType): { scale: number; zp: number } {
  const lo = Math.min(r.min, 0);
  const hi = Math.max(r.max, 0);
  if (t === 'u8') {
    if (hi === lo) return { scale: 1, zp: 0 };
    const scale = f32((hi - lo) / 255);
    return { scale, zp: Math.min(255, Math.max(0, rint(-lo / scale))) };
  }
  const a = Math.max(-lo, hi);
  return { scale: a === 0 ? 1 : f32(a / 127), zp: 0 };
}

/**
 * Per-output-channel symmetric INT8 of a weight [Cout, ...]. `minScale[c]` floors a channel's scale:
 * channels whose weights are (almost) all zero but whose bias is not (this model has many: pruned /
 * zero-gamma channels) would otherwise get a bias scale x_scale * w_scale so small that the INT32 bias
 * overflows; with the floor their weights round to 0 and the bias stays exact.
 */
export function quantiseWeights(data: Float32Array, cout: number, minScale?: ArrayLike<number>): { q: Int8Array; scales: Float32Array } {
  const per = data.length / cout;
  const q = new Int8Array(data.length);
  const scales = new Float32Array(cout);
  for (let c = 0; c < cout; c++) {
    let a = 0;
    for (let i = c * per; i < (c + 1) * per; i++) a = Math.max(a, Math.abs(data[i]));
    const s0 = Math.max(f32(a / 127), minScale?.[c] ?? 0);
    const s = s0 === 0 ? 1 : f32(s0);
    scales[c] = s;
    for (let i = c * per; i < (c + 1) * per; i++) q[i] = Math.max(-127, Math.min(127, rint(data[i] / s)));
  }
  return { q, scales };
}

/** Activation tensors of a model: the graph inputs and every node output, minus initializers. */
export function activationTensors(model: OnnxModel): string[] {
  const inits = initializerNames(model);
  const { inputs } = graphIO(model);
  const out = inputs.filter((i) => !inits.has(i));
  for (const n of model.graph.nodes) for (const o of n.outputs) if (o) out.push(o);
  return out;
}

/**
 * The model with every activation tensor also a graph output (for calibration), opset unchanged.
 * Returns the bytes and the names added.
 */
export function withAllOutputs(bytes: Uint8Array): { bytes: Buffer; names: string[] } {
  const m = decodeModel(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const { inputs, outputs } = graphIO(m);
  const have = new Set([...inputs, ...outputs]);
  // element types, propagated: Shape gives INT64, other ops the type of their first input
  const type = new Map<string, number>();
  for (const b of m.graph.initializers) {
    const t = decodeTensor(b);
    type.set(t.name, t.dataType);
  }
  for (const i of inputs) if (!type.has(i)) type.set(i, DT.FLOAT);
  for (const n of m.graph.nodes) {
    const t = n.opType === 'Shape' ? DT.INT64 : (type.get(n.inputs[0]) ?? DT.FLOAT);
    for (const o of n.outputs) type.set(o, t);
  }
  const names = activationTensors(m).filter((t) => !have.has(t) && type.get(t) === DT.FLOAT);
  addGraphOutputs(m, names);
  return { bytes: encodeModel(m), names };
}

/**
 * Per-tensor ranges over a calibration set. `observe` every run's outputs once for min/max; with
 * percentiles, call `startHistograms()` after the first pass and observe the same runs again (fixed
 * bins over each tensor's min..max, so the result does not depend on run order).
 */
export class Calibrator {
  private readonly mins = new Map<string, number>();
  private readonly maxs = new Map<string, number>();
  private hists?: Map<string, Float64Array>;
  /** per-channel max |x| of [1, C, ...] tensors (first pass only), for channel equalisation */
  readonly channelAbsMax = new Map<string, Float64Array>();
  private readonly channelSum = new Map<string, { sum: Float64Array; n: number }>();
  static readonly BINS = 8192;

  observe(name: string, data: ArrayLike<number>, dims?: readonly number[]): void {
    if (!this.hists && dims && dims.length >= 2 && dims[0] === 1) {
      const c = dims[1];
      const per = data.length / c;
      let m = this.channelAbsMax.get(name);
      if (!m) this.channelAbsMax.set(name, (m = new Float64Array(c)));
      for (let k = 0; k < c; k++) {
        let a = m[k];
        for (let i = k * per; i < (k + 1) * per; i++) a = Math.max(a, Math.abs(data[i]));
        m[k] = a;
      }
      let cs = this.channelSum.get(name);
      if (!cs) this.channelSum.set(name, (cs = { sum: new Float64Array(c), n: 0 }));
      for (let k = 0; k < c; k++) {
        let sum = 0;
        for (let i = k * per; i < (k + 1) * per; i++) sum += data[i];
        cs.sum[k] += sum;
      }
      cs.n += per;
    }
    if (this.hists) {
      const h = this.hists.get(name);
      if (!h) return;
      const lo = this.mins.get(name)!;
      const hi = this.maxs.get(name)!;
      const k = hi > lo ? Calibrator.BINS / (hi - lo) : 0;
      for (let i = 0; i < data.length; i++) h[Math.min(Calibrator.BINS - 1, Math.floor((data[i] - lo) * k))]++;
      return;
    }
    let lo = this.mins.get(name) ?? Infinity;
    let hi = this.maxs.get(name) ?? -Infinity;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.mins.set(name, lo);
    this.maxs.set(name, hi);
  }

  /** Per-channel means of every [1, C, ...] tensor observed (first pass). */
  channelMeans(): Map<string, Float64Array> {
    return new Map([...this.channelSum].map(([k, { sum, n }]) => [k, sum.map((v) => v / n)]));
  }

  startHistograms(): void {
    this.hists = new Map([...this.mins.keys()].map((k) => [k, new Float64Array(Calibrator.BINS)]));
  }

  get hasHistograms(): boolean {
    return this.hists !== undefined;
  }

  /** min/max, or with histograms the [100 - p, p] percentiles (p e.g. 99.99), each side clipped to min/max. */
  ranges(percentile?: number): Map<string, Range> {
    const out = new Map<string, Range>();
    for (const [name, lo] of this.mins) {
      const hi = this.maxs.get(name)!;
      const h = this.hists?.get(name);
      if (percentile === undefined || !h || hi <= lo) {
        out.set(name, { min: lo, max: hi });
        continue;
      }
      let total = 0;
      for (const c of h) total += c;
      const tail = (total * (100 - percentile)) / 100;
      const w = (hi - lo) / Calibrator.BINS;
      let acc = 0;
      let a = 0;
      while (a < Calibrator.BINS - 1 && acc + h[a] <= tail) acc += h[a++];
      acc = 0;
      let b = Calibrator.BINS - 1;
      while (b > 0 && acc + h[b] <= tail) acc += h[b--];
      out.set(name, { min: lo + a * w, max: lo + (b + 1) * w });
    }
    return out;
  }

  /**
   * Per tensor, the UINT8 range [a * min, b * max] (a, b in 0.30, 0.35, ..., 1) with the least
   * expected squared error from the histogram: clipping error outside, step^2 / 12 inside.
   */
  mseRanges(): Map<string, Range> {
    const out = new Map<string, Range>();
    const factors = Array.from({ length: 15 }, (_, i) => 1 - i * 0.05);
    for (const [name, lo] of this.mins) {
      const hi = this.maxs.get(name)!;
      const h = this.hists?.get(name);
      if (!h || hi <= lo) {
        out.set(name, { min: lo, max: hi });
        continue;
      }
      const w = (hi - lo) / Calibrator.BINS;
      const centre = (i: number): number => lo + (i + 0.5) * w;
      let best = Infinity;
      let bestRange: Range = { min: lo, max: hi };
      for (const fa of lo < 0 ? factors : [1]) {
        for (const fb of hi > 0 ? factors : [1]) {
          const L = Math.min(0, lo * fa);
          const H = Math.max(0, hi * fb);
          const step = (H - L) / 255;
          let err = 0;
          for (let i = 0; i < Calibrator.BINS; i++) {
            if (!h[i]) continue;
            const v = centre(i);
            err += h[i] * (v < L ? (L - v) ** 2 : v > H ? (v - H) ** 2 : (step * step) / 12);
          }
          if (err < best) {
            best = err;
            bestRange = { min: L, max: H };
          }
        }
      }
      out.set(name, bestRange);
    }
    return out;
  }
}

/** Builds the QDQ model. `ranges` must hold every tensor in `opts.quantise`. */
export function quantiseQdq(fp32: Uint8Array, ranges: ReadonlyMap<string, Range>, opts: QdqOptions): { bytes: Buffer; report: QdqReport } {
  const m = decodeModel(Buffer.from(fp32.buffer, fp32.byteOffset, fp32.byteLength));
  if (defaultOpset(m) < 13) setDefaultOpset(m, 13);
  const floats = floatInitializers(m);
  const { outputs: graphOutputs, inputs: graphInputs } = graphIO(m);
  const outs = new Set(graphOutputs);
  const quantConsts = opts.quantiseConstants ?? true;
  const act = opts.activations;
  const actDt = act === 'u8' ? DT.UINT8 : DT.INT8;
  const report: QdqReport = {
    qdqPairs: 0,
    int8Convs: 0,
    floatConvs: 0,
    quantisedConstants: 0,
    maxBiasInt: 0,
    foldedRelus: 0,
    biasCorrected: 0,
  };

  const added: Buffer[] = [];
  const nodes: OnnxNode[] = [];
  const scaleOf = new Map<string, number>();
  const isQ = (t: string): boolean => opts.quantise.has(t) && !outs.has(t);

  /** Emits Q -> DQ on tensor t; returns the DQ output name. */
  const qdq = (t: string): string => {
    const r = ranges.get(t);
    if (!r) throw new Error(`no calibration range for ${t}`);
    const { scale, zp } = activationParams(r, act);
    scaleOf.set(t, scale);
    added.push(encodeTensor(`${t}_qscale`, [], DT.FLOAT, [scale]), encodeTensor(`${t}_qzp`, [], actDt, [zp]));
    nodes.push(makeNode('QuantizeLinear', [t, `${t}_qscale`, `${t}_qzp`], [`${t}_q`], `${t}_QuantizeLinear`));
    nodes.push(makeNode('DequantizeLinear', [`${t}_q`, `${t}_qscale`, `${t}_qzp`], [`${t}_dq`], `${t}_DequantizeLinear`));
    report.qdqPairs++;
    return `${t}_dq`;
  };
  const dqName = new Map<string, string>();
  for (const i of graphInputs) if (isQ(i)) dqName.set(i, qdq(i));

  const constDone = new Map<string, string>();
  /** Per-tensor quantised constant -> DQ output. */
  const dqConst = (name: string): string => {
    const done = constDone.get(name);
    if (done) return done;
    const c = floats.get(name)!;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of c.data) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const { scale, zp } = activationParams({ min: lo, max: hi }, act);
    const q = Array.from(c.data, (v) => Math.max(act === 'u8' ? 0 : -127, Math.min(act === 'u8' ? 255 : 127, rint(v / scale) + zp)));
    added.push(
      encodeTensor(`${name}_cq`, c.dims, actDt, q),
      encodeTensor(`${name}_cscale`, [], DT.FLOAT, [scale]),
      encodeTensor(`${name}_czp`, [], actDt, [zp]),
    );
    nodes.push(makeNode('DequantizeLinear', [`${name}_cq`, `${name}_cscale`, `${name}_czp`], [`${name}_cdq`], `${name}_DequantizeLinear`));
    report.quantisedConstants++;
    constDone.set(name, `${name}_cdq`);
    return `${name}_cdq`;
  };

  let graphNodes = m.graph.nodes;
  if (opts.foldRelu && act === 'u8') {
    const consumers = new Map<string, OnnxNode[]>();
    for (const n of graphNodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
    const drop = new Set<OnnxNode>();
    const rewired = new Map<OnnxNode, OnnxNode>();
    for (const r of graphNodes) {
      if (r.opType !== 'Relu' || outs.has(r.outputs[0])) continue;
      const uses = consumers.get(r.outputs[0]) ?? [];
      const mul = uses[0];
      if (uses.length !== 1 || !(mul.opType === 'Mul' || (mul.opType === 'Conv' && mul.attributes.length === 1))) continue;
      // Mul by a constant, or the 1x1 depthwise Conv (group attribute only, no bias) of perChannelMulToConv
      const other = mul.opType === 'Mul' ? mul.inputs.find((i) => i !== r.outputs[0]) : mul.inputs.length === 2 ? mul.inputs[1] : undefined;
      const c = other ? floats.get(other) : undefined;
      const t = mul.outputs[0];
      if (!c || !c.data.every((v) => v > 0) || !isQ(t) || (ranges.get(t)?.min ?? -1) < 0) continue;
      if (mul.opType === 'Conv' && (c.dims.length !== 4 || c.dims[1] !== 1 || c.dims[2] !== 1 || c.dims[3] !== 1)) continue;
      drop.add(r);
      rewired.set(mul, { ...mul, inputs: mul.inputs.map((i) => (i === r.outputs[0] ? r.inputs[0] : i)) });
    }
    // X -> Relu -> r (quantised, zero point 0): X writes r itself, the Q clamps at 0
    const producer = new Map<string, OnnxNode>();
    for (const n of graphNodes) for (const o of n.outputs) producer.set(o, n);
    for (const r of graphNodes) {
      if (r.opType !== 'Relu' || drop.has(r) || !isQ(r.outputs[0])) continue;
      const x = producer.get(r.inputs[0]);
      if (!x || x.outputs.length !== 1 || outs.has(r.inputs[0]) || (consumers.get(r.inputs[0]) ?? []).length !== 1) continue;
      if (x.opType !== 'Conv' && x.opType !== 'Mul' && x.opType !== 'Add') continue;
      drop.add(r);
      rewired.set(x, { ...(rewired.get(x) ?? x), outputs: [r.outputs[0]] });
    }
    graphNodes = graphNodes.filter((n) => !drop.has(n)).map((n) => rewired.get(n) ?? n);
    report.foldedRelus = drop.size;
  }

  const usedInits = new Set<string>();
  for (const n of graphNodes) {
    const inputs = n.inputs.map((i) => dqName.get(i) ?? i);
    const hasQInput = n.inputs.some((i) => dqName.has(i));
    if (n.opType === 'Conv' && n.domain === '' && hasQInput && !opts.floatConvs?.has(n.name) && floats.has(n.inputs[1])) {
      const w = floats.get(n.inputs[1])!;
      const cout = w.dims[0];
      const xs = scaleOf.get(n.inputs[0])!;
      const bias = n.inputs[2] ? floats.get(n.inputs[2])!.data : undefined;
      // bias |b| / (x_scale * w_scale) <= 2^24: exact in float, far from INT32 overflow with the products added
      const minScale = bias ? Float32Array.from(bias, (b) => Math.abs(b) / xs / 2 ** 24) : undefined;
      const { q, scales } = quantiseWeights(w.data, cout, minScale);
      const wn = n.inputs[1];
      added.push(
        encodeTensor(`${wn}_wq`, w.dims, DT.INT8, q),
        encodeTensor(`${wn}_wscale`, [cout], DT.FLOAT, scales),
        encodeTensor(`${wn}_wzp`, [cout], DT.INT8, new Int8Array(cout)),
      );
      nodes.push(
        makeNode('DequantizeLinear', [`${wn}_wq`, `${wn}_wscale`, `${wn}_wzp`], [`${wn}_wdq`], `${wn}_DequantizeLinear`, [
          intAttribute('axis', 0),
        ]),
      );
      inputs[1] = `${wn}_wdq`;
      const means = opts.inputMeans?.get(n.inputs[0]);
      let correction: Float64Array | undefined;
      if (means && n.inputs[2]) {
        const cinPer = w.dims[1];
        const groups = means.length / cinPer;
        const outPerGroup = cout / groups;
        const per = w.data.length / cout / cinPer;
        correction = new Float64Array(cout);
        for (let c = 0; c < cout; c++) {
          const g = Math.floor(c / outPerGroup);
          let sum = 0;
          for (let i = 0; i < cinPer; i++) {
            let e = 0;
            for (let j = (c * cinPer + i) * per; j < (c * cinPer + i + 1) * per; j++) e += q[j] * scales[c] - w.data[j];
            sum += e * means[g * cinPer + i];
          }
          correction[c] = sum;
        }
        report.biasCorrected++;
      }
      if (n.inputs[2]) {
        const b0 = floats.get(n.inputs[2])!;
        const b = correction ? { data: Float64Array.from(b0.data, (v, c) => v - correction[c]) } : b0;
        const bs = Float32Array.from(scales, (s) => f32(xs * s));
        const bq = new Int32Array(cout);
        for (let c = 0; c < cout; c++) {
          const v = rint(b.data[c] / bs[c]);
          report.maxBiasInt = Math.max(report.maxBiasInt, Math.abs(v));
          bq[c] = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, v));
        }
        const bn = `${n.name}_${n.inputs[2]}`;
        added.push(
          encodeTensor(`${bn}_bq`, [cout], DT.INT32, bq),
          encodeTensor(`${bn}_bscale`, [cout], DT.FLOAT, bs),
          encodeTensor(`${bn}_bzp`, [cout], DT.INT32, new Int32Array(cout)),
        );
        nodes.push(
          makeNode('DequantizeLinear', [`${bn}_bq`, `${bn}_bscale`, `${bn}_bzp`], [`${bn}_bdq`], `${bn}_DequantizeLinear`, [
            intAttribute('axis', 0),
          ]),
        );
        inputs[2] = `${bn}_bdq`;
      }
      report.int8Convs++;
    } else {
      if (n.opType === 'Conv') report.floatConvs++;
      if (quantConsts && hasQInput && n.opType !== 'Conv' && n.opType !== 'PRelu') {
        n.inputs.forEach((i, k) => {
          if (floats.has(i)) inputs[k] = dqConst(i);
        });
      }
    }
    for (const i of inputs) usedInits.add(i);
    nodes.push({ ...n, inputs });
    for (const o of n.outputs) if (o && isQ(o)) dqName.set(o, qdq(o));
  }
  // keep the original initializers still referenced (float weights of float convs, slopes, shapes, ...)
  const kept = m.graph.initializers.filter((b) => {
    const name = decodeTensor(b).name;
    return usedInits.has(name) || !floats.has(name);
  });
  m.graph.nodes = nodes;
  m.graph.initializers = kept.concat(added);
  return { bytes: encodeModel(m), report };
}

/**
 * Mul(y, c) with a constant c of shape [C, 1, 1] -> Conv(y, c as [C, 1, 1, 1], group C): the same
 * function, but as a Conv its constant is quantised per channel (exactly, one value per channel) and
 * ORT runs it as a depthwise QLinearConv instead of a broadcasting QLinearMul.
 */
export function perChannelMulToConv(bytes: Uint8Array): { bytes: Buffer; converted: number } {
  const m = decodeModel(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const floats = floatInitializers(m);
  const added: Buffer[] = [];
  let converted = 0;
  m.graph.nodes = m.graph.nodes.map((n) => {
    if (n.opType !== 'Mul' || n.domain !== '') return n;
    const k = n.inputs.findIndex((i) => floats.has(i));
    const c = k >= 0 ? floats.get(n.inputs[k]) : undefined;
    if (!c || c.dims.length !== 3 || c.dims[1] !== 1 || c.dims[2] !== 1 || floats.has(n.inputs[1 - k])) return n;
    const w = `${n.inputs[k]}_dw`;
    added.push(encodeTensor(w, [c.dims[0], 1, 1, 1], DT.FLOAT, c.data));
    converted++;
    return makeNode('Conv', [n.inputs[1 - k], w], n.outputs, `${n.name}_dwconv`, [intAttribute('group', c.dims[0])]);
  });
  const used = new Set(m.graph.nodes.flatMap((n) => n.inputs));
  m.graph.initializers = m.graph.initializers.filter((b) => used.has(decodeTensor(b).name)).concat(added);
  return { bytes: encodeModel(m), converted };
}
