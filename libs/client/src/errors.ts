import type { ErrorCode } from './types';

/**
 * An error answer of the API (`{ ok: false, error, code }`), with its HTTP status, the server's
 * request id (X-Request-Id: quote it to the operator, it finds the audit record) and, on 429 and
 * 503, the Retry-After the server asked for. An answer that is not of that shape (a proxy's error
 * page, say) has code `unexpected_response`.
 */
export class FacenitionError extends Error {
  override readonly name = 'FacenitionError';

  constructor(
    message: string,
    /** HTTP status of the answer. */
    readonly status: number,
    /** The API's error code (see the contract: every endpoint lists its codes by status). */
    readonly code: ErrorCode | 'unexpected_response' | (string & {}),
    /** X-Request-Id of the answer. */
    readonly requestId: string | undefined,
    /** Seconds the server asked to wait before retrying (Retry-After), when it sent one. */
    readonly retryAfter: number | undefined,
  ) {
    super(message);
  }
}

/** Retry-After as seconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  // an HTTP date starts with the day's name ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse would also take "-1"
  const date = /^[A-Za-z]/.test(v) ? Date.parse(v) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/** The FacenitionError of a non-2xx answer (reads its body). */
export async function errorOf(res: Response): Promise<FacenitionError> {
  const requestId = res.headers.get('x-request-id') ?? undefined;
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  let body: unknown;
  try {
    body = JSON.parse(await res.text());
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) return new FacenitionError(body.error, res.status, body.code, requestId, retryAfter);
  return new FacenitionError(`HTTP ${res.status} ${res.statusText}`.trim(), res.status, 'unexpected_response', requestId, retryAfter);
}

function isErrorBody(body: unknown): body is { ok: false; error: string; code: string } {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return b.ok === false && typeof b.error === 'string' && typeof b.code === 'string';
}
