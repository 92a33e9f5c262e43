import { Controller, Req } from '@nestjs/common';
import type { Request } from 'express';
import { LICENSE } from '../contract/api';
import { ApiEdge } from '../contract/edge';
import { Endpoint } from '../contract/endpoint';
import { LicenseService } from './license.service';

@Controller()
export class LicenseController {
  constructor(
    private readonly license: LicenseService,
    private readonly edge: ApiEdge,
  ) {}

  @Endpoint(LICENSE)
  async get(@Req() req: Request) {
    await this.edge.accept(req, LICENSE);
    return { ok: true, license: this.license.state(), usage: await this.license.usage(), replicas: this.license.replicas };
  }
}
