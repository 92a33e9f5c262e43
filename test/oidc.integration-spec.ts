import { DATA_SOURCE } from '@facenition/database';
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { OidcProvider } from '../apps/gateway/src/oidc/oidc.provider';
import { OidcSigningKeys } from '../apps/gateway/src/oidc/signing-keys';
import { ADMIN, startTestApp, type TestApp } from './support/app';
import { launchBrowser } from './support/browser';
import { FIXTURES } from './support/images';
import {
  authorizationRequest,
  CallbackServer,
  type AuthorizationRequest,
  fetchTrusting,
  selfSignedCertificate,
  waitInPage,
} from './support/oidc';
import { freePort } from './support/server-process';

/**
 * The OpenID Connect provider end to end: the real app on HTTPS (self-signed certificate), Debian's
 * Chromium with a fake camera showing an LFW photo, the hosted face page, and relying parties built
 * with openid-client 6 (code + PKCE) and as Entra ID's external-authentication-method caller
 * (form POST with a tenant-signed id_token_hint, id_token by form_post).
 */
jest.setTimeout(180_000);

const photo = (name: string) => join(FIXTURES, `${name}.jpg`);
// LFW photos that pass the liveness gate when shown by the fake camera (scaled to 480x480 in a 640x480 frame)
const A1 = photo('Colin_Powell_0004');
const A2 = photo('Colin_Powell_0005');
const B = photo('Hugo_Chavez_0003');
const C1 = photo('Gerhard_Schroeder_0003');
const C2 = photo('Gerhard_Schroeder_0004');
/** The PIN the users of the standard relying party choose (searched for in storage and logs). */
const PIN = '97531864';
const SHOTS = process.env.FACENITION_SCREENSHOTS ? join(__dirname, '../docs/integrations/img') : undefined;

/** A JSON answer, read field by field by the assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the assertions check each field they read
type Answer = Record<string, any>;

let t: TestApp;
let issuer: string;
let ca: string;
let tlsFetch: typeof fetch;
let rp: CallbackServer;
const browsers = new Map<string, Browser>();

async function browserFor(cameraPhoto: string): Promise<Browser> {
  let b = browsers.get(cameraPhoto);
  if (!b) {
    b = await launchBrowser({ cameraPhoto });
    browsers.set(cameraPhoto, b);
  }
  return b;
}

async function newContext(cameraPhoto: string): Promise<BrowserContext> {
  return (await browserFor(cameraPhoto)).newContext({ ignoreHTTPSErrors: true, viewport: { width: 420, height: 860 } });
}

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: Answer }> {
  const r = await tlsFetch(`${new URL(issuer).origin}${path}`, {
    method,
    headers: { 'x-auth-token': ADMIN, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, json: (await r.json()) as Answer };
}

async function jwks(): Promise<{ keys: JWK[] }> {
  const r = await tlsFetch(`${issuer}/jwks`);
  return (await r.json()) as { keys: JWK[] };
}

beforeAll(async () => {
  const cert = selfSignedCertificate();
  ca = cert.certPem;
  tlsFetch = fetchTrusting(ca);
  const port = await freePort();
  issuer = `https://127.0.0.1:${port}/oidc`;
  t = await startTestApp({
    FACENITION_OIDC_ISSUER: issuer,
    FACENITION_TLS_CERT_FILE: cert.certFile,
    FACENITION_TLS_KEY_FILE: cert.keyFile,
    FACENITION_LOG_LEVEL: 'verbose',
    // the authorisation tests send many refused credentials from this one address on purpose
    FACENITION_AUTH_MAX_FAILURES: '1000',
  });
  await t.app.listen(port, '127.0.0.1');
  rp = await CallbackServer.start();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  for (const b of browsers.values()) await b.close();
  await rp?.close();
  await t?.close();
});

/** The face page as the user sees it once the camera is live (for docs/integrations, with FACENITION_SCREENSHOTS=1). */
async function screenshot(page: Page, name: string): Promise<void> {
  await waitInPage(page, `document.querySelector('facenition-capture')?.state === 'live'`);
  await page.screenshot({ path: join(SHOTS!, name) });
}

/** Fills the PIN fields when the page asks for them; the capture then goes on by itself. */
async function typePin(page: Page, pin: string | undefined): Promise<void> {
  if (!pin) return;
  await page.locator('#pin').fill(pin);
  if (await page.locator('#pin2').count()) await page.locator('#pin2').fill(pin);
}

/**
 * Waits for `done`; on a timeout says where the page was and what it told the user. A test that
 * fails before awaiting it leaves no unhandled rejection (nor a live timer) behind.
 */
function withDiagnosis<T>(page: Page, done: Promise<T>, ms = 45_000): Promise<T> {
  const p = diagnose(page, done, ms);
  p.catch(() => undefined);
  return p;
}

async function diagnose<T>(page: Page, done: Promise<T>, ms: number): Promise<T> {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`failed ${r.url()}: ${r.failure()?.errorText}`));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void (async () => {
        const status = await page
          .locator('#status')
          .textContent()
          .catch(() => null);
        const live = await page
          .evaluate<string>(
            "`${customElements.get('facenition-capture') ? 'defined' : 'undefined'} ${document.querySelector('facenition-capture')?.state} \"${document.querySelector('facenition-capture')?.shadowRoot?.querySelector('.status')?.textContent}\"`",
          )
          .catch(() => null);
        reject(new Error(`no answer within ${ms} ms; page ${page.url()}; status "${status}"; capture ${live}; ${problems.join(' | ')}`));
      })();
    }, ms);
    timer.unref();
  });
  try {
    return await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('discovery and keys', () => {
  it('publishes the metadata Entra ID and the other IdPs read: RS256, x5c on every key, code and id_token, the acr values', async () => {
    const r = await tlsFetch(`${issuer}/.well-known/openid-configuration`);
    expect(r.status).toBe(200);
    const d = (await r.json()) as Answer;
    expect(d.issuer).toBe(issuer);
    expect(d.authorization_endpoint).toBe(`${issuer}/auth`);
    expect(d.token_endpoint).toBe(`${issuer}/token`);
    expect(d.jwks_uri).toBe(`${issuer}/jwks`);
    expect(d.scopes_supported).toContain('openid');
    expect(d.response_types_supported).toEqual(expect.arrayContaining(['code', 'id_token']));
    expect(d.response_modes_supported).toContain('form_post');
    expect(d.id_token_signing_alg_values_supported).toEqual(['RS256']);
    expect(d.code_challenge_methods_supported).toEqual(['S256']);
    expect(d.acr_values_supported).toEqual(expect.arrayContaining(['possessionorinherence', 'urn:facenition:acr:level-4']));
    expect(d.claims_parameter_supported).toBe(true);
    const { keys } = await jwks();
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const k of keys) {
      expect(k).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
      expect(typeof k.kid).toBe('string');
      expect(k.x5c?.length).toBeGreaterThanOrEqual(1);
      expect(k).not.toHaveProperty('d');
    }
  });
});

describe('the hosted face page', () => {
  it('weighs well under 150 KB with its script, style and the capture component, all served by the provider', async () => {
    let total = 0;
    for (const name of ['facenition-capture.js', 'face-page.js', 'face-page.css']) {
      const r = await tlsFetch(`${issuer}/assets/${name}`);
      expect(r.status).toBe(200);
      total += (await r.arrayBuffer()).byteLength;
    }
    expect(total).toBeGreaterThan(10_000);
    expect(total).toBeLessThan(140_000); // the HTML itself is about 2 KB
    expect((await tlsFetch(`${issuer}/assets/nope.js`)).status).toBe(404);
  });
});

describe('a relying party with openid-client 6: code + PKCE, subject from a login_hint JWT', () => {
  let config: client.Configuration;
  let clientId: string;
  let secret: string;

  beforeAll(async () => {
    const created = await admin('POST', '/admin/oidc/clients', {
      name: 'Staff portal',
      redirect_uris: [rp.url],
      token_endpoint_auth_method: 'client_secret_basic',
      accuracy: 4,
      pin: 'required',
    });
    expect(created.status).toBe(200);
    clientId = created.json.relying_party.client_id;
    secret = created.json.client_secret;
    expect(clientId).toMatch(/^fo_/);
    expect(secret).toMatch(/^fos_/);
    config = await client.discovery(new URL(issuer), clientId, secret, undefined, {
      [client.customFetch]: tlsFetch,
    } as client.DiscoveryRequestOptions);
  });

  /** The relying party's login_hint: who the user is, signed with its client secret. */
  const loginHint = (sub: string, iat = Math.floor(Date.now() / 1000)) =>
    new SignJWT({ preferred_username: `${sub}@example.org` })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(clientId)
      .setAudience(issuer)
      .setSubject(sub)
      .setIssuedAt(iat)
      .sign(new TextEncoder().encode(secret));

  type Flow = AuthorizationRequest;
  async function begin(sub: string): Promise<Flow> {
    return authorizationRequest(config, rp.url, { login_hint: await loginHint(sub) });
  }

  /** Opens the authorization URL in a browser whose camera shows `cameraPhoto`; returns what the relying party receives. */
  async function run(flow: Flow, cameraPhoto: string, pin?: string, shot?: string) {
    const ctx = await newContext(cameraPhoto);
    try {
      const page = await ctx.newPage();
      const received = withDiagnosis(page, rp.next());
      const facePage = page.waitForResponse((r) => r.url().includes('/oidc/interaction/') && r.request().method() === 'GET');
      await page.goto(flow.url.href);
      await page.waitForSelector('#face-page');
      const headers = (await facePage).headers();
      const mode = await page.locator('#face-page').getAttribute('data-mode');
      // the page's endpoints refuse a request without its CSRF token, even from the page itself
      const forged = await page.evaluate<number>(
        "(async () => { const p = document.getElementById('face-page').dataset; return (await fetch(p.action + '/' + p.mode, { method: 'POST', body: new FormData() })).status; })()",
      );
      if (shot && SHOTS) await screenshot(page, shot);
      await typePin(page, pin);
      const r = await received;
      return { mode, received: r, headers, forged };
    } finally {
      await ctx.close();
    }
  }

  const grant = (flow: Flow, callback: string, withVerifier = true) =>
    client.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: withVerifier ? flow.verifier : undefined,
      expectedNonce: flow.nonce,
      expectedState: flow.state,
      idTokenExpected: true,
    });

  let subA: string;

  it('enrols person A on the first visit: the id_token carries amr ["face"], the level acr, the nonce and a stable sub', async () => {
    const flow = await begin('alice');
    const { mode, received, headers, forged } = await run(flow, A1, PIN, 'hosted-page-enrol.png');
    expect(mode).toBe('enrol');
    expect(forged).toBe(403);
    // a strict policy: nothing inline, nothing third-party, no framing
    const csp = headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(headers['cache-control']).toBe('no-store');
    expect(received.params.error).toBeUndefined();
    const tokens = await grant(flow, received.url);
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(issuer);
    expect(claims.aud).toBe(clientId);
    expect(claims.amr).toEqual(['face']);
    expect(claims.acr).toBe('urn:facenition:acr:level-4');
    expect(claims.nonce).toBe(flow.nonce);
    expect(typeof claims.auth_time).toBe('number');
    expect(claims.sub).toMatch(/^fs_/);
    subA = claims.sub;
    const ds = t.app.get<DataSource>(DATA_SOURCE);
    const rows: { n: string }[] = await ds.query(`SELECT count(*)::text AS n FROM oidc_enrolments WHERE client_id = $1`, [clientId]);
    expect(rows[0].n).toBe('1');
  });

  it('verifies A with another photo on the return visit (same sub); a replayed code and a missing PKCE verifier are refused', async () => {
    const flow = await begin('alice');
    const { mode, received } = await run(flow, A2, PIN, 'hosted-page-verify.png');
    expect(mode).toBe('verify');
    // without the PKCE verifier the code is refused
    const code = new URL(received.url).searchParams.get('code')!;
    const noVerifier = await tlsFetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: rp.url }),
    });
    expect(noVerifier.status).toBe(400);
    expect(await noVerifier.json()).toMatchObject({ error: 'invalid_grant' });
    // with the verifier the code is good once; replayed, it is refused
    const tokens = await grant(flow, received.url);
    expect(tokens.claims()).toMatchObject({ sub: subA, amr: ['face'], acr: 'urn:facenition:acr:level-4', nonce: flow.nonce });
    // userinfo answers for the access token with the same sub
    const info = await client.fetchUserInfo(config, tokens.access_token, subA);
    expect(info.sub).toBe(subA);
    await expect(grant(flow, received.url)).rejects.toMatchObject({ error: 'invalid_grant' });
    // the replay revoked what the code had issued (RFC 6749 §4.1.2)
    await expect(client.fetchUserInfo(config, tokens.access_token, subA)).rejects.toMatchObject({ status: 401 });
  });

  it("refuses person B on A's enrolment (access_denied after three tries), and five failures lock A's token", async () => {
    const first = await run(await begin('alice'), B, PIN);
    expect(first.received.params.error).toBe('access_denied');
    expect(first.received.params.code).toBeUndefined();
    // two more failures reach the lockout threshold (5): the sign-in ends at once with access_denied
    const second = await run(await begin('alice'), B, PIN);
    expect(second.received.params.error).toBe('access_denied');
    // A herself is now refused until the lockout ends
    const third = await run(await begin('alice'), A2, PIN);
    expect(third.received.params.error).toBe('access_denied');
    expect(third.received.params.error_description).toMatch(/locked/);
    const ds = t.app.get<DataSource>(DATA_SOURCE);
    const audit: { decision: string | null; error_code: string | null }[] = await ds.query(
      `SELECT decision, error_code FROM audit_log WHERE endpoint = '/oidc/interaction/verify' ORDER BY seq`,
    );
    expect(audit.filter((a) => a.decision === 'not_authenticated').length).toBeGreaterThanOrEqual(5);
    expect(audit.at(-1)).toMatchObject({ error_code: 'locked' });
  });

  it('refuses a request without a valid login_hint: unsigned, stale, or signed by someone else', async () => {
    const ctx = await newContext(C1);
    try {
      const page = await ctx.newPage();
      const bad = [
        await new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(clientId)
          .setAudience(issuer)
          .setSubject('mallory')
          .setIssuedAt()
          .sign(new TextEncoder().encode('not-the-secret')),
        await loginHint('alice', Math.floor(Date.now() / 1000) - 3600),
        'alice',
      ];
      for (const hint of bad) {
        const flow = await begin('x');
        flow.url.searchParams.set('login_hint', hint);
        const received = rp.next();
        await page.goto(flow.url.href);
        const r = await received;
        expect(r.params).toMatchObject({ error: 'access_denied', state: flow.state });
      }
    } finally {
      await ctx.close();
    }
  });
});

describe('Entra ID external authentication method: form POST with a tenant-signed id_token_hint, id_token by form_post', () => {
  const ENTRA = 'https://login.microsoftonline.com/common/federation/externalauthprovider';
  const tenantId = '5b4f2f6a-7b2e-4c1d-9a3e-2f1d0c9b8a7e';
  const appId = 'c0ffee00-1111-4222-8333-444455556666';
  const tenantIssuer = `https://login.microsoftonline.com/${tenantId}/v2.0`;
  type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let tenantKey: PrivateKey;
  let otherKey: PrivateKey;
  let clientId: string;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    tenantKey = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'tenant-key-1', use: 'sig', alg: 'RS256' };
    const created = await admin('POST', '/admin/oidc/clients', {
      name: 'Contoso Entra ID',
      profile: 'entra_eam',
      pin: 'none',
      accuracy: 4,
      entra: { tenant_id: tenantId, app_id: appId, jwks: { keys: [jwk] } },
    });
    expect(created.status).toBe(200);
    clientId = created.json.relying_party.client_id;
    expect(created.json.relying_party.redirect_uris).toEqual([ENTRA]);
  });

  /** The hint Entra sends: signed by the tenant, issued already expired. */
  const hint = (o: { key?: PrivateKey; iss?: string; iat?: number; oid?: string; sub?: string } = {}) => {
    const iat = o.iat ?? Math.floor(Date.now() / 1000);
    return new SignJWT({
      tid: tenantId,
      oid: o.oid ?? '11111111-2222-4333-8444-555555555555',
      preferred_username: 'adele@contoso.example',
      ver: '2.0',
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'tenant-key-1', typ: 'JWT' })
      .setIssuer(o.iss ?? tenantIssuer)
      .setAudience(appId)
      .setSubject(o.sub ?? 'pairwise-sub-AbCdEf0123456789')
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat)
      .sign(o.key ?? tenantKey);
  };

  const claimsParam = JSON.stringify({
    id_token: { acr: { essential: true, values: ['possessionorinherence'] }, amr: { essential: true, values: ['face', 'fido', 'pop'] } },
  });

  /**
   * Posts the authorization request as Entra's login page does (an auto-submitted form from another
   * site) and returns what the browser form-posts back to Entra's redirect URI.
   */
  async function post(
    page: Page,
    idTokenHint: string,
    shot?: string,
  ): Promise<{ fields: Record<string, string>; sawFacePage: boolean; state: string; nonce: string }> {
    const state = client.randomState();
    const nonce = client.randomNonce();
    const fields: Record<string, string> = {
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      client_id: clientId,
      redirect_uri: ENTRA,
      nonce,
      state,
      id_token_hint: idTokenHint,
      claims: claimsParam,
      'client-request-id': '9b1e0c6e-2a0f-4d7e-8a5b-0c1d2e3f4a5b',
    };
    let answer!: (f: Record<string, string>) => void;
    const back = new Promise<Record<string, string>>((r) => (answer = r));
    await page.route(`${ENTRA}*`, async (route) => {
      answer(Object.fromEntries(new URLSearchParams(route.request().postData() ?? '')));
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!DOCTYPE html><title>Entra</title><p id="entra-done">ok</p>' });
    });
    let sawFacePage = false;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame() && f.url().includes('/oidc/interaction/')) sawFacePage = true;
    });
    const inputs = Object.entries(fields)
      .map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">`)
      .join('');
    await page.setContent(`<form method="post" action="${issuer}/auth">${inputs}</form>`);
    await page.evaluate('document.forms[0].submit()');
    if (shot && SHOTS) {
      await page.waitForSelector('#face-page');
      await screenshot(page, shot);
    }
    const got = await back;
    // the answer has landed (so the next POST from this page cannot be interrupted by it)
    await page.waitForSelector('#entra-done');
    await page.unroute(`${ENTRA}*`);
    return { fields: got, sawFacePage, state, nonce };
  }

  async function checkIdToken(idToken: string, nonce: string) {
    const keys = await jwks();
    const { payload, protectedHeader } = await jwtVerify(idToken, createLocalJWKSet(keys), {
      issuer,
      audience: clientId,
      algorithms: ['RS256'],
    });
    const kid = decodeProtectedHeader(idToken).kid;
    expect(keys.keys.find((k) => k.kid === kid)?.x5c?.length).toBeGreaterThanOrEqual(1);
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.nonce).toBe(nonce);
    expect(typeof payload.exp).toBe('number');
    expect(typeof payload.iat).toBe('number');
    return payload;
  }

  it('answers with sub = the hint\'s sub, amr exactly ["face"], acr possessionorinherence; a second POST in the same browser captures again', async () => {
    const ctx = await newContext(C1);
    try {
      const page = await ctx.newPage();
      const first = await post(page, await hint(), 'hosted-page-entra.png');
      expect(first.sawFacePage).toBe(true);
      expect(first.fields.state).toBe(first.state);
      expect(first.fields.error).toBeUndefined();
      const p1 = await checkIdToken(first.fields.id_token, first.nonce);
      expect(p1.sub).toBe('pairwise-sub-AbCdEf0123456789');
      expect(p1.amr).toEqual(['face']);
      expect(p1.acr).toBe('possessionorinherence');
      // the same browser, cookies and all: the face is asked for again (and now verified against the enrolment)
      const second = await post(page, await hint());
      expect(second.sawFacePage).toBe(true);
      const p2 = await checkIdToken(second.fields.id_token, second.nonce);
      expect(p2.sub).toBe(p1.sub);
      expect(p2.amr).toEqual(['face']);
    } finally {
      await ctx.close();
    }
    // and another photo of the same person verifies, in a fresh browser
    const ctx2 = await newContext(C2);
    try {
      const page = await ctx2.newPage();
      const third = await post(page, await hint());
      expect((await checkIdToken(third.fields.id_token, third.nonce)).acr).toBe('possessionorinherence');
    } finally {
      await ctx2.close();
    }
  });

  it('refuses a hint that is too old, from an unknown issuer or badly signed: access_denied by form_post, no face page', async () => {
    const ctx = await newContext(C1);
    try {
      const page = await ctx.newPage();
      const bad = [
        await hint({ iat: Math.floor(Date.now() / 1000) - 3600 }),
        await hint({ iss: 'https://login.microsoftonline.com/00000000-0000-4000-8000-000000000000/v2.0' }),
        await hint({ key: otherKey }),
      ];
      for (const h of bad) {
        const r = await post(page, h);
        expect(r.fields.error).toBe('access_denied');
        expect(r.fields.state).toBe(r.state);
        expect(r.fields.id_token).toBeUndefined();
        expect(r.sawFacePage).toBe(false);
      }
    } finally {
      await ctx.close();
    }
  });
});

describe('an IdP that cannot sign its hint (Okta, Keycloak, Cognito): a plain login_hint verifies, enrolment only by a one-time link', () => {
  let config: client.Configuration;
  let clientId: string;
  const USER = 'bob@example.org';

  beforeAll(async () => {
    const created = await admin('POST', '/admin/oidc/clients', {
      name: 'Cognito user pool',
      redirect_uris: [rp.url],
      token_endpoint_auth_method: 'client_secret_post',
      subject_source: 'login_hint_name',
    });
    expect(created.status).toBe(200);
    clientId = created.json.relying_party.client_id;
    const secret = created.json.client_secret as string;
    config = await client.discovery(new URL(issuer), clientId, secret, client.ClientSecretPost(secret), {
      [client.customFetch]: tlsFetch,
    } as client.DiscoveryRequestOptions);
  });

  async function signIn(cameraPhoto: string, hint = USER) {
    const { url, verifier, nonce, state } = await authorizationRequest(config, rp.url, { scope: 'openid profile', login_hint: hint });
    const ctx = await newContext(cameraPhoto);
    try {
      const page = await ctx.newPage();
      const received = withDiagnosis(page, rp.next());
      await page.goto(url.href);
      if (!page.url().startsWith(rp.url)) {
        await page.waitForSelector('#face-page');
        await typePin(page, PIN);
      }
      const r = await received;
      if (r.params.error) return { error: r.params.error, description: r.params.error_description };
      const tokens = await client.authorizationCodeGrant(config, new URL(r.url), {
        pkceCodeVerifier: verifier,
        expectedNonce: nonce,
        expectedState: state,
      });
      return { claims: tokens.claims()!, accessToken: tokens.access_token };
    } finally {
      await ctx.close();
    }
  }

  it('refuses a user who is not enrolled: a plain hint never enrols (anyone could type any name)', async () => {
    const r = await signIn(A1);
    expect(r.error).toBe('access_denied');
    expect(r.description).toMatch(/enrol/);
  });

  it('enrols through the link an administrator issues; the link works once', async () => {
    const bad = await admin('POST', `/admin/oidc/clients/${clientId}/enrolments/invite`, { subject: ' spaced ' });
    expect(bad.status).toBe(400);
    const invited = await admin('POST', `/admin/oidc/clients/${clientId}/enrolments/invite`, { subject: USER, ttl_seconds: 3600 });
    expect(invited.status).toBe(200);
    expect(invited.json.url).toMatch(new RegExp(`^${issuer.replace(/[.]/g, '\\.')}/enrol/fei_`));
    const ctx = await newContext(A1);
    try {
      const page = await ctx.newPage();
      await page.goto(invited.json.url);
      await page.waitForSelector('#face-page');
      expect(await page.locator('#face-page').getAttribute('data-mode')).toBe('enrol');
      if (SHOTS) await screenshot(page, 'enrolment-link.png');
      await typePin(page, PIN);
      await waitInPage(page, `document.getElementById('status').textContent.startsWith('Done')`);
    } finally {
      await ctx.close();
    }
    const again = await tlsFetch(invited.json.url);
    expect(again.status).toBe(404);
    const ds = t.app.get<DataSource>(DATA_SOURCE);
    expect((await ds.query<{ n: string }[]>(`SELECT count(*)::text AS n FROM oidc_enrolments WHERE client_id = $1`, [clientId]))[0].n).toBe(
      '1',
    );
    const audit = await ds.query<{ endpoint: string; decision: string }[]>(
      `SELECT endpoint, decision FROM audit_log WHERE endpoint = '/oidc/enrol'`,
    );
    expect(audit).toEqual([{ endpoint: '/oidc/enrol', decision: 'enrolled' }]);
  });

  it("verifies the named user's face: the id_token carries preferred_username = the hint; another face under that name is refused", async () => {
    const ok = await signIn(A2);
    expect(ok.claims).toMatchObject({ amr: ['face'], acr: 'urn:facenition:acr:level-4', preferred_username: USER });
    expect(ok.claims!.sub).toMatch(/^fs_/);
    // Cognito reads the user from userinfo: the same sub and preferred_username
    expect(await client.fetchUserInfo(config, ok.accessToken!, ok.claims!.sub)).toEqual({ sub: ok.claims!.sub, preferred_username: USER });
    const impostor = await signIn(B);
    expect(impostor.error).toBe('access_denied');
  });
});

describe('a relying party that authenticates with private_key_jwt (Okta, Keycloak)', () => {
  it('exchanges the code with a JWT signed by a key from its jwks_uri; a JWT signed by another key is refused', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const stranger = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'rp-key-1', alg: 'RS256', use: 'sig' };
    const keysServer = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((r) => keysServer.listen(0, '127.0.0.1', r));
    try {
      const jwksUri = `http://127.0.0.1:${(keysServer.address() as AddressInfo).port}/jwks`;
      const created = await admin('POST', '/admin/oidc/clients', {
        name: 'Keycloak realm',
        redirect_uris: [rp.url],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: jwksUri,
        subject_source: 'login_hint_name',
        pin: 'none',
      });
      expect(created.status).toBe(200);
      const clientId = created.json.relying_party.client_id as string;
      const invited = await admin('POST', `/admin/oidc/clients/${clientId}/enrolments/invite`, { subject: 'carol' });
      const options = { [client.customFetch]: tlsFetch } as client.DiscoveryRequestOptions;
      const config = await client.discovery(
        new URL(issuer),
        clientId,
        undefined,
        client.PrivateKeyJwt({ key: privateKey, kid: 'rp-key-1' }),
        options,
      );
      const forged = await client.discovery(
        new URL(issuer),
        clientId,
        undefined,
        client.PrivateKeyJwt({ key: stranger, kid: 'rp-key-1' }),
        options,
      );
      const ctx = await newContext(C1);
      try {
        const page = await ctx.newPage();
        await page.goto(invited.json.url);
        await waitInPage(page, `document.getElementById('status').textContent.startsWith('Done')`);
        const flows = [];
        for (let i = 0; i < 2; i++) {
          const { url, verifier, nonce, state } = await authorizationRequest(config, rp.url, {
            scope: 'openid profile',
            login_hint: 'carol',
          });
          // a page per sign-in (the last one's redirect may still be landing); no PIN: the face page may
          // capture and leave before its load event, so only the navigation's start is awaited
          const signIn = await ctx.newPage();
          const received = withDiagnosis(signIn, rp.next());
          await signIn.goto(url.href, { waitUntil: 'commit' });
          flows.push({ verifier, nonce, state, callback: (await received).url });
        }
        await expect(
          client.authorizationCodeGrant(forged, new URL(flows[0].callback), {
            pkceCodeVerifier: flows[0].verifier,
            expectedNonce: flows[0].nonce,
            expectedState: flows[0].state,
          }),
        ).rejects.toMatchObject({ error: 'invalid_client' });
        const tokens = await client.authorizationCodeGrant(config, new URL(flows[1].callback), {
          pkceCodeVerifier: flows[1].verifier,
          expectedNonce: flows[1].nonce,
          expectedState: flows[1].state,
        });
        expect(tokens.claims()).toMatchObject({ amr: ['face'], preferred_username: 'carol' });
      } finally {
        await ctx.close();
      }
    } finally {
      await new Promise((r) => keysServer.close(r));
    }
  });
});

describe('nothing biometric persists from the hosted flows', () => {
  it('keeps photos, frames, embeddings and PINs out of every table (provider storage included), the logs and the data dir', async () => {
    const ds = t.app.get<DataSource>(DATA_SOURCE);
    const tables = (await ds.query<{ tablename: string }[]>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).map(
      (x) => x.tablename,
    );
    expect(tables).toEqual(expect.arrayContaining(['oidc_payloads', 'oidc_enrolments', 'oidc_clients', 'oidc_signing_keys', 'audit_log']));
    // the flows above left material to look at: enrolments, provider artefacts, audit records with subject pseudonyms
    const count = async (sql: string) => Number((await ds.query<{ n: string }[]>(sql))[0].n);
    expect(await count(`SELECT count(*) AS n FROM oidc_enrolments`)).toBe(4);
    expect(await count(`SELECT count(*) AS n FROM oidc_payloads`)).toBeGreaterThan(5);
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE subject_ref IS NOT NULL`)).toBeGreaterThanOrEqual(10);
    const photos = [A1, A2, B, C1, C2].map((p) => readFileSync(p));
    for (const tablename of tables) {
      const rows = await ds.query(`SELECT * FROM "${tablename}"`);
      const dump = JSON.stringify(rows);
      expect(dump).not.toContain('/9j/'); // a base64 JPEG
      expect(dump).not.toContain('255,216,255'); // JPEG bytes in a bytea
      expect(dump).not.toMatch(/(-?\d\.\d{3,}[,\s]+){16,}/); // a vector of floats
      expect(dump).not.toContain(PIN);
      for (const p of photos) expect(dump).not.toContain(p.toString('base64').slice(2000, 2064));
      if (tablename === 'oidc_enrolments' || tablename === 'audit_log') {
        // subjects are pseudonymised: neither the relying party's user name nor Entra's ids appear
        for (const who of ['alice', 'bob@example.org', 'carol', 'adele@contoso.example', '11111111-2222-4333-8444-555555555555'])
          expect(dump).not.toContain(who);
      }
    }
    const logs = t.logger.lines.join('\n');
    expect(t.logger.lines.length).toBeGreaterThan(10);
    expect(logs).not.toContain('/9j/');
    expect(logs).not.toMatch(/[A-Za-z0-9+/]{120,}/);
    expect(logs).not.toContain(PIN);
    // the embedded database and its lock (held while the server runs) only
    expect(readdirSync(t.dataDir).filter((f) => f !== 'pgdata' && f !== 'pgdata.lock')).toEqual([]);
  });
});

describe('relying-party administration', () => {
  const call = async (path: string, cred: string | undefined, body?: unknown, method = 'POST') => {
    const r = await tlsFetch(`${new URL(issuer).origin}${path}`, {
      method,
      headers: { ...(cred ? { 'x-auth-token': cred } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: r.status, json: (await r.json()) as Answer };
  };
  const valid = { name: 'Admin test', redirect_uris: [] as string[] };

  it('is for the admin credential only: no credential, client tokens of both environments and a short-lived access token are refused', async () => {
    valid.redirect_uris = [rp.url];
    const secret = (await call('/generateToken', ADMIN, { name: 'oidc admin probe', environment: 'production' })).json as {
      client_token: string;
      client_secret: string;
      client: { client_id: string };
    };
    const access = (await call('/token', undefined, { client_id: secret.client.client_id, client_secret: secret.client_secret })).json
      .client_token as string;
    expect(access).toMatch(/^fna_/);
    const sandbox = (await call('/generateToken', ADMIN, { name: 'oidc admin probe (sandbox)', environment: 'sandbox' })).json
      .client_token as string;
    const rpId = ((await call('/admin/oidc/clients', ADMIN, undefined, 'GET')).json.relying_parties as { client_id: string }[])[0]
      .client_id;
    for (const cred of [undefined, t.token, secret.client_token, access, sandbox]) {
      const created = await call('/admin/oidc/clients', cred, valid);
      expect([401, 403]).toContain(created.status);
      expect(created.json.ok).toBe(false);
      expect([401, 403]).toContain((await call('/admin/oidc/clients', cred, undefined, 'GET')).status);
      for (const [path, body] of [
        [`/admin/oidc/clients/${rpId}/disable`, {}],
        [`/admin/oidc/clients/${rpId}/enrolments/remove`, { subject: 'alice' }],
        [`/admin/oidc/clients/${rpId}/enrolments/invite`, { subject: 'mallory' }],
      ] as const) {
        const r = await call(path, cred, body);
        expect([path, [401, 403].includes(r.status), r.json.ok]).toEqual([path, true, false]);
      }
    }
    // nothing changed: the relying party is still enabled and no invitation was issued
    expect(
      (
        (await call('/admin/oidc/clients', ADMIN, undefined, 'GET')).json.relying_parties as {
          client_id: string;
          disabled_at: string | null;
        }[]
      ).find((r) => r.client_id === rpId)?.disabled_at,
    ).toBeNull();
    expect(
      Number(
        (
          await t.app
            .get<DataSource>(DATA_SOURCE)
            .query<{ n: string }[]>(`SELECT count(*) AS n FROM oidc_invitations WHERE client_id = $1`, [rpId])
        )[0].n,
      ),
    ).toBe(0);
    expect(
      Number(
        (
          await t.app
            .get<DataSource>(DATA_SOURCE)
            .query<{ n: string }[]>(`SELECT count(*) AS n FROM oidc_clients WHERE name = 'Admin test'`)
        )[0].n,
      ),
    ).toBe(0);
  });

  it('validates every field: non-https redirect URIs, a missing Entra tenant, unknown fields and bad levels get a clear 400', async () => {
    const bad: unknown[] = [
      { ...valid, redirect_uris: ['http://rp.example.org/cb'] },
      { ...valid, redirect_uris: ['https://rp.example.org/cb#frag'] },
      { ...valid, redirect_uris: [] },
      { name: 'no redirect' },
      { ...valid, accuracy: 9 },
      { ...valid, pin: 'sometimes' },
      { ...valid, surprise: true },
      { ...valid, token_endpoint_auth_method: 'private_key_jwt' },
      { name: 'eam', profile: 'entra_eam' },
      { name: 'eam', profile: 'entra_eam', entra: { tenant_id: 'not-a-uuid', app_id: 'x', jwks_uri: 'https://k.example.org/keys' } },
      { name: 'eam', profile: 'entra_eam', entra: { tenant_id: '5b4f2f6a-7b2e-4c1d-9a3e-2f1d0c9b8a7e', app_id: 'x' } },
      { ...valid, entra: { tenant_id: '5b4f2f6a-7b2e-4c1d-9a3e-2f1d0c9b8a7e', app_id: 'x', jwks_uri: 'https://k.example.org/keys' } },
    ];
    for (const body of bad) {
      const r = await call('/admin/oidc/clients', ADMIN, body);
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
      expect(r.json).toMatchObject({ ok: false, error: expect.any(String) });
    }
  });

  it("keeps each relying party's identity tokens to itself: another API client cannot use them", async () => {
    const ds = t.app.get<DataSource>(DATA_SOURCE);
    const [row] = await ds.query<{ identity_token: string }[]>(`SELECT identity_token FROM oidc_enrolments LIMIT 1`);
    const r = await call('/authenticate', t.token, {
      token: row.identity_token,
      password: PIN,
      scope: 'x',
      photo: readFileSync(A1).toString('base64'),
    });
    expect(r.status).toBe(404);
    expect(r.json.code).toBe('token_not_found');
  });

  it('removes an enrolment (its token revoked) and disables a relying party (its authorizations stop)', async () => {
    const listed = await call('/admin/oidc/clients', ADMIN, undefined, 'GET');
    const std = (listed.json.relying_parties as { client_id: string; profile: string; name: string }[]).find(
      (x) => x.name === 'Staff portal',
    )!;
    const removed = await call(`/admin/oidc/clients/${std.client_id}/enrolments/remove`, ADMIN, { subject: 'alice' });
    expect(removed.json).toMatchObject({ ok: true, removed: true, token_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect((await call(`/admin/oidc/clients/${std.client_id}/enrolments/remove`, ADMIN, { subject: 'alice' })).json).toMatchObject({
      removed: false,
    });
    const ds = t.app.get<DataSource>(DATA_SOURCE);
    const [tok] = await ds.query<{ revoked_at: Date | null }[]>(`SELECT revoked_at FROM identity_tokens WHERE token_id = $1`, [
      Buffer.from(removed.json.token_id, 'hex'),
    ]);
    expect(tok.revoked_at).not.toBeNull();
    expect((await call(`/admin/oidc/clients/fo_AAAAAAAAAAAAAAAA/disable`, ADMIN, {})).status).toBe(404);
    expect((await call(`/admin/oidc/clients/not-an-id/disable`, ADMIN, {})).status).toBe(400);
    const disabled = await call(`/admin/oidc/clients/${std.client_id}/disable`, ADMIN, {});
    expect(disabled).toMatchObject({ status: 200, json: { relying_party: { disabled_at: expect.any(String) } } });
    const auth = await tlsFetch(
      `${issuer}/auth?client_id=${std.client_id}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(rp.url)}`,
    );
    expect(auth.status).toBe(400);
    expect(await auth.text()).toContain('invalid_client');
  });
});

describe('hostile input to the face page endpoints', () => {
  it('answers junk ids, missing cookies, junk bodies and oversized uploads with a 4xx, never a 5xx', async () => {
    const origin = new URL(issuer).origin;
    const junkIds = ['x', 'fei_' + 'A'.repeat(32), '%00', 'a'.repeat(5000), '..%2f..%2fetc', '%F0%9F%98%80'];
    const answers: [string, number][] = [];
    const send = async (method: string, path: string, body?: string | FormData, headers: Record<string, string> = {}) => {
      const r = await tlsFetch(`${origin}${path}`, { method, body, headers });
      await r.arrayBuffer();
      answers.push([`${method} ${path.slice(0, 80)}`, r.status]);
    };
    for (const id of junkIds) {
      await send('GET', `/oidc/interaction/${id}`);
      await send('GET', `/oidc/enrol/${id}`);
      for (const step of ['frame', 'enrol', 'verify', 'abort'])
        await send('POST', `/oidc/interaction/${id}/${step}`, 'junk', { 'content-type': 'application/json' });
      for (const step of ['frame', 'enrol']) {
        const form = new FormData();
        form.append('photo', new Blob([Buffer.alloc(3 * 1024 * 1024, 1)]), 'big.jpg');
        await send('POST', `/oidc/enrol/${id}/${step}`, form);
      }
    }
    await send('POST', '/oidc/auth', 'client_id=%00&response_type=code', { 'content-type': 'application/x-www-form-urlencoded' });
    await send('GET', '/oidc/auth?client_id=fo_AAAAAAAAAAAAAAAA&id_token_hint=junk&response_type=id_token');
    await send('POST', '/oidc/token', 'grant_type=authorization_code&code=junk', { 'content-type': 'application/x-www-form-urlencoded' });
    await send('GET', '/oidc/assets/..%2f..%2fpackage.json');
    expect(answers.filter(([, status]) => status >= 500 || status < 400)).toEqual([]);
  });
});

describe('signing-key rotation (last: it moves the app clock)', () => {
  it('publishes a successor 48 h before it signs, switches to it, and retires the old key 7 days later', async () => {
    const keys = t.app.get(OidcSigningKeys);
    const provider = t.app.get(OidcProvider);
    const kids = async () => (await jwks()).keys.map((k) => k.kid).sort();
    const first = (await keys.load()).signingKid;
    expect(await kids()).toEqual([first]);
    const DAY = 86_400_000;
    t.clock.advance(89 * DAY); // 90-day rotation: within 48 h of it, a successor is created and published
    await provider.refresh();
    const both = await kids();
    expect(both).toHaveLength(2);
    expect((await keys.load()).signingKid).toBe(first); // published, not signing yet
    t.clock.advance(2 * DAY);
    await provider.refresh();
    const second = (await keys.load()).signingKid;
    expect(second).not.toBe(first);
    expect(await kids()).toEqual(both); // the old key still verifies tokens it signed
    t.clock.advance(7 * DAY + 60_000);
    await provider.refresh();
    expect(await kids()).toEqual([second]);
  });
});
