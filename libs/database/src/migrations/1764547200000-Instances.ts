import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Running server instances (heartbeat), counted against the licence's max_replicas. */
export class Instances1764547200000 implements MigrationInterface {
  name = 'Instances1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE instances (instance_id uuid PRIMARY KEY, started_at timestamptz NOT NULL, last_seen timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS instances`);
  }
}
