import { Controller, Req } from '@nestjs/common';
import type { Request } from 'express';
import { badRequest } from '../common/api-error';
import { CREATE_RELYING_PARTY, DISABLE_RELYING_PARTY, INVITE_ENROLMENT, LIST_RELYING_PARTIES, REMOVE_ENROLMENT } from '../contract/api';
import { ApiEdge } from '../contract/edge';
import { Endpoint } from '../contract/endpoint';
import { IdentityTokenService } from '../tokens/identity-token.service';
import { OidcProvider } from './oidc.provider';
import { ENTRA_REDIRECT_URI, RelyingParties, type SubjectSource } from './relying-parties';
import { entraSubjectName, invitedSubject, loginHintSubjectName, subjectKey } from './subjects';

@Controller()
export class OidcAdminController {
  constructor(
    private readonly edge: ApiEdge,
    private readonly rps: RelyingParties,
    private readonly oidc: OidcProvider,
    private readonly tokens: IdentityTokenService,
  ) {}

  private requireEnabled(): void {
    if (!this.oidc.enabled) throw badRequest('the OpenID Connect provider is off: set FACENITION_OIDC_ISSUER', 'oidc_disabled');
  }

  @Endpoint(CREATE_RELYING_PARTY)
  async create(@Req() req: Request) {
    const { body } = await this.edge.accept(req, CREATE_RELYING_PARTY);
    this.requireEnabled();
    const eam = body.profile === 'entra_eam';
    const maxAge = body.hint_max_age_seconds ?? 600;
    let subject: SubjectSource;
    if (eam) {
      if (body.subject_source !== undefined) throw badRequest("'subject_source' applies to profile standard only", 'invalid_field');
      const e = body.entra;
      if (!e) throw badRequest("profile entra_eam needs 'entra' (tenant_id, app_id, jwks_uri or jwks)", 'missing_field');
      if (!e.jwks === !e.jwks_uri) throw badRequest("send exactly one of 'entra.jwks_uri' or 'entra.jwks'", 'invalid_field');
      subject = {
        kind: 'entra_hint',
        issuer: e.issuer ?? `https://login.microsoftonline.com/${e.tenant_id}/v2.0`,
        audience: e.app_id,
        ...(e.jwks_uri ? { jwks_uri: e.jwks_uri } : { jwks: e.jwks as { keys: object[] } }),
        max_age_seconds: maxAge,
      };
    } else {
      if (body.entra) throw badRequest("'entra' applies to profile entra_eam only", 'invalid_field');
      if (body.subject_source === 'login_hint_name' && body.hint_max_age_seconds !== undefined)
        throw badRequest("'hint_max_age_seconds' applies to signed hints only", 'invalid_field');
      if (!body.redirect_uris) throw badRequest("missing field 'redirect_uris'", 'missing_field');
      if (body.token_endpoint_auth_method === 'private_key_jwt' && !body.jwks_uri)
        throw badRequest("private_key_jwt needs 'jwks_uri'", 'missing_field');
      subject =
        body.subject_source === 'login_hint_name' ? { kind: 'login_hint_name' } : { kind: 'login_hint_jwt', max_age_seconds: maxAge };
    }
    const created = await this.rps.create({
      name: body.name,
      profile: body.profile,
      redirect_uris: eam ? (body.redirect_uris ?? [ENTRA_REDIRECT_URI]) : body.redirect_uris!,
      token_endpoint_auth_method: eam ? 'none' : body.token_endpoint_auth_method,
      jwks_uri: body.jwks_uri,
      settings: { accuracy: body.accuracy ?? 4, pin: body.pin, allow_upload: body.allow_upload, require_pkce: body.require_pkce, subject },
    });
    return { ok: true, relying_party: created.rp, client_secret: created.client_secret };
  }

  @Endpoint(LIST_RELYING_PARTIES)
  async list(@Req() req: Request) {
    await this.edge.accept(req, LIST_RELYING_PARTIES);
    return { ok: true, relying_parties: await this.rps.list() };
  }

  @Endpoint(DISABLE_RELYING_PARTY)
  async disable(@Req() req: Request) {
    const { params } = await this.edge.accept(req, DISABLE_RELYING_PARTY);
    return { ok: true, relying_party: await this.rps.disable(params.client_id) };
  }

  @Endpoint(REMOVE_ENROLMENT)
  async removeEnrolment(@Req() req: Request) {
    const { params, body } = await this.edge.accept(req, REMOVE_ENROLMENT);
    const rp = await this.rps.get(params.client_id);
    let name: string;
    if (rp.profile === 'entra_eam') {
      if (!body.entra_tenant_id || !body.entra_object_id || body.subject)
        throw badRequest("profile entra_eam: send 'entra_tenant_id' and 'entra_object_id'", 'invalid_field');
      name = entraSubjectName(body.entra_tenant_id, body.entra_object_id);
    } else {
      if (!body.subject || body.entra_tenant_id || body.entra_object_id)
        throw badRequest("profile standard: send 'subject'", 'invalid_field');
      name = loginHintSubjectName(body.subject);
    }
    const tokenId = await this.rps.removeEnrolment(rp.client_id, subjectKey(await this.rps.subjectRoot(), rp.client_id, name));
    if (tokenId) await this.tokens.revoke(await this.rps.principal(rp), { tokenId: tokenId.toString('hex') });
    return { ok: true, removed: !!tokenId, token_id: tokenId?.toString('hex') ?? null };
  }

  @Endpoint(INVITE_ENROLMENT)
  async invite(@Req() req: Request) {
    const { params, body } = await this.edge.accept(req, INVITE_ENROLMENT);
    this.requireEnabled();
    const rp = await this.rps.get(params.client_id);
    if (rp.profile !== 'standard')
      throw badRequest('enrolment links are for standard relying parties: Entra users enrol at their first sign-in', 'invalid_field');
    if (rp.disabled_at) throw badRequest('this relying party is disabled', 'invalid_field');
    const subject = invitedSubject(rp, await this.rps.subjectRoot(), body.subject);
    const expiresAt = new Date(Date.now() + (body.ttl_seconds ?? 86_400) * 1000);
    const secret = await this.rps.invite(rp.client_id, subject.enrolmentKey, expiresAt);
    return { ok: true, url: `${this.oidc.issuer}/enrol/${secret}`, expires_at: expiresAt.toISOString() };
  }
}
