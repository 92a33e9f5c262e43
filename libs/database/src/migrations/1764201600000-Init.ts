import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1764201600000 implements MigrationInterface {
  name = 'Init1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_clients (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        environment text NOT NULL CHECK (environment IN ('sandbox', 'production')),
        plan text NOT NULL CHECK (plan IN ('developer', 'enterprise')),
        created_at timestamptz NOT NULL,
        expires_at timestamptz,
        revoked_at timestamptz,
        token_hash bytea NOT NULL,
        previous_token_hash bytea,
        previous_valid_until timestamptz,
        secret_hash bytea NOT NULL,
        rotated_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE quota_usage (
        client_id uuid NOT NULL REFERENCES api_clients(id) ON DELETE CASCADE,
        month text NOT NULL,
        calls integer NOT NULL,
        PRIMARY KEY (client_id, month)
      )`);
    await q.query(`
      CREATE TABLE audit_log (
        seq bigint PRIMARY KEY,
        ts timestamptz NOT NULL,
        request_id text NOT NULL,
        client_id uuid,
        endpoint text NOT NULL,
        status integer NOT NULL,
        error_code text,
        decision text,
        score double precision,
        threshold double precision,
        accuracy integer,
        token_ref text,
        latency_ms double precision NOT NULL,
        source_ip text,
        prev_hash bytea NOT NULL,
        hash bytea NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_log_ts ON audit_log (ts)`);
    await q.query(`CREATE INDEX audit_log_client_ts ON audit_log (client_id, ts)`);
    await q.query(`CREATE INDEX audit_log_request_id ON audit_log (request_id)`);
    await q.query(`CREATE TABLE audit_head (id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash bytea NOT NULL)`);
    await q.query(`INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'))`);
    await q.query(
      `CREATE TABLE audit_anchor (id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash bytea NOT NULL, purged_at timestamptz NOT NULL)`,
    );
    await q.query(`CREATE TABLE server_secrets (name text PRIMARY KEY, value bytea NOT NULL, created_at timestamptz NOT NULL)`);
    // append-only: the application role never needs UPDATE on audit rows; refuse it at the database too
    await q.query(`
      CREATE FUNCTION audit_log_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
    await q.query(`CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_no_update()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS audit_anchor, audit_head, audit_log, quota_usage, api_clients, server_secrets`);
    await q.query(`DROP FUNCTION IF EXISTS audit_log_no_update()`);
  }
}
