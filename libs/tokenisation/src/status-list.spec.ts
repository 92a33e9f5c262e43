import { randomBytes } from 'node:crypto';
import { signStatusList, statusListPublicKey, StatusListError, verifyStatusList } from './status-list';
import { PepperRing, type Pepper } from './tokeniser';

const pepperA: Pepper = { keyId: Buffer.from('a1a2a3a4a5a6a7a8', 'hex'), key: Buffer.alloc(32, 7) };
const pepperB: Pepper = { keyId: Buffer.from('b1b2b3b4b5b6b7b8', 'hex'), key: Buffer.alloc(32, 9) };
const issuer = 'ab'.repeat(16);
const entries = [
  { tokenId: randomBytes(16).toString('hex'), revokedAt: new Date('2026-11-01T10:00:00Z') },
  { tokenId: randomBytes(16).toString('hex'), revokedAt: new Date('2026-11-02T10:00:00Z') },
];
const issuedAt = new Date('2026-11-27T12:00:00Z');

function mutate(text: string, f: (d: Record<string, string>) => void): string {
  const d = JSON.parse(text);
  f(d);
  return JSON.stringify(d);
}

describe('revocation status list', () => {
  const signed = signStatusList({ issuer, issuedAt, revoked: entries }, pepperA);

  it('round-trips under the deployment key that signed it', () => {
    const l = verifyStatusList(signed, [pepperB, pepperA]);
    expect(l).toEqual({ issuer, issuedAt, keyId: 'a1a2a3a4a5a6a7a8', revoked: entries });
    expect(JSON.parse(signed).public_key).toBe(statusListPublicKey(pepperA).toString('base64url'));
  });

  it('is refused by a deployment without that key', () => {
    expect(() => verifyStatusList(signed, [pepperB])).toThrow(/does not hold/);
  });

  it('refuses an altered payload, a swapped public key, a bad signature and a wrong key id', () => {
    const forged = mutate(signed, (d) => {
      const p = JSON.parse(Buffer.from(d.payload, 'base64url').toString());
      p.revoked.pop();
      d.payload = Buffer.from(JSON.stringify(p)).toString('base64url');
    });
    expect(() => verifyStatusList(forged, [pepperA])).toThrow(/signature does not verify/);
    const otherKey = mutate(signed, (d) => (d.public_key = statusListPublicKey(pepperB).toString('base64url')));
    expect(() => verifyStatusList(otherKey, [pepperA])).toThrow(/public key/);
    const badSig = mutate(signed, (d) => (d.signature = Buffer.alloc(64, 1).toString('base64url')));
    expect(() => verifyStatusList(badSig, [pepperA])).toThrow(/signature does not verify/);
    // signed by B, relabelled as A: the signature must not verify under A's derived key
    const signedB = signStatusList({ issuer, issuedAt, revoked: entries }, pepperB);
    const relabelled = mutate(signedB, (d) => {
      d.key_id = 'a1a2a3a4a5a6a7a8';
      delete d.public_key;
    });
    expect(() => verifyStatusList(relabelled, [pepperA, pepperB])).toThrow(/signature does not verify/);
  });

  it('refuses malformed documents with a reason', () => {
    expect(() => verifyStatusList('{', [pepperA])).toThrow(StatusListError);
    expect(() => verifyStatusList('[]', [pepperA])).toThrow(/JSON object/);
    expect(() => verifyStatusList(mutate(signed, (d) => (d.format = 'x')), [pepperA])).toThrow(/format/);
    expect(() => verifyStatusList(mutate(signed, (d) => (d.alg = 'HS256')), [pepperA])).toThrow(/algorithm/);
    expect(() => verifyStatusList(mutate(signed, (d) => (d.signature = '!!')), [pepperA])).toThrow(/base64url/);
  });
});

describe('pepper ring', () => {
  it('finds current and previous keys by id and refuses a key configured twice', () => {
    const ring = new PepperRing(pepperB, [pepperA]);
    expect(ring.find(pepperA.keyId)).toBe(pepperA);
    expect(ring.find(pepperB.keyId)).toBe(pepperB);
    expect(ring.find(Buffer.alloc(8))).toBeUndefined();
    expect(() => new PepperRing(pepperA, [pepperA])).toThrow(/twice/);
  });
});
