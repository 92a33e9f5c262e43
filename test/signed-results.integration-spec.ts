import { entraTokenIssuanceStart, oktaEvent } from './support/idp-events';
import { DATA_SOURCE } from '@facenition/database';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWK } from 'jose';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { VERIFICATION_TTL_SECONDS } from '../apps/gateway/src/integrations/face-verifications';
import { ENTRA_AUTH_EVENTS_APP_ID } from '../apps/gateway/src/integrations/hook-auth';
import { SignedResultError, verifySignedResult, type SignedResultClaims } from '../apps/gateway/src/integrations/verify-signed-result';
import { RelyingParties } from '../apps/gateway/src/oidc/relying-parties';
import { loginHintSubjectName, subjectKey } from '../apps/gateway/src/oidc/subjects';
import { tokenRef } from '../apps/gateway/src/tokens/identity-token.codec';
import { ADMIN, startTestApp, type TestApp } from './support/app';
import { fixture } from './support/images';
import { freePort } from './support/server-process';

/**
 * Issue #11 §3: signed results of /authenticate for the callout-style identity providers, and the
 * ready-made pieces on top of them, each driven with the request bodies the providers' own
 * documentation shows: the Entra ID custom claims provider (tokenIssuanceStart), the Okta token
 * inline hook, the Cognito Define/Create/Verify Auth Challenge handlers and the OneLogin
 * pre-authentication Smart Hook. Real app, real models, real Postgres; the "tenants" are key pairs
 * generated here.
 */
jest.setTimeout(300_000);

const TENANT_ID = 'aaaabbbb-0000-cccc-1111-dddd2222eeee';
const EXTENSION_APP_ID = '00001111-aaaa-2222-bbbb-3333cccc4444';
const secrets = { password: 'correct horse battery staple', scope: 'idp.example/login' };
const OKTA_SECRET = 'okta-hook-secret-0123456789abcdefghij';

let t: TestApp;
let http: Server;
let issuer: string;
let port: number;
let db: DataSource;
/** The "Entra tenant": its signing key (published in the JWKS file) and a stranger's key. */
let tenantKey: KeyObject;
let strangerKey: KeyObject;
/** The API client whose verifications the hooks count (tenant A), with an identity token of Colin Powell. */
let hookClient: { id: string; token: string; secret: string };
let powell: { token: string; token_id: string };
let jwks: { keys: JWK[] };
/** The exports of docs/integrations/cognito/handlers.mjs used here. */
interface Handlers {
  handler(event: object): Promise<unknown>;
  verifySignedResult(jws: string, opts: object): SignedResultClaims;
}
let cognito: Handlers;

const server = () => http;
const client = async (body: Record<string, unknown>) => {
  const r = await request(server()).post('/generateToken').set('X-Auth-Token', ADMIN).send(body).expect(200);
  return { id: r.body.client.client_id as string, token: r.body.client_token as string, secret: r.body.client_secret as string };
};
const enrol = async (clientToken: string, photo: string) => {
  const r = await request(server())
    .post('/generate')
    .set('X-Auth-Token', clientToken)
    .field('password', secrets.password)
    .field('scope', secrets.scope)
    .attach('photo', fixture(photo), `${photo}.jpg`);
  expect(r.status).toBe(200);
  return r.body as { token: string; token_id: string };
};
/** /authenticate as multipart with extra fields. */
const authenticate = (clientToken: string, idToken: string, photo: string, extra: Record<string, string> = {}) => {
  let r = request(server()).post('/authenticate').set('X-Auth-Token', clientToken).field('token', idToken);
  for (const [k, v] of Object.entries({ ...secrets, ...extra })) r = r.field(k, v);
  return r.attach('photo', fixture(photo), 'probe.jpg');
};
/** /authenticate as JSON (base64 photo). */
const authenticateJson = (clientToken: string, idToken: string, photo: string, extra: Record<string, unknown> = {}) =>
  request(server())
    .post('/authenticate')
    .set('X-Auth-Token', clientToken)
    .send({ token: idToken, photo: fixture(photo).toString('base64'), ...secrets, ...extra });
const claimsOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString()) as SignedResultClaims;

/** A bearer token as Entra ID issues it to a custom authentication extension (v2.0 unless told otherwise). */
function entraBearer(over: Record<string, unknown> = {}, opts: { key?: KeyObject; kid?: string; alg?: string; v1?: boolean } = {}) {
  const now = Math.floor(t.clock.now().getTime() / 1000);
  const claims = {
    aud: EXTENSION_APP_ID,
    iss: opts.v1 ? `https://sts.windows.net/${TENANT_ID}/` : `https://login.microsoftonline.com/${TENANT_ID}/v2.0`,
    iat: now - 10,
    nbf: now - 10,
    exp: now + 3600,
    ...(opts.v1 ? { appid: ENTRA_AUTH_EVENTS_APP_ID, ver: '1.0' } : { azp: ENTRA_AUTH_EVENTS_APP_ID, azpacr: '2', ver: '2.0' }),
    oid: '11112222-3333-4444-5555-666677778888',
    sub: '11112222-3333-4444-5555-666677778888',
    tid: TENANT_ID,
    ...over,
  };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete (claims as Record<string, unknown>)[k];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? 'tenant-key-1', typ: 'JWT' })
    .sign(opts.key ?? tenantKey);
}

const entraEvent = (userId: string, tenantId = TENANT_ID) => entraTokenIssuanceStart(userId, tenantId);

const entra = (bearer: string | undefined, body: unknown) => {
  const r = request(server()).post('/integrations/entra/token-issuance-start');
  return (bearer === undefined ? r : r.set('Authorization', bearer)).send(body as object);
};
const okta = (auth: string | undefined, body: unknown) => {
  const r = request(server()).post('/integrations/okta/token-hook');
  return (auth === undefined ? r : r.set('Authorization', auth)).send(body as object);
};

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facenition-signed-'));
  tenantKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const publicJwk = { ...tenantKey.export({ format: 'jwk' }), kid: 'tenant-key-1', use: 'sig', alg: 'RS256' } as Record<string, unknown>;
  for (const k of ['d', 'p', 'q', 'dp', 'dq', 'qi']) delete publicJwk[k];
  const jwksFile = join(dir, 'tenant-jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [publicJwk] }));
  const oktaFile = join(dir, 'okta-secret');
  writeFileSync(oktaFile, `${OKTA_SECRET}\n`, { mode: 0o600 });
  port = await freePort();
  issuer = `http://127.0.0.1:${port}/oidc`;
  t = await startTestApp({
    FACENITION_OIDC_ISSUER: issuer,
    FACENITION_LIVENESS_GATE: 'off',
    FACENITION_ENTRA_EXTENSION_TENANT_ID: TENANT_ID,
    FACENITION_ENTRA_EXTENSION_APP_ID: EXTENSION_APP_ID,
    FACENITION_ENTRA_EXTENSION_JWKS_FILE: jwksFile,
    // the hooks' API client is created below; its id replaces this placeholder in the running config
    FACENITION_ENTRA_EXTENSION_API_CLIENT: '00000000-0000-4000-8000-000000000000',
    FACENITION_OKTA_HOOK_SECRET_FILE: oktaFile,
    FACENITION_OKTA_HOOK_API_CLIENT: '00000000-0000-4000-8000-000000000000',
  });
  await t.app.listen(port, '127.0.0.1');
  http = t.app.getHttpServer() as Server;
  db = t.app.get<DataSource>(DATA_SOURCE);
  hookClient = await client({ name: 'idp hooks', environment: 'production', plan: 'enterprise', tenant: 'acme' });
  t.config.entraExtension!.apiClientId = hookClient.id;
  t.config.oktaHook!.apiClientId = hookClient.id;
  powell = await enrol(hookClient.token, 'Colin_Powell_0001');
  jwks = (await request(server()).get('/oidc/jwks').expect(200)).body as { keys: JWK[] };
  cognito = (await import(pathToFileURL(join(__dirname, '../docs/integrations/cognito/handlers.mjs')).href)) as Handlers;
});

afterAll(async () => {
  await t?.close();
});

describe('POST /authenticate with signed_result', () => {
  it('answers a JWS signed with the provider key it publishes at <issuer>/jwks, with the documented header and claims (JSON and multipart)', async () => {
    const before = Math.floor(t.clock.now().getTime() / 1000);
    const multipart = await authenticate(hookClient.token, powell.token, 'Colin_Powell_0002', {
      signed_result: 'true',
      nonce: 'n-0123456789',
    });
    expect(multipart.status).toBe(200);
    expect(Object.keys(multipart.body).sort()).toEqual(['authenticated', 'ok', 'signed_result']);
    expect(multipart.body.authenticated).toBe(true);
    const json = await authenticateJson(hookClient.token, powell.token, 'Colin_Powell_0002', {
      signed_result: true,
      nonce: 'n-json',
    }).expect(200);
    for (const [jws, nonce] of [
      [multipart.body.signed_result as string, 'n-0123456789'],
      [json.body.signed_result as string, 'n-json'],
    ] as const) {
      const header = decodeProtectedHeader(jws);
      expect(header).toEqual({ alg: 'RS256', kid: expect.any(String), typ: 'facenition-result+jwt' });
      expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
      // an independent verifier (jose) against the published keys
      const { payload } = await jwtVerify(jws, createLocalJWKSet(jwks), {
        issuer,
        audience: hookClient.id,
        typ: 'facenition-result+jwt',
        algorithms: ['RS256'],
        currentDate: t.clock.now(),
      });
      expect(payload).toEqual({
        iss: issuer,
        aud: hookClient.id,
        sub: tokenRef(Buffer.from(powell.token_id, 'hex')),
        outcome: 'authenticated',
        acr: 'urn:facenition:acr:level-4',
        amr: ['face'],
        nonce,
        iat: expect.any(Number),
        exp: expect.any(Number),
        jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      });
      expect(payload.iat).toBeGreaterThanOrEqual(before);
      expect(payload.exp! - payload.iat!).toBe(120);
      // and the helper of the hooks and the Cognito sample
      expect(verifySignedResult(jws, { jwks, issuer, audience: hookClient.id, nonce, now: t.clock.now() }).sub).toBe(payload.sub);
    }
    expect(claimsOf(multipart.body.signed_result as string).jti).not.toBe(claimsOf(json.body.signed_result as string).jti);
    // the token_ref of the signed result is the audit log's
    const audit = await request(server()).get('/audit?endpoint=/authenticate&limit=5').set('X-Auth-Token', hookClient.token).expect(200);
    expect(audit.body.records.map((r: { token_ref: string }) => r.token_ref)).toContain(claimsOf(json.body.signed_result as string).sub);
  });

  it('signs a refusal too: outcome not_authenticated with its reason, no amr; the level asked for is the acr', async () => {
    const r = await authenticate(hookClient.token, powell.token, 'George_W_Bush_0001', {
      signed_result: 'true',
      nonce: 'refused',
      accuracy: '5',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ authenticated: false, reason: 'no_match' });
    const c = verifySignedResult(r.body.signed_result as string, {
      jwks,
      issuer,
      audience: hookClient.id,
      nonce: 'refused',
      now: t.clock.now(),
    });
    expect(c).toMatchObject({ outcome: 'not_authenticated', reason: 'no_match', acr: 'urn:facenition:acr:level-5' });
    expect(c).not.toHaveProperty('amr');
  });

  it('without signed_result nothing changes; explicit false too', async () => {
    expect((await authenticate(hookClient.token, powell.token, 'Colin_Powell_0002').expect(200)).body).toEqual({
      ok: true,
      authenticated: true,
    });
    expect(
      (await authenticateJson(hookClient.token, powell.token, 'Colin_Powell_0002', { signed_result: false }).expect(200)).body,
    ).toEqual({
      ok: true,
      authenticated: true,
    });
  });

  it.each([
    ['signed_result without nonce', { signed_result: true }, 'missing_field', /nonce/],
    ['nonce without signed_result', { nonce: 'x' }, 'invalid_field', /nonce/],
    ['subject without signed_result', { subject: 'user-1' }, 'invalid_field', /subject/],
    ['a nonce of 201 characters', { signed_result: true, nonce: 'n'.repeat(201) }, 'invalid_field', /nonce/],
    ['a nonce with a control character', { signed_result: true, nonce: 'a\tb' }, 'invalid_field', /nonce/],
    ['a nonce outside printable ASCII', { signed_result: true, nonce: 'nöñce' }, 'invalid_field', /nonce/],
    ['a nonce that is a number', { signed_result: true, nonce: 12 }, 'invalid_field', /nonce/],
    ['signed_result = "yes"', { signed_result: 'yes', nonce: 'x' }, 'invalid_field', /signed_result/],
    ['signed_result = 1', { signed_result: 1, nonce: 'x' }, 'invalid_field', /signed_result/],
    ['a subject of 201 characters', { signed_result: true, nonce: 'x', subject: 's'.repeat(201) }, 'invalid_field', /subject/],
    ['a subject with a line break', { signed_result: true, nonce: 'x', subject: 'a\nb' }, 'invalid_field', /subject/],
  ])('refuses %s with a 400 before any face work', async (_name, extra, code, message) => {
    const from = (await request(server()).get('/me').set('X-Auth-Token', hookClient.token).expect(200)).body.quota.used as number;
    const r = await authenticateJson(hookClient.token, powell.token, 'Colin_Powell_0002', extra);
    expect([r.status, r.body.code]).toEqual([400, code]);
    expect(r.body.error).toMatch(message);
    expect(Object.keys(r.body).sort()).toEqual(['code', 'error', 'ok']);
    // refused at the edge: not metered
    expect((await request(server()).get('/me').set('X-Auth-Token', hookClient.token).expect(200)).body.quota.used).toBe(from);
  });

  it('refuses the same mistakes in multipart', async () => {
    const r = await authenticate(hookClient.token, powell.token, 'Colin_Powell_0002', { signed_result: 'true' });
    expect([r.status, r.body.code]).toEqual([400, 'missing_field']);
    const r2 = await authenticate(hookClient.token, powell.token, 'Colin_Powell_0002', { nonce: 'x' });
    expect([r2.status, r2.body.code]).toEqual([400, 'invalid_field']);
  });

  it('400 oidc_disabled when the provider is off (and no verification attempt is spent)', async () => {
    const saved = t.config.oidcIssuer;
    t.config.oidcIssuer = undefined;
    try {
      const r = await authenticateJson(hookClient.token, powell.token, 'George_W_Bush_0001', { signed_result: true, nonce: 'x' });
      expect([r.status, r.body.code]).toEqual([400, 'oidc_disabled']);
      expect(r.body.error).toMatch(/FACENITION_OIDC_ISSUER/);
    } finally {
      t.config.oidcIssuer = saved;
    }
  });

  it('authorisation: a short-lived access token gets results for its client; another tenant gets 404; the other environment is refused', async () => {
    const access = await request(server()).post('/token').send({ client_id: hookClient.id, client_secret: hookClient.secret }).expect(200);
    const viaAccess = await authenticate(access.body.client_token as string, powell.token, 'Colin_Powell_0002', {
      signed_result: 'true',
      nonce: 'short-lived',
    }).expect(200);
    expect(claimsOf(viaAccess.body.signed_result as string)).toMatchObject({ aud: hookClient.id, outcome: 'authenticated' });

    const stranger = await client({ name: 'another tenant', environment: 'production', plan: 'enterprise' });
    const r = await authenticate(stranger.token, powell.token, 'Colin_Powell_0002', { signed_result: 'true', nonce: 'x', subject: 'u' });
    expect([r.status, r.body.code]).toEqual([404, 'token_not_found']);

    const sandbox = await client({ name: 'acme sandbox', environment: 'sandbox', plan: 'enterprise', tenant: 'acme' });
    const s = await authenticate(sandbox.token, powell.token, 'Colin_Powell_0002', { signed_result: 'true', nonce: 'x' }).expect(200);
    expect(s.body).toMatchObject({ authenticated: false, reason: 'wrong_environment' });
    expect(claimsOf(s.body.signed_result as string)).toMatchObject({
      aud: sandbox.id,
      outcome: 'not_authenticated',
      reason: 'wrong_environment',
    });

    const none = await request(server()).post('/authenticate').send({ token: powell.token, signed_result: true, nonce: 'x' });
    expect([none.status, none.body.code]).toEqual([401, 'unauthenticated']);
  });

  it('verifySignedResult (and the Cognito sample, the same algorithm) refuse every altered or misdirected result', async () => {
    const r = await authenticate(hookClient.token, powell.token, 'Colin_Powell_0002', { signed_result: 'true', nonce: 'check' }).expect(
      200,
    );
    const jws = r.body.signed_result as string;
    const [h, p, sig] = jws.split('.');
    const now = t.clock.now();
    const base: Parameters<typeof verifySignedResult>[1] = { jwks, issuer, audience: hookClient.id, nonce: 'check', now };
    const other = { ...claimsOf(jws), outcome: 'authenticated', aud: 'someone-else' };
    const cases: [string, string, Partial<typeof base>, RegExp][] = [
      ['valid', jws, {}, /^$/],
      ['wrong nonce', jws, { nonce: 'check2' }, /wrong nonce/],
      ['wrong audience', jws, { audience: randomUUID() }, /wrong audience/],
      ['wrong issuer', jws, { issuer: 'https://elsewhere.example/oidc' }, /wrong issuer/],
      ['expired', jws, { now: new Date(now.getTime() + 200_000) }, /expired/],
      ['from the future', jws, { now: new Date(now.getTime() - 600_000) }, /future/],
      ['too old for a stricter verifier', jws, { maxAgeSeconds: 10, now: new Date(now.getTime() + 60_000) }, /too old/],
      ['altered payload', `${h}.${Buffer.from(JSON.stringify(other)).toString('base64url')}.${sig}`, {}, /bad signature/],
      ['unknown key', jws, { jwks: { keys: [] } }, /not in the key set/],
      [
        'alg none',
        `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'facenition-result+jwt', kid: 'x' })).toString('base64url')}.${p}.`,
        {},
        /RS256/,
      ],
      [
        'another typ',
        `${Buffer.from(JSON.stringify({ ...decodeProtectedHeader(jws), typ: 'JWT' })).toString('base64url')}.${p}.${sig}`,
        {},
        /typ/,
      ],
      ['garbage', 'not-a-jws', {}, /compact JWS/],
      ['two parts', `${h}.${p}`, {}, /compact JWS/],
    ];
    for (const [name, token, over, expected] of cases) {
      let ts = '';
      let mjs = '';
      try {
        verifySignedResult(token, { ...base, ...over });
      } catch (err) {
        expect(err).toBeInstanceOf(SignedResultError);
        ts = (err as Error).message;
      }
      try {
        cognito.verifySignedResult(token, { ...base, ...over });
      } catch (err) {
        mjs = (err as Error).message;
      }
      expect([name, ts]).toEqual([name, expect.stringMatching(expected)]);
      expect([name, mjs]).toEqual([name, ts]);
    }
  });
});

describe('Amazon Cognito custom authentication: Define / Create / Verify Auth Challenge (docs/integrations/cognito/handlers.mjs)', () => {
  // trigger events as the Cognito developer guide shows them (common parameters + request + response)
  const common = (triggerSource: string) => ({
    version: '1',
    region: 'us-west-2',
    userPoolId: 'us-west-2_EXAMPLE',
    userName: 'colin',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '1example23456789' },
    triggerSource,
  });
  const userAttributes = (ref: string) => ({
    sub: '4711e3c6-1234-4d5e-9f00-0123456789ab',
    'cognito:user_status': 'CONFIRMED',
    email_verified: 'true',
    email: 'colin@example.com',
    'custom:facenition_token_ref': ref,
  });
  type Session = { challengeName: string; challengeResult: boolean; challengeMetadata?: string }[];
  const define = (session: Session) =>
    cognito.handler({
      ...common('DefineAuthChallenge_Authentication'),
      request: { userAttributes: userAttributes('x'), session, userNotFound: false },
      response: { challengeName: null, issueTokens: null, failAuthentication: null },
    }) as Promise<{ response: { challengeName?: string; issueTokens: boolean; failAuthentication: boolean } }>;
  const create = (session: Session) =>
    cognito.handler({
      ...common('CreateAuthChallenge_Authentication'),
      request: { userAttributes: userAttributes('x'), challengeName: 'CUSTOM_CHALLENGE', session, userNotFound: false },
      response: { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
    }) as Promise<{
      response: {
        publicChallengeParameters: Record<string, string>;
        privateChallengeParameters: Record<string, string>;
        challengeMetadata: string;
      };
    }>;
  const verifyAnswer = async (answer: string, nonce: string, ref = tokenRef(Buffer.from(powell.token_id, 'hex'))) => {
    const out = (await cognito.handler({
      ...common('VerifyAuthChallengeResponse_Authentication'),
      request: {
        userAttributes: userAttributes(ref),
        privateChallengeParameters: { facenition_nonce: nonce },
        challengeAnswer: answer,
        clientMetadata: { exampleMetadataKey: 'example metadata value' },
        userNotFound: false,
      },
      response: { answerCorrect: null },
    })) as { response: { answerCorrect: boolean } };
    return out.response.answerCorrect;
  };
  const ok = (challengeName: string, challengeResult = true) => ({ challengeName, challengeResult, challengeMetadata: '' });

  beforeAll(() => {
    process.env.FACENITION_ISSUER = issuer;
    process.env.FACENITION_API_CLIENT_ID = hookClient.id;
    process.env.FACENITION_JWKS = JSON.stringify(jwks);
  });
  afterAll(() => {
    for (const k of [
      'FACENITION_ISSUER',
      'FACENITION_API_CLIENT_ID',
      'FACENITION_JWKS',
      'FACENITION_REQUIRE_PASSWORD',
      'FACENITION_TOKEN_REF_ATTRIBUTE',
    ])
      delete process.env[k];
  });

  it('a full sign-in: challenge, the server gets a signed result for that nonce, Verify accepts it, Define issues tokens', async () => {
    expect((await define([])).response).toEqual({ challengeName: 'CUSTOM_CHALLENGE', issueTokens: false, failAuthentication: false });
    const c = (await create([])).response;
    expect(c.publicChallengeParameters.facenition_nonce).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(c.privateChallengeParameters).toEqual({ facenition_nonce: c.publicChallengeParameters.facenition_nonce });
    const nonce = c.publicChallengeParameters.facenition_nonce;
    // the app's server: the user's photo and the challenge's nonce to /authenticate
    const r = await authenticate(hookClient.token, powell.token, 'Colin_Powell_0002', { signed_result: 'true', nonce }).expect(200);
    expect(await verifyAnswer(r.body.signed_result as string, nonce)).toBe(true);
    expect((await define([ok('CUSTOM_CHALLENGE')])).response).toMatchObject({ issueTokens: true, failAuthentication: false });
    // a second challenge gets a fresh nonce
    expect((await create([ok('CUSTOM_CHALLENGE', false)])).response.publicChallengeParameters.facenition_nonce).not.toBe(nonce);
  });

  it('Verify never accepts a result for another challenge, another face, another client, another identity token, or junk', async () => {
    const nonce = (await create([])).response.privateChallengeParameters.facenition_nonce;
    const good = (await authenticate(hookClient.token, powell.token, 'Colin_Powell_0002', { signed_result: 'true', nonce }).expect(200))
      .body.signed_result as string;
    expect(await verifyAnswer(good, 'another-challenge')).toBe(false);
    expect(await verifyAnswer(good, nonce, 'ab'.repeat(16))).toBe(false);
    const refused = await authenticate(hookClient.token, powell.token, 'Tony_Blair_0001', { signed_result: 'true', nonce }).expect(200);
    expect(refused.body.authenticated).toBe(false);
    expect(await verifyAnswer(refused.body.signed_result as string, nonce)).toBe(false);
    const other = await client({ name: 'other app', environment: 'production', plan: 'enterprise', tenant: 'acme' });
    const foreign = await authenticate(other.token, powell.token, 'Colin_Powell_0002', { signed_result: 'true', nonce }).expect(200);
    expect(foreign.body.authenticated).toBe(true);
    expect(await verifyAnswer(foreign.body.signed_result as string, nonce)).toBe(false);
    for (const junk of ['', 'x', 'a.b.c', `${good}x`, 'é'.repeat(10_000)]) expect(await verifyAnswer(junk, nonce)).toBe(false);
    // binding to the enrolled token can be turned off (the app's server mapping is then trusted)
    process.env.FACENITION_TOKEN_REF_ATTRIBUTE = 'none';
    expect(await verifyAnswer(good, nonce, 'ab'.repeat(16))).toBe(true);
    delete process.env.FACENITION_TOKEN_REF_ATTRIBUTE;
  });

  it('Define: three face attempts, then the sign-in fails; the SRP password first when the pool asks for it', async () => {
    const failed = ok('CUSTOM_CHALLENGE', false);
    expect((await define([failed])).response.challengeName).toBe('CUSTOM_CHALLENGE');
    expect((await define([failed, failed])).response.challengeName).toBe('CUSTOM_CHALLENGE');
    expect((await define([failed, failed, failed])).response).toMatchObject({ issueTokens: false, failAuthentication: true });
    expect((await define([failed, failed, ok('CUSTOM_CHALLENGE')])).response).toMatchObject({ issueTokens: true });
    expect((await define([ok('SRP_A')])).response.challengeName).toBe('PASSWORD_VERIFIER');
    expect((await define([ok('SRP_A'), ok('PASSWORD_VERIFIER')])).response.challengeName).toBe('CUSTOM_CHALLENGE');
    expect((await define([ok('SRP_A'), ok('PASSWORD_VERIFIER', false)])).response.failAuthentication).toBe(true);
    process.env.FACENITION_REQUIRE_PASSWORD = 'true';
    expect((await define([])).response.failAuthentication).toBe(true);
    expect((await define([ok('SRP_A'), ok('PASSWORD_VERIFIER')])).response.challengeName).toBe('CUSTOM_CHALLENGE');
    delete process.env.FACENITION_REQUIRE_PASSWORD;
  });
});

describe('recent verifications and the token hooks', () => {
  const ENTRA_USER = '90847c2a-e29d-4d2f-9f54-c5b4d3f26471';
  const OKTA_USER = '00uq8tMo3zV0OfJON0g3';

  it('a successful verification with a subject is recorded as an HMAC, never the subject; a failed one is not recorded', async () => {
    const before = Number((await db.query(`SELECT count(*) AS n FROM face_verifications`))[0].n);
    await authenticate(hookClient.token, powell.token, 'Tony_Blair_0001', {
      signed_result: 'true',
      nonce: 'n',
      subject: ENTRA_USER,
    }).expect(200);
    expect(Number((await db.query(`SELECT count(*) AS n FROM face_verifications`))[0].n)).toBe(before);
    await authenticate(hookClient.token, powell.token, 'Colin_Powell_0002', {
      signed_result: 'true',
      nonce: 'n',
      subject: ENTRA_USER.toUpperCase(),
    }).expect(200);
    await authenticateJson(hookClient.token, powell.token, 'Colin_Powell_0002', {
      signed_result: true,
      nonce: 'n',
      subject: OKTA_USER,
    }).expect(200);
    const cols = await db.query<{ column_name: string; data_type: string }[]>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'face_verifications' ORDER BY column_name`,
    );
    expect(cols.map((c) => `${c.column_name}:${c.data_type}`)).toEqual([
      'acr:text',
      'expires_at:timestamp with time zone',
      'id:uuid',
      'subject_hash:bytea',
      'tenant:text',
      'verified_at:timestamp with time zone',
    ]);
    const rows = await db.query<{ tenant: string; subject_hash: Buffer; acr: string; verified_at: Date; expires_at: Date }[]>(
      `SELECT * FROM face_verifications ORDER BY verified_at`,
    );
    expect(rows.length).toBe(before + 2);
    for (const r of rows.slice(-2)) {
      expect(r).toMatchObject({ tenant: 'acme', acr: 'urn:facenition:acr:level-4' });
      expect(r.subject_hash.length).toBe(32);
      expect(r.expires_at.getTime() - r.verified_at.getTime()).toBe(VERIFICATION_TTL_SECONDS * 1000);
    }
  });

  it('Entra ID (the body of Microsoft\'s reference): face_verified "true" with when and at which level, for that user only', async () => {
    const started = performance.now();
    const r = await entra(`Bearer ${await entraBearer()}`, entraEvent(ENTRA_USER)).expect(200);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.body).toEqual({
      data: {
        '@odata.type': 'microsoft.graph.onTokenIssuanceStartResponseData',
        actions: [
          {
            '@odata.type': 'microsoft.graph.tokenIssuanceStart.provideClaimsForToken',
            claims: { face_verified: 'true', face_verified_at: expect.any(String), face_acr: 'urn:facenition:acr:level-4' },
          },
        ],
      },
    });
    expect(Math.abs(Date.parse(r.body.data.actions[0].claims.face_verified_at as string) - t.clock.now().getTime())).toBeLessThan(60_000);
    // a v1 token (sts.windows.net issuer, appid) works too
    expect(
      (await entra(`Bearer ${await entraBearer({}, { v1: true })}`, entraEvent(ENTRA_USER)).expect(200)).body.data.actions[0].claims
        .face_verified,
    ).toBe('true');
    const nobody = await entra(`Bearer ${await entraBearer()}`, entraEvent('0000aaaa-11bb-cccc-dd22-eeeeee333333')).expect(200);
    expect(nobody.body.data.actions[0].claims).toEqual({ face_verified: 'false' });
    // the audit record names the hook's API client and the decision, never the user
    const audit = await request(server())
      .get(`/admin/audit?endpoint=/integrations/entra/token-issuance-start&limit=10`)
      .set('X-Auth-Token', ADMIN)
      .expect(200);
    const decisions = audit.body.records.map((x: { decision: string; client_id: string; status: number }) => [
      x.status,
      x.decision,
      x.client_id,
    ]);
    expect(decisions).toEqual(
      expect.arrayContaining([
        [200, 'face_verified', hookClient.id],
        [200, 'face_not_verified', hookClient.id],
      ]),
    );
    expect(JSON.stringify(audit.body)).not.toContain(ENTRA_USER);
  });

  it.each([
    ['no Authorization header', () => Promise.resolve(undefined)],
    ['a Basic credential', () => Promise.resolve(`Basic ${Buffer.from('a:b').toString('base64')}`)],
    ['a token signed by another key', async () => `Bearer ${await entraBearer({}, { key: strangerKey })}`],
    ['a token with an unknown kid', async () => `Bearer ${await entraBearer({}, { kid: 'other' })}`],
    ['an expired token', async () => `Bearer ${await entraBearer({ exp: Math.floor(t.clock.now().getTime() / 1000) - 120 })}`],
    ['a token not yet valid', async () => `Bearer ${await entraBearer({ nbf: Math.floor(t.clock.now().getTime() / 1000) + 600 })}`],
    ['a token for another audience', async () => `Bearer ${await entraBearer({ aud: 'api://someone-else' })}`],
    [
      'a token of another tenant',
      async () => `Bearer ${await entraBearer({ iss: 'https://login.microsoftonline.com/ffffffff-0000-0000-0000-000000000000/v2.0' })}`,
    ],
    ['a token issued to another application', async () => `Bearer ${await entraBearer({ azp: '11111111-2222-3333-4444-555555555555' })}`],
    ['a token without azp or appid', async () => `Bearer ${await entraBearer({ azp: undefined })}`],
    ['a v1 token issued to another application', async () => `Bearer ${await entraBearer({ appid: 'x' }, { v1: true })}`],
    ['a token without exp', async () => `Bearer ${await entraBearer({ exp: undefined })}`],
    [
      'an HS256 token',
      async () => `Bearer ${await new SignJWT({ aud: EXTENSION_APP_ID }).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.alloc(32, 1))}`,
    ],
    [
      'an unsigned token',
      () => Promise.resolve(`Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`),
    ],
  ])('Entra ID: 401 for %s, whatever the body', async (_name, bearer) => {
    const r = await entra(await bearer(), entraEvent(ENTRA_USER));
    expect([r.status, r.body.code]).toEqual([401, 'unauthenticated']);
    expect(Object.keys(r.body).sort()).toEqual(['code', 'error', 'ok']);
    const junk = await entra(await bearer(), { nonsense: true });
    expect(junk.status).toBe(401);
  });

  it.each([
    ['no data', (e: ReturnType<typeof entraEvent>) => ({ type: e.type }), 'missing_field'],
    [
      'another event type',
      (e: ReturnType<typeof entraEvent>) => ({ ...e, type: 'microsoft.graph.authenticationEvent.attributeCollectionStart' }),
      'invalid_field',
    ],
    ['another @odata.type', (e: ReturnType<typeof entraEvent>) => ({ ...e, data: { ...e.data, '@odata.type': 'x' } }), 'invalid_field'],
    ['no user', (e: ReturnType<typeof entraEvent>) => ({ ...e, data: { ...e.data, authenticationContext: {} } }), 'missing_field'],
    [
      'a user id that is a number',
      (e: ReturnType<typeof entraEvent>) => ({ ...e, data: { ...e.data, authenticationContext: { user: { id: 7 } } } }),
      'invalid_field',
    ],
    [
      'a user id of 201 characters',
      (e: ReturnType<typeof entraEvent>) => ({ ...e, data: { ...e.data, authenticationContext: { user: { id: 'u'.repeat(201) } } } }),
      'invalid_field',
    ],
    ['another tenant in the body', () => entraEvent(ENTRA_USER, 'ffffffff-0000-0000-0000-000000000000'), 'wrong_tenant'],
  ])('Entra ID: an authenticated call with %s gets a clear 400', async (_name, change, code) => {
    const r = await entra(`Bearer ${await entraBearer()}`, change(entraEvent(ENTRA_USER)));
    expect([r.status, r.body.code]).toEqual([400, code]);
  });

  it('Entra ID: unknown members are ignored (Microsoft adds fields), a query string or a form is refused', async () => {
    const e = entraEvent(ENTRA_USER) as Record<string, unknown>;
    const r = await entra(`Bearer ${await entraBearer()}`, { ...e, futureField: { x: 1 } }).expect(200);
    expect(r.body.data.actions[0].claims.face_verified).toBe('true');
    const q = await request(server())
      .post('/integrations/entra/token-issuance-start?debug=1')
      .set('Authorization', `Bearer ${await entraBearer()}`)
      .send(e);
    expect([q.status, q.body.code]).toEqual([400, 'unknown_field']);
    const form = await request(server())
      .post('/integrations/entra/token-issuance-start')
      .set('Authorization', `Bearer ${await entraBearer()}`)
      .type('form')
      .send('type=x');
    expect(form.status).toBeGreaterThanOrEqual(400);
    expect(form.status).toBeLessThan(500);
  });

  it("Okta (the body of Okta's reference): claims for the ID token and the access token Okta is minting, from a recent verification", async () => {
    const r = await okta(OKTA_SECRET, oktaEvent(OKTA_USER)).expect(200);
    const ops = [
      { op: 'add', path: '/claims/face_verified', value: true },
      { op: 'add', path: '/claims/face_verified_at', value: expect.any(Number) },
      { op: 'add', path: '/claims/face_acr', value: 'urn:facenition:acr:level-4' },
    ];
    expect(r.body).toEqual({
      commands: [
        { type: 'com.okta.identity.patch', value: ops },
        { type: 'com.okta.access.patch', value: ops },
      ],
    });
    expect(
      (await okta(OKTA_SECRET, oktaEvent(OKTA_USER, ['access'])).expect(200)).body.commands.map((c: { type: string }) => c.type),
    ).toEqual(['com.okta.access.patch']);
    expect((await okta(OKTA_SECRET, oktaEvent('00uSOMEONEELSE000000')).expect(200)).body).toEqual({
      commands: [
        { type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/face_verified', value: false }] },
        { type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/face_verified', value: false }] },
      ],
    });
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong secret', 'okta-hook-secret-0123456789abcdefghiX'],
    ['the secret as a bearer token', `Bearer ${OKTA_SECRET}`],
    ['a prefix of the secret', OKTA_SECRET.slice(0, -1)],
    ['an Entra bearer token', 'Bearer a.b.c'],
  ])('Okta: 401 for %s', async (_name, auth) => {
    const r = await okta(auth, oktaEvent(OKTA_USER));
    expect([r.status, r.body.code]).toEqual([401, 'unauthenticated']);
  });

  it('Okta: an authenticated call with a broken body gets a clear 400', async () => {
    for (const body of [
      {},
      { ...oktaEvent(OKTA_USER), eventType: 'com.okta.import.transform' },
      { eventType: 'com.okta.oauth2.tokens.transform', data: {} },
    ]) {
      const r = await okta(OKTA_SECRET, body);
      expect(r.status).toBe(400);
      expect(['missing_field', 'invalid_field']).toContain(r.body.code);
    }
  });

  it("verifications count only for the hook client's tenant and environment", async () => {
    const SUBJECT = '77777777-aaaa-4bbb-8ccc-999999999999';
    // another tenant's client verifies its own user with the same subject
    const other = await client({ name: 'other tenant', environment: 'production', plan: 'enterprise' });
    const bush = await enrol(other.token, 'George_W_Bush_0001');
    const o = await authenticate(other.token, bush.token, 'George_W_Bush_0002', { signed_result: 'true', nonce: 'n', subject: SUBJECT });
    expect(o.body.authenticated).toBe(true);
    // a sandbox client of the hook client's own tenant
    const sandbox = await client({ name: 'acme sandbox 2', environment: 'sandbox', plan: 'enterprise', tenant: 'acme' });
    const sandboxToken = await enrol(sandbox.token, 'George_W_Bush_0001');
    const s = await authenticate(sandbox.token, sandboxToken.token, 'George_W_Bush_0002', {
      signed_result: 'true',
      nonce: 'n',
      subject: SUBJECT,
    });
    expect(s.body.authenticated).toBe(true);
    const claims = (await entra(`Bearer ${await entraBearer()}`, entraEvent(SUBJECT)).expect(200)).body.data.actions[0].claims;
    expect(claims).toEqual({ face_verified: 'false' });
    // another production client of the same tenant counts
    const sibling = await client({ name: 'acme web', environment: 'production', plan: 'enterprise', tenant: 'acme' });
    await authenticate(sibling.token, powell.token, 'Colin_Powell_0002', { signed_result: 'true', nonce: 'n', subject: SUBJECT }).expect(
      200,
    );
    expect((await entra(`Bearer ${await entraBearer()}`, entraEvent(SUBJECT)).expect(200)).body.data.actions[0].claims.face_verified).toBe(
      'true',
    );
  });

  it("GET /integrations/enrolment-status for a relying party's client, and the OneLogin Smart Hook that switches the policy by it", async () => {
    const created = await request(server())
      .post('/admin/oidc/clients')
      .set('X-Auth-Token', ADMIN)
      .send({ name: 'onelogin portal', redirect_uris: ['https://portal.example/cb'] })
      .expect(200);
    const rpId = created.body.relying_party.client_id as string;
    const rpClient = await client({ name: 'onelogin hook', environment: 'production', plan: 'enterprise', tenant: `oidc:${rpId}` });
    // the hosted face page's enrolment of OneLogin user 36216766 (the page stores an identity token per relying party and subject)
    const root = await t.app.get(RelyingParties).subjectRoot();
    await db.query(
      `INSERT INTO oidc_enrolments (client_id, subject_hash, identity_token, token_id, created_at) VALUES ($1, $2, $3, $4, now())`,
      [rpId, subjectKey(root, rpId, loginHintSubjectName('36216766')), 'enrolment-placeholder', Buffer.alloc(16, 7)],
    );
    const status = (subject: string, token = rpClient.token) =>
      request(server())
        .get(`/integrations/enrolment-status?subject=${encodeURIComponent(subject)}`)
        .set('X-Auth-Token', token);
    expect((await status('36216766').expect(200)).body).toEqual({ ok: true, enrolled: true });
    expect((await status('36216767').expect(200)).body).toEqual({ ok: true, enrolled: false });
    const foreign = await status('36216766', hookClient.token);
    expect([foreign.status, foreign.body.code]).toEqual([403, 'forbidden']);
    expect([(await status('36216766', ADMIN)).status]).toEqual([401]);
    expect((await request(server()).get('/integrations/enrolment-status?subject=1')).status).toBe(401);
    const missing = await request(server()).get('/integrations/enrolment-status').set('X-Auth-Token', rpClient.token);
    expect([missing.status, missing.body.code]).toEqual([400, 'missing_field']);
    const extra = await request(server()).get('/integrations/enrolment-status?subject=1&x=2').set('X-Auth-Token', rpClient.token);
    expect([extra.status, extra.body.code]).toEqual([400, 'unknown_field']);
    expect((await status('s'.repeat(501))).status).toBe(400);

    // the Smart Hook, with the context of OneLogin's pre-authentication documentation
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const hook = require('../docs/integrations/onelogin/pre-authentication-hook.js') as {
      handler: (c: object) => Promise<{ success: boolean; user: { policy_id: number } }>;
    };
    const context = (id: number) => ({
      user: { user_identifier: 'jim-hendrix', policy_id: 187345, id, last_login_success: '2020-10-21T17:04:22.852Z' },
      device: { user_agent: 'Mozilla/5.0', is_mobile: false },
      location: { ip: '120.118.218.225', country_code: 'TW' },
      risk: { score: 30, reasons: [] },
    });
    const env = {
      FACENITION_URL: `http://127.0.0.1:${port}`,
      FACENITION_CLIENT_TOKEN: rpClient.token,
      FACE_POLICY_ID: '900001',
      ENROL_POLICY_ID: '900002',
    };
    Object.assign(process.env, env);
    try {
      expect(await hook.handler(context(36216766))).toEqual({ success: true, user: { policy_id: 900001 } });
      expect(await hook.handler(context(36216767))).toEqual({ success: true, user: { policy_id: 900002 } });
      process.env.FACENITION_CLIENT_TOKEN = hookClient.token; // refused (403): the user keeps their own policy
      expect(await hook.handler(context(36216766))).toEqual({ success: true, user: { policy_id: 187345 } });
      process.env.FACENITION_URL = `http://127.0.0.1:${await freePort()}`; // nobody listening
      expect(await hook.handler(context(36216766))).toEqual({ success: true, user: { policy_id: 187345 } });
    } finally {
      for (const k of [...Object.keys(env), 'FACENITION_URL']) delete process.env[k];
    }
  });

  it('a revoked hook client counts no verification', async () => {
    const spare = await client({ name: 'acme spare', environment: 'production', plan: 'enterprise', tenant: 'acme' });
    t.config.entraExtension!.apiClientId = spare.id;
    try {
      expect(
        (await entra(`Bearer ${await entraBearer()}`, entraEvent(ENTRA_USER)).expect(200)).body.data.actions[0].claims.face_verified,
      ).toBe('true');
      await request(server()).post(`/admin/clients/${spare.id}/revoke`).set('X-Auth-Token', ADMIN).send({}).expect(200);
      expect(
        (await entra(`Bearer ${await entraBearer()}`, entraEvent(ENTRA_USER)).expect(200)).body.data.actions[0].claims.face_verified,
      ).toBe('false');
    } finally {
      t.config.entraExtension!.apiClientId = hookClient.id;
    }
  });

  it('404 integration_disabled when a hook is not configured', async () => {
    const saved = { entra: t.config.entraExtension, okta: t.config.oktaHook };
    t.config.oktaHook = undefined;
    try {
      const r = await okta(OKTA_SECRET, oktaEvent(OKTA_USER));
      expect([r.status, r.body.code]).toEqual([404, 'integration_disabled']);
    } finally {
      t.config.oktaHook = saved.okta;
    }
  });

  it('nothing biometric, no subject, nonce, secret or signed result is stored or logged', async () => {
    const needles = [
      ENTRA_USER,
      ENTRA_USER.toUpperCase(),
      OKTA_USER,
      '36216766',
      '77777777-aaaa-4bbb-8ccc-999999999999',
      'n-0123456789',
      secrets.password,
      OKTA_SECRET,
    ];
    const tables = await db.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((x) => x.table_name)).toEqual(expect.arrayContaining(['face_verifications', 'audit_log', 'oidc_enrolments']));
    const photo = fixture('Colin_Powell_0002').toString('base64').slice(3000, 3064);
    for (const { table_name } of tables) {
      const rows = await db.query<{ row: string }[]>(`SELECT t::text AS row FROM "${table_name}" t`);
      const text = rows.map((r) => r.row).join('\n');
      for (const n of [...needles, photo]) expect([table_name, n, text.includes(n)]).toEqual([table_name, n, false]);
      // no vector of floats (an embedding) anywhere
      expect([table_name, /(-?\d\.\d{3,}[,\s]+){16,}/.test(text)]).toEqual([table_name, false]);
    }
    const verifications = JSON.stringify(await db.query(`SELECT * FROM face_verifications`));
    expect(verifications).not.toMatch(/[A-Za-z0-9+/]{120,}/);
    const logs = t.logger.lines.join('\n');
    for (const n of needles) expect([n, logs.includes(n)]).toEqual([n, false]);
    // no signed result in the logs either
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  });

  it('a verification counts for 300 s, then no longer; expired rows are swept when the next one is written', async () => {
    t.clock.advance((VERIFICATION_TTL_SECONDS + 1) * 1000);
    expect((await entra(`Bearer ${await entraBearer()}`, entraEvent(ENTRA_USER)).expect(200)).body.data.actions[0].claims).toEqual({
      face_verified: 'false',
    });
    expect((await okta(OKTA_SECRET, oktaEvent(OKTA_USER, ['identity'])).expect(200)).body.commands[0].value).toEqual([
      { op: 'add', path: '/claims/face_verified', value: false },
    ]);
    const expired = Number((await db.query(`SELECT count(*) AS n FROM face_verifications`))[0].n);
    expect(expired).toBeGreaterThan(0);
    await authenticate(hookClient.token, powell.token, 'Colin_Powell_0002', {
      signed_result: 'true',
      nonce: 'n',
      subject: 'fresh-user',
    }).expect(200);
    expect(Number((await db.query(`SELECT count(*) AS n FROM face_verifications`))[0].n)).toBe(1);
  });
});
