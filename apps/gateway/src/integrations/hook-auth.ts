import { Logger } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { ApiError } from '../common/api-error';
import type { EntraExtensionConfig } from '../config';

/** The app id of Microsoft's authentication events service: the `azp` (v2 tokens) or `appid` (v1) of every callout's bearer token. */
export const ENTRA_AUTH_EVENTS_APP_ID = '99045fe1-7639-4a75-9d4a-577b6ca3810f';

/** The issuers a tenant's tokens carry: v2.0 and v1 (sts.windows.net) forms. */
export const entraIssuers = (tenantId: string): string[] => [
  `https://login.microsoftonline.com/${tenantId}/v2.0`,
  `https://sts.windows.net/${tenantId}/`,
];

const unauthenticated = (why: string): ApiError => new ApiError(401, why, 'unauthenticated');

/**
 * The bearer token Entra ID sends to a custom authentication extension: RS256, signed by a key of
 * the tenant (a JWK set from a file for air-gapped sites, or fetched from a URL and cached), iss
 * the tenant, aud the extension's app id, azp/appid Microsoft's authentication events service,
 * within exp/nbf (60 s clock tolerance). Anything else is a 401 that names the failed check.
 */
export class EntraBearer {
  private readonly log = new Logger('EntraExtension');
  private readonly keys: ReturnType<typeof createLocalJWKSet> | ReturnType<typeof createRemoteJWKSet>;
  private readonly remote?: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly cfg: EntraExtensionConfig) {
    if (cfg.jwks) {
      this.keys = createLocalJWKSet(cfg.jwks);
    } else {
      // Entra gives up after 2 s: a cold key fetch must fit well within that
      this.remote = createRemoteJWKSet(new URL(cfg.jwksUri!), { cacheMaxAge: 3_600_000, cooldownDuration: 30_000, timeoutDuration: 1_000 });
      this.keys = this.remote;
    }
  }

  /** Fetches the remote key set ahead of the first call (failures are logged; the first call retries). */
  warmUp(): void {
    this.remote
      ?.reload()
      .catch((err: unknown) => this.log.warn(`could not fetch the tenant's keys yet (${err instanceof Error ? err.name : 'error'})`));
  }

  async verify(authorization: string | undefined, now: Date): Promise<JWTPayload> {
    const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? '');
    if (!m) throw unauthenticated('send the bearer token Entra ID issued to the extension: Authorization: Bearer <JWT>');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(m[1], this.keys, {
        algorithms: ['RS256'],
        issuer: entraIssuers(this.cfg.tenantId),
        audience: this.cfg.appId,
        currentDate: now,
        clockTolerance: 60,
        requiredClaims: ['exp', 'iss', 'aud'],
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw unauthenticated('the bearer token has expired');
      if (err instanceof errors.JWTClaimValidationFailed) throw unauthenticated(`the bearer token's ${err.claim} claim is not accepted`);
      // the key set could not be fetched (timeout, network, not a key set): not the caller's fault
      if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError))
        throw new ApiError(503, "the tenant's signing keys could not be fetched; retry shortly", 'busy');
      throw unauthenticated('the bearer token is not signed by a key of the configured tenant');
    }
    const party = (payload as { azp?: unknown; appid?: unknown }).azp ?? (payload as { appid?: unknown }).appid;
    if (party !== ENTRA_AUTH_EVENTS_APP_ID)
      throw unauthenticated("the bearer token was not issued to Entra ID's authentication events service");
    return payload;
  }
}

/** The Okta hook's header secret, compared in constant time (both sides hashed: equal lengths, no length oracle). */
export function oktaSecretMatches(presented: string | undefined, secret: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 2000) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}
