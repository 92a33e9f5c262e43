import { DATA_SOURCE } from '@facenition/database';
import { generateVendorKeyPair, issueLicense, type LicensePayload } from '@facenition/license';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { LicenseService } from '../apps/gateway/src/license/license.service';
import { MetricsService, startMetricsServer } from '../apps/gateway/src/metrics/metrics.service';
import { fixture } from './support/images';
import { ADMIN, startTestApp, type TestApp } from './support/app';

jest.setTimeout(240_000);

const DAY = 86_400_000;
const vendor = generateVendorKeyPair();
const stranger = generateVendorKeyPair();
const iso = (ms: number) => new Date(ms).toISOString();

function licenseFile(over: Partial<LicensePayload> = {}, key = vendor.privateKey): string {
  const now = Date.now();
  const text = issueLicense(
    {
      license_id: `lic-${Math.random().toString(36).slice(2)}`,
      customer: 'St. Example Hospital',
      edition: 'enterprise',
      limits: {},
      features: [],
      not_before: iso(now - 10 * DAY),
      not_after: iso(now + 365 * DAY),
      issued_at: iso(now - 10 * DAY),
      ...over,
    },
    key,
  );
  const file = join(tmpdir(), `facenition-license-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  return file;
}

const start = (file?: string) =>
  startTestApp(
    { FACENITION_WORKERS: '1', FACENITION_LIVENESS_GATE: 'off', ...(file ? { FACENITION_LICENSE_FILE: file } : {}) },
    { licenseKeys: [vendor.publicKey] },
  );
const licenseOf = async (t: TestApp) =>
  (await request(t.app.getHttpServer()).get('/license').set('X-Auth-Token', ADMIN).expect(200)).body as {
    license: Record<string, unknown> & { warnings: string[] };
    usage: { limit: number | null };
    replicas: number;
  };
const enrol = (t: TestApp) =>
  request(t.app.getHttpServer())
    .post('/generate')
    .set('X-Auth-Token', t.token)
    .field('password', 'a long enough password')
    .field('scope', 'ward/login')
    .attach('image', fixture('Colin_Powell_0001'), 'a.jpg');

describe('offline licence: documented behaviour per state (real app, real Postgres)', () => {
  it('no licence: developer edition, 1,000 metered calls a month for the whole deployment, then 429', async () => {
    const t = await start();
    try {
      const l = await licenseOf(t);
      expect(l.license).toMatchObject({
        status: 'none',
        edition: 'developer',
        limits: { calls_per_month: 1000 },
        enrolment: true,
        verification: true,
      });
      await request(t.app.getHttpServer()).get('/license').set('X-Auth-Token', t.token).expect(401); // operators only
      const ds = t.app.get<DataSource>(DATA_SOURCE);
      await ds.query(`UPDATE license_usage SET calls = 999`);
      const month = new Date().toISOString().slice(0, 7);
      await ds.query(`INSERT INTO license_usage (month, calls) VALUES ($1, 999) ON CONFLICT (month) DO UPDATE SET calls = 999`, [month]);
      const detect = () =>
        request(t.app.getHttpServer()).post('/detect').set('X-Auth-Token', t.token).attach('image', fixture('Tony_Blair_0002'), 'a.jpg');
      await detect().expect(200);
      const over = await detect().expect(429);
      expect(over.body).toMatchObject({ ok: false, code: 'license_limit' });
      expect(over.body.error).toMatch(/1000 calls per month/);
      expect((await licenseOf(t)).usage).toEqual({ month, calls: 1000, limit: 1000 });
    } finally {
      await t.close();
    }
  });

  it('valid enterprise licence: no per-call limit; state at GET /license without secrets', async () => {
    const file = licenseFile();
    const t = await start(file);
    try {
      const ds = t.app.get<DataSource>(DATA_SOURCE);
      await ds.query(`INSERT INTO license_usage (month, calls) VALUES ($1, 5000)`, [new Date().toISOString().slice(0, 7)]);
      await request(t.app.getHttpServer())
        .post('/detect')
        .set('X-Auth-Token', t.token)
        .attach('image', fixture('Tony_Blair_0002'), 'a.jpg')
        .expect(200);
      const l = await licenseOf(t);
      expect(l.license).toMatchObject({
        status: 'valid',
        edition: 'enterprise',
        limits: {},
        customer: 'St. Example Hospital',
        enrolment: true,
      });
      expect(l.usage.limit).toBeNull();
      expect(JSON.stringify(l)).not.toContain('signature');
      expect(JSON.stringify(l)).not.toContain(vendor.publicKey);
    } finally {
      await t.close();
    }
  });

  it('expired within grace: keeps working with loud warnings; past grace: refuses new enrolments but keeps verifying', async () => {
    const now = Date.now();
    const grace = await start(licenseFile({ not_before: iso(now - 400 * DAY), not_after: iso(now - 5 * DAY) }));
    let token: string;
    try {
      const l = await licenseOf(grace);
      expect(l.license).toMatchObject({ status: 'grace', enrolment: true, verification: true, days_remaining: 25 });
      expect(grace.logger.lines.some((x) => x.startsWith('error') && /expired/i.test(x))).toBe(true);
      token = (await enrol(grace).expect(200)).body.token as string;
    } finally {
      await grace.close();
    }
    const expired = await start(licenseFile({ not_before: iso(now - 400 * DAY), not_after: iso(now - 31 * DAY) }));
    try {
      expect((await licenseOf(expired)).license).toMatchObject({ status: 'expired', enrolment: false, verification: true });
      const refused = await enrol(expired).expect(403);
      expect(refused.body).toMatchObject({ ok: false, code: 'license_expired' });
      expect(refused.body.error).toMatch(/verification continues/);
      // the same deployment key (test default): a token enrolled earlier still verifies
      const v = await request(expired.app.getHttpServer())
        .post('/authenticate')
        .set('X-Auth-Token', expired.token)
        .field('token', token)
        .field('password', 'a long enough password')
        .field('scope', 'ward/login')
        .attach('image', fixture('Colin_Powell_0002'), 'p.jpg')
        .expect(200);
      expect(v.body).toEqual({ ok: true, authenticated: true });
    } finally {
      await expired.close();
    }
  });

  it('max_replicas: replicas seen by the heartbeat are reported and an excess is logged, never enforced', async () => {
    const t = await start(licenseFile({ limits: { max_replicas: 1 } }));
    try {
      expect((await licenseOf(t)).replicas).toBe(1);
      const ds = t.app.get<DataSource>(DATA_SOURCE);
      await ds.query(`INSERT INTO instances (instance_id, started_at, last_seen) VALUES (gen_random_uuid(), now(), now())`);
      await ds.query(
        `INSERT INTO instances (instance_id, started_at, last_seen) VALUES (gen_random_uuid(), now(), now() - interval '5 minutes')`,
      );
      await t.app.get(LicenseService).beat();
      expect((await licenseOf(t)).replicas).toBe(2); // the stale one is not counted
      expect(t.logger.lines.some((l) => l.startsWith('error') && l.includes('2 replicas are running; the licence allows 1'))).toBe(true);
      await request(t.app.getHttpServer())
        .post('/detect')
        .set('X-Auth-Token', t.token)
        .attach('image', fixture('Tony_Blair_0002'), 'a.jpg')
        .expect(200);
    } finally {
      await t.close();
    }
  });

  it('not yet valid: developer edition limits until not_before, with a warning', async () => {
    const now = Date.now();
    const t = await start(licenseFile({ not_before: iso(now + 3 * DAY), not_after: iso(now + 400 * DAY) }));
    try {
      const l = await licenseOf(t);
      expect(l.license).toMatchObject({
        status: 'not_yet_valid',
        edition: 'developer',
        limits: { calls_per_month: 1000 },
        enrolment: true,
      });
      expect(l.license.warnings.length).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });

  it('tampered, wrongly signed, malformed or missing licence files stop the server with a clear message', async () => {
    const good = licenseFile();
    const doc = JSON.parse(readFileSync(good, 'utf8'));
    const payload = JSON.parse(Buffer.from(doc.payload, 'base64url').toString());
    const tampered = join(tmpdir(), `facenition-tampered-${process.pid}.json`);
    writeFileSync(
      tampered,
      JSON.stringify({
        ...doc,
        payload: Buffer.from(JSON.stringify({ ...payload, edition: 'enterprise', customer: 'Someone Else' })).toString('base64url'),
      }),
    );
    await expect(start(tampered)).rejects.toThrow(/signature does not verify/);
    await expect(start(licenseFile({}, stranger.privateKey))).rejects.toThrow(/key/i);
    const malformed = join(tmpdir(), `facenition-malformed-${process.pid}.json`);
    writeFileSync(malformed, '{"format": "facenition-license/1", "alg": ');
    await expect(start(malformed)).rejects.toThrow(new RegExp(`licence file ${malformed}`));
    await expect(start('/nonexistent/licence.json')).rejects.toThrow(/licence file \/nonexistent\/licence.json/);
  });
});

describe('Prometheus metrics on their own port', () => {
  let t: TestApp;
  let metricsUrl: string;
  let close: () => void;
  const notAfter = iso(Date.now() + 200 * DAY);
  beforeAll(async () => {
    t = await start(licenseFile({ not_after: notAfter }));
    const m = await startMetricsServer(t.app.get(MetricsService), { metricsPort: 0, metricsHost: '127.0.0.1' });
    metricsUrl = `http://127.0.0.1:${m.port}/metrics`;
    close = () => m.server.close();
  });
  afterAll(async () => {
    close?.();
    await t?.close();
  });

  const value = (text: string, series: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(series + ' '));
    if (!line) throw new Error(`no series ${series} in the scrape`);
    return Number(line.slice(series.length + 1));
  };

  it('a scrape after real traffic shows requests, durations, inference per model, decisions, queue, licence, quota by plan and build info', async () => {
    const http = t.app.getHttpServer();
    for (const [a, b] of [
      ['Colin_Powell_0001', 'Colin_Powell_0002'],
      ['Colin_Powell_0001', 'Jennifer_Aniston_0001'],
    ]) {
      await request(http)
        .post('/match')
        .set('X-Auth-Token', t.token)
        .attach('image1', fixture(a), 'a.jpg')
        .attach('image2', fixture(b), 'b.jpg')
        .expect(200);
    }
    await request(http).post('/detect').set('X-Auth-Token', t.token).expect(400);
    await request(http).post('/nowhere/abc123').set('X-Auth-Token', t.token).expect(404);
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(value(text, 'facenition_http_requests_total{endpoint="/match",status="200"}')).toBe(2);
    expect(value(text, 'facenition_http_requests_total{endpoint="/detect",status="400"}')).toBe(1);
    expect(value(text, 'facenition_http_requests_total{endpoint="unmatched",status="404"}')).toBe(1);
    expect(value(text, 'facenition_http_request_duration_seconds_count{endpoint="/match"}')).toBe(2);
    const sum = value(text, 'facenition_http_request_duration_seconds_sum{endpoint="/match"}');
    expect(sum).toBeGreaterThan(0.005);
    expect(sum).toBeLessThan(30);
    for (const model of ['detect', 'embed']) {
      expect(value(text, `facenition_model_inference_duration_seconds_count{model="${model}"}`)).toBe(4);
      const s = value(text, `facenition_model_inference_duration_seconds_sum{model="${model}"}`);
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThan(sum);
    }
    expect(value(text, 'facenition_decisions_total{endpoint="/match",result="matched"}')).toBe(1);
    expect(value(text, 'facenition_decisions_total{endpoint="/match",result="not_matched"}')).toBe(1);
    expect(value(text, 'facenition_queue_depth{state="queued"}')).toBe(0);
    expect(value(text, 'facenition_face_workers_ready')).toBe(1);
    expect(value(text, 'facenition_license_info{edition="enterprise",status="valid"}')).toBe(1);
    expect(value(text, 'facenition_license_expiry_timestamp_seconds')).toBe(Date.parse(notAfter) / 1000);
    // the /detect without an image was refused by validation, before metering: only the two /match calls count
    expect(value(text, 'facenition_quota_calls_total{plan="enterprise"}')).toBe(2);
    expect(value(text, 'facenition_replicas_active')).toBe(1);
    expect(value(text, `facenition_build_info{version="0.1.0",node_version="${process.version}"}`)).toBe(1);
    expect(value(text, 'facenition_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // bounded labels only: no client id, token or address appears
    expect(text).not.toContain(t.clientId);
    expect(text).not.toContain(t.token);
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('abc123');
    expect((await fetch(metricsUrl.replace('/metrics', '/other'))).status).toBe(404);
  });
});
