import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { badRequest } from '../common/api-error';
import { context } from '../common/request-context';
import { requestSignal } from '../common/request-signal';
import { parseBody } from '../common/validate';
import { readEndpointInput } from '../face/input';
import { IdentityTokenService, tokenRef } from './identity-token.service';

/** Audit decision of a verification refused by the liveness gate. */
const PRESENTATION_ATTACK = 'presentation_attack_suspected';
const MAX_ENROL_PHOTOS = 5;
/** The photo field of the identity-token endpoints: `photo` as in the developer documentation, `image` accepted as an alias. */
const PHOTOS = (max: number) => ({ name: 'photo', aliases: ['image'], min: 1, max });

function str(fields: Record<string, unknown>, name: string, max: number, required: true): string;
function str(fields: Record<string, unknown>, name: string, max: number, required: false): string | undefined;
function str(fields: Record<string, unknown>, name: string, max: number, required: boolean): string | undefined {
  const v = fields[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw badRequest(`missing field '${name}'`, 'missing_field');
    return undefined;
  }
  if (typeof v !== 'string') throw badRequest(`'${name}' must be a string`, 'invalid_field');
  if (v.length > max) throw badRequest(`'${name}' is longer than ${max} characters`, 'invalid_field');
  return v;
}

function expiryOf(fields: Record<string, unknown>): Date | null {
  const at = str(fields, 'expires_at', 40, false);
  const ttlRaw = fields.ttl;
  if (at !== undefined && ttlRaw !== undefined && ttlRaw !== '')
    throw badRequest("send either 'expires_at' or 'ttl', not both", 'invalid_field');
  if (at !== undefined) {
    const d = new Date(at);
    if (!/^\d{4}-\d{2}-\d{2}/.test(at) || Number.isNaN(d.getTime()))
      throw badRequest("'expires_at' must be an ISO 8601 date-time", 'invalid_field');
    if (d.getTime() <= Date.now()) throw badRequest("'expires_at' must be in the future", 'invalid_field');
    if (d.getTime() >= 2 ** 32 * 1000) throw badRequest("'expires_at' is too far in the future", 'invalid_field');
    return d;
  }
  if (ttlRaw === undefined || ttlRaw === '' || ttlRaw === null) return null;
  const ttl = typeof ttlRaw === 'number' ? ttlRaw : typeof ttlRaw === 'string' && /^\d+$/.test(ttlRaw) ? Number(ttlRaw) : NaN;
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 10 * 366 * 86_400)
    throw badRequest("'ttl' must be whole seconds from 60 to 10 years", 'invalid_field');
  return new Date(Date.now() + ttl * 1000);
}

const LABEL = /^[A-Za-z0-9._:-]{1,100}$/;

@ApiTags('identity tokens')
@ApiSecurity('client-token')
@Controller()
export class IdentityTokenController {
  constructor(private readonly tokens: IdentityTokenService) {}

  @Post('generate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Enrol: photo(s) + password + scope -> identity token (no biometric is stored)',
    description:
      'Fields: photo (1..5 photos of one person, repeat the field; several are averaged; `image` is accepted as an alias), password, scope, accuracy (default level stored in the token, default 4), ' +
      'expires_at (ISO 8601) or ttl (seconds). Refuses photos with no face, several faces, a quality component below FACENITION_ENROL_MIN_COMPONENT ' +
      '(naming it), photos of different people, and (gate on) a liveness score below FACENITION_LIVENESS_GATE_THRESHOLD. The token is bound to the ' +
      'environment (sandbox/production) of the calling client.',
  })
  async generate(@Req() req: Request) {
    const input = readEndpointInput(req, [PHOTOS(MAX_ENROL_PHOTOS)], {
      accuracy: true,
      fields: ['password', 'scope', 'expires_at', 'ttl'],
    });
    const password = str(input.fields, 'password', 1024, true);
    const scope = str(input.fields, 'scope', 200, true);
    const expiresAt = expiryOf(input.fields);
    const principal = context(req).principal!;
    const g = await this.tokens.generate(
      principal,
      input.images.get('photo')!,
      { password, scope, accuracy: input.accuracy, expiresAt },
      requestSignal(req),
    );
    context(req).tokenRef = tokenRef(Buffer.from(g.tokenId, 'hex'));
    return {
      ok: true,
      token: g.token,
      token_id: g.tokenId,
      expires_at: g.expiresAt?.toISOString() ?? null,
      accuracy: input.accuracy,
      environment: principal.environment,
      quality: g.quality,
    };
  }

  private async verify(req: Request, withRelease: boolean) {
    const input = readEndpointInput(req, [PHOTOS(1)], {
      accuracy: true,
      fields: ['token', 'password', 'scope', ...(withRelease ? ['release_key'] : [])],
    });
    const token = str(input.fields, 'token', 4096, true);
    const password = str(input.fields, 'password', 1024, true);
    const scope = str(input.fields, 'scope', 200, true);
    const label = withRelease ? str(input.fields, 'release_key', 100, false) : undefined;
    if (label !== undefined && !LABEL.test(label))
      throw badRequest("'release_key' must be a label of 1..100 characters [A-Za-z0-9._:-]", 'invalid_field');
    const out = await this.tokens.authenticate(
      context(req).principal!,
      token,
      input.images.get('photo')![0],
      { password, scope, accuracy: input.accuracyGiven ? input.accuracy : undefined, releaseLabel: label },
      requestSignal(req),
    );
    context(req).tokenRef = tokenRef(out.tokenId);
    if (out.reason === 'not_live') context(req).decision = PRESENTATION_ATTACK;
    return out;
  }

  @Post('authenticate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Verify a fresh photo + password + scope against an identity token',
    description:
      'Fields: token, photo (alias image), password, scope, accuracy (default: the level stored in the token; a lower level is refused with 400 ' +
      'accuracy_below_token_level), release_key (optional label: on success returns ' +
      'released_key, a stable scope-bound 32-byte secret, base64url). Answers authenticated true/false; when false, reason is one of no_match, ' +
      'not_live (the photo failed the liveness gate: audited as presentation_attack_suspected, counts toward the lockout), expired, revoked, locked, ' +
      'wrong_environment (never which secret was wrong). 5 consecutive failures lock the token for a doubling period. ' +
      'A token is usable only by clients of the tenant whose client issued it (others get 404 token_not_found); an altered copy of a token ' +
      'is refused with 400 invalid_token and does not count as a failure.',
  })
  async authenticate(@Req() req: Request) {
    const o = await this.verify(req, true);
    return {
      ok: true,
      authenticated: o.authenticated,
      ...(o.reason ? { reason: o.reason } : {}),
      ...(o.releasedKey ? { released_key: o.releasedKey } : {}),
    };
  }

  @Post('authenticate-score')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Like /authenticate, with the similarity score (only when authenticated: a failed attempt gets score null) and the threshold',
  })
  async authenticateScore(@Req() req: Request) {
    const o = await this.verify(req, false);
    return {
      ok: true,
      authenticated: o.authenticated,
      score: o.score,
      threshold: o.threshold,
      accuracy: o.accuracy,
      ...(o.reason ? { reason: o.reason } : {}),
    };
  }

  @Post('revoke')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Revoke an identity token issued by a client of the calling client’s tenant, by token or token_id; checked on every verification',
  })
  async revoke(@Req() req: Request) {
    const body = parseBody(
      req,
      z.object({
        token: z.string().max(4096).optional(),
        token_id: z
          .string()
          .regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex characters')
          .optional(),
      }),
    );
    if (!body.token === !body.token_id) throw badRequest("send exactly one of 'token' or 'token_id'", 'invalid_field');
    const r = await this.tokens.revoke(context(req).principal!, { token: body.token, tokenId: body.token_id });
    context(req).tokenRef = tokenRef(Buffer.from(r.tokenId, 'hex'));
    return { ok: true, token_id: r.tokenId, revoked_at: r.revokedAt.toISOString() };
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate: fresh photo(s) that authenticate against the old token -> a new, unrelated token; the old one is revoked atomically',
    description:
      'Fields: token, photo (alias image; 1..5 photos; the first must authenticate against the token at its own level, all pass the enrolment checks and ' +
      'are averaged into the new token), password, scope, new_password (optional), accuracy (level of the new token, default the old one), ' +
      'expires_at or ttl for the new token (default: none). Answers rotated true with token, token_id and replaces, or rotated false with the ' +
      'same reasons as /authenticate (a failure counts toward the lockout). The new token uses the current deployment key.',
  })
  async rotate(@Req() req: Request) {
    const input = readEndpointInput(req, [PHOTOS(MAX_ENROL_PHOTOS)], {
      accuracy: true,
      fields: ['token', 'password', 'scope', 'new_password', 'expires_at', 'ttl'],
    });
    const token = str(input.fields, 'token', 4096, true);
    const password = str(input.fields, 'password', 1024, true);
    const scope = str(input.fields, 'scope', 200, true);
    const newPassword = str(input.fields, 'new_password', 1024, false);
    const expiresAt = expiryOf(input.fields);
    const r = await this.tokens.rotate(
      context(req).principal!,
      token,
      input.images.get('photo')!,
      { password, scope, newPassword, accuracy: input.accuracyGiven ? input.accuracy : undefined, expiresAt },
      requestSignal(req),
    );
    context(req).tokenRef = tokenRef(r.outcome.tokenId);
    if (r.outcome.reason === 'not_live') context(req).decision = PRESENTATION_ATTACK;
    if (!r.token) return { ok: true, rotated: false, reason: r.outcome.reason };
    return {
      ok: true,
      rotated: true,
      token: r.token,
      token_id: r.tokenId,
      replaces: r.outcome.tokenId.toString('hex'),
      expires_at: expiresAt?.toISOString() ?? null,
    };
  }
}
