import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FacePool } from '@facenition/face';
import type { Response } from 'express';
import { Public } from '../common/public.decorator';
import { FACE_POOL } from '../face/face.tokens';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(FACE_POOL) private readonly pool: FacePool) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness probe: the process serves HTTP' })
  live() {
    return { ok: true, status: 'live' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness probe: models verified and loaded in every worker (503 until then)' })
  ready(@Res({ passthrough: true }) res: Response) {
    if (!this.pool.ready) {
      res.status(503);
      return { ok: false, error: 'face models are still loading', code: 'not_ready' };
    }
    return { ok: true, status: 'ready', queue: this.pool.depth };
  }
}
