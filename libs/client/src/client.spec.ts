import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FacenitionClient, type FacenitionClientOptions } from './client';
import { FacenitionError, parseRetryAfter } from './errors';

/*
 * The client's own logic (retries, token refresh, request building) against a scripted fetch: each
 * request takes the next scripted answer. The SDK against the real server: test/sdk.integration-spec.ts.
 */

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  at: number;
}
type Script = Response | ((req: Seen) => Response) | Error;

function scripted(...answers: Script[]) {
  const seen: Seen[] = [];
  const fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req = {
      method: init?.method ?? 'GET',
      url: String(input as string),
      headers: { ...(init?.headers as Record<string, string>) },
      body: init?.body,
      at: Date.now(),
    };
    seen.push(req);
    const next = answers.shift();
    if (next === undefined) return Promise.reject(new Error(`unscripted request ${req.method} ${req.url}`));
    if (next instanceof Error) return Promise.reject(next);
    return Promise.resolve(typeof next === 'function' ? next(req) : next);
  };
  return { fetch: fetch as typeof globalThis.fetch, seen, left: () => answers.length };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': `req-${status}`, ...headers },
  });
const refusal = (status: number, code: string, headers: Record<string, string> = {}) =>
  json(status, { ok: false, error: `refused: ${code}`, code }, headers);
const DETECTED = { ok: true, image: { width: 1, height: 1 }, face_count: 0, faces: [] };
const ME = { ok: true, authenticated_with: 'access_token' };
const BASE = 'http://api.test/v1';
const PHOTO = Buffer.from('not really a jpeg, but bytes all the same');

const client = (fetch: typeof globalThis.fetch, more: Partial<FacenitionClientOptions> = {}) =>
  new FacenitionClient({ baseUrl: BASE, token: 'fnc_token', fetch, ...more });

async function caught(p: Promise<unknown>): Promise<FacenitionError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FacenitionError);
  return err as FacenitionError;
}

async function partBytes(body: unknown, field: string): Promise<Buffer[]> {
  expect(body).toBeInstanceOf(FormData);
  return Promise.all((body as FormData).getAll(field).map(async (p) => Buffer.from(await (p as Blob).arrayBuffer())));
}

describe('retries', () => {
  it('a 503 with Retry-After is retried with the same request, and its answer returned', async () => {
    const f = scripted(refusal(503, 'busy', { 'retry-after': '0' }), json(200, DETECTED));
    expect(await client(f.fetch).detect({ image: PHOTO })).toEqual(DETECTED);
    expect(f.seen).toHaveLength(2);
    expect(f.seen[1]).toMatchObject({ method: 'POST', url: `${BASE}/detect`, headers: { 'x-auth-token': 'fnc_token' } });
    expect(await partBytes(f.seen[1].body, 'image')).toEqual([PHOTO]);
  });

  it('waits the Retry-After the server asked for (seconds, or an HTTP date)', async () => {
    const f = scripted(refusal(429, 'rate_limited', { 'retry-after': '1' }), json(200, ME));
    await client(f.fetch).me();
    expect(f.seen[1].at - f.seen[0].at).toBeGreaterThanOrEqual(990);

    const now = Date.parse('Wed, 21 Oct 2015 07:27:58 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(2);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(' 7 ', now)).toBe(7);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('retries at most `retries` times, then throws the last refusal', async () => {
    const busy = () => refusal(503, 'overloaded', { 'retry-after': '0' });
    const f = scripted(busy(), busy(), busy(), busy());
    const err = await caught(client(f.fetch).detect({ image: PHOTO }));
    expect(err).toMatchObject({ status: 503, code: 'overloaded', requestId: 'req-503', retryAfter: 0, message: 'refused: overloaded' });
    expect(f.seen).toHaveLength(3); // the default: 2 retries
    expect(f.left()).toBe(1);

    const once = scripted(busy(), busy());
    await caught(client(once.fetch, { retries: 5 }).me({ retries: 1 }));
    expect(once.seen).toHaveLength(2);
    const never = scripted(busy());
    await caught(client(never.fetch, { retries: 0 }).me());
    expect(never.seen).toHaveLength(1);
  });

  it('does not retry: a 429 without Retry-After (quota used up), a Retry-After beyond the cap, other errors, network errors', async () => {
    for (const answer of [
      refusal(429, 'quota_exceeded'),
      refusal(503, 'busy', { 'retry-after': '31' }),
      refusal(400, 'invalid_field', { 'retry-after': '0' }),
      refusal(500, 'internal', { 'retry-after': '0' }),
      refusal(401, 'unauthenticated'),
    ]) {
      const f = scripted(answer, json(200, ME));
      const err = await caught(client(f.fetch).me());
      expect(err.status).toBe(answer.status);
      expect(f.seen).toHaveLength(1);
    }
    const capped = scripted(refusal(503, 'busy', { 'retry-after': '2' }));
    expect(await caught(client(capped.fetch, { maxRetryDelayMs: 1000 }).me())).toMatchObject({ retryAfter: 2 });
    expect(capped.seen).toHaveLength(1);

    const down = scripted(new TypeError('fetch failed'), json(200, ME));
    await expect(client(down.fetch).generate({ photo: PHOTO, password: 'p', scope: 's' })).rejects.toThrow('fetch failed');
    expect(down.seen).toHaveLength(1);
  });

  it('an abort during the wait ends the call at once', async () => {
    const f = scripted(refusal(503, 'busy', { 'retry-after': '20' }), json(200, ME));
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(new Error('caller gave up')), 50);
    await expect(client(f.fetch).me({ signal: abort.signal })).rejects.toThrow('caller gave up');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(f.seen).toHaveLength(1);
  });
});

describe('error answers', () => {
  it('carry the API code, the status and the request id; anything else is unexpected_response', async () => {
    const f = scripted(
      refusal(404, 'token_not_found'),
      new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
      new Response('not json', { status: 200 }),
    );
    const c = client(f.fetch);
    const notFound = await caught(c.revoke({ token_id: '0'.repeat(32) }));
    expect(notFound).toMatchObject({ name: 'FacenitionError', status: 404, code: 'token_not_found', requestId: 'req-404' });
    expect(notFound).toBeInstanceOf(Error);
    expect(await caught(c.me())).toMatchObject({ status: 502, code: 'unexpected_response', message: 'HTTP 502 Bad Gateway' });
    expect(await caught(c.me())).toMatchObject({ status: 200, code: 'unexpected_response' });
  });
});

describe('client credentials', () => {
  const issued = (token: string, expiresIn = 900) =>
    json(200, { ok: true, client_token: token, token_type: 'client', expires_in: expiresIn, expires_at: '2030-01-01T00:00:00Z' });

  function withClock(fetch: typeof globalThis.fetch, more: Partial<FacenitionClientOptions> = {}) {
    let now = 1_000_000;
    const c = new FacenitionClient({ baseUrl: BASE, clientId: 'id-1', clientSecret: 'fns_secret', fetch, now: () => now, ...more });
    return { c, advance: (ms: number) => (now += ms) };
  }

  it('exchanges them at POST /token on the first call and sends the short-lived token', async () => {
    const f = scripted(issued('fna_1'), json(200, ME));
    const { c } = withClock(f.fetch);
    await c.me();
    expect(f.seen[0]).toMatchObject({ method: 'POST', url: `${BASE}/token`, headers: { 'content-type': 'application/json' } });
    expect(f.seen[0].headers['x-auth-token']).toBeUndefined();
    expect(JSON.parse(f.seen[0].body as string)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'id-1',
      client_secret: 'fns_secret',
    });
    expect(f.seen[1]).toMatchObject({ method: 'GET', url: `${BASE}/me`, headers: { 'x-auth-token': 'fna_1' } });
  });

  it('replaces the token 60 s before it expires (at half its lifetime when that is shorter)', async () => {
    const f = scripted(issued('fna_1'), json(200, ME), json(200, ME), issued('fna_2'), json(200, ME));
    const { c, advance } = withClock(f.fetch);
    await c.me();
    advance(839_999);
    await c.me();
    advance(1);
    await c.me();
    expect(f.seen.map((s) => s.headers['x-auth-token'] ?? s.url)).toEqual([`${BASE}/token`, 'fna_1', 'fna_1', `${BASE}/token`, 'fna_2']);

    const short = scripted(issued('fna_a', 60), json(200, ME), json(200, ME), issued('fna_b', 60), json(200, ME));
    const s = withClock(short.fetch);
    await s.c.me();
    s.advance(29_999);
    await s.c.me();
    s.advance(1);
    await s.c.me();
    expect(short.seen.map((x) => x.headers['x-auth-token'] ?? 'exchange')).toEqual(['exchange', 'fna_a', 'fna_a', 'exchange', 'fna_b']);
  });

  it('concurrent calls share one exchange', async () => {
    const f = scripted(issued('fna_1'), json(200, ME), json(200, ME), json(200, ME));
    const { c } = withClock(f.fetch);
    await Promise.all([c.me(), c.me(), c.me()]);
    expect(f.seen.filter((s) => s.url.endsWith('/token'))).toHaveLength(1);
    expect(f.seen.filter((s) => s.headers['x-auth-token'] === 'fna_1')).toHaveLength(3);
  });

  it('a token refused as expired is exchanged again once; a second refusal is thrown', async () => {
    const f = scripted(issued('fna_1'), refusal(401, 'token_expired'), issued('fna_2'), json(200, ME));
    const { c } = withClock(f.fetch);
    expect(await c.me()).toEqual(ME);
    expect(f.seen.map((s) => s.headers['x-auth-token'] ?? 'exchange')).toEqual(['exchange', 'fna_1', 'exchange', 'fna_2']);

    const twice = scripted(issued('fna_1'), refusal(401, 'token_expired'), issued('fna_2'), refusal(401, 'token_expired'));
    expect(await caught(withClock(twice.fetch).c.me())).toMatchObject({ status: 401, code: 'token_expired' });
    expect(twice.left()).toBe(0);

    // a token given as `token` is never exchanged
    const given = scripted(refusal(401, 'token_expired'));
    expect(await caught(client(given.fetch, { token: 'fna_given' }).me())).toMatchObject({ code: 'token_expired' });
    expect(given.seen).toHaveLength(1);
  });

  it('a failed exchange fails the call and is not kept: the next call exchanges again', async () => {
    const f = scripted(refusal(401, 'invalid_client'), issued('fna_1'), json(200, ME));
    const { c } = withClock(f.fetch);
    expect(await caught(c.me())).toMatchObject({ status: 401, code: 'invalid_client' });
    expect(await c.me()).toEqual(ME);
  });
});

describe('requests', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'facenition-client-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('photos as Buffer, Uint8Array, ArrayBuffer, Blob or file path become multipart file parts with the same bytes', async () => {
    const file = join(dir, 'probe.jpg');
    writeFileSync(file, PHOTO);
    const plain = new Uint8Array(PHOTO);
    const f = scripted(json(200, { ok: true }), json(200, { ok: true }), json(200, { ok: true }));
    const c = client(f.fetch);
    await c.consistencyCheck({ images: [PHOTO, plain, plain.buffer, new Blob([plain]), file], accuracy: 3 });
    expect(await partBytes(f.seen[0].body, 'images')).toEqual([PHOTO, PHOTO, PHOTO, PHOTO, PHOTO]);
    expect((f.seen[0].body as FormData).get('accuracy')).toBe('3');
    expect(((f.seen[0].body as FormData).getAll('images')[4] as File).name).toBe('probe.jpg');
    expect(f.seen[0].headers['content-type']).toBeUndefined(); // fetch sets the multipart boundary

    await c.generate({ photo: file, password: 'pw', scope: 'app:login', ttl: undefined });
    const form = f.seen[1].body as FormData;
    expect([...form.keys()].sort()).toEqual(['password', 'photo', 'scope']);
    expect(await partBytes(form, 'photo')).toEqual([PHOTO]);

    await c.matchBulk({ probe: plain, references: PHOTO });
    expect(await partBytes(f.seen[2].body, 'references')).toEqual([PHOTO]);
    await expect(c.detect({ image: join(dir, 'missing.jpg') })).rejects.toThrow(/ENOENT/);
    await expect(c.detect({ image: 42 as unknown as string })).rejects.toThrow(TypeError);
  });

  it('JSON bodies, query strings, path parameters, X-Request-Id; admin calls send the admin credential', async () => {
    const f = scripted(json(200, { ok: true }), json(200, { ok: true }), json(200, { ok: true }), json(200, { ok: true }));
    const c = new FacenitionClient({ baseUrl: `${BASE}/`, token: 'fnc_token', adminToken: 'admin-credential', fetch: f.fetch });
    await c.revoke({ token_id: 'ab'.repeat(16) }, { requestId: 'mine-1' });
    expect(f.seen[0]).toMatchObject({
      method: 'POST',
      url: `${BASE}/revoke`,
      headers: { 'content-type': 'application/json', 'x-auth-token': 'fnc_token', 'x-request-id': 'mine-1' },
      body: JSON.stringify({ token_id: 'ab'.repeat(16) }),
    });
    await c.queryAudit({ endpoint: '/match', outcome: undefined, limit: 5 });
    expect(f.seen[1]).toMatchObject({ method: 'GET', url: `${BASE}/admin/audit?endpoint=%2Fmatch&limit=5`, body: undefined });
    expect(f.seen[1].headers['x-auth-token']).toBe('admin-credential');
    await c.rotateClient('a/b?c', { grace_seconds: 0 });
    expect(f.seen[2].url).toBe(`${BASE}/admin/clients/a%2Fb%3Fc/rotate`);
    await c.resetStatusListSource('0f'.repeat(16));
    expect(f.seen[3]).toMatchObject({ url: `${BASE}/admin/status-list/sources/${'0f'.repeat(16)}/reset`, body: '{}' });

    const noAdmin = scripted();
    await expect(client(noAdmin.fetch).listClients()).rejects.toThrow(/adminToken/);
    const noClient = scripted();
    await expect(new FacenitionClient({ baseUrl: BASE, adminToken: 'a', fetch: noClient.fetch }).me()).rejects.toThrow(/clientId/);
    expect(noAdmin.seen.length + noClient.seen.length).toBe(0);
  });

  it('exportAudit returns the text; rotateOwnToken switches to the new token', async () => {
    const f = scripted(
      new Response('{"seq":"1"}\n{"seq":"2"}\n', { status: 200, headers: { 'content-type': 'application/x-ndjson' } }),
      json(200, { ok: true, client: {}, client_token: 'fnc_new', previous_token_valid_until: null }),
      json(200, ME),
    );
    const c = client(f.fetch, { adminToken: 'admin-credential' });
    expect(await c.exportAudit({ format: 'jsonl' })).toBe('{"seq":"1"}\n{"seq":"2"}\n');
    expect(f.seen[0].url).toBe(`${BASE}/admin/audit/export?format=jsonl`);
    await c.rotateOwnToken({ grace_seconds: 60 });
    expect(f.seen[1].headers['x-auth-token']).toBe('fnc_token');
    await c.me();
    expect(f.seen[2].headers['x-auth-token']).toBe('fnc_new');
  });

  it('refuses contradictory options', () => {
    const f = scripted();
    expect(() => new FacenitionClient({ baseUrl: 'api.test', fetch: f.fetch })).toThrow(/baseUrl/);
    expect(() => new FacenitionClient({ baseUrl: BASE, clientId: 'x', fetch: f.fetch })).toThrow(/together/);
    expect(() => new FacenitionClient({ baseUrl: BASE, token: 't', clientId: 'x', clientSecret: 'y', fetch: f.fetch })).toThrow(/either/);
    expect(() => new FacenitionClient({ baseUrl: BASE, retries: -1, fetch: f.fetch })).toThrow(/retries/);
  });
});
