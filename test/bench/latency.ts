/**
 * End-to-end latency over HTTP: starts the built server (npm run build first; `npm run
 * bench:latency` does) on a loopback port, then closed-loop loads of POST /match with two
 * 250x250 JPEGs at concurrency 1 and 4, and of POST /authenticate (one 250x250 JPEG against a
 * token enrolled from another photo, production KDF) at concurrency 1; prints median and p95, and
 * the scrypt KDF's share measured in this process.
 *   npm run bench:latency [-- --seconds 20 --image1 a.jpg --image2 b.jpg --license file]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_KDF } from '@facenition/tokenisation';
import { arg, percentile, repoRoot, timeKdf } from './common';

function multipart(fields: Record<string, Buffer | string>): { body: Buffer; type: string } {
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

async function post(port: number, path: string, token: string, body: Buffer, type: string): Promise<number> {
  return (await postText(port, path, token, body, type)).status;
}

function postText(port: number, path: string, token: string, body: Buffer, type: string): Promise<{ status: number; text: string }> {
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

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
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

async function main(): Promise<void> {
  const seconds = Number(arg('seconds', '20'));
  const lfw = join(repoRoot, '../shared/datasets/lfw/images');
  const img1 = readFileSync(arg('image1', join(lfw, 'Colin_Powell/Colin_Powell_0001.jpg')));
  const img2 = readFileSync(arg('image2', join(lfw, 'Colin_Powell/Colin_Powell_0002.jpg')));
  const port = 18000 + Math.floor(Math.random() * 1000);
  const admin = randomBytes(24).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'facenition-bench-'));
  // the built server under a benchmark licence (licensed-server.js): the developer edition's
  // 1,000 calls a month would stop the run; --license FILE runs main.js with a real licence instead
  const entry = arg('license', '') ? 'dist/apps/gateway/src/main.js' : 'test/bench/licensed-server.js';
  const server = spawn(process.execPath, [join(repoRoot, entry)], {
    env: {
      ...process.env,
      FACENITION_PORT: String(port),
      FACENITION_HOST: '127.0.0.1',
      FACENITION_ADMIN_TOKEN: admin,
      FACENITION_DATA_DIR: dataDir,
      FACENITION_LOG_LEVEL: 'warn',
      ...(arg('license', '') ? { FACENITION_LICENSE_FILE: resolve(arg('license')) } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitReady(port);
    const created = await fetch(`http://127.0.0.1:${port}/generateToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': admin },
      body: JSON.stringify({ name: 'latency benchmark', plan: 'enterprise', environment: 'production' }),
    });
    if (created.status !== 200) throw new Error(`could not create a client: ${created.status}`);
    const token = ((await created.json()) as { client_token: string }).client_token;
    const { body, type } = multipart({ image1: img1, image2: img2 });
    for (let i = 0; i < 10; i++) {
      const status = await post(port, '/match', token, body, type); // warm-up
      if (status !== 200) throw new Error(`/match answered ${status}`);
    }
    console.log(`POST /match, two 250x250 JPEGs (${img1.length} + ${img2.length} bytes), ${seconds} s per level`);
    for (const conc of [1, 4]) {
      const lat: number[] = [];
      let errors = 0;
      const end = Date.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: conc }, async () => {
          while (Date.now() < end) {
            const t = process.hrtime.bigint();
            const status = await post(port, '/match', token, body, type);
            if (status !== 200) errors++;
            lat.push(Number(process.hrtime.bigint() - t) / 1e6);
          }
        }),
      );
      lat.sort((a, b) => a - b);
      console.log(
        `  concurrency ${conc}: ${lat.length} requests, ${(lat.length / seconds).toFixed(1)} req/s, median ${percentile(lat, 50).toFixed(1)} ms, p95 ${percentile(lat, 95).toFixed(1)} ms, max ${lat[lat.length - 1].toFixed(1)} ms, non-200: ${errors}`,
      );
    }

    // /authenticate at concurrency 1: one enrolment, then a fresh photo per call (production KDF, liveness gate on)
    const secrets = { password: 'latency benchmark secret', scope: 'bench.example/login' };
    const enrol = multipart({ image: img1, ...secrets });
    const g = await postText(port, '/generate', token, enrol.body, enrol.type);
    if (g.status !== 200) throw new Error(`/generate answered ${g.status}: ${g.text}`);
    const idToken = (JSON.parse(g.text) as { token: string }).token;
    const auth = multipart({ token: idToken, image: img2, ...secrets });
    const first = await postText(port, '/authenticate', token, auth.body, auth.type);
    if (first.status !== 200 || !(JSON.parse(first.text) as { authenticated: boolean }).authenticated)
      throw new Error(`/authenticate answered ${first.status}: ${first.text}`);
    const lat: number[] = [];
    let errors = 0;
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      const t = process.hrtime.bigint();
      const r = await postText(port, '/authenticate', token, auth.body, auth.type);
      if (r.status !== 200 || !(JSON.parse(r.text) as { authenticated: boolean }).authenticated) errors++;
      lat.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    lat.sort((a, b) => a - b);
    const kdf = await timeKdf();
    const med = percentile(lat, 50);
    console.log(
      `POST /authenticate, one ${img2.length}-byte JPEG vs a token (scrypt N=2^${DEFAULT_KDF.log2N}), concurrency 1: ${lat.length} requests, median ${med.toFixed(1)} ms, p95 ${percentile(lat, 95).toFixed(1)} ms, max ${lat[lat.length - 1].toFixed(1)} ms, not authenticated or non-200: ${errors}`,
    );
    console.log(
      `  KDF alone (this process): median ${percentile(kdf, 50).toFixed(1)} ms = ${((100 * percentile(kdf, 50)) / med).toFixed(0)}% of the median ` +
        '(the server runs it concurrently with the face analysis)',
    );
  } finally {
    server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
