import { Controller, Inject, Res } from '@nestjs/common';
import { DATA_SOURCE } from '@facenition/database';
import type { FacePool } from '@facenition/face';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { LIVE, READY } from '../contract/api';
import { Endpoint } from '../contract/endpoint';
import { FACE_POOL } from '../face/face.tokens';
import { ShutdownState } from './shutdown';

@Controller()
export class HealthController {
  constructor(
    @Inject(FACE_POOL) private readonly pool: FacePool,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly shutdown: ShutdownState,
  ) {}

  @Endpoint(LIVE)
  live() {
    return { ok: true, status: 'live' };
  }

  @Endpoint(READY)
  async ready(@Res({ passthrough: true }) res: Response) {
    if (this.shutdown.draining) {
      res.status(503);
      return { ok: false, error: 'shutting down', code: 'not_ready' };
    }
    if (!this.pool.ready) {
      res.status(503);
      return { ok: false, error: 'face models are still loading', code: 'not_ready' };
    }
    try {
      await this.ds.query('SELECT 1');
    } catch {
      res.status(503);
      return { ok: false, error: 'database is not reachable', code: 'not_ready' };
    }
    return { ok: true, status: 'ready', queue: this.pool.depth };
  }
}
