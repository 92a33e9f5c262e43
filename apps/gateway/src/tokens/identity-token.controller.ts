import { Controller, Inject, Req } from '@nestjs/common';
import { CLOCK, type Clock } from '@facenition/clients';
import type { Request } from 'express';
import { badRequest } from '../common/api-error';
import { answer, type AuditFacts } from '../common/audited';
import { context } from '../common/request-context';
import { requestSignal } from '../common/request-signal';
import { AUTHENTICATE, AUTHENTICATE_SCORE, GENERATE, IDENTIFY, MIN_ROSTER_SECRET, REVOKE_TOKEN, ROTATE_TOKEN } from '../contract/api';
import { ApiEdge } from '../contract/edge';
import { Endpoint } from '../contract/endpoint';
import { DEFAULT_ACCURACY, expiryOf } from '../contract/fields';
import { FaceVerifications } from '../integrations/face-verifications';
import { SignedResults } from '../integrations/signed-result';
import { acrOfLevel } from '../oidc/oidc.provider';
import { IdentityTokenService, tokenRef, type AuthOutcome } from './identity-token.service';
import { RosterService } from './roster.service';
import { randomBytes } from 'node:crypto';

/** Audit decision of a verification refused by the liveness gate. */
const PRESENTATION_ATTACK = 'presentation_attack_suspected';

@Controller()
export class IdentityTokenController {
  constructor(
    private readonly tokens: IdentityTokenService,
    private readonly edge: ApiEdge,
    @Inject(CLOCK) private readonly now: Clock,
    private readonly signedResults: SignedResults,
    private readonly verifications: FaceVerifications,
    private readonly rosters: RosterService,
  ) {}

  @Endpoint(GENERATE)
  async generate(@Req() req: Request) {
    const { body, images } = await this.edge.accept(req, GENERATE);
    const expiresAt = expiryOf(body, this.now());
    const accuracy = body.accuracy ?? DEFAULT_ACCURACY;
    const principal = context(req).principal!;
    if (body.roster !== undefined && [...body.password].length < MIN_ROSTER_SECRET)
      throw badRequest(
        `a roster secret must be at least ${MIN_ROSTER_SECRET} characters: one guess at it tests every member of the roster`,
        'weak_roster_secret',
      );
    const rosterId = body.roster === undefined ? undefined : body.roster === 'new' ? randomBytes(16) : Buffer.from(body.roster, 'hex');
    const g = await this.tokens.generate(
      principal,
      images.get('photo')!,
      { password: body.password, scope: body.scope, accuracy, expiresAt, rosterId },
      requestSignal(req),
    );
    return answer(
      {
        ok: true,
        token: g.token,
        token_id: g.tokenId,
        expires_at: g.expiresAt?.toISOString() ?? null,
        accuracy,
        environment: principal.environment,
        quality: g.quality,
        ...(rosterId ? { roster_id: rosterId.toString('hex') } : {}),
      },
      { decision: 'enrolled', accuracy, tokenRef: tokenRef(Buffer.from(g.tokenId, 'hex')) },
    );
  }

  /** The audit facts of a verification: the score only when authenticated (a failure reveals none, not even to the audit log). */
  private facts(out: AuthOutcome): AuditFacts {
    return {
      decision: out.reason === 'not_live' ? PRESENTATION_ATTACK : out.authenticated ? 'authenticated' : 'not_authenticated',
      score: out.authenticated ? out.score : null,
      threshold: out.threshold,
      accuracy: out.accuracy,
      tokenRef: tokenRef(out.tokenId),
    };
  }

  @Endpoint(AUTHENTICATE)
  async authenticate(@Req() req: Request) {
    const { body, images } = await this.edge.accept(req, AUTHENTICATE);
    const signed = body.signed_result === true;
    // refused before any face work, so a misconfigured caller does not spend a verification attempt
    if (signed && !this.signedResults.enabled)
      throw badRequest('signed results need the OpenID Connect provider: set FACENITION_OIDC_ISSUER', 'oidc_disabled');
    const principal = context(req).principal!;
    const o = await this.tokens.authenticate(
      principal,
      body.token,
      images.get('photo')![0],
      { password: body.password, scope: body.scope, accuracy: body.accuracy, releaseLabel: body.release_key },
      requestSignal(req),
    );
    let signedResult: string | undefined;
    if (signed) {
      const ref = tokenRef(o.tokenId);
      signedResult = await this.signedResults.sign({ audience: principal.clientId, tokenRef: ref, outcome: o, nonce: body.nonce! });
      if (o.authenticated && body.subject !== undefined) await this.verifications.record(principal, body.subject, acrOfLevel(o.accuracy));
    }
    return answer(
      {
        ok: true,
        authenticated: o.authenticated,
        ...(o.reason ? { reason: o.reason } : {}),
        ...(o.releasedKey ? { released_key: o.releasedKey } : {}),
        ...(signedResult ? { signed_result: signedResult } : {}),
      },
      this.facts(o),
    );
  }

  @Endpoint(AUTHENTICATE_SCORE)
  async authenticateScore(@Req() req: Request) {
    const { body, images } = await this.edge.accept(req, AUTHENTICATE_SCORE);
    const o = await this.tokens.authenticate(
      context(req).principal!,
      body.token,
      images.get('photo')![0],
      { password: body.password, scope: body.scope, accuracy: body.accuracy },
      requestSignal(req),
    );
    return answer(
      {
        ok: true,
        authenticated: o.authenticated,
        score: o.score,
        threshold: o.threshold,
        calibration: o.calibration,
        accuracy: o.accuracy,
        ...(o.reason ? { reason: o.reason } : {}),
      },
      this.facts(o),
    );
  }

  @Endpoint(IDENTIFY)
  async identify(@Req() req: Request) {
    const { body, images } = await this.edge.accept(req, IDENTIFY);
    const o = await this.rosters.identify(
      context(req).principal!,
      images.get('photo')![0],
      { tokens: body.tokens, password: body.password, scope: body.scope, accuracy: body.accuracy },
      requestSignal(req),
    );
    const top = o.matches[0];
    return answer(
      {
        ok: true,
        identified: o.identified,
        matches: o.matches.map((m) => ({ token_id: m.tokenId.toString('hex'), score: m.score })),
        roster_id: o.rosterId,
        roster_size: o.rosterSize,
        excluded: o.excluded,
        threshold: o.threshold,
        calibration: o.calibration,
        accuracy: o.accuracy,
        expected_fpir: o.expectedFpir,
        capped: o.capped,
        ...(o.reason ? { reason: o.reason } : {}),
      },
      {
        decision: o.reason === 'not_live' ? PRESENTATION_ATTACK : o.identified ? 'identified' : 'not_identified',
        score: top ? top.score : null,
        threshold: o.threshold,
        accuracy: o.accuracy,
        tokenRef: top ? tokenRef(top.tokenId) : undefined,
      },
    );
  }

  @Endpoint(REVOKE_TOKEN)
  async revoke(@Req() req: Request) {
    const { body } = await this.edge.accept(req, REVOKE_TOKEN);
    if (!body.token === !body.token_id) throw badRequest("send exactly one of 'token' or 'token_id'", 'invalid_field');
    const r = await this.tokens.revoke(context(req).principal!, { token: body.token, tokenId: body.token_id });
    return answer(
      { ok: true, token_id: r.tokenId, revoked_at: r.revokedAt.toISOString() },
      { decision: 'revoked', tokenRef: tokenRef(Buffer.from(r.tokenId, 'hex')) },
    );
  }

  @Endpoint(ROTATE_TOKEN)
  async rotate(@Req() req: Request) {
    const { body, images } = await this.edge.accept(req, ROTATE_TOKEN);
    const expiresAt = expiryOf(body, this.now());
    const r = await this.tokens.rotate(
      context(req).principal!,
      body.token,
      images.get('photo')!,
      { password: body.password, scope: body.scope, newPassword: body.new_password, accuracy: body.accuracy, expiresAt },
      requestSignal(req),
    );
    const facts = { ...this.facts(r.outcome), ...(r.token ? { decision: 'rotated' } : {}) };
    if (!r.token) return answer({ ok: true, rotated: false, reason: r.outcome.reason }, facts);
    return answer(
      {
        ok: true,
        rotated: true,
        token: r.token,
        token_id: r.tokenId,
        replaces: r.outcome.tokenId.toString('hex'),
        expires_at: expiresAt?.toISOString() ?? null,
      },
      facts,
    );
  }
}
