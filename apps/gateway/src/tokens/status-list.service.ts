import { Inject, Injectable, Logger } from '@nestjs/common';
import { DATA_SOURCE } from '@facenition/database';
import {
  signStatusListInWorker,
  StatusListError,
  statusListKeys,
  verifyStatusListInWorker,
  type PackedStatusList,
  type PepperRing,
} from '@facenition/tokenisation';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ApiError, badRequest } from '../common/api-error';
import { PEPPER } from './identity-token.service';

/**
 * Rows written or deleted per statement when staging or dropping a list. Each statement is short
 * (tens of ms), so other requests get the database in between; in embedded mode PGlite is ONE
 * session, and one 250,000-row statement used to hold it for over 5 s.
 */
const CHUNK_ROWS = 1000;
/** An import claim not touched for this long belongs to an import that died; another import may take it over. */
const CLAIM_STALE_SECONDS = 120;
// UPDATE/DELETE ... RETURNING are wrapped in WITH ... SELECT: TypeORM answers a bare one with [rows, count], not rows

const importInProgress = () =>
  new ApiError(
    409,
    "status list refused: another import of this issuer's list is in progress (on this or another replica); retry later",
    'status_list_import_in_progress',
  );

interface SourceRow {
  issued_at: Date;
  imported_at: Date;
  reset_at: Date | null;
  entries: number;
  generation: string;
}

export interface StatusListSource {
  issuer: string;
  key_id: string;
  issued_at: Date;
  imported_at: Date;
  entries: number;
  reset_at: Date | null;
  /** true when an admin reset is later than the last import: the next list is accepted whatever its date */
  reset_pending: boolean;
}

/**
 * Signed revocation status lists (docs/token-format.md §10): export of this deployment's
 * revocations, import of other deployments' lists with anti-rollback, the list of sources and the
 * admin reset of an issuer's anti-rollback mark.
 *
 * An import verifies the list in a worker thread, then stages its entries under a new generation
 * in short statements (invisible: `imported_revocations` shows only each source's current
 * generation), switches the source to that generation in one short transaction and drops the old
 * generation in short statements. Imports of one issuer are serialised: in this process by a
 * queue, across replicas by a claim row in `status_list_imports`.
 */
@Injectable()
export class StatusListService {
  private readonly log = new Logger('StatusList');
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    @Inject(PEPPER) private readonly peppers: PepperRing,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
  ) {}

  /** Stable id of this deployment as a status-list issuer (generated once, shared by replicas). */
  private async deploymentId(): Promise<string> {
    await this.ds.query(
      `INSERT INTO server_secrets (name, value, created_at) VALUES ('deployment_id', $1, now()) ON CONFLICT (name) DO NOTHING`,
      [randomBytes(16)],
    );
    const rows: { value: Buffer }[] = await this.ds.query(`SELECT value FROM server_secrets WHERE name = 'deployment_id'`);
    return rows[0].value.toString('hex');
  }

  /** This deployment's revoked, unexpired tokens as a signed status list (see docs/token-format.md). */
  async exportStatusList(): Promise<{ document: string; entries: number }> {
    const rows: { token_id: Buffer; revoked_at: Date }[] = await this.ds.query(
      `SELECT token_id, revoked_at FROM identity_tokens
        WHERE revoked_at IS NOT NULL AND (expires_at IS NULL OR expires_at > now())
        ORDER BY revoked_at, token_id`,
    );
    const revoked = rows.map((r) => ({ tokenId: r.token_id.toString('hex'), revokedAt: r.revoked_at }));
    const document = await signStatusListInWorker(
      { issuer: await this.deploymentId(), issuedAt: new Date(), revoked },
      this.peppers.current,
    );
    return { document, entries: revoked.length };
  }

  /**
   * Imports another deployment's status list: it must be signed under a deployment key held here,
   * dated at most a few minutes ahead of this clock, and newer than the last list imported from
   * that issuer (no rollback) unless an admin reset that mark since; it replaces that list.
   */
  async importStatusList(doc: unknown): Promise<{ issuer: string; issuedAt: Date; entries: number; replaced: number }> {
    let list: PackedStatusList;
    try {
      list = await verifyStatusListInWorker(doc, statusListKeys(this.peppers.all), new Date());
    } catch (err) {
      if (err instanceof StatusListError) throw badRequest(`status list refused: ${err.message}`, 'invalid_status_list');
      throw err;
    }
    if (list.issuer === (await this.deploymentId()))
      throw badRequest("status list refused: it is this deployment's own list", 'invalid_status_list');
    const replaced = await this.serialised(list.issuer, () => this.replace(list));
    return { issuer: list.issuer, issuedAt: new Date(list.issuedAt), entries: list.count, replaced };
  }

  /** Runs `f` after every earlier import of the same issuer in this process has finished. */
  private serialised<T>(issuer: string, f: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(issuer) ?? Promise.resolve()).then(f);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(issuer, tail);
    void tail.then(() => {
      if (this.queues.get(issuer) === tail) this.queues.delete(issuer);
    });
    return run;
  }

  /** 409 unless the list is newer than the one in force, or an admin reset the mark after the last import. */
  private checkNotStale(prev: SourceRow | undefined, list: PackedStatusList): void {
    if (!prev) return;
    if (prev.reset_at && prev.reset_at.getTime() >= prev.imported_at.getTime()) return;
    if (prev.issued_at.getTime() >= list.issuedAt) {
      throw new ApiError(
        409,
        `status list refused: a list from this issuer issued at ${prev.issued_at.toISOString()} is already imported (lists must be newer)`,
        'stale_status_list',
      );
    }
  }

  /** Stages, switches to and cleans up after a verified list; returns the number of entries it replaced. */
  private async replace(list: PackedStatusList): Promise<number> {
    const { current, generation } = await this.claim(list);
    let switched: { replaced: number; previous?: string };
    try {
      await this.dropStrayGenerations(list.issuer, [current, generation], generation);
      await this.stage(list, generation);
      switched = await this.switchTo(list, generation);
    } catch (err) {
      await this.abandon(list.issuer, generation, list.count).catch((e: Error) =>
        this.log.warn(`cleanup of an abandoned import failed: ${e.message}`),
      );
      throw err;
    }
    // the old generation is invisible already; a failure here leaves rows the next import of this issuer drops
    if (switched.previous !== undefined) {
      await this.dropGeneration(list.issuer, switched.previous, switched.replaced).catch((e: Error) =>
        this.log.warn(`dropping the replaced status list of ${list.issuer} failed: ${e.message}`),
      );
    }
    return switched.replaced;
  }

  /** Short transaction: anti-rollback check, then this import's claim on the issuer with a new generation number. */
  private claim(list: PackedStatusList): Promise<{ current: string | undefined; generation: string }> {
    return this.ds.transaction(async (m) => {
      const [prev]: SourceRow[] = await m.query(
        `SELECT issued_at, imported_at, reset_at, entries, generation FROM status_list_sources WHERE issuer = $1 FOR UPDATE`,
        [list.issuer],
      );
      this.checkNotStale(prev, list);
      const claimed: { generation: string }[] = await m.query(
        `INSERT INTO status_list_imports (issuer, generation, started_at, touched_at)
         VALUES ($1, nextval('status_list_generation'), now(), now())
         ON CONFLICT (issuer) DO UPDATE SET generation = EXCLUDED.generation, started_at = now(), touched_at = now()
          WHERE status_list_imports.touched_at < now() - make_interval(secs => $2)
         RETURNING generation`,
        [list.issuer, CLAIM_STALE_SECONDS],
      );
      if (!claimed.length) throw importInProgress();
      return { current: prev?.generation, generation: claimed[0].generation };
    });
  }

  /** Writes the entries under `generation` in chunks, each in its own statement that also renews (and checks) the claim. */
  private async stage(list: PackedStatusList, generation: string): Promise<void> {
    const ids = Buffer.from(list.tokenIds.buffer, list.tokenIds.byteOffset, list.tokenIds.byteLength);
    for (let start = 0; start < list.count; start += CHUNK_ROWS) {
      const end = Math.min(list.count, start + CHUNK_ROWS);
      const tokenIds: string[] = [];
      const revokedAt: string[] = [];
      for (let i = start; i < end; i++) {
        tokenIds.push(ids.toString('hex', 16 * i, 16 * i + 16));
        revokedAt.push(new Date(list.revokedAt[i]).toISOString());
      }
      const [{ claimed }]: { claimed: number }[] = await this.ds.query(
        `WITH claim AS (
           UPDATE status_list_imports SET touched_at = now() WHERE issuer = $1 AND generation = $2::bigint RETURNING 1),
         ins AS (
           INSERT INTO status_list_entries (issuer, generation, token_id, revoked_at)
           SELECT $1, $2::bigint, decode(id, 'hex'), at FROM unnest($3::text[], $4::timestamptz[]) AS u(id, at)
            WHERE EXISTS (SELECT 1 FROM claim)
           ON CONFLICT DO NOTHING)
         SELECT count(*)::int AS claimed FROM claim`,
        [list.issuer, generation, tokenIds, revokedAt],
      );
      if (!claimed) throw importInProgress();
    }
  }

  /** Short transaction: the staged generation becomes the issuer's list in force (the anti-rollback check again, under the row lock). */
  private switchTo(list: PackedStatusList, generation: string): Promise<{ replaced: number; previous?: string }> {
    return this.ds.transaction(async (m) => {
      const [prev]: SourceRow[] = await m.query(
        `SELECT issued_at, imported_at, reset_at, entries, generation FROM status_list_sources WHERE issuer = $1 FOR UPDATE`,
        [list.issuer],
      );
      this.checkNotStale(prev, list);
      const released: unknown[] = await m.query(
        `WITH d AS (DELETE FROM status_list_imports WHERE issuer = $1 AND generation = $2 RETURNING 1) SELECT * FROM d`,
        [list.issuer, generation],
      );
      if (!released.length) throw importInProgress();
      await m.query(
        `INSERT INTO status_list_sources (issuer, key_id, issued_at, imported_at, entries, generation) VALUES ($1, $2, $3, now(), $4, $5)
         ON CONFLICT (issuer) DO UPDATE SET key_id = $2, issued_at = $3, imported_at = now(), entries = $4, generation = $5`,
        [list.issuer, list.keyId, new Date(list.issuedAt), list.count, generation],
      );
      return { replaced: prev?.entries ?? 0, previous: prev?.generation };
    });
  }

  /** Releases this import's claim and drops what it staged. */
  private async abandon(issuer: string, generation: string, staged: number): Promise<void> {
    const released: unknown[] = await this.ds.query(
      `WITH d AS (DELETE FROM status_list_imports WHERE issuer = $1 AND generation = $2 RETURNING 1) SELECT * FROM d`,
      [issuer, generation],
    );
    // if another import took the claim over, it drops these rows itself
    if (released.length) await this.dropGeneration(issuer, generation, staged);
  }

  /** Drops the issuer's entries of every generation but `keep` (left by imports that died), renewing this import's claim. */
  private async dropStrayGenerations(issuer: string, keep: (string | undefined)[], claim: string): Promise<void> {
    // a loose index scan: one index probe per generation present, not a pass over the rows
    const rows: { generation: string }[] = await this.ds.query(
      `WITH RECURSIVE g AS (
         SELECT (SELECT min(generation) FROM status_list_entries WHERE issuer = $1) AS generation
         UNION ALL
         SELECT (SELECT min(generation) FROM status_list_entries WHERE issuer = $1 AND generation > g.generation) FROM g
          WHERE g.generation IS NOT NULL)
       SELECT generation FROM g WHERE generation IS NOT NULL`,
      [issuer],
    );
    for (const { generation } of rows) {
      if (keep.includes(generation)) continue;
      const [{ n }]: { n: number }[] = await this.ds.query(
        `SELECT count(*)::int AS n FROM status_list_entries WHERE issuer = $1 AND generation = $2`,
        [issuer, generation],
      );
      await this.dropGeneration(issuer, generation, n, claim);
    }
  }

  /**
   * Deletes the issuer's entries of one generation (`rows` of them, about), none of which a reader
   * sees, in chunks of about CHUNK_ROWS: token ids are random, so ranges of their first four bytes
   * split them evenly. Each statement reads only its own range, whatever the planner knows (PGlite
   * keeps no statistics: an ORDER BY ... LIMIT walk re-read every remaining row per chunk). With
   * `claim`, each chunk first renews (and checks) that import claim.
   */
  private async dropGeneration(issuer: string, generation: string, rows: number, claim?: string): Promise<void> {
    const ranges = Math.max(1, Math.ceil(rows / CHUNK_ROWS));
    const bound = (r: number): Buffer => {
      if (r >= ranges) return Buffer.alloc(17, 0xff); // above every 16-byte id
      const b = Buffer.alloc(4);
      b.writeUInt32BE(Math.floor((r * 2 ** 32) / ranges));
      return b;
    };
    for (let r = 0; r < ranges; r++) {
      for (;;) {
        if (claim !== undefined) {
          const renewed: unknown[] = await this.ds.query(
            `WITH u AS (UPDATE status_list_imports SET touched_at = now() WHERE issuer = $1 AND generation = $2 RETURNING 1) SELECT * FROM u`,
            [issuer, claim],
          );
          if (!renewed.length) throw importInProgress();
        }
        // bounded by CHUNK_ROWS too, should the ids of a range not be spread evenly
        const [{ n }]: { n: number }[] = await this.ds.query(
          `WITH d AS (
             DELETE FROM status_list_entries WHERE ctid = ANY (ARRAY(
               SELECT ctid FROM status_list_entries
                WHERE issuer = $1 AND generation = $2 AND token_id >= $3 AND token_id < $4 LIMIT $5))
             RETURNING 1)
           SELECT count(*)::int AS n FROM d`,
          [issuer, generation, bound(r), bound(r + 1), CHUNK_ROWS],
        );
        if (n < CHUNK_ROWS) break;
      }
    }
  }

  async statusListSources(): Promise<StatusListSource[]> {
    return this.ds.query(
      `SELECT issuer, key_id, issued_at, imported_at, entries, reset_at, coalesce(reset_at >= imported_at, false) AS reset_pending
         FROM status_list_sources ORDER BY issuer`,
    );
  }

  /**
   * Clears an issuer's anti-rollback mark: its next list is accepted whatever its date (e.g. after
   * a list dated far in the future slipped in). The revocations in force stay until that list
   * replaces them; reset_at records when.
   */
  async resetSource(issuer: string): Promise<StatusListSource> {
    const rows: StatusListSource[] = await this.ds.query(
      `WITH u AS (
         UPDATE status_list_sources SET reset_at = now() WHERE issuer = $1
         RETURNING issuer, key_id, issued_at, imported_at, entries, reset_at, true AS reset_pending)
       SELECT * FROM u`,
      [issuer],
    );
    if (!rows.length) throw new ApiError(404, `no status list from issuer ${issuer} has been imported`, 'status_list_source_not_found');
    return rows[0];
  }
}
