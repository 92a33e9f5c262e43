import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { stripVTControlCharacters } from 'node:util';
import { testDatabase, type TestDatabase } from './support/database';
import { fixture } from './support/images';
import { startServerProcess, stopServerProcess, type ServerProcess } from './support/server-process';

/**
 * The log an operator ships to a log platform: the built server as its own process, its stdout
 * read line by line. JSON: every line an object, one per request with exactly the agreed fields;
 * no credential, password, token or image on any line. Text: the readable line stays.
 */

const ADMIN_TOKEN = `logging-admin-${randomBytes(12).toString('hex')}`;
const PEPPER = randomBytes(32).toString('base64');
const PASSWORD = `pw-${randomBytes(9).toString('hex')}`;
const SCOPE = 'bank.example/login';
const ENROL = fixture('Colin_Powell_0001');
const PROBE = fixture('Colin_Powell_0002');
/** Put in places that must not be logged (a query string, an unknown path, the caller's X-Request-Id, a bad credential). */
const MARKER = `mk${randomBytes(8).toString('hex')}`;

interface Call {
  id: string;
  status: number;
  body: Record<string, unknown>;
  /** Wall time of the call as the test saw it, in ms. */
  ms: number;
}

type Line = Record<string, unknown>;

describe('logs of the built server', () => {
  let db: TestDatabase;
  let dataDir: string;
  let server: ServerProcess | undefined;
  const env = (over: Record<string, string>) => ({
    FACENITION_DATA_DIR: dataDir,
    FACENITION_ADMIN_TOKEN: ADMIN_TOKEN,
    FACENITION_PEPPER: PEPPER,
    FACENITION_WORKERS: '1',
    FACENITION_KDF_LOG2N: '12',
    FACENITION_LIVENESS_GATE: 'off',
    FACENITION_METRICS_PORT: '0',
    FACENITION_LOG_LEVEL: 'log',
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    ...over,
  });

  beforeAll(async () => {
    db = await testDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'facenition-logs-'));
  });
  afterAll(async () => {
    if (server) await stopServerProcess(server);
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (path: string, init: RequestInit = {}): Promise<Call> => {
    const t = performance.now();
    const res = await fetch(`${server!.base}${path}`, init);
    const text = await res.text();
    const ms = performance.now() - t;
    return { id: res.headers.get('x-request-id') ?? '', status: res.status, body: JSON.parse(text) as Record<string, unknown>, ms };
  };
  const json = (token: string | undefined, body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { 'x-auth-token': token } : {}) },
    body: JSON.stringify(body),
  });
  const form = (token: string, fields: Record<string, string>, photo: Buffer): RequestInit => {
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    body.set('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'p.jpg');
    return { method: 'POST', headers: { 'x-auth-token': token }, body };
  };
  /** The request line is written when the response finishes, so it may trail the answer by a moment. */
  const stdoutWith = async (ids: string[]): Promise<string> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const out = server!.stdout.join('');
      if (ids.every((id) => out.includes(id)) || Date.now() > deadline) return out;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('json: one line per request with request id, client id, method, route, status and duration; nothing secret on any line', async () => {
    server = await startServerProcess(env({ FACENITION_LOG_FORMAT: 'json' }));

    const created = await call('/generateToken', json(ADMIN_TOKEN, { name: 'logging' }));
    expect(created.status).toBe(200);
    const clientToken = created.body.client_token as string;
    const clientSecret = created.body.client_secret as string;
    const clientId = (created.body.client as { client_id: string }).client_id;
    expect([typeof clientToken, typeof clientSecret, typeof clientId]).toEqual(['string', 'string', 'string']);

    const exchanged = await call(
      '/token',
      json(undefined, { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
    );
    expect(exchanged.status).toBe(200);
    const accessToken = exchanged.body.client_token as string;

    const detected = await call('/detect', form(accessToken, {}, ENROL));
    expect([detected.status, detected.body.face_count]).toEqual([200, 1]);

    const generated = await call('/generate', form(clientToken, { password: PASSWORD, scope: SCOPE }, ENROL));
    expect(generated.status).toBe(200);
    const identityToken = generated.body.token as string;
    expect(identityToken.length).toBeGreaterThan(50);

    const authInit = form(clientToken, { token: identityToken, password: PASSWORD, scope: SCOPE }, PROBE);
    (authInit.headers as Record<string, string>)['x-request-id'] = `caller-${MARKER}`;
    const authenticated = await call('/authenticate', authInit);
    expect([authenticated.status, authenticated.body.authenticated]).toEqual([200, true]);

    const badToken = `fnc_${MARKER}${randomBytes(16).toString('hex')}`;
    const refused = await call('/detect', form(badToken, {}, PROBE));
    expect(refused.status).toBe(401);

    const badQuery = await call(`/me?${MARKER}=1`, { headers: { 'x-auth-token': clientToken } });
    expect(badQuery.status).toBe(400);
    const unknown = await call(`/no-such-${MARKER}`);
    expect(unknown.status).toBe(404);

    const calls = { created, exchanged, detected, generated, authenticated, refused, badQuery, unknown };
    const out = await stdoutWith(Object.values(calls).map((c) => c.id));
    expect(new Set(Object.values(calls).map((c) => c.id)).size).toBe(8);

    // every line of stdout is one JSON object with a level, an ISO time and a message
    const raw = out.split('\n').filter((l) => l.length > 0);
    const notJson = raw.filter((l) => {
      try {
        const v = JSON.parse(l) as unknown;
        return typeof v !== 'object' || v === null || Array.isArray(v);
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    const lines = raw.map((l) => JSON.parse(l) as Line);
    for (const l of lines) {
      expect(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).toContain(l.level);
      expect(new Date(l.time as string).toISOString()).toBe(l.time);
      expect(typeof l.msg).toBe('string');
    }

    // application and Nest lines keep their context and level
    expect(lines).toContainEqual({
      level: 'info',
      time: expect.any(String),
      context: 'Bootstrap',
      msg: expect.stringMatching(/^Facenition listening on http:\/\/127\.0\.0\.1:\d+$/),
    });
    expect(lines).toContainEqual({
      level: 'warn',
      time: expect.any(String),
      context: 'License',
      msg: expect.stringContaining('Developer edition'),
    });
    expect(lines).toContainEqual({
      level: 'info',
      time: expect.any(String),
      context: 'NestApplication',
      msg: 'Nest application successfully started',
    });

    const requestLines = lines.filter((l) => l.context === 'HTTP');
    const lineOf = (c: Call): Line => {
      const found = requestLines.filter((l) => l.request_id === c.id);
      expect(found).toHaveLength(1);
      return found[0];
    };
    const expected = (c: Call, method: string, route: string, client?: string) => ({
      level: 'info',
      time: expect.any(String),
      context: 'HTTP',
      msg: 'request',
      request_id: c.id,
      ...(client ? { client_id: client } : {}),
      method,
      route,
      status: c.status,
      duration_ms: expect.any(Number),
    });
    // exact objects: no field beyond these (no header, query, body, address)
    expect(lineOf(created)).toEqual(expected(created, 'POST', '/generateToken')); // the admin credential is no client
    expect(lineOf(exchanged)).toEqual(expected(exchanged, 'POST', '/token', clientId));
    expect(lineOf(detected)).toEqual(expected(detected, 'POST', '/detect', clientId));
    expect(lineOf(generated)).toEqual(expected(generated, 'POST', '/generate', clientId));
    expect(lineOf(authenticated)).toEqual(expected(authenticated, 'POST', '/authenticate', clientId));
    // refused before routing (X-Auth-Token is checked before the body is read): no route, no client
    expect(lineOf(refused)).toEqual(expected(refused, 'POST', 'unmatched'));
    expect(lineOf(badQuery)).toEqual(expected(badQuery, 'GET', '/me', clientId));
    expect(lineOf(unknown)).toEqual(expected(unknown, 'GET', 'unmatched'));
    for (const c of Object.values(calls)) {
      const d = lineOf(c).duration_ms as number;
      expect(d).toBeGreaterThan(0);
      // the server measures until its 'finish' event, which can run after the client already has the
      // answer (the server's event loop was busy): so only a sanity bound against the client's own time
      expect(d).toBeLessThan(c.ms + 1000);
    }
    // the face work shows in the durations (detect and generate ran the models; /me did not)
    expect(lineOf(generated).duration_ms as number).toBeGreaterThan(lineOf(badQuery).duration_ms as number);

    const log = server.output.join('');
    const secrets: Record<string, string> = {
      'admin credential': ADMIN_TOKEN,
      'client token': clientToken,
      'client secret': clientSecret,
      'access token': accessToken,
      'identity token': identityToken,
      'identity token (tail)': identityToken.slice(-40),
      password: PASSWORD,
      'deployment key': PEPPER,
      'bad X-Auth-Token': badToken,
      'query, path or caller id marker': MARKER,
    };
    for (const photo of [ENROL, PROBE]) {
      const b64 = photo.toString('base64');
      for (const at of [0, 0.25, 0.5, 0.75]) {
        const i = Math.floor(b64.length * at) & ~3;
        secrets[`image base64 @${at}`] = b64.slice(i, i + 48);
        secrets[`image base64url @${at}`] = photo.subarray((i / 4) * 3, (i / 4) * 3 + 36).toString('base64url');
        secrets[`image hex @${at}`] = photo.subarray((i / 4) * 3, (i / 4) * 3 + 24).toString('hex');
      }
    }
    const leaked = Object.entries(secrets).filter(([, v]) => log.includes(v));
    expect(leaked.map(([k]) => k)).toEqual([]);

    await stopServerProcess(server);
    server = undefined;
  });

  it('text: one readable line per request, with the request id and the client id', async () => {
    // the default format; the same data dir, so the client created above exists (a server the json test
    // left running when it failed is stopped first: it would hold the data dir and keep jest from exiting)
    if (server) await stopServerProcess(server);
    server = await startServerProcess(env({}));
    const created = await call('/generateToken', json(ADMIN_TOKEN, { name: 'logging text' }));
    expect(created.status).toBe(200);
    const token = created.body.client_token as string;
    const clientId = (created.body.client as { client_id: string }).client_id;
    const detected = await call('/detect', form(token, {}, ENROL));
    expect(detected.status).toBe(200);
    const out = stripVTControlCharacters(await stdoutWith([created.id, detected.id]));
    const lines = out.split('\n').filter((l) => l.length > 0);
    expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
    expect(lines.filter((l) => l.includes(created.id))).toEqual([
      expect.stringMatching(new RegExp(`\\[HTTP\\] POST /generateToken 200 \\d+\\.\\dms request_id=${created.id}$`)),
    ]);
    expect(lines.filter((l) => l.includes(detected.id))).toEqual([
      expect.stringMatching(new RegExp(`\\[HTTP\\] POST /detect 200 \\d+\\.\\dms request_id=${detected.id} client_id=${clientId}$`)),
    ]);
    expect(lines.some((l) => /\[Bootstrap\] Facenition listening on http:\/\/127\.0\.0\.1:\d+$/.test(l))).toBe(true);
    for (const secret of [ADMIN_TOKEN, token, PEPPER]) expect(out).not.toContain(secret);
  });
});
