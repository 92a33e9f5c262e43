/**
 * Attacks on identity tokens that the helper-bit-agreement linkage of bench:tokens does not cover, on LFW:
 *   npm run bench:token-attacks -- --data ../shared/datasets/lfw [--k 128,320] [--people 500] [--link-pairs 1000]
 *     [--max-photos 20] [--bins 30] [--iters 50] [--workers 2]
 * --k: comma-separated information bits of the polar code (N stays 4096; K = 128 is token version 1, any other K is
 *   enrolled as version 2). For each K:
 * 1. Template reconstruction from a recovered key ("all secrets stolen": token, password and scope, deployment key, and
 *    the key recovered, e.g. by trying faces offline): s = helper XOR Encode(key) gives the enrolled sign bits; the
 *    embedding is estimated (a) by back-projection through the known rotations, (b) by iterative refinement (BIHT with a
 *    margin). Reported: cosine to the enrolled embedding, acceptance by /match against the person's other photos at
 *    levels 3, 4 and 6 (next to the enrolled embedding itself), and whether it opens the token and a second token of the
 *    same person enrolled with other secrets.
 * 2. Linkage beyond helper-bit agreement, D<->sys (Gomez-Barrero et al., TIFS 2018; the same estimator and bin count as
 *    bench:tokens) with its noise floor (non-mated vs non-mated):
 *    L1 all secrets stolen and T1's key known: reconstruct from T1, try to open T2 (score, -1 if its key is not
 *       recovered); and the cosine of the two reconstructions when both keys are known.
 *    L2' stolen secrets, no key and no face: cosine of the two helpers' back-projections through their own rotations.
 * People are a seeded random sample of LFW people with >= 2 photos (at most --max-photos photos each, in file order).
 * Embeddings and reconstructions stay in memory; only aggregates are printed.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ACCURACY_LEVELS } from '@facenition/face';
import {
  commit,
  computeTag,
  DEFAULT_CODE,
  deriveKeys,
  encodeHeader,
  fwht,
  open,
  pepperFromKey,
  PolarCode,
  project,
  rotationsFor,
  SCHEME_FC_POLAR,
  type CodeParams,
  type DerivedKeys,
  type Rotation,
  type TokenHeader,
} from '@facenition/tokenisation';
import { arg, bitAgreement, dsys, mapLimit, median, rng, startPool } from './common';

// ---------------------------------------------------------------- linear algebra on the token's projection

/** out = Rᵀ y for R = H·D3·H·D2·H·D1·Π (rotation.ts `rotate`): Rᵀ = Πᵀ·D1·H·D2·H·D3·H (H and the D's are their own inverses). */
function rotateT(r: Rotation, y: ArrayLike<number>, out: Float64Array): void {
  const n = out.length;
  const v = Float64Array.from(y);
  for (let d = r.signs.length - 1; d >= 0; d--) {
    fwht(v);
    const s = r.signs[d];
    for (let i = 0; i < n; i++) v[i] *= s[i];
  }
  // rotate reads out[i] = x[perm[i]]; its transpose writes back
  for (let i = 0; i < n; i++) out[r.perm[i]] = v[i];
}

/** Σ_b R_bᵀ w_b: the adjoint of `project`. */
function backProject(rots: readonly Rotation[], w: Float64Array, dim: number): Float64Array {
  const out = new Float64Array(dim);
  const tmp = new Float64Array(dim);
  rots.forEach((r, b) => {
    rotateT(r, w.subarray(b * dim, (b + 1) * dim), tmp);
    for (let i = 0; i < dim; i++) out[i] += tmp[i];
  });
  return out;
}

function normalise<T extends Float64Array>(x: T): T {
  let s = 0;
  for (const v of x) s += v * v;
  const f = 1 / Math.sqrt(s);
  for (let i = 0; i < x.length; i++) x[i] *= f;
  return x;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return s / Math.sqrt(na * nb);
}

const MU = 0.003;
const MARGIN = 0.1;
const ITERS = Number(arg('iters', '50'));

/**
 * Reconstruction from the ±1 targets σ (σ_i = +1 where the enrolled z_i ≥ 0):
 * (a) x = normalise(Σ_b R_bᵀ σ_b);
 * (b) from (a), ITERS steps of BIHT with a margin (projected subgradient of the hinge loss):
 *     x ← normalise(x + μ Σ_b R_bᵀ (σ_b ⊙ 1[σ ⊙ (R_b x)·√d < τ])), τ = 0.1, μ = 0.003
 *     (τ = 0 is plain BIHT; the margin moves a sign-consistent x towards the middle of its cell).
 * consistency: fraction of sign bits of (b) that agree with σ.
 */
function reconstruct(rots: readonly Rotation[], sigma: Float64Array, dim: number) {
  const bp = normalise(backProject(rots, sigma, dim));
  const x = Float64Array.from(bp);
  const r = new Float64Array(sigma.length);
  const scale = Math.sqrt(dim);
  for (let it = 0; it < ITERS; it++) {
    const z = project(rots, x);
    for (let i = 0; i < z.length; i++) r[i] = sigma[i] * z[i] * scale < MARGIN ? sigma[i] : 0;
    const g = backProject(rots, r, dim);
    for (let i = 0; i < dim; i++) x[i] += MU * g[i];
    normalise(x);
  }
  const z = project(rots, x);
  let agree = 0;
  for (let i = 0; i < z.length; i++) if ((z[i] < 0 ? -1 : 1) === sigma[i]) agree++;
  return { bp, refined: x, consistency: agree / z.length };
}

// ---------------------------------------------------------------- tokens (as bench:tokens enrols them)

interface Enrolled {
  keys: DerivedKeys;
  header: Buffer;
  helper: Uint8Array;
  tag: Buffer;
  /** the committed key: what an attacker holds once it has recovered it */
  key: Uint8Array;
}

async function enrol(embedding: ArrayLike<number>, password: string, scope: string, code: CodeParams): Promise<Enrolled> {
  const version = code.k === 128 ? 1 : 2;
  const header: TokenHeader = {
    version,
    scheme: SCHEME_FC_POLAR,
    kdf: { log2N: 10, r: 8, p: 1 }, // cheap KDF, as bench:tokens' accuracy runs
    keyId: Buffer.alloc(8),
    environment: 'production',
    accuracy: 4,
    expiresAt: 0,
    salt: randomBytes(16),
    tokenId: randomBytes(16),
    code,
  };
  const keys = await deriveKeys(
    password,
    header.salt,
    { version, scheme: SCHEME_FC_POLAR, scope, environment: 'production', expiresAt: 0, tokenId: header.tokenId },
    header.kdf,
    pepperFromKey(Buffer.alloc(32, 1)),
  );
  const { helper, key } = commit(embedding, keys, code, randomBytes(code.k / 8));
  const hb = encodeHeader(header);
  return { keys, header: hb, helper, tag: computeTag(keys.macKey, Buffer.concat([hb, Buffer.from(helper)]), key), key };
}

function tryOpen(e: Enrolled, probe: ArrayLike<number>, code: CodeParams): number | undefined {
  const o = open(probe, e.keys, code, e.helper, e.tag, Buffer.concat([e.header, Buffer.from(e.helper)]));
  return o.key ? o.score : undefined;
}

function unpack(bytes: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
  return out;
}

/** ±1 view of bits: +1 for 0, −1 for 1 (the sign convention of the projection's sign bits). */
const pm = (bits: Uint8Array) => Float64Array.from(bits, (b) => 1 - 2 * b);

/** The enrolled sign bits from the token and its recovered key: s = helper ⊕ Encode(key). */
function signBitsOf(e: Enrolled, code: CodeParams, polar: PolarCode): Uint8Array {
  const s = polar.encode(unpack(e.key, code.k));
  const h = unpack(e.helper, code.n);
  for (let i = 0; i < code.n; i++) s[i] ^= h[i];
  return s;
}

const agreement = bitAgreement;

// D<->sys, as bench:tokens defines it (test/bench/common.ts)
const nBins = Number(arg('bins', '30'));

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const f4 = (v: number) => v.toFixed(4);

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const tStart = Date.now();
  const data = resolve(arg('data'));
  const ks = arg('k', '128,320')
    .split(',')
    .map((s) => Number(s.trim()));
  for (const k of ks)
    if (!Number.isInteger(k) || k < 64 || k >= DEFAULT_CODE.n || k % 8 !== 0)
      throw new Error(`--k values must be multiples of 8 in [64, ${DEFAULT_CODE.n}), got ${k}`);
  const nPeople = Number(arg('people', '500'));
  const nLinkWanted = Number(arg('link-pairs', '1000'));
  const maxPhotos = Number(arg('max-photos', '20'));
  const rand = rng(20261202);
  const level = (l: number) => ACCURACY_LEVELS.find((x) => x.level === l)!;
  const levels = [3, 4, 6].map(level);

  // ---- 0. synthetic self-check of the transpose and the estimators (random unit vectors, nothing biometric)
  {
    const d = DEFAULT_CODE.dim;
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    let adjErr = 0;
    const cBp: number[] = [];
    const cRef: number[] = [];
    const cons: number[] = [];
    for (let t = 0; t < 20; t++) {
      const rots = rotationsFor(randomBytes(32), DEFAULT_CODE);
      const x = normalise(Float64Array.from({ length: d }, gauss));
      const y = Float64Array.from({ length: DEFAULT_CODE.n }, gauss);
      const z = project(rots, x);
      adjErr = Math.max(
        adjErr,
        Math.abs(z.reduce((s, v, i) => s + v * y[i], 0) - backProject(rots, y, d).reduce((s, v, i) => s + v * x[i], 0)),
      );
      const r = reconstruct(
        rots,
        z.map((v) => (v < 0 ? -1 : 1)),
        d,
      );
      cBp.push(cosine(r.bp, x));
      cRef.push(cosine(r.refined, x));
      cons.push(r.consistency);
    }
    console.log(`## 0. Self-check on 20 random unit vectors in R^${d} (synthetic, not faces), N = ${DEFAULT_CODE.n} sign bits each`);
    console.log(
      `  |<R x, y> - <x, Rᵀ y>| max ${adjErr.toExponential(1)};  cosine to x: (a) back-projection ${f4(mean(cBp))}, (b) BIHT+margin (${ITERS} iterations) ${f4(mean(cRef))} (sign consistency ${f4(mean(cons))})`,
    );
  }

  // ---- people and embeddings
  const multi = readdirSync(join(data, 'images'))
    .sort()
    .map((p) => ({ p, files: readdirSync(join(data, 'images', p)).sort() }))
    .filter((x) => x.files.length >= 2);
  for (let i = multi.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [multi[i], multi[j]] = [multi[j], multi[i]];
  }
  const pool = await startPool();
  const people: { name: string; photos: Float32Array[] }[] = [];
  let next = 0;
  let images = 0;
  const tEmb = Date.now();
  while (people.length < nPeople && next < multi.length) {
    const batch = multi.slice(next, next + (nPeople - people.length) + 5);
    next += batch.length;
    const files = batch.flatMap(({ p, files: fs }) => fs.slice(0, maxPhotos).map((f) => ({ p, f: join(data, 'images', p, f) })));
    images += files.length;
    const embs = await mapLimit(files, 4, async ({ f }) => {
      try {
        return (await pool.analyze(readFileSync(f), { embed: true })).embedding ?? null;
      } catch {
        return null;
      }
    });
    for (const { p } of batch) {
      const photos = files.flatMap((x, i) => (x.p === p && embs[i] ? [embs[i]] : []));
      if (photos.length >= 2 && people.length < nPeople) people.push({ name: p, photos });
    }
  }
  await pool.close();
  const nPhotos = people.reduce((s, x) => s + x.photos.length, 0);
  console.log(
    `\n${people.length} people with >= 2 usable photos (seeded random sample of the ${multi.length} LFW people with >= 2 files; <= ${maxPhotos} photos each in file order): ${nPhotos} photos embedded of ${images} read, ${((Date.now() - tEmb) / 1000).toFixed(0)} s`,
  );

  // identity-balanced mated pairs over the same people: round r takes each person's r-th (shuffled) photo pair
  const pairLists = people.map((x) => {
    const all: [number, number][] = [];
    for (let i = 0; i < x.photos.length; i++) for (let j = i + 1; j < x.photos.length; j++) all.push([i, j]);
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [all[i], all[j]] = [all[j], all[i]];
    }
    return all;
  });
  const mated: { p: number; a: number; b: number }[] = [];
  for (let r = 0; mated.length < nLinkWanted && pairLists.some((l) => l.length > r); r++)
    for (let p = 0; p < people.length && mated.length < nLinkWanted; p++)
      if (pairLists[p].length > r) mated.push({ p, a: pairLists[p][r][0], b: pairLists[p][r][1] });
  const nonMated = () =>
    mated.map(({ p, a }) => {
      let q = p;
      while (q === p) q = Math.floor(rand() * people.length);
      return { p, a, q, b: Math.floor(rand() * people[q].photos.length) };
    });
  const non1 = nonMated();
  const non2 = nonMated();
  const perPersonMax = Math.max(...mated.map((m) => mated.filter((x) => x.p === m.p).length));
  console.log(
    `link pairs: ${mated.length} mated (two photos of one person, identity-balanced, <= ${perPersonMax} per person), ${non1.length} + ${non2.length} non-mated (different people)`,
  );

  const timings: string[] = [];
  for (const K of ks) {
    const code: CodeParams = { ...DEFAULT_CODE, k: K };
    const polar = new PolarCode({ n: code.n, k: code.k });
    const d = code.dim;
    const version = K === 128 ? 1 : 2;
    const tK = Date.now();

    // ---- 1. template reconstruction
    console.log(
      `\n## 1. K = ${K} (N = ${code.n}, token version ${version}): template reconstruction from a recovered key — the attacker holds the token, its password and scope, the deployment key and the key (here: the committed key itself); s = helper XOR Encode(key), rotations from the derived seed`,
    );
    console.log(
      `  one token per person (first usable photo; password/scope A), ${people.length} people; "others" = the person's other photos (${nPhotos - people.length}, ${((nPhotos - people.length) / people.length).toFixed(2)} per person; /match: cosine >= the unprotected level threshold); 2nd token = the second photo enrolled with password/scope B`,
    );
    type Est = {
      cosEnrol: number[];
      cosOthers: number[];
      acc: number[][];
      opensOwn: number[];
      ownScore: number[];
      opens2: number[];
      opens2L4: number[];
    };
    const newEst = (): Est => ({
      cosEnrol: [],
      cosOthers: [],
      acc: levels.map(() => []),
      opensOwn: [],
      ownScore: [],
      opens2: [],
      opens2L4: [],
    });
    const est = { enrolled: newEst(), bp: newEst(), refined: newEst() };
    let exact = 0;
    const consistency: number[] = [];
    for (let i = 0; i < people.length; i++) {
      const [x0, ...others] = people[i].photos;
      const t1 = await enrol(x0, `pw-a-${i}`, 'attack/scope-a', code);
      const t2 = await enrol(others[0], `pw-b-${i}`, 'attack/scope-b', code);
      const rots = rotationsFor(t1.keys.rotationSeed, code);
      const s = signBitsOf(t1, code, polar);
      const z0 = project(rots, x0);
      let same = 0;
      for (let j = 0; j < code.n; j++) if ((z0[j] < 0 ? 1 : 0) === s[j]) same++;
      if (same === code.n) exact++;
      const r = reconstruct(rots, pm(s), d);
      consistency.push(r.consistency);
      for (const [name, x] of [
        ['enrolled', x0],
        ['bp', r.bp],
        ['refined', r.refined],
      ] as const) {
        const e = est[name];
        e.cosEnrol.push(cosine(x, x0));
        const cs = others.map((y) => cosine(x, y));
        e.cosOthers.push(mean(cs));
        levels.forEach((l, li) => e.acc[li].push(cs.filter((c) => c >= l.threshold).length / cs.length));
        const own = tryOpen(t1, x, code);
        e.opensOwn.push(own === undefined ? 0 : 1);
        if (own !== undefined) e.ownScore.push(own);
        const s2 = tryOpen(t2, x, code);
        e.opens2.push(s2 === undefined ? 0 : 1);
        e.opens2L4.push(s2 !== undefined && s2 >= level(4).threshold ? 1 : 0);
      }
    }
    console.log(
      `  sign bits from helper XOR Encode(key) equal the enrolled projection's: ${exact}/${people.length}; reconstruction (b) sign consistency mean ${f4(mean(consistency))}`,
    );
    console.log(
      `  estimate                       cos to enrolled (mean / median)   mean cos to others   accepted vs others at L3 (${levels[0].threshold}) / L4 (${levels[1].threshold}) / L6 (${levels[2].threshold})   opens own token (mean score)   opens 2nd token / and score >= L4`,
    );
    for (const [name, label] of [
      ['enrolled', 'enrolled embedding (ceiling)'],
      ['bp', '(a) back-projection'],
      ['refined', `(b) BIHT+margin, ${ITERS} it.`],
    ] as const) {
      const e = est[name];
      console.log(
        `  ${label.padEnd(30)} ${f4(mean(e.cosEnrol))} / ${f4(median(e.cosEnrol))}`.padEnd(67) +
          `${f4(mean(e.cosOthers))}`.padEnd(21) +
          `${e.acc.map((a) => pct(mean(a))).join(' / ')}`.padEnd(59) +
          `${pct(mean(e.opensOwn))} (${e.ownScore.length ? f4(mean(e.ownScore)) : '-'})`.padEnd(31) +
          `${pct(mean(e.opens2))} / ${pct(mean(e.opens2L4))}`,
      );
    }
    console.log(
      '  (acceptance: per person the fraction of their other photos at or above the threshold, then the mean over people.) The reconstruction uses only the recovered key, the helper and the rotations, so it is the same construction for every K: K changes how often an impostor face recovers the key (measured separately), not what a recovered key reveals.',
    );
    const t1s = (Date.now() - tK) / 1000;

    // ---- 2. linkage
    const tL = Date.now();
    type Scores = { agree: number; l1: number; l1face: number; l1both: number; l2: number; raw: number; opened: boolean };
    const score = async (x1: Float32Array, x2: Float32Array, k: number): Promise<Scores> => {
      const t1 = await enrol(x1, `pw-a-${k}`, 'link/scope-a', code);
      const t2 = await enrol(x2, `pw-b-${k}`, 'link/scope-b', code);
      const r1 = rotationsFor(t1.keys.rotationSeed, code);
      const r2 = rotationsFor(t2.keys.rotationSeed, code);
      const xh1 = reconstruct(r1, pm(signBitsOf(t1, code, polar)), d).refined;
      const xh2 = reconstruct(r2, pm(signBitsOf(t2, code, polar)), d).refined;
      const o = tryOpen(t2, xh1, code);
      const of = tryOpen(t2, x1, code);
      const v1 = backProject(r1, pm(unpack(t1.helper, code.n)), d);
      const v2 = backProject(r2, pm(unpack(t2.helper, code.n)), d);
      return {
        agree: agreement(t1.helper, t2.helper),
        l1: o ?? -1,
        l1face: of ?? -1,
        l1both: cosine(xh1, xh2),
        l2: cosine(v1, v2),
        raw: cosine(x1, x2),
        opened: o !== undefined,
      };
    };
    const sm: Scores[] = [];
    const sn: Scores[] = [];
    const sn2: Scores[] = [];
    for (let k = 0; k < mated.length; k++) {
      const m = mated[k];
      sm.push(await score(people[m.p].photos[m.a], people[m.p].photos[m.b], k));
      for (const [set, sink] of [
        [non1, sn],
        [non2, sn2],
      ] as const) {
        const n = set[k];
        sink.push(await score(people[n.p].photos[n.a], people[n.q].photos[n.b], k));
      }
      if ((k + 1) % 100 === 0 || k + 1 === mated.length)
        process.stderr.write(`\r  K = ${K} linkage ${k + 1}/${mated.length} (${((Date.now() - tL) / 1000).toFixed(0)} s)`);
    }
    process.stderr.write('\n');
    console.log(
      `\n## 2. K = ${K}: linkage of two tokens enrolled with different passwords and scopes, D<->sys (${nBins} bins; ${sm.length} mated: two photos of one person; ${sn.length} non-mated; noise floor = a second non-mated set of ${sn2.length} vs the first)`,
    );
    console.log(
      '  score                                                                                D<->sys   noise floor   mean mated / non-mated',
    );
    const row = (label: string, f: (s: Scores) => number) =>
      console.log(
        `  ${label.padEnd(84)} ${f4(dsys(sm.map(f), sn.map(f), nBins)).padEnd(9)} ${f4(dsys(sn2.map(f), sn.map(f), nBins)).padEnd(13)} ${f4(mean(sm.map(f)))} / ${f4(mean(sn.map(f)))}`,
      );
    row('helper-bit agreement (bench:tokens; token store only)', (s) => s.agree);
    row("L2' helper back-projection cosine (stolen secrets, no key, no face)", (s) => s.l2);
    row("L1 all secrets + T1's key: open T2 with T1's reconstruction (b); -1 if not opened", (s) => s.l1);
    row('L1 both keys known: cosine of the two reconstructions (b)', (s) => s.l1both);
    row("reference: open T2 with T1's enrolment embedding itself (attacker has the face)", (s) => s.l1face);
    row('reference: cosine of the two enrolment embeddings (unprotected templates)', (s) => s.raw);
    const opened = (xs: Scores[]) => xs.filter((s) => s.opened).length;
    const openedL4 = (xs: Scores[]) => xs.filter((s) => s.opened && s.l1 >= level(4).threshold).length;
    console.log(
      `  L1: T2's key recovered from T1's reconstruction: mated ${opened(sm)}/${sm.length} (${pct(opened(sm) / sm.length)}; score >= L4 ${pct(openedL4(sm) / sm.length)}), non-mated ${opened(sn)}/${sn.length} and ${opened(sn2)}/${sn2.length}`,
    );
    // what the helper reveals without the key: the syndrome of s (one parity per frozen position i over the s_j with j ⊇ i)
    const info = new Set(polar.infoPositions);
    const m = Math.log2(code.n);
    const bySize = new Map<number, number>();
    for (let i = 0; i < code.n; i++) {
      if (info.has(i)) continue;
      let w = 0;
      for (let b = 0; b < m; b++) w += (i >> b) & 1;
      const size = 2 ** (m - w);
      bySize.set(size, (bySize.get(size) ?? 0) + 1);
    }
    const sizes = [...bySize.keys()].sort((a, b) => a - b);
    console.log(
      `  L2 note: without the key the helper reveals only the syndrome of s: ${code.n - K} parities, each over the sign bits s_j with j ⊇ i (frozen i); the shortest cover ${sizes[0]} bits (${bySize.get(sizes[0])} of them), then ${sizes[1]} (${bySize.get(sizes[1])}). Every single helper bit is uniform whatever the face, so LLRs or back-projections built from T1's helper bits carry no first-order information about T2.`,
    );
    const t2s = (Date.now() - tL) / 1000;
    timings.push(`K = ${K}: reconstruction ${t1s.toFixed(0)} s, linkage ${t2s.toFixed(0)} s`);
  }
  console.log(
    `\n## Time: total ${((Date.now() - tStart) / 1000).toFixed(0)} s (embedding ${nPhotos} photos included); ${timings.join('; ')}`,
  );
}

void main();
