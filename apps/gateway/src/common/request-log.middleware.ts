import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from '../metrics/metrics.service';
import { setContext } from './request-context';

export const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Assigns every request its own id (X-Request-Id of the response; the audit record's request_id):
 * always generated, so no two records share one. A well-formed X-Request-Id sent by the caller is
 * kept apart as the audit record's client_request_id. Marks every response uncacheable (answers
 * carry client tokens, identity tokens and released keys) and not content-sniffable. Logs one line
 * per request: method, path, status, duration. Never headers or bodies.
 */
@Injectable()
export class RequestLogMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const incoming = req.headers['x-request-id'];
    const id = randomUUID();
    res.setHeader('X-Request-Id', id);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const start = process.hrtime.bigint();
    setContext(req, {
      requestId: id,
      clientRequestId: typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : undefined,
      startedAt: start,
    });
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      // routed path only (e.g. /match): unmatched paths share one label value, so labels stay bounded
      const route = (req.route as { path?: unknown } | undefined)?.path;
      const endpoint = typeof route === 'string' ? route : 'unmatched';
      this.metrics.requests.inc({ endpoint, status: String(res.statusCode) });
      this.metrics.duration.observe({ endpoint }, ms / 1000);
      this.logger.log(`${req.method} ${req.path} ${res.statusCode} ${ms.toFixed(1)}ms request_id=${id}`);
    });
    next();
  }
}
