import { createHash } from 'node:crypto';
import { canonical, canonicalTail, chainHash, GENESIS_HASH, type AuditFields } from './chain';

const record: AuditFields = {
  ts: new Date('2026-11-27T12:00:00.123Z'),
  requestId: 'req-1',
  clientId: '0b9f3c2e-8a8e-4a55-9a49-1d6c1c3f0e11',
  endpoint: '/authenticate',
  status: 200,
  errorCode: null,
  decision: 'authenticated',
  score: 0.8123,
  threshold: 0.55,
  accuracy: 4,
  tokenRef: 'ab12cd34',
  latencyMs: 123.456,
  sourceIp: '10.0.0.7',
};

/** What records written before client_request_id existed were hashed over; their stored hashes depend on it. */
const CANONICAL =
  '["1","2026-11-27T12:00:00.123Z","req-1","0b9f3c2e-8a8e-4a55-9a49-1d6c1c3f0e11","/authenticate",200,null,"authenticated",0.8123,0.55,4,"ab12cd34",123.456,"10.0.0.7"]';
const HASH = '585e3b2fd671da293bc5b9bf8a9ed60278ea77aecc0b7ed09b4a6f7f4a352ac4';

describe('audit hash chain', () => {
  it('serialises a record as a JSON array in the fixed order, seq first', () => {
    expect(canonical('1', record)).toBe(CANONICAL);
  });

  it('hashes SHA-256(previous hash ‖ canonical form), from a genesis of 32 zero bytes', () => {
    expect(GENESIS_HASH).toEqual(Buffer.alloc(32));
    expect(chainHash(GENESIS_HASH, '1', record).toString('hex')).toBe(HASH);
    expect(chainHash(GENESIS_HASH, '1', record)).toEqual(createHash('sha256').update(Buffer.alloc(32)).update(CANONICAL).digest());
  });

  it('appends client_request_id only when present: records without it hash as before', () => {
    expect(canonical('1', { ...record, clientRequestId: undefined })).toBe(CANONICAL);
    expect(canonical('1', { ...record, clientRequestId: null })).toBe(CANONICAL);
    expect(chainHash(GENESIS_HASH, '1', { ...record, clientRequestId: null }).toString('hex')).toBe(HASH);
    const withId = { ...record, clientRequestId: 'my-req-42' };
    expect(canonical('1', withId)).toBe(`${CANONICAL.slice(0, -1)},"my-req-42"]`);
    expect(chainHash(GENESIS_HASH, '1', withId).toString('hex')).toBe('6c32d1bcd2bd0d0c680d0c217d7bbfe4c8301754abdbcae5b8ed02c2de283554');
    // the empty string is a value, not an absence
    expect(canonical('1', { ...record, clientRequestId: '' })).toBe(`${CANONICAL.slice(0, -1)},""]`);
  });

  it('changes the hash when any field, the sequence number or the previous hash changes', () => {
    const tampered: Partial<AuditFields>[] = [
      { ts: new Date(record.ts.getTime() + 1) },
      { requestId: 'req-2' },
      { clientId: null },
      { endpoint: '/verify' },
      { status: 401 },
      { errorCode: 'unauthenticated' },
      { decision: 'not_authenticated' },
      { score: 0.8124 },
      { threshold: 0.5 },
      { accuracy: 5 },
      { tokenRef: null },
      { latencyMs: 1 },
      { sourceIp: '10.0.0.8' },
      { clientRequestId: 'x' },
    ];
    const hashes = new Set([HASH]);
    for (const change of tampered) hashes.add(chainHash(GENESIS_HASH, '1', { ...record, ...change }).toString('hex'));
    hashes.add(chainHash(GENESIS_HASH, '2', record).toString('hex'));
    const prev = Buffer.alloc(32);
    prev[31] = 1;
    hashes.add(chainHash(prev, '1', record).toString('hex'));
    expect(hashes.size).toBe(tampered.length + 3);
  });

  it('keeps a value from moving between fields: a null and the string "null" differ', () => {
    expect(canonical('1', { ...record, errorCode: 'null' })).not.toBe(CANONICAL);
    expect(canonical('1', { ...record, clientId: null, endpoint: '/authenticate' })).not.toBe(
      canonical('1', { ...record, clientId: '/authenticate', endpoint: '' }),
    );
  });

  it('links records: each hash covers the previous one, so replacing a record breaks every later link', () => {
    const second = { ...record, requestId: 'req-2', ts: new Date('2026-11-27T12:00:01Z') };
    const h1 = chainHash(GENESIS_HASH, '1', record);
    const h2 = chainHash(h1, '2', second);
    const forgedH1 = chainHash(GENESIS_HASH, '1', { ...record, decision: 'not_authenticated' });
    expect(chainHash(forgedH1, '2', second)).not.toEqual(h2);
  });
});

describe('canonicalTail (the part of the canonical form the database appends after the sequence number)', () => {
  it('is the canonical form without its first element, whatever the optional fields and characters', () => {
    const variants: AuditFields[] = [
      record,
      { ...record, clientRequestId: 'id "q" \\ é ✓' },
      { ...record, subjectRef: 'sub-1', clientRequestId: undefined },
      { ...record, score: null, clientId: null, latencyMs: 1 / 3 },
    ];
    for (const f of variants) {
      for (const seq of ['1', '42', '9007199254740993']) expect(`["${seq}",${canonicalTail(f)}`).toBe(canonical(seq, f));
    }
  });
});
