import { AuthRateLimiter } from './auth-rate-limiter';
import { RateLimitedError } from './errors';

describe('AuthRateLimiter', () => {
  let t: number;
  let limiter: AuthRateLimiter;
  beforeEach(() => {
    t = Date.UTC(2026, 10, 27, 12);
    limiter = new AuthRateLimiter({ maxFailures: 3, windowSeconds: 60 }, () => new Date(t));
  });

  const refusal = (source: string): RateLimitedError => {
    try {
      limiter.check(source);
    } catch (e) {
      expect(e).toBeInstanceOf(RateLimitedError);
      return e as RateLimitedError;
    }
    throw new Error(`${source} was not refused`);
  };

  it('lets a source through until it reaches maxFailures within the window', () => {
    limiter.check('10.0.0.1');
    limiter.fail('10.0.0.1');
    limiter.fail('10.0.0.1');
    expect(() => limiter.check('10.0.0.1')).not.toThrow();
    limiter.fail('10.0.0.1');
    const e = refusal('10.0.0.1');
    expect(e.message).toBe('too many failed authentication attempts from this address; retry later');
    expect(e.toPublic()).toEqual({ status: 429, code: 'rate_limited', message: e.message, retryAfterSeconds: 60 });
  });

  it('counts each source address on its own', () => {
    for (let i = 0; i < 3; i++) limiter.fail('10.0.0.1');
    expect(() => limiter.check('10.0.0.2')).not.toThrow();
    refusal('10.0.0.1');
  });

  it('answers Retry-After with the seconds left in the window, rounded up', () => {
    for (let i = 0; i < 3; i++) limiter.fail('10.0.0.1');
    t += 20_500;
    expect(refusal('10.0.0.1').retryAfterSeconds).toBe(40);
    t += 39_000;
    expect(refusal('10.0.0.1').retryAfterSeconds).toBe(1);
  });

  it('lets the source in again when the window (counted from its first failure) has passed', () => {
    limiter.fail('10.0.0.1');
    t += 30_000;
    limiter.fail('10.0.0.1');
    limiter.fail('10.0.0.1');
    refusal('10.0.0.1');
    t += 30_000; // 60 s after the first failure
    expect(() => limiter.check('10.0.0.1')).not.toThrow();
    // and a failure after the window starts a new count
    limiter.fail('10.0.0.1');
    limiter.fail('10.0.0.1');
    expect(() => limiter.check('10.0.0.1')).not.toThrow();
    limiter.fail('10.0.0.1');
    refusal('10.0.0.1');
  });

  it('keeps memory bounded: past 100,000 sources, expired entries are swept', () => {
    for (let i = 0; i < 100_000; i++) limiter.fail(`a${i}`);
    t += 61_000;
    limiter.fail('late-1');
    const failures = (limiter as unknown as { failures: Map<string, unknown> }).failures;
    expect(failures.size).toBe(1);
    expect(failures.has('late-1')).toBe(true);
  });
});
