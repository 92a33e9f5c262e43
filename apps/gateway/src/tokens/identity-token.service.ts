import { Inject, Injectable } from '@nestjs/common';
import { safeEqual, type ClientPrincipal } from '@facenition/clients';
import { DATA_SOURCE, IdentityTokenEntity } from '@facenition/database';
import { accuracyLevel, cosineSimilarity, l2normalise, type AnalyzeResult } from '@facenition/face';
import {
  decodeToken,
  generateIdentityToken,
  releaseKey,
  tokenLevel,
  TokenFormatError,
  verifyIdentityToken,
  type IdentityToken,
  type PepperRing,
} from '@facenition/tokenisation';
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ApiError, badRequest } from '../common/api-error';
import { APP_CONFIG, type AppConfig } from '../config';
import { FaceService } from '../face/face.service';
import { LicenseService } from '../license/license.service';

export const PEPPER = Symbol('PEPPER');

/** scrypt block size and parallelism of every token this product issues (docs/token-format.md §3). */
const KDF_R = 8;
const KDF_P = 1;

export type FailureReason = 'no_match' | 'not_live' | 'expired' | 'revoked' | 'locked' | 'wrong_environment';

/** Non-reversible reference to a token for audit records: SHA-256 of its id, truncated. */
export const tokenRef = (tokenId: Buffer | Uint8Array): string =>
  createHash('sha256').update('facenition token ref').update(tokenId).digest('hex').slice(0, 32);

export interface AuthOutcome {
  authenticated: boolean;
  reason?: FailureReason;
  score: number | null;
  threshold: number;
  accuracy: number;
  releasedKey?: string;
  tokenId: Buffer;
}

/**
 * Identity tokens: enrolment (photo(s) + secrets -> token) and verification. Faces go through
 * the worker pool; embeddings exist only inside these calls. Issuance, revocation and the
 * failure lockout live in identity_tokens (no biometric data).
 */
@Injectable()
export class IdentityTokenService {
  constructor(
    private readonly faces: FaceService,
    @Inject(PEPPER) private readonly peppers: PepperRing,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly license: LicenseService,
  ) {}

  /** The liveness gate: true when off, or when the photo's liveness score reaches the gate threshold. */
  private isLive(r: AnalyzeResult): boolean {
    return !this.config.livenessGate || !r.liveness || r.liveness.score >= this.config.livenessGateThreshold;
  }

  private livenessGate(r: AnalyzeResult, field: string): void {
    if (!this.isLive(r)) throw new LivenessRefusedError(field);
  }

  /** Enrolment gates (one face, quality, liveness, one person) on each photo; the embeddings and their normalised mean. */
  private async enrolmentEmbeddings(
    images: Buffer[],
    signal?: AbortSignal,
  ): Promise<{ each: Float32Array[]; mean: Float32Array; quality: number[] }> {
    const fieldOf = (i: number) => (images.length > 1 ? `photo[${i}]` : 'photo');
    // on the first photo that fails, the others are cancelled (queued ones never run)
    const analysed = await this.faces.analyzeAll(
      images.map((bytes, i) => ({
        bytes,
        field: fieldOf(i),
        request: { embed: true, quality: true, liveness: this.config.livenessGate },
        needFace: true,
      })),
      signal,
    );
    const results = analysed.map((r, i) => ({ r, field: fieldOf(i) }));
    try {
      for (const { r, field } of results) {
        if (r.faces.length > 1)
          throw badRequest(`'${field}' shows ${r.faces.length} faces; an enrolment photo must show exactly one`, 'several_faces');
        for (const [name, c] of Object.entries(r.quality!.components)) {
          if (c.score < this.config.enrolMinComponent) {
            throw badRequest(
              `'${field}' is not good enough to enrol: ${name.replace('_', ' ')} scores ${c.score} (minimum ${this.config.enrolMinComponent})`,
              'low_quality',
            );
          }
        }
        this.livenessGate(r, field);
      }
      // several photos must show one person (level 4), then their embeddings are averaged
      const { threshold } = accuracyLevel(4);
      for (let i = 0; i < results.length; i++) {
        for (let j = i + 1; j < results.length; j++) {
          if (cosineSimilarity(results[i].r.embedding!, results[j].r.embedding!) < threshold) {
            throw badRequest(`'${results[i].field}' and '${results[j].field}' do not show the same person`, 'inconsistent_photos');
          }
        }
      }
    } catch (err) {
      for (const { r } of results) r.embedding!.fill(0);
      throw err;
    }
    const sum = new Float32Array(results[0].r.embedding!.length);
    for (const { r } of results) r.embedding!.forEach((v, k) => (sum[k] += v));
    const mean = l2normalise(sum);
    sum.fill(0);
    return { each: results.map(({ r }) => r.embedding!), mean, quality: results.map(({ r }) => r.quality!.score) };
  }

  /** Seals an embedding into a new token under the current deployment key (nothing is stored here). */
  private mint(principal: ClientPrincipal, embedding: Float32Array, input: MintInput) {
    return generateIdentityToken(
      {
        embedding,
        password: input.password,
        scope: input.scope,
        environment: principal.environment,
        accuracy: input.accuracy,
        expiresAt: input.expiresAt ? Math.floor(input.expiresAt.getTime() / 1000) : 0,
      },
      this.peppers.current,
      { bytes: (n) => randomBytes(n) },
      { kdf: { log2N: this.config.kdfLog2N, r: KDF_R, p: KDF_P } },
    );
  }

  private issuanceRow(principal: ClientPrincipal, tokenId: Uint8Array, expiresAt: Date | null, token: string): IdentityTokenEntity {
    return {
      tokenId: Buffer.from(tokenId),
      clientId: principal.clientId,
      tenant: principal.tenant,
      tokenDigest: tokenDigest(token),
      environment: principal.environment,
      createdAt: new Date(),
      expiresAt,
      revokedAt: null,
      revokedBy: null,
      replacedBy: null,
      consecutiveFailures: 0,
      lockedUntil: null,
    };
  }

  async generate(
    principal: ClientPrincipal,
    images: Buffer[],
    input: MintInput,
    signal?: AbortSignal,
  ): Promise<{ token: string; tokenId: string; expiresAt: Date | null; quality: number[] }> {
    this.license.assertEnrolment();
    const e = await this.enrolmentEmbeddings(images, signal);
    let gen;
    try {
      gen = await this.mint(principal, e.mean, input);
    } finally {
      e.mean.fill(0);
      e.each.forEach((x) => x.fill(0));
    }
    await this.ds.getRepository(IdentityTokenEntity).insert(this.issuanceRow(principal, gen.header.tokenId, input.expiresAt, gen.token));
    return { token: gen.token, tokenId: gen.tokenId, expiresAt: input.expiresAt, quality: e.quality };
  }

  /**
   * Decodes a presented token and refuses, before any work, key-derivation parameters this
   * deployment does not issue: a token copied with its KDF bytes raised (the format allows scrypt
   * up to N = 2^20, r = 32, p = 16: ~4 GiB and minutes per call) would otherwise cost that much
   * memory and CPU before its tag could be checked.
   */
  parse(token: string) {
    let t: IdentityToken;
    try {
      t = decodeToken(token);
    } catch (err) {
      if (err instanceof TokenFormatError) throw badRequest(`'token' is not a valid identity token: ${err.message}`, 'invalid_token');
      throw err;
    }
    const { log2N, r, p } = t.header.kdf;
    if (r !== KDF_R || p !== KDF_P || log2N > this.config.kdfMaxLog2N) {
      throw badRequest(
        `'token' asks for a key derivation (scrypt N=2^${log2N}, r=${r}, p=${p}) beyond what this deployment accepts ` +
          `(N ≤ 2^${this.config.kdfMaxLog2N}, r=${KDF_R}, p=${KDF_P})`,
        'unsupported_kdf',
      );
    }
    return t;
  }

  /**
   * Policy checks before any face is analysed: environment, deployment key, tenant (a token is
   * usable only by clients of the tenant that issued it; others get 404 as for an unknown token),
   * the issued token's digest (an altered copy is refused before it can count as a failure),
   * revocation (here or imported from another deployment's status list), expiry, lockout. Tokens
   * issued by another deployment holding the same key get their bookkeeping row on first sight,
   * bound to the presenting client's tenant (one round trip).
   */
  private async precheck(principal: ClientPrincipal, t: IdentityToken, tokenText: string): Promise<FailureReason | undefined> {
    if (t.header.environment !== principal.environment) return 'wrong_environment';
    if (!this.peppers.find(t.header.keyId)) {
      const id = Buffer.from(t.header.keyId).toString('hex');
      throw badRequest(`token was issued under deployment key ${id}, which this deployment does not hold`, 'unknown_deployment_key');
    }
    const tokenId = Buffer.from(t.header.tokenId);
    const rows: { revoked: boolean; locked: boolean; tenant: string; digest: Buffer | null }[] = await this.ds.query(
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
      [
        tokenId,
        principal.clientId,
        t.header.environment,
        t.header.expiresAt ? new Date(t.header.expiresAt * 1000) : null,
        principal.tenant,
      ],
    );
    const row = rows[0];
    if (row.tenant !== principal.tenant) throw tokenNotFound();
    if (row.digest && !safeEqual(row.digest, tokenDigest(tokenText))) {
      throw badRequest("'token' is not the token issued under its id (it was altered)", 'invalid_token');
    }
    if (row.revoked) return 'revoked';
    if (t.header.expiresAt && t.header.expiresAt * 1000 <= Date.now()) return 'expired';
    if (row.locked) return 'locked';
    return undefined;
  }

  /** Opens the token with a probe embedding; counts failures toward the lockout and clears them on success. */
  private async open(
    t: IdentityToken,
    tokenText: string,
    embedding: Float32Array,
    input: { password: string; scope: string; accuracy: number; releaseLabel?: string },
  ): Promise<AuthOutcome> {
    const tokenId = Buffer.from(t.header.tokenId);
    const threshold = tokenLevel(input.accuracy).threshold;
    const v = await verifyIdentityToken({ token: t, embedding, password: input.password, scope: input.scope }, this.peppers.find);
    if (v.keyRecovered && v.score! >= threshold) {
      // clears the failure counter and pins the digest of a token first seen here; no write in the common case
      await this.ds.query(
        `UPDATE identity_tokens SET consecutive_failures = 0, locked_until = NULL, token_digest = coalesce(token_digest, $2)
          WHERE token_id = $1 AND (consecutive_failures <> 0 OR locked_until IS NOT NULL OR token_digest IS NULL)`,
        [tokenId, tokenDigest(tokenText)],
      );
      const out: AuthOutcome = { authenticated: true, score: round4(v.score!), threshold, accuracy: input.accuracy, tokenId };
      if (input.releaseLabel) out.releasedKey = releaseKey(v.key!, tokenId, input.releaseLabel).toString('base64url');
      v.key!.fill(0);
      return out;
    }
    v.key?.fill(0);
    await this.recordFailure(tokenId);
    // a failed attempt never learns how close it came (no score to climb on)
    return {
      authenticated: false,
      reason: 'no_match',
      score: null,
      threshold,
      accuracy: input.accuracy,
      tokenId,
    };
  }

  async authenticate(
    principal: ClientPrincipal,
    tokenText: string,
    image: Buffer,
    input: { password: string; scope: string; accuracy?: number; releaseLabel?: string },
    signal?: AbortSignal,
  ): Promise<AuthOutcome> {
    const t = this.parse(tokenText);
    // the level chosen at enrolment binds the token: a caller may verify more strictly, never less
    if (input.accuracy !== undefined && input.accuracy < t.header.accuracy) {
      throw badRequest(
        `accuracy ${input.accuracy} is below this token's level ${t.header.accuracy}: verify at ${t.header.accuracy} or higher (or omit accuracy)`,
        'accuracy_below_token_level',
      );
    }
    const accuracy = input.accuracy ?? t.header.accuracy;
    const refused = await this.precheck(principal, t, tokenText);
    if (refused) return refusal(t, refused, accuracy);
    const probe = await this.faces.analyze(image, 'photo', { embed: true, liveness: this.config.livenessGate }, true, signal);
    try {
      // a refused presentation is a failed verification (and counts toward the lockout), not a malformed request
      if (!this.isLive(probe)) {
        await this.recordFailure(Buffer.from(t.header.tokenId));
        return refusal(t, 'not_live', accuracy);
      }
      return await this.open(t, tokenText, probe.embedding!, { ...input, accuracy });
    } finally {
      probe.embedding!.fill(0);
    }
  }

  /**
   * Rotation: fresh photo(s) that authenticate against the old token (at its own level) are
   * enrolled into a new, unrelated token (new salt, token id and key; the current deployment key;
   * optionally a new password), and the old token is revoked in the same transaction, so exactly
   * one of two concurrent rotations succeeds.
   */
  async rotate(
    principal: ClientPrincipal,
    tokenText: string,
    images: Buffer[],
    input: { password: string; scope: string; newPassword?: string; accuracy?: number; expiresAt: Date | null },
    signal?: AbortSignal,
  ): Promise<{ outcome: AuthOutcome; token?: string; tokenId?: string }> {
    this.license.assertEnrolment();
    const t = this.parse(tokenText);
    const refused = await this.precheck(principal, t, tokenText);
    if (refused) return { outcome: refusal(t, refused, t.header.accuracy) };
    let e;
    try {
      e = await this.enrolmentEmbeddings(images, signal);
    } catch (err) {
      // as in /authenticate, a photo refused by the liveness gate is a failed verification of the old token
      if (!(err instanceof LivenessRefusedError)) throw err;
      await this.recordFailure(Buffer.from(t.header.tokenId));
      return { outcome: refusal(t, 'not_live', t.header.accuracy) };
    }
    try {
      const outcome = await this.open(t, tokenText, e.each[0], {
        password: input.password,
        scope: input.scope,
        accuracy: t.header.accuracy,
      });
      if (!outcome.authenticated) return { outcome };
      const gen = await this.mint(principal, e.mean, {
        password: input.newPassword ?? input.password,
        scope: input.scope,
        accuracy: input.accuracy ?? t.header.accuracy,
        expiresAt: input.expiresAt,
      });
      const newId = Buffer.from(gen.header.tokenId);
      const replaced = await this.ds.transaction(async (m) => {
        const u = await m
          .createQueryBuilder()
          .update(IdentityTokenEntity)
          .set({ revokedAt: () => 'now()', revokedBy: principal.clientId, replacedBy: newId })
          .where('token_id = :id AND revoked_at IS NULL', { id: outcome.tokenId })
          .execute();
        if (u.affected !== 1) return false;
        await m.getRepository(IdentityTokenEntity).insert(this.issuanceRow(principal, newId, input.expiresAt, gen.token));
        return true;
      });
      // lost a race with another rotation or a revocation: the new token was never recorded nor returned
      if (!replaced) return { outcome: refusal(t, 'revoked', t.header.accuracy) };
      return { outcome, token: gen.token, tokenId: gen.tokenId };
    } finally {
      e.mean.fill(0);
      e.each.forEach((x) => x.fill(0));
    }
  }

  /** NIST SP 800-63B-style lockout: after N consecutive failures, locked for a doubling period. */
  private async recordFailure(tokenId: Buffer): Promise<void> {
    await this.ds.query(
      `UPDATE identity_tokens
         SET consecutive_failures = consecutive_failures + 1,
             locked_until = CASE WHEN consecutive_failures + 1 >= $2
                                 THEN now() + make_interval(secs => $3::double precision * power(2, consecutive_failures + 1 - $2))
                                 ELSE locked_until END
       WHERE token_id = $1`,
      [tokenId, this.config.lockoutThreshold, this.config.lockoutSeconds],
    );
  }

  async revoke(principal: ClientPrincipal, ref: { token?: string; tokenId?: string }): Promise<{ tokenId: string; revokedAt: Date }> {
    const id = ref.token ? Buffer.from(this.parse(ref.token).header.tokenId) : Buffer.from(ref.tokenId ?? '', 'hex');
    if (id.length !== 16) throw badRequest("'token_id' must be 32 hex characters", 'invalid_field');
    const repo = this.ds.getRepository(IdentityTokenEntity);
    const row = await repo.findOneBy({ tokenId: id });
    // a client may revoke only tokens of its tenant; others look like unknown tokens
    if (!row || row.tenant !== principal.tenant) throw tokenNotFound();
    if (!row.revokedAt) {
      row.revokedAt = new Date();
      await repo.update({ tokenId: id }, { revokedAt: row.revokedAt, revokedBy: principal.clientId });
    }
    return { tokenId: id.toString('hex'), revokedAt: row.revokedAt };
  }
}

const round4 = (v: number): number => Math.round(v * 10000) / 10000;

/** An enrolment photo refused by the liveness gate: 400 liveness_failed at /generate; a failed verification at /rotate. */
class LivenessRefusedError extends ApiError {
  constructor(field: string) {
    super(400, `'${field}' failed the liveness check (presentation attack suspected)`, 'liveness_failed');
  }
}

const tokenNotFound = () => new ApiError(404, 'no such identity token for this client', 'token_not_found');

/** Pins the issued token: SHA-256 over its bytes (the token's own id, header, helper and tag). */
const tokenDigest = (tokenText: string): Buffer =>
  createHash('sha256').update('facenition token digest').update(Buffer.from(tokenText, 'base64url')).digest();

interface MintInput {
  password: string;
  scope: string;
  accuracy: number;
  expiresAt: Date | null;
}

const refusal = (t: IdentityToken, reason: FailureReason, accuracy: number): AuthOutcome => ({
  authenticated: false,
  reason,
  score: null,
  threshold: tokenLevel(accuracy).threshold,
  accuracy,
  tokenId: Buffer.from(t.header.tokenId),
});
