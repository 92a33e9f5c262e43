/**
 * A large status-list import against cheap concurrent requests: starts the test app (embedded
 * PGlite, or a fresh database on the DATABASE_URL server), builds a signed list of --entries
 * (250,000) revocations from another issuer, and imports it twice (first import, then a newer list
 * replacing it) while two loops send GET /me with a client token. Prints the import duration, the
 * latency of the cheap requests during the import (median, p99, max; idle for comparison), the
 * main event loop's longest stall, and where the CPU time of an import goes (each step timed
 * alone on the main thread, best of three: request-body JSON.parse, Ed25519 verify (node-forge, as the
 * import runs it; node:crypto for comparison), payload decode + JSON.parse, per-entry validation),
 * and what signing the list costs its issuer (signStatusList, as the export runs it).
 *   npm run bench:status-list [-- --entries 250000 --concurrency 2]
 */
import { randomBytes, createPublicKey, verify } from 'node:crypto';
import { request, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { verifyPayload } from '@facenition/common';
import {
  pepperFromKey,
  signStatusList,
  STATUS_LIST_FORMAT,
  statusListKeys,
  statusListPublicKey,
  verifyStatusListPacked,
} from '@facenition/tokenisation';
import { ADMIN, startTestApp } from '../support/app';
import { arg, percentile } from './common';

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function call(port: number, method: string, path: string, token: string, body?: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((res, rej) => {
    const headers: Record<string, string | number> = { 'x-auth-token': token };
    if (body) Object.assign(headers, { 'content-type': 'application/json', 'content-length': body.length });
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (x: number): string => x.toFixed(1);

/** Result and best time of three runs (the first run pays for JIT and allocation warm-up). */
function timed<T>(f: () => T): [T, number] {
  let best = Infinity;
  let r!: T;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    r = f();
    best = Math.min(best, ms(t0));
  }
  return [r, best];
}

function summary(lat: number[]): string {
  const s = [...lat].sort((a, b) => a - b);
  return `${s.length} requests, median ${fmt(percentile(s, 50))} ms, p99 ${fmt(percentile(s, 99))} ms, max ${fmt(s[s.length - 1] ?? NaN)} ms, over 200 ms: ${s.filter((x) => x > 200).length}`;
}

async function main(): Promise<void> {
  const entries = Number(arg('entries', '250000'));
  const concurrency = Number(arg('concurrency', '2'));
  const key = Buffer.alloc(32, 9);
  const pepper = pepperFromKey(key);
  const t = await startTestApp({ FACENITION_PEPPER: key.toString('base64'), FACENITION_MAX_BODY_BYTES: String(128 * 1024 * 1024) });
  try {
    await t.app.listen(0, '127.0.0.1');
    const port = (t.app.getHttpServer().address() as AddressInfo).port;
    const issuer = randomBytes(16).toString('hex');
    const revokedAt = (issuedAt: Date) =>
      Array.from({ length: entries }, (_, i) => ({
        tokenId: randomBytes(16).toString('hex'),
        revokedAt: new Date(issuedAt.getTime() - (entries - i) * 1000),
      }));
    const makeList = (issuedAt: Date): Buffer => Buffer.from(signStatusList({ issuer, issuedAt, revoked: revokedAt(issuedAt) }, pepper));
    const now = Date.now();
    const lists = [makeList(new Date(now - 60_000)), makeList(new Date(now - 30_000))];
    console.log(
      `status list: ${entries} entries, ${(lists[0].length / 1e6).toFixed(1)} MB request body; ` +
        `database: ${process.env.DATABASE_URL ? 'PostgreSQL server' : 'embedded PGlite'}; cheap requests: GET /me, ${concurrency} loops`,
    );

    const idle: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = process.hrtime.bigint();
      const r = await call(port, 'GET', '/me', t.token);
      if (r.status !== 200) throw new Error(`GET /me answered ${r.status}: ${r.text}`);
      idle.push(ms(t0));
    }
    console.log(`idle GET /me: ${summary(idle)}`);

    for (const [i, body] of lists.entries()) {
      const lat: number[] = [];
      let failed = 0;
      let importing = true;
      const loop = async (): Promise<void> => {
        while (importing) {
          const t0 = process.hrtime.bigint();
          const r = await call(port, 'GET', '/me', t.token);
          if (r.status !== 200) failed++;
          lat.push(ms(t0));
        }
      };
      const loops = Array.from({ length: concurrency }, loop);
      await new Promise((r) => setTimeout(r, 50));
      const stall = monitorEventLoopDelay({ resolution: 5 });
      stall.enable();
      const t0 = process.hrtime.bigint();
      const r = await call(port, 'POST', '/admin/status-list/import', ADMIN, body);
      const took = ms(t0);
      stall.disable();
      importing = false;
      await Promise.all(loops);
      if (r.status !== 200) throw new Error(`import answered ${r.status}: ${r.text.slice(0, 300)}`);
      const out = JSON.parse(r.text) as { entries: number; replaced_entries: number };
      console.log(
        `${i === 0 ? 'first import' : 'replacing import'} (${out.entries} entries, replaced ${out.replaced_entries}): ${fmt(took)} ms; ` +
          `GET /me during it: ${summary(lat)}${failed ? `, ${failed} not 200` : ''}; longest event-loop stall ${fmt(stall.max / 1e6)} ms`,
      );
    }

    // where the CPU time goes, each step alone on this thread
    const text = lists[0].toString('utf8');
    const [doc, parseBody] = timed(() => JSON.parse(text) as Record<string, string>);
    const payload = Buffer.from(doc.payload, 'base64url');
    const pub = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: statusListPublicKey(pepper).toString('base64url') },
      format: 'jwk',
    });
    const signature = Buffer.from(doc.signature, 'base64url');
    const [forgeOk, sig] = timed(() => verifyPayload(STATUS_LIST_FORMAT, payload, signature, statusListPublicKey(pepper)));
    const [nodeOk, nodeSig] = timed(() => verify(null, Buffer.concat([Buffer.from(`${STATUS_LIST_FORMAT}\n`), payload]), pub, signature));
    if (!forgeOk || !nodeOk) throw new Error('the signature of the generated list does not verify');
    const [, payloadParse] = timed(() => JSON.parse(Buffer.from(doc.payload, 'base64url').toString('utf8')) as unknown);
    const [, whole] = timed(() => verifyStatusListPacked(doc, statusListKeys([pepper]), new Date()));
    const list = { issuer, issuedAt: new Date(now), revoked: revokedAt(new Date(now)) };
    const [, signing] = timed(() => signStatusList(list, pepper));
    console.log(
      `CPU, main thread, one step at a time: request-body JSON.parse ${fmt(parseBody)} ms; ` +
        `Ed25519 verify ${fmt(sig)} ms (node-forge, what the import runs; node:crypto ${fmt(nodeSig)} ms); ` +
        `payload base64url + JSON.parse ${fmt(payloadParse)} ms; verifyStatusListPacked in all (verify + parse + validation: what the import runs) ${fmt(whole)} ms; ` +
        `signStatusList (what an export of ${entries} entries runs) ${fmt(signing)} ms`,
    );
  } finally {
    agent.destroy();
    await t.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
