import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Status lists of issue #9: an admin reset of an issuer's anti-rollback mark (`reset_at`), and
 * imports staged in short chunks. The entries of every list go to `status_list_entries` under a
 * generation number; `status_list_sources.generation` names the list in force, and
 * `imported_revocations` becomes a view of exactly those entries. An import stages a new
 * generation invisibly, switches with a one-row update and drops the old generation afterwards,
 * so no statement holds the database for seconds and no reader sees a half-imported list. The
 * view keeps the columns and meaning of the former table: lookups by token id are unchanged.
 * `status_list_imports` holds one claim per issuer while its import runs (imports of one issuer
 * are serialised).
 */
export class StatusListReset1764720000000 implements MigrationInterface {
  name = 'StatusListReset1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE status_list_generation`);
    await q.query(`ALTER TABLE status_list_sources ADD COLUMN reset_at timestamptz, ADD COLUMN generation bigint`);
    await q.query(`UPDATE status_list_sources SET generation = nextval('status_list_generation')`);
    await q.query(`ALTER TABLE status_list_sources ALTER COLUMN generation SET NOT NULL`);

    await q.query(`ALTER TABLE imported_revocations RENAME TO status_list_entries`);
    await q.query(`ALTER TABLE status_list_entries DROP CONSTRAINT imported_revocations_issuer_fkey`);
    await q.query(`ALTER TABLE status_list_entries DROP CONSTRAINT imported_revocations_pkey`);
    await q.query(`ALTER TABLE status_list_entries ADD COLUMN generation bigint`);
    await q.query(`UPDATE status_list_entries e SET generation = s.generation FROM status_list_sources s WHERE s.issuer = e.issuer`);
    await q.query(`ALTER TABLE status_list_entries ALTER COLUMN generation SET NOT NULL`);
    await q.query(`ALTER TABLE status_list_entries ADD PRIMARY KEY (issuer, generation, token_id)`);
    await q.query(`ALTER INDEX imported_revocations_token RENAME TO status_list_entries_token`);
    await q.query(`
      CREATE VIEW imported_revocations AS
        SELECT e.issuer, e.token_id, e.revoked_at
          FROM status_list_entries e
          JOIN status_list_sources s ON s.issuer = e.issuer AND s.generation = e.generation`);

    await q.query(`
      CREATE TABLE status_list_imports (
        issuer text PRIMARY KEY,
        generation bigint NOT NULL,
        started_at timestamptz NOT NULL,
        touched_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS status_list_imports`);
    await q.query(`DROP VIEW IF EXISTS imported_revocations`);
    await q.query(
      `DELETE FROM status_list_entries e WHERE NOT EXISTS (SELECT 1 FROM status_list_sources s WHERE s.issuer = e.issuer AND s.generation = e.generation)`,
    );
    await q.query(`ALTER TABLE status_list_entries DROP CONSTRAINT status_list_entries_pkey`);
    await q.query(`ALTER TABLE status_list_entries DROP COLUMN generation`);
    await q.query(`ALTER TABLE status_list_entries ADD CONSTRAINT imported_revocations_pkey PRIMARY KEY (issuer, token_id)`);
    await q.query(
      `ALTER TABLE status_list_entries ADD CONSTRAINT imported_revocations_issuer_fkey FOREIGN KEY (issuer) REFERENCES status_list_sources (issuer) ON DELETE CASCADE`,
    );
    await q.query(`ALTER INDEX status_list_entries_token RENAME TO imported_revocations_token`);
    await q.query(`ALTER TABLE status_list_entries RENAME TO imported_revocations`);
    await q.query(`ALTER TABLE status_list_sources DROP COLUMN generation, DROP COLUMN reset_at`);
    await q.query(`DROP SEQUENCE IF EXISTS status_list_generation`);
  }
}
