/**
 * Accuracy levels 1..8 -> cosine-similarity thresholds for unprotected matching of fr_feature
 * embeddings. Each level targets a false-match rate (FMR); the threshold is the impostor-score
 * quantile at 1 - FMR measured on LFW by `npm run bench:lfw` over every cross-identity pair of
 * all 13,233 images (87,307,271 impostor pairs; level 8 rests on the 87 highest of them).
 * See docs/benchmarks.md for the run that produced them and the FNMR at each level.
 */
export interface AccuracyLevel {
  level: number;
  /** False-match rate the level was calibrated to. */
  targetFmr: number;
  threshold: number;
}

export const ACCURACY_LEVELS: readonly AccuracyLevel[] = [
  { level: 1, targetFmr: 1e-2, threshold: 0.248 },
  { level: 2, targetFmr: 3e-3, threshold: 0.2985 },
  { level: 3, targetFmr: 1e-3, threshold: 0.3403 },
  { level: 4, targetFmr: 1e-4, threshold: 0.4182 },
  { level: 5, targetFmr: 3e-5, threshold: 0.4547 },
  { level: 6, targetFmr: 1e-5, threshold: 0.4868 },
  { level: 7, targetFmr: 3e-6, threshold: 0.5274 },
  { level: 8, targetFmr: 1e-6, threshold: 0.636 },
];

export function accuracyLevel(level: number): AccuracyLevel {
  const found = ACCURACY_LEVELS.find((l) => l.level === level);
  if (!found) throw new RangeError(`accuracy level must be 1..8, got ${level}`);
  return found;
}
