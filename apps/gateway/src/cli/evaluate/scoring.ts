/**
 * The statistics of `npm run evaluate`: pairs, scores, calibration per accuracy level, curves.
 * Works on in-memory arrays of photo indices and scores only; nothing here knows a file or a name.
 */
import { seededRandom } from '@facenition/common';

/** Deterministic PRNG (mulberry32, @facenition/common) so sampled pairs are reproducible. */
export const rng = seededRandom;

/** The analysed photos: L2-normalised embeddings row-major and each photo's person (0..people-1). */
export interface Gallery {
  embeddings: Float32Array;
  person: Int32Array;
  dim: number;
}

export const photoCount = (g: Gallery): number => g.person.length;

export function cosine(g: Gallery, i: number, j: number): number {
  const { embeddings: e, dim } = g;
  let s = 0;
  for (let k = 0, a = i * dim, b = j * dim; k < dim; k++) s += e[a + k] * e[b + k];
  return s;
}

function byPerson(person: Int32Array): number[][] {
  const groups = new Map<number, number[]>();
  person.forEach((p, i) => {
    const list = groups.get(p);
    if (list) list.push(i);
    else groups.set(p, [i]);
  });
  return [...groups.values()];
}

/** Pairs (i < j) as a flat Int32Array [i0, j0, i1, j1, ...]. */
export interface Pairs {
  pairs: Int32Array;
  /** how many such pairs exist in all */
  total: number;
  sampled: boolean;
}

/** Row a and column b of the t-th pair (a < b) of m items in row-major upper-triangle order. */
function triangular(t: number, m: number): [number, number] {
  let a = Math.floor((2 * m - 1 - Math.sqrt((2 * m - 1) ** 2 - 8 * t)) / 2);
  const start = (r: number): number => r * m - (r * (r + 1)) / 2;
  while (a > 0 && start(a) > t) a--;
  while (start(a + 1) <= t) a++;
  return [a, a + 1 + (t - start(a))];
}

/** Every same-person pair, or a uniform sample of `max` of them without replacement (seeded). */
export function genuinePairs(person: Int32Array, max: number, rand: () => number): Pairs {
  const groups = byPerson(person).filter((g) => g.length >= 2);
  const counts = groups.map((g) => (g.length * (g.length - 1)) / 2);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= max) {
    const out = new Int32Array(2 * total);
    let k = 0;
    for (const g of groups) {
      for (let a = 0; a < g.length; a++) {
        for (let b = a + 1; b < g.length; b++) {
          out[k++] = g[a];
          out[k++] = g[b];
        }
      }
    }
    return { pairs: out, total, sampled: false };
  }
  const cum: number[] = [];
  let acc = 0;
  for (const c of counts) cum.push((acc += c));
  const seen = new Set<number>();
  const out = new Int32Array(2 * max);
  let k = 0;
  while (seen.size < max) {
    const r = Math.floor(rand() * total);
    if (seen.has(r)) continue;
    seen.add(r);
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    const g = groups[lo];
    const [a, b] = triangular(r - (lo ? cum[lo - 1] : 0), g.length);
    out[k++] = g[a];
    out[k++] = g[b];
  }
  return { pairs: out, total, sampled: true };
}

/** Number of cross-person pairs among the photos. */
export function impostorPairCount(person: Int32Array): number {
  const n = person.length;
  const same = byPerson(person).reduce((s, g) => s + (g.length * (g.length - 1)) / 2, 0);
  return (n * (n - 1)) / 2 - same;
}

/**
 * A uniform sample of `count` distinct cross-person pairs (seeded), when fewer than all exist.
 * Above 8 M the sample is drawn with replacement (a set of that many pairs would not fit a JS Set).
 */
export function sampleImpostorPairs(person: Int32Array, count: number, rand: () => number): Int32Array {
  const n = person.length;
  const out = new Int32Array(2 * count);
  const seen = count <= 8_000_000 ? new Set<number>() : undefined;
  let k = 0;
  while (k < 2 * count) {
    let i = Math.floor(rand() * n);
    let j = Math.floor(rand() * n);
    if (person[i] === person[j]) continue;
    if (i > j) [i, j] = [j, i];
    if (seen) {
      const key = i * n + j;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out[k++] = i;
    out[k++] = j;
  }
  return out;
}

/** Cosine scores of the given pairs. */
export function scorePairs(g: Gallery, pairs: Int32Array, tick?: (n: number) => void): Float32Array {
  const out = new Float32Array(pairs.length / 2);
  for (let k = 0; k < out.length; k++) {
    out[k] = cosine(g, pairs[2 * k], pairs[2 * k + 1]);
    if (tick && k % 10_000 === 9_999) tick(10_000);
  }
  tick?.(out.length % 10_000);
  return out;
}

/** Cosine scores of every cross-person pair (row by row, `tick` per row). */
export function scoreAllImpostors(g: Gallery, total: number, tick?: (n: number) => void): Float32Array {
  const n = photoCount(g);
  const out = new Float32Array(total);
  let k = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = i + 1; j < n; j++) {
      if (g.person[i] === g.person[j]) continue;
      out[k++] = cosine(g, i, j);
      row++;
    }
    tick?.(row);
  }
  if (k !== total) throw new Error(`internal: ${k} impostor pairs scored, expected ${total}`);
  return out;
}

/** Ascending copy; NaN (key not recovered) sorts as -Infinity, below every threshold. */
export function sortedScores(xs: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(xs, (v) => (Number.isNaN(v) ? -Infinity : v));
  return out.sort();
}

/** Number of values below t in an ascending array. */
export function countBelow(sorted: Float32Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Share of impostor scores at or above t (false matches). */
export const fmrAt = (imp: Float32Array, t: number): number => (imp.length ? (imp.length - countBelow(imp, t)) / imp.length : NaN);
/** Share of genuine scores below t (false non-matches). */
export const fnmrAt = (gen: Float32Array, t: number): number => (gen.length ? countBelow(gen, t) / gen.length : NaN);

/**
 * The impostor-score quantile at 1 - fmr, as bench:lfw calibrated the built-in thresholds
 * (sorted[ceil(n (1 - fmr))]), rounded up to 4 decimals; null when that quantile is a trial whose
 * key was not recovered (key recovery alone keeps the false matches under the target).
 */
export function thresholdAtFmr(imp: Float32Array, fmr: number): number | null {
  if (imp.length === 0) return null;
  const q = imp[Math.min(imp.length - 1, Math.ceil(imp.length * (1 - fmr)))];
  if (!Number.isFinite(q)) return null;
  // float32 scores: a quantile within 1e-7 of a 4-decimal value is that value
  return Math.ceil(q * 1e4 - 1e-3) / 1e4;
}

/** A level is calibrated only where at least this many impostor scores are expected above its threshold. */
export const MIN_EXPECTED_FALSE_MATCHES = 10;

export interface LevelInput {
  level: number;
  targetFmr: number;
  builtinMatch: number;
  builtinToken: number;
  /** polar code K of the level's version-2 tokens */
  k: number;
}

export interface ProtectedScores {
  /** per trial, NaN where the key was not recovered; sorted copies below */
  genuine: Float32Array;
  impostor: Float32Array;
}

export interface LevelResult extends LevelInput {
  calibrated: boolean;
  reason: string | null;
  /** the unprotected quantile before the running max (null if not calibrated) */
  matchQuantile: number | null;
  /** the protected quantile (null: not enough trials, or key recovery alone meets the target) */
  protectedQuantile: number | null;
  protectedCalibrated: boolean;
  matchThreshold: number | null;
  tokenThreshold: number | null;
  /** raised to the level below's threshold to keep the levels monotone */
  raised: string[];
  builtin: { fmr: number; fnmr: number; protectedFmr: number; protectedFnmr: number };
  atCalibrated: { fmr: number; fnmr: number; protectedFmr: number; protectedFnmr: number } | null;
  /** unprotected FNMR at the threshold the level ends up with */
  fnmrAtThreshold: number | null;
}

const fmt = (x: number): string => (x >= 1 ? String(Math.round(x)) : x.toPrecision(2));

/**
 * Per level: the built-in thresholds' error rates on these scores and, where enough impostor
 * pairs exist, the calibrated thresholds: the unprotected quantile for /match, the stricter of it
 * and the protected quantile for tokens (levels.ts); then a running max keeps both non-decreasing.
 */
export function calibrateLevels(
  levels: readonly LevelInput[],
  genuine: Float32Array,
  impostor: Float32Array,
  protectedByK: ReadonlyMap<number, ProtectedScores>,
): LevelResult[] {
  let prevMatch = -Infinity;
  let prevToken = -Infinity;
  return levels.map((l) => {
    const prot = protectedByK.get(l.k);
    const pg = prot?.genuine ?? new Float32Array(0);
    const pi = prot?.impostor ?? new Float32Array(0);
    const builtin = {
      fmr: fmrAt(impostor, l.builtinMatch),
      fnmr: fnmrAt(genuine, l.builtinMatch),
      protectedFmr: fmrAt(pi, l.builtinToken),
      protectedFnmr: fnmrAt(pg, l.builtinToken),
    };
    const needed = Math.ceil(MIN_EXPECTED_FALSE_MATCHES / l.targetFmr);
    const enough = impostor.length * l.targetFmr >= MIN_EXPECTED_FALSE_MATCHES && genuine.length > 0;
    const base = { ...l, builtin, raised: [] as string[] };
    if (!enough) {
      const reason =
        genuine.length === 0
          ? 'no genuine pairs (no person has two analysed photos)'
          : `needs ${needed} impostor pairs for a target FMR of ${fmt(l.targetFmr)} (at least ${MIN_EXPECTED_FALSE_MATCHES} expected false matches), has ${impostor.length}`;
      return {
        ...base,
        calibrated: false,
        reason,
        matchQuantile: null,
        protectedQuantile: null,
        protectedCalibrated: false,
        matchThreshold: null,
        tokenThreshold: null,
        atCalibrated: null,
        fnmrAtThreshold: genuine.length ? fnmrAt(genuine, l.builtinMatch) : null,
      };
    }
    const matchQuantile = thresholdAtFmr(impostor, l.targetFmr)!;
    const protectedCalibrated = pi.length * l.targetFmr >= MIN_EXPECTED_FALSE_MATCHES;
    const protectedQuantile = protectedCalibrated ? thresholdAtFmr(pi, l.targetFmr) : null;
    let match = matchQuantile;
    let token = Math.max(matchQuantile, protectedQuantile ?? -Infinity);
    if (match < prevMatch) {
      base.raised.push(`match ${match.toFixed(4)} -> ${prevMatch.toFixed(4)}`);
      match = prevMatch;
    }
    if (token < prevToken) {
      base.raised.push(`token ${token.toFixed(4)} -> ${prevToken.toFixed(4)}`);
      token = prevToken;
    }
    prevMatch = match;
    prevToken = token;
    return {
      ...base,
      calibrated: true,
      reason: null,
      matchQuantile,
      protectedQuantile,
      protectedCalibrated,
      matchThreshold: match,
      tokenThreshold: token,
      atCalibrated: {
        fmr: fmrAt(impostor, match),
        fnmr: fnmrAt(genuine, match),
        protectedFmr: fmrAt(pi, token),
        protectedFnmr: fnmrAt(pg, token),
      },
      fnmrAtThreshold: fnmrAt(genuine, match),
    };
  });
}

export interface CurvePoint {
  threshold: number;
  fmr: number;
  fnmr: number;
}

/** FMR and FNMR over a grid of thresholds (ROC / DET). */
export function curve(genuine: Float32Array, impostor: Float32Array, from = -0.3, to = 1, step = 0.0025): CurvePoint[] {
  const out: CurvePoint[] = [];
  if (!genuine.length || !impostor.length) return out;
  for (let t = from; t <= to + 1e-9; t += step) out.push({ threshold: t, fmr: fmrAt(impostor, t), fnmr: fnmrAt(genuine, t) });
  return out;
}

export interface Bin {
  lo: number;
  hi: number;
  share: number;
}

/** Shares of finite scores per bin of `width` over [from, to]; scores outside fall into the end bins. */
export function histogram(sorted: Float32Array, from = -0.4, to = 1, width = 0.02): { bins: Bin[]; counted: number } {
  const finite = sorted.filter((v) => Number.isFinite(v));
  const nb = Math.round((to - from) / width);
  const counts = new Array<number>(nb).fill(0);
  for (const v of finite) counts[Math.min(nb - 1, Math.max(0, Math.floor((v - from) / width)))]++;
  return {
    bins: counts.map((c, b) => ({ lo: from + b * width, hi: from + (b + 1) * width, share: finite.length ? c / finite.length : 0 })),
    counted: finite.length,
  };
}
