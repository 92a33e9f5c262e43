import { DATA_SOURCE } from '@facenition/database';
import { decodeToken, generateIdentityToken, pepperFromKey, signStatusList } from '@facenition/tokenisation';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { fixture } from './support/images';
import { ADMIN, startTestApp, type TestApp } from './support/app';

jest.setTimeout(240_000);

/**
 * Token lifecycle across deployments: /rotate, signed revocation status lists exported by one
 * deployment and imported by another, and deployment-key (pepper) rotation. Deployment A holds
 * key 9; deployment B moved to key 11 and keeps key 9 as a retired key that still verifies.
 */
describe('token lifecycle: /rotate, status lists, deployment-key rotation (real models, real Postgres)', () => {
  const key9 = Buffer.alloc(32, 9).toString('base64');
  const key11 = Buffer.alloc(32, 11).toString('base64');
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ FACENITION_LIVENESS_GATE: 'off', FACENITION_PEPPER: key9 });
    const retired = join(a.dataDir, 'retired-pepper.key');
    writeFileSync(retired, key9 + '\n', { mode: 0o600 });
    b = await startTestApp({ FACENITION_LIVENESS_GATE: 'off', FACENITION_PEPPER: key11, FACENITION_PEPPER_PREVIOUS_FILES: retired });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  const secrets = { password: 'correct horse battery staple', scope: 'clinic.example/ehr' };
  const enrol = async (t: TestApp, photo: string) => {
    const res = await request(t.app.getHttpServer())
      .post('/generate')
      .set('X-Auth-Token', t.token)
      .field('password', secrets.password)
      .field('scope', secrets.scope)
      .attach('image', fixture(photo), 'e.jpg')
      .expect(200);
    return res.body as { token: string; token_id: string };
  };
  const post = (t: TestApp, path: string, token: string, photos: string[], fields: Record<string, string> = {}) => {
    let r = request(t.app.getHttpServer()).post(path).set('X-Auth-Token', t.token).field('token', token);
    for (const [k, v] of Object.entries({ ...secrets, ...fields })) r = r.field(k, v);
    for (const p of photos) r = r.attach('image', fixture(p), `${p}.jpg`);
    return r;
  };
  const authenticate = async (t: TestApp, token: string, photo: string, fields: Record<string, string> = {}) =>
    (await post(t, '/authenticate', token, [photo], fields).expect(200)).body as { authenticated: boolean; reason?: string };
  const keyIdOf = (token: string) => Buffer.from(decodeToken(token).header.keyId).toString('hex');

  it('/rotate: a fresh photo that opens the old token yields a new unrelated token; the old one is revoked atomically', async () => {
    const old = await enrol(a, 'Colin_Powell_0001');
    const refused = (await post(a, '/rotate', old.token, ['Jennifer_Aniston_0001']).expect(200)).body;
    expect(refused).toEqual({ ok: true, rotated: false, reason: 'no_match' });
    const wrongPw = (await post(a, '/rotate', old.token, ['Colin_Powell_0002'], { password: 'nope' }).expect(200)).body;
    expect(wrongPw).toEqual({ ok: true, rotated: false, reason: 'no_match' });

    const r = (await post(a, '/rotate', old.token, ['Colin_Powell_0002'], { new_password: 'a brand new secret' }).expect(200)).body;
    expect(r).toMatchObject({ ok: true, rotated: true, replaces: old.token_id, expires_at: null });
    expect(r.token_id).toMatch(/^[0-9a-f]{32}$/);
    expect(r.token_id).not.toBe(old.token_id);
    const [o, n] = [decodeToken(old.token), decodeToken(r.token as string)];
    expect(Buffer.from(n.header.salt).equals(Buffer.from(o.header.salt))).toBe(false);
    expect(Buffer.from(n.helper).equals(Buffer.from(o.helper))).toBe(false);

    expect(await authenticate(a, old.token, 'Colin_Powell_0001')).toEqual({ ok: true, authenticated: false, reason: 'revoked' });
    expect((await authenticate(a, r.token as string, 'Colin_Powell_0001', { password: 'a brand new secret' })).authenticated).toBe(true);
    expect((await authenticate(a, r.token as string, 'Colin_Powell_0001')).reason).toBe('no_match'); // old password no longer opens it

    const ds = a.app.get<DataSource>(DATA_SOURCE);
    const [row] = await ds.query<{ replaced_by: Buffer; revoked_at: Date | null }[]>(
      `SELECT replaced_by, revoked_at FROM identity_tokens WHERE token_id = decode($1, 'hex')`,
      [old.token_id],
    );
    expect(row.replaced_by.toString('hex')).toBe(r.token_id);
    expect(row.revoked_at).not.toBeNull();
    // a rotated-away token cannot be rotated again
    expect((await post(a, '/rotate', old.token, ['Colin_Powell_0002']).expect(200)).body).toEqual({
      ok: true,
      rotated: false,
      reason: 'revoked',
    });
  });

  it('/rotate: of two concurrent rotations of one token exactly one succeeds', async () => {
    const old = await enrol(a, 'George_W_Bush_0001');
    const [x, y] = await Promise.all([
      post(a, '/rotate', old.token, ['George_W_Bush_0002']).expect(200),
      post(a, '/rotate', old.token, ['George_W_Bush_0002']).expect(200),
    ]);
    const results = [x.body, y.body].map((b: { rotated: boolean; reason?: string }) => (b.rotated ? 'rotated' : b.reason));
    expect(results.sort()).toEqual(['revoked', 'rotated']);
    const ds = a.app.get<DataSource>(DATA_SOURCE);
    const [{ n }] = await ds.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM identity_tokens WHERE replaced_by IS NOT NULL AND token_id = decode($1, 'hex')`,
      [old.token_id],
    );
    expect(Number(n)).toBe(1);
  });

  it('a tampered or truncated token is refused with the documented reason', async () => {
    const e = await enrol(a, 'Jennifer_Aniston_0001');
    expect((await authenticate(a, e.token, 'Jennifer_Aniston_0001')).authenticated).toBe(true);
    const raw = Buffer.from(e.token, 'base64url');
    const edit = (offset: number, value: number) => {
      const b = Buffer.from(raw);
      b[offset] = value;
      return b.toString('base64url');
    };
    // a helper byte, the tag, and a later expiry (bytes 15..18): refused as an altered copy of the issued token
    for (const tampered of [edit(300, raw[300] ^ 0x01), edit(raw.length - 1, raw[raw.length - 1] ^ 0x80), edit(15, 0x7f)]) {
      const r = await post(a, '/authenticate', tampered, ['Jennifer_Aniston_0001']).expect(400);
      expect(r.body).toMatchObject({ ok: false, code: 'invalid_token' });
    }
    // on a deployment that never saw the token (B holds key 9 as a retired key), the key is not recovered
    expect(await authenticate(b, edit(300, raw[300] ^ 0x01), 'Jennifer_Aniston_0001')).toEqual({
      ok: true,
      authenticated: false,
      reason: 'no_match',
    });
    const truncated = await post(a, '/authenticate', e.token.slice(0, 700), ['Jennifer_Aniston_0001']).expect(400);
    expect(truncated.body).toMatchObject({ ok: false, code: 'invalid_token' });
  });

  it('/rotate refuses bad input with a 4xx', async () => {
    const old = await enrol(a, 'Tony_Blair_0002');
    const noImage = await request(a.app.getHttpServer())
      .post('/rotate')
      .set('X-Auth-Token', a.token)
      .field('token', old.token)
      .field('password', 'x')
      .field('scope', 's')
      .expect(400);
    expect(noImage.body.ok).toBe(false);
    expect((await post(a, '/rotate', 'garbage', ['Tony_Blair_0001']).expect(400)).body.code).toBe('invalid_token');
    expect((await post(a, '/rotate', old.token, ['Tony_Blair_0002'], { ttl: '3' }).expect(400)).body.error).toMatch(/'ttl'/);
  });

  it('a version-1 token (K = 128, minted before version 2) keeps verifying; /rotate turns it into a version-2 token of its level', async () => {
    // minted as an earlier release did, under A's deployment key (a token first presented here is adopted, as for a deployment sharing the key)
    const embedding = (await a.pool.analyze(fixture('Colin_Powell_0001'), { embed: true })).embedding!;
    const v1 = await generateIdentityToken(
      { embedding, ...secrets, environment: 'production', accuracy: 4, expiresAt: 0 },
      pepperFromKey(Buffer.from(key9, 'base64')),
      { bytes: (n) => randomBytes(n) },
      { version: 1 },
    );
    expect(decodeToken(v1.token).header).toMatchObject({ version: 1, accuracy: 4, code: { k: 128 } });
    expect((await authenticate(a, v1.token, 'Colin_Powell_0002')).authenticated).toBe(true);
    expect((await authenticate(a, v1.token, 'Jennifer_Aniston_0001')).authenticated).toBe(false);
    const r = (await post(a, '/rotate', v1.token, ['Colin_Powell_0002']).expect(200)).body as { rotated: boolean; token: string };
    expect(r.rotated).toBe(true);
    expect(decodeToken(r.token).header).toMatchObject({ version: 2, accuracy: 4, code: { n: 4096, k: 280 } });
    expect((await authenticate(a, r.token, 'Colin_Powell_0002')).authenticated).toBe(true);
    expect(await authenticate(a, v1.token, 'Colin_Powell_0002')).toEqual({ ok: true, authenticated: false, reason: 'revoked' });
  });

  it('deployment-key rotation: tokens issued under the retired key still verify; /rotate moves them to the current key', async () => {
    const fromA = await enrol(a, 'Serena_Williams_0001');
    expect(keyIdOf(fromA.token)).not.toBe(keyIdOf((await enrol(b, 'Serena_Williams_0001')).token));
    expect((await authenticate(b, fromA.token, 'Serena_Williams_0001')).authenticated).toBe(true);
    const moved = (await post(b, '/rotate', fromA.token, ['Serena_Williams_0001']).expect(200)).body;
    expect(moved.rotated).toBe(true);
    const bCurrent = keyIdOf((await enrol(b, 'Tony_Blair_0002')).token);
    expect(keyIdOf(moved.token as string)).toBe(bCurrent);
    // A does not hold B's current key: refused with a clear 400, not a false "no match"
    const foreign = await post(a, '/authenticate', moved.token as string, ['Serena_Williams_0001']).expect(400);
    expect(foreign.body).toMatchObject({ ok: false, code: 'unknown_deployment_key' });
    expect(foreign.body.error).toContain(bCurrent);
  });

  it('status lists: A publishes its revocations signed under its key; B imports them and refuses those tokens; tampered, stale and foreign lists are refused', async () => {
    const kept = await enrol(a, 'Jennifer_Aniston_0001');
    const gone = await enrol(a, 'George_W_Bush_0002');
    expect((await authenticate(b, gone.token, 'George_W_Bush_0001')).authenticated).toBe(true);
    await request(a.app.getHttpServer()).post('/revoke').set('X-Auth-Token', a.token).send({ token_id: gone.token_id }).expect(200);

    await request(a.app.getHttpServer()).get('/admin/status-list').set('X-Auth-Token', a.token).expect(401);
    const exported = (await request(a.app.getHttpServer()).get('/admin/status-list').set('X-Auth-Token', ADMIN).expect(200)).body;
    const list = exported.status_list as Record<string, string>;
    expect(list).toMatchObject({ format: 'facenition-status-list/1', alg: 'Ed25519', key_id: keyIdOf(gone.token) });
    const payload = JSON.parse(Buffer.from(list.payload, 'base64url').toString());
    const ids = (payload.revoked as { token_id: string }[]).map((e) => e.token_id);
    expect(ids).toContain(gone.token_id);
    expect(ids).not.toContain(kept.token_id);
    expect(exported.entries).toBe(ids.length);

    const imp = (p: object) => request(b.app.getHttpServer()).post('/admin/status-list/import').set('X-Auth-Token', ADMIN).send(p);
    const tampered = {
      ...list,
      payload: Buffer.from(JSON.stringify({ ...payload, revoked: [] })).toString('base64url'),
    };
    expect((await imp(tampered).expect(400)).body).toMatchObject({ ok: false, code: 'invalid_status_list' });
    expect((await imp({ not: 'a list' }).expect(400)).body.error).toMatch(/format/);

    const done = (await imp(list).expect(200)).body;
    expect(done).toMatchObject({ ok: true, issuer: payload.issuer, entries: ids.length, replaced_entries: 0 });
    expect(await authenticate(b, gone.token, 'George_W_Bush_0001')).toEqual({ ok: true, authenticated: false, reason: 'revoked' });
    expect((await authenticate(b, kept.token, 'Jennifer_Aniston_0001')).authenticated).toBe(true);
    // the same (or an older) list again is refused: no rollback to a list that lacks later revocations
    expect((await imp({ status_list: list }).expect(409)).body.code).toBe('stale_status_list');
    const sources = (await request(b.app.getHttpServer()).get('/admin/status-list/sources').set('X-Auth-Token', ADMIN).expect(200)).body;
    expect(sources.sources).toEqual([expect.objectContaining({ issuer: payload.issuer, entries: ids.length })]);

    // B signs under key 11, which A does not hold; and A refuses to import its own list
    const fromB = (await request(b.app.getHttpServer()).get('/admin/status-list').set('X-Auth-Token', ADMIN).expect(200)).body;
    const refused = await request(a.app.getHttpServer())
      .post('/admin/status-list/import')
      .set('X-Auth-Token', ADMIN)
      .send(fromB.status_list)
      .expect(400);
    expect(refused.body.error).toMatch(/does not hold/);
    const own = await request(a.app.getHttpServer()).post('/admin/status-list/import').set('X-Auth-Token', ADMIN).send(list).expect(400);
    expect(own.body.error).toMatch(/own list/);

    // the status tables hold token ids, dates and bookkeeping only
    const ds = b.app.get<DataSource>(DATA_SOURCE);
    const cols = await ds.query<{ table_name: string; column_name: string }[]>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_name IN ('imported_revocations', 'status_list_sources', 'status_list_entries', 'status_list_imports')`,
    );
    expect(cols.map((c) => `${c.table_name}.${c.column_name}`).sort()).toEqual(
      [
        'imported_revocations.issuer',
        'imported_revocations.token_id',
        'imported_revocations.revoked_at',
        'status_list_sources.issuer',
        'status_list_sources.key_id',
        'status_list_sources.issued_at',
        'status_list_sources.imported_at',
        'status_list_sources.entries',
        'status_list_sources.reset_at',
        'status_list_sources.generation',
        'status_list_entries.issuer',
        'status_list_entries.generation',
        'status_list_entries.token_id',
        'status_list_entries.revoked_at',
        'status_list_imports.issuer',
        'status_list_imports.generation',
        'status_list_imports.started_at',
        'status_list_imports.touched_at',
      ].sort(),
    );
  });

  // lists signed here under key 9, which A signs with and B still holds (retired)
  const pepper9 = pepperFromKey(Buffer.from(key9, 'base64'));
  const signedList = (issuer: string, issuedAt: Date, revoked: { tokenId: string; revokedAt: Date }[] = []) =>
    JSON.parse(signStatusList({ issuer, issuedAt, revoked }, pepper9)) as object;
  const importInto = (t: TestApp, list: object, credential = ADMIN) =>
    request(t.app.getHttpServer()).post('/admin/status-list/import').set('X-Auth-Token', credential).send(list);
  const sourcesOf = async (t: TestApp) =>
    (await request(t.app.getHttpServer()).get('/admin/status-list/sources').set('X-Auth-Token', ADMIN).expect(200)).body.sources as {
      issuer: string;
      issued_at: string;
      imported_at: string;
      entries: number;
      reset_at: string | null;
      reset_pending: boolean;
    }[];
  const issuerOf = async (t: TestApp) => {
    const list = (await request(t.app.getHttpServer()).get('/admin/status-list').set('X-Auth-Token', ADMIN).expect(200)).body.status_list;
    return JSON.parse(Buffer.from(list.payload as string, 'base64url').toString()).issuer as string;
  };

  it('status lists: a list dated more than 5 minutes ahead is refused (400) and blocks nothing; a current list is then accepted', async () => {
    const issuer = randomBytes(16).toString('hex');
    const entry = [{ tokenId: randomBytes(16).toString('hex'), revokedAt: new Date(Date.now() - 60_000) }];
    for (const future of [new Date('9999-12-31T00:00:00Z'), new Date(Date.now() + 60 * 60_000), new Date(Date.now() + 6 * 60_000)]) {
      const refused = await importInto(b, signedList(issuer, future, entry)).expect(400);
      expect(refused.body).toMatchObject({ ok: false, code: 'invalid_status_list' });
      expect(refused.body.error).toMatch(/issued_at .* is more than 5 minutes ahead of this deployment's clock/);
    }
    expect((await sourcesOf(b)).map((x) => x.issuer)).not.toContain(issuer);
    const ok = (await importInto(b, signedList(issuer, new Date(), entry)).expect(200)).body;
    expect(ok).toMatchObject({ ok: true, issuer, entries: 1, replaced_entries: 0 });
    expect(await sourcesOf(b)).toContainEqual(expect.objectContaining({ issuer, entries: 1, reset_at: null, reset_pending: false }));
  });

  it('status-list reset is admin only and validates the issuer: no token 401, client token 401, access token 401, bad id 400, unknown 404', async () => {
    const issuer = await issuerOf(a);
    const path = `/admin/status-list/sources/${issuer}/reset`;
    const http = b.app.getHttpServer();
    expect((await request(http).post(path).expect(401)).body.code).toBe('unauthenticated');
    expect((await request(http).post(path).set('X-Auth-Token', b.token).expect(401)).body.code).toBe('unauthenticated');
    const client = (
      await request(http)
        .post('/generateToken')
        .set('X-Auth-Token', ADMIN)
        .send({ name: 'reset probe', environment: 'production', plan: 'enterprise' })
        .expect(200)
    ).body as { client: { client_id: string }; client_secret: string };
    const access = (
      await request(http).post('/token').send({ client_id: client.client.client_id, client_secret: client.client_secret }).expect(200)
    ).body.client_token as string;
    expect(access).toMatch(/^fna_/);
    expect((await request(http).post(path).set('X-Auth-Token', access).expect(401)).body.code).toBe('unauthenticated');
    for (const bad of [issuer.toUpperCase(), issuer.slice(1), `${issuer}0`, 'g'.repeat(32)]) {
      const r = await request(http).post(`/admin/status-list/sources/${bad}/reset`).set('X-Auth-Token', ADMIN).expect(400);
      expect(r.body).toMatchObject({ ok: false, code: 'invalid_field' });
    }
    const unknown = await request(http)
      .post(`/admin/status-list/sources/${'0'.repeat(32)}/reset`)
      .set('X-Auth-Token', ADMIN)
      .expect(404);
    expect(unknown.body).toMatchObject({ ok: false, code: 'status_list_source_not_found' });
    // nothing was reset by the refused calls
    expect((await sourcesOf(b)).find((x) => x.issuer === issuer)).toMatchObject({ reset_at: null, reset_pending: false });
  });

  it('status-list reset: an issuer blocked by a far-future mark accepts an older-dated list again, revocations stay in force, and the reset is audited', async () => {
    const issuer = await issuerOf(a);
    const revoked = await enrol(a, 'Colin_Powell_0001');
    await request(a.app.getHttpServer()).post('/revoke').set('X-Auth-Token', a.token).send({ token_id: revoked.token_id }).expect(200);
    const exported = (await request(a.app.getHttpServer()).get('/admin/status-list').set('X-Auth-Token', ADMIN).expect(200)).body;
    const current = (await importInto(b, exported.status_list as object).expect(200)).body;
    expect(await authenticate(b, revoked.token, 'Colin_Powell_0002')).toEqual({ ok: true, authenticated: false, reason: 'revoked' });

    // the state a list dated 9999-12-31 left behind before future dates were refused: every later list is stale
    const ds = b.app.get<DataSource>(DATA_SOURCE);
    await ds.query(`UPDATE status_list_sources SET issued_at = '9999-12-31T00:00:00Z' WHERE issuer = $1`, [issuer]);
    const blocked = await importInto(b, exported.status_list as object).expect(409);
    expect(blocked.body.code).toBe('stale_status_list');

    const http = b.app.getHttpServer();
    const reset = await request(http).post(`/admin/status-list/sources/${issuer}/reset`).set('X-Auth-Token', ADMIN).expect(200);
    expect(reset.body).toMatchObject({ ok: true, source: { issuer, entries: current.entries, reset_pending: true } });
    expect(Date.parse(reset.body.source.reset_at as string)).toBeGreaterThan(Date.now() - 60_000);
    expect((await sourcesOf(b)).find((x) => x.issuer === issuer)).toMatchObject({
      entries: current.entries,
      reset_at: reset.body.source.reset_at,
      reset_pending: true,
    });
    // the reset clears only the mark: the revocations imported from the issuer stay in force
    expect(await authenticate(b, revoked.token, 'Colin_Powell_0002')).toEqual({ ok: true, authenticated: false, reason: 'revoked' });
    const [{ n }] = await ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM imported_revocations WHERE issuer = $1`, [issuer]);
    expect(n).toBe(current.entries);

    // the next list is accepted whatever its date (here an hour older than the one in force) ...
    const older = signedList(issuer, new Date(Date.parse(current.issued_at as string) - 3600_000), [
      { tokenId: revoked.token_id, revokedAt: new Date() },
    ]);
    expect((await importInto(b, older).expect(200)).body).toMatchObject({
      ok: true,
      issuer,
      entries: 1,
      replaced_entries: current.entries,
    });
    expect(await authenticate(b, revoked.token, 'Colin_Powell_0002')).toEqual({ ok: true, authenticated: false, reason: 'revoked' });
    // ... and from then on anti-rollback applies again, while reset_at stays as the record of the reset
    expect((await importInto(b, older).expect(409)).body.code).toBe('stale_status_list');
    expect((await sourcesOf(b)).find((x) => x.issuer === issuer)).toMatchObject({
      entries: 1,
      reset_at: reset.body.source.reset_at,
      reset_pending: false,
    });

    // the reset is in the audit log, found by its endpoint
    const endpoint = '/admin/status-list/sources/:issuer/reset';
    const audit = await request(http).get('/admin/audit').query({ endpoint }).set('X-Auth-Token', ADMIN).expect(200);
    const records = audit.body.records as { request_id: string; endpoint: string; status: number }[];
    expect(records).toContainEqual(expect.objectContaining({ request_id: reset.headers['x-request-id'], endpoint, status: 200 }));
  });

  it('status lists: an import switches atomically (a reader sees the old list or the new one, never part) and imports of one issuer are serialised', async () => {
    const issuer = randomBytes(16).toString('hex');
    const list = (n: number, at: Date) =>
      signedList(
        issuer,
        at,
        Array.from({ length: n }, () => ({ tokenId: randomBytes(16).toString('hex'), revokedAt: new Date(at.getTime() - 1000) })),
      );
    const ds = b.app.get<DataSource>(DATA_SOURCE);
    const visible = async () =>
      (await ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM imported_revocations WHERE issuer = $1`, [issuer]))[0].n;
    const t0 = Date.now();
    await importInto(b, list(3000, new Date(t0 - 60_000))).expect(200);
    expect(await visible()).toBe(3000);

    // while a 12,000-entry list is staged in chunks, readers see 3,000 entries, then 12,000
    const big = list(12_000, new Date(t0 - 30_000));
    let done = false;
    const importing = (async () => {
      try {
        return await importInto(b, big).expect(200);
      } finally {
        done = true;
      }
    })();
    // each sample in one statement (one snapshot): entries visible to a verification, and entries stored (staged ones too)
    const sample = async () =>
      (
        await ds.query<{ visible: number; stored: number }[]>(
          `SELECT (SELECT count(*) FROM imported_revocations WHERE issuer = $1)::int AS visible,
                  (SELECT count(*) FROM status_list_entries WHERE issuer = $1)::int AS stored`,
          [issuer],
        )
      )[0];
    const samples: { visible: number; stored: number }[] = [];
    while (!done) samples.push(await sample());
    await importing;
    samples.push(await sample());
    expect(samples.filter((x) => x.visible !== 3000 && x.visible !== 12_000)).toEqual([]);
    // the import was observed half-staged, and the half was not visible
    expect(samples.some((x) => x.visible === 3000 && x.stored > 3000 && x.stored < 15_000)).toBe(true);
    expect(samples[samples.length - 1]).toEqual({ visible: 12_000, stored: 12_000 });

    // two concurrent imports of the same issuer: the newer list wins whatever the order, nothing is mixed
    const newer = list(2000, new Date(t0 - 10_000));
    const older = list(5000, new Date(t0 - 20_000));
    const [x, y] = await Promise.all([importInto(b, older), importInto(b, newer)]);
    expect(y.status).toBe(200);
    expect([200, 409]).toContain(x.status);
    expect(await visible()).toBe(2000);
    expect((await sourcesOf(b)).find((s) => s.issuer === issuer)).toMatchObject({ entries: 2000 });
    // the replaced generations are gone from the table, not just hidden
    const [{ n }] = await ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM status_list_entries WHERE issuer = $1`, [issuer]);
    expect(n).toBe(2000);
    expect(await ds.query(`SELECT * FROM status_list_imports WHERE issuer = $1`, [issuer])).toEqual([]);
  });

  it('status lists: a live import claim of another replica refuses a concurrent import (409); a stale one is taken over and its rows dropped', async () => {
    const issuer = randomBytes(16).toString('hex');
    const ds = b.app.get<DataSource>(DATA_SOURCE);
    const entry = [{ tokenId: randomBytes(16).toString('hex'), revokedAt: new Date(Date.now() - 60_000) }];
    // another replica is importing this issuer right now
    await ds.query(`INSERT INTO status_list_imports (issuer, generation, started_at, touched_at) VALUES ($1, 999999, now(), now())`, [
      issuer,
    ]);
    const busy = await importInto(b, signedList(issuer, new Date(Date.now() - 30_000), entry)).expect(409);
    expect(busy.body.code).toBe('status_list_import_in_progress');
    // it died half-way: its claim goes stale, the rows it staged were never visible and are dropped by the next import
    await ds.query(`UPDATE status_list_imports SET touched_at = now() - interval '1 hour' WHERE issuer = $1`, [issuer]);
    await ds.query(
      `INSERT INTO status_list_entries (issuer, generation, token_id, revoked_at)
       SELECT $1, 999999, decode(md5(i::text), 'hex'), now() FROM generate_series(1, 2500) AS i`,
      [issuer],
    );
    expect((await ds.query(`SELECT count(*)::int AS n FROM imported_revocations WHERE issuer = $1`, [issuer]))[0].n).toBe(0);
    expect((await importInto(b, signedList(issuer, new Date(), entry)).expect(200)).body).toMatchObject({ entries: 1 });
    const left = await ds.query<{ generation: string; n: number }[]>(
      `SELECT generation, count(*)::int AS n FROM status_list_entries WHERE issuer = $1 GROUP BY generation`,
      [issuer],
    );
    expect(left).toHaveLength(1);
    expect(left[0].n).toBe(1);
    expect(left[0].generation).not.toBe('999999');
    expect(await ds.query(`SELECT * FROM status_list_imports WHERE issuer = $1`, [issuer])).toEqual([]);

    // another replica takes the claim over while this import is staging: the import stops with 409 and switches nothing
    const many = Array.from({ length: 15_000 }, () => ({ tokenId: randomBytes(16).toString('hex'), revokedAt: new Date() }));
    let answered = false;
    const importing = importInto(b, signedList(issuer, new Date(), many)).then((r) => {
      answered = true;
      return r;
    });
    const staged = async () =>
      (await ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM status_list_entries WHERE issuer = $1`, [issuer]))[0].n;
    while (!answered && (await staged()) <= 1) await new Promise((r) => setTimeout(r, 5));
    expect(answered ? (await importing).body : 'still staging').toBe('still staging');
    await ds.query(`UPDATE status_list_imports SET generation = 424242 WHERE issuer = $1`, [issuer]);
    const lost = await importing;
    expect(lost.status).toBe(409);
    expect(lost.body.code).toBe('status_list_import_in_progress');
    expect((await ds.query(`SELECT count(*)::int AS n FROM imported_revocations WHERE issuer = $1`, [issuer]))[0].n).toBe(1);
    expect((await sourcesOf(b)).find((x) => x.issuer === issuer)).toMatchObject({ entries: 1 });
  });
});
