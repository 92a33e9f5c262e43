/** Client-token domain errors; the gateway maps them to HTTP statuses. */
export class ClientAuthError extends Error {
  constructor(
    message: string,
    readonly code = 'unauthenticated',
  ) {
    super(message);
    this.name = 'ClientAuthError';
  }
}

export class QuotaExceededError extends Error {
  readonly code = 'quota_exceeded';
  constructor(
    message: string,
    readonly limit: number,
  ) {
    super(message);
    this.name = 'QuotaExceededError';
  }
}

export class RateLimitedError extends Error {
  readonly code = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

export class ClientNotFoundError extends Error {
  readonly code = 'client_not_found';
  constructor(message = 'no such client') {
    super(message);
    this.name = 'ClientNotFoundError';
  }
}

export class InvalidClientRequestError extends Error {
  readonly code = 'invalid_request';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidClientRequestError';
  }
}

/** Authenticated, but this credential may not do that (e.g. an access token rotating the client token). */
export class ClientForbiddenError extends Error {
  readonly code = 'forbidden';
  constructor(message: string) {
    super(message);
    this.name = 'ClientForbiddenError';
  }
}

export class ClientConflictError extends Error {
  readonly code = 'conflict';
  constructor(message: string) {
    super(message);
    this.name = 'ClientConflictError';
  }
}
