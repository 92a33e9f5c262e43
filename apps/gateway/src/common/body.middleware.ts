import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { json, urlencoded, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { APP_CONFIG, type AppConfig } from '../config';
import { ApiError } from './api-error';
import { assertCleanInput, printable } from './clean-input';
import { PublicRoutes, requestPath } from './early-auth.middleware';
import { mapTransportError } from './error.filter';

/**
 * Parses POST bodies before the auth guard runs (so an `auth_token` form field can be read):
 * application/json with a size limit, multipart/form-data into memory with explicit multer
 * limits, or a small URL-encoded form (OAuth2 /token). Public routes (/token) take small bodies
 * only. Anything else with a body is refused with 415. Uploads stay in memory only. Then every
 * string of the body and the query string passes the edge check (assertCleanInput).
 */
@Injectable()
export class BodyMiddleware implements NestMiddleware {
  private readonly json: ReturnType<typeof json>;
  private readonly smallJson: ReturnType<typeof json>;
  private readonly form: ReturnType<typeof urlencoded>;
  private readonly multipart: ReturnType<ReturnType<typeof multer>['any']>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly publicRoutes: PublicRoutes,
  ) {
    this.json = json({ limit: config.maxBodyBytes, strict: true });
    this.smallJson = json({ limit: 64 * 1024, strict: true });
    // OAuth2 clients post /token as a URL-encoded form
    this.form = urlencoded({ limit: 64 * 1024, extended: false, parameterLimit: 20 });
    this.multipart = multer({
      storage: multer.memoryStorage(),
      limits: {
        fileSize: config.maxImageBytes,
        files: config.maxImages + 1,
        fields: 16,
        fieldSize: 64 * 1024,
        fieldNameSize: 100,
        parts: config.maxImages + 17,
      },
    }).any();
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const clean = (): void => {
      try {
        assertCleanInput(req.query, 'query');
        if (req.method === 'POST') assertCleanInput(req.body, 'body');
      } catch (err) {
        return next(err);
      }
      next();
    };
    if (req.method !== 'POST') return clean();
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    // parser errors become ApiErrors here, so no parser message (which can quote the body) reaches a client
    const done = (err?: unknown): void => {
      if (!err) return clean();
      const mapped = typeof err === 'object' ? mapTransportError(err) : undefined;
      next(mapped ? new ApiError(mapped.status, mapped.error, mapped.code) : new ApiError(400, 'malformed request body', 'invalid_body'));
    };
    const isPublic = this.publicRoutes.has(requestPath(req));
    if (type.startsWith('application/json')) {
      (isPublic ? this.smallJson : this.json)(req, res, done);
      return;
    }
    if (type.startsWith('application/x-www-form-urlencoded')) {
      this.form(req, res, done);
      return;
    }
    if (type.startsWith('multipart/form-data') && !isPublic) {
      this.multipart(req, res, done);
      return;
    }
    const length = Number(req.headers['content-length'] ?? 0);
    if (!type && length === 0 && !req.headers['transfer-encoding']) {
      req.body = {};
      return clean();
    }
    next(
      new ApiError(
        415,
        `unsupported content type '${printable(type.split(';')[0]) || 'none'}': send multipart/form-data or application/json`,
        'unsupported_media_type',
      ),
    );
  }
}
