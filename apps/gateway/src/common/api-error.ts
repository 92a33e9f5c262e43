import { FacenitionError } from '@facenition/common';

/** A client-facing error with an explicit status, raised by the gateway's own validation. */
export class ApiError extends FacenitionError {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'bad_request'): ApiError => new ApiError(400, message, code);
