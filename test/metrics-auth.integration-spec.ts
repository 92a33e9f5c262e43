import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../apps/gateway/src/config';
import { MetricsService, startMetricsServer } from '../apps/gateway/src/metrics/metrics.service';
import { CapturingLogger, startTestApp, type TestApp } from './support/app';

jest.setTimeout(240_000);

const TOKEN = `metrics-${randomBytes(24).toString('base64url')}`;
const REALM = 'Bearer realm="facenition-metrics"';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Whether a TCP connection to host:port is accepted (true) or refused (false). */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((done, fail) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? done(false) : fail(err)));
  });

describe('metrics endpoint: its interface and scrape authentication (real app, real metrics server)', () => {
  let t: TestApp;
  const servers: Server[] = [];

  beforeAll(async () => {
    // FACENITION_METRICS_HOST deliberately unset: the metrics server must follow the API's host
    t = await startTestApp({
      FACENITION_WORKERS: '1',
      FACENITION_LIVENESS_GATE: 'off',
      FACENITION_HOST: '127.0.0.1',
      FACENITION_METRICS_PORT: '0',
      FACENITION_METRICS_TOKEN: TOKEN,
    });
  });
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((done) => s.close(done));
    }
    await t?.close();
  });

  const loggers: CapturingLogger[] = [];
  async function serve(config: AppConfig) {
    const logger = new CapturingLogger();
    loggers.push(logger);
    const m = await startMetricsServer(t.app.get(MetricsService), config, logger);
    servers.push(m.server);
    const url = `http://${config.metricsHost}:${m.port}/metrics`;
    const scrape = (authorization?: string) => fetch(url, authorization === undefined ? {} : { headers: { authorization } });
    return { ...m, logger, scrape };
  }

  it('listens only on FACENITION_HOST (127.0.0.1) when FACENITION_METRICS_HOST is unset', async () => {
    const m = await serve(t.config);
    expect(m.server.address()).toMatchObject({ address: '127.0.0.1', port: m.port });
    expect(await accepts('127.0.0.1', m.port)).toBe(true);
    // bound to 0.0.0.0 it would also answer on every other address, 127.0.0.2 included
    expect(await accepts('127.0.0.2', m.port)).toBe(false);
  });

  it('an explicit FACENITION_METRICS_HOST wins over the API host', async () => {
    const m = await serve(loadConfig({ FACENITION_HOST: '127.0.0.1', FACENITION_METRICS_HOST: '127.0.0.2', FACENITION_METRICS_PORT: '0' }));
    expect(m.server.address()).toMatchObject({ address: '127.0.0.2' });
    expect(await accepts('127.0.0.1', m.port)).toBe(false);
    expect((await m.scrape()).status).toBe(200);
  });

  it('with a token: 401 without or with wrong credentials, 200 for the bearer token or basic auth with it as password', async () => {
    const m = await serve(t.config);
    const refused = [
      undefined,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      'Bearer ',
      `Bearer ${TOKEN} extra`,
      `Token ${TOKEN}`,
      TOKEN,
      basic('prometheus', 'not-the-token-but-long-enough'),
      basic(TOKEN, ''),
      `Basic ${Buffer.from(TOKEN).toString('base64')}`,
    ];
    for (const authorization of refused) {
      const res = await m.scrape(authorization);
      const body = await res.text();
      expect({ authorization, status: res.status }).toEqual({ authorization, status: 401 });
      expect(res.headers.get('www-authenticate')).toBe(REALM);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(body).toMatch(/^unauthorised/);
      expect(body).not.toContain('facenition_');
      expect(body).not.toContain(TOKEN.slice(8, 20)); // neither the token nor what was presented is echoed
    }
    for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, basic('prometheus', TOKEN), basic('', TOKEN)]) {
      const res = await m.scrape(authorization);
      expect({ authorization, status: res.status }).toEqual({ authorization, status: 200 });
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toMatch(/^facenition_build_info\{version="[^"]+",node_version="[^"]+"\} 1$/m);
    }
    expect(m.logger.lines).toEqual([
      expect.stringMatching(/^log Prometheus metrics on http:\/\/127\.0\.0\.1:\d+\/metrics \(scrapes must present/),
    ]);
  });

  it('reads the token from FACENITION_METRICS_TOKEN_FILE', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'facenition-metrics-')), 'token');
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
    const m = await serve(loadConfig({ FACENITION_HOST: '127.0.0.1', FACENITION_METRICS_PORT: '0', FACENITION_METRICS_TOKEN_FILE: file }));
    expect((await m.scrape()).status).toBe(401);
    expect((await m.scrape(`Bearer ${TOKEN}`)).status).toBe(200);
  });

  it('without a token: the scrape stays open, and the log says so', async () => {
    const m = await serve(loadConfig({ FACENITION_HOST: '127.0.0.1', FACENITION_METRICS_PORT: '0' }));
    const res = await m.scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('facenition_build_info{');
    expect(m.logger.lines).toEqual([
      expect.stringMatching(/^log Prometheus metrics on http:\/\/127\.0\.0\.1:\d+\/metrics without authentication/),
    ]);
    expect((await fetch(`http://127.0.0.1:${m.port}/other`)).status).toBe(404);
  });

  it('never logs the token', () => {
    const lines = [t.logger, ...loggers].flatMap((l) => l.lines);
    expect(lines.filter((l) => /Prometheus metrics on/.test(l)).length).toBe(loggers.length);
    expect(lines.filter((l) => l.includes(TOKEN))).toEqual([]);
  });
});
