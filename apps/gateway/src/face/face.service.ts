import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  accuracyLevel,
  cosineSimilarity,
  FacePool,
  InvalidImageError,
  NoFaceError,
  type AnalyzeRequest,
  type AnalyzeResult,
  type FaceSummary,
} from '@facenition/face';
import { FACE_POOL } from './face.tokens';
import { MetricsService } from '../metrics/metrics.service';

export interface FaceView {
  box: FaceSummary['box'];
  score: number;
  landmarks: { left_eye: number[]; right_eye: number[]; nose: number[]; mouth_left: number[]; mouth_right: number[] };
}

const round4 = (v: number): number => Math.round(v * 10000) / 10000;

export function faceView(f: FaceSummary): FaceView {
  const [le, re, n, ml, mr] = f.landmarks;
  return {
    box: f.box,
    score: f.score,
    landmarks: { left_eye: [...le], right_eye: [...re], nose: [...n], mouth_left: [...ml], mouth_right: [...mr] },
  };
}

/** What the API says about the face it used when a photo holds several. */
export const FACE_SELECTION = 'largest_central';

/**
 * Face-analysis use cases. Inference runs in the worker pool; embeddings live only in the
 * variables of one request and are never logged, stored or returned.
 */
@Injectable()
export class FaceService implements OnModuleDestroy {
  private readonly logger = new Logger('FaceService');

  constructor(
    @Inject(FACE_POOL) private readonly pool: FacePool,
    @Inject('LIVENESS_THRESHOLD') private readonly livenessThreshold: number,
    private readonly metrics: MetricsService,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
    this.logger.log('face workers stopped');
  }

  /** Runs one image; errors name the request field so the client knows which image failed. */
  async analyze(bytes: Buffer, field: string, req: AnalyzeRequest, needFace: boolean): Promise<AnalyzeResult> {
    let result: AnalyzeResult;
    try {
      result = await this.pool.analyze(bytes, req);
      this.metrics.observeInference(result.timings);
    } catch (err) {
      if (err instanceof InvalidImageError) throw new InvalidImageError(`'${field}': ${err.message}`, err.code);
      throw err;
    }
    if (needFace && result.faces.length === 0) throw new NoFaceError(`no face detected in '${field}'`);
    return result;
  }

  async detect(image: Buffer) {
    const r = await this.analyze(image, 'image', { exhaustive: true }, false);
    return { ok: true as const, image: { width: r.width, height: r.height }, face_count: r.faces.length, faces: r.faces.map(faceView) };
  }

  async quality(image: Buffer) {
    const r = await this.analyze(image, 'image', { quality: true }, true);
    return {
      ok: true as const,
      face_count: r.faces.length,
      face_selection: FACE_SELECTION,
      face: faceView(r.faces[0]),
      quality: r.quality,
    };
  }

  async liveness(image: Buffer) {
    const r = await this.analyze(image, 'image', { liveness: true }, true);
    const score = round4(r.liveness?.score ?? 0);
    return {
      ok: true as const,
      face_count: r.faces.length,
      face_selection: FACE_SELECTION,
      face: faceView(r.faces[0]),
      live: score >= this.livenessThreshold,
      score,
      threshold: this.livenessThreshold,
    };
  }

  private embedded(images: { field: string; bytes: Buffer }[], needFace: boolean): Promise<AnalyzeResult[]> {
    return Promise.all(images.map((i) => this.analyze(i.bytes, i.field, { embed: true }, needFace)));
  }

  async match(image1: Buffer, image2: Buffer, accuracy: number) {
    const { threshold } = accuracyLevel(accuracy);
    const [a, b] = await this.embedded(
      [
        { field: 'image1', bytes: image1 },
        { field: 'image2', bytes: image2 },
      ],
      true,
    );
    const similarity = round4(cosineSimilarity(a.embedding!, b.embedding!));
    return {
      ok: true as const,
      match: similarity >= threshold,
      similarity,
      threshold,
      accuracy,
      face_selection: FACE_SELECTION,
      faces: {
        image1: { face_count: a.faces.length, box: a.faces[0].box },
        image2: { face_count: b.faces.length, box: b.faces[0].box },
      },
    };
  }

  async matchBulk(probe: Buffer, references: Buffer[], accuracy: number) {
    const { threshold } = accuracyLevel(accuracy);
    const [p, ...refs] = await this.embedded(
      [{ field: 'probe', bytes: probe }, ...references.map((bytes, i) => ({ field: `references[${i}]`, bytes }))],
      false,
    );
    if (p.faces.length === 0) throw new NoFaceError("no face detected in 'probe'");
    const results = refs.map((r, index) => {
      if (!r.embedding) return { index, face_found: false, face_count: 0, similarity: null, match: false };
      const similarity = round4(cosineSimilarity(p.embedding!, r.embedding));
      return { index, face_found: true, face_count: r.faces.length, similarity, match: similarity >= threshold };
    });
    const best = results
      .filter((r) => r.similarity !== null)
      .reduce<(typeof results)[number] | null>((acc, r) => (acc === null || r.similarity > acc.similarity! ? r : acc), null);
    return {
      ok: true as const,
      accuracy,
      threshold,
      face_selection: FACE_SELECTION,
      probe: { face_count: p.faces.length, box: p.faces[0].box },
      results,
      best_match: best && best.match ? { index: best.index, similarity: best.similarity } : null,
      best_candidate: best ? { index: best.index, similarity: best.similarity } : null,
    };
  }

  async consistency(images: Buffer[], accuracy: number) {
    const { threshold } = accuracyLevel(accuracy);
    const rs = await this.embedded(
      images.map((bytes, i) => ({ field: `images[${i}]`, bytes })),
      true,
    );
    const n = rs.length;
    const matrix = rs.map((a, i) => rs.map((b, j) => (i === j ? 1 : round4(cosineSimilarity(a.embedding!, b.embedding!)))));
    const matches = matrix.map((row, i) => row.filter((s, j) => j !== i && s >= threshold).length);
    const consistent = matches.every((m) => m === n - 1);
    // an image is an outlier when it matches fewer than half of the others
    const outliers = consistent ? [] : matches.flatMap((m, i) => (m < (n - 1) / 2 ? [i] : []));
    return {
      ok: true as const,
      consistent,
      accuracy,
      threshold,
      face_selection: FACE_SELECTION,
      similarity_matrix: matrix,
      outliers,
      faces: rs.map((r, index) => ({ index, face_count: r.faces.length, box: r.faces[0].box })),
    };
  }
}
