import { Inject, Injectable } from '@nestjs/common';
import type { ClientPrincipal } from '@facenition/clients';
import { DATA_SOURCE, IdentityTokenEntity } from '@facenition/database';
import { accuracyLevel, cosineSimilarity, l2normalise, type AnalyzeResult } from '@facenition/face';
import {
  decodeToken,
  generateIdentityToken,
  releaseKey,
  TokenFormatError,
  UnknownPepperError,
  verifyIdentityToken,
  type Pepper,
} from '@facenition/tokenisation';
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ApiError, badRequest } from '../common/api-error';
import { APP_CONFIG, type AppConfig } from '../config';
import { FaceService } from '../face/face.service';

export const PEPPER = Symbol('PEPPER');

export type FailureReason = 'no_match' | 'expired' | 'revoked' | 'locked' | 'wrong_environment';

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
    @Inject(PEPPER) private readonly pepper: Pepper,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private livenessGate(r: AnalyzeResult, field: string): void {
    if (!this.config.livenessGate || !r.liveness) return;
    if (r.liveness.score < this.config.livenessGateThreshold) {
      throw new ApiError(400, `'${field}' failed the liveness check (presentation attack suspected)`, 'liveness_failed');
    }
  }

  async generate(
    principal: ClientPrincipal,
    images: Buffer[],
    input: { password: string; scope: string; accuracy: number; expiresAt: Date | null },
  ): Promise<{ token: string; tokenId: string; expiresAt: Date | null; quality: number[] }> {
    const results = await Promise.all(
      images.map((bytes, i) => {
        const field = images.length > 1 ? `image[${i}]` : 'image';
        return this.faces
          .analyze(bytes, field, { embed: true, quality: true, liveness: this.config.livenessGate }, true)
          .then((r) => ({ r, field }));
      }),
    );
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
    const mean = new Float32Array(results[0].r.embedding!.length);
    for (const { r } of results) r.embedding!.forEach((v, k) => (mean[k] += v));
    const embedding = l2normalise(mean);
    const gen = await generateIdentityToken(
      {
        embedding,
        password: input.password,
        scope: input.scope,
        environment: principal.environment,
        accuracy: input.accuracy,
        expiresAt: input.expiresAt ? Math.floor(input.expiresAt.getTime() / 1000) : 0,
      },
      this.pepper,
      { bytes: (n) => randomBytes(n) },
      { kdf: { log2N: this.config.kdfLog2N, r: 8, p: 1 } },
    );
    mean.fill(0);
    embedding.fill(0);
    await this.ds.getRepository(IdentityTokenEntity).insert({
      tokenId: Buffer.from(gen.header.tokenId),
      clientId: principal.clientId,
      environment: principal.environment,
      createdAt: new Date(),
      expiresAt: input.expiresAt,
      revokedAt: null,
      revokedBy: null,
      replacedBy: null,
      consecutiveFailures: 0,
      lockedUntil: null,
    });
    return { token: gen.token, tokenId: gen.tokenId, expiresAt: input.expiresAt, quality: results.map(({ r }) => r.quality!.score) };
  }

  parse(token: string) {
    try {
      return decodeToken(token);
    } catch (err) {
      if (err instanceof TokenFormatError) throw badRequest(`'token' is not a valid identity token: ${err.message}`, 'invalid_token');
      throw err;
    }
  }

  async authenticate(
    principal: ClientPrincipal,
    tokenText: string,
    image: Buffer,
    input: { password: string; scope: string; accuracy?: number; releaseLabel?: string },
  ): Promise<AuthOutcome> {
    const t = this.parse(tokenText);
    const tokenId = Buffer.from(t.header.tokenId);
    const accuracy = input.accuracy ?? t.header.accuracy;
    const threshold = accuracyLevel(accuracy).threshold;
    const fail = (reason: FailureReason): AuthOutcome => ({ authenticated: false, reason, score: null, threshold, accuracy, tokenId });
    if (t.header.environment !== principal.environment) return fail('wrong_environment');
    const repo = this.ds.getRepository(IdentityTokenEntity);
    // tokens issued by another deployment holding the same key get their bookkeeping row here
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        tokenId,
        clientId: principal.clientId,
        environment: t.header.environment,
        createdAt: new Date(),
        expiresAt: t.header.expiresAt ? new Date(t.header.expiresAt * 1000) : null,
        consecutiveFailures: 0,
      })
      .orIgnore()
      .execute();
    const row = await repo.findOneByOrFail({ tokenId });
    const now = new Date();
    if (row.revokedAt) return fail('revoked');
    if (t.header.expiresAt && t.header.expiresAt * 1000 <= now.getTime()) return fail('expired');
    if (row.lockedUntil && row.lockedUntil > now) return fail('locked');
    const probe = await this.faces.analyze(image, 'image', { embed: true, liveness: this.config.livenessGate }, true);
    this.livenessGate(probe, 'image');
    let v;
    try {
      v = await verifyIdentityToken(
        { token: tokenText, embedding: probe.embedding!, password: input.password, scope: input.scope },
        (id) => (Buffer.from(id).equals(Buffer.from(this.pepper.keyId)) ? this.pepper : undefined),
      );
    } catch (err) {
      if (err instanceof UnknownPepperError) throw badRequest(err.message, 'unknown_deployment_key');
      throw err;
    } finally {
      probe.embedding!.fill(0);
    }
    if (v.keyRecovered && v.score! >= threshold) {
      await repo.update({ tokenId }, { consecutiveFailures: 0, lockedUntil: null });
      const out: AuthOutcome = { authenticated: true, score: round4(v.score!), threshold, accuracy, tokenId };
      if (input.releaseLabel) out.releasedKey = releaseKey(v.key!, tokenId, input.releaseLabel).toString('base64url');
      v.key!.fill(0);
      return out;
    }
    v.key?.fill(0);
    await this.recordFailure(tokenId);
    // the score is revealed only when the key was recovered (then it is below the threshold)
    return { ...fail('no_match'), score: v.keyRecovered ? round4(v.score!) : null };
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
    // a client may revoke only tokens it issued; others look like unknown tokens
    if (!row || row.clientId !== principal.clientId) throw new ApiError(404, 'no such identity token for this client', 'token_not_found');
    if (!row.revokedAt) {
      row.revokedAt = new Date();
      await repo.update({ tokenId: id }, { revokedAt: row.revokedAt, revokedBy: principal.clientId });
    }
    return { tokenId: id.toString('hex'), revokedAt: row.revokedAt };
  }
}

const round4 = (v: number): number => Math.round(v * 10000) / 10000;
