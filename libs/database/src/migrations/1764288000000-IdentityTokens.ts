import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Identity-token bookkeeping: issuance (no biometric), revocation and failure lockout. */
export class IdentityTokens1764288000000 implements MigrationInterface {
  name = 'IdentityTokens1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE identity_tokens (
        token_id bytea PRIMARY KEY,
        client_id uuid NOT NULL,
        environment text NOT NULL CHECK (environment IN ('sandbox', 'production')),
        created_at timestamptz NOT NULL,
        expires_at timestamptz,
        revoked_at timestamptz,
        revoked_by uuid,
        replaced_by bytea,
        consecutive_failures integer NOT NULL DEFAULT 0,
        locked_until timestamptz
      )`);
    await q.query(`CREATE INDEX identity_tokens_client ON identity_tokens (client_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS identity_tokens`);
  }
}
