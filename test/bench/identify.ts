/**
 * bench:identify — 1:N roster identification over identity tokens (docs/benchmarks.md, "1:N rosters").
 *
 *   npm run bench:identify -- --data ../shared/datasets/lfw [--parts first-pass,speed,accuracy] [--probes 20]
 *
 * Embeds every LFW photo with the production engine (FacePool, 2 workers; nothing is written), then:
 * - first-pass: per accuracy level, the decoder's best path metric at the first pass's checkpoints for
 *   genuine pairs (enrolment photo vs the person's other photos, up to 5) of the even-indexed people
 *   (calibration) → bound = largest genuine metric whose key was recovered × (1 + margin); checked on the
 *   odd-indexed people (held out): genuine keys the first pass would lose, impostors it rejects, and the
 *   decoding time per member with and without it. Prints the FIRST_PASS_BOUNDS table of libs/tokenisation.
 * - speed: rosters of 1,000 and 10,000 members (level 4; LFW enrolment embeddings reused cyclically,
 *   every member its own random key), per decision: the probe's analysis (FacePool.analyze of the JPEG),
 *   the roster KDF (production scrypt), the identification; first pass on and off; memory of the decoded
 *   roster.
 * - accuracy: open-set identification on rosters of 1,000 and 5,000 LFW people, per level: FNIR (a mated
 *   search whose mate is not the top answer above the threshold) and FPIR (a non-mated search with any
 *   answer above it), at the level's own threshold and with the roster-size rule (rosterThreshold).
 *   Non-mated searches: people not enrolled, and each mated probe against the roster without its mate.
 *   Evaluation shortcut (as bench:tokens): members whose unprotected cosine with the probe is below the
 *   level's threshold - 0.08 are not decoded (their score, ≈ the cosine, cannot reach the threshold); the
 *   largest score - cosine seen among matches is printed to check it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  codeForLevel,
  DEFAULT_KDF,
  decodeToken,
  deriveRosterKeys,
  FIRST_PASS,
  identifyInRoster,
  mintRosterMember,
  pepperFromKey,
  rosterThreshold,
  rotationsFor,
  TOKEN_LEVELS,
  type IdentityToken,
  type RosterKeys,
} from '@facenition/tokenisation';
import { arg, mapLimit, percentile, rng, startPool } from './common';

const data = arg('data');
const parts = new Set(arg('parts', 'first-pass,speed,accuracy').split(','));
const pepper = pepperFromKey(randomBytes(32));
const random = { bytes: (n: number) => randomBytes(n) };
const FAST_KDF = { log2N: 10, r: 8, p: 1 }; // the KDF does not change what a member decodes; the speed part uses DEFAULT_KDF
const ctx = { scope: 'bench:door', environment: 'production' as const };
const fmt = (ms: number) => ms.toFixed(1);
/** accuracy part: members whose cosine with the probe is below (threshold - this) are not decoded (evaluation shortcut) */
const PREFILTER_MARGIN = 0.08;
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

interface Person {
  name: string;
  files: string[];
  /** embedding of each file (null: no face) */
  emb: (Float32Array | null)[];
}

/** V8 heap plus array buffers after two full collections (needs --expose-gc; NaN without). */
function heapAndBuffers(): number {
  if (!global.gc) return NaN;
  global.gc();
  global.gc();
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
}

function cos(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < 512; i++) s += a[i] * b[i];
  return s;
}

async function embedAll(): Promise<Person[]> {
  const dir = join(data, 'images');
  const people: Person[] = readdirSync(dir)
    .sort()
    .map((name) => ({
      name,
      files: readdirSync(join(dir, name))
        .sort()
        .map((f) => join(dir, name, f)),
      emb: [],
    }));
  const files = people.flatMap((p, i) => p.files.map((f, j) => ({ f, i, j })));
  const pool = await startPool();
  const t0 = performance.now();
  const out = await mapLimit(files, 8, async ({ f }) => (await pool.analyze(readFileSync(f), { embed: true })).embedding ?? null);
  files.forEach(({ i, j }, k) => (people[i].emb[j] = out[k] ? Float32Array.from(out[k]!) : null));
  console.log(`embedded ${files.length} photos of ${people.length} people in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  await pool.close();
  return people;
}

async function rosterOf(
  embs: readonly ArrayLike<number>[],
  level: number,
  kdf = FAST_KDF,
  password = 'bench roster secret',
): Promise<{ keys: RosterKeys; tokens: IdentityToken[] }> {
  const keys = await deriveRosterKeys(password, randomBytes(16), ctx, kdf, pepper);
  const tokens = embs.map((e) =>
    decodeToken(
      mintRosterMember(keys, { embedding: e, environment: ctx.environment, accuracy: level, expiresAt: 0 }, pepper.keyId, kdf, random)
        .token,
    ),
  );
  return { keys, tokens };
}

// ---------------------------------------------------------------------------------------------
async function firstPass(people: Person[]): Promise<void> {
  console.log(
    `\n== first pass: SC path metric after info bit ${FIRST_PASS.infoBits}, robust z within each search, cut z <= ${FIRST_PASS.z} ==`,
  );
  const multi = people.filter((p) => p.emb.filter(Boolean).length >= 2);
  const enrolled = multi.map((x) => x.emb.find(Boolean)!);
  const probesPerLevel = Number(arg('first-pass-probes', '150'));
  const timed = 6;
  for (const { level, k } of TOKEN_LEVELS) {
    const { keys, tokens } = await rosterOf(enrolled, level);
    const rot = rotationsFor(keys.rotationSeed, codeForLevel(level));
    const genuineZ: number[] = [];
    let lost = 0;
    let impostors = 0;
    let passed = 0;
    let tOn = 0;
    let tOff = 0;
    let onMembers = 0;
    let offMembers = 0;
    for (let i = 0; i < Math.min(probesPerLevel, multi.length); i++) {
      const probe = multi[i].emb.filter(Boolean)[1]!;
      const recovered = identifyInRoster(keys, [tokens[i]], probe, { rotations: rot, firstPass: false }).matches.length > 0;
      let zi = NaN;
      const t0 = performance.now();
      const r = identifyInRoster(keys, tokens, probe, {
        rotations: rot,
        onFirstPass: (j, z) => {
          if (j === i) zi = z;
          else {
            impostors++;
            if (z <= FIRST_PASS.z) passed++;
          }
        },
      });
      tOn += performance.now() - t0;
      onMembers += tokens.length;
      if (recovered) {
        genuineZ.push(zi);
        if (!r.matches.some((m) => m.index === i)) lost++;
      }
      if (i < timed) {
        const t1 = performance.now();
        identifyInRoster(keys, tokens, probe, { rotations: rot, firstPass: false });
        tOff += performance.now() - t1;
        offMembers += tokens.length;
      }
    }
    genuineZ.sort((a, b) => b - a);
    const on = tOn / onMembers;
    const off = tOff / offMembers;
    console.log(
      `level ${level} (K ${k}), roster ${tokens.length}: genuine keys recovered ${genuineZ.length}, lost by the first pass ${lost}, ` +
        `largest genuine z ${genuineZ[0].toFixed(2)} (next ${genuineZ[1].toFixed(2)}, ${genuineZ[2].toFixed(2)}); impostor members passed ` +
        `${passed}/${impostors} (${pct(passed / impostors)}); ms per member: list decoding all ${off.toFixed(3)}, with the first pass ${on.toFixed(3)} (${(off / on).toFixed(1)}x)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
async function speed(people: Person[]): Promise<void> {
  console.log('\n== speed: one decision = probe analysis + roster KDF + identification (level 4, production KDF) ==');
  const enrolled = people.map((p) => p.emb[0]).filter((e): e is Float32Array => !!e);
  const probesN = Number(arg('probes', '20'));
  const probeFiles = people
    .filter((p) => p.emb[1])
    .slice(0, probesN)
    .map((p) => p.files[1]);
  const pool = await startPool();
  for (const size of [1000, 10_000]) {
    const embs = Array.from({ length: size }, (_, i) => enrolled[i % enrolled.length]);
    const password = 'bench roster secret';
    const salt = randomBytes(16);
    const keys0 = await deriveRosterKeys(password, salt, ctx, DEFAULT_KDF, pepper);
    const texts = embs.map(
      (e) =>
        mintRosterMember(
          keys0,
          { embedding: e, environment: ctx.environment, accuracy: 4, expiresAt: 0 },
          pepper.keyId,
          DEFAULT_KDF,
          random,
        ).token,
    );
    const textMiB = texts.reduce((n, t) => n + t.length, 0) / 2 ** 20;
    const before = heapAndBuffers();
    const tokens = texts.map((t) => decodeToken(t));
    const decodedMiB = (heapAndBuffers() - before) / 2 ** 20;
    const rows: { analyse: number; kdf: number; id: number; idOff?: number; total: number; found: number; rejected: number }[] = [];
    for (const [pi, f] of probeFiles.entries()) {
      const t0 = performance.now();
      const a = await pool.analyze(readFileSync(f), { embed: true });
      const t1 = performance.now();
      const keys = await deriveRosterKeys(password, salt, ctx, DEFAULT_KDF, pepper);
      const t2 = performance.now();
      const r = identifyInRoster(keys, tokens, a.embedding!);
      const t3 = performance.now();
      let idOff: number | undefined;
      if (pi < (size > 1000 ? 3 : 10)) {
        const t4 = performance.now();
        identifyInRoster(keys, tokens, a.embedding!, { firstPass: false });
        idOff = performance.now() - t4;
      }
      rows.push({
        analyse: t1 - t0,
        kdf: t2 - t1,
        id: t3 - t2,
        idOff,
        total: t3 - t0,
        found: r.matches.length,
        rejected: r.stats.firstPassRejected,
      });
    }
    const q = (k: 'analyse' | 'kdf' | 'id' | 'total', pc: number) =>
      percentile(
        rows.map((r) => r[k]).sort((x, y) => x - y),
        pc,
      );
    const offs = rows.filter((r) => r.idOff !== undefined);
    const offMean = offs.reduce((s, r) => s + r.idOff!, 0) / offs.length;
    const onMean = offs.reduce((s, r) => s + r.id, 0) / offs.length;
    console.log(
      `roster ${size}: decision p50 ${fmt(q('total', 50))} ms, p95 ${fmt(q('total', 95))} ms (analysis p50 ${fmt(q('analyse', 50))}, KDF p50 ${fmt(q('kdf', 50))}, identification p50 ${fmt(q('id', 50))} / p95 ${fmt(q('id', 95))}); ` +
        `first pass rejected ${pct(rows.reduce((s, r) => s + r.rejected, 0) / (rows.length * size))} of members; ` +
        `identification without the first pass ${fmt(offMean)} ms vs ${fmt(onMean)} ms with it (mean of ${offs.length} probes, ${(offMean / onMean).toFixed(1)}x); ` +
        `memory: the token texts ${textMiB.toFixed(1)} MiB of characters, decoded roster +${decodedMiB.toFixed(1)} MiB (heap + array buffers, after GC)`,
    );
  }
  await pool.close();
}

// ---------------------------------------------------------------------------------------------
async function accuracy(people: Person[]): Promise<void> {
  console.log('\n== accuracy: open-set identification on LFW rosters ==');
  const usable = people.filter((p) => p.emb[0]);
  const R = rng(42);
  const order = usable
    .map((p, i) => ({ p, r: R(), i }))
    .sort((a, b) => a.r - b.r)
    .map((x) => x.p);
  const maxNonMated = Number(arg('non-mated', '1000'));
  let maxGap = -Infinity;
  for (const size of [1000, 5000]) {
    const enrolledPeople = order.slice(0, size);
    const outsiders = order.slice(size);
    const enrolled = enrolledPeople.map((p) => p.emb[0]!);
    const mated = enrolledPeople
      .map((p, j) => ({ j, probe: p.emb.slice(1).find(Boolean) }))
      .filter((m): m is { j: number; probe: Float32Array } => !!m.probe);
    const nonMatedOut = outsiders.map((p) => p.emb[0]!);
    console.log(
      `roster ${size}: ${mated.length} mated searches, non-mated: ${Math.min(nonMatedOut.length, maxNonMated)} outsiders + ${mated.length} mated probes without their mate`,
    );
    for (const { level, threshold, targetFmr } of TOKEN_LEVELS) {
      const { keys, tokens } = await rosterOf(enrolled, level);
      const rot = rotationsFor(keys.rotationSeed, codeForLevel(level));
      // answers of one search: recovered members (index, score); only members whose cosine with the probe is at least
      // the level's threshold - 0.08 are decoded (a member below cannot reach the threshold: score - cosine stays ~0.01)
      const floor = threshold - PREFILTER_MARGIN;
      const search = (probe: Float32Array, exclude = -1) => {
        const idx: number[] = [];
        for (let j = 0; j < enrolled.length; j++) if (j !== exclude && cos(enrolled[j], probe) >= floor) idx.push(j);
        const r = identifyInRoster(
          keys,
          idx.map((j) => tokens[j]),
          probe,
          { rotations: rot },
        );
        return r.matches.map((m) => {
          const j = idx[m.index];
          if (m.score >= threshold) maxGap = Math.max(maxGap, m.score - cos(enrolled[j], probe));
          return { j, score: m.score };
        });
      };
      const rule = rosterThreshold(level, size, TOKEN_LEVELS);
      const res = { plain: { fnir: 0, fpir: 0 }, rule: { fnir: 0, fpir: 0 } };
      for (const m of mated) {
        const ans = search(m.probe);
        for (const [key, t] of [
          ['plain', threshold],
          ['rule', rule.threshold],
        ] as const) {
          const above = ans.filter((a) => a.score >= t).sort((a, b) => b.score - a.score);
          if (above.length === 0 || above[0].j !== m.j) res[key].fnir++;
        }
        const loo = search(m.probe, m.j);
        for (const [key, t] of [
          ['plain', threshold],
          ['rule', rule.threshold],
        ] as const)
          if (loo.some((a) => a.score >= t)) res[key].fpir++;
      }
      const outs = nonMatedOut.slice(0, maxNonMated);
      for (const probe of outs) {
        const ans = search(probe);
        for (const [key, t] of [
          ['plain', threshold],
          ['rule', rule.threshold],
        ] as const)
          if (ans.some((a) => a.score >= t)) res[key].fpir++;
      }
      const nm = mated.length + outs.length;
      console.log(
        `  level ${level} (target FMR ${targetFmr}): level threshold ${threshold}: FNIR ${pct(res.plain.fnir / mated.length)}, FPIR ${pct(res.plain.fpir / nm)} (N x FMR = ${(size * targetFmr).toPrecision(2)}); ` +
          `roster rule threshold ${rule.threshold.toFixed(4)}${rule.capped ? ' (capped at level 8)' : ''}: FNIR ${pct(res.rule.fnir / mated.length)}, FPIR ${pct(res.rule.fpir / nm)} (${res.rule.fpir}/${nm}; expected ${rule.expectedFpir.toPrecision(2)})`,
      );
    }
  }
  console.log(
    `evaluation shortcut check: largest score - cosine of a member at or above its level's threshold ${maxGap.toFixed(4)} (members with cosine below threshold - ${PREFILTER_MARGIN} were not decoded)`,
  );
}

(async () => {
  const people = await embedAll();
  if (parts.has('first-pass')) await firstPass(people);
  if (parts.has('speed')) await speed(people);
  if (parts.has('accuracy')) await accuracy(people);
  process.exit(0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
