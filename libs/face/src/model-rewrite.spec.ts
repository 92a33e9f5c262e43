import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeImage } from './analyze';
import { DEFAULT_DECODE_LIMITS } from './decode';
import { FaceEngine } from './engine';
import { ModelIntegrityError } from './errors';
import { MODEL_NAMES, sessionModelBytes } from './models';
import { rewritePRelu } from './model-rewrite';
import { decodeModel, decodeTensor, encodeModel } from './onnx-proto';
import { OrtBackend } from './ort-backend';

const modelsDir = join(__dirname, '../../../models');
const model = (n: string): Buffer => readFileSync(join(modelsDir, `${n}.onnx`));
const fixture = (n: string): Buffer => readFileSync(join(__dirname, '../../../test/fixtures', `${n}.jpg`));
const opCount = (bytes: Uint8Array, op: string): number =>
  decodeModel(Buffer.from(bytes)).graph.nodes.filter((n) => n.opType === op).length;

describe('ONNX reader/writer', () => {
  it.each(MODEL_NAMES)('%s decodes and re-encodes byte for byte', (name) => {
    const bytes = model(name);
    expect(Buffer.compare(encodeModel(decodeModel(bytes)), bytes)).toBe(0);
  });
});

describe('PRelu rewrite', () => {
  it('replaces every PRelu of fr_feature and fr_liveness, drops their slopes, and matches the pinned hash', () => {
    for (const name of ['fr_feature', 'fr_liveness'] as const) {
      const original = model(name);
      expect(opCount(original, 'PRelu')).toBe(33);
      const { bytes, rewritten } = rewritePRelu(original);
      expect(rewritten).toBe(33);
      expect(opCount(bytes, 'PRelu')).toBe(0);
      expect(opCount(bytes, 'Relu')).toBe(opCount(original, 'Relu') + 33);
      // every initializer is used by some node (the slopes went with their PRelu)
      const m = decodeModel(bytes);
      const inputs = new Set(m.graph.nodes.flatMap((n) => n.inputs));
      for (const init of m.graph.initializers) expect(inputs.has(decodeTensor(init).name)).toBe(true);
      expect(Buffer.compare(Buffer.from(sessionModelBytes(name, original)), bytes)).toBe(0);
      expect(sessionModelBytes(name, original, false)).toBe(original);
    }
    // models without PRelu are run as they are
    const detect = model('fr_detect');
    expect(sessionModelBytes('fr_detect', detect)).toBe(detect);
  });

  it('refuses a rewrite whose result does not match the pin', () => {
    const bytes = Buffer.from(model('fr_feature'));
    // flip one byte inside the last PRelu slope's data (the input was verified, so this models a changed rewrite)
    const m = decodeModel(bytes);
    const slopeName = m.graph.nodes.filter((n) => n.opType === 'PRelu').at(-1)!.inputs[1];
    const slope = m.graph.initializers.find((b) => decodeTensor(b).name === slopeName)!;
    slope[slope.length - 1] ^= 0x01;
    expect(() => sessionModelBytes('fr_feature', encodeModel(m))).toThrow(ModelIntegrityError);
    expect(() => sessionModelBytes('fr_feature', encodeModel(m))).toThrow(
      /PRelu rewrite of fr_feature\.onnx has SHA-256 [0-9a-f]{64}, expected 1ce2e2fd/,
    );
  });

  it('gives the original models outputs to float rounding on real faces (embedding and liveness)', async () => {
    const [orig, fast] = await Promise.all([
      OrtBackend.create(modelsDir, { rewrite: false }),
      OrtBackend.create(modelsDir, { rewrite: true }),
    ]);
    let maxEmb = 0;
    let maxLive = 0;
    for (const n of ['George_W_Bush_0001', 'Colin_Powell_0004', 'Serena_Williams_0001', 'Hugo_Chavez_0003']) {
      const req = { embed: true, liveness: true };
      const a = await analyzeImage(new FaceEngine(orig), fixture(n), req, DEFAULT_DECODE_LIMITS);
      const b = await analyzeImage(new FaceEngine(fast), fixture(n), req, DEFAULT_DECODE_LIMITS);
      const ea = a.embedding!;
      const eb = b.embedding!;
      for (let i = 0; i < ea.length; i++) maxEmb = Math.max(maxEmb, Math.abs(ea[i] - eb[i]));
      maxLive = Math.max(maxLive, Math.abs(a.liveness!.score - b.liveness!.score));
    }
    // same detector and landmarks on both sides, so this is the embedder's and the liveness model's own
    // difference; measured 1.2e-7 on the unit-norm embedding and 1e-8 on the liveness score
    expect(maxEmb).toBeLessThan(1e-5);
    expect(maxLive).toBeLessThan(1e-5);
  });
});
