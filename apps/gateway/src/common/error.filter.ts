import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import {
  ClientAuthError,
  ClientConflictError,
  ClientForbiddenError,
  ClientNotFoundError,
  InvalidClientRequestError,
  QuotaExceededError,
  RateLimitedError,
} from '@facenition/clients';
import { CancelledError, InvalidImageError, ModelIntegrityError, NoFaceError, OverloadedError } from '@facenition/face';
import type { Request, Response } from 'express';
import { ApiError } from './api-error';
import { AuditRecorder, AuditUnavailableError } from './audit-recorder';
import { withoutControls } from './clean-input';

interface Mapped {
  status: number;
  error: string;
  code: string;
}

/** body-parser / multer errors carry `type` or `code`; map the ones a client can cause. */
export function mapTransportError(err: { type?: unknown; code?: unknown; field?: unknown; status?: unknown }): Mapped | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return { status: 413, error: 'request body is larger than the configured limit', code: 'body_too_large' };
    case 'entity.parse.failed':
      return { status: 400, error: 'request body is not valid JSON', code: 'invalid_json' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, error: 'unsupported request body encoding', code: 'unsupported_encoding' };
    case 'request.aborted':
      return { status: 400, error: 'request was aborted by the client', code: 'aborted' };
    default:
      break;
  }
  const field = typeof err.field === 'string' ? ` '${err.field}'` : '';
  switch (err.code) {
    case 'LIMIT_FILE_SIZE':
      return { status: 413, error: `uploaded file${field} is larger than the configured limit`, code: 'file_too_large' };
    case 'LIMIT_FILE_COUNT':
      return { status: 400, error: 'too many files in the request', code: 'too_many_images' };
    case 'LIMIT_FIELD_VALUE':
      return { status: 400, error: `form field${field} is too long (send images as files)`, code: 'field_too_long' };
    case 'LIMIT_PART_COUNT':
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_FIELD_KEY':
      return { status: 400, error: 'too many or too long form fields', code: 'too_many_fields' };
    case 'LIMIT_UNEXPECTED_FILE':
      return { status: 400, error: `unexpected file field${field}`, code: 'unknown_field' };
    default:
      break;
  }
  if (err instanceof Error && /Multipart|Unexpected end of form|boundary/i.test(err.message)) {
    return { status: 400, error: 'malformed multipart/form-data body', code: 'invalid_multipart' };
  }
  return undefined;
}

export function mapError(err: unknown): Mapped {
  if (err instanceof ApiError) return { status: err.status, error: err.message, code: err.code };
  if (err instanceof InvalidImageError) {
    return { status: err.code === 'image_too_large' ? 413 : 400, error: err.message, code: err.code };
  }
  if (err instanceof NoFaceError) return { status: 400, error: err.message, code: err.code };
  if (err instanceof OverloadedError) return { status: 503, error: err.message, code: err.code };
  // only reaches here when the client went away (a sibling image's failure is rethrown instead): 499 as nginx logs it
  if (err instanceof CancelledError) return { status: 499, error: 'request was cancelled', code: err.code };
  if (err instanceof ClientAuthError) return { status: 401, error: err.message, code: err.code };
  if (err instanceof QuotaExceededError || err instanceof RateLimitedError) return { status: 429, error: err.message, code: err.code };
  if (err instanceof ClientNotFoundError) return { status: 404, error: err.message, code: err.code };
  if (err instanceof ClientForbiddenError) return { status: 403, error: err.message, code: err.code };
  if (err instanceof ClientConflictError) return { status: 409, error: err.message, code: err.code };
  if (err instanceof InvalidClientRequestError) return { status: 400, error: err.message, code: err.code };
  if (err instanceof AuditUnavailableError) return { status: 503, error: err.message, code: 'audit_unavailable' };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse();
    const message =
      typeof res === 'string'
        ? res
        : typeof (res as { message?: unknown }).message === 'string'
          ? (res as { message: string }).message
          : err.message;
    return { status, error: status === 404 ? 'no such endpoint' : message, code: status === 404 ? 'not_found' : 'http_error' };
  }
  if (err !== null && typeof err === 'object') {
    const t = mapTransportError(err);
    if (t) return t;
  }
  if (err instanceof ModelIntegrityError) return { status: 500, error: 'face models are not available', code: 'internal' };
  return { status: 500, error: 'internal error', code: 'internal' };
}

/**
 * The one exception filter: every error leaves as { ok: false, error, code }. Unknown errors are
 * logged by class name and request id only (their messages could echo input) and answered 500.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly recorder: AuditRecorder) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    let mapped = mapError(exception);
    if (mapped.status >= 500 && mapped.code === 'internal') {
      const name = exception instanceof Error ? exception.name : typeof exception;
      this.logger.error(`unhandled ${name} on ${req.method} ${req.path} request_id=${String(res.getHeader('x-request-id') ?? '')}`);
    }
    if (exception instanceof RateLimitedError) res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    else if (mapped.status === 503) res.setHeader('Retry-After', '1');
    if (!(exception instanceof AuditUnavailableError)) {
      try {
        await this.recorder.record(req, mapped.status, mapped.code, undefined);
      } catch {
        mapped = mapError(new AuditUnavailableError());
      }
    }
    if (res.headersSent) return;
    // defence in depth: no message echoes a control character a client sent
    res.status(mapped.status).json({ ok: false, error: withoutControls(mapped.error), code: mapped.code });
  }
}
