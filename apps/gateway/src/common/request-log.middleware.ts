import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config';
import { MetricsService } from '../metrics/metrics.service';
import { context, setContext } from './request-context';

export const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Assigns every request its own id (X-Request-Id of the response; the audit record's request_id):
 * always generated, so no two records share one. A well-formed X-Request-Id sent by the caller is
 * kept apart as the audit record's client_request_id. Marks every response uncacheable (answers
 * carry client tokens, identity tokens and released keys) and not content-sniffable. Logs one line
 * per request: request id, client id (once authenticated), method, route, status, duration. Never
 * headers, query strings or bodies.
 */
@Injectable()
export class RequestLogMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');
  private readonly json: boolean;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.json = config.logFormat === 'json';
  }

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
      const ctx = context(req);
      const clientId = ctx.principal?.clientId ?? ctx.subjectClientId;
      if (this.json) {
        // the fields are picked one by one: nothing else of the request reaches the log
        this.logger.log({
          msg: 'request',
          request_id: id,
          ...(clientId ? { client_id: clientId } : {}),
          method: req.method,
          // with the mount path of a sub-router (e.g. the OpenID Connect pages), as the audit record names it
          route: typeof route === 'string' ? `${req.baseUrl ?? ''}${route}` : 'unmatched',
          status: res.statusCode,
          duration_ms: Math.round(ms * 10) / 10,
        });
      } else {
        const client = clientId ? ` client_id=${clientId}` : '';
        this.logger.log(`${req.method} ${req.path} ${res.statusCode} ${ms.toFixed(1)}ms request_id=${id}${client}`);
      }
    });
    next();
  }
}
