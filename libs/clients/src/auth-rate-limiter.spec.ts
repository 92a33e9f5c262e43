import { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS } from '@facenition/database';
import { AuthRateLimiter, type SqlQuery } from './auth-rate-limiter';
import { RateLimitedError } from './errors';

/** The limiter against a real PostgreSQL (PGlite in memory) with the production migration's table. */
describe('AuthRateLimiter', () => {
  let pg: PGlite;
  let db: SqlQuery;
  let t: number;
  const limiterOn = (): AuthRateLimiter => new AuthRateLimiter({ maxFailures: 3, windowSeconds: 60 }, () => new Date(t), db);
  let limiter: AuthRateLimiter;

  beforeAll(async () => {
    pg = new PGlite();
    db = { query: async (sql, params) => (await pg.query(sql, params as unknown[])).rows };
    const migration = MIGRATIONS.find((m) => m.name === 'AuthFailures1764979200000')!;
    await new migration().up({ query: (sql: string) => db.query(sql) } as never);
  });
  afterAll(() => pg.close());
  beforeEach(async () => {
    await pg.query('DELETE FROM auth_failures');
    t = Date.UTC(2026, 10, 27, 12);
    limiter = limiterOn();
  });

  const refusal = async (source: string, l = limiter): Promise<RateLimitedError> => {
    const e = await l.check(source).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (e === undefined) throw new Error(`${source} was not refused`);
    expect(e).toBeInstanceOf(RateLimitedError);
    return e as RateLimitedError;
  };

  it('lets a source through until it reaches maxFailures within the window', async () => {
    await limiter.check('10.0.0.1');
    await limiter.fail('10.0.0.1');
    await limiter.fail('10.0.0.1');
    await expect(limiter.check('10.0.0.1')).resolves.toBeUndefined();
    await limiter.fail('10.0.0.1');
    const e = await refusal('10.0.0.1');
    expect(e.message).toBe('too many failed authentication attempts from this address; retry later');
    expect(e.toPublic()).toEqual({ status: 429, code: 'rate_limited', message: e.message, retryAfterSeconds: 60 });
  });

  it('counts each source address on its own', async () => {
    for (let i = 0; i < 3; i++) await limiter.fail('10.0.0.1');
    await expect(limiter.check('10.0.0.2')).resolves.toBeUndefined();
    await refusal('10.0.0.1');
  });

  it('answers Retry-After with the seconds left in the window, rounded up', async () => {
    for (let i = 0; i < 3; i++) await limiter.fail('10.0.0.1');
    t += 20_500;
    expect((await refusal('10.0.0.1')).retryAfterSeconds).toBe(40);
    t += 39_000;
    expect((await refusal('10.0.0.1')).retryAfterSeconds).toBe(1);
  });

  it('lets the source in again when the window (counted from its first failure) has passed', async () => {
    await limiter.fail('10.0.0.1');
    t += 30_000;
    await limiter.fail('10.0.0.1');
    await limiter.fail('10.0.0.1');
    await refusal('10.0.0.1');
    t += 30_000; // 60 s after the first failure
    await expect(limiter.check('10.0.0.1')).resolves.toBeUndefined();
    // and a failure after the window starts a new count
    await limiter.fail('10.0.0.1');
    await limiter.fail('10.0.0.1');
    await expect(limiter.check('10.0.0.1')).resolves.toBeUndefined();
    await limiter.fail('10.0.0.1');
    await refusal('10.0.0.1');
  });

  it('is shared by limiters on one database (replicas): failures add up and the block holds on all', async () => {
    const replicas = [limiterOn(), limiterOn(), limiterOn()];
    await Promise.all(replicas.map((r) => r.fail('10.0.0.9')));
    for (const r of replicas) await refusal('10.0.0.9', r);
  });

  it('counts every one of many concurrent failures (one atomic upsert each)', async () => {
    const big = new AuthRateLimiter({ maxFailures: 1000, windowSeconds: 60 }, () => new Date(t), db);
    await Promise.all(Array.from({ length: 50 }, () => big.fail('10.0.0.7')));
    const rows = (await db.query(`SELECT failures FROM auth_failures WHERE source = '10.0.0.7'`)) as { failures: number }[];
    expect(rows[0].failures).toBe(50);
  });

  it('deletes rows whose window has ended (at most once a minute per replica), and bounds the key', async () => {
    for (let i = 0; i < 20; i++) await limiter.fail(`a${i}`);
    t += 61_000;
    await limiter.fail('late-1');
    const rows = (await db.query('SELECT source FROM auth_failures ORDER BY source')) as { source: string }[];
    expect(rows.map((r) => r.source)).toEqual(['late-1']);
    await limiter.fail('x'.repeat(10_000));
    const long = (await db.query(`SELECT length(source) AS n FROM auth_failures WHERE source LIKE 'xx%'`)) as { n: number }[];
    expect(long[0].n).toBe(64);
  });
});
