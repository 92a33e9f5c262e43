/**
 * Accuracy levels 1..8 -> cosine-similarity thresholds for unprotected matching of fr_feature
 * embeddings. Each level targets a false-match rate (FMR); the threshold is the impostor-score
 * quantile at 1 - FMR measured on LFW by `npm run bench:lfw` (all same-identity pairs and
 * random impostor pairs over all 13,233 images). See docs/benchmarks.md for the run that produced them.
 */
export interface AccuracyLevel {
  level: number;
  /** False-match rate the level was calibrated to. */
  targetFmr: number;
  threshold: number;
}

export const ACCURACY_LEVELS: readonly AccuracyLevel[] = [
  { level: 1, targetFmr: 1e-2, threshold: 0.25 },
  { level: 2, targetFmr: 3e-3, threshold: 0.3 },
  { level: 3, targetFmr: 1e-3, threshold: 0.34 },
  { level: 4, targetFmr: 1e-4, threshold: 0.42 },
  { level: 5, targetFmr: 3e-5, threshold: 0.45 },
  { level: 6, targetFmr: 1e-5, threshold: 0.48 },
  { level: 7, targetFmr: 3e-6, threshold: 0.5 },
  { level: 8, targetFmr: 1e-6, threshold: 0.52 },
];

export function accuracyLevel(level: number): AccuracyLevel {
  const found = ACCURACY_LEVELS.find((l) => l.level === level);
  if (!found) throw new RangeError(`accuracy level must be 1..8, got ${level}`);
  return found;
}
