import { Inject, Injectable, type LoggerService } from '@nestjs/common';
import type { FacePool } from '@facenition/face';
import type { LicenseState } from '@facenition/license';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppConfig } from '../config';
import { FACE_POOL } from '../face/face.tokens';

/** Models whose run time is measured per request (decode and align are not models). */
const MODELS = new Set(['detect', 'embed', 'quality', 'liveness']);

export const VERSION = '0.1.0';

/**
 * Prometheus metrics in their own registry, served on a separate port (FACENITION_METRICS_PORT).
 * Labels are bounded sets (routed endpoint, status, model, decision, plan, edition): never a
 * token, client id, person or address.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'facenition_http_requests_total',
    help: 'HTTP requests answered, by routed endpoint and status code',
    labelNames: ['endpoint', 'status'] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: 'facenition_http_request_duration_seconds',
    help: 'Time from request arrival to the response being sent, by routed endpoint',
    labelNames: ['endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly inference = new Histogram({
    name: 'facenition_model_inference_duration_seconds',
    help: 'Run time of one face-model stage for one image, by model',
    labelNames: ['model'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly decisions = new Counter({
    name: 'facenition_decisions_total',
    help: 'Biometric decisions returned, by endpoint and result',
    labelNames: ['endpoint', 'result'] as const,
    registers: [this.registry],
  });

  readonly quotaCalls = new Counter({
    name: 'facenition_quota_calls_total',
    help: 'Metered calls counted against client quotas, by client plan',
    labelNames: ['plan'] as const,
    registers: [this.registry],
  });

  readonly quotaRefused = new Counter({
    name: 'facenition_quota_exceeded_total',
    help: 'Calls refused because a monthly quota (client plan or licence) was used up, by limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly licenseCalls = new Gauge({
    name: 'facenition_license_calls_this_month',
    help: 'Metered calls this month counted against the licence (all clients)',
    registers: [this.registry],
  });

  /** Source of the licence gauges, read at scrape time (set by the licence service). */
  licenseState?: () => LicenseState;

  readonly licenseCallLimit = new Gauge({
    name: 'facenition_license_calls_per_month_limit',
    help: 'Monthly call limit of the licence in effect (absent when unlimited)',
    registers: [this.registry],
    collect: () => {
      const limit = this.licenseState?.().limits.calls_per_month;
      this.licenseCallLimit.reset();
      if (limit !== undefined) this.licenseCallLimit.set(limit);
    },
  });

  readonly licenseExpiry = new Gauge({
    name: 'facenition_license_expiry_timestamp_seconds',
    help: 'not_after of the installed licence, Unix seconds (absent without a licence)',
    registers: [this.registry],
    collect: () => {
      const notAfter = this.licenseState?.().not_after;
      this.licenseExpiry.reset();
      if (notAfter) this.licenseExpiry.set(Date.parse(notAfter) / 1000);
    },
  });

  readonly replicas = new Gauge({
    name: 'facenition_replicas_active',
    help: 'Server instances seen by the heartbeat in the last 90 s (compare with the licence max_replicas)',
    registers: [this.registry],
  });

  readonly licenseInfo = new Gauge({
    name: 'facenition_license_info',
    help: 'Licence in effect: 1 for the current edition and status (status: none, valid, not_yet_valid, grace, expired)',
    labelNames: ['edition', 'status'] as const,
    registers: [this.registry],
    collect: () => {
      const s = this.licenseState?.();
      this.licenseInfo.reset();
      if (s) this.licenseInfo.set({ edition: s.edition, status: s.status }, 1);
    },
  });

  constructor(@Inject(FACE_POOL) pool: FacePool) {
    collectDefaultMetrics({ register: this.registry, prefix: 'facenition_' });
    new Gauge({
      name: 'facenition_build_info',
      help: 'Build information; always 1',
      labelNames: ['version', 'node_version'] as const,
      registers: [this.registry],
    }).set({ version: VERSION, node_version: process.version }, 1);
    new Gauge({
      name: 'facenition_queue_depth',
      help: 'Images waiting for a face worker (queued) and being processed (running)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const d = pool.depth;
        this.set({ state: 'queued' }, d.queued);
        this.set({ state: 'running' }, d.running);
      },
    });
    new Gauge({
      name: 'facenition_face_workers_ready',
      help: '1 when the face models are loaded in every worker',
      registers: [this.registry],
      collect() {
        this.set(pool.ready ? 1 : 0);
      },
    });
    new Counter({
      name: 'facenition_face_jobs_cancelled_total',
      help: 'Images not analysed for their request: another image of it failed or the client went away (stage queued: never ran; running: result discarded)',
      labelNames: ['stage'] as const,
      registers: [this.registry],
      collect() {
        const s = pool.stats;
        this.reset();
        this.inc({ stage: 'queued' }, s.cancelled);
        this.inc({ stage: 'running' }, s.discarded);
      },
    });
  }

  observeInference(timingsMs: Record<string, number>): void {
    for (const [model, ms] of Object.entries(timingsMs)) if (MODELS.has(model)) this.inference.observe({ model }, ms / 1000);
  }
}

const REALM = 'Bearer realm="facenition-metrics"';
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The token in `Authorization: Bearer <token>`, or the password of `Authorization: Basic` (any user name). */
function presentedToken(header: string | undefined): string | undefined {
  const m = /^([A-Za-z]+) +(\S+) *$/.exec(header ?? '');
  if (!m) return undefined;
  const scheme = m[1].toLowerCase();
  if (scheme === 'bearer') return m[2];
  if (scheme !== 'basic') return undefined;
  const decoded = Buffer.from(m[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

type MetricsServerConfig = Pick<AppConfig, 'metricsPort' | 'metricsHost' | 'metricsToken'>;

/**
 * Serves GET /metrics from the registry on its own port and interface (FACENITION_METRICS_PORT,
 * FACENITION_METRICS_HOST); nothing else. With FACENITION_METRICS_TOKEN(_FILE) a scrape must
 * present it as a bearer token or as the password of HTTP basic auth; without, it is open and the
 * interface and network policy are the only protection (said once in the log).
 */
export async function startMetricsServer(
  metrics: MetricsService,
  config: MetricsServerConfig,
  logger?: Pick<LoggerService, 'log' | 'warn'>,
): Promise<{ server: Server; port: number }> {
  const expected = config.metricsToken === undefined ? undefined : sha256(config.metricsToken);
  const server = createServer((req, res) => {
    res.setHeader('cache-control', 'no-store');
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at GET /metrics\n');
      return;
    }
    if (expected) {
      const presented = presentedToken(req.headers.authorization);
      // hashing both sides gives equal lengths, so the comparison time says nothing about the token
      if (presented === undefined || !timingSafeEqual(sha256(presented), expected)) {
        res
          .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': REALM })
          .end('unauthorised: send Authorization: Bearer <metrics token>\n');
        return;
      }
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(config.metricsPort, config.metricsHost, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const where = `http://${config.metricsHost.includes(':') ? `[${config.metricsHost}]` : config.metricsHost}:${port}/metrics`;
  if (expected) logger?.log(`Prometheus metrics on ${where} (scrapes must present the metrics token)`);
  else if (LOOPBACK.test(config.metricsHost)) logger?.log(`Prometheus metrics on ${where} without authentication (loopback only)`);
  else
    logger?.warn(
      `Prometheus metrics on ${where} without authentication: bind FACENITION_METRICS_HOST to a private interface ` +
        'or restrict the port (NetworkPolicy, firewall), or set FACENITION_METRICS_TOKEN_FILE',
    );
  return { server, port };
}
