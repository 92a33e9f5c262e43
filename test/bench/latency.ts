/**
 * End-to-end latency over HTTP: starts the built server (npm run build first; `npm run
 * bench:latency` does) on a loopback port, then closed-loop loads of POST /match with two
 * 250x250 JPEGs at concurrency 1 and 4, and of POST /authenticate (one 250x250 JPEG against a
 * token enrolled from another photo, production KDF) at concurrency 1; prints median and p95, and
 * the scrypt KDF's share measured in this process.
 *   npm run bench:latency [-- --seconds 20 --image1 a.jpg --image2 b.jpg --license file]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_KDF } from '@facenition/tokenisation';
import { arg, percentile, repoRoot, timeKdf } from './common';
import { authenticateBody, authenticated, closedLoop, multipart, post, startBenchServer } from './http';

async function main(): Promise<void> {
  const seconds = Number(arg('seconds', '20'));
  const lfw = join(repoRoot, '../shared/datasets/lfw/images');
  const img1 = readFileSync(arg('image1', join(lfw, 'Colin_Powell/Colin_Powell_0001.jpg')));
  const img2 = readFileSync(arg('image2', join(lfw, 'Colin_Powell/Colin_Powell_0002.jpg')));
  // the built server under a benchmark licence (licensed-server.js): the developer edition's
  // 1,000 calls a month would stop the run; --license FILE runs main.js with a real licence instead
  const licence = arg('license', '');
  const server = await startBenchServer(
    licence ? { FACENITION_LICENSE_FILE: resolve(licence) } : {},
    'latency benchmark',
    licence ? 'dist/apps/gateway/src/main.js' : undefined,
  );
  const { port, token } = server;
  try {
    const { body, type } = multipart({ image1: img1, image2: img2 });
    for (let i = 0; i < 10; i++) {
      const status = await post(port, '/match', token, body, type); // warm-up
      if (status !== 200) throw new Error(`/match answered ${status}`);
    }
    console.log(`POST /match, two 250x250 JPEGs (${img1.length} + ${img2.length} bytes), ${seconds} s per level`);
    for (const conc of [1, 4]) {
      const { lat, failures: errors } = await closedLoop(
        conc,
        seconds,
        async () => (await post(port, '/match', token, body, type)) === 200,
      );
      console.log(
        `  concurrency ${conc}: ${lat.length} requests, ${(lat.length / seconds).toFixed(1)} req/s, median ${percentile(lat, 50).toFixed(1)} ms, p95 ${percentile(lat, 95).toFixed(1)} ms, max ${lat[lat.length - 1].toFixed(1)} ms, non-200: ${errors}`,
      );
    }

    // /authenticate at concurrency 1: one enrolment, then a fresh photo per call (production KDF, liveness gate on)
    const secrets = { password: 'latency benchmark secret', scope: 'bench.example/login' };
    const auth = await authenticateBody(port, token, img1, img2, secrets);
    if (!(await authenticated(port, token, auth))) throw new Error('/authenticate did not authenticate the enrolled person');
    const { lat, failures: errors } = await closedLoop(1, seconds, () => authenticated(port, token, auth));
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
    server.stop();
  }
}

void main();
