import type { AnalyzeResult } from './analyze';
import { l2normalise } from './engine';
import { InconsistentPhotosError, LivenessFailedError, LowQualityError, NoFaceError, SeveralFacesError } from './errors';
import { cosineSimilarity } from './match';
import { accuracyLevel } from './thresholds';

export interface EnrolmentOptions {
  /** Least score (0..100) every quality component of every photo must reach. */
  minComponent: number;
  /** Threshold of the liveness gate (0..1), or null when the gate is off. */
  livenessGate: number | null;
  /** Least cosine similarity between any two photos of one enrolment (default: accuracy level 4). */
  samePerson?: number;
}

/** One analysed enrolment photo (analysed with embed and quality) and the request field it came from. */
export interface EnrolmentPhoto {
  field: string;
  result: AnalyzeResult;
}

export interface Enrolment {
  /** Each photo's embedding, in input order (the analysis results' own arrays). */
  each: Float32Array[];
  /** The L2-normalised mean of the embeddings: what a token is enrolled from. */
  mean: Float32Array;
  /** Each photo's unified quality score. */
  quality: number[];
}

/**
 * True when the liveness gate lets the photo through: the gate is off, no liveness was computed,
 * or the score reaches the gate.
 */
export function passesLivenessGate(result: AnalyzeResult, livenessGate: number | null): boolean {
  return livenessGate === null || !result.liveness || result.liveness.score >= livenessGate;
}

/**
 * The enrolment gates, photo by photo in input order (exactly one face, every quality component at
 * least `minComponent`, the liveness gate), then pairwise (every two photos show the same person).
 * Throws the first refusal as an EnrolmentRefusedError subclass, after zeroing every embedding;
 * on success returns the embeddings and their normalised mean (the caller zeroes them after use).
 */
export function checkEnrolment(photos: readonly EnrolmentPhoto[], options: EnrolmentOptions): Enrolment {
  if (photos.length === 0) throw new RangeError('an enrolment needs at least one photo');
  try {
    for (const { field, result } of photos) {
      if (result.faces.length === 0) throw new NoFaceError(`no face detected in '${field}'`);
      if (result.faces.length > 1) throw new SeveralFacesError(field, result.faces.length);
      if (!result.embedding || !result.quality) throw new TypeError(`'${field}' was not analysed with embed and quality`);
      for (const [name, c] of Object.entries(result.quality.components)) {
        if (c.score < options.minComponent) throw new LowQualityError(field, name, c.score, options.minComponent);
      }
      if (!passesLivenessGate(result, options.livenessGate)) throw new LivenessFailedError(field);
    }
    const samePerson = options.samePerson ?? accuracyLevel(4).threshold;
    for (let i = 0; i < photos.length; i++) {
      for (let j = i + 1; j < photos.length; j++) {
        if (cosineSimilarity(photos[i].result.embedding!, photos[j].result.embedding!) < samePerson) {
          throw new InconsistentPhotosError(photos[i].field, photos[j].field);
        }
      }
    }
  } catch (err) {
    for (const { result } of photos) result.embedding?.fill(0);
    throw err;
  }
  const each = photos.map(({ result }) => result.embedding!);
  const sum = new Float32Array(each[0].length);
  for (const e of each) e.forEach((v, k) => (sum[k] += v));
  const mean = l2normalise(sum);
  sum.fill(0);
  return { each, mean, quality: photos.map(({ result }) => result.quality!.score) };
}

/** Zeroes an enrolment's embeddings and mean once the token is sealed (or the enrolment abandoned). */
export function wipeEnrolment(e: Enrolment): void {
  e.mean.fill(0);
  for (const x of e.each) x.fill(0);
}
