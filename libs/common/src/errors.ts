/** What a client is told about a failed request. */
export interface PublicError {
  status: number;
  code: string;
  message: string;
  /** sent as Retry-After */
  retryAfterSeconds?: number;
}

/** The answer to anything that is a fault of ours: nothing in it comes from the error. */
export const INTERNAL_ERROR: Readonly<PublicError> = Object.freeze({ status: 500, code: 'internal', message: 'internal error' });

/**
 * The one base of Facenition's domain errors (framework-free, like the libraries that throw them).
 * Each error carries a stable machine `code` (part of the public API) and the HTTP `status` it
 * answers with, so the gateway maps every library's errors with one lookup instead of a list of
 * classes, and a CLI can ignore the status.
 */
export abstract class FacenitionError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  declare readonly retryAfterSeconds?: number;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }

  /**
   * The status, code and message a client gets. A 500 is a fault of ours whose message may name
   * files or keys, so by default it becomes INTERNAL_ERROR; override to say more (or less).
   */
  toPublic(): PublicError {
    if (this.status === 500) return { ...INTERNAL_ERROR };
    const p: PublicError = { status: this.status, code: this.code, message: this.message };
    if (this.retryAfterSeconds !== undefined) p.retryAfterSeconds = this.retryAfterSeconds;
    return p;
  }
}
