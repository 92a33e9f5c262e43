import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { FacenitionError, INTERNAL_ERROR } from '@facenition/common';
import type { Request, Response } from 'express';
import { AuditRecorder, AuditUnavailableError } from './audit-recorder';
import { withoutControls } from './clean-input';

interface Mapped {
  status: number;
  error: string;
  code: string;
  /** sent as Retry-After */
  retryAfterSeconds?: number;
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

/**
 * Every library's domain errors (and the gateway's ApiError) are FacenitionErrors that carry their
 * own status and code: one lookup. Then Nest's own exceptions, transport errors, and the rest: 500.
 */
export function mapError(err: unknown): Mapped {
  if (err instanceof FacenitionError) {
    const p = err.toPublic();
    return { status: p.status, error: p.message, code: p.code, retryAfterSeconds: p.retryAfterSeconds };
  }
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
  return { status: INTERNAL_ERROR.status, error: INTERNAL_ERROR.message, code: INTERNAL_ERROR.code };
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
    if (mapped.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(mapped.retryAfterSeconds));
    else if (mapped.status === 503) res.setHeader('Retry-After', '1');
    if (!(exception instanceof AuditUnavailableError)) {
      try {
        await this.recorder.record(req, mapped.status, mapped.code);
      } catch {
        mapped = mapError(new AuditUnavailableError());
      }
    }
    if (res.headersSent) return;
    // defence in depth: no message echoes a control character a client sent
    res.status(mapped.status).json({ ok: false, error: withoutControls(mapped.error), code: mapped.code });
  }
}
