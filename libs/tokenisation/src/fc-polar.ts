import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DerivedKeys } from './kdf';
import { PolarCode } from './polar';
import { drawRotation, project, SeededStream, type Rotation } from './rotation';
import { signLlr } from './soft';
import type { CodeParams } from './token';

/**
 * FC-Polar: fuzzy commitment of a random key to the sign bits of an over-complete seeded
 * projection of the embedding, bound with a polar code and decoded with soft decisions.
 * Nothing stored reveals the embedding without the secrets; see docs/token-format.md and
 * docs/security.md for the construction and its measured properties.
 */
/** The code of version-1 tokens (K = 128 at every level); version 2 takes K from the level (codeForLevel). */
export const DEFAULT_CODE: CodeParams = { n: 4096, k: 128, rotations: 8, dim: 512 };

export interface DecoderSettings {
  /** assumed correlation of genuine probes, sets the LLR slope */
  rho: number;
  listSize: number;
}

export const DEFAULT_DECODER: DecoderSettings = { rho: 0.35, listSize: 8 };

const codes = new Map<string, PolarCode>();
export function polarFor(p: CodeParams): PolarCode {
  const id = `${p.n}/${p.k}`;
  let code = codes.get(id);
  if (!code) {
    code = new PolarCode({ n: p.n, k: p.k });
    codes.set(id, code);
  }
  return code;
}

export function rotationsFor(seed: Uint8Array, p: CodeParams): Rotation[] {
  const stream = new SeededStream(seed);
  return Array.from({ length: p.rotations }, () => drawRotation(stream, p.dim));
}

function signBits(z: Float64Array): Uint8Array {
  const b = new Uint8Array(z.length);
  for (let i = 0; i < z.length; i++) b[i] = z[i] < 0 ? 1 : 0;
  return b;
}

export function pack(bits: Uint8Array): Uint8Array {
  const out = new Uint8Array(bits.length / 8);
  for (let i = 0; i < bits.length; i++) if (bits[i]) out[i >> 3] |= 1 << (7 - (i & 7));
  return out;
}

export function unpack(bytes: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
  return out;
}

export function computeTag(macKey: Uint8Array, headerAndHelper: Uint8Array, key: Uint8Array): Buffer {
  return createHmac('sha256', macKey).update('facenition tag').update(headerAndHelper).update(key).digest();
}

export interface Commitment {
  helper: Uint8Array;
  /** the random key (packed bits); callers keep it only long enough to compute the tag */
  key: Uint8Array;
}

/** Enrolment: commits a fresh random key to the embedding's projected sign bits. */
export function commit(embedding: ArrayLike<number>, keys: DerivedKeys, p: CodeParams, randomKey: Uint8Array): Commitment {
  if (embedding.length !== p.dim) throw new Error(`embedding must have ${p.dim} values`);
  if (randomKey.length !== p.k / 8) throw new Error(`key must be ${p.k / 8} bytes`);
  const code = polarFor(p);
  const b = signBits(project(rotationsFor(keys.rotationSeed, p), embedding));
  const c = code.encode(unpack(randomKey, p.k));
  for (let i = 0; i < p.n; i++) c[i] ^= b[i];
  return { helper: applyMask(pack(c), keys.mask), key: randomKey };
}

export interface Opening {
  /** the recovered key (packed), or undefined if no candidate matched the tag */
  key?: Uint8Array;
  /** ≈ cosine(enrolled, probe); only computed when the key was recovered */
  score?: number;
}

/** helper ⊕ mask (a copy); the helper itself when there is no mask (versions 1 and 2). */
export function applyMask(helper: Uint8Array, mask: Uint8Array | undefined): Uint8Array {
  if (!mask) return helper;
  if (mask.length !== helper.length) throw new Error('mask and helper lengths differ');
  const out = new Uint8Array(helper.length);
  for (let i = 0; i < helper.length; i++) out[i] = helper[i] ^ mask[i];
  return out;
}

/** The probe's projection z and, per bit, the reliability |LLR| of its sign (independent of the helper). */
export function probeSoft(probe: ArrayLike<number>, p: CodeParams, d: DecoderSettings, rotations: readonly Rotation[]) {
  if (probe.length !== p.dim) throw new Error(`embedding must have ${p.dim} values`);
  const z = project(rotations, probe);
  const a = d.rho / Math.sqrt(1 - d.rho * d.rho);
  const scale = Math.sqrt(p.dim);
  const mag = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) mag[i] = signLlr(Math.abs(z[i]) * scale, a);
  return { z, mag };
}

/** The decoder's input for one helper: the soft values of (probe sign ⊕ helper). */
export function llrFor(z: Float64Array, mag: Float64Array, h: Uint8Array): Float64Array {
  const llr = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) llr[i] = ((z[i] < 0 ? 1 : 0) ^ h[i]) === 1 ? -mag[i] : mag[i];
  return llr;
}

/** ≈ cos(enrolled, probe) from the enrolled sign bits s = h ⊕ Encode(key) and the probe's projection. */
export function scoreOf(code: PolarCode, info: Uint8Array, h: Uint8Array, z: Float64Array, p: CodeParams): number {
  const c = code.encode(info);
  let dot = 0;
  for (let i = 0; i < p.n; i++) dot += (1 - 2 * (c[i] ^ h[i])) * z[i];
  return (dot * Math.sqrt(p.dim)) / (p.n * Math.sqrt(2 / Math.PI));
}

/**
 * Verification: soft-decision list decoding of (probe sign bits XOR helper); every candidate is
 * checked against the tag; on success the enrolled sign bits are known and the score is computed.
 */
export function open(
  probe: ArrayLike<number>,
  keys: DerivedKeys,
  p: CodeParams,
  helper: Uint8Array,
  tag: Uint8Array,
  headerAndHelper: Uint8Array,
  d: DecoderSettings = DEFAULT_DECODER,
): Opening {
  const code = polarFor(p);
  const { z, mag } = probeSoft(probe, p, d, rotationsFor(keys.rotationSeed, p));
  const h = unpack(applyMask(helper, keys.mask), p.n);
  const macKey = keys.macKey;
  for (const cand of code.decodeList(llrFor(z, mag, h), d.listSize)) {
    const key = pack(cand);
    const expected = computeTag(macKey, headerAndHelper, key);
    if (expected.length === tag.length && timingSafeEqual(expected, tag)) return { key, score: scoreOf(code, cand, h, z, p) };
  }
  return {};
}

/** A token under evaluation whose committed key is known: its code, helper and key. */
export interface KnownKeyToken {
  code: CodeParams;
  helper: Uint8Array;
  key: Uint8Array;
}

/**
 * What `open` would answer, for an evaluation that knows the committed keys (bench:tokens, never the
 * server): the same soft input and decoder, but the decoder stops as soon as the key's path is
 * pruned (PolarCode.listContains). Equal to `open` for every probe (tested), and much faster for
 * impostors. Several tokens made with the same derived keys (one enrolment under several codes of
 * the same length and projection) share the probe's projection and soft values. `rotations` may be
 * passed when one enrolment is tried with many probes (rotationsFor(keys.rotationSeed, code), drawn
 * once). The score is undefined when the key would not be recovered.
 */
export function openWithKnownKeys(
  probe: ArrayLike<number>,
  keys: DerivedKeys,
  tokens: readonly KnownKeyToken[],
  d: DecoderSettings = DEFAULT_DECODER,
  rotations?: readonly Rotation[],
): Opening[] {
  if (tokens.length === 0) return [];
  const p0 = tokens[0].code;
  if (tokens.some((t) => t.code.n !== p0.n || t.code.dim !== p0.dim || t.code.rotations !== p0.rotations))
    throw new Error('tokens opened together must share the code length and the projection');
  const { z, mag } = probeSoft(probe, p0, d, rotations ?? rotationsFor(keys.rotationSeed, p0));
  return tokens.map((t) => {
    const code = polarFor(t.code);
    const h = unpack(applyMask(t.helper, keys.mask), t.code.n);
    const info = unpack(t.key, t.code.k);
    return code.listContains(llrFor(z, mag, h), d.listSize, info) ? { key: t.key, score: scoreOf(code, info, h, z, t.code) } : {};
  });
}

/** openWithKnownKeys for a single token. */
export function openWithKnownKey(
  probe: ArrayLike<number>,
  keys: DerivedKeys,
  p: CodeParams,
  helper: Uint8Array,
  key: Uint8Array,
  d: DecoderSettings = DEFAULT_DECODER,
  rotations?: readonly Rotation[],
): Opening {
  return openWithKnownKeys(probe, keys, [{ code: p, helper, key }], d, rotations)[0];
}
