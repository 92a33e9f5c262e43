import { decodeModel, decodeTensor, encodeFloatTensor, encodeModel, type OnnxNode } from './onnx-proto';

/**
 * PRelu with a constant per-channel slope s, rewritten as  y -> y*s + Relu(y)*(1-s)
 * (Relu, Mul, Mul, Add). It is PRelu for every real s: for y < 0, Relu(y) = 0 and y*s remains; for
 * y >= 0, y*s + y*(1-s) = y.
 *
 * Why: ORT's CPU PRelu kernel is slow and is not part of its NCHWc layout, so every PRelu forces a
 * reorder out of and back into the blocked layout. Relu, Mul by a constant and Add are handled inside
 * it (ORT fuses them into the convolutions). On the 2-core AMD EPYC (AVX-512) build machine, one ORT
 * thread, optimisation 'all': fr_feature 8.6 ms -> 3.5 ms per call, of which PRelu alone was 5.8 ms
 * (`npm run bench:pipeline` prints the before and after). Outputs differ from the original's by
 * float rounding only (model-rewrite.spec.ts pins the maximum difference).
 *
 * The rewrite is a pure function of the pinned model bytes: the result's SHA-256 is pinned too
 * (model-manifest.json "rewritten"), and checked every time a session is created from it.
 */
export function rewritePRelu(model: Uint8Array): { bytes: Buffer; rewritten: number } {
  const m = decodeModel(Buffer.from(model.buffer, model.byteOffset, model.byteLength));
  const inits = new Map(
    m.graph.initializers.map((buf, i) => {
      const t = decodeTensor(buf);
      return [t.name, { t, i }] as const;
    }),
  );
  const used = new Map<string, number>();
  for (const n of m.graph.nodes) for (const i of n.inputs) used.set(i, (used.get(i) ?? 0) + 1);

  const nodes: OnnxNode[] = [];
  const added: Buffer[] = [];
  const dropped = new Set<number>();
  let k = 0;
  const node = (opType: string, inputs: string[], output: string, name: string): OnnxNode => ({
    inputs,
    outputs: [output],
    name,
    opType,
    domain: '',
    attributes: [],
    rest: [],
  });
  for (const n of m.graph.nodes) {
    const slope = n.opType === 'PRelu' && n.domain === '' ? inits.get(n.inputs[1]) : undefined;
    const s = slope?.t.floats;
    // per-channel slope [C, 1, 1] (or a scalar); anything else is left as it is
    if (!slope || !s || !(slope.t.dims.length <= 1 ? s.length === 1 : slope.t.dims.slice(1).every((d) => d === 1))) {
      nodes.push(n);
      continue;
    }
    const p = `facenition_prelu${k++}`;
    const [y] = n.inputs;
    const [z] = n.outputs;
    added.push(encodeFloatTensor(`${p}_s`, slope.t.dims, s));
    added.push(
      encodeFloatTensor(
        `${p}_1ms`,
        slope.t.dims,
        s.map((v) => 1 - v),
      ),
    );
    nodes.push(node('Relu', [y], `${p}_relu`, `${p}_relu`));
    nodes.push(node('Mul', [y, `${p}_s`], `${p}_ys`, `${p}_mul_s`));
    nodes.push(node('Mul', [`${p}_relu`, `${p}_1ms`], `${p}_r1ms`, `${p}_mul_1ms`));
    nodes.push(node('Add', [`${p}_r1ms`, `${p}_ys`], z, n.name || `${p}_add`));
    const left = (used.get(n.inputs[1]) ?? 0) - 1;
    used.set(n.inputs[1], left);
    if (left === 0) dropped.add(slope.i);
  }
  m.graph.nodes = nodes;
  m.graph.initializers = m.graph.initializers.filter((_, i) => !dropped.has(i)).concat(added);
  return { bytes: encodeModel(m), rewritten: k };
}
