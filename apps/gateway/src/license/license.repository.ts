import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@facenition/database';
import type { DataSource } from 'typeorm';

/** Every SQL statement of the licence: metered calls per month (license_usage) and the replica heartbeat (instances). */
@Injectable()
export class LicenseRepository {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  /**
   * Counts one call in `month` (YYYY-MM) unless `limit` calls are already counted, atomically
   * across replicas. The month's count after this call, or null when the limit is used up.
   */
  async consumeCall(month: string, limit: number): Promise<number | null> {
    const rows: { calls: string }[] = await this.ds.query(
      `INSERT INTO license_usage (month, calls) VALUES ($1, 1)
       ON CONFLICT (month) DO UPDATE SET calls = license_usage.calls + 1 WHERE license_usage.calls < $2
       RETURNING calls`,
      [month, limit],
    );
    return rows.length ? Number(rows[0].calls) : null;
  }

  /** Calls counted in `month` (YYYY-MM). */
  async callsIn(month: string): Promise<number> {
    const rows: { calls: string }[] = await this.ds.query(`SELECT calls FROM license_usage WHERE month = $1`, [month]);
    return rows.length ? Number(rows[0].calls) : 0;
  }

  /** Marks this instance as seen now; the number of instances (this one included) seen in the last `windowSeconds`. */
  async heartbeat(instanceId: string, windowSeconds: number): Promise<number> {
    const rows: { active: string }[] = await this.ds.query(
      `WITH up AS (
         INSERT INTO instances (instance_id, started_at, last_seen) VALUES ($1, now(), now())
         ON CONFLICT (instance_id) DO UPDATE SET last_seen = now())
       SELECT count(*) + 1 AS active FROM instances
        WHERE instance_id <> $1 AND last_seen > now() - make_interval(secs => $2::double precision)`,
      [instanceId, windowSeconds],
    );
    return Number(rows[0].active);
  }

  /** Removes instance rows not seen for a day. */
  async pruneInstances(): Promise<void> {
    await this.ds.query(`DELETE FROM instances WHERE last_seen < now() - interval '1 day'`);
  }
}
