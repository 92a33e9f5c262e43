import { Inject, Injectable } from '@nestjs/common';
import { QuotaExceededError, QuotaService } from '@facenition/clients';
import { OverloadedError, type FacePool } from '@facenition/face';
import type { Request } from 'express';
import { ApiError } from '../common/api-error';
import { context } from '../common/request-context';
import { APP_CONFIG, type AppConfig } from '../config';
import { FACE_POOL } from '../face/face.tokens';
import { KdfGate } from '../tokens/kdf-gate';
import { LicenseService } from '../license/license.service';
import { MetricsService } from '../metrics/metrics.service';
import { parseInput, type EndpointDef, type ParsedInput } from './endpoint';

/**
 * The API edge: validates a request against its endpoint definition, then meters it. A call is
 * counted (client plan quota and the licence's monthly calls) only once its input is valid:
 * a request refused for a malformed field consumes nothing; a request whose photos were analysed
 * counts even when the answer is a 400 about the photo (no face, low quality), because the work was done.
 */
@Injectable()
export class ApiEdge {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly quota: QuotaService,
    private readonly license: LicenseService,
    private readonly metrics: MetricsService,
    @Inject(FACE_POOL) private readonly pool: FacePool,
    private readonly kdf: KdfGate,
  ) {}

  async accept<D extends EndpointDef>(req: Request, def: D): Promise<ParsedInput<D>> {
    const input = parseInput(req, def, { maxImages: this.config.maxImages });
    // shed before metering when the face engine cannot take the photos, or the KDF gate a password's
    // derivation: a 503 costs the caller no quota (a request that passes here and finds a queue full a
    // moment later is still counted)
    if (def.images?.length && this.pool.full) throw new OverloadedError();
    if (def.body && 'password' in def.body.shape) this.kdf.assertRoom();
    if (def.access === 'client' && !def.unmetered) await this.meter(req);
    return input;
  }

  private async meter(req: Request): Promise<void> {
    const ctx = context(req);
    const principal = ctx.principal;
    if (!principal) throw new ApiError(500, 'metering without a client', 'internal');
    if (ctx.quota) return;
    // the licence's deployment-wide monthly limit first, then the client's own plan quota
    await this.license.consumeCall();
    try {
      ctx.quota = await this.quota.consume(principal.clientId, principal.plan);
    } catch (err) {
      if (err instanceof QuotaExceededError) this.metrics.quotaRefused.inc({ limit: 'client_plan' });
      throw err;
    }
    this.metrics.quotaCalls.inc({ plan: principal.plan });
    const res = req.res;
    if (res && ctx.quota.limit !== null) {
      res.setHeader('X-Quota-Limit', String(ctx.quota.limit));
      res.setHeader('X-Quota-Remaining', String(ctx.quota.remaining));
    }
  }
}
