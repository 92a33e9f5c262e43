import { seededRandom } from '@facenition/common';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FacePool } from '@facenition/face';
import { DEFAULT_KDF, deriveKeys, pepperFromKey } from '@facenition/tokenisation';

export function arg(name: string, def?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (def === undefined) {
    console.error(`missing --${name}`);
    process.exit(2);
  }
  return def;
}

export const repoRoot = resolve(__dirname, '../..');

/** The first photo of each of the first `n` people of LFW in sorted order (the set bench:pipeline and bench:peers share). */
export function lfwSample(data: string, n: number, skip = 0): string[] {
  const people = readdirSync(join(data, 'images'))
    .sort()
    .slice(skip, skip + n);
  return people.map((p) => join(data, 'images', p, readdirSync(join(data, 'images', p)).sort()[0]));
}

export async function startPool(workers = Number(arg('workers', String(Math.min(2, availableParallelism()))))): Promise<FacePool> {
  const pool = new FacePool({
    modelsDir: process.env.FACENITION_MODELS_DIR ?? join(repoRoot, 'models'),
    workers,
    intraOpThreads: 1,
    maxQueue: 100_000,
  });
  await pool.start();
  return pool;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export const median = (xs: readonly number[]): number =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

/** Deterministic PRNG (mulberry32, @facenition/common) so sampled pairs are reproducible. */
export const rng = seededRandom;

/** Runs `fn` over items with at most `limit` in flight, reporting progress to stderr. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const t0 = Date.now();
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
      done++;
      if (done % 500 === 0 || done === items.length) {
        process.stderr.write(`\r  ${done}/${items.length} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  process.stderr.write('\n');
  return out;
}

/** Times `n` key derivations with the production KDF (scrypt, DEFAULT_KDF); milliseconds, sorted. */
export async function timeKdf(n = 10): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await deriveKeys(
      'pw',
      randomBytes(16),
      { version: 1, scheme: 1, scope: 's', environment: 'production', expiresAt: 0, tokenId: randomBytes(16) },
      DEFAULT_KDF,
      pepperFromKey(Buffer.alloc(32)),
    );
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

/**
 * The standard LFW 10-fold protocol: for each fold, the threshold with the best accuracy on the other
 * nine folds (candidates: midpoints between sorted distinct scores), applied to it. Accuracy per fold,
 * mean and sample standard deviation.
 */
export function tenFoldAccuracy(folds: readonly { s: number; same: boolean }[][]): { mean: number; sd: number; perFold: number[] } {
  const accAt = (set: readonly { s: number; same: boolean }[], t: number): number =>
    set.filter((x) => x.s >= t === x.same).length / set.length;
  const perFold: number[] = [];
  for (let f = 0; f < folds.length; f++) {
    const train = folds.filter((_, g) => g !== f).flat();
    const cands = [...new Set(train.map((x) => x.s))].sort((a, b) => a - b);
    let best = -1;
    let bestT = 0;
    for (let c = 0; c < cands.length; c++) {
      const t = c === 0 ? cands[0] : (cands[c] + cands[c - 1]) / 2;
      const a = accAt(train, t);
      if (a > best) {
        best = a;
        bestT = t;
      }
    }
    perFold.push(accAt(folds[f], bestT));
  }
  const mean = perFold.reduce((s, v) => s + v, 0) / perFold.length;
  const sd = Math.sqrt(perFold.reduce((s, v) => s + (v - mean) ** 2, 0) / (perFold.length - 1));
  return { mean, sd, perFold };
}

/** Fraction of equal bits of two packed bit strings (helper-bit agreement, the linkage score of bench:tokens). */
export function bitAgreement(x: Uint8Array, y: Uint8Array): number {
  let same = 0;
  for (let i = 0; i < x.length; i++) {
    let v = ~(x[i] ^ y[i]) & 0xff;
    while (v) {
      same += v & 1;
      v >>= 1;
    }
  }
  return same / (x.length * 8);
}

/**
 * Unlinkability D<->sys (Gomez-Barrero et al., TIFS 2018) of mated vs non-mated linkage scores over
 * `bins` equal-width histogram bins (prior ratio 1): Σ p_mated(s) · D<->(s), D<->(s) = 2·LR/(1+LR) − 1
 * where LR = p_mated/p_non > 1; a bin with no non-mated score links fully.
 */
export function dsys(mated: number[], non: number[], bins: number): number {
  const lo = Math.min(...mated, ...non);
  const hi = Math.max(...mated, ...non) + 1e-12;
  const hm = new Array<number>(bins).fill(0);
  const hn = new Array<number>(bins).fill(0);
  const bin = (v: number) => Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins));
  mated.forEach((v) => hm[bin(v)]++);
  non.forEach((v) => hn[bin(v)]++);
  let d = 0;
  for (let k = 0; k < bins; k++) {
    const pm = hm[k] / mated.length;
    const pn = hn[k] / non.length;
    if (pm === 0) continue;
    const dl = pn === 0 ? 1 : pm > pn ? (2 * (pm / pn)) / (1 + pm / pn) - 1 : 0;
    d += pm * dl;
  }
  return d;
}
