import request from 'supertest';
import { tokenRef } from '../apps/gateway/src/tokens/identity-token.codec';
import { fixture } from './support/images';
import { ADMIN, startTestApp, type TestApp } from './support/app';

jest.setTimeout(300_000);

/**
 * 1:N roster identification (/identify, /generate roster=…) on the real models and database:
 * who is found, who is not, which tokens take part, the door limits and the audit record, and
 * the authorisation of the endpoint (other tenant, other environment, short-lived token, none).
 */
describe('/identify: 1:N over a roster of identity tokens', () => {
  let t: TestApp;
  let http: ReturnType<TestApp['app']['getHttpServer']>;
  beforeAll(async () => {
    t = await startTestApp({
      FACENITION_LIVENESS_GATE: 'off',
      FACENITION_IDENTIFY_ROSTER_FAILURES: '3',
      FACENITION_IDENTIFY_CLIENT_FAILURES: '5',
      FACENITION_IDENTIFY_WINDOW_SECONDS: '600',
    });
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const secret = 'door-7 roster secret 0123456789';
  const scope = 'site:north/door-7';
  const admin = (path: string) => request(http).post(path).set('X-Auth-Token', ADMIN);
  const tenantOf = async () => (await request(http).get('/me').set('X-Auth-Token', t.token).expect(200)).body.client.tenant as string;
  const client = async (body: Record<string, unknown> = {}) => {
    const r = await admin('/generateToken').send({ name: 'door', environment: 'production', plan: 'enterprise', ...body });
    expect(r.status).toBe(200);
    return r.body as { client: { client_id: string; tenant: string }; client_token: string; client_secret: string };
  };
  const enrol = async (photo: string, fields: Record<string, string>, token = t.token) => {
    let r = request(http).post('/generate').set('X-Auth-Token', token);
    for (const [k, v] of Object.entries({ password: secret, scope, ...fields })) r = r.field(k, v);
    return r.attach('photo', fixture(photo), `${photo}.jpg`);
  };
  /** A roster of the given photos (level 3): tokens in order, and the roster id. */
  const roster = async (photos: string[], token = t.token) => {
    const tokens: { token: string; token_id: string }[] = [];
    let id = 'new';
    for (const p of photos) {
      const r = await enrol(p, { roster: id, accuracy: '3' }, token);
      expect(r.status).toBe(200);
      expect(r.body.roster_id).toMatch(/^[0-9a-f]{32}$/);
      if (id !== 'new') expect(r.body.roster_id).toBe(id);
      id = r.body.roster_id;
      tokens.push(r.body);
    }
    return { id, tokens };
  };
  const identify = (tokens: string[], photo: string, fields: Record<string, string> = {}, token = t.token) => {
    let r = request(http).post('/identify').set('X-Auth-Token', token).field('tokens', tokens.join('\n'));
    for (const [k, v] of Object.entries({ password: secret, scope, ...fields })) r = r.field(k, v);
    return r.attach('photo', fixture(photo), 'probe.jpg');
  };
  const people = ['George_W_Bush_0001', 'Colin_Powell_0001', 'Tony_Blair_0002', 'Gerhard_Schroeder_0003'];
  let door: Awaited<ReturnType<typeof roster>>;
  beforeAll(async () => {
    door = await roster(people);
  });

  it('finds the member a fresh photo belongs to, and nobody for a stranger', async () => {
    const r = await identify(
      door.tokens.map((x) => x.token),
      'George_W_Bush_0002',
    ).expect(200);
    expect(r.body).toMatchObject({
      ok: true,
      identified: true,
      roster_id: door.id,
      roster_size: 4,
      excluded: { revoked: 0, expired: 0, unknown: 0, altered: 0, wrong_environment: 0 },
      accuracy: 3,
      calibration: 'builtin',
      capped: false,
    });
    expect(r.body.matches).toHaveLength(1);
    expect(r.body.matches[0].token_id).toBe(door.tokens[0].token_id);
    // the roster-size rule: 4 members at level 3 (1e-3 per search) -> 2.5e-4 per comparison, stricter than level 3's threshold
    expect(r.body.threshold).toBeGreaterThan(0.3408);
    expect(r.body.threshold).toBeLessThan(0.4182);
    expect(r.body.expected_fpir).toBeCloseTo(1e-3, 10);
    expect(r.body.matches[0].score).toBeGreaterThanOrEqual(r.body.threshold);

    const powell = await identify(
      door.tokens.map((x) => x.token),
      'Colin_Powell_0002',
    ).expect(200);
    expect(powell.body.matches.map((m: { token_id: string }) => m.token_id)).toEqual([door.tokens[1].token_id]);

    const stranger = await identify(
      door.tokens.map((x) => x.token),
      'Serena_Williams_0001',
    ).expect(200);
    expect(stranger.body).toMatchObject({ identified: false, matches: [], reason: 'no_match' });
  });

  it('takes a JSON body (tokens as an array, the photo in base64), as the SDK sends it', async () => {
    const r = await request(http)
      .post('/identify')
      .set('X-Auth-Token', t.token)
      .send({
        tokens: door.tokens.map((x) => x.token),
        password: secret,
        scope,
        photo: fixture('Tony_Blair_0001').toString('base64'),
      })
      .expect(200);
    expect(r.body.identified).toBe(true);
    expect(r.body.matches[0].token_id).toBe(door.tokens[2].token_id);
  });

  it('a roster member also verifies 1:1 at /authenticate with the roster secret', async () => {
    const r = await request(http)
      .post('/authenticate')
      .set('X-Auth-Token', t.token)
      .field('token', door.tokens[0].token)
      .field('password', secret)
      .field('scope', scope)
      .attach('photo', fixture('George_W_Bush_0002'), 'p.jpg')
      .expect(200);
    expect(r.body).toEqual({ ok: true, authenticated: true });
  });

  it('refuses weak roster secrets, malformed roster ids, single tokens, mixed rosters and junk tokens with a clear 400', async () => {
    const weak = await enrol('Hugo_Chavez_0003', { roster: 'new', password: 'short secret' });
    expect(weak.status).toBe(400);
    expect(weak.body).toMatchObject({ ok: false, code: 'weak_roster_secret' });
    for (const bad of ['NEW', 'abc', '0'.repeat(31), 'G'.repeat(32), '0'.repeat(33)]) {
      const r = await enrol('Hugo_Chavez_0003', { roster: bad });
      expect(r.status).toBe(400);
      expect(r.body.error).toBe("'roster' must be new or a roster id (32 lower-case hex characters)");
    }
    const single = await enrol('Hugo_Chavez_0003', {});
    expect(single.status).toBe(200);
    const notRoster = await identify([door.tokens[0].token, single.body.token], 'George_W_Bush_0002').expect(400);
    expect(notRoster.body).toMatchObject({ ok: false, code: 'not_a_roster' });
    expect(notRoster.body.error).toContain("'tokens[1]'");
    const other = await roster(['Jennifer_Aniston_0001']);
    const mixed = await identify([door.tokens[0].token, other.tokens[0].token], 'George_W_Bush_0002').expect(400);
    expect(mixed.body.code).toBe('mixed_rosters');
    const junk = await identify([door.tokens[0].token, 'not-a-token'], 'George_W_Bush_0002').expect(400);
    expect(junk.body).toMatchObject({ code: 'invalid_token' });
    expect(junk.body.error).toContain("'tokens[1]'");
    const photo = fixture('George_W_Bush_0002').toString('base64');
    const none = await request(http)
      .post('/identify')
      .set('X-Auth-Token', t.token)
      .send({ tokens: [], password: secret, scope, photo })
      .expect(400);
    expect(none.body.error).toBe("'tokens' must hold at least one token");
    const lower = await identify(
      door.tokens.map((x) => x.token),
      'George_W_Bush_0002',
      { accuracy: '2' },
    ).expect(400);
    expect(lower.body.code).toBe('accuracy_below_token_level');
  });

  it('authorisation: no token, another tenant, another environment, a short-lived token', async () => {
    const tokens = door.tokens.map((x) => x.token);
    expect((await identify(tokens, 'George_W_Bush_0002', {}, '').expect(401)).body.ok).toBe(false);
    // another tenant's client: none of the tokens takes part (as if unknown), nobody is identified
    const stranger = await client({ tenant: 'another-hospital' });
    const foreign = await identify(tokens, 'George_W_Bush_0002', {}, stranger.client_token).expect(200);
    expect(foreign.body).toMatchObject({ identified: false, roster_size: 0, excluded: { unknown: 4 } });
    // the sandbox environment never opens production tokens
    const sandbox = await client({ environment: 'sandbox', tenant: await tenantOf() });
    const sb = await identify(tokens, 'George_W_Bush_0002', {}, sandbox.client_token).expect(200);
    expect(sb.body).toMatchObject({ identified: false, roster_size: 0, excluded: { wrong_environment: 4 } });
    // a client of the same tenant with a short-lived access token (client credentials) identifies
    const sibling = await client({ tenant: await tenantOf() });
    const access = await request(http)
      .post('/token')
      .auth(sibling.client.client_id, sibling.client_secret)
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(200);
    const ok = await identify(tokens, 'George_W_Bush_0002', {}, access.body.client_token as string).expect(200);
    expect(ok.body.identified).toBe(true);
  });

  it('revoked, altered and expired members take no part', async () => {
    const r = await roster(['George_W_Bush_0001', 'Colin_Powell_0001']);
    await request(http).post('/revoke').set('X-Auth-Token', t.token).send({ token_id: r.tokens[0].token_id }).expect(200);
    const after = await identify(
      r.tokens.map((x) => x.token),
      'George_W_Bush_0002',
    ).expect(200);
    expect(after.body).toMatchObject({ identified: false, roster_size: 1, excluded: { revoked: 1 } });
    // an altered copy of a member (one helper bit flipped) is not the issued token
    const bytes = Buffer.from(r.tokens[1].token, 'base64url');
    bytes[100] ^= 1;
    const altered = await identify([bytes.toString('base64url')], 'Colin_Powell_0002').expect(200);
    expect(altered.body).toMatchObject({ identified: false, excluded: { altered: 1 } });
    const short = await enrol('Tony_Blair_0002', { roster: r.id, accuracy: '3', ttl: '60' });
    expect(short.status).toBe(200);
    t.clock.advance(120_000);
    try {
      const expired = await identify([short.body.token], 'Tony_Blair_0001').expect(200);
      expect(expired.body).toMatchObject({ identified: false, excluded: { expired: 1 } });
    } finally {
      t.clock.reset();
    }
  });

  it('records one audit record per search: the matched token reference, no score when nobody was identified', async () => {
    const hit = await identify(
      door.tokens.map((x) => x.token),
      'Colin_Powell_0002',
    ).expect(200);
    expect(hit.body.matches[0].token_id).toBe(door.tokens[1].token_id);
    const rec = (await request(http).get(`/admin/audit?request_id=${hit.headers['x-request-id']}`).set('X-Auth-Token', ADMIN).expect(200))
      .body.records[0];
    expect(rec).toMatchObject({ endpoint: '/identify', status: 200, decision: 'identified', accuracy: 3 });
    expect(rec.token_ref).toBe(tokenRef(Buffer.from(door.tokens[1].token_id, 'hex')));
    expect(rec.score).toBe(hit.body.matches[0].score);
    const missed = await identify(
      door.tokens.map((x) => x.token),
      'Jennifer_Aniston_0001',
    ).expect(200);
    const miss = (
      await request(http).get(`/admin/audit?request_id=${missed.headers['x-request-id']}`).set('X-Auth-Token', ADMIN).expect(200)
    ).body.records[0];
    expect(miss).toMatchObject({ endpoint: '/identify', status: 200, decision: 'not_identified', score: null, token_ref: null });
  });

  it('locks a roster after repeated failed identifications, and a client after more, with 429 and Retry-After', async () => {
    const doorClient = await client({ tenant: await tenantOf() });
    const a = await roster(['Colin_Powell_0004'], doorClient.client_token);
    const b = await roster(['Tony_Blair_0002'], doorClient.client_token);
    const fail = (r: typeof a) =>
      identify(
        r.tokens.map((x) => x.token),
        'Serena_Williams_0001',
        {},
        doorClient.client_token,
      );
    for (let i = 0; i < 3; i++) expect((await fail(a).expect(200)).body.identified).toBe(false);
    const locked = await fail(a).expect(429);
    expect(locked.body).toMatchObject({
      ok: false,
      code: 'rate_limited',
      error: 'too many failed identifications on this roster; retry later',
    });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(500);
    // even the right face is refused on the locked roster; another roster of the client still works
    await identify(
      a.tokens.map((x) => x.token),
      'Colin_Powell_0005',
      {},
      doorClient.client_token,
    ).expect(429);
    expect(
      (
        await identify(
          b.tokens.map((x) => x.token),
          'Tony_Blair_0001',
          {},
          doorClient.client_token,
        ).expect(200)
      ).body.identified,
    ).toBe(true);
    // the client's own limit (5) is reached with two more failures on the other roster
    for (let i = 0; i < 2; i++) await fail(b).expect(200);
    const client429 = await fail(b).expect(429);
    expect(client429.body.error).toBe('too many failed identifications by this client; retry later');
    // other clients are not affected
    expect(
      (
        await identify(
          door.tokens.map((x) => x.token),
          'George_W_Bush_0002',
        ).expect(200)
      ).body.identified,
    ).toBe(true);
  });
});
