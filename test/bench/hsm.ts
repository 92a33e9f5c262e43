/**
 * What the deployment key in a PKCS#11 module costs a verification: the keyed step of the token
 * KDF (HMAC-SHA256 of the 32-byte scrypt output) as C_SignInit + C_Sign (CKM_SHA256_HMAC) on a
 * SoftHSM2 token, beside node:crypto's createHmac with the key in memory; the same for one HKDF
 * derivation (status-list seed, OIDC keys); and the whole KDF of a verification (scrypt at the
 * server's default N = 2^15, then the HMAC, then HKDF) with either key. One call at a time on one
 * core. A network HSM adds its round trip to every module call: measure yours with --module (a key
 * already stored with the hsm CLI; the in-memory column then uses a random key of its own).
 *   npm run bench:hsm [-- --calls 20000 --kdf-runs 20]
 *   npm run bench:hsm -- --module /path/libpkcs11.so --token-label T --pin-file F --label K
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { DEFAULT_KDF, deriveKeys, pepperFromKey, type Pepper } from '@facenition/tokenisation';
import { Pkcs11Token } from '../../apps/gateway/src/tokens/pkcs11-key';
import { createSoftHsmToken } from '../support/softhsm';
import { arg, percentile } from './common';

/** Microseconds per call, sorted. */
function timeCalls(n: number, f: () => unknown): number[] {
  for (let i = 0; i < Math.min(1000, n); i++) f();
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    f();
    out[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  return out.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const calls = Number(arg('calls', '20000'));
  const kdfRuns = Number(arg('kdf-runs', '20'));
  let settings: { module: string; tokenLabel: string; pin: string };
  let label = 'bench';
  let inMemory: Pepper;
  let hsm: ReturnType<typeof createSoftHsmToken> | undefined;
  if (process.argv.includes('--module')) {
    settings = { module: arg('module'), tokenLabel: arg('token-label'), pin: readFileSync(arg('pin-file'), 'utf8').trim() };
    label = arg('label');
    inMemory = pepperFromKey(randomBytes(32));
  } else {
    hsm = createSoftHsmToken('facenition-bench');
    settings = { module: hsm.module, tokenLabel: hsm.tokenLabel, pin: hsm.pin };
    const key = randomBytes(32);
    const admin = await Pkcs11Token.open(settings, { readWrite: true });
    admin.importKey(label, key);
    admin.close();
    inMemory = pepperFromKey(key);
    key.fill(0);
  }
  const token = await Pkcs11Token.open(settings);
  try {
    const inModule = token.key(label, '--label');
    const data = randomBytes(32);
    if (hsm && !inModule.hmac(data).equals(inMemory.hmac(data))) throw new Error('the module and the key file disagree');

    console.log(`Node.js ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, PKCS#11 module ${settings.module}`);
    console.log(`${calls} calls each, one at a time, on one core (microseconds per call)`);
    console.log('| operation | key | median | p95 | p99 |');
    console.log('| --------- | --- | ------ | --- | --- |');
    const row = (op: string, where: string, t: number[]) =>
      console.log(
        `| ${op} | ${where} | ${percentile(t, 50).toFixed(1)} µs | ${percentile(t, 95).toFixed(1)} µs | ${percentile(t, 99).toFixed(1)} µs |`,
      );
    const hmacModule = timeCalls(calls, () => inModule.hmac(data));
    const hmacMemory = timeCalls(calls, () => inMemory.hmac(data));
    const where = hsm ? 'PKCS#11 (SoftHSM2)' : 'PKCS#11';
    row('HMAC-SHA256 of 32 bytes (token KDF)', where, hmacModule);
    row('HMAC-SHA256 of 32 bytes (token KDF)', 'in memory (createHmac)', hmacMemory);
    row(
      'HKDF derive, 32 bytes (status list, OIDC)',
      where,
      timeCalls(calls, () => inModule.derive('facenition oidc csrf')),
    );
    row(
      'HKDF derive, 32 bytes (status list, OIDC)',
      'in memory (hkdfSync)',
      timeCalls(calls, () => inMemory.derive('facenition oidc csrf')),
    );

    const ctx = { version: 1, scheme: 1, scope: 's', environment: 'production' as const, expiresAt: 0, tokenId: randomBytes(16) };
    const kdf = async (p: Pepper) => {
      const t = performance.now();
      await deriveKeys('correct horse', randomBytes(16), ctx, DEFAULT_KDF, p);
      return performance.now() - t;
    };
    await kdf(inModule);
    await kdf(inMemory);
    const withModule: number[] = [];
    const withMemory: number[] = [];
    for (let i = 0; i < kdfRuns; i++) {
      withModule.push(await kdf(inModule));
      withMemory.push(await kdf(inMemory));
    }
    withModule.sort((a, b) => a - b);
    withMemory.sort((a, b) => a - b);
    const kdfMs = percentile(withMemory, 50);
    console.log(
      `\nthe KDF of one verification (scrypt N = 2^${DEFAULT_KDF.log2N}, r = 8, p = 1, then the HMAC, then HKDF), ${kdfRuns} runs each, alternating:`,
    );
    console.log(`  key in the module: median ${percentile(withModule, 50).toFixed(1)} ms, p95 ${percentile(withModule, 95).toFixed(1)} ms`);
    console.log(`  key in memory:     median ${kdfMs.toFixed(1)} ms, p95 ${percentile(withMemory, 95).toFixed(1)} ms`);
    const extra = (percentile(hmacModule, 50) - percentile(hmacMemory, 50)) / 1000;
    console.log(
      `  the module's HMAC adds ${(extra * 1000).toFixed(1)} µs (median) to a KDF of ${kdfMs.toFixed(1)} ms: ${((100 * extra) / kdfMs).toFixed(3)}% of it`,
    );
  } finally {
    token.close();
    hsm?.remove();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
