import { DATA_SOURCE } from '@facenition/database';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { fixture } from './support/images';
import { ADMIN, startTestApp, type TestApp } from './support/app';
import { testDatabase, type TestDatabase } from './support/database';
import { startServerProcess, stopServerProcess, type ServerProcess } from './support/server-process';

jest.setTimeout(180_000);

/**
 * Regression tests for the defects found by probing the running server (issue #9). Each test
 * reproduces a probe that succeeded before the fix.
 */
describe('security fixes (issue #9): real models, real Postgres', () => {
  let t: TestApp;
  let http: ReturnType<TestApp['app']['getHttpServer']>;
  beforeAll(async () => {
    t = await startTestApp({
      FACENITION_LIVENESS_GATE: 'off',
      FACENITION_AUTH_MAX_FAILURES: '100000',
      FACENITION_ROTATION_GRACE_SECONDS: '3600',
    });
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const ds = () => t.app.get<DataSource>(DATA_SOURCE);
  const admin = (path: string) => request(http).post(path).set('X-Auth-Token', ADMIN);
  const createClient = async (body: Record<string, unknown> = {}) => {
    const r = await admin('/generateToken').send({ name: 'probe', environment: 'production', plan: 'enterprise', ...body });
    expect(r.status).toBe(200);
    return r.body as { client: { client_id: string; tenant: string }; client_token: string; client_secret: string };
  };
  const secrets = { password: 'a user secret', scope: 'app:login' };
  const enrol = async (client: string, photo: string, fields: Record<string, string> = {}) => {
    let r = request(http).post('/generate').set('X-Auth-Token', client);
    for (const [k, v] of Object.entries({ ...secrets, ...fields })) r = r.field(k, v);
    const res = await r.attach('image', fixture(photo), 'e.jpg');
    expect(res.status).toBe(200);
    return res.body as { token: string; token_id: string };
  };
  const verify = (path: string, client: string, token: string, photo: string, fields: Record<string, string> = {}) => {
    let r = request(http).post(path).set('X-Auth-Token', client).field('token', token);
    for (const [k, v] of Object.entries({ ...secrets, ...fields })) r = r.field(k, v);
    return r.attach('image', fixture(photo), 'p.jpg');
  };
  const failures = async (tokenId: string) =>
    (
      (await ds().query(`SELECT consecutive_failures AS n, locked_until FROM identity_tokens WHERE token_id = $1`, [
        Buffer.from(tokenId, 'hex'),
      ])) as { n: number; locked_until: Date | null }[]
    )[0];

  describe('1. who may rotate a client token', () => {
    it('a short-lived access token cannot become a long-lived client token', async () => {
      const c = await createClient();
      const at = await request(http)
        .post('/token')
        .auth(c.client.client_id, c.client_secret)
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(200);
      expect(at.body.client_token).toMatch(/^fna_/);
      const r = await request(http).post('/me/rotate').set('X-Auth-Token', at.body.client_token).send({ grace_seconds: 7_776_000 });
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ ok: false, code: 'forbidden' });
      expect(r.body.client_token).toBeUndefined();
      // the long-lived token still works: nothing was rotated
      await request(http).get('/me').set('X-Auth-Token', c.client_token).expect(200);
    });

    it('a rotated-out token in its grace period cannot rotate again and cut off the owner', async () => {
      const c = await createClient();
      const first = await request(http).post('/me/rotate').set('X-Auth-Token', c.client_token).send({ grace_seconds: 600 }).expect(200);
      const current = first.body.client_token as string;
      const again = await request(http).post('/me/rotate').set('X-Auth-Token', c.client_token).send({ grace_seconds: 0 });
      expect(again.status).toBe(403);
      expect(again.body.code).toBe('forbidden');
      await request(http).get('/me').set('X-Auth-Token', current).expect(200);
      await request(http).get('/me').set('X-Auth-Token', c.client_token).expect(200); // still in its grace period
    });

    it('bounds the grace period: self-service at most the configured default, admin at most 30 days', async () => {
      const c = await createClient();
      const self = await request(http).post('/me/rotate').set('X-Auth-Token', c.client_token).send({ grace_seconds: 7_776_000 });
      expect(self.status).toBe(400);
      expect(self.body.error).toMatch(/grace_seconds/);
      const over = await request(http).post('/me/rotate').set('X-Auth-Token', c.client_token).send({ grace_seconds: 3601 });
      expect(over.status).toBe(400);
      expect(over.body.error).toBe('grace_seconds may be at most 3600 for a self-service rotation');
      await request(http).get('/me').set('X-Auth-Token', c.client_token).expect(200);
      const byAdmin = await admin(`/admin/clients/${c.client.client_id}/rotate`).send({ grace_seconds: 31 * 86_400 });
      expect(byAdmin.status).toBe(400);
      await admin(`/admin/clients/${c.client.client_id}/rotate`)
        .send({ grace_seconds: 30 * 86_400 })
        .expect(200);
    });

    it('of two concurrent self-rotations with the same token exactly one succeeds, and its new token works', async () => {
      const c = await createClient();
      const rs = await Promise.all([1, 2].map(() => request(http).post('/me/rotate').set('X-Auth-Token', c.client_token).send({})));
      // the loser either lost the swap (409) or authenticated after it with what is now a rotated-out token (403)
      const statuses = rs.map((r) => r.status).sort();
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      const winner = rs.find((r) => r.status === 200)!;
      await request(http).get('/me').set('X-Auth-Token', winner.body.client_token).expect(200);
    });
  });

  describe('2 and 3. the enrolment level binds the token; a failure reveals no score', () => {
    // Tony_Blair_0002 vs _0001: same person at cosine ~0.47: the key opens (decoding radius ~0.25)
    // but the score stays under level 8's threshold (0.636)
    let level8: { token: string; token_id: string };
    beforeAll(async () => {
      level8 = await enrol(t.token, 'Tony_Blair_0002', { accuracy: '8' });
    });

    it('refuses to verify a level-8 token at a lower level', async () => {
      for (const path of ['/authenticate', '/authenticate-score']) {
        const r = await verify(path, t.token, level8.token, 'Tony_Blair_0001', { accuracy: '1' });
        expect(r.status).toBe(400);
        expect(r.body).toEqual({
          ok: false,
          code: 'accuracy_below_token_level',
          error: "accuracy 1 is below this token's level 8: verify at 8 or higher (or omit accuracy)",
        });
      }
      const held = await verify('/authenticate', t.token, level8.token, 'Tony_Blair_0001').expect(200);
      expect(held.body).toEqual({ ok: true, authenticated: false, reason: 'no_match' });
      // refused requests never touched the failure counter; the one verification at level 8 did
      expect((await failures(level8.token_id)).n).toBe(1);
    });

    it('/authenticate-score answers a failed attempt without its score (and the audit record holds none)', async () => {
      const r = await verify('/authenticate-score', t.token, level8.token, 'Tony_Blair_0001').expect(200);
      expect(r.body).toEqual({
        ok: true,
        authenticated: false,
        score: null,
        threshold: 0.636,
        calibration: 'builtin',
        accuracy: 8,
        reason: 'no_match',
      });
      const own = await request(http)
        .get(`/audit?request_id=${String(r.headers['x-request-id'])}`)
        .set('X-Auth-Token', t.token)
        .expect(200);
      expect(own.body.records).toHaveLength(1);
      expect(own.body.records[0]).toMatchObject({ decision: 'not_authenticated', score: null, threshold: 0.636 });
      const ok = await verify('/authenticate-score', t.token, level8.token, 'Tony_Blair_0002').expect(200);
      expect(ok.body).toMatchObject({ authenticated: true, accuracy: 8 });
      expect(ok.body.score).toBeGreaterThan(0.636);
      // the handler states the audit facts explicitly: decision, score (on success), threshold, level and the token reference
      const rec = await request(http)
        .get(`/audit?request_id=${String(ok.headers['x-request-id'])}`)
        .set('X-Auth-Token', t.token)
        .expect(200);
      expect(rec.body.records[0]).toMatchObject({ decision: 'authenticated', score: ok.body.score, threshold: 0.636, accuracy: 8 });
      expect(rec.body.records[0].token_ref).toMatch(/^[0-9a-f]{32}$/);
    });
  });

  describe('4. junk that used to reach PostgreSQL is refused at the edge', () => {
    const noErrorsLogged = (before: number) => expect(t.logger.lines.slice(before).filter((l) => l.startsWith('error'))).toEqual([]);

    it('/token with a 36-character non-UUID client_id', async () => {
      const before = t.logger.lines.length;
      for (const id of ['-'.repeat(36), 'z'.repeat(36), '0123456789abcdef0123456789abcdef-123']) {
        const r = await request(http).post('/token').send({ client_id: id, client_secret: 'fns_x' });
        expect(r.status).toBe(401);
        expect(r.body).toEqual({ ok: false, error: 'invalid client credentials', code: 'invalid_client' });
      }
      noErrorsLogged(before);
    });

    it('audit filters with NUL or an out-of-range sequence number', async () => {
      const before = t.logger.lines.length;
      const cases: [string, string][] = [
        ['/audit?endpoint=%00', t.token],
        ['/audit?request_id=%00', t.token],
        ['/audit?after_seq=9223372036854775808', t.token],
        ['/admin/audit?endpoint=%00', ADMIN],
        ['/admin/audit?request_id=%00', ADMIN],
        ['/admin/audit?after_seq=9223372036854775808', ADMIN],
        ['/admin/audit/export?endpoint=%00', ADMIN],
      ];
      for (const [path, cred] of cases) {
        const r = await request(http).get(path).set('X-Auth-Token', cred);
        expect([path, r.status]).toEqual([path, 400]);
        expect(r.body.ok).toBe(false);
        expect(r.body.error).not.toContain('\u0000');
      }
      await request(http).get('/admin/audit?after_seq=9223372036854775807').set('X-Auth-Token', ADMIN).expect(200);
      noErrorsLogged(before);
    });

    it('a client id of 36 dashes on /admin/clients/:id/revoke, and a NUL in a client name', async () => {
      const before = t.logger.lines.length;
      const r = await admin(`/admin/clients/${'-'.repeat(36)}/revoke`).send({});
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('client_not_found');
      const nul = await admin('/generateToken').send({ name: 'evil\u0000name' });
      expect(nul.status).toBe(400);
      expect(nul.body).toEqual({ ok: false, error: "'name' contains a NUL character", code: 'invalid_field' });
      noErrorsLogged(before);
    });
  });

  describe('4 (found by the junk-input suite). loose numbers, trailing junk, forged key-derivation costs', () => {
    it('grace_seconds must be a whole number: [], true, " ", "0x10", "1e3" are refused, not read as 0, 1, 16 or 1000', async () => {
      const c = await createClient();
      for (const grace of [' ', [], true, '0x10', '1e3', -1]) {
        const r = await request(http).post('/me/rotate').set('X-Auth-Token', c.client_token).send({ grace_seconds: grace });
        expect([JSON.stringify(grace), r.status]).toEqual([JSON.stringify(grace), 400]);
      }
      await request(http).get('/me').set('X-Auth-Token', c.client_token).expect(200); // never rotated
      // an empty form field is a field not sent: the default grace applies (never 0, which would cut the old token off)
      const form = await request(http).post('/me/rotate').set('X-Auth-Token', c.client_token).type('form').send('grace_seconds=');
      expect(form.status).toBe(200);
      expect(Date.parse(form.body.previous_token_valid_until as string) - Date.now()).toBeGreaterThan(3500 * 1000);
      await request(http).get('/me').set('X-Auth-Token', c.client_token).expect(200); // the previous token is in its grace period
    });

    it('/revoke refuses a token_id with trailing junk instead of revoking the token it starts with', async () => {
      const e = await enrol(t.token, 'Colin_Powell_0001');
      const r = await request(http)
        .post('/revoke')
        .set('X-Auth-Token', t.token)
        .send({ token_id: `${e.token_id}zz-not-hex` });
      expect(r.status).toBe(400);
      expect((await verify('/authenticate', t.token, e.token, 'Colin_Powell_0002').expect(200)).body.authenticated).toBe(true);
    });

    it('a token whose key-derivation cost was raised is refused before any work', async () => {
      const e = await enrol(t.token, 'Colin_Powell_0001');
      const raw = Buffer.from(e.token, 'base64url');
      for (const [offset, value] of [
        [2, 20], // scrypt N = 2^20 (1 GiB with r = 8)
        [3, 32], // r = 32
        [4, 16], // p = 16
      ]) {
        const forged = Buffer.from(raw);
        forged[offset] = value;
        const r = await verify('/authenticate', t.token, forged.toString('base64url'), 'Colin_Powell_0002');
        expect(r.status).toBe(400);
        expect(r.body.code).toBe('unsupported_kdf');
      }
      expect(await failures(e.token_id)).toEqual({ n: 0, locked_until: null });
    });
  });

  describe('5. identity tokens belong to the tenant of the client that minted them', () => {
    it('another client of the same environment can neither use, lock, rotate nor revoke the token', async () => {
      const b = await createClient({ name: 'another customer' });
      const e = await enrol(t.token, 'Colin_Powell_0001');
      for (const path of ['/authenticate', '/authenticate-score']) {
        const r = await verify(path, b.client_token, e.token, 'Colin_Powell_0002');
        expect(r.status).toBe(404);
        expect(r.body).toEqual({ ok: false, error: 'no such identity token for this client', code: 'token_not_found' });
      }
      for (let i = 0; i < 6; i++)
        await verify('/authenticate', b.client_token, e.token, 'Colin_Powell_0002', { password: 'guess' }).expect(404);
      const rot = await verify('/rotate', b.client_token, e.token, 'Colin_Powell_0002');
      expect(rot.status).toBe(404);
      await request(http).post('/revoke').set('X-Auth-Token', b.client_token).send({ token: e.token }).expect(404);
      expect(await failures(e.token_id)).toEqual({ n: 0, locked_until: null });
      expect((await verify('/authenticate', t.token, e.token, 'Colin_Powell_0002').expect(200)).body).toEqual({
        ok: true,
        authenticated: true,
      });
    });

    it('clients the admin put in the same tenant share tokens', async () => {
      const owner = await createClient({ name: 'okta hook', tenant: 'acme' });
      const sibling = await createClient({ name: 'keycloak', tenant: 'acme' });
      expect(sibling.client.tenant).toBe('acme');
      const e = await enrol(owner.client_token, 'George_W_Bush_0001');
      expect((await verify('/authenticate', sibling.client_token, e.token, 'George_W_Bush_0002').expect(200)).body.authenticated).toBe(
        true,
      );
      await request(http).post('/revoke').set('X-Auth-Token', sibling.client_token).send({ token_id: e.token_id }).expect(200);
      const other = await createClient({ name: 'a client joining by client id', tenant: t.clientId });
      const mine = await enrol(t.token, 'George_W_Bush_0002');
      expect((await verify('/authenticate', other.client_token, mine.token, 'George_W_Bush_0001').expect(200)).body.authenticated).toBe(
        true,
      );
      const bad = await admin('/generateToken').send({ name: 'x', tenant: 'no spaces allowed' });
      expect(bad.status).toBe(400);
    });

    it('altered copies of a token are refused without moving the genuine token’s failure counter', async () => {
      const e = await enrol(t.token, 'Jennifer_Aniston_0001');
      const raw = Buffer.from(e.token, 'base64url');
      for (let i = 0; i < 6; i++) {
        const copy = Buffer.from(raw);
        copy[100 + i] ^= 0x01; // one helper byte flipped
        const r = await verify('/authenticate', t.token, copy.toString('base64url'), 'Jennifer_Aniston_0001');
        expect(r.status).toBe(400);
        expect(r.body.code).toBe('invalid_token');
      }
      expect(await failures(e.token_id)).toEqual({ n: 0, locked_until: null });
      expect((await verify('/authenticate', t.token, e.token, 'Jennifer_Aniston_0001').expect(200)).body.authenticated).toBe(true);
    });
  });

  describe('8. responses that carry secrets are not cacheable', () => {
    it('sets Cache-Control: no-store and X-Content-Type-Options: nosniff', async () => {
      const c = await createClient();
      const at = await request(http).post('/token').send({ client_id: c.client.client_id, client_secret: c.client_secret }).expect(200);
      const rot = await request(http).post('/me/rotate').set('X-Auth-Token', c.client_token).send({}).expect(200);
      const gen = await request(http)
        .post('/generate')
        .set('X-Auth-Token', t.token)
        .field('password', 'p')
        .field('scope', 's')
        .attach('image', fixture('Colin_Powell_0001'), 'e.jpg')
        .expect(200);
      const rel = await request(http)
        .post('/authenticate')
        .set('X-Auth-Token', t.token)
        .field('token', gen.body.token as string)
        .field('password', 'p')
        .field('scope', 's')
        .field('release_key', 'vault')
        .attach('image', fixture('Colin_Powell_0002'), 'p.jpg')
        .expect(200);
      expect(rel.body.released_key).toBeDefined();
      const denied = await request(http).get('/me').expect(401);
      for (const r of [await admin('/generateToken').send({ name: 'cache' }).expect(200), at, rot, gen, rel, denied]) {
        expect(r.headers['cache-control']).toBe('no-store');
        expect(r.headers['x-content-type-options']).toBe('nosniff');
        // helmet's headers, and no framework banner
        expect(r.headers['content-security-policy']).toMatch(/default-src 'self'/);
        expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(r.headers['referrer-policy']).toBe('no-referrer');
        expect(r.headers['strict-transport-security']).toMatch(/max-age=\d+/);
        expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');
        expect(r.headers['x-powered-by']).toBeUndefined();
      }
    });
  });

  describe('10. the server always generates the request id', () => {
    it('a client-chosen X-Request-Id is kept apart and cannot make two records share an id', async () => {
      const mine = `probe-${Date.now()}`;
      const r1 = await request(http).get('/me').set('X-Auth-Token', t.token).set('X-Request-Id', mine).expect(200);
      const r2 = await request(http).get('/me').set('X-Auth-Token', t.token).set('X-Request-Id', mine).expect(200);
      expect(r1.headers['x-request-id']).not.toBe(mine);
      expect(r1.headers['x-request-id']).not.toBe(r2.headers['x-request-id']);
      const q = await request(http).get(`/admin/audit?client_request_id=${mine}`).set('X-Auth-Token', ADMIN).expect(200);
      const records = q.body.records as { request_id: string; client_request_id: string }[];
      expect(records.map((r) => r.request_id).sort()).toEqual([r1.headers['x-request-id'], r2.headers['x-request-id']].sort());
      expect(records.every((r) => r.client_request_id === mine)).toBe(true);
      expect((await request(http).get('/admin/audit/verify').set('X-Auth-Token', ADMIN).expect(200)).body.verification.ok).toBe(true);
    });
  });

  describe('12. ill-formed Unicode secrets are refused', () => {
    it('passwords with lone surrogates cannot collapse to the same secret', async () => {
      const image = fixture('Colin_Powell_0001').toString('base64');
      const gen = await request(http)
        .post('/generate')
        .set('X-Auth-Token', t.token)
        .send({ image, password: '\ud800secret', scope: 'app:login' });
      expect(gen.status).toBe(400);
      expect(gen.body).toEqual({
        ok: false,
        error: "'password' is not well-formed Unicode (it holds a lone UTF-16 surrogate)",
        code: 'invalid_field',
      });
      const e = await enrol(t.token, 'Colin_Powell_0001', { password: '\ufffdsecret' });
      const probe = await request(http)
        .post('/authenticate')
        .set('X-Auth-Token', t.token)
        .send({ token: e.token, image: fixture('Colin_Powell_0002').toString('base64'), password: '\udfffsecret', scope: 'app:login' });
      expect(probe.status).toBe(400);
      expect(probe.body.code).toBe('invalid_field');
      // a well-formed astral character (a surrogate pair) is fine
      await enrol(t.token, 'Colin_Powell_0001', { password: 'secret \ud83d\ude00' });
    });
  });
});

/**
 * Raw HTTP, to control when (and whether) a request body is sent. The answer must come within 5 s
 * (a server that waits for the rest of the body never answers: the request is then destroyed).
 */
function rawPost(port: number, path: string, headers: Record<string, string>, declaredLength: number) {
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    headers: { ...headers, 'content-length': String(declaredLength) },
  });
  const response = new Promise<{ status: number; body: string; headers: IncomingMessage['headers'] }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within 5 s to ${path}: the server is waiting for the body`));
    }, 5000);
    req.on('close', () => clearTimeout(timer));
  });
  return { req, response };
}

describe('6. unauthenticated requests cannot make the server read large bodies', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestApp({
      FACENITION_MAX_UNAUTHENTICATED_BODIES: '2',
      FACENITION_MAX_INFLIGHT_BODIES: '4',
      FACENITION_AUTH_MAX_FAILURES: '5',
      FACENITION_AUTH_WINDOW_SECONDS: '2',
    });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t.close();
  });

  it('a wrong X-Auth-Token is refused before the body is read', async () => {
    const { req, response } = rawPost(
      port,
      '/match',
      { 'content-type': 'application/json', 'x-auth-token': 'fnc_wrong' },
      30 * 1024 * 1024,
    );
    req.write('{"image1":"'); // 11 of 31,457,280 announced bytes; the rest never comes
    const r = await response;
    req.destroy();
    expect(r.status).toBe(401);
    expect(r.headers.connection).toBe('close');
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, code: 'unauthenticated' });
  });

  it('bodies without a credential header are read only within a few concurrent slots', async () => {
    const hold = [0, 1].map(() => {
      const p = rawPost(port, '/match', { 'content-type': 'application/json' }, 1024 * 1024);
      p.req.write('{"auth_token":"'); // slow upload: the slot stays taken
      p.response.catch(() => undefined);
      return p;
    });
    await new Promise((r) => setTimeout(r, 300));
    const third = rawPost(port, '/match', { 'content-type': 'application/json' }, 1024 * 1024);
    third.req.write('{');
    const r = await third.response;
    third.req.destroy();
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('1');
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, code: 'busy' });
    // a request with the credential in the header is not held up by them
    const ok = await request(t.app.getHttpServer())
      .post('/match')
      .set('X-Auth-Token', t.token)
      .attach('image1', fixture('Colin_Powell_0001'), 'a.jpg')
      .attach('image2', fixture('Colin_Powell_0002'), 'b.jpg');
    expect(ok.status).toBe(200);
    for (const h of hold) h.req.destroy();
  });

  it('at most FACENITION_MAX_INFLIGHT_BODIES requests with a body are in flight; slots are returned', async () => {
    const hold = [0, 1, 2, 3].map(() => {
      const p = rawPost(port, '/match', { 'content-type': 'application/json', 'x-auth-token': t.token }, 1024 * 1024);
      p.req.write('{"image1":"'); // authenticated, but slow: each holds an in-flight slot
      p.response.catch(() => undefined);
      return p;
    });
    await new Promise((r) => setTimeout(r, 300));
    const fifth = rawPost(port, '/match', { 'content-type': 'application/json', 'x-auth-token': t.token }, 2);
    fifth.req.end('{}');
    const r = await fifth.response;
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, code: 'busy' });
    for (const h of hold) h.req.destroy();
    await new Promise((res) => setTimeout(res, 300));
    // every slot came back: more sequential requests than slots all get through
    for (let i = 0; i < 10; i++) {
      const ok = await request(t.app.getHttpServer())
        .post('/detect')
        .set('X-Auth-Token', t.token)
        .attach('image', fixture('Colin_Powell_0001'), 'a.jpg');
      expect(ok.status).toBe(200);
    }
  });

  it('requests without any credential count against the address limit', async () => {
    await new Promise((r) => setTimeout(r, 2100)); // a fresh window: earlier tests' failures have expired
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await request(t.app.getHttpServer()).post('/detect').send({})).status);
    // 5 failures allowed per window, then the address is refused before anything is read
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });
});

describe('9. the generated admin credential never reaches the log', () => {
  let dataDir: string;
  let db: TestDatabase;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'facenition-admin-'));
    db = await testDatabase();
  });
  afterAll(async () => {
    if (server) await stopServerProcess(server);
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the first start names the file (mode 0600) and logs no credential when stdout is not a terminal', async () => {
    const env: Record<string, string> = {
      FACENITION_DATA_DIR: dataDir,
      FACENITION_WORKERS: '1',
      FACENITION_LOG_LEVEL: 'verbose',
      FACENITION_PEPPER: Buffer.alloc(32, 3).toString('base64'),
      ...(db.url ? { DATABASE_URL: db.url } : {}),
    };
    server = await startServerProcess(env);
    const file = join(dataDir, 'admin-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const credential = readFileSync(file, 'utf8').trim();
    expect(credential.length).toBeGreaterThanOrEqual(24);
    const log = server.output.join('');
    expect(log).toContain(`generated the admin credential into ${file} (mode 0600)`);
    expect(log).not.toContain(credential);
    // and the credential in the file works
    const r = await fetch(`${server.base}/admin/clients`, { headers: { 'x-auth-token': credential } });
    expect(r.status).toBe(200);
  });
});

describe('public routes under a base path', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ FACENITION_BASE_PATH: '/api/v1', FACENITION_AUTH_MAX_FAILURES: '2' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('/token and the health probes stay open under the base path; /token failures count toward the address limit', async () => {
    const http = t.app.getHttpServer();
    const created = await request(http).post('/api/v1/generateToken').set('X-Auth-Token', ADMIN).send({ name: 'x' });
    expect(created.status).toBe(200);
    // recognised as the public /token under the base path: its small body limit applies (64 KiB, not FACENITION_MAX_BODY_BYTES)
    const big = await request(http)
      .post('/api/v1/token')
      .send({ client_id: t.clientId, client_secret: 'x'.repeat(100 * 1024) });
    expect([big.status, big.body.code]).toEqual([413, 'body_too_large']);
    for (let i = 0; i < 4; i++) {
      await request(http).get('/api/v1/health/live').expect(200);
      // a wrong secret at /token is refused by /token itself (401), not by the early credential check
      const r = await request(http).post('/api/v1/token').send({ client_id: t.clientId, client_secret: 'fns_wrong' });
      expect([i, r.status, r.body.code]).toEqual([i, i < 2 ? 401 : 429, i < 2 ? 'invalid_client' : 'rate_limited']);
    }
    // the address is blocked now, before any credential or body is looked at
    await request(http).get('/api/v1/me').set('X-Auth-Token', t.token).expect(429);
  });
});
