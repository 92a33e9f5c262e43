import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The OpenID Connect provider (issue #11): oidc-provider's short-lived artefacts (interactions,
 * codes, sessions, grants, replay records) as JSON with an expiry (swept hourly); the provider's
 * signing keys sealed under the deployment key; relying parties; and enrolments, which hold an
 * identity token per (relying party, subject hash) and never a face; one-time enrolment links.
 */
export class Oidc1764806400000 implements MigrationInterface {
  name = 'Oidc1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oidc_payloads (
        model text NOT NULL,
        id text NOT NULL,
        payload jsonb NOT NULL,
        grant_id text,
        user_code text,
        uid text,
        expires_at timestamptz,
        consumed_at timestamptz,
        PRIMARY KEY (model, id)
      )`);
    await q.query(`CREATE INDEX oidc_payloads_grant ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL`);
    await q.query(`CREATE INDEX oidc_payloads_uid ON oidc_payloads (model, uid) WHERE uid IS NOT NULL`);
    await q.query(`CREATE INDEX oidc_payloads_expires ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL`);
    await q.query(`
      CREATE TABLE oidc_signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL,
        created_at timestamptz NOT NULL,
        signs_from timestamptz NOT NULL,
        retired_at timestamptz,
        public_jwk jsonb NOT NULL,
        sealed_private bytea NOT NULL,
        sealing_key_id text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE oidc_clients (
        client_id text PRIMARY KEY,
        api_client_id uuid NOT NULL,
        name text NOT NULL,
        profile text NOT NULL CHECK (profile IN ('standard', 'entra_eam')),
        metadata jsonb NOT NULL,
        sealed_secret bytea,
        sealing_key_id text,
        settings jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        disabled_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE oidc_enrolments (
        client_id text NOT NULL,
        subject_hash bytea NOT NULL,
        identity_token text NOT NULL,
        token_id bytea NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (client_id, subject_hash)
      )`);
    // one-time enrolment links issued by an administrator (only the SHA-256 of the link's secret is kept)
    await q.query(`
      CREATE TABLE oidc_invitations (
        token_hash bytea PRIMARY KEY,
        client_id text NOT NULL,
        subject_hash bytea NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`ALTER TABLE audit_log ADD COLUMN subject_ref text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log DROP COLUMN IF EXISTS subject_ref`);
    await q.query(`DROP TABLE IF EXISTS oidc_invitations, oidc_enrolments, oidc_clients, oidc_signing_keys, oidc_payloads`);
  }
}
