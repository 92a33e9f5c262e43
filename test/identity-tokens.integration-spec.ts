import { DATA_SOURCE } from '@facenition/database';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { fixture, noFace, twoFaces } from './support/images';
import { ADMIN, startTestApp, type TestApp } from './support/app';

jest.setTimeout(180_000);

describe('identity tokens: /generate, /authenticate, /authenticate-score, /revoke (real models, real Postgres)', () => {
  let t: TestApp;
  let http: ReturnType<TestApp['app']['getHttpServer']>;
  beforeAll(async () => {
    // news photos are often re-photographed prints: the liveness gate is tested on its own below
    t = await startTestApp({ FACENITION_LOCKOUT_THRESHOLD: '5', FACENITION_LOCKOUT_SECONDS: '60', FACENITION_LIVENESS_GATE: 'off' });
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const secrets = { password: 'Tr0ub4dor&3 but longer', scope: 'bank.example/login' };
  const gen = (token = t.token) => request(http).post('/generate').set('X-Auth-Token', token);
  const enrol = async (photos: string[], extra: Record<string, string> = {}, token = t.token) => {
    let r = gen(token).field('password', secrets.password).field('scope', secrets.scope);
    for (const [k, v] of Object.entries(extra)) r = r.field(k, v);
    for (const p of photos) r = r.attach('photo', fixture(p), `${p}.jpg`);
    const res = await r;
    expect(res.status).toBe(200);
    return res.body as { token: string; token_id: string; expires_at: string | null };
  };
  const auth = (
    path: string,
    token: string,
    photo: string,
    over: Partial<typeof secrets> & Record<string, string> = {},
    client = t.token,
  ) => {
    let r = request(http).post(path).set('X-Auth-Token', client).field('token', token);
    for (const [k, v] of Object.entries({ ...secrets, ...over })) r = r.field(k, v);
    return r.attach('photo', fixture(photo), 'probe.jpg');
  };

  it('enrols a photo into a compact token and verifies a fresh photo of the same person only', async () => {
    const e = await enrol(['George_W_Bush_0001']);
    expect(e.token.length).toBeLessThanOrEqual(800);
    expect(e.token_id).toMatch(/^[0-9a-f]{32}$/);
    expect((await auth('/authenticate', e.token, 'George_W_Bush_0002').expect(200)).body).toEqual({ ok: true, authenticated: true });
    expect((await auth('/authenticate', e.token, 'Colin_Powell_0001').expect(200)).body).toEqual({
      ok: true,
      authenticated: false,
      reason: 'no_match',
    });
    expect((await auth('/authenticate', e.token, 'George_W_Bush_0002', { password: 'wrong' }).expect(200)).body.reason).toBe('no_match');
    expect((await auth('/authenticate', e.token, 'George_W_Bush_0002', { scope: 'bank.example/payments' }).expect(200)).body.reason).toBe(
      'no_match',
    );
  });

  it('/authenticate-score reveals the score only on success', async () => {
    const e = await enrol(['Tony_Blair_0002'], { accuracy: '3' }); // Tony_Blair_0001 shows a second face in the background
    const ok = (await auth('/authenticate-score', e.token, 'Tony_Blair_0001').expect(200)).body;
    expect(ok).toMatchObject({ ok: true, authenticated: true, accuracy: 3, threshold: 0.3408 });
    expect(ok.score).toBeGreaterThan(0.3408);
    const no = (await auth('/authenticate-score', e.token, 'Serena_Williams_0001').expect(200)).body;
    expect(no).toMatchObject({ authenticated: false, score: null, reason: 'no_match', accuracy: 3 });
  });

  it('releases a stable secret on request', async () => {
    const e = await enrol(['Colin_Powell_0001', 'Colin_Powell_0002']);
    const a = (await auth('/authenticate', e.token, 'Colin_Powell_0002', { release_key: 'vault' }).expect(200)).body;
    const b = (await auth('/authenticate', e.token, 'Colin_Powell_0001', { release_key: 'vault' }).expect(200)).body;
    expect(a.released_key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.released_key).toBe(a.released_key);
  });

  it('refuses enrolment photos with no face, several faces, or of different people, and missing secrets', async () => {
    const none = await gen()
      .field('password', 'x')
      .field('scope', 's')
      .attach('image', await noFace(), 'n.jpg')
      .expect(400);
    expect(none.body.code).toBe('no_face');
    const two = await gen()
      .field('password', 'x')
      .field('scope', 's')
      .attach('image', await twoFaces(), 't.jpg')
      .expect(400);
    expect(two.body).toMatchObject({ code: 'several_faces', error: "'photo' shows 2 faces; an enrolment photo must show exactly one" });
    const mixed = await gen()
      .field('password', 'x')
      .field('scope', 's')
      .attach('image', fixture('Colin_Powell_0001'), 'a.jpg')
      .attach('image', fixture('Jennifer_Aniston_0001'), 'b.jpg')
      .expect(400);
    expect(mixed.body.code).toBe('inconsistent_photos');
    const noPw = await gen().field('scope', 's').attach('image', fixture('Colin_Powell_0001'), 'a.jpg').expect(400);
    expect(noPw.body.error).toBe("missing field 'password'");
    const badTtl = await gen()
      .field('password', 'x')
      .field('scope', 's')
      .field('ttl', '5')
      .attach('image', fixture('Colin_Powell_0001'), 'a.jpg')
      .expect(400);
    expect(badTtl.body.error).toMatch(/'ttl' must be whole seconds/);
    const badToken = await auth('/authenticate', 'not-a-token!', 'Colin_Powell_0001').expect(400);
    expect(badToken.body.code).toBe('invalid_token');
  });

  it('a sandbox token is refused by a production client', async () => {
    const sandbox = (
      await request(http).post('/generateToken').set('X-Auth-Token', ADMIN).send({ name: 'sb', environment: 'sandbox' }).expect(200)
    ).body.client_token as string;
    const e = await enrol(['Tony_Blair_0002'], {}, sandbox);
    expect((await auth('/authenticate', e.token, 'Tony_Blair_0001', {}, sandbox).expect(200)).body.authenticated).toBe(true);
    expect((await auth('/authenticate', e.token, 'Tony_Blair_0001').expect(200)).body).toEqual({
      ok: true,
      authenticated: false,
      reason: 'wrong_environment',
    });
  });

  it('revocation by token id is checked on every verification; only the issuing client may revoke', async () => {
    const e = await enrol(['Jennifer_Aniston_0001']);
    const other = (
      await request(http).post('/generateToken').set('X-Auth-Token', ADMIN).send({ name: 'other', environment: 'production' }).expect(200)
    ).body.client_token as string;
    await request(http).post('/revoke').set('X-Auth-Token', other).send({ token_id: e.token_id }).expect(404);
    const r = await request(http).post('/revoke').set('X-Auth-Token', t.token).send({ token_id: e.token_id }).expect(200);
    expect(r.body.token_id).toBe(e.token_id);
    expect((await auth('/authenticate', e.token, 'Jennifer_Aniston_0001').expect(200)).body).toEqual({
      ok: true,
      authenticated: false,
      reason: 'revoked',
    });
  });

  it('an expired token is refused (the app clock is moved, never slept on)', async () => {
    const e = await enrol(['Serena_Williams_0001'], { expires_at: new Date(t.clock.now().getTime() + 60_000).toISOString() });
    try {
      expect((await auth('/authenticate', e.token, 'Serena_Williams_0001').expect(200)).body.authenticated).toBe(true);
      t.clock.advance(30_000);
      expect((await auth('/authenticate', e.token, 'Serena_Williams_0001').expect(200)).body.authenticated).toBe(true);
      t.clock.advance(31_000);
      expect((await auth('/authenticate', e.token, 'Serena_Williams_0001').expect(200)).body).toEqual({
        ok: true,
        authenticated: false,
        reason: 'expired',
      });
    } finally {
      t.clock.reset();
    }
  });

  it('expires_at and ttl are read against the app clock', async () => {
    t.clock.advance(3_600_000);
    try {
      // half an hour ahead on the wall is already past for the app
      const past = await gen()
        .field('password', 'x')
        .field('scope', 's')
        .field('expires_at', new Date(Date.now() + 1_800_000).toISOString())
        .attach('photo', fixture('Colin_Powell_0001'), 'a.jpg')
        .expect(400);
      expect(past.body.error).toBe("'expires_at' must be in the future");
      const e = await enrol(['Colin_Powell_0001'], { ttl: '60' });
      // an hour and a minute ahead of the wall, a minute ahead of the app
      expect(Date.parse(e.expires_at!)).toBeGreaterThan(Date.now() + 3_600_000);
      expect(Date.parse(e.expires_at!)).toBeLessThanOrEqual(t.clock.now().getTime() + 60_000);
    } finally {
      t.clock.reset();
    }
  });

  it('locks a token after 5 consecutive failures, even against the right face and secrets; audited without the token', async () => {
    const e = await enrol(['George_W_Bush_0002']);
    for (let i = 0; i < 5; i++)
      expect((await auth('/authenticate', e.token, 'George_W_Bush_0001', { password: `guess ${i}` }).expect(200)).body.reason).toBe(
        'no_match',
      );
    const locked = await auth('/authenticate', e.token, 'George_W_Bush_0001').expect(200);
    expect(locked.body).toEqual({ ok: true, authenticated: false, reason: 'locked' });
    const ds = t.app.get<DataSource>(DATA_SOURCE);
    const [row] = await ds.query<{ consecutive_failures: number; locked_until: Date }[]>(
      `SELECT consecutive_failures, locked_until FROM identity_tokens WHERE token_id = decode($1, 'hex')`,
      [e.token_id],
    );
    expect(row.consecutive_failures).toBe(5);
    expect(new Date(row.locked_until).getTime()).toBeGreaterThan(Date.now() + 50_000);
    const rec = (
      await request(http).get(`/admin/audit?request_id=${locked.headers['x-request-id']}`).set('X-Auth-Token', ADMIN).expect(200)
    ).body.records[0];
    expect(rec).toMatchObject({ endpoint: '/authenticate', decision: 'not_authenticated', status: 200 });
    expect(rec.token_ref).toMatch(/^[0-9a-f]{32}$/);
    const dump =
      JSON.stringify(await ds.query('SELECT * FROM audit_log')) + JSON.stringify(await ds.query('SELECT * FROM identity_tokens'));
    expect(dump).not.toContain(e.token.slice(100, 160));
    expect(dump).not.toContain(secrets.password);
  });
});

describe('liveness gate (default on)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a photo the liveness model scores below the gate threshold: 400 at enrolment, authenticated false at verification', async () => {
    const http = t.app.getHttpServer();
    const scored = await request(http)
      .post('/liveness')
      .set('X-Auth-Token', t.token)
      .attach('image', fixture('George_W_Bush_0002'), 'p.jpg')
      .expect(200);
    expect(scored.body.score).toBeLessThan(t.config.livenessGateThreshold);
    const refused = await request(http)
      .post('/generate')
      .set('X-Auth-Token', t.token)
      .field('password', 'pw')
      .field('scope', 's')
      .attach('image', fixture('George_W_Bush_0002'), 'p.jpg')
      .expect(400);
    expect(refused.body).toEqual({
      ok: false,
      error: "'photo' failed the liveness check (presentation attack suspected)",
      code: 'liveness_failed',
    });
    const e = await request(http)
      .post('/generate')
      .set('X-Auth-Token', t.token)
      .field('password', 'pw')
      .field('scope', 's')
      .attach('image', fixture('George_W_Bush_0001'), 'a.jpg')
      .expect(200);
    const probe = await request(http)
      .post('/authenticate')
      .set('X-Auth-Token', t.token)
      .field('token', e.body.token as string)
      .field('password', 'pw')
      .field('scope', 's')
      .attach('photo', fixture('George_W_Bush_0002'), 'p.jpg')
      .expect(200);
    // a refused presentation is a failed verification: integrations reading r.authenticated see false
    expect(probe.body).toEqual({ ok: true, authenticated: false, reason: 'not_live' });
    const audit = await request(http)
      .get(`/audit?request_id=${String(probe.headers['x-request-id'])}`)
      .set('X-Auth-Token', t.token)
      .expect(200);
    expect(audit.body.records[0]).toMatchObject({ decision: 'presentation_attack_suspected', status: 200 });
    const ds = t.app.get<DataSource>(DATA_SOURCE);
    const [row] = (await ds.query(`SELECT consecutive_failures AS n FROM identity_tokens WHERE token_id = $1`, [
      Buffer.from(e.body.token_id as string, 'hex'),
    ])) as { n: number }[];
    expect(row.n).toBe(1); // it counts toward the lockout
    // /rotate: the photos that would open the old token are refused the same way
    const rot = await request(http)
      .post('/rotate')
      .set('X-Auth-Token', t.token)
      .field('token', e.body.token as string)
      .field('password', 'pw')
      .field('scope', 's')
      .attach('photo', fixture('George_W_Bush_0002'), 'p.jpg')
      .expect(200);
    expect(rot.body).toEqual({ ok: true, rotated: false, reason: 'not_live' });
  });

  it('takes `image` as an alias of `photo` (multipart and JSON)', async () => {
    const http = t.app.getHttpServer();
    const e = await request(http)
      .post('/generate')
      .set('X-Auth-Token', t.token)
      .field('password', 'pw')
      .field('scope', 's')
      .attach('image', fixture('George_W_Bush_0001'), 'a.jpg')
      .expect(200);
    const probe = await request(http)
      .post('/authenticate')
      .set('X-Auth-Token', t.token)
      .send({ token: e.body.token, password: 'pw', scope: 's', image: fixture('Colin_Powell_0001').toString('base64') })
      .expect(200);
    expect(probe.body).toEqual({ ok: true, authenticated: false, reason: 'no_match' });
  });
});
