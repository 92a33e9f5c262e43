import { FacenitionError } from '@facenition/common';

/** Client-token domain errors, each with its code and HTTP status. */
export class ClientAuthError extends FacenitionError {
  readonly status = 401;
  constructor(
    message: string,
    readonly code = 'unauthenticated',
  ) {
    super(message);
  }
}

export class QuotaExceededError extends FacenitionError {
  readonly code = 'quota_exceeded';
  readonly status = 429;
  constructor(
    message: string,
    readonly limit: number,
  ) {
    super(message);
  }
}

export class RateLimitedError extends FacenitionError {
  readonly code = 'rate_limited';
  readonly status = 429;
  constructor(
    message: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class ClientNotFoundError extends FacenitionError {
  readonly code = 'client_not_found';
  readonly status = 404;
  constructor(message = 'no such client') {
    super(message);
  }
}

export class InvalidClientRequestError extends FacenitionError {
  readonly code = 'invalid_request';
  readonly status = 400;
}

/** Authenticated, but this credential may not do that (e.g. an access token rotating the client token). */
export class ClientForbiddenError extends FacenitionError {
  readonly code = 'forbidden';
  readonly status = 403;
}

export class ClientConflictError extends FacenitionError {
  readonly code = 'conflict';
  readonly status = 409;
}
