import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@facenition/database';
import { CLOCK, type Clock } from './clients.service';
import { RateLimitedError } from './errors';

export const AUTH_LIMIT_OPTIONS = Symbol('AUTH_LIMIT_OPTIONS');
export interface AuthLimitOptions {
  /** Failed authentications allowed per source address per window before it is blocked. */
  maxFailures: number;
  windowSeconds: number;
}

/** The one thing the limiter needs from the database (a TypeORM DataSource has it). */
export interface SqlQuery {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** Longest source string kept: an IPv6 address with a zone is under 64 characters. */
const MAX_SOURCE = 64;
/** Expired rows are deleted at most this often per replica (on a failure). */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Slows brute force of client tokens: after `maxFailures` failed authentications from one source
 * address within the window (counted from its first failure), that address is refused (429) until
 * the window ends. Kept in the database (table auth_failures), so every replica on one database
 * sees the same counts: failures made on different replicas add up, and a block holds on all.
 * A failure is one atomic upsert, so concurrent failures are all counted.
 */
@Injectable()
export class AuthRateLimiter {
  private lastSweep = 0;

  constructor(
    @Inject(AUTH_LIMIT_OPTIONS) private readonly opts: AuthLimitOptions,
    @Inject(CLOCK) private readonly now: Clock,
    @Inject(DATA_SOURCE) private readonly db: SqlQuery,
  ) {}

  /** Refuses (RateLimitedError, 429 with Retry-After) a source that used up its failures in the current window. */
  async check(source: string, message = 'too many failed authentication attempts from this address; retry later'): Promise<void> {
    const t = this.now();
    const rows = (await this.db.query(`SELECT failures, reset_at FROM auth_failures WHERE source = $1 AND reset_at > $2`, [
      key(source),
      t,
    ])) as { failures: number; reset_at: Date }[];
    const entry = rows[0];
    if (entry && entry.failures >= this.opts.maxFailures) {
      throw new RateLimitedError(message, Math.max(1, Math.ceil((new Date(entry.reset_at).getTime() - t.getTime()) / 1000)));
    }
  }

  /** Counts one failed authentication from the source: starts a new window when the last one has ended. */
  async fail(source: string): Promise<void> {
    const t = this.now();
    const resetAt = new Date(t.getTime() + this.opts.windowSeconds * 1000);
    await this.db.query(
      `INSERT INTO auth_failures (source, failures, reset_at) VALUES ($1, 1, $3)
       ON CONFLICT (source) DO UPDATE SET
         failures = CASE WHEN auth_failures.reset_at <= $2 THEN 1 ELSE auth_failures.failures + 1 END,
         reset_at = CASE WHEN auth_failures.reset_at <= $2 THEN $3 ELSE auth_failures.reset_at END`,
      [key(source), t, resetAt],
    );
    if (t.getTime() - this.lastSweep >= SWEEP_INTERVAL_MS) {
      this.lastSweep = t.getTime();
      await this.db.query(`DELETE FROM auth_failures WHERE reset_at <= $1`, [t]);
    }
  }
}

function key(source: string): string {
  return source.slice(0, MAX_SOURCE);
}
