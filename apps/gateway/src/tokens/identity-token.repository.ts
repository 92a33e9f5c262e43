import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE, IdentityTokenEntity, type ClientEnvironment } from '@facenition/database';
import type { DataSource } from 'typeorm';

/** The bookkeeping row of a newly issued token (ids and policy state only: no biometric, not the token). */
export interface IssuedToken {
  tokenId: Buffer;
  clientId: string;
  tenant: string;
  environment: ClientEnvironment;
  /** SHA-256 over the issued token's bytes (see tokenDigest). */
  digest: Buffer;
  createdAt: Date;
  expiresAt: Date | null;
}

/** What a presented token's row says, from one round trip. */
export interface PresentedState {
  /** Revoked here, or listed in an imported status list. */
  revoked: boolean;
  /** Locked out now (database time). */
  locked: boolean;
  /** Tenant the token is bound to. */
  tenant: string;
  /** Digest of the issued token, null while a token first seen here has not yet verified. */
  digest: Buffer | null;
}

export interface LockoutPolicy {
  /** Consecutive failures that lock the token. */
  threshold: number;
  /** Length of the first lock; each further failure doubles it. */
  seconds: number;
}

/** Every SQL statement on identity_tokens: issuance, the presented-token check, lockout, rotation and revocation. */
@Injectable()
export class IdentityTokenRepository {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async insert(token: IssuedToken): Promise<void> {
    await this.ds.getRepository(IdentityTokenEntity).insert(issuanceRow(token));
  }

  /**
   * The row of a presented token, in one round trip: inserted on first sight (a token issued by
   * another deployment holding the same key), bound to the presenting client's tenant; with its
   * revocation here or in an imported status list, and its lockout.
   */
  async presented(first: {
    tokenId: Buffer;
    clientId: string;
    tenant: string;
    environment: ClientEnvironment;
    expiresAt: Date | null;
  }): Promise<PresentedState> {
    const rows: PresentedState[] = await this.ds.query(
      `WITH ins AS (
         INSERT INTO identity_tokens (token_id, client_id, tenant, environment, created_at, expires_at, consecutive_failures)
         VALUES ($1, $2, $5, $3, now(), $4, 0)
         ON CONFLICT (token_id) DO NOTHING
         RETURNING revoked_at, locked_until, tenant, token_digest),
       row AS (
         SELECT revoked_at, locked_until, tenant, token_digest FROM ins
         UNION ALL
         SELECT revoked_at, locked_until, tenant, token_digest FROM identity_tokens WHERE token_id = $1)
       SELECT coalesce(bool_or(revoked_at IS NOT NULL), false)
                OR EXISTS (SELECT 1 FROM imported_revocations WHERE token_id = $1) AS revoked,
              coalesce(bool_or(locked_until > now()), false) AS locked,
              (array_agg(tenant))[1] AS tenant,
              (array_agg(token_digest))[1] AS digest
         FROM row`,
      [first.tokenId, first.clientId, first.environment, first.expiresAt, first.tenant],
    );
    return rows[0];
  }

  /** A verification succeeded: clears the failure counter and pins the digest of a token first seen here (no write in the common case). */
  async recordSuccess(tokenId: Buffer, digest: Buffer): Promise<void> {
    await this.ds.query(
      `UPDATE identity_tokens SET consecutive_failures = 0, locked_until = NULL, token_digest = coalesce(token_digest, $2)
        WHERE token_id = $1 AND (consecutive_failures <> 0 OR locked_until IS NOT NULL OR token_digest IS NULL)`,
      [tokenId, digest],
    );
  }

  /** NIST SP 800-63B-style lockout: after `threshold` consecutive failures, locked for a doubling period. */
  async recordFailure(tokenId: Buffer, lockout: LockoutPolicy): Promise<void> {
    await this.ds.query(
      `UPDATE identity_tokens
         SET consecutive_failures = consecutive_failures + 1,
             locked_until = CASE WHEN consecutive_failures + 1 >= $2
                                 THEN now() + make_interval(secs => $3::double precision * power(2, consecutive_failures + 1 - $2))
                                 ELSE locked_until END
       WHERE token_id = $1`,
      [tokenId, lockout.threshold, lockout.seconds],
    );
  }

  /**
   * Rotation: revokes `oldId` as replaced by `next` and records `next`, in one transaction. False
   * (nothing written) when `oldId` was revoked meanwhile, so one of two concurrent rotations wins.
   */
  async replace(oldId: Buffer, next: IssuedToken, revokedBy: string): Promise<boolean> {
    return this.ds.transaction(async (m) => {
      const u = await m
        .createQueryBuilder()
        .update(IdentityTokenEntity)
        .set({ revokedAt: () => 'now()', revokedBy, replacedBy: next.tokenId })
        .where('token_id = :id AND revoked_at IS NULL', { id: oldId })
        .execute();
      if (u.affected !== 1) return false;
      await m.getRepository(IdentityTokenEntity).insert(issuanceRow(next));
      return true;
    });
  }

  /**
   * The state of a roster's members in one round trip (1:N, /identify): tokens not issued here are
   * not inserted (a search takes part only for tokens this deployment issued or has seen verify).
   */
  async members(tokenIds: Buffer[]): Promise<Map<string, { tenant: string; digest: Buffer | null; revoked: boolean }>> {
    const rows: { token_id: Buffer; tenant: string; token_digest: Buffer | null; revoked: boolean }[] = await this.ds.query(
      `SELECT t.token_id, t.tenant, t.token_digest,
              t.revoked_at IS NOT NULL OR EXISTS (SELECT 1 FROM imported_revocations r WHERE r.token_id = t.token_id) AS revoked
         FROM identity_tokens t
        WHERE t.token_id = ANY($1::bytea[])`,
      [tokenIds],
    );
    return new Map(
      rows.map((r) => [Buffer.from(r.token_id).toString('hex'), { tenant: r.tenant, digest: r.token_digest, revoked: r.revoked }]),
    );
  }

  async find(tokenId: Buffer): Promise<{ tenant: string; revokedAt: Date | null } | null> {
    const row = await this.ds.getRepository(IdentityTokenEntity).findOneBy({ tokenId });
    return row && { tenant: row.tenant, revokedAt: row.revokedAt };
  }

  async revoke(tokenId: Buffer, revokedAt: Date, revokedBy: string): Promise<void> {
    await this.ds.getRepository(IdentityTokenEntity).update({ tokenId }, { revokedAt, revokedBy });
  }
}

function issuanceRow(t: IssuedToken): IdentityTokenEntity {
  return {
    tokenId: t.tokenId,
    clientId: t.clientId,
    tenant: t.tenant,
    tokenDigest: t.digest,
    environment: t.environment,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    revokedAt: null,
    revokedBy: null,
    replacedBy: null,
    consecutiveFailures: 0,
    lockedUntil: null,
  };
}
