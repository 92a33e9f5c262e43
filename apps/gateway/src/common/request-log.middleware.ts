import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from '../metrics/metrics.service';
import { setContext } from './request-context';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Assigns X-Request-Id and logs one line per request: method, path, status, duration. Never headers or bodies. */
@Injectable()
export class RequestLogMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    const start = process.hrtime.bigint();
    setContext(req, { requestId: id, startedAt: start });
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
