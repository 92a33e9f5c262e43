/**
 * The cost of one password guess at scrypt settings around the server's (r = 8, p = 1; new tokens
 * use N = 2^FACENITION_KDF_LOG2N, default 2^15; verification accepts up to 2^FACENITION_KDF_MAX_LOG2N,
 * default 2^16), N = 2^13 .. 2^17 by default: the identity token's KDF exactly as the server runs it
 * (deriveKeys: scrypt, then the HMAC with the deployment key, then HKDF), timed on one core of
 * this machine. This is what an attacker who holds a token, its deployment key and a photo of the
 * user pays per guess of the user's secret (without the deployment key no guess can be checked).
 *   npm run bench:kdf [-- --runs 9 --from 13 --to 17]
 */
import { randomBytes } from 'node:crypto';
import { deriveKeys, pepperFromKey } from '@facenition/tokenisation';
import { arg, percentile } from './common';

async function main(): Promise<void> {
  const runs = Number(arg('runs', '9'));
  const from = Number(arg('from', '13'));
  const to = Number(arg('to', '17'));
  const ctx = { version: 1, scheme: 1, scope: 's', environment: 'production' as const, expiresAt: 0, tokenId: randomBytes(16) };
  console.log(`scrypt r=8 p=1 + HMAC-SHA256 (deployment key) + HKDF, one call at a time on one core, ${runs} runs each`);
  console.log('| log2 N | memory per guess | median per guess | p95 | guesses per core-second |');
  console.log('| ------ | ---------------- | ---------------- | --- | ----------------------- |');
  for (let log2N = from; log2N <= to; log2N++) {
    await deriveKeys('warm-up', randomBytes(16), ctx, { log2N, r: 8, p: 1 }, pepperFromKey(randomBytes(32)));
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await deriveKeys(`guess ${i}`, randomBytes(16), ctx, { log2N, r: 8, p: 1 }, pepperFromKey(randomBytes(32)));
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const med = percentile(times, 50);
    const mib = (128 * 8 * 2 ** log2N) / 2 ** 20;
    console.log(`| ${log2N} | ${mib} MiB | ${med.toFixed(1)} ms | ${percentile(times, 95).toFixed(1)} ms | ${(1000 / med).toFixed(1)} |`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
