/**
 * A complete browser sign-in through the OpenID Connect provider, timed: the built server on HTTPS
 * (self-signed certificate, production defaults otherwise), Debian's Chromium with a fake camera
 * showing an LFW photo, a relying party with openid-client 6 (code + PKCE, no PIN: nobody types),
 * from page load to the id_token in the relying party's hands. The first run enrols, the others
 * verify; each run uses a fresh browser context. Prints per-phase medians.
 *   npm run bench:oidc-flow [-- --runs 10 --photo1 test/fixtures/Colin_Powell_0004.jpg --photo2 test/fixtures/Colin_Powell_0005.jpg]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SignJWT } from 'jose';
import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { authorizationRequest, CallbackServer, fetchTrusting, selfSignedCertificate, waitInPage } from '../support/oidc';
import { freePort } from '../support/server-process';
import { arg, percentile, repoRoot } from './common';

const ADMIN = 'bench-admin-token-0123456789abcdef';

interface Run {
  /** navigation start to the face page's DOMContentLoaded */
  page: number;
  /** to the camera being live */
  camera: number;
  /** to the relying party's callback (frame checks, capture, enrol/verify, redirects) */
  callback: number;
  /** to the id_token validated by the relying party (token request) */
  total: number;
}

async function main(): Promise<void> {
  const runs = Number(arg('runs', '10'));
  const photo1 = resolve(arg('photo1', join(repoRoot, 'test/fixtures/Colin_Powell_0004.jpg')));
  const photo2 = resolve(arg('photo2', join(repoRoot, 'test/fixtures/Colin_Powell_0005.jpg')));
  const cert = selfSignedCertificate();
  const tlsFetch = fetchTrusting(cert.certPem);
  const port = await freePort();
  const issuer = `https://127.0.0.1:${port}/oidc`;
  const dataDir = mkdtempSync(join(tmpdir(), 'facenition-bench-oidc-'));
  const child = spawn(process.execPath, [join(repoRoot, 'dist/apps/gateway/src/main.js')], {
    env: {
      ...process.env,
      FACENITION_HOST: '127.0.0.1',
      FACENITION_PORT: String(port),
      FACENITION_ADMIN_TOKEN: ADMIN,
      FACENITION_DATA_DIR: dataDir,
      FACENITION_OIDC_ISSUER: issuer,
      FACENITION_TLS_CERT_FILE: cert.certFile,
      FACENITION_TLS_KEY_FILE: cert.keyFile,
      FACENITION_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const rp = await CallbackServer.start();
  const browsers: Browser[] = [];
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      const ok = await tlsFetch(`https://127.0.0.1:${port}/health/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error('server not ready');
      await new Promise((r) => setTimeout(r, 200));
    }
    const created = await tlsFetch(`https://127.0.0.1:${port}/admin/oidc/clients`, {
      method: 'POST',
      headers: { 'x-auth-token': ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', redirect_uris: [rp.url], pin: 'none' }),
    });
    const body = (await created.json()) as { relying_party: { client_id: string }; client_secret: string };
    const clientId = body.relying_party.client_id;
    const secret = body.client_secret;
    const config = await client.discovery(new URL(issuer), clientId, secret, undefined, {
      [client.customFetch]: tlsFetch,
    } as client.DiscoveryRequestOptions);
    const b1 = await launchBrowser({ cameraPhoto: photo1 });
    const b2 = await launchBrowser({ cameraPhoto: photo2 });
    browsers.push(b1, b2);
    const results: Run[] = [];
    for (let i = 0; i < runs + 1; i++) {
      const hint = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(clientId)
        .setAudience(issuer)
        .setSubject('bench-user')
        .setIssuedAt()
        .sign(new TextEncoder().encode(secret));
      const { url, verifier, nonce, state } = await authorizationRequest(config, rp.url, { login_hint: hint });
      const ctx = await (i === 0 ? b1 : b2).newContext({ ignoreHTTPSErrors: true });
      const page = await ctx.newPage();
      const t0 = performance.now();
      const received = rp.next();
      let pageAt = NaN;
      page.once('domcontentloaded', () => (pageAt = performance.now() - t0));
      await page.goto(url.href, { waitUntil: 'commit' }); // no PIN: the page may capture and leave before its load event
      await waitInPage(page, `document.querySelector('facenition-capture')?.state === 'live'`);
      const camera = performance.now() - t0;
      const cb = await received;
      const callback = performance.now() - t0;
      if (cb.params.error) throw new Error(`run ${i}: ${cb.params.error} ${cb.params.error_description ?? ''}`);
      const tokens = await client.authorizationCodeGrant(config, new URL(cb.url), {
        pkceCodeVerifier: verifier,
        expectedNonce: nonce,
        expectedState: state,
        idTokenExpected: true,
      });
      const total = performance.now() - t0;
      if (JSON.stringify(tokens.claims()?.amr) !== '["face"]') throw new Error('no amr face');
      await ctx.close();
      const r = { page: pageAt, camera, callback, total };
      console.error(
        `${i === 0 ? 'enrol ' : 'verify'} run ${i}: ${Object.entries(r)
          .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
          .join(', ')}`,
      );
      if (i === 0)
        console.log(
          `enrolment (first visit): page ${r.page.toFixed(0)} ms, camera live ${r.camera.toFixed(0)} ms, callback ${r.callback.toFixed(0)} ms, id_token ${r.total.toFixed(0)} ms`,
        );
      else results.push(r);
    }
    const stat = (k: keyof Run) => {
      const xs = results.map((r) => r[k]).sort((a, b) => a - b);
      return `median ${percentile(xs, 50).toFixed(0)} ms, p95 ${percentile(xs, 95).toFixed(0)} ms`;
    };
    console.log(`verification, ${results.length} runs, each in a fresh browser context (from navigation start):`);
    console.log(`  face page loaded      ${stat('page')}`);
    console.log(`  camera live           ${stat('camera')}`);
    console.log(`  back at the RP        ${stat('callback')}`);
    console.log(`  id_token validated    ${stat('total')}`);
  } finally {
    for (const b of browsers) await b.close();
    await rp.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
