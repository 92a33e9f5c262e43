import { randomBytes } from 'node:crypto';
import {
  signStatusList,
  STATUS_LIST_MAX_FUTURE_SKEW_MS,
  statusListKeys,
  statusListPublicKey,
  StatusListError,
  verifyStatusList,
  verifyStatusListPacked,
} from './status-list';
import { signStatusListInWorker, verifyStatusListInWorker } from './status-list-thread';
import { pepperFromKey } from './deployment-key';
import { PepperRing } from './tokeniser';

const pepperA = pepperFromKey(Buffer.alloc(32, 7), Buffer.from('a1a2a3a4a5a6a7a8', 'hex'));
const pepperB = pepperFromKey(Buffer.alloc(32, 9), Buffer.from('b1b2b3b4b5b6b7b8', 'hex'));
const issuer = 'ab'.repeat(16);
const entries = [
  { tokenId: randomBytes(16).toString('hex'), revokedAt: new Date('2026-11-01T10:00:00Z') },
  { tokenId: randomBytes(16).toString('hex'), revokedAt: new Date('2026-11-02T10:00:00Z') },
];
const issuedAt = new Date('2026-11-27T12:00:00Z');
/** the importing deployment's clock, a day after the list was issued */
const now = new Date('2026-11-28T12:00:00Z');

function mutate(text: string, f: (d: Record<string, string>) => void): string {
  const d = JSON.parse(text);
  f(d);
  return JSON.stringify(d);
}

describe('revocation status list', () => {
  const signed = signStatusList({ issuer, issuedAt, revoked: entries }, pepperA);

  it('round-trips under the deployment key that signed it', () => {
    const l = verifyStatusList(signed, [pepperB, pepperA], now);
    expect(l).toEqual({ issuer, issuedAt, keyId: 'a1a2a3a4a5a6a7a8', revoked: entries });
    expect(JSON.parse(signed).public_key).toBe(statusListPublicKey(pepperA).toString('base64url'));
  });

  it('is refused by a deployment without that key', () => {
    expect(() => verifyStatusList(signed, [pepperB], now)).toThrow(/does not hold/);
  });

  it('refuses an altered payload, a swapped public key, a bad signature and a wrong key id', () => {
    const forged = mutate(signed, (d) => {
      const p = JSON.parse(Buffer.from(d.payload, 'base64url').toString());
      p.revoked.pop();
      d.payload = Buffer.from(JSON.stringify(p)).toString('base64url');
    });
    expect(() => verifyStatusList(forged, [pepperA], now)).toThrow(/signature does not verify/);
    const otherKey = mutate(signed, (d) => (d.public_key = statusListPublicKey(pepperB).toString('base64url')));
    expect(() => verifyStatusList(otherKey, [pepperA], now)).toThrow(/public key/);
    const badSig = mutate(signed, (d) => (d.signature = Buffer.alloc(64, 1).toString('base64url')));
    expect(() => verifyStatusList(badSig, [pepperA], now)).toThrow(/signature does not verify/);
    // signed by B, relabelled as A: the signature must not verify under A's derived key
    const signedB = signStatusList({ issuer, issuedAt, revoked: entries }, pepperB);
    const relabelled = mutate(signedB, (d) => {
      d.key_id = 'a1a2a3a4a5a6a7a8';
      delete d.public_key;
    });
    expect(() => verifyStatusList(relabelled, [pepperA, pepperB], now)).toThrow(/signature does not verify/);
  });

  it('refuses malformed documents with a reason', () => {
    expect(() => verifyStatusList('{', [pepperA], now)).toThrow(StatusListError);
    expect(() => verifyStatusList('[]', [pepperA], now)).toThrow(/JSON object/);
    expect(() =>
      verifyStatusList(
        mutate(signed, (d) => (d.format = 'x')),
        [pepperA],
        now,
      ),
    ).toThrow(/format/);
    expect(() =>
      verifyStatusList(
        mutate(signed, (d) => (d.alg = 'HS256')),
        [pepperA],
        now,
      ),
    ).toThrow(/algorithm/);
    expect(() =>
      verifyStatusList(
        mutate(signed, (d) => (d.signature = '!!')),
        [pepperA],
        now,
      ),
    ).toThrow(/base64url/);
  });

  it(`refuses a list issued more than ${STATUS_LIST_MAX_FUTURE_SKEW_MS / 60_000} minutes ahead of this deployment's clock`, () => {
    const at = (d: Date) => signStatusList({ issuer, issuedAt: d, revoked: entries }, pepperA);
    expect(STATUS_LIST_MAX_FUTURE_SKEW_MS).toBe(5 * 60 * 1000);
    // ordinary skew between hosts is accepted, up to the limit inclusive
    const edge = new Date(now.getTime() + STATUS_LIST_MAX_FUTURE_SKEW_MS);
    expect(verifyStatusList(at(edge), [pepperA], now).issuedAt).toEqual(edge);
    expect(verifyStatusList(at(new Date(now.getTime() + 60_000)), [pepperA], now).revoked).toEqual(entries);
    // one millisecond further, and the far future, are refused with a reason
    const beyond = new Date(edge.getTime() + 1);
    expect(() => verifyStatusList(at(beyond), [pepperA], now)).toThrow(StatusListError);
    expect(() => verifyStatusList(at(beyond), [pepperA], now)).toThrow(
      /issued_at .* is more than 5 minutes ahead of this deployment's clock/,
    );
    expect(() => verifyStatusList(at(new Date('9999-12-31T23:59:59Z')), [pepperA], now)).toThrow(/9999-12-31T23:59:59.000Z .* ahead/);
    // the same list is accepted once the clock has caught up: the rule is relative to `now`
    expect(verifyStatusList(at(beyond), [pepperA], new Date(now.getTime() + 60_000)).issuedAt).toEqual(beyond);
  });

  it('refuses revocation dates a database cannot keep (year 0000, years past 9999, before 1970)', () => {
    for (const at of ['0000-01-01T00:00:00Z', '+010000-01-01T00:00:00Z', '1969-12-31T23:59:59Z']) {
      const list = signStatusList({ issuer, issuedAt, revoked: [{ tokenId: entries[0].tokenId, revokedAt: new Date(at) }] }, pepperA);
      // +010000-… is already no ISO 8601 date-time of the accepted form; the others are caught by the range
      expect(() => verifyStatusList(list, [pepperA], now)).toThrow(
        at.startsWith('+')
          ? 'revoked[0].revoked_at must be an ISO 8601 date-time'
          : 'revoked[0].revoked_at must lie between 1970 and 9999 (UTC)',
      );
    }
  });

  it('packs entries into transferable arrays and unpacks them unchanged', () => {
    const p = verifyStatusListPacked(signed, statusListKeys([pepperA]), now);
    expect(p).toMatchObject({ issuer, issuedAt: issuedAt.getTime(), keyId: 'a1a2a3a4a5a6a7a8', count: 2 });
    expect(Buffer.from(p.tokenIds).toString('hex')).toBe(entries[0].tokenId + entries[1].tokenId);
    expect(Array.from(p.revokedAt)).toEqual(entries.map((e) => e.revokedAt.getTime()));
    expect(p.tokenIds.byteOffset).toBe(0);
    expect(p.tokenIds.buffer.byteLength).toBe(32);
    // the verification keys carry no secret: only the public key of each deployment key
    expect(statusListKeys([pepperA])).toEqual([{ keyId: 'a1a2a3a4a5a6a7a8', publicKey: statusListPublicKey(pepperA) }]);
  });

  it('signs byte for byte as the node:crypto implementation did (golden document), and still verifies it', () => {
    // written by signStatusList on node:crypto's Ed25519, before the move to the shared envelope on node-forge
    const golden =
      '{"format":"facenition-status-list/1","alg":"Ed25519","key_id":"a1a2a3a4a5a6a7a8","public_key":"XszicGyUcvYiHUQMDOr7jERGWjp5956BLhOLUrqQdfI","payload":"eyJpc3N1ZXIiOiJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYiIsImlzc3VlZF9hdCI6IjIwMjYtMTEtMjdUMTI6MDA6MDAuMDAwWiIsInJldm9rZWQiOlt7InRva2VuX2lkIjoiMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYiLCJyZXZva2VkX2F0IjoiMjAyNi0xMS0wMVQxMDowMDowMC4wMDBaIn0seyJ0b2tlbl9pZCI6ImZlZGNiYTk4NzY1NDMyMTBmZWRjYmE5ODc2NTQzMjEwIiwicmV2b2tlZF9hdCI6IjIwMjYtMTEtMDJUMTA6MDA6MDAuMjUwWiJ9XX0","signature":"YpZJqsH0IWyBY8B5RkDqk1xE7b4Ldz3-HBknR3467aluXZIba6OBY68aOJWeoU_m69-ciEzPABl16MHu-lxCCw"}';
    const fixed = [
      { tokenId: '0123456789abcdef0123456789abcdef', revokedAt: new Date('2026-11-01T10:00:00Z') },
      { tokenId: 'fedcba9876543210fedcba9876543210', revokedAt: new Date('2026-11-02T10:00:00.250Z') },
    ];
    expect(signStatusList({ issuer, issuedAt, revoked: fixed }, pepperA)).toBe(golden);
    expect(verifyStatusList(golden, [pepperA], now)).toEqual({ issuer, issuedAt, keyId: 'a1a2a3a4a5a6a7a8', revoked: fixed });
  });
});

describe('status list signed in a worker thread', () => {
  it('gives the same document as signing in-process (Ed25519 is deterministic)', async () => {
    const list = { issuer, issuedAt, revoked: entries };
    const inWorker = await signStatusListInWorker(list, pepperA);
    // the thread is given the signing seed only (zeroed on both sides); the deployment key is untouched
    expect(inWorker).toBe(signStatusList(list, pepperA));
    expect(statusListPublicKey(pepperA)).toEqual(statusListPublicKey(pepperFromKey(Buffer.alloc(32, 7))));
  });
});

describe('status list verified in a worker thread', () => {
  it('gives the same result as in-process verification, for a large list too', async () => {
    const many = Array.from({ length: 20_000 }, (_, i) => ({
      tokenId: randomBytes(16).toString('hex'),
      revokedAt: new Date(issuedAt.getTime() - i * 1000),
    }));
    const big = signStatusList({ issuer, issuedAt, revoked: many }, pepperA);
    const p = await verifyStatusListInWorker(JSON.parse(big), statusListKeys([pepperB, pepperA]), now);
    expect(p).toMatchObject({ issuer, issuedAt: issuedAt.getTime(), keyId: 'a1a2a3a4a5a6a7a8', count: many.length });
    expect(Buffer.from(p.tokenIds).toString('hex')).toBe(many.map((e) => e.tokenId).join(''));
    expect(Array.from(p.revokedAt)).toEqual(many.map((e) => e.revokedAt.getTime()));
  });

  it('rejects with a StatusListError carrying the reason, including the future-date rule', async () => {
    const future = signStatusList({ issuer, issuedAt: new Date('9999-12-31T00:00:00Z'), revoked: entries }, pepperA);
    const refused = verifyStatusListInWorker(JSON.parse(future), statusListKeys([pepperA]), now);
    await expect(refused).rejects.toBeInstanceOf(StatusListError);
    await expect(verifyStatusListInWorker(JSON.parse(future), statusListKeys([pepperA]), now)).rejects.toThrow(
      /ahead of this deployment's clock/,
    );
    const fromA = signStatusList({ issuer, issuedAt, revoked: entries }, pepperA);
    await expect(verifyStatusListInWorker(fromA, statusListKeys([pepperB]), now)).rejects.toThrow(/does not hold/);
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
