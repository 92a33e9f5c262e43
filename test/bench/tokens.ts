/**
 * Identity-token evaluation (ISO/IEC 24745 / 30136 style) on LFW:
 *   npm run bench:tokens -- --data ../shared/datasets/lfw [--impostors 1000000] [--per-person 25] [--threads N] [--link-pairs 2000|0] [--k levels|128,256,…]
 * --list: SCL list size (default 8, the server's)
 * --k levels (default): each accuracy level with its own version-2 code; --k 128,256,320: a sweep over the polar
 *   code's information bits K (key length; N stays 4096), all on the same pairs and trials (#13)
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
  DEFAULT_DECODER,
  DEFAULT_KDF,
  deriveKeys,
  encodeHeader,
  generateIdentityToken,
  open,
  pepperFromKey,
  SCHEME_FC_POLAR,
  TOKEN_LEVELS,
  TOKEN_VERSION,
  codeForLevel,
  tokenLevel,
  type CodeParams,
  type DerivedKeys,
  type TokenHeader,
} from '@facenition/tokenisation';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { arg, bitAgreement, dsys, mapLimit, median, percentile, rng, startPool, timeKdf } from './common';
import type { TrialEnrolment, TrialWorkerData } from './token-trials.worker';

/** Trials on worker threads: [token index, probe index] pairs -> score per trial and code, trial-major (NaN = key not recovered). */
async function runTrials(data: TrialWorkerData, trials: Int32Array, threads: number, what: string): Promise<Float64Array> {
  const file = join(__dirname, 'token-trials.worker.ts');
  const boot = `require('ts-node').register({ transpileOnly: true }); require('tsconfig-paths/register'); require(${JSON.stringify(file)});`;
  const workers = Array.from({ length: threads }, () => new Worker(boot, { eval: true, workerData: data }));
  const n = trials.length / 2;
  const nc = data.codes.length;
  const out = new Float64Array(n * nc);
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
        out.set(res, from * nc);
        done += res.length / nc;
        process.stderr.write(`\r  ${what} ${done}/${n} (${((Date.now() - t0) / 1000).toFixed(0)} s, ${threads} threads)`);
      }
    }),
  );
  process.stderr.write('\n');
  await Promise.all(workers.map((w) => w.terminate()));
  return out;
}

/**
 * The codes under test. --k levels (default): every accuracy level with the code its version-2 tokens
 * use (each distinct code evaluated once, on the same pairs and impostor trials); --k 128,256,320: a
 * sweep over information bits K (N stays 4096), each K on the same pairs and trials.
 */
const K_ARG = arg('k', 'levels');
const SWEEP: number[] | undefined =
  K_ARG === 'levels'
    ? undefined
    : K_ARG.split(',').map((v) => {
        const k = Number(v);
        if (!Number.isInteger(k) || k < 64 || k >= DEFAULT_CODE.n || k % 8 !== 0)
          throw new Error(`--k must be 'levels' or multiples of 8 in [64, ${DEFAULT_CODE.n})`);
        return k;
      });
const codeOfK = (k: number): CodeParams => ({ ...DEFAULT_CODE, k });
/** --list: the SCL list size (default the server's 8); larger lists decode further: what an attacker with more compute gets */
const DECODER = { ...DEFAULT_DECODER, listSize: Number(arg('list', String(DEFAULT_DECODER.listSize))) };
if (!Number.isInteger(DECODER.listSize) || DECODER.listSize < 1 || DECODER.listSize > 1024) throw new Error('--list must be 1..1024');
/** the code each level is evaluated with: its version-2 code, or in a sweep every K in turn */
const levelCode = (level: number): CodeParams => codeForLevel(level);

interface Enrolled {
  code: CodeParams;
  keys: DerivedKeys;
  header: Buffer;
  helper: Uint8Array;
  tag: Buffer;
  /** the committed key, kept in memory so the impostor trials can stop early (token-trials.worker.ts) */
  key: Uint8Array;
}

const HEADER: TokenHeader = {
  version: TOKEN_VERSION,
  scheme: SCHEME_FC_POLAR,
  kdf: { log2N: 10, r: 8, p: 1 }, // cheap KDF for the accuracy runs; the real KDF is timed separately
  keyId: Buffer.alloc(8),
  environment: 'production',
  accuracy: 4,
  expiresAt: 0,
  salt: Buffer.alloc(16),
  tokenId: Buffer.alloc(16),
  code: DEFAULT_CODE,
};

async function enrol(embedding: ArrayLike<number>, password: string, scope: string, code: CodeParams): Promise<Enrolled> {
  const header: TokenHeader = { ...HEADER, salt: randomBytes(16), tokenId: randomBytes(16), code };
  const keys = await deriveKeys(
    password,
    header.salt,
    { version: TOKEN_VERSION, scheme: SCHEME_FC_POLAR, scope, environment: 'production', expiresAt: 0, tokenId: header.tokenId },
    header.kdf,
    pepperFromKey(Buffer.alloc(32, 1)),
  );
  const { helper, key } = commit(embedding, keys, code, randomBytes(code.k / 8));
  const hb = encodeHeader(header);
  const body = Buffer.concat([hb, Buffer.from(helper)]);
  return { code, keys, header: hb, helper, tag: computeTag(keys.macKey, body, key), key };
}

/** One enrolment under several codes: the same derived keys (so one projection), a fresh key and helper per code. */
async function enrolUnder(embedding: ArrayLike<number>, password: string, scope: string, codes: CodeParams[]) {
  const salt = randomBytes(16);
  const keys = await deriveKeys(
    password,
    salt,
    { version: TOKEN_VERSION, scheme: SCHEME_FC_POLAR, scope, environment: 'production', expiresAt: 0, tokenId: randomBytes(16) },
    { log2N: 10, r: 8, p: 1 },
    pepperFromKey(Buffer.alloc(32, 1)),
  );
  return { keys, tokens: codes.map((code) => commit(embedding, keys, code, randomBytes(code.k / 8))) };
}

function tryOpen(e: Enrolled, probe: Float32Array) {
  return open(probe, e.keys, e.code, e.helper, e.tag, Buffer.concat([e.header, Buffer.from(e.helper)]), DECODER);
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

  // impostor trials (stolen-secret: right password and scope, another person's face): the same for every code
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
  {
    // sorted by token (the same set of trials), so a worker draws a token's rotations once per run of its trials
    const order = Array.from({ length: nImp }, (_, k) => k).sort((a, b) => trials[2 * a] - trials[2 * b] || a - b);
    const copy = trials.slice();
    order.forEach((k, t) => {
      trials[2 * t] = copy[2 * k];
      trials[2 * t + 1] = copy[2 * k + 1];
    });
  }
  const threads = Number(arg('threads', String(availableParallelism())));
  const foldOf = (f: string) => createHash('sha256').update(personOf(f)).digest()[0] & 1;
  const impCos = Float64Array.from({ length: nImp }, (_, k) =>
    cosineSimilarity(emb.get(usable[trials[2 * k]][0])!, flat.subarray(trials[2 * k + 1] * 512, (trials[2 * k + 1] + 1) * 512)),
  );

  type Genuine = { cos: number; recovered: boolean; score: number };
  type Impostor = Genuine & { fold: number };
  /**
   * Enrol image A of every genuine pair once under every code (same derived keys, one key and helper
   * per code), then verify image B (genuine) and the impostor trials on the worker threads.
   */
  const codes = (SWEEP ?? [...new Set(TOKEN_LEVELS.map((l) => levelCode(l.level).k))]).map(codeOfK);
  const t0 = Date.now();
  const enrolledAll: TrialEnrolment[] = [];
  const firstKeys: DerivedKeys[] = [];
  for (const [a] of usable) {
    const e = await enrolUnder(emb.get(a)!, 'right password', 'bench/scope', codes);
    enrolledAll.push({ ...e.keys, helpers: e.tokens.map((t) => t.helper), keys: e.tokens.map((t) => t.key) });
    if (firstKeys.length < 1000) firstKeys.push(e.keys);
  }
  const workerData: TrialWorkerData = { enrolled: enrolledAll, embeddings: flat, dim: 512, codes, decoder: DECODER };
  const genuineTrials = new Int32Array(2 * usable.length);
  usable.forEach(([, b], i) => {
    genuineTrials[2 * i] = i;
    genuineTrials[2 * i + 1] = probeIndex.get(b)!;
  });
  const genuineScores = await runTrials(workerData, genuineTrials, threads, 'genuine trials');
  const t1 = Date.now();
  const impScores = nImp ? await runTrials(workerData, trials, threads, 'impostor trials') : new Float64Array(0);
  console.log(
    `codes K = ${codes.map((c) => c.k).join(', ')}: ${usable.length} enrolments and genuine trials in ${((t1 - t0) / 1000).toFixed(0)} s; ${nImp} impostor trials in ${((Date.now() - t1) / 1000).toFixed(0)} s on ${threads} threads`,
  );
  const results = new Map(
    codes.map((code, c) => {
      const genuine: Genuine[] = usable.map(([a, b], i) => {
        const v = genuineScores[i * codes.length + c];
        return { cos: cosineSimilarity(emb.get(a)!, emb.get(b)!), recovered: !Number.isNaN(v), score: Number.isNaN(v) ? -1 : v };
      });
      const imp: Impostor[] = [];
      for (let k = 0; k < nImp; k++) {
        const v = impScores[k * codes.length + c];
        imp.push({ cos: impCos[k], recovered: !Number.isNaN(v), score: Number.isNaN(v) ? -1 : v, fold: foldOf(usable[trials[2 * k]][0]) });
      }
      return [code.k, { code, genuine, imp }];
    }),
  );
  type Result = { code: CodeParams; genuine: Genuine[]; imp: Impostor[] };
  // the server's path (full list decoding, every candidate checked against the tag) on the first 1,000 genuine pairs
  // of the level-4 code (a sweep: the first K): its cost, and an exact cross-check of the trials above
  const verifyMs: number[] = [];
  const commitMs: number[] = [];
  const l4c = SWEEP ? 0 : codes.findIndex((c) => c.k === levelCode(4).k);
  let agree = 0;
  firstKeys.forEach((keys, i) => {
    const code = codes[l4c];
    const helper = enrolledAll[i].helpers[l4c];
    const body = Buffer.concat([encodeHeader({ ...HEADER, code }), Buffer.from(helper)]);
    const tag = computeTag(keys.macKey, body, enrolledAll[i].keys[l4c]);
    const tv = performance.now();
    const o = open(emb.get(usable[i][1])!, keys, code, helper, tag, body, DECODER);
    verifyMs.push(performance.now() - tv);
    const g = results.get(code.k)!.genuine[i];
    if (!!o.key === g.recovered && (o.score ?? -1) === g.score) agree++;
  });
  for (const [a] of usable.slice(0, 200)) {
    const tc = performance.now();
    await enrol(emb.get(a)!, 'right password', 'bench/scope', codes[l4c]);
    commitMs.push(performance.now() - tc);
  }
  console.log(
    `  the server's path (open: full list decoding + tag) on the first ${firstKeys.length} genuine pairs, K = ${codes[l4c].k}: same answer and score as the trials for ${agree}`,
  );
  if (agree !== firstKeys.length) throw new Error('the early-stopping trials disagree with open');

  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const fnmr = (set: Genuine[], pass: (x: Genuine) => boolean) => set.filter((x) => !pass(x)).length / set.length;
  const count = (set: Impostor[], pass: (x: Impostor) => boolean) => set.filter(pass).length;
  const unprotected = (level: number) => ACCURACY_LEVELS[level - 1].threshold;
  const tokenThreshold = (level: number) => tokenLevel(level).threshold;
  /** natural key recovery: the key comes out of the decoder, whatever the score (what an offline attacker with every secret gets) */
  const natural = (r: Result) => count(r.imp, (x) => x.recovered);
  console.log(
    `\n## Natural key recovery (stolen-secret setting: right password, scope and deployment key, another person's face; no server threshold), ${nImp} trials, ${usable.length} genuine pairs, SCL list ${DECODER.listSize}`,
  );
  if (SWEEP) {
    console.log(
      '  K     key-recovery FMR (count)   genuine recovered   FNMR protected / unprotected per level (token threshold / face threshold)',
    );
    for (const r of results.values()) {
      const per = TOKEN_LEVELS.map(
        (l) =>
          `L${l.level} ${pct(fnmr(r.genuine, (x) => x.recovered && x.score >= tokenThreshold(l.level)))}/${pct(fnmr(r.genuine, (x) => x.cos >= unprotected(l.level)))}`,
      );
      console.log(
        `  ${String(r.code.k).padEnd(5)} ${(natural(r) / nImp).toExponential(2)} (${natural(r)})`.padEnd(34) +
          `${pct(1 - fnmr(r.genuine, (x) => x.recovered))}`.padEnd(20) +
          per.join('  '),
      );
    }
  } else {
    console.log(
      '  level  K    target FMR  key-recovery FMR (count)  genuine recovered  FNMR protected  FNMR unprotected  diff (pp)  FMR protected at token threshold (count)',
    );
    for (const l of TOKEN_LEVELS) {
      const r = results.get(levelCode(l.level).k)!;
      const fp = fnmr(r.genuine, (x) => x.recovered && x.score >= l.threshold);
      const fu = fnmr(r.genuine, (x) => x.cos >= unprotected(l.level));
      const c = count(r.imp, (x) => x.recovered && x.score >= l.threshold);
      console.log(
        `  ${l.level}      ${String(r.code.k).padEnd(4)} ${l.targetFmr.toExponential(0).padEnd(11)} ${`${(natural(r) / nImp).toExponential(2)} (${natural(r)})`.padEnd(25)} ${pct(1 - fnmr(r.genuine, (x) => x.recovered)).padEnd(18)} ${pct(fp).padEnd(15)} ${pct(fu).padEnd(17)} ${(100 * (fp - fu)).toFixed(2).padStart(6)}     ${(c / nImp).toExponential(2)} (${c})`,
      );
    }
  }

  // the rest of the report: each level with its own code (a sweep: the first K)
  const resultOf = (level: number) => (SWEEP ? results.get(SWEEP[0])! : results.get(levelCode(level).k)!);
  const l4 = resultOf(4);
  console.log(
    `\n## Per accuracy level at the face thresholds (protected: key recovered AND score >= threshold; unprotected: cosine >= threshold), same pairs`,
  );
  console.log(`  level  K    threshold  FNMR protected  FNMR cosine   FMR protected (count)     FMR cosine (count)`);
  for (const l of ACCURACY_LEVELS) {
    const { genuine, imp, code } = resultOf(l.level);
    const p = (x: Genuine) => x.recovered && x.score >= l.threshold;
    const u = (x: Genuine) => x.cos >= l.threshold;
    console.log(
      `  ${l.level}      ${String(code.k).padEnd(4)} ${l.threshold.toFixed(4)}     ${(100 * fnmr(genuine, p)).toFixed(2).padStart(6)}%        ${(100 * fnmr(genuine, u)).toFixed(2).padStart(6)}%      ${(count(imp, p) / imp.length).toExponential(2)} (${count(imp, p)})      ${(count(imp, u) / imp.length).toExponential(2)} (${count(imp, u)})`,
    );
  }
  // TAR at FAR from each method's own impostor scores on these trials (the level-4 code)
  const sortedDesc = (xs: number[]) => [...xs].sort((a, b) => b - a);
  const impP = sortedDesc(l4.imp.map((x) => (x.recovered ? x.score : -1)));
  const impU = sortedDesc(l4.imp.map((x) => x.cos));
  for (const far of [1e-3, 1e-4]) {
    if (!l4.imp.length) break;
    const idx = Math.floor(far * l4.imp.length);
    const tp = impP[idx];
    const tu = impU[idx];
    const tarP = l4.genuine.filter((x) => x.recovered && x.score > tp).length / l4.genuine.length;
    const tarU = l4.genuine.filter((x) => x.cos > tu).length / l4.genuine.length;
    console.log(
      `  TAR @ FAR ${far.toExponential(0)} (K = ${l4.code.k}, on ${l4.imp.length} impostor trials): protected ${(100 * tarP).toFixed(2)}%  unprotected ${(100 * tarU).toFixed(2)}%`,
    );
  }
  const diff = l4.genuine.filter((x) => x.recovered).map((x) => Math.abs(x.score - x.cos));
  console.log(
    `  |score - cosine| for recovered genuine (K = ${l4.code.k}): median ${median(diff).toFixed(4)}, p95 ${percentile(
      [...diff].sort((a, b) => a - b),
      95,
    ).toFixed(4)}`,
  );

  // ---- token-level calibration on the stolen-secret impostor trials, each level with its own code
  if (nImp) {
    /** smallest 4-decimal threshold t with #{impostor score >= t} <= target * trials (key not recovered = never accepted) */
    const calibrate = (set: Impostor[], target: number) => {
      const sc = set
        .filter((x) => x.recovered)
        .map((x) => x.score)
        .sort((a, b) => b - a);
      const allowed = Math.floor(target * set.length);
      return allowed < sc.length ? Math.ceil((sc[allowed] + 1e-9) * 1e4) / 1e4 : null;
    };
    const fmrAt = (set: Impostor[], t: number) => set.filter((x) => x.recovered && x.score >= t).length;
    console.log(
      `\n## Token accuracy levels: protected calibration on ${nImp} stolen-secret impostor trials (only where >= 10 false matches are expected), combined with the unprotected one`,
    );
    console.log(
      '  level  K    target   face thr  protected cal  token thr  FMR at token thr (count)  FNMR at token thr  2-fold check of the protected cal: FMR on the other half',
    );
    const table: string[] = [];
    for (const l of ACCURACY_LEVELS) {
      const { imp, genuine, code } = resultOf(l.level);
      const folds = [imp.filter((x) => x.fold === 0), imp.filter((x) => x.fold === 1)];
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
        const on = (cc: number | null, set: Impostor[]) => (cc === null ? 'n/a' : (fmrAt(set, cc) / set.length).toExponential(2));
        check = `${on(c01, folds[1])} / ${on(c10, folds[0])}`;
      }
      console.log(
        `  ${l.level}      ${String(code.k).padEnd(4)} ${l.targetFmr.toExponential(0)}   ${l.threshold.toFixed(4)}    ${cal === null ? '  -   ' : cal.toFixed(4)}   ${t.toFixed(4)}${t === l.threshold ? '*' : ' '}    ${(c / imp.length).toExponential(2)} (${c})`.padEnd(
          75,
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
    const o = tryOpen(await enrol(ea, 'right password', 'bench/scope', l4.code), eb);
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
  const l4t = ACCURACY_LEVELS[3].threshold;
  const sameN = stdRes.filter((x) => x.same).length;
  const diffN = stdRes.length - sameN;
  console.log(`\n## pairs.txt (${stdRes.length} of ${std.length} pairs with faces; ${nFolds} folds), enrolled and verified as tokens`);
  console.log(`  10-fold accuracy: protected ${tenFold((x) => x.score)}   unprotected cosine ${tenFold((x) => x.cos)}`);
  console.log(
    `  at level 4 (${l4t}, K = ${l4.code.k}): FNMR protected ${((100 * stdRes.filter((x) => x.same && x.score < l4t).length) / sameN).toFixed(2)}% vs cosine ${((100 * stdRes.filter((x) => x.same && x.cos < l4t).length) / sameN).toFixed(2)}%; ` +
      `false matches protected ${stdRes.filter((x) => !x.same && x.score >= l4t).length} / ${diffN} vs cosine ${stdRes.filter((x) => !x.same && x.cos >= l4t).length} / ${diffN}`,
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
      l4.code,
    );
    const e1 = await enrol(emb.get(a)!, 'pw', 's', l4.code);
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
  const agreement = bitAgreement;
  const nBins = Number(arg('bins', '30'));
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
      mated.push(agreement((await enrol(emb.get(a)!, p1, s1, l4.code)).helper, (await enrol(emb.get(b)!, p2, s2, l4.code)).helper));
      for (const sink of [non, non2]) {
        const j = Math.floor(rand() * usable.length);
        if (personOf(usable[j][1]) === personOf(a)) continue;
        sink.push(
          agreement((await enrol(emb.get(a)!, p1, s1, l4.code)).helper, (await enrol(emb.get(usable[j][1])!, p2, s2, l4.code)).helper),
        );
      }
    }
    console.log(
      `  ${name.padEnd(36)} D<->sys ${dsys(mated, non, nBins).toFixed(3)}   noise floor (non-mated vs non-mated) ${dsys(non2, non, nBins).toFixed(3)}`,
    );
  }

  console.log(`\n## Cost`);
  console.log(
    `  KDF scrypt N=2^${DEFAULT_KDF.log2N}, r=${DEFAULT_KDF.r}, p=${DEFAULT_KDF.p} (${(128 * 2 ** DEFAULT_KDF.log2N * DEFAULT_KDF.r) / 2 ** 20} MiB): median ${median(kdfMs).toFixed(1)} ms`,
  );
  const vs = [...verifyMs].sort((a, b) => a - b);
  console.log(`  enrol excl. KDF (project + encode + tag): median ${median(commitMs).toFixed(2)} ms (includes the cheap bench KDF)`);
  console.log(
    `  verify excl. KDF (project + SCL list ${DECODER.listSize} + tag + score): median ${percentile(vs, 50).toFixed(2)} ms, p95 ${percentile(vs, 95).toFixed(2)} ms`,
  );
  console.log(`  token: ${Buffer.from(tok.token, 'base64url').length} bytes = ${tok.token.length} base64url characters`);
}

void main();
