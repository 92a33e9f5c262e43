/**
 * Identity-token evaluation (ISO/IEC 24745 / 30136 style) on LFW:
 *   npm run bench:tokens -- --data ../shared/datasets/lfw [--impostors 1000000] [--per-person 25] [--threads N] [--link-pairs 2000|0] [--k 128]
 * --k: information bits of the polar code (key length; default the production K); N stays 4096 (#13's study of
 *   key recovery at the level's own false-match rate)
 * - genuine pairs identity-balanced (at most --per-person pairs per person), each: enrol image A, verify image B
 * - impostor trials in the stolen-secret setting (right password and scope, another person's face)
 * - per accuracy level: FNMR / FMR of the protected scheme next to unprotected cosine on the same pairs
 * - token-level calibration: score thresholds for FMR targets from the impostor trials (2-fold check by enrolled person)
 * - the standard pairs.txt (10 folds) enrolled and verified as tokens, next to unprotected cosine
 * - key-recovery-only FMR, two-photo enrolment, unlinkability D<->sys (--link-pairs, --bins), timings (KDF separately), token size
 * Embeddings stay in memory; nothing is written to disk.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ACCURACY_LEVELS, cosineSimilarity } from '@facenition/face';
import {
  commit,
  computeTag,
  DEFAULT_CODE,
  DEFAULT_KDF,
  deriveKeys,
  encodeHeader,
  generateIdentityToken,
  open,
  pepperFromKey,
  SCHEME_FC_POLAR,
  TOKEN_VERSION,
  type DerivedKeys,
  type TokenHeader,
} from '@facenition/tokenisation';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { arg, mapLimit, median, percentile, rng, startPool, timeKdf } from './common';
import type { TrialEnrolment, TrialWorkerData } from './token-trials.worker';

/** Impostor trials on worker threads: [token index, probe index] pairs -> score (NaN = key not recovered). */
async function runTrials(data: TrialWorkerData, trials: Int32Array, threads: number): Promise<Float64Array> {
  const file = join(__dirname, 'token-trials.worker.ts');
  const boot = `require('ts-node').register({ transpileOnly: true }); require('tsconfig-paths/register'); require(${JSON.stringify(file)});`;
  const workers = Array.from({ length: threads }, () => new Worker(boot, { eval: true, workerData: data }));
  const n = trials.length / 2;
  const out = new Float64Array(n);
  const chunk = 2000;
  let next = 0;
  let done = 0;
  const t0 = Date.now();
  await Promise.all(
    workers.map(async (w) => {
      while (next < n) {
        const from = next;
        next = Math.min(n, next + chunk);
        const part = trials.slice(2 * from, 2 * next);
        const res = await new Promise<Float64Array>((ok, fail) => {
          w.once('message', ok);
          w.once('error', fail);
          w.postMessage(part);
        });
        w.removeAllListeners('error');
        out.set(res, from);
        done += res.length;
        process.stderr.write(`\r  impostor trials ${done}/${n} (${((Date.now() - t0) / 1000).toFixed(0)} s, ${threads} threads)`);
      }
    }),
  );
  process.stderr.write('\n');
  await Promise.all(workers.map((w) => w.terminate()));
  return out;
}

/** The code under test: the production code, or its K from --k. */
const CODE = { ...DEFAULT_CODE, k: Number(arg('k', String(DEFAULT_CODE.k))) };
if (!Number.isInteger(CODE.k) || CODE.k < 64 || CODE.k >= CODE.n || CODE.k % 8 !== 0)
  throw new Error(`--k must be a multiple of 8 in [64, ${CODE.n})`);

interface Enrolled {
  keys: DerivedKeys;
  header: Buffer;
  helper: Uint8Array;
  tag: Buffer;
}

async function enrol(embedding: ArrayLike<number>, password: string, scope: string): Promise<Enrolled> {
  const header: TokenHeader = {
    version: TOKEN_VERSION,
    scheme: SCHEME_FC_POLAR,
    kdf: { log2N: 10, r: 8, p: 1 }, // cheap KDF for the accuracy runs; the real KDF is timed separately
    keyId: Buffer.alloc(8),
    environment: 'production',
    accuracy: 4,
    expiresAt: 0,
    salt: randomBytes(16),
    tokenId: randomBytes(16),
    code: CODE,
  };
  const keys = await deriveKeys(
    password,
    header.salt,
    { version: 1, scheme: 1, scope, environment: 'production', expiresAt: 0, tokenId: header.tokenId },
    header.kdf,
    pepperFromKey(Buffer.alloc(32, 1)),
  );
  const { helper, key } = commit(embedding, keys, CODE, randomBytes(CODE.k / 8));
  const hb = encodeHeader(header);
  const body = Buffer.concat([hb, Buffer.from(helper)]);
  return { keys, header: hb, helper, tag: computeTag(keys.macKey, body, key) };
}

function tryOpen(e: Enrolled, probe: Float32Array) {
  return open(probe, e.keys, CODE, e.helper, e.tag, Buffer.concat([e.header, Buffer.from(e.helper)]));
}

async function main(): Promise<void> {
  const data = resolve(arg('data'));
  const nImp = Number(arg('impostors', '200000'));
  const perPerson = Number(arg('per-person', '25'));
  const rand = rng(424242);
  const people = readdirSync(join(data, 'images')).sort();
  const multi = people.map((p) => ({ p, files: readdirSync(join(data, 'images', p)).sort() })).filter((x) => x.files.length >= 2);
  // identity-balanced genuine pairs
  const pairs: [string, string][] = [];
  for (const { p, files } of multi) {
    const all: [string, string][] = [];
    for (let i = 0; i < files.length; i++)
      for (let j = i + 1; j < files.length; j++) all.push([join(data, 'images', p, files[i]), join(data, 'images', p, files[j])]);
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [all[i], all[j]] = [all[j], all[i]];
    }
    pairs.push(...all.slice(0, perPerson));
  }
  // the standard View-2 pairs.txt (10 folds of 300 same + 300 different), read here so its images are embedded too
  const pairLines = readFileSync(join(data, 'pairs.txt'), 'utf8').trim().split('\n');
  const [nFolds, perFold] = pairLines[0].split(/\s+/).map(Number);
  const lfwFile = (name: string, n: string) => join(data, 'images', name, `${name}_${n.padStart(4, '0')}.jpg`);
  const std: { a: string; b: string; same: boolean; fold: number }[] = [];
  for (let f = 0, li = 1; f < nFolds; f++) {
    for (let k = 0; k < 2 * perFold; k++) {
      const q = pairLines[li++].split('\t');
      const same = q.length === 3;
      std.push({ a: lfwFile(q[0], q[1]), b: same ? lfwFile(q[0], q[2]) : lfwFile(q[2], q[3]), same, fold: f });
    }
  }
  const files = [...new Set([...pairs.flat(), ...std.flatMap((x) => [x.a, x.b])])];
  const personOf = (f: string) => f.split('/').slice(-2, -1)[0];
  console.log(
    `identity-balanced genuine pairs: ${pairs.length} over ${multi.length} people (<= ${perPerson} each), ${files.length} images`,
  );

  const pool = await startPool();
  const emb = new Map<string, Float32Array | null>();
  await mapLimit(files, 4, async (f) => {
    const r = await pool.analyze(readFileSync(f), { embed: true });
    emb.set(f, r.embedding ?? null);
  });
  await pool.close();
  const usable = pairs.filter(([a, b]) => emb.get(a) && emb.get(b));
  console.log(`pairs with faces in both images: ${usable.length}`);

  // enrol image A of every genuine pair; verify image B (genuine) and random other people's images (impostors)
  const t0 = Date.now();
  const enrolled: Enrolled[] = [];
  const genuine: { cos: number; recovered: boolean; score: number }[] = [];
  const verifyMs: number[] = [];
  const commitMs: number[] = [];
  for (const [a, b] of usable) {
    const tc = performance.now();
    const e = await enrol(emb.get(a)!, 'right password', 'bench/scope');
    commitMs.push(performance.now() - tc);
    enrolled.push(e);
    const tv = performance.now();
    const o = tryOpen(e, emb.get(b)!);
    verifyMs.push(performance.now() - tv);
    genuine.push({ cos: cosineSimilarity(emb.get(a)!, emb.get(b)!), recovered: !!o.key, score: o.score ?? -1 });
  }
  console.log(`genuine trials done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  // impostor trials (stolen-secret: right password and scope, another person's face), on worker threads
  const probeFiles = [...new Set(usable.flat())];
  const probeIndex = new Map(probeFiles.map((f, i) => [f, i]));
  const flat = new Float32Array(probeFiles.length * 512);
  probeFiles.forEach((f, i) => flat.set(emb.get(f)!, i * 512));
  const trials = new Int32Array(2 * nImp);
  for (let k = 0; k < nImp; k++) {
    const i = Math.floor(rand() * usable.length);
    const j = Math.floor(rand() * usable.length);
    const probeFile = usable[j][rand() < 0.5 ? 0 : 1];
    if (personOf(probeFile) === personOf(usable[i][0])) {
      k--;
      continue;
    }
    trials[2 * k] = i;
    trials[2 * k + 1] = probeIndex.get(probeFile)!;
  }
  const threads = Number(arg('threads', String(availableParallelism())));
  const t1 = Date.now();
  const scores = nImp
    ? await runTrials(
        {
          enrolled: enrolled.map((e): TrialEnrolment => ({ ...e.keys, header: e.header, helper: e.helper, tag: e.tag })),
          embeddings: flat,
          dim: 512,
          code: CODE,
        },
        trials,
        threads,
      )
    : new Float64Array(0);
  const imp: { cos: number; recovered: boolean; score: number; fold: number }[] = [];
  const foldOf = (f: string) => createHash('sha256').update(personOf(f)).digest()[0] & 1;
  for (let k = 0; k < nImp; k++) {
    const a = usable[trials[2 * k]][0];
    const probe = flat.subarray(trials[2 * k + 1] * 512, (trials[2 * k + 1] + 1) * 512);
    const recovered = !Number.isNaN(scores[k]);
    imp.push({ cos: cosineSimilarity(emb.get(a)!, probe), recovered, score: recovered ? scores[k] : -1, fold: foldOf(a) });
  }
  console.log(`impostor trials: ${imp.length} in ${((Date.now() - t1) / 1000).toFixed(0)} s on ${threads} threads`);

  const fnmr = (set: typeof genuine, pass: (x: (typeof genuine)[number]) => boolean) => set.filter((x) => !pass(x)).length / set.length;
  const fmrCount = (pass: (x: (typeof genuine)[number]) => boolean) => imp.filter(pass).length;
  console.log(
    `\n## Key recovery alone (stolen-secret setting): genuine recovered ${(100 * (1 - fnmr(genuine, (x) => x.recovered))).toFixed(2)}%, impostors recovered ${fmrCount((x) => x.recovered)} / ${imp.length} = ${(fmrCount((x) => x.recovered) / imp.length).toExponential(2)}`,
  );
  console.log('\n## Per accuracy level (protected: key recovered AND score >= threshold; unprotected: cosine >= threshold), same pairs');
  console.log(`  level  threshold  FNMR protected  FNMR cosine   FMR protected (count)     FMR cosine (count)`);
  for (const l of ACCURACY_LEVELS) {
    const p = (x: (typeof genuine)[number]) => x.recovered && x.score >= l.threshold;
    const u = (x: (typeof genuine)[number]) => x.cos >= l.threshold;
    console.log(
      `  ${l.level}      ${l.threshold.toFixed(4)}     ${(100 * fnmr(genuine, p)).toFixed(2).padStart(6)}%        ${(100 * fnmr(genuine, u)).toFixed(2).padStart(6)}%      ${(fmrCount(p) / imp.length).toExponential(2)} (${fmrCount(p)})      ${(fmrCount(u) / imp.length).toExponential(2)} (${fmrCount(u)})`,
    );
  }
  // TAR at FAR from each method's own impostor scores on these trials
  const sortedDesc = (xs: number[]) => [...xs].sort((a, b) => b - a);
  const impP = sortedDesc(imp.map((x) => (x.recovered ? x.score : -1)));
  const impU = sortedDesc(imp.map((x) => x.cos));
  for (const far of [1e-3, 1e-4]) {
    const idx = Math.floor(far * imp.length);
    const tp = impP[idx];
    const tu = impU[idx];
    const tarP = genuine.filter((x) => x.recovered && x.score > tp).length / genuine.length;
    const tarU = genuine.filter((x) => x.cos > tu).length / genuine.length;
    console.log(
      `  TAR @ FAR ${far.toExponential(0)} (on ${imp.length} impostor trials): protected ${(100 * tarP).toFixed(2)}%  unprotected ${(100 * tarU).toFixed(2)}%`,
    );
  }
  const diff = genuine.filter((x) => x.recovered).map((x) => Math.abs(x.score - x.cos));
  console.log(
    `  |score - cosine| for recovered genuine: median ${median(diff).toFixed(4)}, p95 ${percentile(
      [...diff].sort((a, b) => a - b),
      95,
    ).toFixed(4)}`,
  );

  // ---- token-level calibration on the stolen-secret impostor trials
  if (imp.length) {
    type Trial = (typeof imp)[number];
    /** smallest 4-decimal threshold t with #{impostor score >= t} <= target * trials (key not recovered = never accepted) */
    const calibrate = (set: Trial[], target: number) => {
      const sc = set
        .filter((x) => x.recovered)
        .map((x) => x.score)
        .sort((a, b) => b - a);
      const allowed = Math.floor(target * set.length);
      return allowed < sc.length ? Math.ceil((sc[allowed] + 1e-9) * 1e4) / 1e4 : null;
    };
    const fmrAt = (set: Trial[], t: number) => set.filter((x) => x.recovered && x.score >= t).length;
    const folds = [imp.filter((x) => x.fold === 0), imp.filter((x) => x.fold === 1)];
    console.log(
      `\n## Token accuracy levels: protected calibration on ${imp.length} stolen-secret impostor trials (only where >= 10 false matches are expected), combined with the unprotected one`,
    );
    console.log(
      '  level  target   face thr  protected cal  token thr  FMR at token thr (count)  FNMR at token thr  2-fold check of the protected cal: FMR on the other half',
    );
    const table: string[] = [];
    for (const l of ACCURACY_LEVELS) {
      const enough = l.targetFmr * imp.length >= 10;
      const cal = enough ? calibrate(imp, l.targetFmr) : null;
      // the stricter of the protected calibration (these trials) and the unprotected one (all LFW pairs)
      const t = cal === null ? l.threshold : Math.max(cal, l.threshold);
      const c = fmrAt(imp, t);
      const fn = genuine.filter((x) => !(x.recovered && x.score >= t)).length / genuine.length;
      let check = '-';
      if (enough) {
        const c01 = calibrate(folds[0], l.targetFmr);
        const c10 = calibrate(folds[1], l.targetFmr);
        const on = (cc: number | null, set: Trial[]) => (cc === null ? 'n/a' : (fmrAt(set, cc) / set.length).toExponential(2));
        check = `${on(c01, folds[1])} / ${on(c10, folds[0])}`;
      }
      console.log(
        `  ${l.level}      ${l.targetFmr.toExponential(0)}   ${l.threshold.toFixed(4)}    ${cal === null ? '  -   ' : cal.toFixed(4)}   ${t.toFixed(4)}${t === l.threshold ? '*' : ' '}    ${(c / imp.length).toExponential(2)} (${c})`.padEnd(
          70,
        ) +
          `${(100 * fn).toFixed(2)}%`.padEnd(19) +
          check,
      );
      table.push(
        `  { level: ${l.level}, threshold: ${t.toFixed(4)}, targetFmr: ${l.targetFmr}, measuredFmr: ${(c / imp.length).toExponential(3)}, falseMatches: ${c}, impostorTrials: ${imp.length}, basis: '${t === l.threshold ? 'unprotected' : 'protected'}' },`,
      );
    }
    console.log(
      '  (token thr = the stricter of the two; * = the unprotected one)\n  for libs/tokenisation/src/levels.ts:\n' + table.join('\n'),
    );
  }

  // ---- the standard pairs.txt, as tokens: enrol the first image, verify the second
  const stdRes: { cos: number; score: number; same: boolean; fold: number }[] = [];
  for (const x of std) {
    const ea = emb.get(x.a);
    const eb = emb.get(x.b);
    if (!ea || !eb) continue;
    const o = tryOpen(await enrol(ea, 'right password', 'bench/scope'), eb);
    stdRes.push({ cos: cosineSimilarity(ea, eb), score: o.key ? o.score! : -1, same: x.same, fold: x.fold });
  }
  const tenFold = (val: (x: (typeof stdRes)[number]) => number) => {
    const accs: number[] = [];
    for (let f = 0; f < nFolds; f++) {
      const train = stdRes.filter((x) => x.fold !== f);
      const test = stdRes.filter((x) => x.fold === f);
      let best = { t: 0, acc: -1 };
      for (const t of [...new Set(train.map(val))]) {
        const acc = train.filter((x) => val(x) >= t === x.same).length;
        if (acc > best.acc) best = { t, acc };
      }
      accs.push(test.filter((x) => val(x) >= best.t === x.same).length / test.length);
    }
    const m = accs.reduce((a, b) => a + b, 0) / accs.length;
    const sd = Math.sqrt(accs.reduce((a, b) => a + (b - m) ** 2, 0) / (accs.length - 1));
    return `${(100 * m).toFixed(2)}% ± ${(100 * sd).toFixed(2)}`;
  };
  const l4 = ACCURACY_LEVELS[3].threshold;
  const sameN = stdRes.filter((x) => x.same).length;
  const diffN = stdRes.length - sameN;
  console.log(`\n## pairs.txt (${stdRes.length} of ${std.length} pairs with faces; ${nFolds} folds), enrolled and verified as tokens`);
  console.log(`  10-fold accuracy: protected ${tenFold((x) => x.score)}   unprotected cosine ${tenFold((x) => x.cos)}`);
  console.log(
    `  at level 4 (${l4}): FNMR protected ${((100 * stdRes.filter((x) => x.same && x.score < l4).length) / sameN).toFixed(2)}% vs cosine ${((100 * stdRes.filter((x) => x.same && x.cos < l4).length) / sameN).toFixed(2)}%; ` +
      `false matches protected ${stdRes.filter((x) => !x.same && x.score >= l4).length} / ${diffN} vs cosine ${stdRes.filter((x) => !x.same && x.cos >= l4).length} / ${diffN}`,
  );

  // timings
  const kdfMs = await timeKdf();
  const tok = await generateIdentityToken(
    { embedding: emb.get(usable[0][0])!, password: 'p', scope: 's', environment: 'production', accuracy: 4, expiresAt: 0 },
    pepperFromKey(Buffer.alloc(32), Buffer.alloc(8)),
    { bytes: (n) => randomBytes(n) },
  );
  // ---- two-photo enrolment: people with >= 3 images; enrol 1 photo vs the mean of 2, verify a third
  const triples: [string, string, string][] = [];
  for (const { p, files: fs } of multi) {
    const usableFiles = fs.map((f) => join(data, 'images', p, f)).filter((f) => emb.get(f));
    if (usableFiles.length >= 3) triples.push([usableFiles[0], usableFiles[1], usableFiles[2]]);
  }
  const level4 = ACCURACY_LEVELS[3].threshold;
  let fail1 = 0;
  let fail2 = 0;
  let fail1u = 0;
  for (const [a, b, c] of triples) {
    const mean = new Float32Array(512);
    for (const f of [a, b]) emb.get(f)!.forEach((v, k) => (mean[k] += v));
    const n = Math.hypot(...mean);
    const e2 = await enrol(
      mean.map((v) => v / n),
      'pw',
      's',
    );
    const e1 = await enrol(emb.get(a)!, 'pw', 's');
    const o1 = tryOpen(e1, emb.get(c)!);
    const o2 = tryOpen(e2, emb.get(c)!);
    if (!(o1.key && o1.score! >= level4)) fail1++;
    if (!(o2.key && o2.score! >= level4)) fail2++;
    if (cosineSimilarity(emb.get(a)!, emb.get(c)!) < level4) fail1u++;
  }
  console.log(`\n## Two-photo enrolment (${triples.length} people with >= 3 images; verify the third photo; level 4)`);
  console.log(
    `  FNMR one photo ${((100 * fail1) / triples.length).toFixed(2)}% (unprotected cosine ${((100 * fail1u) / triples.length).toFixed(2)}%), mean of two photos ${((100 * fail2) / triples.length).toFixed(2)}%`,
  );

  // ---- unlinkability (Gomez-Barrero et al., TIFS 2018): D<->sys over helper-bit agreement
  const nLink = Math.min(Number(arg('link-pairs', '2000')), usable.length);
  const agreement = (x: Uint8Array, y: Uint8Array) => {
    let same = 0;
    for (let i = 0; i < x.length; i++) {
      let v = ~(x[i] ^ y[i]) & 0xff;
      while (v) {
        same += v & 1;
        v >>= 1;
      }
    }
    return same / (x.length * 8);
  };
  const nBins = Number(arg('bins', '30'));
  const dsys = (mated: number[], non: number[], bins = nBins) => {
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
      // D<->(s) = 2 * LR / (1 + LR) - 1 where LR > 1 (prior ratio 1); a bin with no non-mated score links fully
      const dl = pn === 0 ? 1 : pm > pn ? (2 * (pm / pn)) / (1 + pm / pn) - 1 : 0;
      d += pm * dl;
    }
    return d;
  };
  const settings: [string, (k: number) => [[string, string], [string, string]]][] = [
    [
      'different passwords',
      (k) => [
        [`pw-a-${k}`, 'scope'],
        [`pw-b-${k}`, 'scope'],
      ],
    ],
    [
      'renewal (same password, new salt)',
      (k) => [
        [`pw-${k}`, 'scope'],
        [`pw-${k}`, 'scope'],
      ],
    ],
    [
      'different scopes',
      (k) => [
        [`pw-${k}`, 'scope-a'],
        [`pw-${k}`, 'scope-b'],
      ],
    ],
  ];
  console.log(
    `\n## Unlinkability D<->sys (${nBins} histogram bins; ${nLink} mated pairs: the two photos of a genuine pair; ${nLink} non-mated pairs: different people; score = helper-bit agreement)`,
  );
  for (const [name, secretsOf] of nLink > 0 ? settings : []) {
    const mated: number[] = [];
    const non: number[] = [];
    const non2: number[] = [];
    for (let k = 0; k < nLink; k++) {
      const [[p1, s1], [p2, s2]] = secretsOf(k);
      const [a, b] = usable[k];
      mated.push(agreement((await enrol(emb.get(a)!, p1, s1)).helper, (await enrol(emb.get(b)!, p2, s2)).helper));
      for (const sink of [non, non2]) {
        const j = Math.floor(rand() * usable.length);
        if (personOf(usable[j][1]) === personOf(a)) continue;
        sink.push(agreement((await enrol(emb.get(a)!, p1, s1)).helper, (await enrol(emb.get(usable[j][1])!, p2, s2)).helper));
      }
    }
    console.log(
      `  ${name.padEnd(36)} D<->sys ${dsys(mated, non).toFixed(3)}   noise floor (non-mated vs non-mated) ${dsys(non2, non).toFixed(3)}`,
    );
  }

  console.log(`\n## Cost`);
  console.log(
    `  KDF scrypt N=2^${DEFAULT_KDF.log2N}, r=${DEFAULT_KDF.r}, p=${DEFAULT_KDF.p} (${(128 * 2 ** DEFAULT_KDF.log2N * DEFAULT_KDF.r) / 2 ** 20} MiB): median ${median(kdfMs).toFixed(1)} ms`,
  );
  const vs = [...verifyMs].sort((a, b) => a - b);
  console.log(`  enrol excl. KDF (project + encode + tag): median ${median(commitMs).toFixed(2)} ms (includes the cheap bench KDF)`);
  console.log(
    `  verify excl. KDF (project + SCL list 8 + tag + score): median ${percentile(vs, 50).toFixed(2)} ms, p95 ${percentile(vs, 95).toFixed(2)} ms`,
  );
  console.log(`  token: ${Buffer.from(tok.token, 'base64url').length} bytes = ${tok.token.length} base64url characters`);
}

void main();
