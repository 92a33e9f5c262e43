/**
 * Channel equalisation before quantisation (in the spirit of cross-layer equalisation, Nagel et al.
 * 2019, driven by activation ranges as in SmoothQuant): for a Conv A whose output y goes only
 * through a per-channel PRelu, a Relu (or nothing) into a Conv B, output channel c of A (weights and bias) is
 * multiplied by k_c > 0 and B's input channel c by 1 / k_c. PRelu (and Relu) is positively homogeneous
 * (PRelu(k y) = k PRelu(y) for k > 0, same slope), so the FP32 function is unchanged (to rounding),
 * but the per-tensor activation ranges of y and PRelu(y) become balanced across channels:
 * k_c = (max_j m_j / m_c)^alpha with m_c the calibrated max |y_c|.
 * When B is depthwise its weights are quantised per channel, so its rescaling costs nothing (alpha
 * `depthwise`); when B is a dense 1x1 conv its input columns shrink or grow within a per-row weight
 * scale, hence a smaller `dense` alpha.
 */
import { decodeModel, encodeFloatTensor, encodeModel, decodeTensor, type OnnxNode } from '@facenition/face/onnx-proto';
import { floatInitializers, graphIO, readIntsAttribute } from './onnx-build';

export interface EqualiseOptions {
  depthwise: number;
  dense: number;
  /** bound on k_c and 1 / k_c */
  maxScale: number;
  /**
   * alpha for residual streams (0: leave them): tensors joined by Add nodes whose producers are all
   * Convs and whose other consumers are dense Convs share one k (producers' rows x k, consumers'
   * columns / k), from the max over the stream's tensors of max |x_c|.
   */
  stream?: number;
}

export interface Link {
  a: string;
  b: string;
  y: string;
  depthwise: boolean;
}

export function equalise(
  bytes: Uint8Array,
  channelAbsMax: ReadonlyMap<string, Float64Array>,
  opts: EqualiseOptions,
): { bytes: Buffer; links: Link[] } {
  const m = decodeModel(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const floats = floatInitializers(m);
  const outs = new Set(graphIO(m).outputs);
  const consumers = new Map<string, OnnxNode[]>();
  for (const n of m.graph.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const uses = (t: string): OnnxNode[] => consumers.get(t) ?? [];

  const links: Link[] = [];
  /** per weight initializer: factor per output channel (rows) and per input channel (cols) */
  const rowScale = new Map<string, Float64Array>();
  const colScale = new Map<string, Float64Array>();
  const biasScale = new Map<string, Float64Array>();
  const ones = (n: number): Float64Array => new Float64Array(n).fill(1);

  for (const a of m.graph.nodes) {
    if (a.opType !== 'Conv' || a.domain !== '') continue;
    const y = a.outputs[0];
    if (outs.has(y)) continue;
    let next = uses(y);
    let via = y;
    if (next.length === 1 && (next[0].opType === 'PRelu' || next[0].opType === 'Relu')) {
      const slope = next[0].opType === 'PRelu' ? floats.get(next[0].inputs[1]) : undefined;
      if (next[0].opType === 'PRelu' && (!slope || slope.dims.slice(1).some((d) => d !== 1))) continue;
      via = next[0].outputs[0];
      if (outs.has(via)) continue;
      next = uses(via);
    }
    if (next.length !== 1 || next[0].opType !== 'Conv' || next[0].inputs[0] !== via) continue;
    const b = next[0];
    const wa = floats.get(a.inputs[1]);
    const wb = floats.get(b.inputs[1]);
    const stats = channelAbsMax.get(y);
    if (!wa || !wb || !stats) continue;
    const c = wa.dims[0];
    const group = readIntsAttribute(b, 'group')?.[0] ?? 1;
    const depthwise = group === c && wb.dims[1] === 1 && wb.dims[0] === c;
    if (!depthwise && (group !== 1 || wb.dims[1] !== c)) continue;
    const alpha = depthwise ? opts.depthwise : opts.dense;
    let top = 0;
    for (const v of stats) top = Math.max(top, v);
    const k = Float64Array.from(stats, (v) =>
      v > 0 && top > 0 ? Math.min(opts.maxScale, Math.max(1 / opts.maxScale, (top / v) ** alpha)) : 1,
    );
    const ra = rowScale.get(a.inputs[1]) ?? ones(c);
    for (let i = 0; i < c; i++) ra[i] *= k[i];
    rowScale.set(a.inputs[1], ra);
    if (a.inputs[2]) {
      const ba = biasScale.get(a.inputs[2]) ?? ones(c);
      for (let i = 0; i < c; i++) ba[i] *= k[i];
      biasScale.set(a.inputs[2], ba);
    }
    if (depthwise) {
      const rb = rowScale.get(b.inputs[1]) ?? ones(c);
      for (let i = 0; i < c; i++) rb[i] /= k[i];
      rowScale.set(b.inputs[1], rb);
    } else {
      const cb = colScale.get(b.inputs[1]) ?? ones(c);
      for (let i = 0; i < c; i++) cb[i] /= k[i];
      colScale.set(b.inputs[1], cb);
    }
    links.push({ a: a.name, b: b.name, y, depthwise });
  }

  if (opts.stream) {
    const producer = new Map<string, OnnxNode>();
    for (const n of m.graph.nodes) for (const o of n.outputs) producer.set(o, n);
    // union-find over tensors joined by Add
    const parent = new Map<string, string>();
    const find = (t: string): string => {
      let r = t;
      while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
      parent.set(t, r);
      return r;
    };
    const union = (x: string, y: string): void => {
      const rx = find(x);
      const ry = find(y);
      if (rx !== ry) parent.set(rx, ry);
    };
    for (const n of m.graph.nodes) {
      if (n.opType !== 'Add' || n.inputs.some((i) => floats.has(i))) continue;
      for (const i of n.inputs) union(i, n.outputs[0]);
    }
    const groups = new Map<string, string[]>();
    for (const t of parent.keys()) groups.set(find(t), [...(groups.get(find(t)) ?? []), t]);
    for (const tensors of groups.values()) {
      const set = new Set(tensors);
      let ok = true;
      const producers: OnnxNode[] = [];
      const sinks: OnnxNode[] = [];
      for (const t of tensors) {
        const p = producer.get(t);
        if (!p || outs.has(t)) ok = false;
        else if (p.opType === 'Conv' && p.domain === '') producers.push(p);
        else if (!(p.opType === 'Add' && p.inputs.every((i) => set.has(i)))) ok = false;
        for (const u of uses(t)) {
          if (u.opType === 'Add' && set.has(u.outputs[0])) continue;
          const w = floats.get(u.inputs[1]);
          if (u.opType !== 'Conv' || u.inputs[0] !== t || !w || (readIntsAttribute(u, 'group')?.[0] ?? 1) !== 1) ok = false;
          else sinks.push(u);
        }
      }
      if (!ok || !producers.length || !sinks.length) continue;
      const c = floats.get(producers[0].inputs[1])!.dims[0];
      const top = new Float64Array(c);
      for (const t of tensors) {
        const st = channelAbsMax.get(t);
        if (!st || st.length !== c) ok = false;
        else for (let i = 0; i < c; i++) top[i] = Math.max(top[i], st[i]);
      }
      if (!ok) continue;
      let mx = 0;
      for (const v of top) mx = Math.max(mx, v);
      const k = Float64Array.from(top, (v) => (v > 0 ? Math.min(opts.maxScale, Math.max(1 / opts.maxScale, (mx / v) ** opts.stream!)) : 1));
      for (const p of producers) {
        const ra = rowScale.get(p.inputs[1]) ?? ones(c);
        for (let i = 0; i < c; i++) ra[i] *= k[i];
        rowScale.set(p.inputs[1], ra);
        if (p.inputs[2]) {
          const ba = biasScale.get(p.inputs[2]) ?? ones(c);
          for (let i = 0; i < c; i++) ba[i] *= k[i];
          biasScale.set(p.inputs[2], ba);
        }
      }
      for (const u of sinks) {
        const cb = colScale.get(u.inputs[1]) ?? ones(c);
        for (let i = 0; i < c; i++) cb[i] /= k[i];
        colScale.set(u.inputs[1], cb);
      }
      links.push({
        a: producers.map((p) => p.name).join('+'),
        b: sinks.map((u) => u.name).join('+'),
        y: tensors.join('+'),
        depthwise: false,
      });
    }
  }

  m.graph.initializers = m.graph.initializers.map((buf) => {
    const t = decodeTensor(buf);
    const rs = rowScale.get(t.name);
    const cs = colScale.get(t.name);
    const bs = biasScale.get(t.name);
    if (!t.floats || (!rs && !cs && !bs)) return buf;
    const out = new Float32Array(t.floats);
    if (bs) for (let i = 0; i < out.length; i++) out[i] *= bs[i];
    if (rs || cs) {
      const [cout, cin] = t.dims;
      const per = out.length / cout / cin;
      for (let o = 0; o < cout; o++) {
        for (let i = 0; i < cin; i++) {
          const f = (rs ? rs[o] : 1) * (cs ? cs[i] : 1);
          for (let j = (o * cin + i) * per; j < (o * cin + i + 1) * per; j++) out[j] *= f;
        }
      }
    }
    return encodeFloatTensor(t.name, t.dims, out);
  });
  return { bytes: encodeModel(m), links };
}
