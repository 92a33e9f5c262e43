import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE } from '@facenition/database';
import { signStatusList, StatusListError, verifyStatusList, type PepperRing } from '@facenition/tokenisation';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ApiError, badRequest } from '../common/api-error';
import { PEPPER } from './identity-token.service';

/**
 * Signed revocation status lists (docs/token-format.md §10): export of this deployment's
 * revocations, import of other deployments' lists with anti-rollback, and the list of sources.
 */
@Injectable()
export class StatusListService {
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
    const document = signStatusList({ issuer: await this.deploymentId(), issuedAt: new Date(), revoked }, this.peppers.current);
    return { document, entries: revoked.length };
  }

  /**
   * Imports another deployment's status list: it must be signed under a deployment key held here
   * and newer than the last list imported from that issuer (no rollback); it replaces that list.
   */
  async importStatusList(doc: unknown): Promise<{ issuer: string; issuedAt: Date; entries: number; replaced: number }> {
    let list;
    try {
      list = verifyStatusList(doc, this.peppers.all);
    } catch (err) {
      if (err instanceof StatusListError) throw badRequest(`status list refused: ${err.message}`, 'invalid_status_list');
      throw err;
    }
    if (list.issuer === (await this.deploymentId()))
      throw badRequest("status list refused: it is this deployment's own list", 'invalid_status_list');
    return this.ds.transaction(async (m) => {
      const prev: { issued_at: Date; entries: number }[] = await m.query(
        `SELECT issued_at, entries FROM status_list_sources WHERE issuer = $1 FOR UPDATE`,
        [list.issuer],
      );
      if (prev.length && prev[0].issued_at.getTime() >= list.issuedAt.getTime()) {
        throw new ApiError(
          409,
          `status list refused: a list from this issuer issued at ${prev[0].issued_at.toISOString()} is already imported (lists must be newer)`,
          'stale_status_list',
        );
      }
      await m.query(
        `INSERT INTO status_list_sources (issuer, key_id, issued_at, imported_at, entries) VALUES ($1, $2, $3, now(), $4)
         ON CONFLICT (issuer) DO UPDATE SET key_id = $2, issued_at = $3, imported_at = now(), entries = $4`,
        [list.issuer, list.keyId, list.issuedAt, list.revoked.length],
      );
      await m.query(`DELETE FROM imported_revocations WHERE issuer = $1`, [list.issuer]);
      if (list.revoked.length) {
        await m.query(
          `INSERT INTO imported_revocations (issuer, token_id, revoked_at)
           SELECT $1, decode(id, 'hex'), at FROM unnest($2::text[], $3::timestamptz[]) AS u(id, at)
           ON CONFLICT DO NOTHING`,
          [list.issuer, list.revoked.map((e) => e.tokenId), list.revoked.map((e) => e.revokedAt)],
        );
      }
      return { issuer: list.issuer, issuedAt: list.issuedAt, entries: list.revoked.length, replaced: prev[0]?.entries ?? 0 };
    });
  }

  async statusListSources(): Promise<{ issuer: string; key_id: string; issued_at: Date; imported_at: Date; entries: number }[]> {
    return this.ds.query(`SELECT issuer, key_id, issued_at, imported_at, entries FROM status_list_sources ORDER BY issuer`);
  }
}
