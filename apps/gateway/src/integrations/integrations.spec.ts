import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { ApiError } from '../common/api-error';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config';
import type { OidcProvider } from '../oidc/oidc.provider';
import type { OidcSigningKeys } from '../oidc/signing-keys';
import type { AuthOutcome } from '../tokens/identity-token.model';
import { ENTRA_AUTH_EVENTS_APP_ID, EntraBearer, oktaSecretMatches } from './hook-auth';
import { SignedResults } from './signed-result';
import { SignedResultError, verifySignedResult, type SignedResultClaims } from './verify-signed-result';

const dir = mkdtempSync(join(tmpdir(), 'facenition-integrations-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
};
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';

describe('configuration of the identity-provider integrations', () => {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
  const jwksFile = file('jwks.json', JSON.stringify({ keys: [{ ...key, kid: 'k1' }] }));
  const entra = {
    FACENITION_ENTRA_EXTENSION_TENANT_ID: TENANT,
    FACENITION_ENTRA_EXTENSION_APP_ID: 'api://faces.example/ext',
    FACENITION_ENTRA_EXTENSION_API_CLIENT: CLIENT,
  };

  it('signed results live 120 s by default and never longer', () => {
    expect(loadConfig({}).signedResultTtlSeconds).toBe(120);
    expect(loadConfig({ FACENITION_SIGNED_RESULT_TTL_SECONDS: '30' }).signedResultTtlSeconds).toBe(30);
    expect(() => loadConfig({ FACENITION_SIGNED_RESULT_TTL_SECONDS: '121' })).toThrow(/FACENITION_SIGNED_RESULT_TTL_SECONDS/);
    expect(() => loadConfig({ FACENITION_SIGNED_RESULT_TTL_SECONDS: '9' })).toThrow(/FACENITION_SIGNED_RESULT_TTL_SECONDS/);
  });

  it('the hooks are off unless configured; unknown settings of their family are refused', () => {
    const c = loadConfig({});
    expect([c.entraExtension, c.oktaHook]).toEqual([undefined, undefined]);
    expect(() => loadConfig({ FACENITION_ENTRA_EXTENSION_JWKS: '{}' })).toThrow(/FACENITION_ENTRA_EXTENSION_JWKS: unknown setting/);
    expect(() => loadConfig({ FACENITION_OKTA_HOOK_SECRET: 'x' })).toThrow(/FACENITION_OKTA_HOOK_SECRET: unknown setting/);
  });

  it('Entra ID: tenant, app id, API client and exactly one key source, all checked', () => {
    expect(loadConfig({ ...entra, FACENITION_ENTRA_EXTENSION_JWKS_FILE: jwksFile }).entraExtension).toEqual({
      tenantId: TENANT,
      appId: 'api://faces.example/ext',
      apiClientId: CLIENT,
      jwks: { keys: [expect.objectContaining({ kid: 'k1', kty: 'RSA' })] },
    });
    expect(
      loadConfig({ ...entra, FACENITION_ENTRA_EXTENSION_JWKS_URI: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys` })
        .entraExtension,
    ).toMatchObject({ jwksUri: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys` });
    expect(() => loadConfig({ FACENITION_ENTRA_EXTENSION_JWKS_FILE: jwksFile })).toThrow(
      /FACENITION_ENTRA_EXTENSION_TENANT_ID, FACENITION_ENTRA_EXTENSION_APP_ID, FACENITION_ENTRA_EXTENSION_API_CLIENT: required/,
    );
    expect(() => loadConfig(entra)).toThrow(/set exactly one/);
    expect(() =>
      loadConfig({ ...entra, FACENITION_ENTRA_EXTENSION_JWKS_FILE: jwksFile, FACENITION_ENTRA_EXTENSION_JWKS_URI: 'https://x.example/k' }),
    ).toThrow(/set exactly one/);
    expect(() => loadConfig({ ...entra, FACENITION_ENTRA_EXTENSION_JWKS_URI: 'http://keys.example/k' })).toThrow(/https/);
    expect(() => loadConfig({ ...entra, FACENITION_ENTRA_EXTENSION_JWKS_FILE: join(dir, 'absent.json') })).toThrow(/does not exist/);
    expect(() => loadConfig({ ...entra, FACENITION_ENTRA_EXTENSION_JWKS_FILE: file('bad.json', 'nope') })).toThrow(/is not JSON/);
    expect(() => loadConfig({ ...entra, FACENITION_ENTRA_EXTENSION_JWKS_FILE: file('empty.json', '{"keys":[]}') })).toThrow(
      /not a JWK set/,
    );
    expect(() =>
      loadConfig({ ...entra, FACENITION_ENTRA_EXTENSION_TENANT_ID: 'contoso', FACENITION_ENTRA_EXTENSION_JWKS_FILE: jwksFile }),
    ).toThrow(/FACENITION_ENTRA_EXTENSION_TENANT_ID: must be the Entra tenant's id/);
    expect(() =>
      loadConfig({ ...entra, FACENITION_ENTRA_EXTENSION_APP_ID: 'has space', FACENITION_ENTRA_EXTENSION_JWKS_FILE: jwksFile }),
    ).toThrow(/FACENITION_ENTRA_EXTENSION_APP_ID/);
  });

  it('Okta: the secret file and the API client, both or neither; the secret is never echoed', () => {
    const secret = 'okta-secret-0123456789-abcdefghij';
    expect(
      loadConfig({ FACENITION_OKTA_HOOK_SECRET_FILE: file('okta', `${secret}\n`), FACENITION_OKTA_HOOK_API_CLIENT: CLIENT }).oktaHook,
    ).toEqual({
      secret,
      apiClientId: CLIENT,
    });
    expect(() => loadConfig({ FACENITION_OKTA_HOOK_API_CLIENT: CLIENT })).toThrow(/set both or neither/);
    let message = '';
    try {
      loadConfig({ FACENITION_OKTA_HOOK_SECRET_FILE: file('short', 'tiny-secret'), FACENITION_OKTA_HOOK_API_CLIENT: CLIENT });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/must be 24\.\.1000 printable ASCII characters/);
    expect(message).not.toContain('tiny-secret');
  });

  it('the Okta secret is compared in full, in constant time', () => {
    const secret = 'okta-secret-0123456789-abcdefghij';
    expect(oktaSecretMatches(secret, secret)).toBe(true);
    for (const wrong of [undefined, '', `${secret} `, secret.slice(1), `Bearer ${secret}`, 'x'.repeat(5000)])
      expect(oktaSecretMatches(wrong, secret)).toBe(false);
  });
});

describe('signed results', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  const issuer = 'https://faces.example/oidc';
  const at = new Date('2026-01-01T12:00:00Z');
  const outcome = (authenticated: boolean): AuthOutcome => ({
    authenticated,
    ...(authenticated ? {} : { reason: 'locked' as const }),
    score: null,
    threshold: 0.4,
    calibration: 'builtin',
    accuracy: 6,
    tokenId: Buffer.alloc(16, 1),
  });
  const service = (ttl: number) =>
    new SignedResults(
      { ...loadConfig({ FACENITION_OIDC_ISSUER: issuer }), signedResultTtlSeconds: ttl },
      { start: () => Promise.resolve() } as unknown as OidcProvider,
      { signingKey: () => Promise.resolve({ kid: 'k1', key: privateKey }) } as unknown as OidcSigningKeys,
      () => at,
    );
  const input = (ok: boolean) => ({ audience: 'client-1', tokenRef: 'ab'.repeat(16), outcome: outcome(ok), nonce: 'challenge' });

  it('carries the documented claims; exp is iat + the configured lifetime, at most 120 s', () => {
    const c = service(45).claims(input(true));
    expect(c).toEqual({
      iss: issuer,
      aud: 'client-1',
      sub: 'ab'.repeat(16),
      outcome: 'authenticated',
      acr: 'urn:facenition:acr:level-6',
      amr: ['face'],
      nonce: 'challenge',
      iat: at.getTime() / 1000,
      exp: at.getTime() / 1000 + 45,
      jti: expect.any(String),
    });
    expect(service(500).claims(input(true)).exp - c.iat).toBe(120);
    const refused = service(120).claims(input(false));
    expect(refused).toMatchObject({ outcome: 'not_authenticated', reason: 'locked' });
    expect(refused).not.toHaveProperty('amr');
  });

  it('verifies with node:crypto alone, exactly as the Cognito sample does', async () => {
    const jws = await service(120).sign(input(true));
    const opts = { jwks, issuer, audience: 'client-1', nonce: 'challenge', now: new Date(at.getTime() + 5000) };
    expect(verifySignedResult(jws, opts).outcome).toBe('authenticated');
    const cognito = (await import(pathToFileURL(join(__dirname, '../../../../docs/integrations/cognito/handlers.mjs')).href)) as {
      verifySignedResult: (jws: string, opts: object) => SignedResultClaims;
    };
    expect(cognito.verifySignedResult(jws, opts)).toEqual(verifySignedResult(jws, opts));
    // a signature by another key, and a JWS signed over other bytes
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const [h, p] = jws.split('.');
    const forged = `${h}.${p}.${sign('sha256', Buffer.from(`${h}.${p}`), other).toString('base64url')}`;
    for (const verifier of [verifySignedResult, cognito.verifySignedResult]) {
      expect(() => verifier(forged, opts)).toThrow('bad signature');
      expect(() => verifier(jws, { ...opts, nonce: 'challengf' })).toThrow('wrong nonce');
      expect(() => verifier(jws, { ...opts, now: new Date(at.getTime() + 151_000) })).toThrow('expired');
    }
    expect(() => verifySignedResult(forged, opts)).toThrow(SignedResultError);
  });
});

describe("the Entra ID extension's bearer token, with the tenant's keys fetched from a URL", () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' }] });
  let server: Server;
  let base: string;
  let mode: 'keys' | 'hang' | 'junk' = 'keys';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (mode === 'hang') return; // never answers
      res.setHeader('content-type', 'application/json');
      res.end(mode === 'keys' ? keys : '{"not":"keys"}');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  });
  const now = new Date();
  const token = () =>
    new SignJWT({ azp: ENTRA_AUTH_EVENTS_APP_ID, tid: TENANT })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(`https://login.microsoftonline.com/${TENANT}/v2.0`)
      .setAudience('ext-app')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
  const bearer = (path: string) => new EntraBearer({ tenantId: TENANT, appId: 'ext-app', apiClientId: CLIENT, jwksUri: `${base}${path}` });

  it('verifies against the fetched keys', async () => {
    mode = 'keys';
    await expect(bearer('/keys').verify(`Bearer ${await token()}`, now)).resolves.toMatchObject({ azp: ENTRA_AUTH_EVENTS_APP_ID });
  });

  it("answers 503 busy, not 401, when the keys cannot be had (not the caller's fault), well within Entra's 2 s", async () => {
    for (const m of ['hang', 'junk'] as const) {
      mode = m;
      const started = Date.now();
      const err = await bearer(`/${m}`)
        .verify(`Bearer ${await token()}`, now)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect([(err as ApiError).status, (err as ApiError).code]).toEqual([503, 'busy']);
      expect(Date.now() - started).toBeLessThan(1800);
    }
  });
});
