import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Security fixes of issue #9: clients grouped into tenants (identity tokens are usable only by
 * clients of the issuing tenant), a digest that pins the issued identity token (an altered copy is
 * refused before it can move the genuine token's failure counter), and the caller's own
 * X-Request-Id kept apart from the server-generated request id in the audit log.
 */
export class SecurityFixes1764633600000 implements MigrationInterface {
  name = 'SecurityFixes1764633600000';

  async up(q: QueryRunner): Promise<void> {
    // every existing client is its own tenant, as before
    await q.query(`ALTER TABLE api_clients ADD COLUMN tenant text`);
    await q.query(`UPDATE api_clients SET tenant = id::text`);
    await q.query(`ALTER TABLE api_clients ALTER COLUMN tenant SET NOT NULL`);
    await q.query(`CREATE INDEX api_clients_tenant ON api_clients (tenant)`);
    await q.query(`ALTER TABLE identity_tokens ADD COLUMN tenant text`);
    await q.query(
      `UPDATE identity_tokens t SET tenant = coalesce((SELECT c.tenant FROM api_clients c WHERE c.id = t.client_id), t.client_id::text)`,
    );
    await q.query(`ALTER TABLE identity_tokens ALTER COLUMN tenant SET NOT NULL`);
    // NULL for tokens issued before this migration or first seen from another deployment: pinned on first success
    await q.query(`ALTER TABLE identity_tokens ADD COLUMN token_digest bytea`);
    await q.query(`ALTER TABLE audit_log ADD COLUMN client_request_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log DROP COLUMN IF EXISTS client_request_id`);
    await q.query(`ALTER TABLE identity_tokens DROP COLUMN IF EXISTS token_digest`);
    await q.query(`ALTER TABLE identity_tokens DROP COLUMN IF EXISTS tenant`);
    await q.query(`DROP INDEX IF EXISTS api_clients_tenant`);
    await q.query(`ALTER TABLE api_clients DROP COLUMN IF EXISTS tenant`);
  }
}
