import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import ts from 'typescript';
import type * as Sdk from '@facenition/client';
import { FIXTURES, fixture, noFace } from './support/images';
import { ADMIN, startTestApp, type TestApp } from './support/app';

jest.setTimeout(180_000);

/*
 * The acceptance suite of @facenition/client: the real server (real models, real PostgreSQL: embedded
 * PGlite, or the DATABASE_URL server) driven through the SDK only — the package as built into
 * libs/client/dist (`npm run sdk:build`, which `npm run test:integration` runs first).
 */
const SDK_DIR = join(__dirname, '../libs/client');

function builtSdk(): typeof Sdk {
  const main = join(SDK_DIR, 'dist/index.js');
  if (!existsSync(main)) throw new Error('libs/client/dist is missing: run `npm run sdk:build` (npm run test:integration does)');
  const built = statSync(main).mtimeMs;
  const newer = readdirSync(join(SDK_DIR, 'src')).filter(
    (f) => !f.endsWith('.spec.ts') && statSync(join(SDK_DIR, 'src', f)).mtimeMs > built,
  );
  if (newer.length > 0) throw new Error(`libs/client/dist is older than src/${newer.join(', src/')}: run \`npm run sdk:build\``);
  return jest.requireActual<typeof Sdk>(main);
}

const { FacenitionClient, FacenitionError } = builtSdk();
type Client = Sdk.FacenitionClient;

const path = (name: string) => join(FIXTURES, `${name}.jpg`);
const A = path('Colin_Powell_0001');
const B = path('Colin_Powell_0002');
const C = path('Tony_Blair_0001');
const baseUrlOf = (t: TestApp) => `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;

/** The FacenitionError a call is refused with (fails the test if the call succeeds or throws anything else). */
async function refusal(call: Promise<unknown>): Promise<Sdk.FacenitionError> {
  const outcome = await call.then(
    (answer) => ({ answer }),
    (err: unknown) => ({ err }),
  );
  if (!('err' in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.answer)}`);
  expect(outcome.err).toBeInstanceOf(FacenitionError);
  return outcome.err as Sdk.FacenitionError;
}

describe('@facenition/client against the real server', () => {
  let t: TestApp;
  let baseUrl: string;
  let admin: Client;
  let client: Client;
  let clientId: string;
  let clientToken: string;
  const secret = { password: 'correct horse battery staple', scope: 'app:login' };

  beforeAll(async () => {
    t = await startTestApp({ FACENITION_ACCESS_TOKEN_TTL_SECONDS: '120' });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = baseUrlOf(t);
    admin = new FacenitionClient({ baseUrl, adminToken: ADMIN });
    const created = await admin.createClient({ name: 'sdk acceptance', environment: 'production', plan: 'enterprise' });
    clientId = created.client.client_id;
    clientToken = created.client_token;
    client = new FacenitionClient({ baseUrl, token: clientToken });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the two documented calls: enrol, then verify a fresh photo (same person: true; another person: false)', async () => {
    const enrolment = await client.generate({ photo: A, ...secret, accuracy: 4 });
    expect(enrolment).toMatchObject({ ok: true, accuracy: 4, environment: 'production', expires_at: null });
    expect(enrolment.token).toHaveLength(800);
    expect(enrolment.token_id).toMatch(/^[0-9a-f]{32}$/);
    expect(await client.authenticate({ token: enrolment.token, photo: B, ...secret, accuracy: 4 })).toEqual({
      ok: true,
      authenticated: true,
    });
    expect(await client.authenticate({ token: enrolment.token, photo: C, ...secret, accuracy: 4 })).toEqual({
      ok: true,
      authenticated: false,
      reason: 'no_match',
    });
    expect((await client.authenticate({ token: enrolment.token, photo: B, ...secret, password: 'wrong' })).authenticated).toBe(false);
  });

  it("the README's TypeScript SDK example runs as written (its photos: two of one person)", async () => {
    const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## TypeScript SDK'));
    const example = /```ts\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(example).toContain("from '@facenition/client'");
    // it type-checks (strict) against the SDK's declarations, as an ES module of a consumer
    const dir = mkdtempSync(join(tmpdir(), 'facenition-readme-'));
    const file = join(dir, 'example.mts');
    writeFileSync(file, example!);
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: ['node'],
      typeRoots: [join(__dirname, '../node_modules/@types')],
      paths: { '@facenition/client': [join(SDK_DIR, 'dist/index.d.ts')] },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    rmSync(dir, { recursive: true, force: true });
    expect(diagnostics).toEqual([]);
    const js = ts.transpileModule(example!.replaceAll("'enroll.jpg'", JSON.stringify(A)).replaceAll("'probe.jpg'", JSON.stringify(B)), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const logged: unknown[][] = [];
    const run = runInThisContext(`(async (require, exports, process, console) => {\n${js}\n})`) as (...args: unknown[]) => Promise<void>;
    const sdk = builtSdk();
    await run(
      (id: string) => (id === '@facenition/client' ? sdk : undefined),
      {},
      { env: { FACENITION_URL: baseUrl, FACENITION_TOKEN: clientToken } },
      { log: (...args: unknown[]) => logged.push(args) },
    );
    expect(logged).toEqual([[true], [400, 'invalid_token', expect.stringMatching(/.+/)]]);
  });

  it('authenticateScore, rotate and revoke', async () => {
    const { token } = await client.generate({ photo: [A, B], ...secret });
    const scored = await client.authenticateScore({ token, photo: B, ...secret });
    expect(scored).toMatchObject({ ok: true, authenticated: true, accuracy: 4 });
    expect(scored.score).toBeGreaterThanOrEqual(scored.threshold);
    expect(await client.authenticateScore({ token, photo: C, ...secret })).toEqual({
      ok: true,
      authenticated: false,
      score: null,
      threshold: scored.threshold,
      calibration: 'builtin',
      accuracy: 4,
      reason: 'no_match',
    });

    const rotated = await client.rotate({ token, photo: B, ...secret, new_password: 'a new secret' });
    expect(rotated).toMatchObject({ ok: true, rotated: true, expires_at: null });
    expect(rotated.token).not.toBe(token);
    expect((await client.authenticate({ token, photo: B, ...secret })).reason).toBe('revoked');
    const fresh = { token: rotated.token!, photo: B, ...secret, password: 'a new secret' };
    expect((await client.authenticate(fresh)).authenticated).toBe(true);

    const revoked = await client.revoke({ token_id: rotated.token_id! });
    expect(revoked).toMatchObject({ ok: true, token_id: rotated.token_id });
    expect(Date.parse(revoked.revoked_at)).not.toBeNaN();
    expect(await client.authenticate(fresh)).toEqual({ ok: true, authenticated: false, reason: 'revoked' });
  });

  it('takes photos as a Buffer, a Uint8Array, an ArrayBuffer, a Blob or a file path: the same bytes reach the server', async () => {
    const bytes = fixture('Colin_Powell_0001');
    const copy = new Uint8Array(bytes); // a plain Uint8Array, not a Buffer
    const forms = [bytes, copy, copy.buffer, new Blob([copy], { type: 'image/jpeg' }), A];
    const answers = [];
    for (const image of forms) answers.push(await client.detect({ image }));
    expect(answers[0]).toMatchObject({ ok: true, image: { width: 250, height: 250 }, face_count: 1 });
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);

    const quality = await client.quality({ image: copy });
    expect(quality.quality.score).toBeGreaterThanOrEqual(0);
    expect(Object.keys(quality.quality.components).sort()).toEqual(['exposure', 'eyes_open', 'face_size', 'head_pose', 'sharpness']);
    const live = await client.liveness({ image: new Blob([copy]) });
    expect(live.live).toBe(live.score >= live.threshold);

    expect(await client.match({ image1: bytes, image2: B, accuracy: 4 })).toMatchObject({ ok: true, match: true, accuracy: 4 });
    expect((await client.match({ image1: A, image2: fixture('Tony_Blair_0001') })).match).toBe(false);
    const bulk = await client.matchBulk({ probe: new Blob([copy]), references: [B, fixture('Tony_Blair_0001')] });
    expect(bulk.results.map((r) => r.match)).toEqual([true, false]);
    expect(bulk.best_match?.index).toBe(0);
    const consistency = await client.consistencyCheck({ images: [A, readFileSync(B), new Uint8Array(fixture('Tony_Blair_0001'))] });
    expect(consistency).toMatchObject({ ok: true, consistent: false, outliers: [2] });
  });

  it('error answers are FacenitionErrors with status, code and request id (the audit log finds the request by it)', async () => {
    const noFaceErr = await refusal(client.match({ image1: await noFace(), image2: A }));
    expect(noFaceErr).toMatchObject({ name: 'FacenitionError', status: 400, code: 'no_face', retryAfter: undefined });
    expect(noFaceErr.message).toMatch(/image1/);
    expect(noFaceErr.requestId).toMatch(/^[A-Za-z0-9._-]{8,}$/);
    const records = await admin.queryAudit({ request_id: noFaceErr.requestId });
    expect(records.records).toEqual([
      expect.objectContaining({ status: 400, error_code: 'no_face', client_id: clientId, endpoint: '/match' }),
    ]);

    const { token } = await client.generate({ photo: A, ...secret, accuracy: 5 });
    const looser = await refusal(client.authenticate({ token, photo: B, ...secret, accuracy: 4 }));
    expect(looser).toMatchObject({ status: 400, code: 'accuracy_below_token_level' });
    expect(await refusal(client.authenticate({ token: `${token.slice(0, -4)}AAAA`, photo: B, ...secret }))).toMatchObject({
      status: 400,
      code: 'invalid_token',
    });

    const stranger = new FacenitionClient({ baseUrl, token: 'fnc_not-a-token' });
    expect(await refusal(stranger.detect({ image: A }))).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(await refusal(new FacenitionClient({ baseUrl, adminToken: 'not the admin credential 0123' }).listClients())).toMatchObject({
      status: 401,
      code: 'unauthenticated',
    });
    // the caller's own request id travels as X-Request-Id and is kept as client_request_id
    await client.detect({ image: A }, { requestId: 'sdk-own-id-1' });
    const own = await client.ownAudit({ client_request_id: 'sdk-own-id-1' });
    expect(own.records).toEqual([expect.objectContaining({ endpoint: '/detect', status: 200, client_id: clientId })]);
  });

  it('admin calls: clients, audit, status list, licence; a client rotates its own token', async () => {
    const created = await admin.createClient({ name: 'sdk admin calls', plan: 'developer', tenant: 'sdk-tenant' });
    expect(created.client).toMatchObject({ name: 'sdk admin calls', environment: 'sandbox', plan: 'developer', tenant: 'sdk-tenant' });
    expect(created.client_token).toMatch(/^fnc_/);
    expect(created.client_secret).toMatch(/^fns_/);
    const id = created.client.client_id;
    expect((await admin.listClients()).clients.map((c) => c.client_id)).toEqual(expect.arrayContaining([clientId, id]));

    const other = new FacenitionClient({ baseUrl, token: created.client_token });
    expect((await other.me()).client.client_id).toBe(id);
    const rotatedByAdmin = await admin.rotateClient(id, { grace_seconds: 0 });
    expect(rotatedByAdmin.client_token).not.toBe(created.client_token);
    expect(await refusal(other.me())).toMatchObject({ status: 401, code: 'token_rotated' });

    // self-service rotation: the client switches to its new token
    const self = new FacenitionClient({ baseUrl, token: rotatedByAdmin.client_token });
    const rotatedBySelf = await self.rotateOwnToken({ grace_seconds: 0 });
    expect(rotatedBySelf.client_token).not.toBe(rotatedByAdmin.client_token);
    expect(await self.me()).toMatchObject({ ok: true, authenticated_with: 'client_token', client: { client_id: id } });
    expect(await refusal(new FacenitionClient({ baseUrl, token: rotatedByAdmin.client_token }).me())).toMatchObject({ status: 401 });

    expect((await admin.revokeClient(id)).client.status).toBe('revoked');
    expect(await refusal(self.me())).toMatchObject({ status: 401, code: 'client_revoked' });

    const page = await admin.queryAudit({ client_id: id, limit: 1000 });
    expect(page.records.map((r) => r.endpoint)).toEqual(expect.arrayContaining(['/me', '/me/rotate']));
    const jsonl = await admin.exportAudit({ client_id: id });
    const exported = jsonl
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: string });
    expect(exported.map((r) => r.seq).sort()).toEqual(page.records.map((r) => r.seq).sort());
    expect((await admin.exportAudit({ client_id: id, format: 'csv' })).split('\n')[0]).toMatch(/^seq,/);
    const verified = await admin.verifyAudit();
    expect(verified.verification).toMatchObject({ ok: true });
    expect(verified.verification.checked).toBeGreaterThan(10);
    expect(await admin.purgeAudit({ before: '2001-01-01T00:00:00Z' })).toMatchObject({ ok: true, deleted: 0 });

    const licence = await admin.license();
    expect(licence.usage.calls).toBeGreaterThan(0);
    expect(licence.replicas).toBeGreaterThanOrEqual(1);
    expect(await admin.live()).toEqual({ ok: true, status: 'live' });
    expect(await admin.ready()).toMatchObject({ ok: true, status: 'ready' });

    // an admin call without the admin credential is refused by the SDK before anything is sent
    await expect(client.listClients()).rejects.toThrow(/adminToken/);
  });

  it('client credentials: exchanged for a short-lived token, refreshed before it expires, and again when refused as expired', async () => {
    const created = await admin.createClient({ name: 'sdk client credentials', environment: 'production', plan: 'enterprise' });
    const id = created.client.client_id;
    const exchanges = async () => (await admin.queryAudit({ client_id: id, endpoint: '/token' })).records.length;
    // the SDK reads the same clock as the server, which the test moves forward
    const now = () => t.clock.now().getTime();
    const c = new FacenitionClient({ baseUrl, clientId: id, clientSecret: created.client_secret, now });

    expect(await c.me()).toMatchObject({ ok: true, authenticated_with: 'access_token', client: { client_id: id } });
    expect(await exchanges()).toBe(1);
    await c.detect({ image: A });
    t.clock.advance(50_000); // 50 s of the token's 120: no refresh yet (due 60 s before expiry)
    await c.me();
    expect(await exchanges()).toBe(1);
    t.clock.advance(15_000); // 65 s: due, though the token is still valid for 55 s
    await c.me();
    expect(await exchanges()).toBe(2);
    // concurrent calls after the refresh point share one exchange
    t.clock.advance(65_000);
    await Promise.all([c.me(), c.me(), c.detect({ image: A })]);
    expect(await exchanges()).toBe(3);

    // a client whose clock lags (it believes its token fresh): the server refuses it as expired, the SDK exchanges once more
    const lagging = new FacenitionClient({ baseUrl, clientId: id, clientSecret: created.client_secret });
    await lagging.me();
    expect(await exchanges()).toBe(4);
    t.clock.advance(121_000);
    expect((await lagging.me({ requestId: 'sdk-lagging-clock' })).client.client_id).toBe(id);
    expect(await exchanges()).toBe(5);
    const tries = await admin.queryAudit({ client_request_id: 'sdk-lagging-clock' });
    expect(tries.records.map((r) => [r.status, r.error_code])).toEqual([
      [401, 'token_expired'],
      [200, null],
    ]);

    const wrong = new FacenitionClient({ baseUrl, clientId: id, clientSecret: 'fns_wrong' });
    expect(await refusal(wrong.me())).toMatchObject({ status: 401, code: 'invalid_client' });
  });

  describe('retries on 503 and 429, after the Retry-After the server sends', () => {
    // a second deployment with the same deployment key, one in-flight body at a time and a tight failed-authentication limit
    let t2: TestApp;
    let base2: string;
    let port2: number;
    let c2: Client;
    let admin2: Client;
    beforeAll(async () => {
      t2 = await startTestApp({
        FACENITION_MAX_INFLIGHT_BODIES: '1',
        FACENITION_AUTH_MAX_FAILURES: '3',
        FACENITION_AUTH_WINDOW_SECONDS: '2',
      });
      await t2.app.listen(0, '127.0.0.1');
      base2 = baseUrlOf(t2);
      port2 = (t2.app.getHttpServer().address() as AddressInfo).port;
      admin2 = new FacenitionClient({ baseUrl: base2, adminToken: ADMIN });
      c2 = new FacenitionClient({
        baseUrl: base2,
        token: (await admin2.createClient({ name: 'sdk retries', environment: 'production', plan: 'enterprise' })).client_token,
      });
    });
    afterAll(async () => {
      await t2?.close();
    });

    /** An upload that announces a body and never finishes it: it holds the one in-flight body slot until released. */
    async function holdSlot(): Promise<{ release(): void }> {
      const req: ClientRequest = httpRequest({
        host: '127.0.0.1',
        port: port2,
        path: '/detect',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '1000000', 'x-auth-token': t2.token },
      });
      req.on('error', () => undefined);
      req.write('{"image":"');
      await new Promise((r) => setTimeout(r, 200));
      return { release: () => req.destroy() };
    }
    const attempts = async (requestId: string) =>
      (await admin2.queryAudit({ client_request_id: requestId })).records.map((r) => [r.status, r.error_code]);

    it('503 busy: retried after Retry-After (1 s) once the slot is free; at most `retries` times', async () => {
      const slot = await holdSlot();
      const noRetry = await refusal(c2.detect({ image: A }, { retries: 0, requestId: 'sdk-503-none' }));
      expect(noRetry).toMatchObject({ status: 503, code: 'busy', retryAfter: 1 });
      expect(await attempts('sdk-503-none')).toEqual([[503, 'busy']]);

      const started = Date.now();
      const answer = c2.detect({ image: A }, { requestId: 'sdk-503-retried' });
      setTimeout(() => slot.release(), 300);
      expect(await answer).toMatchObject({ ok: true, face_count: 1 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(await attempts('sdk-503-retried')).toEqual([
        [503, 'busy'],
        [200, null],
      ]);

      const held = await holdSlot();
      const bounded = Date.now();
      expect(await refusal(c2.detect({ image: A }, { retries: 2, requestId: 'sdk-503-bounded' }))).toMatchObject({
        status: 503,
        code: 'busy',
      });
      expect(Date.now() - bounded).toBeGreaterThanOrEqual(2000);
      held.release();
      expect(await attempts('sdk-503-bounded')).toEqual([
        [503, 'busy'],
        [503, 'busy'],
        [503, 'busy'],
      ]);
    });

    it('429 rate_limited after failed authentications from this address: retried after Retry-After (an import of a revocation list)', async () => {
      // the first deployment's signed list (same deployment key): its revocations hold here once imported
      const enrolled = await client.generate({ photo: A, ...secret });
      await client.revoke({ token: enrolled.token });
      const list = (await admin.exportStatusList()).status_list as unknown as Sdk.StatusListDocument;

      const wrong = new FacenitionClient({ baseUrl: base2, token: 'fnc_wrong-token' });
      for (let i = 0; i < 3; i++) expect(await refusal(wrong.me())).toMatchObject({ status: 401, code: 'unauthenticated' });
      const limited = await refusal(c2.me({ retries: 0 }));
      expect(limited).toMatchObject({ status: 429, code: 'rate_limited' });
      expect(limited.retryAfter).toBeGreaterThanOrEqual(1);
      expect(limited.retryAfter).toBeLessThanOrEqual(2);

      const started = Date.now();
      const imported = await admin2.importStatusList(list, { requestId: 'sdk-429-retried' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(imported).toMatchObject({ ok: true, replaced_entries: 0 });
      expect(imported.entries).toBeGreaterThanOrEqual(1);
      expect(await attempts('sdk-429-retried')).toEqual([
        [429, 'rate_limited'],
        [200, null],
      ]);
      expect(await c2.authenticate({ token: enrolled.token, photo: B, ...secret })).toEqual({
        ok: true,
        authenticated: false,
        reason: 'revoked',
      });
      expect(await refusal(admin2.importStatusList({ status_list: list }))).toMatchObject({ status: 409, code: 'stale_status_list' });
      const sources = await admin2.listStatusListSources();
      expect(sources.sources).toEqual([expect.objectContaining({ issuer: imported.issuer, entries: imported.entries })]);
      expect((await admin2.resetStatusListSource(imported.issuer)).source).toMatchObject({ issuer: imported.issuer, reset_pending: true });
    });
  });
});
