import { Controller, Inject, Req, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock } from '@facenition/clients';
import type { Request } from 'express';
import { ApiError, badRequest } from '../common/api-error';
import { answer } from '../common/audited';
import { context } from '../common/request-context';
import { APP_CONFIG, type AppConfig } from '../config';
import { ENTRA_TOKEN_ISSUANCE_START, entraTokenIssuanceStartEvent, OKTA_TOKEN_HOOK, oktaTokenHookEvent } from '../contract/api';
import { ApiEdge } from '../contract/edge';
import { checkDocument, Endpoint } from '../contract/endpoint';
import { FaceVerifications, type RecentVerification } from './face-verifications';
import { EntraBearer, oktaSecretMatches } from './hook-auth';

const disabled = (what: string, settings: string): ApiError =>
  new ApiError(404, `the ${what} is not configured on this deployment (${settings})`, 'integration_disabled');

const decision = (v: RecentVerification | undefined): { decision: string } => ({ decision: v ? 'face_verified' : 'face_not_verified' });

/**
 * The token hooks of the identity providers that call out while they mint a token: they add
 * face-verification claims from a recent verification of the user (FaceVerifications), and never
 * run face matching themselves. The caller is authenticated first (before the body is looked at);
 * the body is Microsoft's or Okta's documented event, extra members ignored; the answer is the
 * provider's own format (no `ok`).
 */
@Controller()
export class TokenHooksController implements OnApplicationBootstrap {
  private readonly entra?: EntraBearer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly edge: ApiEdge,
    private readonly verifications: FaceVerifications,
    @Inject(CLOCK) private readonly now: Clock,
  ) {
    if (config.entraExtension) this.entra = new EntraBearer(config.entraExtension);
  }

  onApplicationBootstrap(): void {
    this.entra?.warmUp();
  }

  @Endpoint(ENTRA_TOKEN_ISSUANCE_START)
  async entraTokenIssuanceStart(@Req() req: Request) {
    const cfg = this.config.entraExtension;
    if (!cfg || !this.entra) throw disabled('Entra ID custom claims provider', 'FACENITION_ENTRA_EXTENSION_*');
    await this.entra.verify(req.headers.authorization, this.now());
    context(req).subjectClientId = cfg.apiClientId;
    const { document } = await this.edge.accept(req, ENTRA_TOKEN_ISSUANCE_START);
    const event = checkDocument(entraTokenIssuanceStartEvent, document);
    if (event.data.tenantId.toLowerCase() !== cfg.tenantId)
      throw badRequest("'data.tenantId' is not the configured tenant", 'wrong_tenant');
    const v = await this.verifications.latestFor(cfg.apiClientId, event.data.authenticationContext.user.id);
    const claims = v
      ? { face_verified: 'true' as const, face_verified_at: v.verifiedAt.toISOString(), face_acr: v.acr }
      : { face_verified: 'false' as const };
    return answer(
      {
        data: {
          '@odata.type': 'microsoft.graph.onTokenIssuanceStartResponseData',
          actions: [{ '@odata.type': 'microsoft.graph.tokenIssuanceStart.provideClaimsForToken', claims }],
        },
      },
      decision(v),
    );
  }

  @Endpoint(OKTA_TOKEN_HOOK)
  async oktaTokenHook(@Req() req: Request) {
    const cfg = this.config.oktaHook;
    if (!cfg) throw disabled('Okta token inline hook', 'FACENITION_OKTA_HOOK_*');
    if (!oktaSecretMatches(req.headers.authorization, cfg.secret))
      throw new ApiError(401, 'send the hook secret configured in Okta in the Authorization header', 'unauthenticated');
    context(req).subjectClientId = cfg.apiClientId;
    const { document } = await this.edge.accept(req, OKTA_TOKEN_HOOK);
    const event = checkDocument(oktaTokenHookEvent, document);
    const v = await this.verifications.latestFor(cfg.apiClientId, event.data.context.user.id);
    const ops: { op: 'add'; path: string; value: boolean | number | string }[] = [{ op: 'add', path: '/claims/face_verified', value: !!v }];
    if (v) {
      ops.push({ op: 'add', path: '/claims/face_verified_at', value: Math.floor(v.verifiedAt.getTime() / 1000) });
      ops.push({ op: 'add', path: '/claims/face_acr', value: v.acr });
    }
    // Okta wants commands only for the tokens it is minting
    const commands = [
      ...(event.data.identity ? [{ type: 'com.okta.identity.patch' as const, value: ops }] : []),
      ...(event.data.access ? [{ type: 'com.okta.access.patch' as const, value: ops }] : []),
    ];
    return answer({ commands }, decision(v));
  }
}
