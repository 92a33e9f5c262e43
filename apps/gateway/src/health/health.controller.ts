import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DATA_SOURCE } from '@facenition/database';
import type { FacePool } from '@facenition/face';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { Public } from '../common/public.decorator';
import { FACE_POOL } from '../face/face.tokens';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(FACE_POOL) private readonly pool: FacePool,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness probe: the process serves HTTP' })
  live() {
    return { ok: true, status: 'live' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness probe: models verified and loaded in every worker, database answering (503 otherwise)' })
  async ready(@Res({ passthrough: true }) res: Response) {
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
