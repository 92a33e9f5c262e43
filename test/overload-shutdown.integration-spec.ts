import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from './support/images';
import { testDatabase, type TestDatabase } from './support/database';
import { startServerProcess, stopServerProcess, type ServerProcess } from './support/server-process';

jest.setTimeout(300_000);

const ADMIN = 'overload-test-admin-token-0123456789';
const image = fixture('Colin_Powell_0001').toString('base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/**
 * Overload and shutdown of the built server as a real process (issue #14 §2): past its bounded face
 * queue it sheds work with 503 + Retry-After and keeps serving; SIGTERM turns readiness 503 first,
 * lets in-flight requests finish and exits within FACENITION_SHUTDOWN_TIMEOUT_SECONDS.
 */
describe('overload and shutdown (built server, real models)', () => {
  let db: TestDatabase;
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];

  const start = async (env: Record<string, string>): Promise<{ server: ServerProcess; token: string }> => {
    const dir = mkdtempSync(join(tmpdir(), 'facenition-overload-'));
    dirs.push(dir);
    const server = await startServerProcess({
      FACENITION_DATA_DIR: dir,
      FACENITION_ADMIN_TOKEN: ADMIN,
      FACENITION_PEPPER: Buffer.alloc(32, 3).toString('base64'),
      FACENITION_METRICS_PORT: '0',
      FACENITION_AUTH_MAX_FAILURES: '100000',
      ...(db.url ? { DATABASE_URL: db.url } : {}),
      ...env,
    });
    servers.push(server);
    const created = await fetch(`${server.base}/generateToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': ADMIN },
      body: JSON.stringify({ name: 'load', plan: 'enterprise' }),
    });
    expect(created.status).toBe(200);
    return { server, token: ((await created.json()) as { client_token: string }).client_token };
  };
  const detect = async (base: string, token: string): Promise<{ status: number; ms: number; retryAfter: string | null; code?: string }> => {
    const t = performance.now();
    const r = await fetch(`${base}/detect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: JSON.stringify({ image }),
    });
    const body = (await r.json()) as { code?: string };
    return { status: r.status, ms: performance.now() - t, retryAfter: r.headers.get('retry-after'), code: body.code };
  };

  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(async () => {
    for (const s of servers) await stopServerProcess(s, 'SIGKILL');
    await db.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('at 4x the saturating load it sheds with 503 + Retry-After from the bounded queue; accepted p99 stays bounded; nothing crashes', async () => {
    const WORKERS = 1;
    const QUEUE = 4;
    const { server, token } = await start({ FACENITION_WORKERS: String(WORKERS), FACENITION_QUEUE_MAX: String(QUEUE) });
    for (let i = 0; i < 3; i++) expect((await detect(server.base, token)).status).toBe(200);
    // closed loops (loopback only, bounded): `callers` callers for 6 s, each honouring Retry-After after a
    // refusal; at most 400 accepted calls per phase, so both phases stay within the developer edition's
    // 1,000 metered calls a month (the servers here run without a licence; refusals are not metered)
    const load = async (callers: number): Promise<Awaited<ReturnType<typeof detect>>[]> => {
      const results: Awaited<ReturnType<typeof detect>>[] = [];
      const end = performance.now() + 6000;
      let admitted = 0; // calls in flight or answered 200
      await Promise.all(
        Array.from({ length: callers }, async () => {
          while (performance.now() < end && admitted < 400) {
            admitted++;
            const r = await detect(server.base, token);
            results.push(r);
            if (r.status === 200) continue;
            admitted--;
            await sleep(Number(r.retryAfter ?? 1) * 1000); // as a well-behaved client does
          }
        }),
      );
      return results;
    };
    const summary = (rs: Awaited<ReturnType<typeof detect>>[]) => {
      const lat = rs.filter((r) => r.status === 200).map((r) => r.ms);
      return { accepted: lat.length, shed: rs.filter((r) => r.status === 503).length, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
    };
    // the engine is saturated by WORKERS + QUEUE requests at a time (all running or queued) ...
    const saturating = WORKERS + QUEUE;
    const base = summary(await load(saturating));
    // ... and gets 4x that
    let maxQueued = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const q = ((await (await fetch(`${server.base}/health/ready`)).json()) as { queue?: { queued: number } }).queue;
        maxQueued = Math.max(maxQueued, q?.queued ?? 0);
        await sleep(100);
      }
    })();
    const results = await load(4 * saturating);
    polling = false;
    await poll;
    const over = summary(results);
    console.log(
      `overload (1 worker, queue ${QUEUE}): ${saturating} callers: ${base.accepted} accepted (p50 ${base.p50.toFixed(0)} ms, ` +
        `p99 ${base.p99.toFixed(0)} ms), ${base.shed} shed; ${4 * saturating} callers: ${over.accepted} accepted ` +
        `(p50 ${over.p50.toFixed(0)} ms, p99 ${over.p99.toFixed(0)} ms), ${over.shed} shed with 503 + Retry-After; most queued seen ${maxQueued}`,
    );
    expect(over.accepted + over.shed).toBe(results.length); // nothing else: no 500, no dropped connection
    expect(over.shed).toBeGreaterThan(0); // the queue was full: work was shed, not queued without bound
    expect(over.accepted).toBeGreaterThan(0);
    for (const r of results.filter((x) => x.status === 503)) {
      expect(r.code).toBe('overloaded');
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // an accepted request waits behind at most QUEUE others, however many callers there are ...
    expect(maxQueued).toBeLessThanOrEqual(QUEUE);
    expect(maxQueued).toBeGreaterThan(0);
    // ... so its latency does not grow with the load as an unbounded queue's would (4x the callers, ~4x the wait);
    // the margin is for the CPU the refusals and this test's own callers take on a small machine
    expect(over.p99).toBeLessThan(4 * base.p99 + 500);
    // and it still serves normally
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${server.base}/health/ready`)).status).toBe(200);
    expect((await detect(server.base, token)).status).toBe(200);
  });

  it('SIGTERM: readiness turns 503 first, in-flight requests finish, the listener closes, the process exits 0 within the bound', async () => {
    const home = mkdtempSync(join(tmpdir(), 'facenition-home-'));
    dirs.push(home);
    const { server, token } = await start({
      FACENITION_WORKERS: '1',
      FACENITION_SHUTDOWN_DELAY_SECONDS: '2',
      FACENITION_SHUTDOWN_TIMEOUT_SECONDS: '15',
      FACENITION_LOG_LEVEL: 'log',
      HOME: home,
    });
    const exited = new Promise<{ code: number | null; at: number }>((r) =>
      server.child.once('exit', (code) => r({ code, at: performance.now() })),
    );
    const inflight = Array.from({ length: 6 }, () => detect(server.base, token));
    // wait until the face engine is busy with them
    for (let i = 0; i < 100; i++) {
      const q = ((await (await fetch(`${server.base}/health/ready`)).json()) as { queue?: { running: number } }).queue;
      if (q && q.running > 0) break;
      await sleep(20);
    }
    const t0 = performance.now();
    server.child.kill('SIGTERM');
    await sleep(200);
    const ready = await fetch(`${server.base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ok: false, error: 'shutting down', code: 'not_ready' });
    expect((await fetch(`${server.base}/health/live`)).status).toBe(200);
    // every request in flight at the signal is answered normally
    for (const r of await Promise.all(inflight)) expect(r.status).toBe(200);
    const { code, at } = await exited;
    expect(code).toBe(0);
    expect(at - t0).toBeLessThan(15_000);
    expect(at - t0).toBeGreaterThanOrEqual(2000); // the delay with readiness 503 was kept
    // the listener is gone
    await expect(fetch(`${server.base}/health/live`)).rejects.toThrow();
    const log = server.output.join('');
    expect(log).toMatch(/SIGTERM: readiness now 503; \d+ request\(s\) in flight/);
    expect(log).toMatch(/stopped in \d+ ms/);
    // ONNX Runtime's usage telemetry is off: it wrote nothing under $HOME (it keeps a device id and an upload queue there otherwise)
    expect(readdirSync(home)).toEqual([]);
  });

  it('SIGTERM with a request that never finishes: the process still exits at the timeout, saying what it cut', async () => {
    const { server } = await start({
      FACENITION_WORKERS: '1',
      FACENITION_SHUTDOWN_DELAY_SECONDS: '0',
      FACENITION_SHUTDOWN_TIMEOUT_SECONDS: '3',
      FACENITION_LOG_LEVEL: 'log',
    });
    const exited = new Promise<{ code: number | null; at: number }>((r) =>
      server.child.once('exit', (code) => r({ code, at: performance.now() })),
    );
    // an upload that stalls half way: the request is in flight until the server gives up on it
    const url = new URL(server.base);
    const socket = connect(Number(url.port), url.hostname);
    socket.on('error', () => undefined);
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      `POST /generateToken HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${ADMIN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`,
    );
    await sleep(300);
    const t0 = performance.now();
    server.child.kill('SIGTERM');
    const { code, at } = await exited;
    socket.destroy();
    expect(code).toBe(1);
    expect(at - t0).toBeGreaterThanOrEqual(2900);
    expect(at - t0).toBeLessThan(6000);
    expect(server.output.join('')).toMatch(/shutdown timeout \(3000 ms\): 1 request\(s\) still in flight were cut/);
  });
});
