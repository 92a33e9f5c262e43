import { DATA_SOURCE } from '@facenition/database';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { fixture, noFace } from './support/images';
import { ADMIN, startTestApp, type TestApp } from './support/app';

jest.setTimeout(180_000);

describe('client tokens, quotas and rate limiting (real Postgres)', () => {
  let t: TestApp;
  let http: ReturnType<TestApp['app']['getHttpServer']>;
  beforeAll(async () => {
    t = await startTestApp({ FACENITION_AUTH_MAX_FAILURES: '1000' });
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const admin = (path: string) => request(http).post(path).set('X-Auth-Token', ADMIN);
  const create = async (body: Record<string, unknown>) => {
    const r = await admin('/generateToken').send(body).expect(200);
    return r.body as { client: { client_id: string; plan: string; environment: string }; client_token: string; client_secret: string };
  };
  const me = (token: string) => request(http).get('/me').set('X-Auth-Token', token);

  it('/generateToken needs the admin credential and validates its input', async () => {
    await request(http).post('/generateToken').send({ name: 'x' }).expect(401);
    const asClient = await request(http).post('/generateToken').set('X-Auth-Token', t.token).send({ name: 'x' }).expect(401);
    expect(asClient.body.error).toBe('this endpoint needs the admin credential');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /^name: /],
      [{ name: 'a', environment: 'staging' }, /^environment: /],
      [{ name: 'a', plan: 'gold' }, /^plan: /],
      [{ name: 'a', expires_at: 'tomorrow' }, /'expires_at' must be an ISO 8601 date-time/],
      [{ name: 'a', expires_at: '2001-01-01T00:00:00Z' }, /expires_at must be in the future/],
      [{ name: 'a', colour: 'red' }, /unknown field 'colour'/],
    ];
    for (const [body, msg] of cases) {
      const r = await admin('/generateToken').send(body).expect(400);
      expect(r.body.ok).toBe(false);
      expect(r.body.error).toMatch(msg);
    }
  });

  it('creates a client whose token and secret are shown once and stored only as hashes', async () => {
    const c = await create({ name: 'Acme IdP hook', environment: 'sandbox', plan: 'developer' });
    expect(c.client_token).toMatch(/^fnc_[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(c.client_secret).toMatch(/^fns_/);
    const r = await me(c.client_token).expect(200);
    expect(r.body.client).toMatchObject({ name: 'Acme IdP hook', environment: 'sandbox', plan: 'developer', status: 'active' });
    const ds = t.app.get<DataSource>(DATA_SOURCE);
    const dump = JSON.stringify(await ds.query(`SELECT * FROM api_clients`));
    const secretPart = c.client_token.split('.')[1];
    expect(dump).not.toContain(secretPart);
    expect(dump).not.toContain(c.client_secret);
    const list = await request(http).get('/admin/clients').set('X-Auth-Token', ADMIN).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(secretPart);
    expect(list.body.clients.map((x: { client_id: string }) => x.client_id)).toContain(c.client.client_id);
  });

  it('/token exchanges client credentials (JSON, form or HTTP Basic) for a short-lived token', async () => {
    const c = await create({ name: 'cc', plan: 'enterprise', environment: 'production' });
    const j = await request(http)
      .post('/token')
      .send({ grant_type: 'client_credentials', client_id: c.client.client_id, client_secret: c.client_secret })
      .expect(200);
    expect(j.body).toMatchObject({ ok: true, token_type: 'client' });
    expect(j.body.expires_in).toBeGreaterThan(800);
    expect(j.body.expires_in).toBeLessThanOrEqual(900);
    expect((await me(j.body.client_token).expect(200)).body.authenticated_with).toBe('access_token');
    const basic = Buffer.from(`${c.client.client_id}:${c.client_secret}`).toString('base64');
    await request(http)
      .post('/token')
      .set('Authorization', `Basic ${basic}`)
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(200);
    const bad = await request(http).post('/token').send({ client_id: c.client.client_id, client_secret: 'fns_wrong' }).expect(401);
    expect(bad.body).toEqual({ ok: false, error: 'invalid client credentials', code: 'invalid_client' });
    await request(http).post('/token').send({ client_id: 'not-a-uuid', client_secret: 'x' }).expect(401);
    await request(http).post('/token').send({ client_id: c.client.client_id }).expect(400);
    // a forged access token (payload changed) is refused
    const [p, m] = (j.body.client_token as string).slice(4).split('.');
    const payload = Buffer.from(p, 'base64url');
    payload[20] ^= 1;
    await me(`fna_${payload.toString('base64url')}.${m}`).expect(401);
  });

  it('revocation stops the client token and its access tokens at once', async () => {
    const c = await create({ name: 'to revoke' });
    const access = (await request(http).post('/token').send({ client_id: c.client.client_id, client_secret: c.client_secret }).expect(200))
      .body.client_token as string;
    await me(c.client_token).expect(200);
    await admin(`/admin/clients/${c.client.client_id}/revoke`).send({}).expect(200);
    for (const tok of [c.client_token, access]) {
      const r = await me(tok).expect(401);
      expect(r.body).toEqual({ ok: false, error: 'client has been revoked', code: 'client_revoked' });
    }
    await request(http).post('/token').send({ client_id: c.client.client_id, client_secret: c.client_secret }).expect(401);
    await admin('/admin/clients/00000000-0000-4000-8000-000000000000/revoke').send({}).expect(404);
  });

  it('rotation issues a new token; the old one works during the grace period only', async () => {
    const c = await create({ name: 'rotating' });
    const r1 = await admin(`/admin/clients/${c.client.client_id}/rotate`).send({ grace_seconds: 3600 }).expect(200);
    expect(r1.body.client_token).not.toBe(c.client_token);
    await me(c.client_token).expect(200);
    await me(r1.body.client_token).expect(200);
    const r2 = await request(http).post('/me/rotate').set('X-Auth-Token', r1.body.client_token).send({ grace_seconds: 0 }).expect(200);
    const old = await me(r1.body.client_token).expect(401);
    expect(old.body.code).toBe('token_rotated');
    await me(c.client_token).expect(401);
    await me(r2.body.client_token).expect(200);
  });

  it('an expired client is refused with a clear error', async () => {
    const c = await create({ name: 'short-lived', expires_at: new Date(t.clock.now().getTime() + 60_000).toISOString() });
    await me(c.client_token).expect(200);
    t.clock.advance(61_000);
    try {
      const r = await me(c.client_token).expect(401);
      expect(r.body).toEqual({ ok: false, error: 'client has expired', code: 'client_expired' });
    } finally {
      t.clock.reset();
    }
  });

  it('meters the developer quota per calendar month and never overshoots under parallel calls', async () => {
    const c = await create({ name: 'dev', plan: 'developer' });
    const ds = t.app.get<DataSource>(DATA_SOURCE);
    const month = new Date().toISOString().slice(0, 7);
    await ds.query(`INSERT INTO quota_usage (client_id, month, calls) VALUES ($1, $2, 990)`, [c.client.client_id, month]);
    const img = fixture('Colin_Powell_0001');
    const results = await Promise.all(
      Array.from({ length: 16 }, () => request(http).post('/detect').set('X-Auth-Token', c.client_token).attach('image', img, 'a.jpg')),
    );
    const ok = results.filter((r) => r.status === 200);
    const over = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(10);
    expect(over).toHaveLength(6);
    expect(over[0].body).toMatchObject({ ok: false, code: 'quota_exceeded' });
    expect(over[0].body.error).toMatch(/monthly quota of 1000 calls for the developer plan is used up/);
    expect(ok.map((r) => Number(r.headers['x-quota-remaining'])).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [{ calls }] = (await ds.query(`SELECT calls FROM quota_usage WHERE client_id = $1 AND month = $2`, [
      c.client.client_id,
      month,
    ])) as { calls: number }[];
    expect(calls).toBe(1000);
    // self-service calls are not metered
    const m = await me(c.client_token).expect(200);
    expect(m.body.quota).toMatchObject({ used: 1000, limit: 1000, remaining: 0 });
  });

  it('a request refused for a malformed input consumes neither the client quota nor the licence calls; analysed photos count', async () => {
    const c = await create({ name: 'metered', plan: 'developer' });
    const ds = t.app.get<DataSource>(DATA_SOURCE);
    const used = async () => ((await me(c.client_token).expect(200)).body.quota as { used: number }).used;
    const licenceCalls = async () => {
      const rows = (await ds.query(`SELECT coalesce(sum(calls), 0)::int AS n FROM license_usage`)) as { n: number }[];
      return rows[0].n;
    };
    const calls0 = await licenceCalls();
    const post = (path: string) => request(http).post(path).set('X-Auth-Token', c.client_token);
    const a = fixture('Colin_Powell_0001');
    // malformed: missing image, unknown field, bad accuracy, bad base64
    await post('/match').attach('image1', a, 'a.jpg').expect(400);
    await post('/detect').attach('image', a, 'a.jpg').field('colour', 'red').expect(400);
    await post('/match').attach('image1', a, 'a.jpg').attach('image2', a, 'b.jpg').field('accuracy', '9').expect(400);
    await post('/detect').send({ image: '***' }).expect(400);
    expect(await used()).toBe(0);
    expect(await licenceCalls()).toBe(calls0);
    // a photo that was analysed counts, even when the answer is a 400 about the photo
    const none = await post('/quality').attach('image', await noFace(), 'n.jpg');
    expect(none.body.code).toBe('no_face');
    expect(none.headers['x-quota-remaining']).toBe('999');
    await post('/detect').attach('image', a, 'a.jpg').expect(200);
    expect(await used()).toBe(2);
    expect(await licenceCalls()).toBe(calls0 + 2);
  });

  it('a client never sees another client’s audit records or admin endpoints', async () => {
    const a = await create({ name: 'tenant A' });
    const b = await create({ name: 'tenant B' });
    await me(a.client_token).expect(200);
    await me(b.client_token).expect(200);
    const ra = await request(http).get('/audit').set('X-Auth-Token', a.client_token).expect(200);
    expect(ra.body.records.length).toBeGreaterThan(0);
    expect(new Set(ra.body.records.map((r: { client_id: string }) => r.client_id))).toEqual(new Set([a.client.client_id]));
    const spoof = await request(http).get(`/audit?client_id=${b.client.client_id}`).set('X-Auth-Token', a.client_token).expect(200);
    expect(spoof.body.records.every((r: { client_id: string }) => r.client_id === a.client.client_id)).toBe(true);
    await request(http).get('/admin/audit').set('X-Auth-Token', a.client_token).expect(401);
    await request(http).post(`/admin/clients/${b.client.client_id}/revoke`).set('X-Auth-Token', a.client_token).send({}).expect(401);
    await me(b.client_token).expect(200);
  });
});

describe('brute force of client tokens is rate-limited per source address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ FACENITION_AUTH_MAX_FAILURES: '5', FACENITION_AUTH_WINDOW_SECONDS: '60' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 with Retry-After after 5 failures, even for a valid token', async () => {
    const http = t.app.getHttpServer();
    for (let i = 0; i < 5; i++) {
      await request(http).get('/me').set('X-Auth-Token', `fnc_guess${i}`).expect(401);
    }
    const blocked = await request(http).get('/me').set('X-Auth-Token', t.token).expect(429);
    expect(blocked.body).toMatchObject({ ok: false, code: 'rate_limited' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // the public /token exchange is behind the same limit
    await request(http).post('/token').send({ client_id: t.clientId, client_secret: 'fns_guess' }).expect(429);
  });
});
