import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Deployment-wide metered calls per month, counted against the licence's monthly limit. */
export class LicenseUsage1764460800000 implements MigrationInterface {
  name = 'LicenseUsage1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE license_usage (month text PRIMARY KEY, calls bigint NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS license_usage`);
  }
}
