import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@facenition/audit';
import type { Request } from 'express';
import { MetricsService } from '../metrics/metrics.service';
import { context, sourceAddress } from './request-context';

/** Decision fields read from a response body; never the body itself. */
function decisionOf(body: unknown): { decision: string | null; score: number | null; threshold: number | null; accuracy: number | null } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  let decision: string | null = null;
  if (typeof b.authenticated === 'boolean') decision = b.authenticated ? 'authenticated' : 'not_authenticated';
  else if (typeof b.match === 'boolean') decision = b.match ? 'matched' : 'not_matched';
  else if (typeof b.consistent === 'boolean') decision = b.consistent ? 'consistent' : 'inconsistent';
  else if (typeof b.live === 'boolean') decision = b.live ? 'live' : 'spoof';
  else if (b.best_match !== undefined) decision = b.best_match ? 'matched' : 'not_matched';
  return { decision, score: num(b.similarity) ?? num(b.score), threshold: num(b.threshold), accuracy: num(b.accuracy) };
}

/** The endpoint as routed (no query string, no base path), bounded in length. */
function endpointOf(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  const path = typeof route === 'string' ? `${req.baseUrl ?? ''}${route}` : req.path;
  return path.slice(0, 200);
}

export const isAudited = (req: Request): boolean => !req.path.startsWith('/health/') && req.method !== 'OPTIONS';

/**
 * Writes the one audit record of a request, after the outcome is known and before the response
 * is sent. Holds no image, embedding, password or token: only ids, outcome and decision numbers.
 */
@Injectable()
export class AuditRecorder {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  async record(req: Request, status: number, errorCode: string | null, body: unknown): Promise<void> {
    if (!isAudited(req)) return;
    const ctx = context(req);
    if (ctx.audited) return;
    ctx.audited = true;
    const d = status < 400 ? decisionOf(body) : { decision: null, score: null, threshold: null, accuracy: null };
    if (status < 400 && ctx.decision) d.decision = ctx.decision;
    if (d.decision) this.metrics.decisions.inc({ endpoint: endpointOf(req), result: d.decision });
    const latencyMs = Math.round(Number(process.hrtime.bigint() - ctx.startedAt) / 1e3) / 1e3;
    try {
      await this.audit.append({
        ts: new Date(),
        requestId: ctx.requestId,
        clientId: ctx.principal?.clientId ?? ctx.subjectClientId ?? null,
        endpoint: endpointOf(req),
        status,
        errorCode,
        ...d,
        tokenRef: ctx.tokenRef ?? null,
        latencyMs,
        sourceIp: sourceAddress(req),
        clientRequestId: ctx.clientRequestId ?? null,
      });
    } catch (err) {
      this.logger.error(`audit append failed (${err instanceof Error ? err.name : 'unknown'}) request_id=${ctx.requestId}`);
      throw new AuditUnavailableError();
    }
  }
}

export class AuditUnavailableError extends Error {
  constructor() {
    super('audit log unavailable; the request was not completed');
    this.name = 'AuditUnavailableError';
  }
}
