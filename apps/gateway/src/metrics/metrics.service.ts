import { Inject, Injectable } from '@nestjs/common';
import type { FacePool } from '@facenition/face';
import type { LicenseState } from '@facenition/license';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
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
  }

  observeInference(timingsMs: Record<string, number>): void {
    for (const [model, ms] of Object.entries(timingsMs)) if (MODELS.has(model)) this.inference.observe({ model }, ms / 1000);
  }
}

/** Serves GET /metrics from the registry on its own port; nothing else. */
export async function startMetricsServer(metrics: MetricsService, port: number, host: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at GET /metrics\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
