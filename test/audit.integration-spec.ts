import { AuditService } from '@facenition/audit';
import { DATA_SOURCE } from '@facenition/database';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { fixture } from './support/images';
import { ADMIN, startTestApp, type TestApp } from './support/app';

jest.setTimeout(180_000);

describe('audit log: one record per call, tamper-evident, queryable (real Postgres)', () => {
  let t: TestApp;
  let http: ReturnType<TestApp['app']['getHttpServer']>;
  let ds: DataSource;
  beforeAll(async () => {
    t = await startTestApp();
    http = t.app.getHttpServer();
    ds = t.app.get<DataSource>(DATA_SOURCE);
  });
  afterAll(async () => {
    await t.close();
  });

  const adminGet = (path: string) => request(http).get(path).set('X-Auth-Token', ADMIN);
  const byRequestId = async (id: string) =>
    (await adminGet(`/admin/audit?request_id=${id}`).expect(200)).body.records as Record<string, unknown>[];

  it('writes one record per API call with outcome, decision and numbers, and nothing biometric or secret', async () => {
    const a = fixture('Tony_Blair_0001');
    const b = fixture('Tony_Blair_0002');
    const match = await request(http)
      .post('/match')
      .set('X-Auth-Token', t.token)
      .attach('image1', a, 'a.jpg')
      .attach('image2', b, 'b.jpg')
      .field('accuracy', '5')
      .expect(200);
    const denied = await request(http).post('/match').set('X-Auth-Token', 'fnc_nope').send({}).expect(401);
    const bad = await request(http).post('/detect').set('X-Auth-Token', t.token).attach('image', Buffer.from('nope'), 'x.jpg').expect(400);

    const [m] = await byRequestId(match.headers['x-request-id']);
    expect(m).toMatchObject({
      client_id: t.clientId,
      endpoint: '/match',
      status: 200,
      error_code: null,
      decision: 'matched',
      score: match.body.similarity,
      threshold: match.body.threshold,
      accuracy: 5,
      token_ref: null,
    });
    expect(m.latency_ms).toBeGreaterThan(0);
    expect(typeof m.source_ip).toBe('string');
    expect(await byRequestId(denied.headers['x-request-id'])).toEqual([
      expect.objectContaining({ client_id: null, status: 401, error_code: 'unauthenticated' }),
    ]);
    expect(await byRequestId(bad.headers['x-request-id'])).toEqual([
      expect.objectContaining({ client_id: t.clientId, status: 400, error_code: 'not_an_image' }),
    ]);

    const everything = JSON.stringify(await ds.query('SELECT * FROM audit_log'));
    expect(everything).not.toContain(t.token.split('.')[1]);
    expect(everything).not.toContain(a.toString('base64').slice(100, 160));
    expect(everything).not.toContain('fnc_nope');
  });

  it('the verify endpoint passes on an intact chain', async () => {
    const v = await adminGet('/admin/audit/verify').expect(200);
    expect(v.body.verification).toMatchObject({ ok: true, anchor_seq: '0' });
    expect(v.body.verification.checked).toBeGreaterThan(3);
  });

  it('concurrent appends (one statement each, hash computed by the database) form one chain that verifies', async () => {
    const audit = t.app.get(AuditService);
    const before = (await adminGet('/admin/audit/verify').expect(200)).body.verification.checked as number;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        audit.append({
          ts: new Date(Date.UTC(2026, 11, 1, 12, 0, 0, i)),
          requestId: `concurrent-${i}`,
          clientId: i % 2 ? null : '0b9f3c2e-8a8e-4a55-9a49-1d6c1c3f0e11',
          endpoint: '/authenticate',
          status: i % 3 ? 200 : 401,
          errorCode: i % 3 ? null : 'not_authenticated',
          decision: i % 3 ? 'authenticated' : null,
          score: i % 4 ? 0.1 * i + 1 / 3 : null,
          threshold: 0.4182,
          accuracy: 4,
          tokenRef: 'ab12cd34',
          latencyMs: 12.345 + i,
          sourceIp: '10.0.0.7',
          clientRequestId: i % 5 ? `client-req-${i} "quoted" \\ é ✓` : undefined,
          subjectRef: i % 7 ? undefined : `sub-${i}-\u00e9`,
        }),
      ),
    );
    const seqs = results.map((r) => BigInt(r.seq)).sort((a, b) => (a < b ? -1 : 1));
    // 40 consecutive sequence numbers, none twice
    seqs.forEach((s, i) => expect(s).toBe(seqs[0] + BigInt(i)));
    const v = await adminGet('/admin/audit/verify').expect(200);
    expect(v.body.verification).toMatchObject({ ok: true });
    expect(v.body.verification.checked).toBeGreaterThanOrEqual(before + 40);
  });

  it('the database refuses UPDATE on audit rows (append-only trigger)', async () => {
    await expect(ds.query(`UPDATE audit_log SET status = 200 WHERE seq = 1`)).rejects.toThrow(/append-only/);
  });

  it('finds a row tampered with directly in SQL (trigger bypassed), naming the first broken link', async () => {
    const [{ seq }] = (await ds.query(`SELECT seq FROM audit_log WHERE status = 401 ORDER BY seq LIMIT 1`)) as { seq: string }[];
    await ds.transaction(async (m) => {
      await m.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
      await m.query(`UPDATE audit_log SET status = 200, error_code = NULL WHERE seq = $1`, [seq]);
      await m.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
    });
    const v = await adminGet('/admin/audit/verify').expect(200);
    expect(v.body.verification).toMatchObject({ ok: false, first_broken: { seq, reason: 'record content does not match its hash' } });
    // put it back for the next tests
    await ds.transaction(async (m) => {
      await m.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
      await m.query(`UPDATE audit_log SET status = 401, error_code = 'unauthenticated' WHERE seq = $1`, [seq]);
      await m.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
    });
    expect((await adminGet('/admin/audit/verify').expect(200)).body.verification.ok).toBe(true);
  });

  it('finds a deleted row and a rewritten chain head', async () => {
    await request(http).get('/me').set('X-Auth-Token', t.token).expect(200);
    const rows = (await ds.query(`SELECT seq FROM audit_log ORDER BY seq`)) as { seq: string }[];
    const victim = rows[2].seq;
    const saved = (await ds.query(`SELECT * FROM audit_log WHERE seq = $1`, [victim])) as Record<string, unknown>[];
    await ds.query(`DELETE FROM audit_log WHERE seq = $1`, [victim]);
    const v = await adminGet('/admin/audit/verify').expect(200);
    expect(v.body.verification.first_broken).toEqual({ seq: victim, reason: `record ${victim} is missing` });
    const r = saved[0];
    await ds.query(
      `INSERT INTO audit_log (seq, ts, request_id, client_id, endpoint, status, error_code, decision, score, threshold, accuracy, token_ref, latency_ms, source_ip, prev_hash, hash)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
      [
        r.seq,
        r.ts,
        r.request_id,
        r.client_id,
        r.endpoint,
        r.status,
        r.error_code,
        r.decision,
        r.score,
        r.threshold,
        r.accuracy,
        r.token_ref,
        r.latency_ms,
        r.source_ip,
        r.prev_hash,
        r.hash,
      ],
    );
    expect((await adminGet('/admin/audit/verify').expect(200)).body.verification.ok).toBe(true);
  });

  it('filters and exports as JSON Lines and CSV', async () => {
    const q = await adminGet(`/admin/audit?client_id=${t.clientId}&endpoint=/match&outcome=success`).expect(200);
    expect(q.body.records.length).toBeGreaterThan(0);
    expect(q.body.records.every((r: { endpoint: string; status: number }) => r.endpoint === '/match' && r.status < 400)).toBe(true);
    const jsonl = await adminGet(`/admin/audit/export?format=jsonl&outcome=error`)
      .buffer(true)
      .parse((res, cb) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => cb(null, data));
      });
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers['content-type']).toMatch(/ndjson/);
    const lines = (jsonl.body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: number });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => l.status >= 400)).toBe(true);
    const csv = await adminGet('/admin/audit/export?format=csv')
      .buffer(true)
      .parse((res, cb) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => cb(null, data));
      });
    const rows = (csv.body as string).trim().split('\n');
    expect(rows[0]).toBe(
      'seq,ts,request_id,client_id,endpoint,status,error_code,decision,score,threshold,accuracy,token_ref,latency_ms,source_ip,client_request_id,subject_ref,hash',
    );
    const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM audit_log`)) as { n: number }[];
    expect(rows.length - 1).toBeGreaterThanOrEqual(n - 1); // the export's own record may land after the stream started
    await adminGet('/admin/audit/export?format=xml').expect(400);
    await adminGet('/admin/audit?from=yesterday').expect(400);
  });

  it('retention deletes old records and what remains still verifies from the anchor', async () => {
    const before = (await ds.query(`SELECT count(*)::int AS n FROM audit_log`)) as { n: number }[];
    await new Promise((r) => setTimeout(r, 20));
    const cut = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await request(http).get('/me').set('X-Auth-Token', t.token).expect(200);
    const p = await request(http).post('/admin/audit/purge').set('X-Auth-Token', ADMIN).send({ before: cut }).expect(200);
    expect(p.body.deleted).toBeGreaterThanOrEqual(before[0].n);
    const v = (await adminGet('/admin/audit/verify').expect(200)).body.verification;
    expect(v).toMatchObject({ ok: true, anchor_seq: p.body.anchor_seq });
    expect(v.checked).toBeGreaterThanOrEqual(2);
  });
});
