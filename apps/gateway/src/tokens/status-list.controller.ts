import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { badRequest } from '../common/api-error';
import { AdminOnly } from '../common/public.decorator';
import { parseBody } from '../common/validate';
import { StatusListService } from './status-list.service';

@ApiTags('identity tokens')
@ApiSecurity('client-token')
@Controller()
export class StatusListController {
  constructor(private readonly tokens: StatusListService) {}

  @Get('admin/status-list')
  @AdminOnly()
  @ApiOperation({
    summary: "This deployment's revocation status list (admin): its revoked, unexpired token ids, signed under the deployment key",
    description:
      'Import it on every other deployment that verifies these tokens (POST /admin/status-list/import); format in docs/token-format.md.',
  })
  async exportStatusList() {
    const r = await this.tokens.exportStatusList();
    return { ok: true, entries: r.entries, status_list: JSON.parse(r.document) as unknown };
  }

  @Post('admin/status-list/import')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({
    summary: "Import another deployment's signed status list (admin); its tokens are then refused here with reason revoked",
    description:
      'Body: the status list document (or { "status_list": document }). It must be signed under a deployment key this deployment holds, ' +
      "be dated at most 5 minutes ahead of this deployment's clock (400 invalid_status_list otherwise) and " +
      "be newer than the last list imported from the same issuer (409 otherwise, unless an admin reset that issuer since); it replaces that issuer's previous list.",
  })
  async importStatusList(@Req() req: Request) {
    const body: unknown = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw badRequest('send the status list as a JSON object', 'invalid_field');
    const doc: unknown = 'status_list' in body ? body.status_list : body;
    const r = await this.tokens.importStatusList(doc);
    return { ok: true, issuer: r.issuer, issued_at: r.issuedAt.toISOString(), entries: r.entries, replaced_entries: r.replaced };
  }

  @Get('admin/status-list/sources')
  @AdminOnly()
  @ApiOperation({
    summary:
      'Status lists imported from other deployments (admin): issuer, key id, issued_at, imported_at, entries, reset_at, reset_pending',
  })
  async statusListSources() {
    return { ok: true, sources: await this.tokens.statusListSources() };
  }

  @Post('admin/status-list/sources/:issuer/reset')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({
    summary: "Reset an issuer's anti-rollback mark (admin): its next status list is accepted whatever its date",
    description:
      'For an issuer blocked by a list dated in the future. The revocations imported from it stay in force until its next list replaces ' +
      'them; reset_at records the reset (and the call is audited). 400 unless issuer is 32 lowercase hex, 404 if no list from it was imported.',
  })
  async resetSource(@Req() req: Request, @Param('issuer') issuer: string) {
    if (!/^[0-9a-f]{32}$/.test(issuer)) throw badRequest("'issuer' must be 32 lowercase hex characters", 'invalid_field');
    parseBody(req, z.object({}));
    return { ok: true, source: await this.tokens.resetSource(issuer) };
  }
}
