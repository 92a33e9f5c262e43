import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-address limiter of failed client authentications (issue #14 §1), moved out of each
 * replica's memory so that replicas on one database share it: one row per source address with
 * its failures in the current window. Rows whose window has ended are deleted as new failures are
 * written; nothing biometric, no credential (only the count and the address the audit log records too).
 */
export class AuthFailures1764979200000 implements MigrationInterface {
  name = 'AuthFailures1764979200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth_failures (
        source text PRIMARY KEY,
        failures integer NOT NULL,
        reset_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX auth_failures_reset_at ON auth_failures (reset_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS auth_failures`);
  }
}
