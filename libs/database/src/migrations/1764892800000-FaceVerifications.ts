import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed results for the callout-style identity providers (issue #11 §3): a short-lived record that
 * a subject of the identity provider passed a face verification, so that a token hook (Entra ID
 * custom claims provider, Okta token inline hook) can find "a recent verification" of the user it is
 * issuing a token for. The subject is kept only as an HMAC under a server secret (`server_secrets`
 * 'verification_subject_key'), never in clear; nothing biometric, no identity token, no image. Rows
 * expire 300 s after the verification and are swept when new ones are written.
 */
export class FaceVerifications1764892800000 implements MigrationInterface {
  name = 'FaceVerifications1764892800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE face_verifications (
        id uuid PRIMARY KEY,
        tenant text NOT NULL,
        subject_hash bytea NOT NULL,
        acr text NOT NULL,
        verified_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX face_verifications_subject ON face_verifications (tenant, subject_hash, verified_at DESC)`);
    await q.query(`CREATE INDEX face_verifications_expires ON face_verifications (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS face_verifications`);
  }
}
