/**
 * A second PRelu rewrite, for quantisation: with a per-channel slope s < 1 (every channel),
 *   PRelu(y) = y + (1 - s) * Relu(-y) = y + Relu((s - 1) * y)      (Mul, Relu, Add)
 * (y >= 0: y + 0; y < 0: y + (s - 1) * y = s * y). Compared with production's y*s + Relu(y)*(1-s)
 * (libs/face/src/model-rewrite.ts: Relu, Mul, Mul, Add) it has one op less, and y itself reaches the
 * Add unscaled, so a QDQ model adds only one quantised term to it. In a QDQ model the Relu disappears
 * into the zero point 0 of the Mul's output Q (qdq.ts foldRelu) and the Mul becomes a 1x1 depthwise
 * QLinearConv (qdq.ts perChannelMulToConv). PRelus with some s >= 1 get the production rewrite.
 */
import { decodeModel, decodeTensor, encodeFloatTensor, encodeModel, type OnnxNode } from '@facenition/face/onnx-proto';
import { makeNode } from './onnx-build';

export function rewritePReluResidual(model: Uint8Array): { bytes: Buffer; residual: number; standard: number } {
  const m = decodeModel(Buffer.from(model.buffer, model.byteOffset, model.byteLength));
  const inits = new Map(m.graph.initializers.map((b) => [decodeTensor(b).name, decodeTensor(b)] as const));
  const nodes: OnnxNode[] = [];
  const added: Buffer[] = [];
  let residual = 0;
  let standard = 0;
  let k = 0;
  for (const n of m.graph.nodes) {
    const slope = n.opType === 'PRelu' && n.domain === '' ? inits.get(n.inputs[1]) : undefined;
    const s = slope?.floats;
    if (!slope || !s || !(slope.dims.length <= 1 ? s.length === 1 : slope.dims.slice(1).every((d) => d === 1))) {
      nodes.push(n);
      continue;
    }
    const p = `facenition_prelu${k++}`;
    const [y] = n.inputs;
    const [z] = n.outputs;
    if (s.every((v) => v < 1)) {
      added.push(
        encodeFloatTensor(
          `${p}_sm1`,
          slope.dims,
          s.map((v) => v - 1),
        ),
      );
      nodes.push(makeNode('Mul', [y, `${p}_sm1`], [`${p}_ysm1`], `${p}_mul_sm1`));
      nodes.push(makeNode('Relu', [`${p}_ysm1`], [`${p}_neg`], `${p}_relu`));
      nodes.push(makeNode('Add', [y, `${p}_neg`], [z], n.name || `${p}_add`));
      residual++;
    } else {
      added.push(
        encodeFloatTensor(`${p}_s`, slope.dims, s),
        encodeFloatTensor(
          `${p}_1ms`,
          slope.dims,
          s.map((v) => 1 - v),
        ),
      );
      nodes.push(makeNode('Relu', [y], [`${p}_relu`], `${p}_relu`));
      nodes.push(makeNode('Mul', [y, `${p}_s`], [`${p}_ys`], `${p}_mul_s`));
      nodes.push(makeNode('Mul', [`${p}_relu`, `${p}_1ms`], [`${p}_r1ms`], `${p}_mul_1ms`));
      nodes.push(makeNode('Add', [`${p}_r1ms`, `${p}_ys`], [z], n.name || `${p}_add`));
      standard++;
    }
  }
  m.graph.nodes = nodes;
  const used = new Set(nodes.flatMap((n) => n.inputs));
  m.graph.initializers = m.graph.initializers.filter((b) => used.has(decodeTensor(b).name)).concat(added);
  return { bytes: encodeModel(m), residual, standard };
}
