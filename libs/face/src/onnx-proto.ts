/**
 * A minimal, dependency-free reader/writer for the parts of the ONNX protobuf schema that the model
 * rewrites in model-rewrite.ts touch (onnx/onnx.proto: ModelProto, GraphProto, NodeProto, TensorProto,
 * AttributeProto). Every field it does not interpret is kept as raw bytes and written back unchanged,
 * so an untouched model passes through decode -> encode byte for byte (tested on every pinned model).
 */

export interface ProtoField {
  field: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 */
  wire: 0 | 1 | 2 | 5;
  /** bigint for varints, the raw bytes otherwise */
  value: bigint | Buffer;
}

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
    if (shift > 63n) throw new Error('varint too long');
  }
}

/** Appends the protobuf varint encoding of `value` (64-bit two's complement for negatives). */
export function writeVarint(out: number[], value: bigint | number): void {
  let v = BigInt.asUintN(64, BigInt(value));
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
}

/** Splits one message into its fields, in order. */
export function parseFields(buf: Buffer): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let key: bigint;
    [key, pos] = readVarint(buf, pos);
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      let v: bigint;
      [v, pos] = readVarint(buf, pos);
      fields.push({ field, wire, value: v });
      continue;
    }
    let len: number;
    if (wire === 1) len = 8;
    else if (wire === 5) len = 4;
    else if (wire === 2) {
      let l: bigint;
      [l, pos] = readVarint(buf, pos);
      len = Number(l);
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (pos + len > buf.length) throw new Error('truncated field');
    fields.push({ field, wire, value: buf.subarray(pos, pos + len) });
    pos += len;
  }
  return fields;
}

export function encodeFields(fields: readonly ProtoField[]): Buffer {
  const parts: Buffer[] = [];
  for (const { field, wire, value } of fields) {
    const head: number[] = [];
    writeVarint(head, (BigInt(field) << 3n) | BigInt(wire));
    if (typeof value === 'bigint') {
      writeVarint(head, value);
      parts.push(Buffer.from(head));
    } else {
      if (wire === 2) writeVarint(head, value.length);
      parts.push(Buffer.from(head), value);
    }
  }
  return Buffer.concat(parts);
}

const utf8 = (v: bigint | Buffer): string => (typeof v === 'bigint' ? String(v) : v.toString('utf8'));
const bytes = (v: bigint | Buffer): Buffer => (typeof v === 'bigint' ? Buffer.alloc(0) : v);
const bytesField = (field: number, value: Buffer): ProtoField => ({ field, wire: 2, value });
const stringField = (field: number, s: string): ProtoField => bytesField(field, Buffer.from(s, 'utf8'));
const varintField = (field: number, n: number): ProtoField => ({ field, wire: 0, value: BigInt(n) });

/** Reads the varints of a packed (wire 2) or unpacked (wire 0) repeated integer field. */
function varints(f: ProtoField): bigint[] {
  if (typeof f.value === 'bigint') return [f.value];
  const out: bigint[] = [];
  for (let p = 0; p < f.value.length;) {
    const [v, np] = readVarint(f.value, p);
    out.push(v);
    p = np;
  }
  return out;
}

export const ONNX_FLOAT = 1;

export interface OnnxNode {
  inputs: string[];
  outputs: string[];
  name: string;
  opType: string;
  domain: string;
  /** AttributeProto messages, raw */
  attributes: Buffer[];
  /** fields not interpreted (doc_string, ...), raw */
  rest: ProtoField[];
}

export function decodeNode(buf: Buffer): OnnxNode {
  const node: OnnxNode = { inputs: [], outputs: [], name: '', opType: '', domain: '', attributes: [], rest: [] };
  for (const f of parseFields(buf)) {
    if (f.field === 1) node.inputs.push(utf8(f.value));
    else if (f.field === 2) node.outputs.push(utf8(f.value));
    else if (f.field === 3) node.name = utf8(f.value);
    else if (f.field === 4) node.opType = utf8(f.value);
    else if (f.field === 5) node.attributes.push(bytes(f.value));
    else if (f.field === 7) node.domain = utf8(f.value);
    else node.rest.push(f);
  }
  return node;
}

export function encodeNode(node: OnnxNode): Buffer {
  const fields: ProtoField[] = [];
  for (const i of node.inputs) fields.push(stringField(1, i));
  for (const o of node.outputs) fields.push(stringField(2, o));
  if (node.name) fields.push(stringField(3, node.name));
  fields.push(stringField(4, node.opType));
  for (const a of node.attributes) fields.push(bytesField(5, a));
  fields.push(...node.rest);
  if (node.domain) fields.push(stringField(7, node.domain));
  return encodeFields(fields);
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** The values of a FLOAT tensor (raw_data or float_data); undefined for other types. */
  floats?: Float32Array;
}

export function decodeTensor(buf: Buffer): OnnxTensor {
  const t: OnnxTensor = { name: '', dims: [], dataType: 0 };
  let raw: Buffer | undefined;
  const floatData: number[] = [];
  for (const f of parseFields(buf)) {
    if (f.field === 1) t.dims.push(...varints(f).map(Number));
    else if (f.field === 2) t.dataType = Number(f.value);
    else if (f.field === 8) t.name = utf8(f.value);
    else if (f.field === 9) raw = bytes(f.value);
    else if (f.field === 4) {
      const b = bytes(f.value);
      for (let p = 0; p + 4 <= b.length; p += 4) floatData.push(b.readFloatLE(p));
    }
  }
  if (t.dataType === ONNX_FLOAT) {
    t.floats = raw ? new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)) : Float32Array.from(floatData);
  }
  return t;
}

/** A FLOAT initializer with its data as raw_data. */
export function encodeFloatTensor(name: string, dims: readonly number[], data: Float32Array): Buffer {
  const packed: number[] = [];
  for (const d of dims) writeVarint(packed, d);
  const fields: ProtoField[] = [];
  if (dims.length) fields.push(bytesField(1, Buffer.from(packed)));
  fields.push(varintField(2, ONNX_FLOAT), stringField(8, name), bytesField(9, Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
  return encodeFields(fields);
}

export interface OnnxModel {
  /** ModelProto fields in order; the graph (field 7) is re-encoded from `graph` */
  fields: ProtoField[];
  graphIndex: number;
  graph: {
    nodes: OnnxNode[];
    /** TensorProto messages, raw, in order */
    initializers: Buffer[];
    /** other GraphProto fields (name, inputs, outputs, value_info, ...), raw, in order */
    rest: ProtoField[];
  };
}

export function decodeModel(buf: Buffer): OnnxModel {
  const fields = parseFields(buf);
  const graphIndex = fields.findIndex((f) => f.field === 7);
  if (graphIndex < 0) throw new Error('ONNX model has no graph');
  const graph: OnnxModel['graph'] = { nodes: [], initializers: [], rest: [] };
  for (const f of parseFields(bytes(fields[graphIndex].value))) {
    if (f.field === 1) graph.nodes.push(decodeNode(bytes(f.value)));
    else if (f.field === 5) graph.initializers.push(bytes(f.value));
    else graph.rest.push(f);
  }
  return { fields, graphIndex, graph };
}

/** Writes nodes, the graph name, initializers, then the other graph fields (the order exporters use). */
export function encodeModel(model: OnnxModel): Buffer {
  const g = model.graph;
  const gf: ProtoField[] = g.nodes.map((n) => bytesField(1, encodeNode(n)));
  const rest = [...g.rest];
  const nameIdx = rest.findIndex((f) => f.field === 2);
  gf.push(...(nameIdx >= 0 ? rest.splice(0, nameIdx + 1) : []));
  for (const init of g.initializers) gf.push(bytesField(5, init));
  gf.push(...rest);
  return encodeFields(model.fields.map((f, i) => (i === model.graphIndex ? bytesField(7, encodeFields(gf)) : f)));
}
