import { randomBytes } from 'node:crypto';
import type { KdfParams } from './kdf';
import { pepperFromKey } from './deployment-key';
import { correlated, gaussianUnitVector } from './test-vectors';
import { decodeToken } from './token';
import { generateIdentityToken, verifyIdentityToken } from './tokeniser';
import { deriveRosterKeys, identifyInRoster, memberMask, ROSTER_TOKEN_VERSION, wipeRosterKeys } from './roster';
import { PolarCode } from './polar';
import { codeForLevel } from './levels';

const FAST_KDF: KdfParams = { log2N: 10, r: 8, p: 1 };
const pepper = pepperFromKey(Buffer.alloc(32, 7), Buffer.from('a1a2a3a4a5a6a7a8', 'hex'));
const random = { bytes: (n: number) => randomBytes(n) };
const rosterId = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const secret = 'door-7 roster secret, 32 random chars';
const scope = 'site:north/door-7';
const base = { password: secret, scope, environment: 'production' as const, accuracy: 4, expiresAt: 0 };

async function roster(n: number, accuracy = 4) {
  const faces = Array.from({ length: n }, (_, i) => gaussianUnitVector(`member-${i}`));
  const tokens = [];
  for (const f of faces) {
    const g = await generateIdentityToken({ ...base, accuracy, embedding: f }, pepper, random, { kdf: FAST_KDF, rosterId });
    tokens.push(decodeToken(g.token));
  }
  return { faces, tokens };
}

describe('roster member tokens (version 3)', () => {
  it('share the roster id as their salt and keep the 600-byte layout', async () => {
    const { tokens } = await roster(2);
    for (const t of tokens) {
      expect(t.header.version).toBe(ROSTER_TOKEN_VERSION);
      expect(Buffer.from(t.header.salt).equals(rosterId)).toBe(true);
      expect(t.header.code).toEqual(codeForLevel(4));
    }
    expect(Buffer.from(tokens[0].header.tokenId).equals(Buffer.from(tokens[1].header.tokenId))).toBe(false);
  });

  it('verify 1:1 like any token: the member face and the roster secret open it, another face or secret does not', async () => {
    const { faces, tokens } = await roster(2);
    const ok = await verifyIdentityToken(
      { token: tokens[0], embedding: correlated(faces[0], 0.7, 'p'), password: secret, scope },
      () => pepper,
    );
    expect(ok.keyRecovered).toBe(true);
    expect(ok.score).toBeGreaterThan(0.55);
    const other = await verifyIdentityToken({ token: tokens[0], embedding: faces[1], password: secret, scope }, () => pepper);
    expect(other.keyRecovered).toBe(false);
    const wrong = await verifyIdentityToken({ token: tokens[0], embedding: faces[0], password: secret + 'x', scope }, () => pepper);
    expect(wrong.keyRecovered).toBe(false);
    const wrongScope = await verifyIdentityToken({ token: tokens[0], embedding: faces[0], password: secret, scope: 'x' }, () => pepper);
    expect(wrongScope.keyRecovered).toBe(false);
  });

  it('identifies the member a probe belongs to with one KDF, and nobody for a stranger', async () => {
    const { faces, tokens } = await roster(40);
    const keys = await deriveRosterKeys(secret, rosterId, { scope, environment: 'production' }, FAST_KDF, pepper);
    try {
      const hit = identifyInRoster(keys, tokens, correlated(faces[17], 0.7, 'probe'));
      expect(hit.matches.map((m) => m.index)).toEqual([17]);
      expect(hit.matches[0].score).toBeGreaterThan(0.55);
      // 40 members: the first pass sets most aside without list decoding (robust z of their SC metric above the cut)
      expect(hit.stats.members).toBe(40);
      expect(hit.stats.firstPassRejected).toBeGreaterThan(30);
      expect(hit.stats.decoded).toBe(40 - hit.stats.firstPassRejected);
      const none = identifyInRoster(keys, tokens, gaussianUnitVector('stranger'));
      expect(none.matches).toEqual([]);
      // the first pass off: the same answers, every member list-decoded
      const full = identifyInRoster(keys, tokens, correlated(faces[17], 0.7, 'probe'), { firstPass: false });
      expect(full.matches.map((m) => m.index)).toEqual([17]);
      expect(full.stats).toEqual({ members: 40, firstPassRejected: 0, decoded: 40 });
    } finally {
      wipeRosterKeys(keys);
    }
    const wrong = await deriveRosterKeys(secret + '!', rosterId, { scope, environment: 'production' }, FAST_KDF, pepper);
    expect(identifyInRoster(wrong, tokens, faces[3]).matches).toEqual([]);
  });

  it('an edited header (expiry, level) breaks the member tag', async () => {
    const { faces, tokens } = await roster(1);
    const keys = await deriveRosterKeys(secret, rosterId, { scope, environment: 'production' }, FAST_KDF, pepper);
    const edited = { ...tokens[0], header: { ...tokens[0].header, expiresAt: 4_000_000_000 } };
    expect(identifyInRoster(keys, [edited], faces[0], { firstPass: false }).matches).toEqual([]);
    expect(identifyInRoster(keys, tokens, faces[0]).matches).toHaveLength(1);
  });

  it('masks make the helpers of one face enrolled twice look unrelated without the secret', async () => {
    const face = gaussianUnitVector('twice');
    const [a, b] = await Promise.all(
      [0, 1].map(async () =>
        decodeToken((await generateIdentityToken({ ...base, embedding: face }, pepper, random, { kdf: FAST_KDF, rosterId })).token),
      ),
    );
    // helper_a ⊕ helper_b = (codeword ⊕ codeword) ⊕ (sign bits ⊕ the same sign bits) ⊕ mask_a ⊕ mask_b. With the
    // roster's secret the masks come off and a codeword is left; without it the word is as far from the
    // code as a random word (what the decoder's nearest codeword shows).
    const n = 4096;
    const code = new PolarCode({ n, k: codeForLevel(4).k });
    const k = await deriveRosterKeys(secret, rosterId, { scope, environment: 'production' }, FAST_KDF, pepper);
    const ma = memberMask(k, a.header.tokenId, n);
    const mb = memberMask(k, b.header.tokenId, n);
    const distanceToCode = (unmask: boolean): number => {
      const word = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const byte = a.helper[i >> 3] ^ b.helper[i >> 3] ^ (unmask ? ma[i >> 3] ^ mb[i >> 3] : 0);
        word[i] = (byte >> (7 - (i & 7))) & 1;
      }
      const nearest = code.encode(
        code.decodeList(
          Float64Array.from(word, (bit) => (bit ? -1 : 1)),
          8,
        )[0],
      );
      return nearest.reduce((d, bit, i) => d + (bit ^ word[i]), 0) / n;
    };
    expect(distanceToCode(true)).toBe(0);
    expect(distanceToCode(false)).toBeGreaterThan(0.3);
  });
});
