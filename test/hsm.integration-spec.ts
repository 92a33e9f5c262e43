import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkcs11js from 'pkcs11js';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@facenition/database';
import { decodeToken, pepperFromKey, pepperKeyId, PepperRing, statusListPublicKey } from '@facenition/tokenisation';
import { unseal } from '../apps/gateway/src/oidc/seal';
import { fixture } from './support/images';
import { ADMIN, startTestApp, type TestApp } from './support/app';
import { startServerProcess, stopServerProcess, type ServerProcess } from './support/server-process';
import { createSoftHsmToken, findKeys, hsmCli, withRawSession, type SoftHsm } from './support/softhsm';

jest.setTimeout(300_000);

/**
 * The deployment key in a PKCS#11 module (issue #13): a real SoftHSM2 token, the key put there by
 * the ceremony CLI, the real application on the real models. Deployment M holds the key in the
 * module, deployment F the same key as a file: their tokens, status lists and sealed values are
 * interchangeable. Then the built server as its own process: a restart, and the refusals at start.
 */
describe('deployment key in a PKCS#11 module (SoftHSM2, real models, real Postgres)', () => {
  let hsm: SoftHsm;
  let dir: string;
  const key = randomBytes(32);
  const keyId = pepperKeyId(key).toString('hex');
  let keyFile: string;
  let m: TestApp;
  let f: TestApp;

  beforeAll(async () => {
    hsm = createSoftHsmToken();
    dir = mkdtempSync(join(tmpdir(), 'facenition-hsm-it-'));
    keyFile = join(dir, 'pepper.key');
    writeFileSync(keyFile, key.toString('base64') + '\n', { mode: 0o600 });
    const imported = hsmCli(hsm, 'facenition-deployment', ['import', '--key-file', keyFile]);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain(`imported key id ${keyId}`);
    m = await startTestApp({
      FACENITION_LIVENESS_GATE: 'off',
      FACENITION_PEPPER: '', // startTestApp's default key file: replaced by the module
      FACENITION_OIDC_ISSUER: 'http://localhost/oidc',
      ...hsm.env('facenition-deployment'),
    });
    f = await startTestApp({ FACENITION_LIVENESS_GATE: 'off', FACENITION_PEPPER: '', FACENITION_PEPPER_FILE: keyFile });
  });
  afterAll(async () => {
    await Promise.all([m?.close(), f?.close()]);
    hsm?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const secrets = { password: 'correct horse battery staple', scope: 'bank.example/login' };
  const enrol = async (t: TestApp, photo: string) =>
    (
      await request(t.app.getHttpServer())
        .post('/generate')
        .set('X-Auth-Token', t.token)
        .field('password', secrets.password)
        .field('scope', secrets.scope)
        .attach('image', fixture(photo), 'e.jpg')
        .expect(200)
    ).body as { token: string; token_id: string };
  const authenticate = async (t: TestApp, token: string, photo: string, password = secrets.password) =>
    (
      await request(t.app.getHttpServer())
        .post('/authenticate')
        .set('X-Auth-Token', t.token)
        .field('token', token)
        .field('password', password)
        .field('scope', secrets.scope)
        .attach('image', fixture(photo), 'p.jpg')
        .expect(200)
    ).body as { authenticated: boolean; reason?: string };
  const keyIdOf = (token: string) => Buffer.from(decodeToken(token).header.keyId).toString('hex');

  it('logs where the key is, never the key', () => {
    expect(m.logger.lines).toContainEqual(
      expect.stringContaining(
        `deployment key from PKCS#11 token "facenition-test", key "facenition-deployment" (${hsm.module}) (key id ${keyId})`,
      ),
    );
    const all = m.logger.lines.join('\n');
    for (const secret of [key.toString('base64'), key.toString('hex'), hsm.pin]) expect(all).not.toContain(secret);
  });

  it('enrols and verifies with the key in the module; its tokens carry the key file’s id and verify on the file deployment, and back', async () => {
    const fromM = await enrol(m, 'Colin_Powell_0001');
    expect(keyIdOf(fromM.token)).toBe(keyId);
    expect((await authenticate(m, fromM.token, 'Colin_Powell_0002')).authenticated).toBe(true);
    expect(await authenticate(m, fromM.token, 'Colin_Powell_0002', 'wrong password')).toMatchObject({
      authenticated: false,
      reason: 'no_match',
    });
    expect(await authenticate(m, fromM.token, 'Jennifer_Aniston_0001')).toMatchObject({ authenticated: false, reason: 'no_match' });
    expect((await authenticate(f, fromM.token, 'Colin_Powell_0002')).authenticated).toBe(true);

    const fromF = await enrol(f, 'Tony_Blair_0002');
    expect(keyIdOf(fromF.token)).toBe(keyId);
    expect((await authenticate(m, fromF.token, 'Tony_Blair_0002')).authenticated).toBe(true);
  });

  it('signs status lists with the module key: the file deployment accepts them, under the file key’s public key', async () => {
    const gone = await enrol(m, 'George_W_Bush_0001');
    await request(m.app.getHttpServer()).post('/revoke').set('X-Auth-Token', m.token).send({ token_id: gone.token_id }).expect(200);
    const exported = (await request(m.app.getHttpServer()).get('/admin/status-list').set('X-Auth-Token', ADMIN).expect(200)).body;
    const list = exported.status_list as Record<string, string>;
    expect(list.key_id).toBe(keyId);
    expect(Buffer.from(list.public_key, 'base64url')).toEqual(statusListPublicKey(pepperFromKey(key)));
    const imported = await request(f.app.getHttpServer()).post('/admin/status-list/import').set('X-Auth-Token', ADMIN).send(list);
    expect([imported.status, imported.body]).toEqual([200, expect.objectContaining({ ok: true })]);
    expect(await authenticate(f, gone.token, 'George_W_Bush_0002')).toMatchObject({ authenticated: false, reason: 'revoked' });
  });

  it('seals the OIDC provider’s signing key under the module key; the key file opens it', async () => {
    const discovery = await request(m.app.getHttpServer()).get('/oidc/.well-known/openid-configuration').expect(200);
    expect(discovery.body.issuer).toBe('http://localhost/oidc');
    const rows = await m.app
      .get<DataSource>(DATA_SOURCE)
      .query<{ sealed_private: Buffer; sealing_key_id: string }[]>('SELECT sealed_private, sealing_key_id FROM oidc_signing_keys');
    expect(rows.length).toBeGreaterThan(0);
    const fileRing = new PepperRing(pepperFromKey(key));
    for (const r of rows) {
      expect(r.sealing_key_id).toBe(keyId);
      const jwk = JSON.parse(unseal(fileRing, 'oidc signing key', { sealed: r.sealed_private, keyId: r.sealing_key_id }).toString());
      expect(jwk).toMatchObject({ kty: 'RSA', d: expect.any(String) });
    }
  });

  it('the key objects are sensitive and never extractable; reading their value fails with CKR_ATTRIBUTE_SENSITIVE (while the server holds its session)', () => {
    withRawSession(hsm, (lib, session) => {
      for (const label of ['facenition-deployment', 'facenition-deployment.derive']) {
        const [handle] = findKeys(lib, session, label);
        const [sensitive, extractable, id] = lib
          .C_GetAttributeValue(session, handle, [
            { type: pkcs11js.CKA_SENSITIVE },
            { type: pkcs11js.CKA_EXTRACTABLE },
            { type: pkcs11js.CKA_ID },
          ])
          .map((a) => a.value);
        expect([sensitive[0], extractable[0], id.toString('hex')]).toEqual([1, 0, keyId]);
        let error: unknown;
        try {
          lib.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_VALUE }]);
        } catch (e) {
          error = e;
        }
        expect(error).toMatchObject({ message: 'CKR_ATTRIBUTE_SENSITIVE', code: pkcs11js.CKR_ATTRIBUTE_SENSITIVE });
      }
    });
  });

  describe('the built server as its own process', () => {
    const ADMIN_TOKEN = 'hsm-test-admin-token-0123456789';
    let dataDir: string;
    let server: ServerProcess | undefined;
    const env = (over: Record<string, string> = {}) => ({
      FACENITION_DATA_DIR: dataDir,
      FACENITION_ADMIN_TOKEN: ADMIN_TOKEN,
      FACENITION_WORKERS: '1',
      FACENITION_KDF_LOG2N: '12',
      FACENITION_LIVENESS_GATE: 'off',
      ...hsm.env('facenition-deployment'),
      ...over,
    });
    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'facenition-hsm-process-'));
    });
    afterAll(async () => {
      if (server) await stopServerProcess(server, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    });

    const form = (fields: Record<string, string>, photo: string) => {
      const body = new FormData();
      for (const [k, v] of Object.entries(fields)) body.set(k, v);
      body.set('image', new Blob([new Uint8Array(fixture(photo))], { type: 'image/jpeg' }), 'p.jpg');
      return body;
    };

    it('a token minted with the module verifies after a restart', async () => {
      server = await startServerProcess(env());
      const created = await fetch(`${server.base}/generateToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': ADMIN_TOKEN },
        body: JSON.stringify({ name: 'hsm restart', plan: 'enterprise' }),
      });
      expect(created.status).toBe(200);
      const client = ((await created.json()) as { client_token: string }).client_token;
      const generated = await fetch(`${server.base}/generate`, {
        method: 'POST',
        headers: { 'x-auth-token': client },
        body: form(secrets, 'Gerhard_Schroeder_0003'),
      });
      expect(generated.status).toBe(200);
      const token = ((await generated.json()) as { token: string }).token;
      expect(keyIdOf(token)).toBe(keyId);

      await stopServerProcess(server);
      server = await startServerProcess(env());
      const verified = await fetch(`${server.base}/authenticate`, {
        method: 'POST',
        headers: { 'x-auth-token': client },
        body: form({ ...secrets, token }, 'Gerhard_Schroeder_0004'),
      });
      expect(await verified.json()).toMatchObject({ ok: true, authenticated: true });
      await stopServerProcess(server);
      server = undefined;
    });

    it('a wrong PIN or a missing key label stops the start with a message naming the variable', async () => {
      const wrongPin = join(dataDir, 'wrong-pin');
      writeFileSync(wrongPin, '999999\n', { mode: 0o600 });
      await expect(startServerProcess(env({ FACENITION_PKCS11_PIN_FILE: wrongPin }))).rejects.toThrow(
        'Facenition failed to start: FACENITION_PKCS11_PIN_FILE: the PIN was refused by the token "facenition-test" (CKR_PIN_INCORRECT)',
      );
      await expect(startServerProcess(env({ FACENITION_PKCS11_KEY_LABEL: 'no-such-key' }))).rejects.toThrow(
        'Facenition failed to start: FACENITION_PKCS11_KEY_LABEL: no secret key labelled "no-such-key" in the token "facenition-test"',
      );
      await expect(startServerProcess(env({ FACENITION_PEPPER_FILE: keyFile }))).rejects.toThrow(
        'FACENITION_PEPPER_FILE: set no deployment key file with FACENITION_PKCS11_MODULE',
      );
    });
  });
});
