import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@facenition/clients';
import { randomBytes, sign, type KeyObject } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config';
import { acrOfLevel, OidcProvider } from '../oidc/oidc.provider';
import { OidcSigningKeys } from '../oidc/signing-keys';
import type { AuthOutcome } from '../tokens/identity-token.model';
import { SIGNED_RESULT_TYP, type SignedResultClaims } from './verify-signed-result';

/** A loaded signing key is used this long before the key table is read again (a rotation takes effect within it). */
const KEY_CACHE_MS = 60_000;
/** The longest a signed result lives, whatever the configuration says. */
export const MAX_SIGNED_RESULT_TTL_SECONDS = 120;

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs the outcome of a verification for the callout-style identity providers (Cognito's custom
 * challenge, or any relying party that wants proof of a face verification it did not run itself):
 * a compact JWS, RS256, with the OpenID Connect provider's current signing key, so that it verifies
 * against the keys the provider publishes at <issuer>/jwks. Short-lived (at most 120 s) and bound
 * to the caller's nonce. It names the identity token by its reference, never the user.
 */
@Injectable()
export class SignedResults {
  private cached?: { kid: string; key: KeyObject; loadedAt: number };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly provider: OidcProvider,
    private readonly keys: OidcSigningKeys,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  get enabled(): boolean {
    return !!this.config.oidcIssuer;
  }

  private async signingKey(): Promise<{ kid: string; key: KeyObject }> {
    const c = this.cached;
    if (c && performance.now() - c.loadedAt < KEY_CACHE_MS) return c;
    // the provider creates (and rotates) its keys on start: the key signing here is one it publishes
    await this.provider.start();
    const k = await this.keys.signingKey();
    this.cached = { ...k, loadedAt: performance.now() };
    return k;
  }

  /** The claims of a signed result (exported for tests and documentation). */
  claims(input: { audience: string; tokenRef: string; outcome: AuthOutcome; nonce: string }): SignedResultClaims {
    const iat = Math.floor(this.now().getTime() / 1000);
    const { outcome } = input;
    return {
      iss: this.config.oidcIssuer!,
      aud: input.audience,
      sub: input.tokenRef,
      outcome: outcome.authenticated ? 'authenticated' : 'not_authenticated',
      ...(outcome.authenticated ? {} : { reason: outcome.reason ?? 'no_match' }),
      acr: acrOfLevel(outcome.accuracy),
      ...(outcome.authenticated ? { amr: ['face'] } : {}),
      nonce: input.nonce,
      iat,
      exp: iat + Math.min(MAX_SIGNED_RESULT_TTL_SECONDS, this.config.signedResultTtlSeconds),
      jti: randomBytes(16).toString('base64url'),
    };
  }

  /** The compact JWS of a verification's outcome. */
  async sign(input: { audience: string; tokenRef: string; outcome: AuthOutcome; nonce: string }): Promise<string> {
    const { kid, key } = await this.signingKey();
    const signingInput = `${b64({ alg: 'RS256', kid, typ: SIGNED_RESULT_TYP })}.${b64(this.claims(input))}`;
    return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
  }
}
