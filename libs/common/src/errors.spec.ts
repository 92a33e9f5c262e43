import { FacenitionError, INTERNAL_ERROR } from './errors';

class TeapotError extends FacenitionError {
  readonly code = 'teapot';
  readonly status = 418;
}

class BrokenDiskError extends FacenitionError {
  readonly code = 'disk';
  readonly status = 500;
}

class SlowDownError extends FacenitionError {
  readonly code = 'slow_down';
  readonly status = 429;
  constructor(override readonly retryAfterSeconds: number) {
    super('slow down');
  }
}

describe('FacenitionError', () => {
  it('is an Error named after its class, with its code and status', () => {
    const e = new TeapotError('short and stout');
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(FacenitionError);
    expect(e.name).toBe('TeapotError');
    expect(e.stack).toContain('TeapotError: short and stout');
    expect(e.toPublic()).toEqual({ status: 418, code: 'teapot', message: 'short and stout' });
  });

  it('answers a 500 as INTERNAL_ERROR: its message (a path, a key id) never reaches the client', () => {
    const p = new BrokenDiskError('cannot read /var/lib/facenition/secret.key').toPublic();
    expect(p).toEqual({ status: 500, code: 'internal', message: 'internal error' });
    expect(p).toEqual(INTERNAL_ERROR);
    p.message = 'changed';
    expect(INTERNAL_ERROR.message).toBe('internal error');
  });

  it('carries Retry-After only when the error has one', () => {
    expect(new SlowDownError(7).toPublic()).toEqual({ status: 429, code: 'slow_down', message: 'slow down', retryAfterSeconds: 7 });
    expect(new TeapotError('x').toPublic()).not.toHaveProperty('retryAfterSeconds');
  });
});
