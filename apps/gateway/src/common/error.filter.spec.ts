import { BadRequestException, Logger, NotFoundException, type ArgumentsHost } from '@nestjs/common';
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
import { LicenseSignatureError } from '@facenition/license';
import { StatusListError, TokenFormatError, UnknownPepperError } from '@facenition/tokenisation';
import { ApiError, badRequest } from './api-error';
import { AuditUnavailableError, type AuditRecorder } from './audit-recorder';
import { ErrorFilter, mapError } from './error.filter';

describe('mapError: one lookup for every library', () => {
  // the status/code/message pairs the gateway answered before the errors shared a base
  const cases: [string, unknown, { status: number; error: string; code: string }][] = [
    [
      'ApiError',
      new ApiError(415, 'unsupported content type', 'unsupported_media_type'),
      { status: 415, error: 'unsupported content type', code: 'unsupported_media_type' },
    ],
    ['badRequest', badRequest("'x' is wrong"), { status: 400, error: "'x' is wrong", code: 'bad_request' }],
    [
      'busy ApiError (503 is a public state)',
      new ApiError(503, 'the server is busy', 'busy'),
      { status: 503, error: 'the server is busy', code: 'busy' },
    ],
    ['InvalidImageError', new InvalidImageError('not an image'), { status: 400, error: 'not an image', code: 'invalid_image' }],
    [
      'InvalidImageError too large',
      new InvalidImageError('too many pixels', 'image_too_large'),
      { status: 413, error: 'too many pixels', code: 'image_too_large' },
    ],
    ['NoFaceError', new NoFaceError(), { status: 400, error: 'no face detected in the image', code: 'no_face' }],
    ['OverloadedError', new OverloadedError(), { status: 503, error: 'face engine is busy, retry later', code: 'overloaded' }],
    ['CancelledError', new CancelledError(), { status: 499, error: 'request was cancelled', code: 'cancelled' }],
    [
      'ModelIntegrityError',
      new ModelIntegrityError('/models/det.onnx has SHA-256 abc'),
      { status: 500, error: 'face models are not available', code: 'internal' },
    ],
    [
      'ClientAuthError',
      new ClientAuthError('invalid client token'),
      { status: 401, error: 'invalid client token', code: 'unauthenticated' },
    ],
    [
      'ClientAuthError with code',
      new ClientAuthError('client token has expired', 'token_expired'),
      { status: 401, error: 'client token has expired', code: 'token_expired' },
    ],
    ['QuotaExceededError', new QuotaExceededError('quota used up', 1000), { status: 429, error: 'quota used up', code: 'quota_exceeded' }],
    ['RateLimitedError', new RateLimitedError('too many failures', 7), { status: 429, error: 'too many failures', code: 'rate_limited' }],
    ['ClientNotFoundError', new ClientNotFoundError(), { status: 404, error: 'no such client', code: 'client_not_found' }],
    [
      'ClientForbiddenError',
      new ClientForbiddenError('not with an access token'),
      { status: 403, error: 'not with an access token', code: 'forbidden' },
    ],
    [
      'ClientConflictError',
      new ClientConflictError('rotated concurrently'),
      { status: 409, error: 'rotated concurrently', code: 'conflict' },
    ],
    [
      'InvalidClientRequestError',
      new InvalidClientRequestError('expires_at must be in the future'),
      { status: 400, error: 'expires_at must be in the future', code: 'invalid_request' },
    ],
    [
      'AuditUnavailableError',
      new AuditUnavailableError(),
      { status: 503, error: 'audit log unavailable; the request was not completed', code: 'audit_unavailable' },
    ],
    [
      'LicenseError (a 500: nothing leaked)',
      new LicenseSignatureError('licence file /etc/facenition/licence.json: signature does not verify'),
      { status: 500, error: 'internal error', code: 'internal' },
    ],
    ['TokenFormatError', new TokenFormatError('token is too short'), { status: 400, error: 'token is too short', code: 'invalid_token' }],
    [
      'StatusListError',
      new StatusListError('the status list is not JSON'),
      { status: 400, error: 'the status list is not JSON', code: 'invalid_status_list' },
    ],
    [
      'UnknownPepperError',
      new UnknownPepperError('a1a2a3a4a5a6a7a8'),
      {
        status: 400,
        error: 'token was issued under deployment key a1a2a3a4a5a6a7a8, which this deployment does not hold',
        code: 'unknown_deployment_key',
      },
    ],
    ['HttpException 404', new NotFoundException('Cannot GET /nope'), { status: 404, error: 'no such endpoint', code: 'not_found' }],
    ['HttpException', new BadRequestException('bad'), { status: 400, error: 'bad', code: 'http_error' }],
    [
      'body-parser',
      Object.assign(new Error('request entity too large'), { type: 'entity.too.large' }),
      { status: 413, error: 'request body is larger than the configured limit', code: 'body_too_large' },
    ],
    [
      'multer',
      Object.assign(new Error('File too large'), { code: 'LIMIT_FILE_SIZE', field: 'photo' }),
      { status: 413, error: "uploaded file 'photo' is larger than the configured limit", code: 'file_too_large' },
    ],
    [
      'busboy',
      new Error('Unexpected end of form'),
      { status: 400, error: 'malformed multipart/form-data body', code: 'invalid_multipart' },
    ],
    ['unknown Error', new Error('ECONNREFUSED 10.0.0.5:5432 password=hunter2'), { status: 500, error: 'internal error', code: 'internal' }],
    ['a thrown string', 'boom', { status: 500, error: 'internal error', code: 'internal' }],
    ['null', null, { status: 500, error: 'internal error', code: 'internal' }],
  ];

  it.each(cases)('%s', (_name, err, expected) => {
    expect(mapError(err)).toMatchObject(expected);
  });

  it('carries Retry-After from a rate-limit error only', () => {
    expect(mapError(new RateLimitedError('slow down', 7)).retryAfterSeconds).toBe(7);
    expect(mapError(new OverloadedError()).retryAfterSeconds).toBeUndefined();
    expect(mapError(new QuotaExceededError('used up', 1000)).retryAfterSeconds).toBeUndefined();
  });
});

describe('ErrorFilter', () => {
  function run(exception: unknown, record: AuditRecorder['record'] = () => Promise.resolve()) {
    const headers: Record<string, string> = {};
    const sent: { status?: number; body?: unknown } = {};
    const res = {
      headersSent: false,
      getHeader: (name: string) => (name === 'x-request-id' ? 'req-1' : undefined),
      setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
      status(s: number) {
        sent.status = s;
        return this;
      },
      json(b: unknown) {
        sent.body = b;
        return this;
      },
    };
    const req = { method: 'POST', path: '/authenticate' };
    const host = { switchToHttp: () => ({ getResponse: () => res, getRequest: () => req }) } as unknown as ArgumentsHost;
    const recorded: unknown[][] = [];
    const recorder = {
      record: (...args: Parameters<AuditRecorder['record']>) => {
        recorded.push(args.slice(1));
        return record(...args);
      },
    } as unknown as AuditRecorder;
    return new ErrorFilter(recorder).catch(exception, host).then(() => ({ headers, sent, recorded }));
  }

  let logged: string[];
  beforeEach(() => {
    logged = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((m: unknown) => void logged.push(String(m)));
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers { ok: false, error, code }, audits status and code, and sets Retry-After from the error', async () => {
    const r = await run(new RateLimitedError('too many failed authentication attempts', 42));
    expect(r.sent).toEqual({ status: 429, body: { ok: false, error: 'too many failed authentication attempts', code: 'rate_limited' } });
    expect(r.headers['retry-after']).toBe('42');
    expect(r.recorded).toEqual([[429, 'rate_limited', undefined]]);
  });

  it('sets Retry-After: 1 on a 503 and none on a 4xx', async () => {
    expect((await run(new OverloadedError())).headers['retry-after']).toBe('1');
    expect((await run(badRequest('no'))).headers).not.toHaveProperty('retry-after');
  });

  it('scrubs control characters from the message', async () => {
    const r = await run(badRequest("unknown field 'a\u0007b\u009bc'"));
    expect(r.sent.body).toEqual({ ok: false, error: "unknown field 'a?b?c'", code: 'bad_request' });
  });

  it('answers an unknown error 500 and logs its class and request id, never its message', async () => {
    const r = await run(new TypeError('secret=hunter2'));
    expect(r.sent).toEqual({ status: 500, body: { ok: false, error: 'internal error', code: 'internal' } });
    expect(logged).toEqual(['unhandled TypeError on POST /authenticate request_id=req-1']);
    expect(logged.join('')).not.toContain('hunter2');
  });

  it('answers 503 audit_unavailable when the audit record cannot be written', async () => {
    const r = await run(badRequest('no'), () => Promise.reject(new Error('disk full')));
    expect(r.sent).toEqual({
      status: 503,
      body: { ok: false, error: 'audit log unavailable; the request was not completed', code: 'audit_unavailable' },
    });
  });
});
