import { randomBytes } from 'node:crypto';
import { DATA_SOURCE } from '@facenition/database';
import type { DataSource } from 'typeorm';
import { startTestApp } from '../support/app';

async function main() {
  const t = await startTestApp();
  const ds = t.app.get<DataSource>(DATA_SOURCE);
  await ds.query(`INSERT INTO status_list_sources (issuer, key_id, issued_at, imported_at, entries, generation) VALUES ('x', 'k', now(), now(), 0, 1)`);
  for (const sorted of [false, true]) for (const chunk of [1000, 2000]) {
    const n = 250000;
    const all = Array.from({ length: n }, () => randomBytes(16).toString('hex'));
    if (sorted) all.sort();
    const gen = sorted ? 10 + chunk : 20 + chunk;
    const times: number[] = [];
    const t00 = performance.now();
    for (let s = 0; s < n; s += chunk) {
      const ids = all.slice(s, s + chunk);
      const at = ids.map(() => new Date().toISOString());
      const t0 = performance.now();
      await ds.query(`INSERT INTO status_list_entries (issuer, generation, token_id, revoked_at) SELECT 'x', $3::bigint, decode(id,'hex'), a FROM unnest($1::text[], $2::timestamptz[]) u(id,a) ON CONFLICT DO NOTHING`, [ids, at, gen]);
      times.push(performance.now() - t0);
    }
    const total = performance.now() - t00;
    times.sort((a, b) => a - b);
    const dt: number[] = [];
    const t01 = performance.now();
    for (;;) {
      const t0 = performance.now();
      const [{ n: k }] = await ds.query(`WITH d AS (DELETE FROM status_list_entries WHERE ctid = ANY (ARRAY(SELECT ctid FROM status_list_entries WHERE issuer = 'x' AND generation = $2 LIMIT $1)) RETURNING 1) SELECT count(*)::int n FROM d`, [chunk, gen]);
      dt.push(performance.now() - t0);
      if (k < chunk) break;
    }
    const dtotal = performance.now() - t01;
    dt.sort((a, b) => a - b);
    console.log(`sorted=${sorted} chunk=${chunk}: insert total ${total.toFixed(0)} ms, median ${times[times.length >> 1].toFixed(0)} p99 ${times[Math.floor(times.length * 0.99)].toFixed(0)} max ${times[times.length - 1].toFixed(0)} | delete total ${dtotal.toFixed(0)} median ${dt[dt.length >> 1].toFixed(0)} max ${dt[dt.length - 1].toFixed(0)}`);
    // leave one generation's worth in the table so later runs see a big index
    if (!sorted && chunk === 1000) {
      for (let s = 0; s < n; s += 5000) {
        const ids = Array.from({ length: 5000 }, () => randomBytes(16).toString('hex'));
        await ds.query(`INSERT INTO status_list_entries (issuer, generation, token_id, revoked_at) SELECT 'y', 1, decode(id,'hex'), now() FROM unnest($1::text[]) u(id)`, [ids]);
      }
    }
  }
  await t.close();
}
void main();
