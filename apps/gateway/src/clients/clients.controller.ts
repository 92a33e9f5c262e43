import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AuthRateLimiter, ClientAuthError, ClientsService, MAX_ROTATION_GRACE_SECONDS, QuotaService, TENANT } from '@facenition/clients';
import type { Request } from 'express';
import { z } from 'zod';
import { badRequest } from '../common/api-error';
import { AdminOnly, Public, Unmetered } from '../common/public.decorator';
import { context, sourceAddress } from '../common/request-context';
import { intField, isoDate, parseBody } from '../common/validate';

const createSchema = z.object({
  name: z.string().trim().min(1).max(200),
  environment: z.enum(['sandbox', 'production']).default('sandbox'),
  plan: z.enum(['developer', 'enterprise']).default('developer'),
  expires_at: isoDate.optional(),
  tenant: z.string().regex(TENANT, 'must be 1..100 characters [A-Za-z0-9._:-]').optional(),
});

const tokenSchema = z.object({
  grant_type: z.literal('client_credentials').optional(),
  client_id: z.string().min(1).max(100),
  client_secret: z.string().min(1).max(200),
});

const rotateSchema = z.object({
  grace_seconds: intField(0, MAX_ROTATION_GRACE_SECONDS).optional(),
});
// bounded by the service after it has checked that the caller may rotate at all
const rotateSelfSchema = z.object({
  grace_seconds: intField(0, 2_147_483_647).optional(),
});

@ApiTags('client tokens')
@Controller()
export class ClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly quota: QuotaService,
    private readonly limiter: AuthRateLimiter,
  ) {}

  @Post('generateToken')
  @HttpCode(200)
  @AdminOnly()
  @ApiSecurity('client-token')
  @ApiOperation({
    summary: 'Create an API client (admin credential). Returns its long-lived client token and client secret exactly once.',
    description:
      'Body: name, environment sandbox|production (default sandbox), plan developer (1,000 calls per calendar month) | enterprise (unlimited), ' +
      'optional expires_at (ISO 8601), optional tenant (clients of one tenant share identity tokens; default: the new client is its own tenant, ' +
      'named by its client_id — pass another client’s tenant to join it).',
  })
  async generateToken(@Req() req: Request) {
    const input = parseBody(req, createSchema);
    const created = await this.clients.create({
      name: input.name,
      environment: input.environment,
      plan: input.plan,
      expiresAt: input.expires_at,
      tenant: input.tenant,
    });
    return { ok: true, ...created };
  }

  @Post('token')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'OAuth2 client-credentials: client_id + client_secret -> short-lived client token',
    description:
      'Body (JSON or form): client_id, client_secret, optional grant_type=client_credentials. HTTP Basic authentication is accepted too.',
  })
  async token(@Req() req: Request) {
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    let creds: { client_id: string; client_secret: string };
    if (basic) {
      const [id, ...secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      creds = { client_id: id, client_secret: secret.join(':') };
      parseBody(req, z.object({ grant_type: z.literal('client_credentials').optional() }));
    } else {
      creds = parseBody(req, tokenSchema);
    }
    if (!creds.client_id || !creds.client_secret) throw badRequest('client_id and client_secret are required', 'missing_field');
    // /token is public, so it counts failed secrets against the same per-address limit as the guard
    const source = sourceAddress(req);
    this.limiter.check(source);
    let issued;
    try {
      issued = await this.clients.issueAccessToken(creds.client_id, creds.client_secret);
    } catch (err) {
      if (err instanceof ClientAuthError) this.limiter.fail(source);
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

  @Get('admin/clients')
  @AdminOnly()
  @ApiSecurity('client-token')
  @ApiOperation({ summary: 'List API clients (admin credential)' })
  async list() {
    return { ok: true, clients: await this.clients.list() };
  }

  @Post('admin/clients/:id/revoke')
  @HttpCode(200)
  @AdminOnly()
  @ApiSecurity('client-token')
  @ApiOperation({ summary: 'Revoke a client: its client token, secret and access tokens stop working at once (admin credential)' })
  async revoke(@Req() req: Request, @Param('id') id: string) {
    parseBody(req, z.object({}));
    return { ok: true, client: await this.clients.revoke(id) };
  }

  @Post('admin/clients/:id/rotate')
  @HttpCode(200)
  @AdminOnly()
  @ApiSecurity('client-token')
  @ApiOperation({
    summary:
      'Rotate a client token (admin credential); the previous token keeps working for grace_seconds (default FACENITION_ROTATION_GRACE_SECONDS, at most 30 days)',
  })
  async rotate(@Req() req: Request, @Param('id') id: string) {
    const { grace_seconds } = parseBody(req, rotateSchema);
    return { ok: true, ...(await this.clients.rotate(id, grace_seconds)) };
  }

  @Get('me')
  @Unmetered()
  @ApiSecurity('client-token')
  @ApiOperation({ summary: 'The calling client: its settings and this month’s quota use' })
  async me(@Req() req: Request) {
    const p = context(req).principal!;
    const c = await this.clients.get(p.clientId);
    return { ok: true, client: this.clients.view(c), quota: await this.quota.usage(p.clientId, p.plan), authenticated_with: p.via };
  }

  @Post('me/rotate')
  @HttpCode(200)
  @Unmetered()
  @ApiSecurity('client-token')
  @ApiOperation({
    summary: 'Rotate the calling client’s own long-lived token (automation of key rotation)',
    description:
      'Only the current long-lived client token (fnc_) may call this: a short-lived access token or a rotated-out token in its grace period ' +
      'gets 403. grace_seconds: how long the previous token keeps working, at most FACENITION_ROTATION_GRACE_SECONDS (the default).',
  })
  async rotateSelf(@Req() req: Request) {
    const { grace_seconds } = parseBody(req, rotateSelfSchema);
    return { ok: true, ...(await this.clients.rotateSelf(context(req).principal!, grace_seconds)) };
  }
}
