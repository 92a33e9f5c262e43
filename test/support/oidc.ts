import forge from 'node-forge';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import type { Page } from 'playwright-core';
import { freePort } from './server-process';

/**
 * Polls a JavaScript expression in the page until it is truthy. page.evaluate goes through the
 * DevTools protocol, which the face page's CSP does not restrict; waitForFunction with a string
 * would be an eval, which it does.
 */
export async function waitInPage(page: Page, expression: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(`Boolean(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A self-signed certificate for 127.0.0.1 (the provider's issuer in tests), as PEM files. */
export function selfSignedCertificate(): { certFile: string; keyFile: string; certPem: string } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const attrs = [{ name: 'commonName', value: '127.0.0.1' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const dir = mkdtempSync(join(tmpdir(), 'facenition-tls-'));
  const certPem = forge.pki.certificateToPem(cert);
  writeFileSync(join(dir, 'cert.pem'), certPem);
  writeFileSync(join(dir, 'key.pem'), forge.pki.privateKeyToPem(keys.privateKey), { mode: 0o600 });
  return { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem'), certPem };
}

/**
 * fetch that trusts one extra CA (the test certificate), for openid-client's customFetch and plain
 * calls to the provider. Node's fetch cannot take a CA without undici, so this speaks node:https.
 */
export function fetchTrusting(ca: string): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init.headers);
    let body: Buffer | undefined;
    if (init.body !== undefined && init.body !== null) {
      if (typeof init.body === 'string') body = Buffer.from(init.body);
      else if (init.body instanceof URLSearchParams) {
        body = Buffer.from(init.body.toString());
        if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
      } else {
        // FormData and the like: Response encodes them and names the content type (with its boundary)
        const encoded = new Response(init.body as ConstructorParameters<typeof Response>[0]);
        body = Buffer.from(await encoded.arrayBuffer());
        const type = encoded.headers.get('content-type');
        if (type && !headers.has('content-type')) headers.set('content-type', type);
      }
    }
    return new Promise<Response>((resolve, reject) => {
      const req = httpsRequest(url, { method: init.method ?? 'GET', headers: Object.fromEntries(headers), ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (Array.isArray(v)) v.forEach((x) => h.append(k, x));
            else if (v !== undefined) h.set(k, String(v));
          }
          const status = res.statusCode ?? 500;
          const noBody = status === 204 || status === 304;
          resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, headers: h }));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (init.signal) init.signal.addEventListener('abort', () => req.destroy(new Error('aborted')));
      req.end(body);
    });
  }) as typeof fetch;
}

export interface Received {
  method: string;
  url: string;
  /** Query (GET) or form fields (POST). */
  params: Record<string, string>;
}

/** The relying party's redirect URI: a tiny HTTP server on 127.0.0.1 that records what the provider sends. */
export class CallbackServer {
  readonly received: Received[] = [];
  private waiters: (() => void)[] = [];
  private consumed = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = '/callback'): Promise<CallbackServer> {
    const port = await freePort();
    const holder: { self?: CallbackServer } = {};
    const server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
        const params = Object.fromEntries(req.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString()) : u.searchParams);
        if (u.pathname !== path) return void res.writeHead(404).end();
        const r = { method: req.method ?? 'GET', url: u.toString(), params };
        holder.self!.received.push(r);
        for (const wake of holder.self!.waiters.splice(0)) wake();
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!DOCTYPE html><title>Relying party</title><p id="rp-done">back at the relying party</p>');
      });
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    holder.self = new CallbackServer(server, `http://127.0.0.1:${port}${path}`);
    return holder.self;
  }

  /** The next request the provider sends that no earlier next() returned. */
  async next(timeoutMs = 60_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    while (this.consumed >= this.received.length) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('the relying party received nothing');
      // woken by every arrival (or after a short while): a waiter given up earlier cannot swallow one
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received[this.consumed++];
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

export interface AuthorizationRequest {
  url: URL;
  verifier: string;
  nonce: string;
  state: string;
}

/** A code + PKCE (S256) authorization request with a fresh verifier, nonce and state; `params` adds scope, login_hint… */
export async function authorizationRequest(
  config: client.Configuration,
  redirectUri: string,
  params: Record<string, string>,
): Promise<AuthorizationRequest> {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
    ...params,
  });
  return { url, verifier, nonce, state };
}
