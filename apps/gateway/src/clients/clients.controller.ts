import { Controller, Req } from '@nestjs/common';
import { AuthRateLimiter, ClientAuthError, ClientsService, QuotaService } from '@facenition/clients';
import type { Request } from 'express';
import { badRequest } from '../common/api-error';
import { context, sourceAddress } from '../common/request-context';
import {
  CREATE_CLIENT,
  ISSUE_ACCESS_TOKEN,
  LIST_CLIENTS,
  ME,
  REVOKE_CLIENT,
  ROTATE_CLIENT,
  ROTATE_OWN_CLIENT_TOKEN,
} from '../contract/api';
import { ApiEdge } from '../contract/edge';
import { Endpoint } from '../contract/endpoint';

@Controller()
export class ClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly quota: QuotaService,
    private readonly limiter: AuthRateLimiter,
    private readonly edge: ApiEdge,
  ) {}

  @Endpoint(CREATE_CLIENT)
  async generateToken(@Req() req: Request) {
    const { body } = await this.edge.accept(req, CREATE_CLIENT);
    const created = await this.clients.create({
      name: body.name,
      environment: body.environment,
      plan: body.plan,
      expiresAt: body.expires_at,
      tenant: body.tenant,
    });
    return { ok: true, ...created };
  }

  @Endpoint(ISSUE_ACCESS_TOKEN)
  async token(@Req() req: Request) {
    const { body } = await this.edge.accept(req, ISSUE_ACCESS_TOKEN);
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    let creds: { client_id?: string; client_secret?: string } = body;
    if (basic) {
      if (body.client_id !== undefined || body.client_secret !== undefined)
        throw badRequest('send the client credentials either with HTTP Basic or in the body, not both', 'invalid_field');
      const [id, ...secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      creds = { client_id: id, client_secret: secret.join(':') };
    }
    if (!creds.client_id || !creds.client_secret) throw badRequest('client_id and client_secret are required', 'missing_field');
    // /token is public, so it counts failed secrets against the same per-address limit as the guard
    const source = sourceAddress(req);
    await this.limiter.check(source);
    let issued;
    try {
      issued = await this.clients.issueAccessToken(creds.client_id, creds.client_secret);
    } catch (err) {
      if (err instanceof ClientAuthError) await this.limiter.fail(source);
      throw err;
    }
    context(req).subjectClientId = creds.client_id;
    return {
      ok: true,
      client_token: issued.access_token,
      token_type: issued.token_type,
      expires_in: issued.expires_in,
      expires_at: issued.expires_at,
    };
  }

  @Endpoint(LIST_CLIENTS)
  async list(@Req() req: Request) {
    await this.edge.accept(req, LIST_CLIENTS);
    return { ok: true, clients: await this.clients.list() };
  }

  @Endpoint(REVOKE_CLIENT)
  async revoke(@Req() req: Request) {
    const { params } = await this.edge.accept(req, REVOKE_CLIENT);
    return { ok: true, client: await this.clients.revoke(params.id) };
  }

  @Endpoint(ROTATE_CLIENT)
  async rotate(@Req() req: Request) {
    const { params, body } = await this.edge.accept(req, ROTATE_CLIENT);
    return { ok: true, ...(await this.clients.rotate(params.id, body.grace_seconds)) };
  }

  @Endpoint(ME)
  async me(@Req() req: Request) {
    await this.edge.accept(req, ME);
    const p = context(req).principal!;
    const c = await this.clients.get(p.clientId);
    return { ok: true, client: this.clients.view(c), quota: await this.quota.usage(p.clientId, p.plan), authenticated_with: p.via };
  }

  @Endpoint(ROTATE_OWN_CLIENT_TOKEN)
  async rotateSelf(@Req() req: Request) {
    const { body } = await this.edge.accept(req, ROTATE_OWN_CLIENT_TOKEN);
    return { ok: true, ...(await this.clients.rotateSelf(context(req).principal!, body.grace_seconds)) };
  }
}
