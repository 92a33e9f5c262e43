import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ClientEnvironment = 'sandbox' | 'production';
export type ClientPlan = 'developer' | 'enterprise';

@Entity('api_clients')
export class ApiClientEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') environment!: ClientEnvironment;
  @Column('text') plan!: ClientPlan;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt!: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  /** SHA-256 of the long-lived client token's secret part; the token itself is never stored. */
  @Column('bytea', { name: 'token_hash' }) tokenHash!: Buffer;
  /** After a rotation: hash of the previous token, accepted until previous_valid_until. */
  @Column('bytea', { name: 'previous_token_hash', nullable: true }) previousTokenHash!: Buffer | null;
  @Column('timestamptz', { name: 'previous_valid_until', nullable: true }) previousValidUntil!: Date | null;
  /** SHA-256 of the client secret used at /token. */
  @Column('bytea', { name: 'secret_hash' }) secretHash!: Buffer;
  @Column('timestamptz', { name: 'rotated_at', nullable: true }) rotatedAt!: Date | null;
  /** Clients of one tenant share identity tokens; by default a client is its own tenant (its id). */
  @Column('text') tenant!: string;
}

@Entity('quota_usage')
export class QuotaUsageEntity {
  @PrimaryColumn('uuid', { name: 'client_id' }) clientId!: string;
  /** Calendar month in UTC, 'YYYY-MM'. */
  @PrimaryColumn('text') month!: string;
  @Column('integer') calls!: number;
}

@Entity('audit_log')
@Index('audit_log_ts', ['ts'])
@Index('audit_log_client_ts', ['clientId', 'ts'])
export class AuditRecordEntity {
  @PrimaryColumn('bigint') seq!: string;
  @Column('timestamptz') ts!: Date;
  @Column('text', { name: 'request_id' }) requestId!: string;
  @Column('uuid', { name: 'client_id', nullable: true }) clientId!: string | null;
  @Column('text') endpoint!: string;
  @Column('integer') status!: number;
  @Column('text', { name: 'error_code', nullable: true }) errorCode!: string | null;
  @Column('text', { nullable: true }) decision!: string | null;
  @Column('double precision', { nullable: true }) score!: number | null;
  @Column('double precision', { nullable: true }) threshold!: number | null;
  @Column('integer', { nullable: true }) accuracy!: number | null;
  @Column('text', { name: 'token_ref', nullable: true }) tokenRef!: string | null;
  @Column('double precision', { name: 'latency_ms' }) latencyMs!: number;
  @Column('text', { name: 'source_ip', nullable: true }) sourceIp!: string | null;
  /** The caller's own X-Request-Id (validated), kept apart from the server-generated request_id. */
  @Column('text', { name: 'client_request_id', nullable: true }) clientRequestId!: string | null;
  @Column('text', { name: 'subject_ref', nullable: true }) subjectRef!: string | null;
  @Column('bytea', { name: 'prev_hash' }) prevHash!: Buffer;
  @Column('bytea') hash!: Buffer;
}

/** One row: the newest link of the audit chain (serialises appends across replicas with FOR UPDATE). */
@Entity('audit_head')
export class AuditHeadEntity {
  @PrimaryColumn('integer') id!: number;
  @Column('bigint') seq!: string;
  @Column('bytea') hash!: Buffer;
}

/** One row: the last record deleted by retention; verification of what remains starts here. */
@Entity('audit_anchor')
export class AuditAnchorEntity {
  @PrimaryColumn('integer') id!: number;
  @Column('bigint') seq!: string;
  @Column('bytea') hash!: Buffer;
  @Column('timestamptz', { name: 'purged_at' }) purgedAt!: Date;
}

/** Server-generated secrets shared by every replica (e.g. the access-token signing key). */
@Entity('server_secrets')
export class ServerSecretEntity {
  @PrimaryColumn('text') name!: string;
  @Column('bytea') value!: Buffer;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** Issuance record of an identity token: ids and policy state only (the token itself is not stored). */
@Entity('identity_tokens')
export class IdentityTokenEntity {
  @PrimaryColumn('bytea', { name: 'token_id' }) tokenId!: Buffer;
  @Column('uuid', { name: 'client_id' }) clientId!: string;
  @Column('text') environment!: ClientEnvironment;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt!: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  @Column('uuid', { name: 'revoked_by', nullable: true }) revokedBy!: string | null;
  @Column('bytea', { name: 'replaced_by', nullable: true }) replacedBy!: Buffer | null;
  @Column('integer', { name: 'consecutive_failures' }) consecutiveFailures!: number;
  @Column('timestamptz', { name: 'locked_until', nullable: true }) lockedUntil!: Date | null;
  /** Tenant of the issuing client: only clients of this tenant may use the token. */
  @Column('text') tenant!: string;
  /** SHA-256 over the issued token's bytes: an altered copy is refused before it can count as a failure. */
  @Column('bytea', { name: 'token_digest', nullable: true }) tokenDigest!: Buffer | null;
}

/** Last imported status list per issuing deployment (anti-rollback: older lists are refused). */
@Entity('status_list_sources')
export class StatusListSourceEntity {
  @PrimaryColumn('text') issuer!: string;
  @Column('text', { name: 'key_id' }) keyId!: string;
  @Column('timestamptz', { name: 'issued_at' }) issuedAt!: Date;
  @Column('timestamptz', { name: 'imported_at' }) importedAt!: Date;
  @Column('integer') entries!: number;
  /** Last admin reset of the anti-rollback mark; a reset later than imported_at lets the next list in whatever its date. */
  @Column('timestamptz', { name: 'reset_at', nullable: true }) resetAt!: Date | null;
  /** Generation of the list in force in status_list_entries (imported_revocations shows only these). */
  @Column('bigint') generation!: string;
}

/** A token revoked at another deployment, from its signed status list. */
@Entity('imported_revocations')
export class ImportedRevocationEntity {
  @PrimaryColumn('text') issuer!: string;
  @PrimaryColumn('bytea', { name: 'token_id' }) tokenId!: Buffer;
  @Column('timestamptz', { name: 'revoked_at' }) revokedAt!: Date;
}

/** Metered calls of the whole deployment in one month (YYYY-MM, UTC), for the licence's limit. */
@Entity('license_usage')
export class LicenseUsageEntity {
  @PrimaryColumn('text') month!: string;
  @Column('bigint') calls!: string;
}

/** A running server instance; rows not seen for a few heartbeats are stale. */
@Entity('instances')
export class InstanceEntity {
  @PrimaryColumn('uuid', { name: 'instance_id' }) instanceId!: string;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'last_seen' }) lastSeen!: Date;
}

export const ENTITIES = [
  InstanceEntity,
  LicenseUsageEntity,
  StatusListSourceEntity,
  ImportedRevocationEntity,
  IdentityTokenEntity,
  ApiClientEntity,
  QuotaUsageEntity,
  AuditRecordEntity,
  AuditHeadEntity,
  AuditAnchorEntity,
  ServerSecretEntity,
];
