/**
 * Encoders for the ONNX protobuf messages the QDQ quantiser (quantise.ts) adds to a model, on top of
 * the reader/writer in libs/face/src/onnx-proto.ts (which is used as it is, not modified): typed
 * initializers (INT8, UINT8, INT32, INT64, FLOAT), node attributes, graph outputs (ValueInfoProto) and
 * the default-domain opset import. Field numbers are those of onnx/onnx.proto.
 */
import {
  decodeTensor,
  encodeFields,
  parseFields,
  type OnnxModel,
  type OnnxNode,
  type ProtoField,
  writeVarint,
} from '@facenition/face/onnx-proto';

export const DT = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
export type DataType = (typeof DT)[keyof typeof DT];

const bytesField = (field: number, value: Buffer): ProtoField => ({ field, wire: 2, value });
const stringField = (field: number, s: string): ProtoField => bytesField(field, Buffer.from(s, 'utf8'));
const varintField = (field: number, n: number | bigint): ProtoField => ({ field, wire: 0, value: BigInt.asUintN(64, BigInt(n)) });

function packedVarints(values: readonly (number | bigint)[]): Buffer {
  const out: number[] = [];
  for (const v of values) writeVarint(out, v);
  return Buffer.from(out);
}

/** TensorProto { dims, data_type, name, raw_data } (raw_data little-endian, as every ONNX reader expects). */
export function encodeTensor(name: string, dims: readonly number[], dataType: DataType, values: ArrayLike<number>): Buffer {
  const n = values.length;
  let raw: Buffer;
  switch (dataType) {
    case DT.FLOAT:
      raw = Buffer.alloc(4 * n);
      for (let i = 0; i < n; i++) raw.writeFloatLE(values[i], 4 * i);
      break;
    case DT.UINT8:
      raw = Buffer.alloc(n);
      for (let i = 0; i < n; i++) raw.writeUInt8(values[i], i);
      break;
    case DT.INT8:
      raw = Buffer.alloc(n);
      for (let i = 0; i < n; i++) raw.writeInt8(values[i], i);
      break;
    case DT.INT32:
      raw = Buffer.alloc(4 * n);
      for (let i = 0; i < n; i++) raw.writeInt32LE(values[i], 4 * i);
      break;
    case DT.INT64:
      raw = Buffer.alloc(8 * n);
      // numbers beyond 2^53 arrive rounded (e.g. Slice's INT64_MAX "to the end"): clamp into int64
      for (let i = 0; i < n; i++) {
        const v = BigInt(values[i]);
        raw.writeBigInt64LE(v > 2n ** 63n - 1n ? 2n ** 63n - 1n : v < -(2n ** 63n) ? -(2n ** 63n) : v, 8 * i);
      }
      break;
  }
  const fields: ProtoField[] = [];
  if (dims.length) fields.push(bytesField(1, packedVarints(dims)));
  fields.push(varintField(2, dataType), stringField(8, name), bytesField(9, raw));
  return encodeFields(fields);
}

/** AttributeProto of type INT (2). */
export function intAttribute(name: string, value: number): Buffer {
  return encodeFields([stringField(1, name), varintField(3, value), varintField(20, 2)]);
}

/** AttributeProto of type INTS (7). */
export function intsAttribute(name: string, values: readonly number[]): Buffer {
  return encodeFields([stringField(1, name), ...values.map((v) => varintField(8, v)), varintField(20, 7)]);
}

/** Reads an INT or INTS attribute of a node (undefined when absent). */
export function readIntsAttribute(node: OnnxNode, name: string): number[] | undefined {
  for (const a of node.attributes) {
    const f = parseFields(a);
    const n = f.find((x) => x.field === 1);
    if (!n || typeof n.value === 'bigint' || n.value.toString('utf8') !== name) continue;
    const out: number[] = [];
    for (const x of f) {
      if (x.field === 3 && typeof x.value === 'bigint') out.push(Number(BigInt.asIntN(64, x.value)));
      if (x.field === 8) {
        if (typeof x.value === 'bigint') out.push(Number(BigInt.asIntN(64, x.value)));
        else {
          // packed
          let p = 0;
          const b = x.value;
          while (p < b.length) {
            let v = 0n;
            let s = 0n;
            for (;;) {
              const c = b[p++];
              v |= BigInt(c & 0x7f) << s;
              if ((c & 0x80) === 0) break;
              s += 7n;
            }
            out.push(Number(BigInt.asIntN(64, v)));
          }
        }
      }
    }
    return out;
  }
  return undefined;
}

/** ValueInfoProto { name, type: TypeProto { tensor_type { elem_type } } } (shape left unknown). */
export function valueInfo(name: string, elemType: DataType = DT.FLOAT): Buffer {
  const tensorType = encodeFields([varintField(1, elemType)]);
  const typeProto = encodeFields([bytesField(1, tensorType)]);
  return encodeFields([stringField(1, name), bytesField(2, typeProto)]);
}

export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  name: string,
  attributes: Buffer[] = [],
  domain = '',
): OnnxNode {
  return { inputs, outputs, name, opType, domain, attributes, rest: [] };
}

/** The default-domain ("" or "ai.onnx") opset version of a model. */
export function defaultOpset(model: OnnxModel): number {
  for (const f of model.fields) {
    if (f.field !== 8 || typeof f.value === 'bigint') continue;
    const sub = parseFields(f.value);
    const domain = sub.find((x) => x.field === 1);
    const d = domain && typeof domain.value !== 'bigint' ? domain.value.toString('utf8') : '';
    if (d === '' || d === 'ai.onnx') {
      const v = sub.find((x) => x.field === 2);
      return v && typeof v.value === 'bigint' ? Number(v.value) : 1;
    }
  }
  throw new Error('model has no default-domain opset import');
}

/** Sets the default-domain opset import to `version` (in place). */
export function setDefaultOpset(model: OnnxModel, version: number): void {
  model.fields = model.fields.map((f) => {
    if (f.field !== 8 || typeof f.value === 'bigint') return f;
    const sub = parseFields(f.value);
    const domain = sub.find((x) => x.field === 1);
    const d = domain && typeof domain.value !== 'bigint' ? domain.value.toString('utf8') : '';
    if (d !== '' && d !== 'ai.onnx') return f;
    return bytesField(8, encodeFields([...sub.filter((x) => x.field !== 2), varintField(2, version)]));
  });
}

/** Graph inputs / outputs (ValueInfoProto names) of a decoded model. */
export function graphIO(model: OnnxModel): { inputs: string[]; outputs: string[] } {
  const name = (f: ProtoField): string => {
    if (typeof f.value === 'bigint') return '';
    const n = parseFields(f.value).find((x) => x.field === 1);
    return n && typeof n.value !== 'bigint' ? n.value.toString('utf8') : '';
  };
  return {
    inputs: model.graph.rest.filter((f) => f.field === 11).map(name),
    outputs: model.graph.rest.filter((f) => f.field === 12).map(name),
  };
}

/** Appends graph outputs (field 12) after the existing ones. */
export function addGraphOutputs(model: OnnxModel, names: readonly string[]): void {
  const rest = model.graph.rest;
  let last = -1;
  rest.forEach((f, i) => {
    if (f.field === 12) last = i;
  });
  rest.splice(last + 1, 0, ...names.map((n) => bytesField(12, valueInfo(n))));
}

/** Float initializers of a decoded model, by name. */
export function floatInitializers(model: OnnxModel): Map<string, { dims: number[]; data: Float32Array }> {
  const out = new Map<string, { dims: number[]; data: Float32Array }>();
  for (const b of model.graph.initializers) {
    const t = decodeTensor(b);
    if (t.floats) out.set(t.name, { dims: t.dims, data: t.floats });
  }
  return out;
}

/** Names of every initializer (any type). */
export function initializerNames(model: OnnxModel): Set<string> {
  return new Set(model.graph.initializers.map((b) => decodeTensor(b).name));
}

const attributeName = (a: Buffer): string => {
  const n = parseFields(a).find((x) => x.field === 1);
  return n && typeof n.value !== 'bigint' ? n.value.toString('utf8') : '';
};

/**
 * Rewrites the ops whose signature changed between opset 9 and 13 so a model can be imported at
 * opset 13 (needed for per-axis DequantizeLinear): Unsqueeze / Squeeze `axes` and Slice
 * `starts` / `ends` / `axes` attributes become INT64 initializer inputs. Softmax changed meaning
 * (13: one axis; before: flattened to 2-D at `axis`), identical only when `axis` is the last
 * dimension: `softmaxLastAxis` must confirm that for every Softmax (the caller knows the shapes).
 * Conv, Relu, Add, Mul, Sub, Div, Exp, Concat, Transpose, Shape, Gather and Reshape (shape input
 * since opset 5) have the same semantics at 9 and 13 (13 adds bfloat16 and negative axes).
 */
export function upgradeOpset9To13(model: OnnxModel, softmaxLastAxis: (node: OnnxNode) => boolean): void {
  const known = new Set([
    'Conv',
    'Relu',
    'PRelu',
    'Add',
    'Mul',
    'Sub',
    'Div',
    'Exp',
    'Concat',
    'Transpose',
    'Shape',
    'Gather',
    'Reshape',
    'Unsqueeze',
    'Squeeze',
    'Slice',
    'Softmax',
    'Constant',
  ]);
  const added: Buffer[] = [];
  model.graph.nodes = model.graph.nodes.map((n) => {
    if (n.domain !== '' || !known.has(n.opType)) throw new Error(`upgradeOpset9To13: ${n.opType} not handled`);
    if (n.opType === 'Softmax' && !softmaxLastAxis(n)) throw new Error(`${n.name}: Softmax not over the last axis`);
    const toInput = (attr: string, suffix: string): string | undefined => {
      const v = readIntsAttribute(n, attr);
      if (!v) return undefined;
      const name = `${n.name || n.outputs[0]}_${suffix}`;
      added.push(encodeTensor(name, [v.length], DT.INT64, v));
      return name;
    };
    if (n.opType === 'Unsqueeze' || n.opType === 'Squeeze') {
      const axes = toInput('axes', 'axes');
      if (!axes) return n;
      return { ...n, inputs: [n.inputs[0], axes], attributes: n.attributes.filter((a) => attributeName(a) !== 'axes') };
    }
    if (n.opType === 'Slice' && n.inputs.length === 1) {
      const starts = toInput('starts', 'starts')!;
      const ends = toInput('ends', 'ends')!;
      const axes = toInput('axes', 'axes');
      const attrs = new Set(['starts', 'ends', 'axes']);
      return {
        ...n,
        inputs: [n.inputs[0], starts, ends, ...(axes ? [axes] : [])],
        attributes: n.attributes.filter((a) => !attrs.has(attributeName(a))),
      };
    }
    return n;
  });
  model.graph.initializers.push(...added);
  setDefaultOpset(model, 13);
}
