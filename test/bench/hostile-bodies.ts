/**
 * bench:hostile-bodies: what large unauthenticated bodies cost the server. Starts the built
 * server (or the one given by --main) as its own process, then sends N parallel JSON bodies of
 * ~31 MiB (a) without any credential and (b) with a wrong X-Auth-Token header, and prints the
 * server's resident memory (VmRSS, VmHWM from /proc) before and after each wave, the statuses and
 * the time to the answers. Numbers, not a test.
 *
 *   npm run bench:hostile-bodies [-- --parallel 8 --mib 31 --main dist/apps/gateway/src/main.js]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg } from './common';
import { BUILT_MAIN, startServerProcess, stopServerProcess } from '../support/server-process';

function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

function send(base: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; ms: number }> {
  const url = new URL(`${base}/match`);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
      },
    );
    // the server may answer and close before the whole body is sent: that is the point
    req.on('error', () => resolve({ status: -1, ms: performance.now() - t0 }));
    req.end(body);
  });
}

async function main(): Promise<void> {
  const parallel = Number(arg('parallel', '8'));
  const mib = Number(arg('mib', '31'));
  const builtMain = arg('main', BUILT_MAIN);
  const dataDir = mkdtempSync(join(tmpdir(), 'facenition-hostile-'));
  const admin = 'bench-admin-token-0123456789abcdef';
  const server = await startServerProcess(
    {
      FACENITION_DATA_DIR: dataDir,
      FACENITION_ADMIN_TOKEN: admin,
      FACENITION_WORKERS: '1',
      FACENITION_AUTH_MAX_FAILURES: '100000',
      FACENITION_PEPPER: Buffer.alloc(32, 1).toString('base64'),
      DATABASE_URL: '',
    },
    builtMain,
  );
  // a JSON body that parses: one ~mib MiB base64 string
  const body = Buffer.from(JSON.stringify({ image1: 'A'.repeat(mib * 1024 * 1024), image2: 'A' }));
  const pid = server.child.pid!;
  await new Promise((r) => setTimeout(r, 2000));
  console.log(`server: ${builtMain}`);
  console.log(`${parallel} parallel bodies of ${(body.length / 1024 / 1024).toFixed(1)} MiB each`);
  const before = memory(pid);
  console.log(`idle:                 RSS ${before.rss.toFixed(0)} MB, peak ${before.hwm.toFixed(0)} MB`);
  for (const [label, headers] of [
    ['no credential', { 'content-type': 'application/json' }],
    ['wrong X-Auth-Token', { 'content-type': 'application/json', 'x-auth-token': 'fnc_wrong' }],
  ] as const) {
    const t0 = performance.now();
    const rs = await Promise.all(Array.from({ length: parallel }, () => send(server.base, body, headers)));
    const after = memory(pid);
    const statuses = rs.map((r) => r.status).join(',');
    console.log(
      `${label.padEnd(20)}  RSS ${after.rss.toFixed(0)} MB, peak ${after.hwm.toFixed(0)} MB (+${(after.hwm - before.hwm).toFixed(0)} MB over idle), ` +
        `statuses ${statuses}, all answered in ${(performance.now() - t0).toFixed(0)} ms`,
    );
  }
  await stopServerProcess(server);
  rmSync(dataDir, { recursive: true, force: true });
}

void main();
