/**
 * Accuracy levels 1..8 for identity tokens: thresholds on the protected score (≈ cosine, see
 * docs/token-format.md §7), applied after the key was recovered.
 *
 * Each threshold is the stricter of two calibrations to the level's target false-match rate:
 * - the unprotected one of libs/face/src/thresholds.ts (all 87,307,271 cross-identity LFW pairs);
 * - the protected one from `npm run bench:tokens -- --data ../shared/datasets/lfw --impostors 1000000`:
 *   1,000,000 stolen-secret impostor trials (right password and scope, another person's face)
 *   against 10,963 identity-balanced enrolments. It is used only where the target times the trial
 *   count is at least 10 (levels 2..6); levels 7 and 8 rest on the unprotected calibration alone.
 * `measuredFmr` is the protected false-match rate at the threshold over those 1,000,000 trials
 * (`falseMatches` of them), from the second of two runs on 2026-11-27 (docs/runs/bench-tokens-1m-run2.txt,
 * which printed this table). Tokens carry random keys, so runs differ: the protected calibration of
 * level 3 came out 0.3405 in the first run and 0.3408 in the second; the stricter is kept.
 * Those runs were version-1 tokens (K = 128). The thresholds serve version 2 as well: its
 * 1,000,000-trial run (docs/runs/bench-tokens-v2-1m.txt) put the protected calibration of levels
 * 1-6 below the unprotected threshold (fewer impostor keys are recovered; 7-8 need more trials than
 * 1,000,000), and its FMR at these thresholds within each target (docs/security.md, "Level-true key recovery").
 */
export interface TokenLevel {
  level: number;
  threshold: number;
  /** false-match rate the level is calibrated to */
  targetFmr: number;
  /** protected FMR measured at `threshold` in the stolen-secret run */
  measuredFmr: number;
  falseMatches: number;
  impostorTrials: number;
  /** which calibration set the threshold (the stricter one) */
  basis: 'unprotected' | 'protected';
  /**
   * Information bits K of the polar code of version-2 tokens minted at this level (N = 4096): the
   * larger K, the closer to the enrolled face a probe must be before the decoder gives the key back,
   * so an offline attacker holding every secret recovers a level's key at about its own false-match
   * rate (docs/token-format.md §5, docs/security.md). Version-1 tokens use K = 128 at every level.
   */
  k: number;
}

const TRIALS = 1_000_000;

export const TOKEN_LEVELS: readonly TokenLevel[] = [
  {
    level: 1,
    threshold: 0.248,
    targetFmr: 1e-2,
    measuredFmr: 5.715e-3,
    falseMatches: 5715,
    impostorTrials: TRIALS,
    basis: 'unprotected',
    k: 128,
  },
  {
    level: 2,
    threshold: 0.2985,
    targetFmr: 3e-3,
    measuredFmr: 2.948e-3,
    falseMatches: 2948,
    impostorTrials: TRIALS,
    basis: 'unprotected',
    k: 160,
  },
  {
    level: 3,
    threshold: 0.3408,
    targetFmr: 1e-3,
    measuredFmr: 1.0e-3,
    falseMatches: 1000,
    impostorTrials: TRIALS,
    basis: 'protected',
    k: 208,
  },
  {
    level: 4,
    threshold: 0.4182,
    targetFmr: 1e-4,
    measuredFmr: 8.0e-5,
    falseMatches: 80,
    impostorTrials: TRIALS,
    basis: 'unprotected',
    k: 280,
  },
  {
    level: 5,
    threshold: 0.4547,
    targetFmr: 3e-5,
    measuredFmr: 2.3e-5,
    falseMatches: 23,
    impostorTrials: TRIALS,
    basis: 'unprotected',
    k: 320,
  },
  {
    level: 6,
    threshold: 0.4868,
    targetFmr: 1e-5,
    measuredFmr: 5e-6,
    falseMatches: 5,
    impostorTrials: TRIALS,
    basis: 'unprotected',
    k: 368,
  },
  {
    level: 7,
    threshold: 0.5274,
    targetFmr: 3e-6,
    measuredFmr: 2e-6,
    falseMatches: 2,
    impostorTrials: TRIALS,
    basis: 'unprotected',
    k: 448,
  },
  { level: 8, threshold: 0.636, targetFmr: 1e-6, measuredFmr: 0, falseMatches: 0, impostorTrials: TRIALS, basis: 'unprotected', k: 512 },
];

/** The polar code of version-2 tokens minted at `level` (N = 4096, B = 8 rotations of d = 512). */
export function codeForLevel(level: number): { n: number; k: number; rotations: number; dim: number } {
  return { n: 4096, k: tokenLevel(level).k, rotations: 8, dim: 512 };
}

export function tokenLevel(level: number): TokenLevel {
  const found = TOKEN_LEVELS.find((l) => l.level === level);
  if (!found) throw new RangeError(`accuracy level must be 1..8, got ${level}`);
  return found;
}

/** A level's false-match target and the threshold in force (built-in or a deployment's calibration). */
export interface LevelThreshold {
  level: number;
  targetFmr: number;
  threshold: number;
}

export interface RosterThreshold {
  threshold: number;
  /** the per-comparison false-match rate the threshold is set for: the level's target / roster size */
  perComparisonFmr: number;
  /** about roster size × perComparisonFmr: the false-positive identification rate expected per search */
  expectedFpir: number;
  /** the roster is too large for the level's target: held at level 8's threshold, expectedFpir is above the target */
  capped: boolean;
}

/**
 * The roster-size rule of 1:N identification (docs/token-format.md §11). A search compares the probe
 * with every member, so its false-positive identification rate is about N × FMR. To keep the level's
 * target as the rate per search, each comparison must meet target / N: the threshold is read off the
 * level table (thresholds against log10 FMR, linear between levels). Below level 8's FMR it stays at
 * level 8's threshold and `capped` says the target cannot be held.
 */
export function rosterThreshold(level: number, rosterSize: number, table: readonly LevelThreshold[]): RosterThreshold {
  const rows = [...table].sort((a, b) => a.level - b.level);
  const own = rows.find((r) => r.level === level);
  if (!own) throw new RangeError(`accuracy level must be 1..8, got ${level}`);
  const n = Math.max(1, Math.floor(rosterSize));
  const want = own.targetFmr / n;
  const last = rows[rows.length - 1];
  if (want <= last.targetFmr) {
    const capped = want < last.targetFmr;
    return {
      threshold: Math.max(own.threshold, last.threshold),
      perComparisonFmr: last.targetFmr,
      expectedFpir: n * last.targetFmr,
      capped,
    };
  }
  for (let i = rows.indexOf(own); i < rows.length - 1; i++) {
    const [a, b] = [rows[i], rows[i + 1]];
    if (want <= a.targetFmr && want >= b.targetFmr) {
      const t = (Math.log10(a.targetFmr) - Math.log10(want)) / (Math.log10(a.targetFmr) - Math.log10(b.targetFmr));
      const threshold = Math.max(own.threshold, a.threshold + t * (b.threshold - a.threshold));
      return { threshold, perComparisonFmr: want, expectedFpir: n * want, capped: false };
    }
  }
  return { threshold: own.threshold, perComparisonFmr: own.targetFmr, expectedFpir: n * own.targetFmr, capped: false };
}
