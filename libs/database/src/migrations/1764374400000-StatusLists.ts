import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Revocations imported from other deployments' signed status lists (token ids only). */
export class StatusLists1764374400000 implements MigrationInterface {
  name = 'StatusLists1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE status_list_sources (
        issuer text PRIMARY KEY,
        key_id text NOT NULL,
        issued_at timestamptz NOT NULL,
        imported_at timestamptz NOT NULL,
        entries integer NOT NULL
      )`);
    await q.query(`
      CREATE TABLE imported_revocations (
        issuer text NOT NULL REFERENCES status_list_sources (issuer) ON DELETE CASCADE,
        token_id bytea NOT NULL,
        revoked_at timestamptz NOT NULL,
        PRIMARY KEY (issuer, token_id)
      )`);
    await q.query(`CREATE INDEX imported_revocations_token ON imported_revocations (token_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS imported_revocations, status_list_sources`);
  }
}
