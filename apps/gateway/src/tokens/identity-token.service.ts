import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, safeEqual, type ClientPrincipal, type Clock } from '@facenition/clients';
import { checkEnrolment, LivenessFailedError, passesLivenessGate, wipeEnrolment, type Enrolment } from '@facenition/face';
import {
  identityTokenKeys,
  openIdentityToken,
  releaseKey,
  ROSTER_TOKEN_VERSION,
  wipeKeys,
  type DerivedKeys,
  type IdentityToken,
  type PepperRing,
} from '@facenition/tokenisation';
import { badRequest } from '../common/api-error';
import { APP_CONFIG, type AppConfig } from '../config';
import { ThresholdService } from '../face/calibration.service';
import { FaceService } from '../face/face.service';
import { LicenseService } from '../license/license.service';
import { mintToken, parseToken, tokenDigest } from './identity-token.codec';
import { asApiError, refusal, success, tokenNotFound, verificationLevel } from './identity-token.model';
import type { AuthOutcome, FailureReason, MintInput, RotateInput, Rotation, VerifyInput } from './identity-token.model';
import { IdentityTokenRepository, type IssuedToken } from './identity-token.repository';
import { KdfGate } from './kdf-gate';

export { tokenRef } from './identity-token.codec';
export type { AuthOutcome, FailureReason } from './identity-token.model';

export const PEPPER = Symbol('PEPPER');

/**
 * Identity tokens: enrolment (photo(s) + secrets -> token), verification, rotation and revocation.
 * Faces go through the worker pool and the enrolment gates (checkEnrolment); embeddings exist only
 * inside these calls. Issuance, revocation and the failure lockout live in identity_tokens (no
 * biometric data) behind IdentityTokenRepository; expiry is decided on the injected clock.
 */
@Injectable()
export class IdentityTokenService {
  constructor(
    private readonly faces: FaceService,
    private readonly tokens: IdentityTokenRepository,
    private readonly license: LicenseService,
    @Inject(PEPPER) private readonly peppers: PepperRing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly now: Clock,
    private readonly kdf: KdfGate,
    private readonly thresholds: ThresholdService,
  ) {}

  /** A refused verification at `accuracy`, with the threshold it would have had to clear. */
  private refusal(t: IdentityToken, reason: FailureReason, accuracy: number): AuthOutcome {
    return refusal(t, reason, accuracy, this.thresholds.token(accuracy));
  }

  private get livenessGate(): number | null {
    return this.config.livenessGate ? this.config.livenessGateThreshold : null;
  }

  /** Analyses the photos (on the first that fails, the others are cancelled) and applies the enrolment gates. */
  private async enrol(images: Buffer[], signal?: AbortSignal): Promise<Enrolment> {
    const fieldOf = (i: number) => (images.length > 1 ? `photo[${i}]` : 'photo');
    const request = { embed: true, quality: true, liveness: this.config.livenessGate };
    const results = await this.faces.analyzeAll(
      images.map((bytes, i) => ({ bytes, field: fieldOf(i), request, needFace: true })),
      signal,
    );
    const photos = results.map((result, i) => ({ field: fieldOf(i), result }));
    return checkEnrolment(photos, { minComponent: this.config.enrolMinComponent, livenessGate: this.livenessGate });
  }

  /** A new token under the current deployment key. */
  private mint(principal: ClientPrincipal, embedding: Float32Array, input: MintInput) {
    return this.kdf.run(() => mintToken(this.peppers.current, this.config.kdfLog2N, principal.environment, embedding, input));
  }

  private issued(principal: ClientPrincipal, gen: { header: { tokenId: Uint8Array }; token: string }, expiresAt: Date | null): IssuedToken {
    const { clientId, tenant, environment } = principal;
    const tokenId = Buffer.from(gen.header.tokenId);
    return { tokenId, clientId, tenant, environment, digest: tokenDigest(gen.token), createdAt: this.now(), expiresAt };
  }

  async generate(principal: ClientPrincipal, images: Buffer[], input: MintInput, signal?: AbortSignal) {
    this.license.assertEnrolment();
    this.kdf.assertRoom(); // before the face work that a refused derivation would waste
    const e = await this.enrol(images, signal).catch(asApiError);
    let gen;
    try {
      gen = await this.mint(principal, e.mean, input);
    } finally {
      wipeEnrolment(e);
    }
    await this.tokens.insert(this.issued(principal, gen, input.expiresAt));
    return { token: gen.token, tokenId: gen.tokenId, expiresAt: input.expiresAt, quality: e.quality };
  }

  parse(token: string): IdentityToken {
    return parseToken(token, this.config.kdfMaxLog2N);
  }

  /**
   * Policy checks before any face is analysed: environment, deployment key, tenant (a token is
   * usable only by clients of the tenant that issued it; others get 404 as for an unknown token),
   * the issued token's digest (an altered copy is refused before it can count as a failure),
   * revocation (here or imported from another deployment's status list), expiry, lockout.
   */
  private async precheck(principal: ClientPrincipal, t: IdentityToken, tokenText: string): Promise<FailureReason | undefined> {
    const { environment, keyId, expiresAt: exp } = t.header;
    if (environment !== principal.environment) return 'wrong_environment';
    if (!this.peppers.find(keyId)) {
      const id = Buffer.from(keyId).toString('hex');
      throw badRequest(`token was issued under deployment key ${id}, which this deployment does not hold`, 'unknown_deployment_key');
    }
    const expiresAt = exp ? new Date(exp * 1000) : null;
    const { clientId, tenant } = principal;
    const row = await this.tokens.presented({ tokenId: Buffer.from(t.header.tokenId), clientId, tenant, environment, expiresAt });
    if (row.tenant !== tenant) throw tokenNotFound();
    if (row.digest && !safeEqual(row.digest, tokenDigest(tokenText))) {
      throw badRequest("'token' is not the token issued under its id (it was altered)", 'invalid_token');
    }
    if (row.revoked) return 'revoked';
    if (expiresAt && expiresAt.getTime() <= this.now().getTime()) return 'expired';
    return row.locked ? 'locked' : undefined;
  }

  /** The token's keys (the KDF: password, salt, scope, deployment key; no face). Never rejects unhandled. */
  private keysFor(t: IdentityToken, input: VerifyInput): Promise<DerivedKeys> {
    const keys = this.kdf.run(() => identityTokenKeys(t, input.password, input.scope, this.peppers.find));
    keys.catch(() => undefined); // awaited by open(), or wiped and dropped when the face analysis fails
    return keys;
  }

  /** Opens the token with a probe embedding; counts failures toward the lockout and clears them on success. */
  private async open(
    t: IdentityToken,
    tokenText: string,
    embedding: Float32Array,
    input: VerifyInput & { accuracy: number },
    pendingKeys: Promise<DerivedKeys> = this.keysFor(t, input),
  ) {
    const tokenId = Buffer.from(t.header.tokenId);
    const { accuracy, releaseLabel } = input;
    const at = this.thresholds.token(accuracy);
    const keys = await pendingKeys;
    let v;
    try {
      v = openIdentityToken(t, keys, embedding);
    } finally {
      wipeKeys(keys);
    }
    if (v.keyRecovered && v.score! >= at.threshold) {
      await this.tokens.recordSuccess(tokenId, tokenDigest(tokenText));
      const out = success(v.score!, at, accuracy, tokenId);
      if (releaseLabel) out.releasedKey = releaseKey(v.key!, tokenId, releaseLabel).toString('base64url');
      v.key!.fill(0);
      return out;
    }
    v.key?.fill(0);
    await this.recordFailure(t);
    return this.refusal(t, 'no_match', accuracy);
  }

  async authenticate(principal: ClientPrincipal, tokenText: string, image: Buffer, input: VerifyInput, signal?: AbortSignal) {
    const t = this.parse(tokenText);
    const accuracy = verificationLevel(t, input.accuracy);
    const refused = await this.precheck(principal, t, tokenText);
    if (refused) return this.refusal(t, refused, accuracy);
    this.kdf.assertRoom();
    // the KDF needs no face: it runs on libuv's thread pool while a face worker analyses the photo
    const keys = this.keysFor(t, input);
    let probe;
    try {
      probe = await this.faces.analyze(image, 'photo', { embed: true, liveness: this.config.livenessGate }, true, signal);
    } catch (err) {
      void keys.then(wipeKeys, () => undefined); // the answer does not wait for the KDF
      throw err;
    }
    try {
      // a refused presentation is a failed verification (and counts toward the lockout), not a malformed request
      if (!passesLivenessGate(probe, this.livenessGate)) {
        void keys.then(wipeKeys, () => undefined);
        await this.recordFailure(t);
        return this.refusal(t, 'not_live', accuracy);
      }
      return await this.open(t, tokenText, probe.embedding!, { ...input, accuracy }, keys);
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
    input: RotateInput,
    signal?: AbortSignal,
  ): Promise<Rotation> {
    this.license.assertEnrolment();
    const t = this.parse(tokenText);
    const level = t.header.accuracy;
    // a roster member stays in its roster, under the roster's shared secret
    const rosterId = t.header.version === ROSTER_TOKEN_VERSION ? Buffer.from(t.header.salt) : undefined;
    if (rosterId && input.newPassword !== undefined)
      throw badRequest("a roster member token keeps its roster's secret: 'new_password' is refused", 'invalid_field');
    const refused = await this.precheck(principal, t, tokenText);
    if (refused) return { outcome: this.refusal(t, refused, level) };
    this.kdf.assertRoom();
    let e;
    try {
      e = await this.enrol(images, signal);
    } catch (err) {
      // as in /authenticate, a photo refused by the liveness gate is a failed verification of the old token
      if (!(err instanceof LivenessFailedError)) return asApiError(err);
      await this.recordFailure(t);
      return { outcome: this.refusal(t, 'not_live', level) };
    }
    try {
      const outcome = await this.open(t, tokenText, e.each[0], { password: input.password, scope: input.scope, accuracy: level });
      if (!outcome.authenticated) return { outcome };
      const password = input.newPassword ?? input.password;
      const gen = await this.mint(principal, e.mean, { ...input, password, accuracy: input.accuracy ?? level, rosterId });
      // lost a race with another rotation or a revocation: the new token was never recorded nor returned
      if (!(await this.tokens.replace(outcome.tokenId, this.issued(principal, gen, input.expiresAt), principal.clientId))) {
        return { outcome: this.refusal(t, 'revoked', level) };
      }
      return { outcome, token: gen.token, tokenId: gen.tokenId };
    } finally {
      wipeEnrolment(e);
    }
  }

  private recordFailure(t: IdentityToken): Promise<void> {
    const { lockoutThreshold: threshold, lockoutSeconds: seconds } = this.config;
    return this.tokens.recordFailure(Buffer.from(t.header.tokenId), { threshold, seconds });
  }

  async revoke(principal: ClientPrincipal, ref: { token?: string; tokenId?: string }): Promise<{ tokenId: string; revokedAt: Date }> {
    const id = ref.token ? Buffer.from(this.parse(ref.token).header.tokenId) : Buffer.from(ref.tokenId ?? '', 'hex');
    if (id.length !== 16) throw badRequest("'token_id' must be 32 hex characters", 'invalid_field');
    const row = await this.tokens.find(id);
    // a client may revoke only tokens of its tenant; others look like unknown tokens
    if (!row || row.tenant !== principal.tenant) throw tokenNotFound();
    const revokedAt = row.revokedAt ?? this.now();
    if (!row.revokedAt) await this.tokens.revoke(id, revokedAt, principal.clientId);
    return { tokenId: id.toString('hex'), revokedAt };
  }
}
