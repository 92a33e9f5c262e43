import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from './clients.service';
import { RateLimitedError } from './errors';

export const AUTH_LIMIT_OPTIONS = Symbol('AUTH_LIMIT_OPTIONS');
export interface AuthLimitOptions {
  /** Failed authentications allowed per source address per window before it is blocked. */
  maxFailures: number;
  windowSeconds: number;
}

/**
 * Slows brute force of client tokens: after `maxFailures` failed authentications from one source
 * address within the window, that address is refused (429) until the window ends. In memory, per replica.
 */
@Injectable()
export class AuthRateLimiter {
  private readonly failures = new Map<string, { count: number; resetAt: number }>();

  constructor(
    @Inject(AUTH_LIMIT_OPTIONS) private readonly opts: AuthLimitOptions,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  check(source: string): void {
    const entry = this.failures.get(source);
    const t = this.now().getTime();
    if (!entry) return;
    if (entry.resetAt <= t) {
      this.failures.delete(source);
      return;
    }
    if (entry.count >= this.opts.maxFailures) {
      throw new RateLimitedError(
        'too many failed authentication attempts from this address; retry later',
        Math.ceil((entry.resetAt - t) / 1000),
      );
    }
  }

  fail(source: string): void {
    const t = this.now().getTime();
    const entry = this.failures.get(source);
    if (!entry || entry.resetAt <= t) this.failures.set(source, { count: 1, resetAt: t + this.opts.windowSeconds * 1000 });
    else entry.count++;
    if (this.failures.size > 100_000) this.sweep(t);
  }

  private sweep(t: number): void {
    for (const [k, v] of this.failures) if (v.resetAt <= t) this.failures.delete(k);
  }
}
