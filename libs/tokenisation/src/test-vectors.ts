import { createHash } from 'node:crypto';
import { pepperFromKey } from './deployment-key';
import { generateIdentityToken, mintRosterMember, verifyIdentityToken, type RandomSource } from './tokeniser';
import { deriveRosterKeys, identifyInRoster, memberMacKey, memberMask } from './roster';
import { decodeToken, encodeHeader } from './token';
import type { KdfParams } from './kdf';
import { codeForLevel } from './levels';

/**
 * Deterministic inputs for docs/token-test-vectors.json: another implementation that reproduces
 * these token bytes and verify results interoperates with this one. Embeddings are synthetic
 * (seeded Gaussian vectors), not faces.
 */
export function gaussianUnitVector(seed: string, dim = 512): number[] {
  const v: number[] = [];
  let counter = 0;
  while (v.length < dim) {
    const h = createHash('sha256').update(`${seed}/${counter++}`).digest();
    for (let i = 0; i + 8 <= h.length && v.length < dim; i += 8) {
      const u1 = (h.readUInt32BE(i) + 1) / 4294967297;
      const u2 = h.readUInt32BE(i + 4) / 4294967296;
      v.push(Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
  }
  const norm = Math.hypot(...v);
  return v.map((x) => Math.fround(x / norm));
}

/** A probe with cosine ≈ `cos` to `base`. */
export function correlated(base: readonly number[], cos: number, seed: string): number[] {
  const noise = gaussianUnitVector(seed, base.length);
  const dot = noise.reduce((s, x, i) => s + x * base[i], 0);
  const orth = noise.map((x, i) => x - dot * base[i]);
  const on = Math.hypot(...orth);
  const v = base.map((b, i) => cos * b + Math.sqrt(1 - cos * cos) * (orth[i] / on));
  const n = Math.hypot(...v);
  return v.map((x) => Math.fround(x / n));
}

/** Random source that replays fixed bytes in order (salt, token id, key). */
export function fixedRandom(chunks: Uint8Array[]): RandomSource {
  let i = 0;
  return {
    bytes(n: number): Uint8Array {
      const c = chunks[i++];
      if (!c || c.length !== n) throw new Error(`fixed random: chunk ${i - 1} must be ${n} bytes`);
      return c;
    },
  };
}

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const fill = (byte: number, n: number): Buffer => Buffer.alloc(n, byte);

export interface TestVectors {
  description: string;
  kdf: KdfParams;
  pepper: { key_id: string; key: string };
  enrolment: {
    embedding: number[];
    password: string;
    scope: string;
    environment: 'sandbox' | 'production';
    accuracy: number;
    expires_at: number;
    salt: string;
    token_id: string;
    key: string;
  };
  token: string;
  token_sha256: string;
  verify: {
    name: string;
    embedding_seed: string;
    cosine: number | null;
    /** the probe itself, or null when it is the enrolment embedding */
    embedding: number[] | null;
    password: string;
    scope: string;
    key_recovered: boolean;
    score: number | null;
  }[];
}

/**
 * One token and its verification results. Version 1 (docs/token-test-vectors.json): accuracy 4,
 * K = 128. Version 2 (docs/token-test-vectors-v2.json): one per accuracy level, each with its code.
 */
export async function buildTestVectors(version: 1 | 2 = 1, accuracy = 4): Promise<TestVectors> {
  const kdf: KdfParams = { log2N: 14, r: 8, p: 1 };
  const pepperKey = fill(0x42, 32);
  const pepper = pepperFromKey(pepperKey, hex('0102030405060708'));
  const embedding = gaussianUnitVector('facenition test vector enrolment');
  const salt = fill(0x11, 16);
  const tokenId = fill(0x22, 16);
  const key = hex('00112233445566778899aabbccddeeff');
  const enrol = {
    password: 'correct horse battery staple',
    scope: 'bank.example/login',
    environment: 'production' as const,
    accuracy,
    expiresAt: 2_000_000_000,
  };
  // the key has K bits: version 1's 16 bytes, or for a longer version-2 key those bytes repeated with a counter
  const keyBytes = codeForLevel(accuracy).k / 8;
  const k =
    version === 1
      ? key
      : Buffer.concat(Array.from({ length: Math.ceil(keyBytes / 16) }, (_, i) => key.map((b) => b ^ i))).subarray(0, keyBytes);
  const gen = await generateIdentityToken({ embedding, ...enrol }, pepper, fixedRandom([salt, tokenId, k]), { kdf, version });
  const cases: { name: string; seed: string; cos: number | null; password: string; scope: string }[] = [
    { name: 'same embedding, right secrets', seed: '', cos: null, password: enrol.password, scope: enrol.scope },
    { name: 'genuine-like probe (cos 0.7), right secrets', seed: 'probe-a', cos: 0.7, password: enrol.password, scope: enrol.scope },
    { name: 'unrelated probe, right secrets', seed: 'other person', cos: 0, password: enrol.password, scope: enrol.scope },
    { name: 'same embedding, wrong password', seed: '', cos: null, password: 'Correct horse battery staple', scope: enrol.scope },
    { name: 'same embedding, wrong scope', seed: '', cos: null, password: enrol.password, scope: 'bank.example/payments' },
  ];
  const verify: TestVectors['verify'] = [];
  for (const c of cases) {
    const probe = c.cos === null ? embedding : c.cos === 0 ? gaussianUnitVector(c.seed) : correlated(embedding, c.cos, c.seed);
    const v = await verifyIdentityToken({ token: gen.token, embedding: probe, password: c.password, scope: c.scope }, () => pepper, {
      kdf,
    });
    verify.push({
      name: c.name,
      embedding_seed: c.seed,
      cosine: c.cos,
      embedding: c.cos === null ? null : probe,
      password: c.password,
      scope: c.scope,
      key_recovered: v.keyRecovered,
      score: v.score === undefined ? null : Math.round(v.score * 1e6) / 1e6,
    });
  }
  return {
    description:
      (version === 1
        ? 'Facenition identity token v1 test vectors (docs/token-format.md). '
        : `Facenition identity token v2 test vectors (docs/token-format.md), accuracy level ${accuracy}. `) +
      'Embeddings: gaussianUnitVector(seed) = SHA-256 counter-mode Box-Muller, ' +
      'L2-normalised, rounded to float32; enrolment seed "facenition test vector enrolment"; probes: the enrolment embedding (cosine null), ' +
      'correlated(enrolment, cosine, seed), or gaussianUnitVector(seed) (cosine 0). Random bytes are consumed in the order salt, token_id, key.',
    kdf,
    pepper: { key_id: Buffer.from(pepper.keyId).toString('hex'), key: Buffer.from(pepperKey).toString('hex') },
    enrolment: {
      embedding,
      password: enrol.password,
      scope: enrol.scope,
      environment: enrol.environment,
      accuracy: enrol.accuracy,
      expires_at: enrol.expiresAt,
      salt: salt.toString('hex'),
      token_id: tokenId.toString('hex'),
      key: k.toString('hex'),
    },
    token: gen.token,
    token_sha256: createHash('sha256').update(Buffer.from(gen.token, 'base64url')).digest('hex'),
    verify,
  };
}

/** docs/token-test-vectors-v2.json: a version-2 token per accuracy level (each level's code). */
export async function buildTestVectorsV2(): Promise<{ description: string; levels: TestVectors[] }> {
  const levels: TestVectors[] = [];
  for (let level = 1; level <= 8; level++) levels.push(await buildTestVectors(2, level));
  return {
    description:
      'Facenition identity token v2 test vectors: one token per accuracy level 1..8, each with the polar code of its level ' +
      '(docs/token-format.md §5); inputs as in docs/token-test-vectors.json except the level, the version and the key (K bits: ' +
      'the 16 bytes 00112233445566778899aabbccddeeff, then the same bytes XOR 1, XOR 2, …, cut to K/8 bytes).',
    levels,
  };
}

export interface RosterTestVectors {
  description: string;
  kdf: KdfParams;
  pepper: { key_id: string; key: string };
  roster: { id: string; password: string; scope: string; environment: 'sandbox' | 'production' };
  /** intermediate values a reimplementation can check step by step */
  derived: { master: string; rotation_seed: string };
  members: {
    embedding_seed: string;
    accuracy: number;
    expires_at: number;
    token_id: string;
    key: string;
    mac_key: string;
    mask_sha256: string;
    token: string;
  }[];
  identify: {
    name: string;
    probe: string;
    cosine: number | null;
    password: string;
    scope: string;
    /** indices of the members whose keys the probe recovers, with their scores (first pass off and on give the same) */
    matches: { member: number; score: number }[];
  }[];
}

/**
 * docs/token-test-vectors-v3.json: a roster of three version-3 members (levels 4, 4, 6) under one
 * roster id, secret and scope, and the members each probe opens (docs/token-format.md §11).
 */
export async function buildRosterTestVectors(): Promise<RosterTestVectors> {
  const kdf: KdfParams = { log2N: 14, r: 8, p: 1 };
  const pepperKey = fill(0x42, 32);
  const pepper = pepperFromKey(pepperKey, hex('0102030405060708'));
  const rosterId = fill(0x33, 16);
  const r = { password: 'door-7 roster secret, machine generated', scope: 'site:north/door-7', environment: 'production' as const };
  const keys = await deriveRosterKeys(r.password, rosterId, r, kdf, pepper);
  const specs = [
    { seed: 'roster member 0', accuracy: 4, expiresAt: 0, tokenId: fill(0x40, 16) },
    { seed: 'roster member 1', accuracy: 4, expiresAt: 2_000_000_000, tokenId: fill(0x41, 16) },
    { seed: 'roster member 2', accuracy: 6, expiresAt: 0, tokenId: fill(0x42, 16) },
  ];
  const members: RosterTestVectors['members'] = [];
  const tokens = [];
  for (const [i, m] of specs.entries()) {
    const keyBytes = codeForLevel(m.accuracy).k / 8;
    const key = Buffer.concat(
      Array.from({ length: Math.ceil(keyBytes / 16) }, (_, j) => hex('00112233445566778899aabbccddeeff').map((b) => b ^ (j + 16 * i))),
    ).subarray(0, keyBytes);
    const gen = mintRosterMember(
      keys,
      { embedding: gaussianUnitVector(m.seed), environment: r.environment, accuracy: m.accuracy, expiresAt: m.expiresAt },
      pepper.keyId,
      kdf,
      fixedRandom([m.tokenId, key]),
    );
    const t = decodeToken(gen.token);
    tokens.push(t);
    members.push({
      embedding_seed: m.seed,
      accuracy: m.accuracy,
      expires_at: m.expiresAt,
      token_id: m.tokenId.toString('hex'),
      key: key.toString('hex'),
      mac_key: memberMacKey(keys, encodeHeader(t.header)).toString('hex'),
      mask_sha256: createHash('sha256')
        .update(memberMask(keys, t.header.tokenId, t.header.code.n))
        .digest('hex'),
      token: gen.token,
    });
  }
  const cases = [
    { name: 'member 1, genuine-like probe (cos 0.7)', probe: 'probe of member 1', base: 'roster member 1', cos: 0.7, ...r },
    { name: 'member 2 itself', probe: '', base: 'roster member 2', cos: null, ...r },
    { name: 'a stranger', probe: 'a stranger', base: '', cos: 0, ...r },
    {
      name: 'member 0 itself, wrong secret',
      probe: '',
      base: 'roster member 0',
      cos: null,
      ...r,
      password: 'door-7 roster secret, machine generateD',
    },
    { name: 'member 0 itself, wrong scope', probe: '', base: 'roster member 0', cos: null, ...r, scope: 'site:north/door-8' },
  ];
  const identify: RosterTestVectors['identify'] = [];
  for (const c of cases) {
    const embedding =
      c.cos === null
        ? gaussianUnitVector(c.base)
        : c.cos === 0
          ? gaussianUnitVector(c.probe)
          : correlated(gaussianUnitVector(c.base), c.cos, c.probe);
    const k = await deriveRosterKeys(c.password, rosterId, { scope: c.scope, environment: r.environment }, kdf, pepper);
    const found = identifyInRoster(k, tokens, embedding, { firstPass: false });
    identify.push({
      name: c.name,
      probe: c.probe,
      cosine: c.cos,
      password: c.password,
      scope: c.scope,
      matches: found.matches.map((m) => ({ member: m.index, score: Math.round(m.score * 1e6) / 1e6 })),
    });
  }
  return {
    description:
      'Facenition roster member tokens (version 3) test vectors (docs/token-format.md §11): three members of one roster (roster id = ' +
      'salt 33…33) made with mintRosterMember from the roster keys; random bytes consumed per member in the order token_id, key ' +
      '(K bits: the bytes 00112233445566778899aabbccddeeff XOR (16·member + block), cut to K/8 bytes). Embeddings as in ' +
      'docs/token-test-vectors.json: gaussianUnitVector(seed); probes: a member embedding (cosine null), correlated(member, cosine, ' +
      'probe seed), or gaussianUnitVector(probe seed) (cosine 0). derived.master is HMAC-SHA256(pepper, scrypt(...)), given for ' +
      'checking only: it is never stored.',
    kdf,
    pepper: { key_id: Buffer.from(pepper.keyId).toString('hex'), key: Buffer.from(pepperKey).toString('hex') },
    roster: { id: rosterId.toString('hex'), ...r },
    derived: { master: keys.master.toString('hex'), rotation_seed: keys.rotationSeed.toString('hex') },
    members,
    identify,
  };
}
