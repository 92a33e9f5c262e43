/** HTTP helpers of the benchmarks that drive the built server over loopback. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './common';

export interface BenchServer {
  port: number;
  /** Client token of an enterprise production client created for the run. */
  token: string;
  stop(): void;
}

/**
 * The built server on a loopback port with a fresh data dir, ready, with one client. `entry` is the
 * benchmark-licence launcher by default (the developer edition's 1,000 calls a month would stop a
 * run), or main.js when the caller passes a licence file in `env`.
 */
export async function startBenchServer(
  env: Record<string, string>,
  name: string,
  entry = 'test/bench/licensed-server.js',
  /** Pin the server to these CPUs (`taskset -c`), e.g. '1' or '0,1'. */
  cpus?: string,
): Promise<BenchServer> {
  const port = 18000 + Math.floor(Math.random() * 1000);
  const admin = randomBytes(24).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'facenition-bench-'));
  const [cmd, args] = cpus
    ? ['taskset', ['-c', cpus, process.execPath, join(repoRoot, entry)]]
    : [process.execPath, [join(repoRoot, entry)]];
  const server = spawn(cmd, args, {
    env: {
      ...process.env,
      FACENITION_PORT: String(port),
      FACENITION_HOST: '127.0.0.1',
      FACENITION_ADMIN_TOKEN: admin,
      FACENITION_DATA_DIR: dataDir,
      FACENITION_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = () => {
    server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(port);
    const created = await fetch(`http://127.0.0.1:${port}/generateToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': admin },
      body: JSON.stringify({ name, plan: 'enterprise', environment: 'production' }),
    });
    if (created.status !== 200) throw new Error(`could not create a client: ${created.status}`);
    return { port, token: ((await created.json()) as { client_token: string }).client_token, stop };
  } catch (err) {
    stop();
    throw err;
  }
}

export function multipart(fields: Record<string, Buffer | string>): { body: Buffer; type: string } {
  const boundary = `----facenition${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, buf] of Object.entries(fields)) {
    if (typeof buf === 'string') {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${buf}\r\n`));
      continue;
    }
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
    );
    parts.push(buf, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

export async function post(port: number, path: string, token: string, body: Buffer, type: string): Promise<number> {
  return (await postText(port, path, token, body, type)).status;
}

export function postText(port: number, path: string, token: string, body: Buffer, type: string): Promise<{ status: number; text: string }> {
  return new Promise((res, rej) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': type, 'content-length': body.length, 'x-auth-token': token },
      },
      (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => res({ status: r.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', rej);
    req.end(body);
  });
}

export async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const ok = await new Promise<boolean>((res) => {
      const r = request({ host: '127.0.0.1', port, path: '/health/ready' }, (x) => {
        x.resume();
        res(x.statusCode === 200);
      });
      r.on('error', () => res(false));
      r.end();
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}

/**
 * Closed-loop load: `concurrency` callers each repeat `call` until `seconds` have passed. Latencies in
 * ms, sorted; `failures` counts calls whose result was false.
 */
export async function closedLoop(
  concurrency: number,
  seconds: number,
  call: () => Promise<boolean>,
): Promise<{ lat: number[]; failures: number }> {
  const lat: number[] = [];
  let failures = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const t = process.hrtime.bigint();
        if (!(await call())) failures++;
        lat.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  lat.sort((a, b) => a - b);
  return { lat, failures };
}

/** Enrols img1 with /generate and returns the multipart body of an /authenticate call with img2 against it. */
export async function authenticateBody(
  port: number,
  token: string,
  img1: Buffer,
  img2: Buffer,
  secrets: { password: string; scope: string },
): Promise<{ body: Buffer; type: string }> {
  const enrol = multipart({ image: img1, ...secrets });
  const g = await postText(port, '/generate', token, enrol.body, enrol.type);
  if (g.status !== 200) throw new Error(`/generate answered ${g.status}: ${g.text}`);
  return multipart({ token: (JSON.parse(g.text) as { token: string }).token, image: img2, ...secrets });
}

/** An /authenticate call that answered 200 with authenticated: true. */
export async function authenticated(port: number, token: string, auth: { body: Buffer; type: string }): Promise<boolean> {
  const r = await postText(port, '/authenticate', token, auth.body, auth.type);
  return r.status === 200 && (JSON.parse(r.text) as { authenticated?: boolean }).authenticated === true;
}
