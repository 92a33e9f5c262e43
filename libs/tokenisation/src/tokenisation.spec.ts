import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_KDF, type KdfParams } from './kdf';
import { drawRotation, project, SeededStream } from './rotation';
import { logPhiNeg } from './soft';
import { codeForLevel } from './levels';
import { buildRosterTestVectors, buildTestVectors, buildTestVectorsV2, correlated, gaussianUnitVector } from './test-vectors';
import { decodeToken, TokenFormatError } from './token';
import { pepperFromKey } from './deployment-key';
import { generateIdentityToken, releaseKey, UnknownPepperError, verifyIdentityToken } from './tokeniser';

const FAST_KDF: KdfParams = { log2N: 10, r: 8, p: 1 };
const pepper = pepperFromKey(Buffer.alloc(32, 7), Buffer.from('a1a2a3a4a5a6a7a8', 'hex'));
const random = { bytes: (n: number) => randomBytes(n) };
const base = {
  password: 'hunter2-but-longer',
  scope: 'hospital.example/ehr',
  environment: 'production' as const,
  accuracy: 4,
  expiresAt: 0,
};

describe('rotation', () => {
  it('is orthonormal (norms and inner products preserved) and determined by the seed', () => {
    const x = gaussianUnitVector('x');
    const y = gaussianUnitVector('y');
    const seed = Buffer.alloc(32, 3);
    const rs = [0, 1].map(() => drawRotation(new SeededStream(seed), 512));
    const zx = project([rs[0]], x);
    const zy = project([rs[0]], y);
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
    expect(dot(zx, zx)).toBeCloseTo(1, 5);
    expect(dot(zx, zy)).toBeCloseTo(dot(x, y), 5);
    expect(Array.from(project([rs[1]], x))).toEqual(Array.from(zx));
    const other = drawRotation(new SeededStream(Buffer.alloc(32, 4)), 512);
    expect(Math.abs(dot(project([other], x), zx))).toBeLessThan(0.3);
  });
});

describe('soft decisions', () => {
  it('ln Φ(−t) matches reference values and does not underflow', () => {
    expect(Math.exp(logPhiNeg(0))).toBeCloseTo(0.5, 6);
    expect(Math.exp(logPhiNeg(1))).toBeCloseTo(0.158655, 5);
    expect(Math.exp(logPhiNeg(3)) / 0.0013498980316).toBeCloseTo(1, 5);
    expect(logPhiNeg(40)).toBeCloseTo(-804.6084, 2); // Φ(−40) ≈ 3.6e-350 underflows as a double
  });
});

describe('identity tokens (FC-Polar, N=4096, K by accuracy level)', () => {
  it('fits in 800 base64url characters and carries its header', async () => {
    const g = await generateIdentityToken({ embedding: gaussianUnitVector('a'), ...base, expiresAt: 1_900_000_000 }, pepper, random, {
      kdf: FAST_KDF,
    });
    expect(g.token.length).toBeLessThanOrEqual(800);
    const t = decodeToken(g.token);
    expect(t.header).toMatchObject({
      version: 2,
      scheme: 1,
      environment: 'production',
      accuracy: 4,
      expiresAt: 1_900_000_000,
      code: codeForLevel(4),
    });
    expect(Buffer.from(t.header.keyId).toString('hex')).toBe('a1a2a3a4a5a6a7a8');
  });

  it('opens for a genuine probe with ≈ its cosine as score, and not for an impostor or a wrong secret', async () => {
    const enrolled = gaussianUnitVector('person');
    const g = await generateIdentityToken({ embedding: enrolled, ...base }, pepper, random, { kdf: FAST_KDF });
    const verify = (embedding: number[], password = base.password, scope = base.scope) =>
      verifyIdentityToken({ token: g.token, embedding, password, scope }, () => pepper, { kdf: FAST_KDF });
    for (const cos of [0.9, 0.7, 0.55]) {
      const v = await verify(correlated(enrolled, cos, `probe ${cos}`));
      expect(v.keyRecovered).toBe(true);
      expect(Math.abs(v.score! - cos)).toBeLessThan(0.06);
    }
    expect((await verify(gaussianUnitVector('someone else'))).keyRecovered).toBe(false);
    expect((await verify(enrolled, 'hunter2-but-longeR')).keyRecovered).toBe(false);
    expect((await verify(enrolled, base.password, 'hospital.example/pharmacy')).keyRecovered).toBe(false);
    const imp = await verify(gaussianUnitVector('someone else'));
    expect(imp.score).toBeUndefined();
    expect(imp.key).toBeUndefined();
  });

  it('binds the header: a token whose expiry or environment was edited no longer opens', async () => {
    const enrolled = gaussianUnitVector('bound');
    const g = await generateIdentityToken({ embedding: enrolled, ...base, expiresAt: 1_800_000_000 }, pepper, random, { kdf: FAST_KDF });
    const raw = Buffer.from(g.token, 'base64url');
    for (const [offset, value] of [
      [18, raw[18] ^ 0xff], // expiry
      [13, 0], // environment production -> sandbox
      [14, 8], // default accuracy (refused by the decoder where level 8's code differs from level 4's)
    ]) {
      const edited = Buffer.from(raw);
      edited[offset] = value;
      if (offset === 14 && codeForLevel(8).k !== codeForLevel(4).k) {
        expect(() => decodeToken(edited.toString('base64url'))).toThrow('a version-2 token of accuracy 8 must use the code');
        continue;
      }
      const v = await verifyIdentityToken(
        { token: edited.toString('base64url'), embedding: enrolled, password: base.password, scope: base.scope },
        () => pepper,
        {
          kdf: FAST_KDF,
        },
      );
      expect(v.keyRecovered).toBe(false);
    }
  });

  it('needs the deployment key: another pepper does not open it, an unknown key id is reported', async () => {
    const enrolled = gaussianUnitVector('pepper');
    const g = await generateIdentityToken({ embedding: enrolled, ...base }, pepper, random, { kdf: FAST_KDF });
    const other = pepperFromKey(Buffer.alloc(32, 8), pepper.keyId);
    const v = await verifyIdentityToken({ token: g.token, embedding: enrolled, password: base.password, scope: base.scope }, () => other, {
      kdf: FAST_KDF,
    });
    expect(v.keyRecovered).toBe(false);
    await expect(
      verifyIdentityToken({ token: g.token, embedding: enrolled, password: base.password, scope: base.scope }, () => undefined, {
        kdf: FAST_KDF,
      }),
    ).rejects.toBeInstanceOf(UnknownPepperError);
  });

  it('releases a stable scope-bound key that differs per label', async () => {
    const enrolled = gaussianUnitVector('sealed');
    const g = await generateIdentityToken({ embedding: enrolled, ...base }, pepper, random, { kdf: FAST_KDF });
    const open = (cos: number) =>
      verifyIdentityToken(
        { token: g.token, embedding: correlated(enrolled, cos, `p${cos}`), password: base.password, scope: base.scope },
        () => pepper,
        { kdf: FAST_KDF },
      );
    const [a, b] = [await open(0.8), await open(0.65)];
    const tokenId = decodeToken(g.token).header.tokenId;
    expect(releaseKey(a.key!, tokenId, 'ehr-vault')).toEqual(releaseKey(b.key!, tokenId, 'ehr-vault'));
    expect(releaseKey(a.key!, tokenId, 'ehr-vault')).not.toEqual(releaseKey(a.key!, tokenId, 'other'));
  });

  it('refuses malformed tokens with a reason', () => {
    expect(() => decodeToken('')).toThrow(TokenFormatError);
    expect(() => decodeToken('not base64url!')).toThrow('not base64url');
    expect(() => decodeToken(Buffer.alloc(40).toString('base64url'))).toThrow('too short');
    const fake = Buffer.alloc(600);
    fake[0] = 9;
    expect(() => decodeToken(fake.toString('base64url'))).toThrow('unsupported token version 9');
  });

  it('keeps verifying version-1 tokens (K = 128 at every level) next to version 2', async () => {
    const enrolled = gaussianUnitVector('v1 person');
    for (const accuracy of [1, 4, 8]) {
      const g = await generateIdentityToken({ embedding: enrolled, ...base, accuracy }, pepper, random, { kdf: FAST_KDF, version: 1 });
      expect(decodeToken(g.token).header).toMatchObject({ version: 1, accuracy, code: { n: 4096, k: 128, rotations: 8, dim: 512 } });
      const v = await verifyIdentityToken(
        { token: g.token, embedding: correlated(enrolled, 0.7, 'v1 probe'), password: base.password, scope: base.scope },
        () => pepper,
      );
      expect(v.keyRecovered).toBe(true);
      expect(v.key!.length).toBe(16);
    }
  });

  it('mints each level with its own code and gives back a key of K bits', async () => {
    const enrolled = gaussianUnitVector('per level');
    for (let accuracy = 1; accuracy <= 8; accuracy++) {
      const g = await generateIdentityToken({ embedding: enrolled, ...base, accuracy }, pepper, random, { kdf: FAST_KDF });
      const t = decodeToken(g.token);
      expect(t.header.version).toBe(2);
      expect(t.header.code).toEqual(codeForLevel(accuracy));
      expect(g.token.length).toBe(800);
      const v = await verifyIdentityToken(
        { token: g.token, embedding: correlated(enrolled, 0.8, `probe ${accuracy}`), password: base.password, scope: base.scope },
        () => pepper,
      );
      expect(v.keyRecovered).toBe(true);
      expect(v.key!.length * 8).toBe(codeForLevel(accuracy).k);
    }
  });

  it("refuses a version-2 token whose code is not its level's", async () => {
    const g = await generateIdentityToken({ embedding: gaussianUnitVector('k edit'), ...base }, pepper, random, { kdf: FAST_KDF });
    const edited = Buffer.from(g.token, 'base64url');
    edited.writeUInt16BE(codeForLevel(4).k + 8, 52);
    expect(() => decodeToken(edited.toString('base64url'))).toThrow(TokenFormatError);
    expect(() => decodeToken(edited.toString('base64url'))).toThrow('a version-2 token of accuracy 4 must use the code N = 4096');
  });

  it('uses the default memory-hard KDF parameters when none are given', async () => {
    const g = await generateIdentityToken({ embedding: gaussianUnitVector('kdf'), ...base }, pepper, random);
    expect(decodeToken(g.token).header.kdf).toEqual(DEFAULT_KDF);
  });
});

describe('docs/token-test-vectors.json', () => {
  it('is reproduced exactly by this implementation (run `npm run token:vectors` after a deliberate format change)', async () => {
    const file = join(__dirname, '../../../docs/token-test-vectors.json');
    expect(existsSync(file)).toBe(true);
    const committed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    expect(JSON.parse(JSON.stringify(await buildTestVectors()))).toEqual(committed);
  });
});

describe('docs/token-test-vectors-v2.json', () => {
  it('is reproduced exactly: a version-2 token per accuracy level (run `npm run token:vectors` after a deliberate format change)', async () => {
    const file = join(__dirname, '../../../docs/token-test-vectors-v2.json');
    expect(existsSync(file)).toBe(true);
    const committed = JSON.parse(readFileSync(file, 'utf8')) as { levels: { token: string; verify: { key_recovered: boolean }[] }[] };
    expect(committed.levels.map((v) => decodeToken(v.token).header.code.k)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((l) => codeForLevel(l).k));
    expect(committed.levels.every((v) => v.verify.filter((c) => c.key_recovered).length === 2)).toBe(true);
    expect(JSON.parse(JSON.stringify(await buildTestVectorsV2()))).toEqual(committed);
  });
});

describe('docs/token-test-vectors-v3.json (roster member tokens)', () => {
  it('is reproduced byte for byte: roster keys, member tokens, and who each probe identifies', async () => {
    const file = join(__dirname, '../../../docs/token-test-vectors-v3.json');
    expect(existsSync(file)).toBe(true);
    const committed = JSON.parse(readFileSync(file, 'utf8'));
    const built = JSON.parse(JSON.stringify(await buildRosterTestVectors()));
    expect(built).toEqual(committed);
    // the vectors say something: a genuine probe finds its member only, a stranger and wrong secrets nobody
    expect(committed.identify.map((c: { matches: { member: number }[] }) => c.matches.map((m) => m.member))).toEqual([
      [1],
      [2],
      [],
      [],
      [],
    ]);
  });
});
