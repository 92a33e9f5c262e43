import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from './support/images';
import { testDatabase, type TestDatabase } from './support/database';
import { startServerProcess, stopServerProcess, type ServerProcess } from './support/server-process';

jest.setTimeout(240_000);

const ADMIN = 'crash-test-admin-token-0123456789';

/**
 * Durability of the audit log: the server process is SIGKILLed in the middle of a load; after a
 * restart on the same database every request that got a response has exactly one audit record
 * and the chain verifies.
 */
describe('SIGKILL mid-load loses no audit record of an answered request', () => {
  let dataDir: string;
  let db: TestDatabase;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'facenition-crash-'));
    db = await testDatabase();
  });
  afterAll(async () => {
    if (server) await stopServerProcess(server, 'SIGKILL');
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every answered request is audited after a crash and restart', async () => {
    const env = {
      FACENITION_DATA_DIR: dataDir,
      FACENITION_ADMIN_TOKEN: ADMIN,
      FACENITION_WORKERS: '1',
      FACENITION_AUTH_MAX_FAILURES: '100000',
      FACENITION_PEPPER: Buffer.alloc(32, 5).toString('base64'),
      ...(db.url ? { DATABASE_URL: db.url } : {}),
    };
    server = await startServerProcess(env);
    const created = await fetch(`${server.base}/generateToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': ADMIN },
      body: JSON.stringify({ name: 'crash test', plan: 'enterprise' }),
    });
    expect(created.status).toBe(200);
    const token = ((await created.json()) as { client_token: string }).client_token;

    const image = fixture('Colin_Powell_0001').toString('base64');
    const answered: { id: string; status: number }[] = [];
    let stop = false;
    const base = server.base;
    const one = async (i: number): Promise<void> => {
      const kind = i % 3;
      const init: RequestInit =
        kind === 0
          ? { method: 'GET', headers: { 'x-auth-token': token } }
          : {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-auth-token': kind === 1 ? token : 'fnc_wrong' },
              body: JSON.stringify({ image }),
            };
      const r = await fetch(`${base}${kind === 0 ? '/me' : '/detect'}`, init);
      await r.arrayBuffer();
      answered.push({ id: r.headers.get('x-request-id')!, status: r.status });
    };
    const loops = Array.from({ length: 6 }, async (_, w) => {
      for (let i = w; !stop; i += 6) {
        try {
          await one(i);
        } catch {
          return; // connection cut by the kill
        }
      }
    });
    await new Promise((r) => setTimeout(r, 2500));
    const killedAfter = answered.length;
    process.kill(server.child.pid!, 'SIGKILL');
    await new Promise((r) => server!.child.once('exit', r));
    stop = true;
    await Promise.all(loops);
    expect(killedAfter).toBeGreaterThan(20);
    expect(new Set(answered.map((a) => a.status))).toEqual(new Set([200, 401]));

    server = await startServerProcess(env);
    const exported = await fetch(`${server.base}/admin/audit/export?format=jsonl`, { headers: { 'x-auth-token': ADMIN } });
    const records = (await exported.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { request_id: string; status: number });
    const byId = new Map<string, number>();
    for (const r of records) byId.set(r.request_id, (byId.get(r.request_id) ?? 0) + 1);
    const missing = answered.filter((a) => byId.get(a.id) !== 1);
    expect(missing).toEqual([]);
    for (const a of answered) expect(records.find((r) => r.request_id === a.id)!.status).toBe(a.status);

    const verify = await fetch(`${server.base}/admin/audit/verify`, { headers: { 'x-auth-token': ADMIN } });
    const v = ((await verify.json()) as { verification: { ok: boolean; checked: number } }).verification;
    expect(v.ok).toBe(true);
    expect(v.checked).toBeGreaterThanOrEqual(answered.length);
  });
});
