import type { DataSource } from 'typeorm';

/** oidc-provider's storage interface (one instance per model name). */
export interface OidcAdapter {
  upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Record<string, unknown> | undefined>;
  findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined>;
  findByUid(uid: string): Promise<Record<string, unknown> | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

interface Row {
  payload: Record<string, unknown>;
  consumed_at: Date | null;
}

const live = `(expires_at IS NULL OR expires_at > now())`;

/**
 * The provider's artefacts (interactions, sessions, authorization codes, grants, replay records…)
 * on the project's PostgreSQL, one row per (model, id) holding oidc-provider's JSON payload and its
 * expiry; expired rows are invisible at once and deleted by sweep(). Clients are not stored here:
 * `clients` resolves them from the relying-party table.
 */
export function postgresAdapter(
  ds: DataSource,
  clients: (id: string) => Promise<Record<string, unknown> | undefined>,
): new (name: string) => OidcAdapter {
  return class PostgresAdapter implements OidcAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> {
      if (this.model === 'Client') throw new Error('relying parties are managed through /admin/oidc/clients');
      await ds.query(
        `INSERT INTO oidc_payloads (model, id, payload, grant_id, user_code, uid, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(secs => $7::int) END)
         ON CONFLICT (model, id) DO UPDATE
           SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, user_code = EXCLUDED.user_code,
               uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`,
        [
          this.model,
          id,
          JSON.stringify(payload),
          (payload.grantId as string | undefined) ?? null,
          (payload.userCode as string | undefined) ?? null,
          (payload.uid as string | undefined) ?? null,
          expiresIn ?? null,
        ],
      );
    }

    private async one(where: string, value: string): Promise<Record<string, unknown> | undefined> {
      const rows: Row[] = await ds.query(`SELECT payload, consumed_at FROM oidc_payloads WHERE model = $1 AND ${where} = $2 AND ${live}`, [
        this.model,
        value,
      ]);
      if (!rows.length) return undefined;
      const r = rows[0];
      return r.consumed_at ? { ...r.payload, consumed: Math.floor(r.consumed_at.getTime() / 1000) } : r.payload;
    }

    find(id: string): Promise<Record<string, unknown> | undefined> {
      return this.model === 'Client' ? clients(id) : this.one('id', id);
    }

    findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined> {
      return this.one('user_code', userCode);
    }

    findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
      return this.one('uid', uid);
    }

    async consume(id: string): Promise<void> {
      await ds.query(`UPDATE oidc_payloads SET consumed_at = now() WHERE model = $1 AND id = $2`, [this.model, id]);
    }

    async destroy(id: string): Promise<void> {
      await ds.query(`DELETE FROM oidc_payloads WHERE model = $1 AND id = $2`, [this.model, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await ds.query(`DELETE FROM oidc_payloads WHERE grant_id = $1`, [grantId]);
    }
  };
}

/** Deletes expired artefacts; returns how many. */
export async function sweepExpired(ds: DataSource): Promise<number> {
  const rows: { n: number }[] = await ds.query(
    `WITH d AS (DELETE FROM oidc_payloads WHERE expires_at IS NOT NULL AND expires_at <= now() RETURNING 1) SELECT count(*)::int AS n FROM d`,
  );
  return rows[0].n;
}
