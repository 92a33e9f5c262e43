import { DATA_SOURCE } from '@facenition/database';
import { decodeToken } from '@facenition/tokenisation';
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

    // the status tables hold token ids and dates only
    const ds = b.app.get<DataSource>(DATA_SOURCE);
    const cols = await ds.query<{ column_name: string }[]>(
      `SELECT column_name FROM information_schema.columns WHERE table_name IN ('imported_revocations', 'status_list_sources') ORDER BY 1`,
    );
    expect(cols.map((c) => c.column_name).sort()).toEqual(
      ['entries', 'imported_at', 'issued_at', 'issuer', 'issuer', 'key_id', 'revoked_at', 'token_id'].sort(),
    );
  });
});
