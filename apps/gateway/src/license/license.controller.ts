import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/public.decorator';
import { LicenseService } from './license.service';

@ApiTags('operations')
@ApiSecurity('client-token')
@Controller()
export class LicenseController {
  constructor(private readonly license: LicenseService) {}

  @Get('license')
  @AdminOnly()
  @ApiOperation({
    summary:
      'Licence state for operators (admin): edition, status (none, valid, not_yet_valid, grace, expired), limits, dates, warnings, usage',
  })
  async get() {
    return { ok: true, license: this.license.state(), usage: await this.license.usage(), replicas: this.license.replicas };
  }
}
