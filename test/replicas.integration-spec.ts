import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { fixture } from './support/images';
import { serverDatabase, type TestDatabase } from './support/database';
import { startServerProcess, stopServerProcess, type ServerProcess } from './support/server-process';

jest.setTimeout(600_000);

const ADMIN = 'replicas-test-admin-token-0123456789';
const KEY = Buffer.alloc(32, 14).toString('base64');
const SECRETS = { password: 'replica secret 0123', scope: 'app:login' };
const photo = (name: string): string => fixture(name).toString('base64');

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One HTTP call from a chosen loopback source address (127.0.0.0/8 all reaches the servers), so the
 * per-address limiter can be exercised from an address of its own without blocking the others.
 */
function call(base: string, method: string, path: string, opts: { token?: string; body?: object; from?: string } = {}): Promise<Answer> {
  const url = new URL(path, base);
  const data = opts.body ? Buffer.from(JSON.stringify(opts.body)) : undefined;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        localAddress: opts.from ?? '127.0.0.1',
        agent: false,
        headers: {
          ...(opts.token ? { 'x-auth-token': opts.token } : {}),
          ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let body: Record<string, unknown>;
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            body = { text };
          }
          resolve({ status: res.statusCode!, body, headers: res.headers });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

/**
 * Three gateway processes on one PostgreSQL server database, with the same deployment key: what
 * one replica decides, the others see at once (issue #14 §1). Every request the suite sends through
 * a replica is remembered with its status; at the end every answered request has exactly one audit
 * record with that status, and the hash chain verifies, after one replica was SIGKILLed mid-load.
 */
describe('three replicas on one PostgreSQL database agree', () => {
  let db: TestDatabase & { url: string };
  const dirs: string[] = [];
  const replicas: ServerProcess[] = [];
  let other: ServerProcess | undefined;
  const answered: { id: string; status: number }[] = [];
  let client = '';

  const env = (): Record<string, string> => {
    const dir = mkdtempSync(join(tmpdir(), 'facenition-replica-'));
    dirs.push(dir);
    return {
      DATABASE_URL: db.url,
      FACENITION_DATA_DIR: dir,
      FACENITION_ADMIN_TOKEN: ADMIN,
      FACENITION_PEPPER: KEY,
      FACENITION_WORKERS: '1',
      FACENITION_LIVENESS_GATE: 'off',
      FACENITION_AUTH_MAX_FAILURES: '10',
      FACENITION_AUTH_WINDOW_SECONDS: '600',
      FACENITION_LOCKOUT_THRESHOLD: '3',
      FACENITION_LOCKOUT_SECONDS: '600',
      FACENITION_METRICS_PORT: '0',
    };
  };
  /** A call through replica i (mod 3) that is remembered for the final audit check. */
  const via = async (i: number, method: string, path: string, opts: Parameters<typeof call>[3] = {}): Promise<Answer> => {
    const r = await call(replicas[i % replicas.length].base, method, path, opts);
    answered.push({ id: r.headers['x-request-id'] as string, status: r.status });
    return r;
  };
  const sql = async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as T[];
    } finally {
      await c.end();
    }
  };
  const enrol = async (i: number, name: string, token = client): Promise<{ token: string; token_id: string }> => {
    const r = await via(i, 'POST', '/generate', { token, body: { photo: photo(name), ...SECRETS } });
    expect(r.status).toBe(200);
    return r.body as { token: string; token_id: string };
  };
  const authenticate = async (i: number, token: string, name: string): Promise<Record<string, unknown>> => {
    const r = await via(i, 'POST', '/authenticate', { token: client, body: { token, photo: photo(name), ...SECRETS } });
    expect(r.status).toBe(200);
    return r.body;
  };

  beforeAll(async () => {
    db = await serverDatabase();
    // three at once: the migrations run once, under the advisory lock, while the others wait
    replicas.push(...(await Promise.all([0, 1, 2].map(() => startServerProcess(env())))));
    const created = await via(0, 'POST', '/generateToken', { token: ADMIN, body: { name: 'replicas', plan: 'enterprise' } });
    expect(created.status).toBe(200);
    client = created.body.client_token as string;
  });
  afterAll(async () => {
    await Promise.all([...replicas, ...(other ? [other] : [])].map((p) => stopServerProcess(p, 'SIGKILL')));
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('quotas are exact across replicas: at 990/1000, 30 parallel calls spread over the three let exactly 10 through', async () => {
    const dev = await via(1, 'POST', '/generateToken', { token: ADMIN, body: { name: 'metered', plan: 'developer' } });
    const token = dev.body.client_token as string;
    const id = (dev.body.client as { client_id: string }).client_id;
    const month = new Date().toISOString().slice(0, 7);
    await sql(
      `INSERT INTO quota_usage (client_id, month, calls) VALUES ($1, $2, 990) ON CONFLICT (client_id, month) DO UPDATE SET calls = 990`,
      [id, month],
    );
    const image = photo('Tony_Blair_0001');
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => via(i, 'POST', '/quality', { token, body: { image } })));
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429);
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(20);
    for (const r of refused) expect(r.body).toMatchObject({ ok: false, code: 'quota_exceeded' });
    expect(await sql<{ calls: number }>(`SELECT calls FROM quota_usage WHERE client_id = $1 AND month = $2`, [id, month])).toEqual([
      { calls: 1000 },
    ]);
    // every replica reports the same usage
    for (let i = 0; i < 3; i++) {
      const me = await via(i, 'GET', '/me', { token });
      expect(me.body).toMatchObject({ quota: { used: 1000, limit: 1000, remaining: 0 } });
    }
  });

  it('the identity-token lockout counts failures made on different replicas', async () => {
    const t = await enrol(0, 'Colin_Powell_0001');
    for (let i = 0; i < 3; i++)
      expect(await authenticate(i, t.token, 'Jennifer_Aniston_0001')).toMatchObject({ authenticated: false, reason: 'no_match' });
    // the third failure (threshold 3) locked it: the right face is refused on every replica
    for (let i = 0; i < 3; i++)
      expect(await authenticate(i, t.token, 'Colin_Powell_0002')).toMatchObject({ authenticated: false, reason: 'locked' });
  });

  it('the per-address authentication limiter is shared: failures on different replicas add up and the block holds on all', async () => {
    const from = '127.0.0.77';
    // 10 failures allowed per address: spread 4/3/3 over the replicas
    for (let i = 0; i < 10; i++) {
      const r = await via(i, 'GET', '/me', { token: `fnc_wrong_${i}`, from });
      expect(r.status).toBe(401);
    }
    for (let i = 0; i < 3; i++) {
      // blocked everywhere, even with a valid client token; another address is not affected
      const r = await via(i, 'GET', '/me', { token: client, from });
      expect(r.status).toBe(429);
      expect(r.body).toMatchObject({ ok: false, code: 'rate_limited' });
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(500);
      expect((await via(i, 'GET', '/me', { token: client, from: '127.0.0.78' })).status).toBe(200);
    }
    const rows = await sql<{ failures: number }>(`SELECT failures FROM auth_failures WHERE source = $1`, [from]);
    expect(rows).toEqual([{ failures: 10 }]);
  });

  it('a token revoked or rotated on one replica is refused on the others at once', async () => {
    const [gone, moved] = [await enrol(0, 'George_W_Bush_0001'), await enrol(1, 'Gerhard_Schroeder_0003')];
    const revoked = await via(1, 'POST', '/revoke', { token: client, body: { token_id: gone.token_id } });
    expect(revoked.status).toBe(200);
    for (const i of [2, 0])
      expect(await authenticate(i, gone.token, 'George_W_Bush_0002')).toMatchObject({ authenticated: false, reason: 'revoked' });

    const rotated = await via(2, 'POST', '/rotate', {
      token: client,
      body: { token: moved.token, photo: photo('Gerhard_Schroeder_0004'), ...SECRETS },
    });
    expect(rotated.body).toMatchObject({ ok: true, rotated: true });
    for (const i of [0, 1]) {
      expect(await authenticate(i, moved.token, 'Gerhard_Schroeder_0004')).toMatchObject({ authenticated: false, reason: 'revoked' });
      expect(await authenticate(i, rotated.body.token as string, 'Gerhard_Schroeder_0004')).toEqual({ ok: true, authenticated: true });
    }
  });

  it("an imported status list and the licence's monthly count are seen by all replicas", async () => {
    // another deployment holding the same key, on its own (embedded) database: its own issuer
    other = await startServerProcess({ ...env(), DATABASE_URL: '' });
    const created = await call(other.base, 'POST', '/generateToken', { token: ADMIN, body: { name: 'other', plan: 'enterprise' } });
    const otherClient = created.body.client_token as string;
    const made = await call(other.base, 'POST', '/generate', {
      token: otherClient,
      body: { photo: photo('Serena_Williams_0001'), ...SECRETS },
    });
    const foreign = made.body as { token: string; token_id: string };
    expect(await authenticate(2, foreign.token, 'Serena_Williams_0001')).toEqual({ ok: true, authenticated: true });
    expect((await call(other.base, 'POST', '/revoke', { token: otherClient, body: { token_id: foreign.token_id } })).status).toBe(200);
    const list = (await call(other.base, 'GET', '/admin/status-list', { token: ADMIN })).body.status_list as object;
    const imported = await via(0, 'POST', '/admin/status-list/import', { token: ADMIN, body: list });
    expect(imported.body).toMatchObject({ ok: true, entries: 1 });
    for (const i of [1, 2]) {
      expect(await authenticate(i, foreign.token, 'Serena_Williams_0001')).toMatchObject({ authenticated: false, reason: 'revoked' });
      const sources = await via(i, 'GET', '/admin/status-list/sources', { token: ADMIN });
      expect(sources.body.sources).toEqual([expect.objectContaining({ issuer: imported.body.issuer, entries: 1 })]);
    }

    // no licence file: the developer edition's 1,000 calls a month are counted for the whole deployment
    const month = new Date().toISOString().slice(0, 7);
    const usage = async (i: number) => ((await via(i, 'GET', '/license', { token: ADMIN })).body.usage as { calls: number }).calls;
    const before = await usage(0);
    expect((await via(1, 'POST', '/quality', { token: client, body: { image: photo('Tony_Blair_0001') } })).status).toBe(200);
    expect(await usage(2)).toBe(before + 1);
    await sql(`UPDATE license_usage SET calls = 997 WHERE month = $1`, [month]);
    const burst = await Promise.all(
      Array.from({ length: 9 }, (_, i) => via(i, 'POST', '/quality', { token: client, body: { image: photo('Tony_Blair_0001') } })),
    );
    expect(burst.filter((r) => r.status === 200)).toHaveLength(3);
    for (const r of burst.filter((x) => x.status !== 200)) expect(r.body).toMatchObject({ code: 'license_limit' });
    for (let i = 0; i < 3; i++) expect(await usage(i)).toBe(1000);
    // room again for the last test's load
    await sql(`UPDATE license_usage SET calls = 0 WHERE month = $1`, [month]);
  });

  it('SIGKILL of one replica mid-load loses nothing that was answered: every answer has one audit record and the chain verifies', async () => {
    const image = photo('Colin_Powell_0001');
    let stop = false;
    let killed = false;
    const loops = Array.from({ length: 6 }, async (_, w) => {
      for (let n = 0; !stop; n++) {
        // round robin over the live replicas; each loop cycles through the four kinds of call
        const i = killed ? [0, 2][(n + w) % 2] : (n + w) % 3;
        const kind = (n + w) % 4;
        try {
          if (kind === 0) await via(i, 'GET', '/me', { token: client });
          else if (kind === 1) await via(i, 'POST', '/detect', { token: client, body: { image } });
          else if (kind === 2) await via(i, 'POST', '/quality', { token: client, body: { image } });
          else await via(i, 'GET', '/me', { token: 'fnc_wrong', from: `127.0.1.${(n * 6 + w) % 250}` });
        } catch {
          // the connection to the killed replica was cut: not answered
        }
      }
    });
    await new Promise((r) => setTimeout(r, 3000));
    const before = answered.length;
    process.kill(replicas[1].child.pid!, 'SIGKILL');
    killed = true;
    await new Promise((r) => setTimeout(r, 2000));
    stop = true;
    await Promise.all(loops);
    expect(answered.length).toBeGreaterThan(before + 10);

    const exported = await call(replicas[0].base, 'GET', '/admin/audit/export?format=jsonl', { token: ADMIN });
    const records = String(exported.body.text)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { request_id: string; status: number });
    const byId = new Map<string, { n: number; status: number }>();
    for (const r of records) byId.set(r.request_id, { n: (byId.get(r.request_id)?.n ?? 0) + 1, status: r.status });
    const wrong = answered.filter((a) => byId.get(a.id)?.n !== 1 || byId.get(a.id)?.status !== a.status);
    expect(wrong).toEqual([]);

    const verify = await call(replicas[2].base, 'GET', '/admin/audit/verify', { token: ADMIN });
    const v = verify.body.verification as { ok: boolean; checked: number };
    expect(v.ok).toBe(true);
    expect(v.checked).toBeGreaterThanOrEqual(answered.length);
  });
});
