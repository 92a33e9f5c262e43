import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClientNotFoundError, ClientsService, CLOCK, type ClientPrincipal, type Clock } from '@facenition/clients';
import { DATA_SOURCE } from '@facenition/database';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** How long a verification counts for the token hooks. */
export const VERIFICATION_TTL_SECONDS = 300;
const KEY_NAME = 'verification_subject_key';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RecentVerification {
  verifiedAt: Date;
  acr: string;
}

/**
 * Recent face verifications of identity-provider subjects, for the token hooks (Entra ID custom
 * claims provider, Okta token inline hook): "did this user pass a face verification in the last
 * 300 s, for a client of this tenant and environment?". A row holds the tenant, an HMAC of
 * (environment, tenant, subject) under a random server secret, the acr and two dates: never the
 * subject in clear, the identity token, an image or anything derived from a face. Expired rows
 * are deleted whenever a new one is written.
 */
@Injectable()
export class FaceVerifications {
  private readonly log = new Logger('FaceVerifications');
  private key?: Buffer;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(CLOCK) private readonly now: Clock,
    private readonly clients: ClientsService,
  ) {}

  /** Random server secret for subject hashes (created once, shared by replicas), as RelyingParties.subjectRoot does. */
  private async subjectKey(): Promise<Buffer> {
    if (this.key) return this.key;
    await this.ds.query(`INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, now()) ON CONFLICT (name) DO NOTHING`, [
      KEY_NAME,
      randomBytes(32),
    ]);
    const rows: { value: Buffer }[] = await this.ds.query(`SELECT value FROM server_secrets WHERE name = $1`, [KEY_NAME]);
    this.key = rows[0].value;
    return this.key;
  }

  /** The stored form of a subject: identity providers' GUIDs compare case-insensitively. */
  async subjectHash(tenant: string, environment: string, subject: string): Promise<Buffer> {
    const name = GUID.test(subject) ? subject.toLowerCase() : subject;
    return createHmac('sha256', await this.subjectKey())
      .update(`${environment}\u0000${tenant}\u0000`)
      .update(name, 'utf8')
      .digest();
  }

  /** Records that `subject` passed a face verification at `acr`, for the caller's tenant and environment. */
  async record(principal: ClientPrincipal, subject: string, acr: string): Promise<void> {
    const now = this.now();
    const hash = await this.subjectHash(principal.tenant, principal.environment, subject);
    await this.ds.query(`DELETE FROM face_verifications WHERE expires_at <= $1`, [now]);
    await this.ds.query(
      `INSERT INTO face_verifications (id, tenant, subject_hash, acr, verified_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [randomUUID(), principal.tenant, hash, acr, now, new Date(now.getTime() + VERIFICATION_TTL_SECONDS * 1000)],
    );
  }

  /**
   * The latest unexpired verification of `subject` for the tenant and environment of the API client
   * a hook is configured with; undefined when there is none, or when that client is unknown,
   * revoked or expired (then no verification counts).
   */
  async latestFor(apiClientId: string, subject: string): Promise<RecentVerification | undefined> {
    const now = this.now();
    let client;
    try {
      client = await this.clients.get(apiClientId);
    } catch (err) {
      if (!(err instanceof ClientNotFoundError)) throw err;
      this.log.warn(`the API client ${apiClientId} configured for a token hook does not exist: no verification counts`);
      return undefined;
    }
    if (client.revokedAt || (client.expiresAt && client.expiresAt <= now)) {
      this.log.warn(`the API client ${apiClientId} configured for a token hook is revoked or expired: no verification counts`);
      return undefined;
    }
    const hash = await this.subjectHash(client.tenant, client.environment, subject);
    const rows: { acr: string; verified_at: Date }[] = await this.ds.query(
      `SELECT acr, verified_at FROM face_verifications
        WHERE tenant = $1 AND subject_hash = $2 AND expires_at > $3 AND verified_at <= $3
        ORDER BY verified_at DESC LIMIT 1`,
      [client.tenant, hash, now],
    );
    return rows[0] ? { verifiedAt: rows[0].verified_at, acr: rows[0].acr } : undefined;
  }
}
