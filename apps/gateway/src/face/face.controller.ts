import { Controller, Req } from '@nestjs/common';
import type { Request } from 'express';
import { answer } from '../common/audited';
import { requestSignal } from '../common/request-signal';
import { CONSISTENCY, DETECT, LIVENESS, MATCH, MATCH_BULK, QUALITY } from '../contract/api';
import { ApiEdge } from '../contract/edge';
import { Endpoint } from '../contract/endpoint';
import { DEFAULT_ACCURACY } from '../contract/fields';
import { FaceService } from './face.service';

@Controller()
export class FaceController {
  constructor(
    private readonly faces: FaceService,
    private readonly edge: ApiEdge,
  ) {}

  @Endpoint(DETECT)
  async detect(@Req() req: Request) {
    const input = await this.edge.accept(req, DETECT);
    return this.faces.detect(input.images.get('image')![0], requestSignal(req));
  }

  @Endpoint(QUALITY)
  async quality(@Req() req: Request) {
    const input = await this.edge.accept(req, QUALITY);
    return this.faces.quality(input.images.get('image')![0], requestSignal(req));
  }

  @Endpoint(LIVENESS)
  async liveness(@Req() req: Request) {
    const input = await this.edge.accept(req, LIVENESS);
    const r = await this.faces.liveness(input.images.get('image')![0], requestSignal(req));
    return answer(r, { decision: r.live ? 'live' : 'spoof', score: r.score, threshold: r.threshold });
  }

  @Endpoint(MATCH)
  async match(@Req() req: Request) {
    const input = await this.edge.accept(req, MATCH);
    const accuracy = (input.body.accuracy as number | undefined) ?? DEFAULT_ACCURACY;
    const r = await this.faces.match(input.images.get('image1')![0], input.images.get('image2')![0], accuracy, requestSignal(req));
    return answer(r, { decision: r.match ? 'matched' : 'not_matched', score: r.similarity, threshold: r.threshold, accuracy });
  }

  @Endpoint(MATCH_BULK)
  async matchBulk(@Req() req: Request) {
    const input = await this.edge.accept(req, MATCH_BULK);
    const accuracy = (input.body.accuracy as number | undefined) ?? DEFAULT_ACCURACY;
    const r = await this.faces.matchBulk(input.images.get('probe')![0], input.images.get('references')!, accuracy, requestSignal(req));
    return answer(r, {
      decision: r.best_match ? 'matched' : 'not_matched',
      score: r.best_candidate?.similarity ?? null,
      threshold: r.threshold,
      accuracy,
    });
  }

  @Endpoint(CONSISTENCY)
  async consistencyCheck(@Req() req: Request) {
    const input = await this.edge.accept(req, CONSISTENCY);
    const accuracy = (input.body.accuracy as number | undefined) ?? DEFAULT_ACCURACY;
    const r = await this.faces.consistency(input.images.get('images')!, accuracy, requestSignal(req));
    return answer(r, { decision: r.consistent ? 'consistent' : 'inconsistent', threshold: r.threshold, accuracy });
  }
}
