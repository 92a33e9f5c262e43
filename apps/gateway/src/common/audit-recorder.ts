import { Injectable, Logger } from '@nestjs/common';
import { FacenitionError } from '@facenition/common';
import { AuditService } from '@facenition/audit';
import type { Request } from 'express';
import { MetricsService } from '../metrics/metrics.service';
import type { AuditFacts } from './audited';
import { context, sourceAddress } from './request-context';

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

  /** `facts`: what the handler stated about its answer (decisions, scores, token); none for errors and plain answers. */
  async record(req: Request, status: number, errorCode: string | null, facts?: AuditFacts): Promise<void> {
    if (!isAudited(req)) return;
    const ctx = context(req);
    if (ctx.audited) return;
    ctx.audited = true;
    const d = {
      decision: facts?.decision ?? null,
      score: facts?.score ?? null,
      threshold: facts?.threshold ?? null,
      accuracy: facts?.accuracy ?? null,
    };
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
        tokenRef: facts?.tokenRef ?? null,
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

export class AuditUnavailableError extends FacenitionError {
  readonly code = 'audit_unavailable';
  readonly status = 503;
  constructor() {
    super('audit log unavailable; the request was not completed');
  }
}
