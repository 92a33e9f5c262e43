import { decodeImage, type DecodeLimits } from './decode';
import type { FaceEngine, LivenessResult } from './engine';
import type { Box, Point } from './geometry';
import { ImagePyramid } from './image';
import type { QualityReport } from './quality';

export interface AnalyzeRequest {
  /** Search the image for small faces too (tiled pass on large images), as /detect does. */
  exhaustive?: boolean;
  /** Compute the embedding of the primary face. */
  embed?: boolean;
  quality?: boolean;
  liveness?: boolean;
}

export interface FaceSummary {
  box: Box;
  score: number;
  landmarks: Point[];
}

export interface AnalyzeResult {
  width: number;
  height: number;
  /** Every face found, best candidate first (largest, nearest the centre); faces[0] is the primary face. */
  faces: FaceSummary[];
  /** Embedding of faces[0] (only when requested and a face exists). Kept in memory, never persisted. */
  embedding?: Float32Array;
  quality?: QualityReport;
  liveness?: LivenessResult;
  timings: Record<string, number>;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

/**
 * Longest side of the working image for analyses that are not exhaustive. The coarse detector pass
 * sees the whole image at 320x240 and finds faces from ~24 detector pixels, i.e. 7.5% of the longer
 * side: at 1600 px every face it can find spans >= 120 px, more than the 112 px the embedder aligns
 * to, so nothing is lost; a 12-megapixel photo is decoded at a quarter of its pixels instead (JPEG
 * shrink-on-load in libvips; a 4000x3000 JPEG took ~334 ms before this cap and ~120 ms after, docs/benchmarks.md).
 * /detect (exhaustive: small faces in group photos) keeps the full working size.
 */
export const ANALYSIS_MAX_SIDE = 1600;

/** One image through the engine: decode, detect, then the requested per-face analyses of the primary face. */
export async function analyzeImage(
  engine: FaceEngine,
  bytes: Uint8Array,
  req: AnalyzeRequest,
  limits: DecodeLimits,
  now: () => number = () => performance.now(),
): Promise<AnalyzeResult> {
  const timings: Record<string, number> = {};
  let t = now();
  const lap = (name: string): void => {
    const t2 = now();
    timings[name] = (timings[name] ?? 0) + (t2 - t);
    t = t2;
  };
  const decoded = await decodeImage(
    bytes,
    req.exhaustive ? limits : { ...limits, workingMaxSide: Math.min(limits.workingMaxSide, ANALYSIS_MAX_SIDE) },
  );
  const pyr = new ImagePyramid(decoded.image);
  lap('decode');
  const faces = await engine.detect(pyr, req.exhaustive ?? false);
  lap('detect');
  const k = decoded.originalWidth / decoded.image.width;
  const result: AnalyzeResult = {
    width: decoded.originalWidth,
    height: decoded.originalHeight,
    faces: faces.map((f) => ({
      box: { x: round1(f.box.x * k), y: round1(f.box.y * k), width: round1(f.box.width * k), height: round1(f.box.height * k) },
      score: Math.round(f.score * 10000) / 10000,
      landmarks: f.landmarks.map(([x, y]) => [round1(x * k), round1(y * k)] as Point),
    })),
    timings,
  };
  const primary = faces[0];
  if (!primary) return result;
  if (req.embed || req.quality) {
    const aligned = engine.align(pyr, primary);
    lap('align');
    if (req.embed) {
      result.embedding = await engine.embedAligned(aligned);
      lap('embed');
    }
    if (req.quality) {
      result.quality = await engine.quality(pyr, primary, aligned);
      lap('quality');
    }
  }
  if (req.liveness) {
    result.liveness = await engine.liveness(pyr, primary);
    lap('liveness');
  }
  return result;
}
