import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { ApiClientEntity, DATA_SOURCE, ServerSecretEntity, type ClientEnvironment, type ClientPlan } from '@facenition/database';
import type { DataSource } from 'typeorm';
import { ClientAuthError, ClientConflictError, ClientForbiddenError, ClientNotFoundError, InvalidClientRequestError } from './errors';
import { newClientSecret, newClientToken, parseClientToken, safeEqual, sha256, signAccessToken, verifyAccessToken } from './tokens';

export const CLIENTS_OPTIONS = Symbol('CLIENTS_OPTIONS');
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;

export interface ClientsOptions {
  /**
   * How long the previous long-lived token keeps working after a rotation: the default of both
   * rotations, and the most a client may ask for when it rotates its own token.
   */
  rotationGraceSeconds: number;
  /** Lifetime of access tokens issued by /token. */
  accessTokenTtlSeconds: number;
}

/** Who is calling: resolved from a client token or access token on every request. */
export interface ClientPrincipal {
  clientId: string;
  name: string;
  environment: ClientEnvironment;
  plan: ClientPlan;
  /** Clients of one tenant share identity tokens (default: the client's own id). */
  tenant: string;
  via: 'client_token' | 'access_token';
  /** A long-lived token that was rotated out and is still inside its grace period. */
  rotatedOut: boolean;
  /** SHA-256 of the presented long-lived token's secret part (for compare-and-swap rotation). */
  tokenHash?: Buffer;
}

export interface ClientView {
  client_id: string;
  name: string;
  environment: ClientEnvironment;
  plan: ClientPlan;
  tenant: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  rotated_at: string | null;
  status: 'active' | 'revoked' | 'expired';
}

const ACCESS_KEY = 'access_token_signing_key';

/** Most an admin may grant as grace when rotating a client's token. */
export const MAX_ROTATION_GRACE_SECONDS = 30 * 86_400;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

/** A tenant label: letters, digits and ._:- (a client id is one). */
export const TENANT = /^[A-Za-z0-9._:-]{1,100}$/;

@Injectable()
export class ClientsService {
  private accessKey?: Buffer;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(CLIENTS_OPTIONS) private readonly opts: ClientsOptions,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  private get repo() {
    return this.ds.getRepository(ApiClientEntity);
  }

  view(c: ApiClientEntity): ClientView {
    const now = this.now();
    return {
      client_id: c.id,
      name: c.name,
      environment: c.environment,
      plan: c.plan,
      tenant: c.tenant,
      created_at: c.createdAt.toISOString(),
      expires_at: c.expiresAt?.toISOString() ?? null,
      revoked_at: c.revokedAt?.toISOString() ?? null,
      rotated_at: c.rotatedAt?.toISOString() ?? null,
      status: c.revokedAt ? 'revoked' : c.expiresAt && c.expiresAt <= now ? 'expired' : 'active',
    };
  }

  /** Creates an API client; the returned token and secret are shown exactly once (only hashes are kept). */
  async create(input: { name: string; environment: ClientEnvironment; plan: ClientPlan; expiresAt?: Date; tenant?: string }) {
    if (input.expiresAt && input.expiresAt <= this.now()) throw new InvalidClientRequestError('expires_at must be in the future');
    if (input.tenant !== undefined && !TENANT.test(input.tenant))
      throw new InvalidClientRequestError('tenant must be 1..100 characters [A-Za-z0-9._:-]');
    const token = newClientToken(randomUUID());
    const secret = newClientSecret();
    const entity = this.repo.create({
      id: token.id,
      name: input.name,
      environment: input.environment,
      plan: input.plan,
      createdAt: this.now(),
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
      tokenHash: token.hash,
      previousTokenHash: null,
      previousValidUntil: null,
      secretHash: secret.hash,
      rotatedAt: null,
      tenant: input.tenant ?? token.id,
    });
    await this.repo.insert(entity);
    return { client: this.view(entity), client_token: token.token, client_secret: secret.secret };
  }

  async list(): Promise<ClientView[]> {
    return (await this.repo.find({ order: { createdAt: 'ASC' } })).map((c) => this.view(c));
  }

  async get(id: string): Promise<ApiClientEntity> {
    if (!isUuid(id)) throw new ClientNotFoundError();
    const c = await this.repo.findOneBy({ id });
    if (!c) throw new ClientNotFoundError();
    return c;
  }

  async revoke(id: string): Promise<ClientView> {
    const c = await this.get(id);
    if (!c.revokedAt) {
      c.revokedAt = this.now();
      await this.repo.update({ id }, { revokedAt: c.revokedAt });
    }
    return this.view(c);
  }

  /** Admin rotation: new long-lived token; the old one keeps working for the grace period (at most 30 days). */
  async rotate(id: string, graceSeconds = this.opts.rotationGraceSeconds) {
    if (graceSeconds > MAX_ROTATION_GRACE_SECONDS)
      throw new InvalidClientRequestError(`grace_seconds may be at most ${MAX_ROTATION_GRACE_SECONDS}`);
    return this.replaceToken(await this.get(id), graceSeconds);
  }

  /**
   * Self-service rotation: only the client's current long-lived token may rotate it: not a
   * short-lived access token (it would outlive its 15 minutes as a permanent token) and not a
   * rotated-out token still in its grace period (it would cut off the owner's current token).
   * The grace period is at most the configured default. The swap is conditional on the presented
   * token still being the current one, so of two concurrent rotations exactly one succeeds.
   */
  async rotateSelf(principal: ClientPrincipal, graceSeconds = this.opts.rotationGraceSeconds) {
    if (principal.via !== 'client_token' || principal.rotatedOut || !principal.tokenHash) {
      throw new ClientForbiddenError(
        principal.via === 'access_token'
          ? 'a short-lived access token cannot rotate the client token: use the current long-lived client token (fnc_)'
          : 'a rotated-out client token cannot rotate the client token: use the current long-lived client token (fnc_)',
      );
    }
    if (graceSeconds > this.opts.rotationGraceSeconds)
      throw new InvalidClientRequestError(`grace_seconds may be at most ${this.opts.rotationGraceSeconds} for a self-service rotation`);
    return this.replaceToken(await this.get(principal.clientId), graceSeconds, principal.tokenHash);
  }

  private async replaceToken(c: ApiClientEntity, graceSeconds: number, expectedHash?: Buffer) {
    if (c.revokedAt) throw new InvalidClientRequestError('a revoked client cannot be rotated');
    const id = c.id;
    const token = newClientToken(id);
    const now = this.now();
    const patch = {
      tokenHash: token.hash,
      // kept even without grace, so the old token is refused with a precise reason
      previousTokenHash: c.tokenHash,
      previousValidUntil: new Date(now.getTime() + graceSeconds * 1000),
      rotatedAt: now,
    };
    const u = await this.repo
      .createQueryBuilder()
      .update()
      .set(patch)
      .where('id = :id AND token_hash = :current', { id, current: expectedHash ?? c.tokenHash })
      .execute();
    if (u.affected !== 1) throw new ClientConflictError('the client token was rotated concurrently; authenticate with the current token');
    return {
      client: this.view({ ...c, ...patch }),
      client_token: token.token,
      previous_token_valid_until: graceSeconds > 0 ? patch.previousValidUntil.toISOString() : null,
    };
  }

  /** OAuth2 client-credentials: client id + secret -> short-lived access token. */
  async issueAccessToken(clientId: string, clientSecret: string) {
    const invalid = new ClientAuthError('invalid client credentials', 'invalid_client');
    if (!isUuid(clientId)) throw invalid;
    const c = await this.repo.findOneBy({ id: clientId });
    // hash even when the client is unknown, so timing does not reveal which ids exist
    const presented = sha256(clientSecret);
    if (!c || !safeEqual(presented, c.secretHash)) throw invalid;
    this.assertUsable(c);
    const ttl = this.opts.accessTokenTtlSeconds * 1000;
    const expiresAt = new Date(Math.min(this.now().getTime() + ttl, c.expiresAt?.getTime() ?? Infinity));
    const token = signAccessToken(await this.signingKey(), c.id, expiresAt);
    return {
      access_token: token,
      token_type: 'client',
      expires_in: Math.round((expiresAt.getTime() - this.now().getTime()) / 1000),
      expires_at: expiresAt.toISOString(),
    };
  }

  /** Resolves a presented client token or access token; throws ClientAuthError with a clear reason. */
  async authenticate(presented: string): Promise<ClientPrincipal> {
    const access = presented.startsWith('fna_') ? verifyAccessToken(await this.signingKey(), presented) : undefined;
    const parsed = access ? undefined : parseClientToken(presented);
    const id = access?.clientId ?? parsed?.id;
    if (!id) throw new ClientAuthError('invalid client token');
    const c = await this.repo.findOneBy({ id });
    if (!c) throw new ClientAuthError('invalid client token');
    const now = this.now();
    if (access) {
      if (access.expiresAt <= now) throw new ClientAuthError('client token has expired', 'token_expired');
    } else if (parsed) {
      const current = safeEqual(parsed.hash, c.tokenHash);
      const previous = !!c.previousTokenHash && safeEqual(parsed.hash, c.previousTokenHash);
      if (!current && !previous) throw new ClientAuthError('invalid client token');
      if (!current && (!c.previousValidUntil || c.previousValidUntil <= now)) {
        throw new ClientAuthError('client token was rotated and its grace period has ended', 'token_rotated');
      }
      this.assertUsable(c);
      return { ...this.principalOf(c, 'client_token'), rotatedOut: !current, tokenHash: parsed.hash };
    }
    this.assertUsable(c);
    return this.principalOf(c, 'access_token');
  }

  private principalOf(c: ApiClientEntity, via: ClientPrincipal['via']): ClientPrincipal {
    return { clientId: c.id, name: c.name, environment: c.environment, plan: c.plan, tenant: c.tenant, via, rotatedOut: false };
  }

  private assertUsable(c: ApiClientEntity): void {
    if (c.revokedAt) throw new ClientAuthError('client has been revoked', 'client_revoked');
    if (c.expiresAt && c.expiresAt <= this.now()) throw new ClientAuthError('client has expired', 'client_expired');
  }

  /** HMAC key for access tokens: created once in the database, so every replica shares it. */
  private async signingKey(): Promise<Buffer> {
    if (this.accessKey) return this.accessKey;
    const repo = this.ds.getRepository(ServerSecretEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({ name: ACCESS_KEY, value: randomBytes(32), createdAt: this.now() })
      .orIgnore()
      .execute();
    const row = await repo.findOneByOrFail({ name: ACCESS_KEY });
    this.accessKey = row.value;
    return row.value;
  }
}
