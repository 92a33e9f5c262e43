import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DATA_SOURCE } from '@facenition/database';
import type { PepperRing } from '@facenition/tokenisation';
import type { Request, Response } from 'express';
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config';
import { PEPPER } from '../tokens/identity-token.service';
import { postgresAdapter, sweepExpired, type OidcAdapter } from './adapter';
import { RelyingParties } from './relying-parties';
import { OidcSigningKeys, type KeySet } from './signing-keys';

/** Authentication context classes: Entra EAM's, and one per accuracy level. */
export const ACR_EAM = 'possessionorinherence';
export const acrOfLevel = (level: number): string => `urn:facenition:acr:level-${level}`;
export const ACR_VALUES = [ACR_EAM, ...[1, 2, 3, 4, 5, 6, 7, 8].map(acrOfLevel)];

const HOUR = 3_600_000;

/** The error page of the provider: plain, no third-party assets, nothing echoed but the OAuth error. */
function renderError(ctx: KoaContextWithOIDC, out: { error?: unknown; error_description?: unknown }): void {
  const esc = (v: unknown) =>
    (typeof v === 'string' ? v : '').replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
    );
  ctx.type = 'html';
  ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in failed</title></head><body><main><h1>Sign-in failed</h1><p>${esc(out.error)}: ${esc(out.error_description)}</p>
<p>Return to the application and try again.</p></main></body></html>`;
}

/**
 * The OpenID Connect provider (panva's oidc-provider), configured for face authentication:
 * authorization code with PKCE, and Entra ID's external-authentication-method profile (id_token by
 * form_post, authorization requests by POST). Every authorization asks for a face: there is no
 * consent step and no provider session that could skip the capture. Storage is the project's
 * PostgreSQL; keys come from OidcSigningKeys; the instance is rebuilt when the signing key changes.
 */
@Injectable()
export class OidcProvider implements OnApplicationShutdown {
  private readonly log = new Logger('OIDC');
  private current?: { provider: Provider; callback: ReturnType<Provider['callback']>; kid: string; published: string };
  private starting?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(PEPPER) private readonly peppers: PepperRing,
    private readonly keys: OidcSigningKeys,
    private readonly rps: RelyingParties,
  ) {
    this.usernames = new (postgresAdapter(ds, () => Promise.resolve(undefined)))('FacenitionUsername');
  }

  /** preferred_username of the accounts of recent sign-ins (standard relying parties), kept with the provider's artefacts for 10 minutes. */
  private readonly usernames: OidcAdapter;

  /** Keeps the user name a relying party's hint gave, for the id_token and userinfo of this sign-in. */
  async rememberUsername(accountId: string, username: string): Promise<void> {
    await this.usernames.upsert(accountId, { preferred_username: username }, 600);
  }

  get enabled(): boolean {
    return !!this.config.oidcIssuer;
  }

  get issuer(): string {
    return this.config.oidcIssuer!;
  }

  /** Path the provider is mounted at (the issuer's path, under which every route lives), e.g. /oidc. */
  get mountPath(): string {
    return new URL(this.issuer).pathname.replace(/\/$/, '') || '/';
  }

  private configuration(keySet: KeySet): Configuration {
    const cookieKey = this.peppers.current.derive('facenition oidc cookies').toString('base64url');
    const policy = interactionPolicy.base();
    policy.remove('consent');
    const login = policy.get('login')!;
    login.checks.clear();
    // every authorization captures a face: a provider session never stands in for one
    login.checks.add(
      new interactionPolicy.Check('face_required', 'a face capture is required for every authorization', (ctx) =>
        ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
      ),
    );
    return {
      adapter: postgresAdapter(this.ds, (id) => this.rps.providerMetadata(id)),
      jwks: keySet.jwks,
      findAccount: async (_ctx, sub) => {
        const username = await this.usernames.find(sub);
        return {
          accountId: sub,
          claims: () => ({
            sub,
            ...(typeof username?.preferred_username === 'string' ? { preferred_username: username.preferred_username } : {}),
          }),
        };
      },
      // acr, amr and auth_time go into every id_token (oidc-provider drops claims not listed here);
      // preferred_username (scope profile) is the user name the relying party's hint gave
      claims: {
        acr: null,
        amr: null,
        auth_time: null,
        sid: null,
        iss: null,
        openid: ['sub', 'acr', 'amr', 'auth_time'],
        profile: ['preferred_username'],
      },
      scopes: ['openid', 'profile'],
      // preferred_username in the id_token too, not only from userinfo: Okta and Keycloak map it from the id_token
      conformIdTokenClaims: false,
      acrValues: ACR_VALUES,
      responseTypes: ['code', 'id_token'],
      enableHttpPostMethods: true,
      extraParams: ['facenition_id_token_hint'],
      extraClientMetadata: { properties: ['facenition_require_pkce'] },
      pkce: {
        required: (_ctx, client) => client.tokenEndpointAuthMethod === 'none' || client['facenition_require_pkce'] !== false,
      },
      features: {
        devInteractions: { enabled: false },
        claimsParameter: { enabled: true },
        userinfo: { enabled: true },
        revocation: { enabled: false },
        introspection: { enabled: false },
      },
      issueRefreshToken: () => false,
      // the scopes are granted with the authorization: there is nothing else to consent to
      loadExistingGrant: async (ctx) => {
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
        // openid, and profile (preferred_username) when asked for
        grant.addOIDCScope(ctx.oidc.requestParamScopes.has('profile') ? 'openid profile' : 'openid');
        await grant.save();
        return grant;
      },
      interactions: {
        policy,
        url: (_ctx, interaction) => `${this.mountPath === '/' ? '' : this.mountPath}/interaction/${interaction.uid}`,
      },
      cookies: {
        keys: [cookieKey],
        // EAM posts the authorization request cross-site: its cookies must be SameSite=None (and so Secure)
        long: { sameSite: 'none', secure: true, signed: true },
        short: { sameSite: 'none', secure: true, signed: true },
      },
      ttl: {
        // Entra ID gives up about 5 minutes after the redirect; the capture must fit in
        Interaction: 600,
        Session: 600,
        Grant: 600,
        AuthorizationCode: 60,
        IdToken: 300,
        AccessToken: 300,
      },
      renderError: (ctx, out) => Promise.resolve(renderError(ctx, out)),
      clockTolerance: 30,
    };
  }

  /**
   * Runs key maintenance and rebuilds the provider when the published keys changed: a successor
   * key is published (in the JWKS) as soon as it exists, 48 h before it signs.
   */
  async refresh(): Promise<void> {
    await this.keys.maintain();
    const keySet = await this.keys.load();
    const published = keySet.jwks.keys.map((k) => (k as { kid?: string }).kid).join(' ');
    if (this.current?.kid === keySet.signingKid && this.current.published === published) return;
    const provider = new Provider(this.issuer, this.configuration(keySet));
    provider.proxy = this.config.oidcTrustProxy;
    provider.on('server_error', (_ctx, err) => this.log.error(`provider error: ${err.name}`));
    this.current = { provider, callback: provider.callback(), kid: keySet.signingKid, published };
    this.log.log(`OpenID Connect provider at ${this.issuer} (signing key ${keySet.signingKid})`);
  }

  /** Builds the provider on first use; afterwards checks hourly for key rotation and sweeps expired artefacts. */
  async start(): Promise<void> {
    if (!this.enabled) return;
    this.starting ??= this.refresh();
    await this.starting;
    if (!this.timer) {
      this.timer = setInterval(() => {
        this.refresh()
          .then(() => sweepExpired(this.ds))
          .catch((err: unknown) => this.log.error(`key maintenance failed: ${err instanceof Error ? err.name : 'unknown'}`));
      }, HOUR);
      this.timer.unref();
    }
  }

  async provider(): Promise<Provider> {
    await this.start();
    return this.current!.provider;
  }

  /** oidc-provider's request handler, for requests below the mount path (req.url relative to it). */
  async handle(req: Request, res: Response): Promise<void> {
    await this.start();
    await this.current!.callback(req, res);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
