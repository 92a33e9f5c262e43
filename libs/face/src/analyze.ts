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
  const decoded = await decodeImage(bytes, limits);
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
