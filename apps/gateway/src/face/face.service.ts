import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  cosineSimilarity,
  FacePool,
  InvalidImageError,
  NoFaceError,
  type AnalyzeRequest,
  type AnalyzeResult,
  type FaceSummary,
} from '@facenition/face';
import { ThresholdService } from './calibration.service';
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

/** One image of a request for FaceService.analyzeAll. */
export interface AnalyzeItem {
  bytes: Buffer;
  /** The request field it came from, named in errors (e.g. 'image[1]'). */
  field: string;
  request: AnalyzeRequest;
  /** A photo without a face fails the call with NoFaceError naming the field. */
  needFace: boolean;
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
    private readonly thresholds: ThresholdService,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
    this.logger.log('face workers stopped');
  }

  /**
   * Runs one image; errors name the request field so the client knows which image failed.
   * `signal` (e.g. requestSignal(req)) cancels it with CancelledError.
   */
  async analyze(bytes: Buffer, field: string, req: AnalyzeRequest, needFace: boolean, signal?: AbortSignal): Promise<AnalyzeResult> {
    let result: AnalyzeResult;
    try {
      result = await this.pool.analyze(bytes, req, signal);
      this.metrics.observeInference(result.timings);
    } catch (err) {
      if (err instanceof InvalidImageError) throw new InvalidImageError(`'${field}': ${err.message}`, err.code);
      throw err;
    }
    if (needFace && result.faces.length === 0) throw new NoFaceError(`no face detected in '${field}'`);
    return result;
  }

  /**
   * Runs the images of one request together, results in input order. On the first failure the
   * others are cancelled (queued ones never run), embeddings already computed are zeroed and that
   * first error is thrown. `signal` (e.g. requestSignal(req)) cancels them all.
   */
  async analyzeAll(items: readonly AnalyzeItem[], signal?: AbortSignal): Promise<AnalyzeResult[]> {
    const ac = new AbortController();
    const forward = (): void => ac.abort(signal?.reason);
    if (signal?.aborted) forward();
    else signal?.addEventListener('abort', forward, { once: true });
    const results: AnalyzeResult[] = [];
    let failure: { error: unknown } | undefined;
    try {
      // every promise settles right after an abort (the pool rejects cancelled jobs at once), so this wait is short
      await Promise.all(
        items.map((it, i) =>
          this.analyze(it.bytes, it.field, it.request, it.needFace, ac.signal).then(
            (r) => {
              results[i] = r;
            },
            (error: unknown) => {
              if (failure) return;
              failure = { error };
              ac.abort();
            },
          ),
        ),
      );
    } finally {
      signal?.removeEventListener('abort', forward);
    }
    if (failure) {
      for (const r of results) r?.embedding?.fill(0);
      throw failure.error;
    }
    return results;
  }

  async detect(image: Buffer, signal?: AbortSignal) {
    const r = await this.analyze(image, 'image', { exhaustive: true }, false, signal);
    return { ok: true as const, image: { width: r.width, height: r.height }, face_count: r.faces.length, faces: r.faces.map(faceView) };
  }

  async quality(image: Buffer, signal?: AbortSignal) {
    const r = await this.analyze(image, 'image', { quality: true }, true, signal);
    return {
      ok: true as const,
      face_count: r.faces.length,
      face_selection: FACE_SELECTION,
      face: faceView(r.faces[0]),
      quality: r.quality,
    };
  }

  async liveness(image: Buffer, signal?: AbortSignal) {
    const r = await this.analyze(image, 'image', { liveness: true }, true, signal);
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

  private embedded(images: { field: string; bytes: Buffer }[], needFace: boolean, signal?: AbortSignal): Promise<AnalyzeResult[]> {
    return this.analyzeAll(
      images.map((i) => ({ ...i, request: { embed: true }, needFace })),
      signal,
    );
  }

  async match(image1: Buffer, image2: Buffer, accuracy: number, signal?: AbortSignal) {
    const { threshold, calibration } = this.thresholds.match(accuracy);
    const [a, b] = await this.embedded(
      [
        { field: 'image1', bytes: image1 },
        { field: 'image2', bytes: image2 },
      ],
      true,
      signal,
    );
    const similarity = round4(cosineSimilarity(a.embedding!, b.embedding!));
    return {
      ok: true as const,
      match: similarity >= threshold,
      similarity,
      threshold,
      calibration,
      accuracy,
      face_selection: FACE_SELECTION,
      faces: {
        image1: { face_count: a.faces.length, box: a.faces[0].box },
        image2: { face_count: b.faces.length, box: b.faces[0].box },
      },
    };
  }

  async matchBulk(probe: Buffer, references: Buffer[], accuracy: number, signal?: AbortSignal) {
    const { threshold, calibration } = this.thresholds.match(accuracy);
    // a probe without a face fails the call (and cancels the references still queued); a reference without one is reported
    const [p, ...refs] = await this.analyzeAll(
      [
        { field: 'probe', bytes: probe, request: { embed: true }, needFace: true },
        ...references.map((bytes, i) => ({ field: `references[${i}]`, bytes, request: { embed: true }, needFace: false })),
      ],
      signal,
    );
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
      calibration,
      face_selection: FACE_SELECTION,
      probe: { face_count: p.faces.length, box: p.faces[0].box },
      results,
      best_match: best && best.match ? { index: best.index, similarity: best.similarity } : null,
      best_candidate: best ? { index: best.index, similarity: best.similarity } : null,
    };
  }

  async consistency(images: Buffer[], accuracy: number, signal?: AbortSignal) {
    const { threshold, calibration } = this.thresholds.match(accuracy);
    const rs = await this.embedded(
      images.map((bytes, i) => ({ field: `images[${i}]`, bytes })),
      true,
      signal,
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
      calibration,
      face_selection: FACE_SELECTION,
      similarity_matrix: matrix,
      outliers,
      faces: rs.map((r, index) => ({ index, face_count: r.faces.length, box: r.faces[0].box })),
    };
  }
}
