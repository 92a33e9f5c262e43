/**
 * LFW benchmark: detection rate, standard 10-fold verification accuracy on pairs.txt, TAR at
 * FAR 1e-3 / 1e-4 over ALL same-identity pairs vs every cross-identity pair (or --impostors N random), the accuracy-level
 * calibration table, and median per-stage times.
 *   npm run bench:lfw -- --data ../shared/datasets/lfw [--impostors all|N] [--workers 2]
 * Embeddings stay in this process's memory; nothing is written to disk.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ACCURACY_LEVELS, cosineSimilarity } from '@facenition/face';
import { arg, mapLimit, median, percentile, rng, startPool, tenFoldAccuracy } from './common';

interface Img {
  person: number;
  name: string;
  file: string;
}

async function main(): Promise<void> {
  const data = resolve(arg('data'));
  const impostorArg = arg('impostors', 'all');
  const people = readdirSync(join(data, 'images')).sort();
  const images: Img[] = [];
  people.forEach((p, person) => {
    for (const f of readdirSync(join(data, 'images', p)).sort()) images.push({ person, name: p, file: join(data, 'images', p, f) });
  });
  console.log(`LFW: ${images.length} images, ${people.length} people`);
  const pool = await startPool();
  const t0 = Date.now();
  const stageTimes: Record<string, number[]> = {};
  const emb = await mapLimit(images, 4, async (img) => {
    const r = await pool.analyze(readFileSync(img.file), { embed: true });
    for (const [k, v] of Object.entries(r.timings)) (stageTimes[k] ??= []).push(v);
    return r.embedding ?? null;
  });
  await pool.close();
  const wall = (Date.now() - t0) / 1000;
  const found = emb.filter((e) => e !== null).length;
  console.log(`\n## Detection\nfaces found in ${found}/${images.length} images = ${((100 * found) / images.length).toFixed(2)}%`);
  const total = images.map((_, i) => Object.values(stageTimes).reduce((s, arr) => s + (arr[i] ?? 0), 0));
  console.log(`\n## Time per image (median ms, one image per worker, ${arg('workers', '2')} workers, ORT 1 intra-op thread)`);
  for (const [k, v] of Object.entries(stageTimes)) console.log(`  ${k.padEnd(8)} ${median(v).toFixed(1)}`);
  console.log(
    `  total    ${median(total).toFixed(1)}   (wall clock ${wall.toFixed(0)} s for all images = ${((1000 * wall) / images.length).toFixed(1)} ms/image throughput)`,
  );

  const index = new Map(images.map((img, i) => [img.file, i]));
  const fileOf = (name: string, n: string): string => join(data, 'images', name, `${name}_${n.padStart(4, '0')}.jpg`);
  const sim = (i: number, j: number): number => {
    const a = emb[i];
    const b = emb[j];
    return a && b ? cosineSimilarity(a, b) : -1; // a missed face counts as a non-match
  };

  // --- standard View 2 protocol
  const lines = readFileSync(join(data, 'pairs.txt'), 'utf8').trim().split('\n');
  const [nFolds, perFold] = lines[0].split(/\s+/).map(Number);
  const folds: { s: number; same: boolean }[][] = [];
  let li = 1;
  for (let f = 0; f < nFolds; f++) {
    const fold: { s: number; same: boolean }[] = [];
    for (let k = 0; k < 2 * perFold; k++) {
      const p = lines[li++].split('\t');
      const same = p.length === 3;
      const a = index.get(fileOf(p[0], p[1]))!;
      const b = index.get(same ? fileOf(p[0], p[2]) : fileOf(p[2], p[3]))!;
      fold.push({ s: sim(a, b), same });
    }
    folds.push(fold);
  }
  const { mean, sd, perFold: accs } = tenFoldAccuracy(folds);
  console.log(
    `\n## pairs.txt (View 2, ${nFolds} folds x ${2 * perFold} pairs)\n10-fold accuracy ${(100 * mean).toFixed(2)}% ± ${(100 * sd).toFixed(2)}`,
  );
  console.log(`  per fold: ${accs.map((a) => (100 * a).toFixed(2)).join(' ')}`);

  // --- all genuine pairs, random impostors
  const byPerson = new Map<number, number[]>();
  images.forEach((img, i) => byPerson.set(img.person, [...(byPerson.get(img.person) ?? []), i]));
  const genuine: number[] = [];
  for (const idx of byPerson.values()) {
    for (let a = 0; a < idx.length; a++) for (let b = a + 1; b < idx.length; b++) genuine.push(sim(idx[a], idx[b]));
  }
  // impostors: every cross-identity pair (--impostors all, ~87.5 M) or a seeded random sample
  const dim = 512;
  const packed = new Float32Array(images.length * dim);
  emb.forEach((e, i) => (e ? packed.set(e, i * dim) : packed.fill(NaN, i * dim, (i + 1) * dim)));
  const dot = (i: number, j: number): number => {
    if (Number.isNaN(packed[i * dim]) || Number.isNaN(packed[j * dim])) return -1;
    let s = 0;
    for (let k = 0, a = i * dim, b = j * dim; k < dim; k++) s += packed[a + k] * packed[b + k];
    return s;
  };
  // identity halves for a holdout check of the calibration (people split by index parity)
  const half = (i: number): number => images[i].person % 2;
  let impostor: Float32Array;
  let impHalf: Uint8Array; // 0: both people in half A, 1: both in half B, 2: mixed
  if (impostorArg === 'all') {
    const n = images.length;
    let count = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (images[i].person !== images[j].person) count++;
    impostor = new Float32Array(count);
    impHalf = new Uint8Array(count);
    let k = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (images[i].person === images[j].person) continue;
        impostor[k] = dot(i, j);
        impHalf[k++] = half(i) === half(j) ? half(i) : 2;
      }
      if (i % 1000 === 0) process.stderr.write(`\r  impostor rows ${i}/${n}`);
    }
    process.stderr.write('\n');
  } else {
    const nImp = Number(impostorArg);
    const rand = rng(20261127);
    impostor = new Float32Array(nImp);
    impHalf = new Uint8Array(nImp);
    for (let k = 0; k < nImp;) {
      const i = Math.floor(rand() * images.length);
      const j = Math.floor(rand() * images.length);
      if (images[i].person === images[j].person) continue;
      impHalf[k] = half(i) === half(j) ? half(i) : 2;
      impostor[k++] = dot(i, j);
    }
  }
  const halfScores = (h: number): Float32Array => impostor.filter((_, k) => impHalf[k] === h).sort();
  const impA = halfScores(0);
  const impB = halfScores(1);
  impostor.sort();
  genuine.sort((a, b) => a - b);
  const quantile = (sorted: Float32Array, fmr: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * (1 - fmr)))];
  const thresholdAtFmr = (fmr: number): number => quantile(impostor, fmr);
  /** Number of values below t in an ascending array. */
  const countBelow = (sorted: ArrayLike<number>, t: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (sorted[m] < t) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  const fmrIn = (sorted: Float32Array, t: number): number => (sorted.length - countBelow(sorted, t)) / sorted.length;
  const fnmrAt = (t: number): number => countBelow(genuine, t) / genuine.length;
  const fmrAt = (t: number): number => fmrIn(impostor, t);
  console.log(
    `\n## All same-identity pairs (${genuine.length}) vs ${impostor.length} impostor pairs (${impostorArg === 'all' ? 'every cross-identity pair' : 'random, seed 20261127'})`,
  );
  for (const far of [1e-2, 1e-3, 1e-4, 1e-5, 1e-6]) {
    const t = thresholdAtFmr(far);
    console.log(
      `  FAR ${far.toExponential(0)}: threshold ${t.toFixed(4)}  TAR ${(100 * (1 - fnmrAt(t))).toFixed(2)}%  (impostors above: ${Math.round(far * impostor.length)})`,
    );
  }
  console.log(`  genuine similarity: median ${percentile(genuine, 50).toFixed(3)}, 1st percentile ${percentile(genuine, 1).toFixed(3)}`);

  console.log(`\n## Holdout check: thresholds from people in half A (${impA.length} impostor pairs), FMR on half B (${impB.length})`);
  for (const far of [1e-3, 1e-4, 1e-5, 1e-6]) {
    const t = quantile(impA, far);
    console.log(`  target ${far.toExponential(0)}: threshold(A) ${t.toFixed(4)}  FMR(B) ${fmrIn(impB, t).toExponential(2)}`);
  }

  console.log('\n## Accuracy levels: configured thresholds (libs/face/src/thresholds.ts) measured on these pairs');
  console.log('  level  target FMR  threshold  measured FMR  FNMR     | calibrated threshold  FNMR there');
  for (const l of ACCURACY_LEVELS) {
    console.log(
      `  ${String(l.level).padEnd(5)}  ${l.targetFmr.toExponential(0).padEnd(10)}  ${l.threshold.toFixed(3).padEnd(9)}  ${fmrAt(l.threshold).toExponential(2).padEnd(12)}  ${(100 * fnmrAt(l.threshold)).toFixed(2).padStart(5)}%   | ${thresholdAtFmr(l.targetFmr).toFixed(4)}                ${(100 * fnmrAt(thresholdAtFmr(l.targetFmr))).toFixed(2)}%`,
    );
  }
  console.log('\n  calibrated table for libs/face/src/thresholds.ts:');
  for (const l of ACCURACY_LEVELS) {
    console.log(
      `  { level: ${l.level}, targetFmr: ${l.targetFmr.toExponential(0)}, threshold: ${thresholdAtFmr(l.targetFmr).toFixed(4)} },`,
    );
  }
}

void main();
