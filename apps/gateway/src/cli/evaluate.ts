import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ACCURACY_LEVELS,
  CALIBRATION_FORMAT,
  calibrationDigest,
  CalibrationFileSchema,
  checkEnrolment,
  FacePool,
  InvalidImageError,
  l2normalise,
  LowQualityError,
  MODEL_MANIFEST,
  ModelIntegrityError,
  NoFaceError,
  SeveralFacesError,
  type CalibrationFile,
  type QualityComponentName,
} from '@facenition/face';
import { codeForLevel, TOKEN_LEVELS } from '@facenition/tokenisation';
import { ConfigError, installRoot, loadConfig } from '../config';
import { facePoolOptions } from '../face/face-pool.options';
import { Progress } from './evaluate/progress';
import { distinctCodes, protectedScores } from './evaluate/protected';
import { renderReport, type ReportData } from './evaluate/report';
import {
  calibrateLevels,
  curve,
  genuinePairs,
  histogram,
  impostorPairCount,
  rng,
  sampleImpostorPairs,
  scoreAllImpostors,
  scorePairs,
  sortedScores,
  type Gallery,
  type LevelResult,
  type ProtectedScores,
} from './evaluate/scoring';
import { CliFailure, runAsProgram, UsageError } from './run';

const USAGE = `usage: npm run evaluate -- --data <folder> [options]
   or (air-gapped bundle): bin/node dist/apps/gateway/src/cli/evaluate.js --data <folder> [options]

Runs the server's face pipeline on the operator's own labelled photos (<folder>/<person>/<photo>.jpg|.jpeg|.png|.webp)
and writes report.html and calibration.json. Only aggregate numbers are written: no file or person name, no embedding.

  --data <folder>                  one sub-folder per person (required)
  --out <dir>                      output directory (default ./evaluation-<timestamp>)
  --label <text>                   name of the data set in the outputs (default: the folder's name)
  --workers <n>                    face worker threads, also the threads for the protected trials (default 2)
  --max-genuine <n>                same-person pairs: all, or a seeded sample of n (default 300000)
  --max-impostors <n>              cross-person pairs: all if at most n, else a seeded sample (default 2000000)
  --max-protected-genuine <n>      genuine pairs also scored as identity tokens (default 20000)
  --max-protected-impostors <n>    impostor pairs also scored as identity tokens (default 200000)
The server's settings apply (FACENITION_* environment: models, decode limits, minimum face size,
FACENITION_ENROL_MIN_COMPONENT, FACENITION_LIVENESS_GATE_THRESHOLD, FACENITION_LIVENESS_THRESHOLD).`;

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp']);
const SEED = 20261202;

interface Options {
  data: string;
  out: string;
  label: string;
  workers: number;
  maxGenuine: number;
  maxImpostors: number;
  maxProtectedGenuine: number;
  maxProtectedImpostors: number;
}

function count(name: string, value: string | undefined, def: number, min: number): number {
  if (value === undefined) return def;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

export function parseOptions(argv: readonly string[], now = new Date()): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      label: { type: 'string' },
      workers: { type: 'string' },
      'max-genuine': { type: 'string' },
      'max-impostors': { type: 'string' },
      'max-protected-genuine': { type: 'string' },
      'max-protected-impostors': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.data) throw new UsageError('--data <folder> is required');
  const data = resolve(values.data);
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return {
    data,
    out: resolve(values.out ?? `evaluation-${stamp}`),
    label: values.label ?? basename(data),
    workers: count('workers', values.workers, 2, 1),
    maxGenuine: count('max-genuine', values['max-genuine'], 300_000, 1),
    maxImpostors: count('max-impostors', values['max-impostors'], 2_000_000, 1),
    maxProtectedGenuine: count('max-protected-genuine', values['max-protected-genuine'], 20_000, 0),
    maxProtectedImpostors: count('max-protected-impostors', values['max-protected-impostors'], 200_000, 0),
  };
}

interface Photo {
  file: string;
  person: number;
}

/** The labelled photos, people and files sorted; the digest covers relative paths and sizes, not content. */
function scan(data: string): { photos: Photo[]; people: number; ignored: number; digest: string } {
  let entries;
  try {
    entries = readdirSync(data, { withFileTypes: true });
  } catch {
    throw new CliFailure('--data must be a readable folder with one sub-folder per person');
  }
  const photos: Photo[] = [];
  const listing: string[] = [];
  let ignored = 0;
  let people = 0;
  for (const dir of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (dir.name.startsWith('.')) continue;
    if (!dir.isDirectory()) {
      ignored++;
      continue;
    }
    const files = readdirSync(join(data, dir.name), { withFileTypes: true })
      .filter((f) => !f.name.startsWith('.'))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let mine = 0;
    for (const f of files) {
      if (!f.isFile() || !IMAGE_EXTENSIONS.has(extname(f.name).toLowerCase())) {
        ignored++;
        continue;
      }
      const file = join(data, dir.name, f.name);
      listing.push(`${dir.name}/${f.name}\t${statSync(file).size}\n`);
      photos.push({ file, person: people });
      mine++;
    }
    if (mine) people++;
  }
  const digest = createHash('sha256').update(listing.sort().join(''), 'utf8').digest('hex');
  return { photos, people, ignored, digest };
}

type Cause = 'unreadable' | 'no_face' | 'several_faces' | 'low_quality' | 'error';

async function evaluate(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const opts = parseOptions(argv);
  const config = loadConfig();
  const root = installRoot();
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const log = (line: string): void => console.log(line);
  const timings: Record<string, number> = {};

  const { photos, people, ignored, digest } = scan(opts.data);
  if (photos.length === 0) throw new CliFailure('no photos found: --data must hold <person>/<photo>.jpg|.jpeg|.png|.webp');
  log(`evaluate "${opts.label}": ${photos.length} photos of ${people} people${ignored ? ` (${ignored} other files ignored)` : ''}`);
  mkdirSync(opts.out, { recursive: true });

  // ---- analysis: the server's pipeline and enrolment gates, photo by photo
  const pool = new FacePool(facePoolOptions(config, { workers: opts.workers, maxQueue: 1_000_000 }));
  let t = performance.now();
  await pool.start();
  timings['model load'] = (performance.now() - t) / 1000;
  const dim = 512;
  // in photo order (not in completion order), so the seeded samples below are the same on every run
  const emb = new Float32Array(photos.length * dim);
  const enrolable = new Uint8Array(photos.length);
  const fte: Record<Cause, number> = { unreadable: 0, no_face: 0, several_faces: 0, low_quality: 0, error: 0 };
  const lowQualityByComponent: Partial<Record<QualityComponentName, number>> = {};
  const liveScores = new Float64Array(photos.length);
  const request = { embed: true, quality: true, liveness: true };
  const bar = new Progress('analysis', photos.length, 'photos');
  let next = 0;
  const one = async (i: number): Promise<void> => {
    let bytes: Buffer;
    try {
      bytes = await readFile(photos[i].file);
    } catch {
      fte.unreadable++;
      return;
    }
    try {
      const result = await pool.analyze(bytes, request);
      try {
        const { each } = checkEnrolment([{ field: 'photo', result }], { minComponent: config.enrolMinComponent, livenessGate: null });
        emb.set(l2normalise(each[0]), i * dim);
        enrolable[i] = 1;
        liveScores[i] = result.liveness?.score ?? 1;
      } finally {
        result.embedding?.fill(0);
      }
    } catch (e) {
      if (e instanceof InvalidImageError) fte.unreadable++;
      else if (e instanceof NoFaceError) fte.no_face++;
      else if (e instanceof SeveralFacesError) fte.several_faces++;
      else if (e instanceof LowQualityError) {
        fte.low_quality++;
        const component = e.component as QualityComponentName;
        lowQualityByComponent[component] = (lowQualityByComponent[component] ?? 0) + 1;
      } else fte.error++;
    } finally {
      bytes.fill(0);
      bar.tick();
    }
  };
  try {
    await Promise.all(
      Array.from({ length: opts.workers * 2 }, async () => {
        while (next < photos.length) await one(next++);
      }),
    );
  } finally {
    await pool.close();
  }
  timings.analysis = bar.finish();
  let analysed = 0;
  const person = new Int32Array(enrolable.reduce((a, b) => a + b, 0));
  const live: number[] = [];
  for (let i = 0; i < photos.length; i++) {
    if (!enrolable[i]) continue;
    emb.copyWithin(analysed * dim, i * dim, (i + 1) * dim);
    person[analysed++] = photos[i].person;
    live.push(liveScores[i]);
  }
  emb.fill(0, analysed * dim);
  const gallery: Gallery = { embeddings: emb.subarray(0, analysed * dim), person, dim };
  const analysedPeople = new Set(person).size;
  const failed = photos.length - analysed;
  log(
    `analysis: ${analysed} of ${photos.length} photos enrolable in ${timings.analysis.toFixed(1)} s (${((1000 * timings.analysis) / photos.length).toFixed(1)} ms/photo, ${opts.workers} workers)`,
  );
  log(
    `failure to enrol: ${failed} (${((100 * failed) / photos.length).toFixed(2)}%): unreadable ${fte.unreadable}, no face ${fte.no_face}, several faces ${fte.several_faces}, quality below ${config.enrolMinComponent} ${fte.low_quality}${fte.error ? `, errors ${fte.error}` : ''}`,
  );
  const gateRejected = live.filter((s) => s < config.livenessGateThreshold).length;
  const belowEndpoint = live.filter((s) => s < config.livenessThreshold).length;
  log(
    `liveness: enrolment gate (${config.livenessGateThreshold}${config.livenessGate ? '' : ', off in this configuration'}) rejects ${gateRejected} of ${analysed} bona fide photos (${analysed ? ((100 * gateRejected) / analysed).toFixed(2) : '-'}%); below the /liveness threshold ${config.livenessThreshold}: ${belowEndpoint} (${analysed ? ((100 * belowEndpoint) / analysed).toFixed(2) : '-'}%)`,
  );

  // ---- scoring: unprotected cosine on all (or sampled) pairs, identity tokens on a sample
  const rand = rng(SEED);
  const gen = genuinePairs(person, opts.maxGenuine, rand);
  const impostorTotal = impostorPairCount(person);
  const impostorAll = impostorTotal <= opts.maxImpostors;
  const nImp = impostorAll ? impostorTotal : opts.maxImpostors;
  const scoreBar = new Progress('scoring (unprotected)', gen.pairs.length / 2 + nImp, 'pairs');
  const genuineScores = sortedScores(scorePairs(gallery, gen.pairs, (n) => scoreBar.tick(n)));
  const impostorScores = sortedScores(
    impostorAll
      ? scoreAllImpostors(gallery, impostorTotal, (n) => scoreBar.tick(n))
      : scorePairs(gallery, sampleImpostorPairs(person, nImp, rand), (n) => scoreBar.tick(n)),
  );
  timings['unprotected scoring'] = scoreBar.finish();
  log(
    `unprotected: ${genuineScores.length} genuine pairs${gen.sampled ? ` (seeded sample of ${gen.total})` : ''}, ${impostorScores.length} impostor pairs${impostorAll ? '' : ` (seeded sample of ${impostorTotal})`} in ${timings['unprotected scoring'].toFixed(1)} s`,
  );

  const codes = distinctCodes(TOKEN_LEVELS.map((l) => codeForLevel(l.level)));
  const nPg = Math.min(opts.maxProtectedGenuine, gen.pairs.length / 2);
  const nPi = Math.min(opts.maxProtectedImpostors, impostorTotal);
  const trials = new Int32Array(2 * (nPg + nPi));
  {
    const prand = rng(SEED + 1);
    // genuine: a seeded subset of the genuine pairs (partial Fisher-Yates), either photo enrolled
    const idx = Int32Array.from({ length: gen.pairs.length / 2 }, (_, k) => k);
    for (let k = 0; k < nPg; k++) {
      const j = k + Math.floor(prand() * (idx.length - k));
      [idx[k], idx[j]] = [idx[j], idx[k]];
      const swap = prand() < 0.5 ? 1 : 0;
      trials[2 * k] = gen.pairs[2 * idx[k] + swap];
      trials[2 * k + 1] = gen.pairs[2 * idx[k] + 1 - swap];
    }
    const imp = sampleImpostorPairs(person, nPi, prand);
    for (let k = 0; k < nPi; k++) {
      const swap = prand() < 0.5 ? 1 : 0;
      trials[2 * (nPg + k)] = imp[2 * k + swap];
      trials[2 * (nPg + k) + 1] = imp[2 * k + 1 - swap];
    }
  }
  const protBar = new Progress('scoring (identity tokens)', nPg + nPi, 'trials');
  const scores = await protectedScores({ embeddings: gallery.embeddings, dim, codes }, trials, opts.workers, (n) => protBar.tick(n));
  timings['protected scoring'] = protBar.finish();
  const protectedByK = new Map<number, ProtectedScores>();
  codes.forEach((code, c) => {
    const pick = (from: number, n: number) =>
      sortedScores(Float64Array.from({ length: n }, (_, k) => scores[(from + k) * codes.length + c]));
    protectedByK.set(code.k, { genuine: pick(0, nPg), impostor: pick(nPg, nPi) });
  });
  scores.fill(0);
  log(
    `identity tokens (version 2, codes K = ${codes.map((c) => c.k).join(', ')}): ${nPg} genuine and ${nPi} impostor trials in ${timings['protected scoring'].toFixed(1)} s`,
  );
  gallery.embeddings.fill(0);

  // ---- levels
  const levels: LevelResult[] = calibrateLevels(
    ACCURACY_LEVELS.map((l) => {
      const tl = TOKEN_LEVELS.find((x) => x.level === l.level)!;
      return { level: l.level, targetFmr: l.targetFmr, builtinMatch: l.threshold, builtinToken: tl.threshold, k: tl.k };
    }),
    genuineScores,
    impostorScores,
    protectedByK,
  );
  const f4 = (x: number | null): string => (x === null ? '   -  ' : x.toFixed(4));
  const r = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '   -    ' : x.toExponential(2));
  const p = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '   -  ' : `${(100 * x).toFixed(2)}%`.padStart(6));
  log('\nlevel target  built-in match: FMR     FNMR   | token: FMR     FNMR   | calibrated match  token   FNMR    | status');
  for (const l of levels) {
    log(
      `  ${l.level}   ${l.targetFmr.toExponential(0)}   ${l.builtinMatch.toFixed(4)}  ${r(l.builtin.fmr)} ${p(l.builtin.fnmr)} | ${l.builtinToken.toFixed(4)} ${r(l.builtin.protectedFmr)} ${p(l.builtin.protectedFnmr)} | ${f4(l.matchThreshold)}  ${f4(l.tokenThreshold)}  ${p(l.atCalibrated?.fnmr)}  | ${
        l.calibrated
          ? `calibrated${l.protectedCalibrated ? (l.protectedQuantile === null ? ' (protected: key recovery suffices)' : ` (protected quantile ${l.protectedQuantile.toFixed(4)})`) : ' (too few protected trials: unprotected only)'}${l.raised.length ? `; raised for monotonicity: ${l.raised.join(', ')}` : ''}`
          : l.reason
      }`,
    );
  }

  // ---- outputs: aggregate numbers only
  const createdAt = new Date().toISOString();
  const body: Omit<CalibrationFile, 'sha256'> = {
    format: CALIBRATION_FORMAT,
    created_at: createdAt,
    provenance: {
      tool: 'facenition evaluate',
      version,
      data_label: opts.label,
      data_digest: digest,
      people,
      photos: photos.length,
      analysed,
      genuine_pairs: genuineScores.length,
      impostor_pairs: impostorScores.length,
      protected_impostor_trials: nPi,
      models: { ...MODEL_MANIFEST },
    },
    levels: levels.map((l) => ({
      level: l.level,
      target_fmr: l.targetFmr,
      calibrated: l.calibrated,
      match_threshold: l.matchThreshold,
      token_threshold: l.tokenThreshold,
      builtin_match_threshold: l.builtinMatch,
      builtin_token_threshold: l.builtinToken,
      impostor_pairs: impostorScores.length,
      fnmr_at_threshold: l.fnmrAtThreshold,
      reason: l.reason,
    })),
  };
  const doc = CalibrationFileSchema.parse({ ...body, sha256: calibrationDigest(body) });
  writeFileSync(join(opts.out, 'calibration.json'), `${JSON.stringify(doc, null, 2)}\n`);

  t = performance.now();
  const l4 = TOKEN_LEVELS.find((l) => l.level === 4)!;
  const prot4 = protectedByK.get(l4.k)!;
  const shown = [1, 4, 8].map((lv) => TOKEN_LEVELS.find((l) => l.level === lv)!);
  const data: ReportData = {
    label: opts.label,
    createdAt,
    version,
    dataDigest: digest,
    people,
    photos: photos.length,
    ignoredFiles: ignored,
    analysed,
    fte,
    lowQualityByComponent,
    liveness: {
      gateOn: config.livenessGate,
      gateThreshold: config.livenessGateThreshold,
      rejected: gateRejected,
      checked: analysed,
      endpointThreshold: config.livenessThreshold,
      belowEndpoint,
    },
    genuinePairs: genuineScores.length,
    genuineTotal: gen.total,
    impostorPairs: impostorScores.length,
    impostorTotal,
    protectedGenuineTrials: nPg,
    protectedImpostorTrials: nPi,
    minComponent: config.enrolMinComponent,
    workers: opts.workers,
    timings,
    levels,
    histograms: [
      { name: 'unprotected', set: 'genuine', ...histogram(genuineScores), total: genuineScores.length },
      { name: 'unprotected', set: 'impostor', ...histogram(impostorScores), total: impostorScores.length },
      { name: `level-4 tokens, K = ${l4.k}`, set: 'genuine', ...histogram(prot4.genuine), total: prot4.genuine.length },
      { name: `level-4 tokens, K = ${l4.k}`, set: 'impostor', ...histogram(prot4.impostor), total: prot4.impostor.length },
    ],
    curves: [
      { name: 'unprotected cosine', points: curve(genuineScores, impostorScores) },
      ...shown.map((l) => ({
        name: `tokens, level ${l.level} code (K = ${l.k})`,
        points: curve(protectedByK.get(l.k)!.genuine, protectedByK.get(l.k)!.impostor),
      })),
    ],
    models: { ...MODEL_MANIFEST },
  };
  writeFileSync(join(opts.out, 'report.html'), await renderReport(data));
  timings.report = (performance.now() - t) / 1000;
  log(
    `\nwrote report.html and calibration.json (sha256 ${doc.sha256.slice(0, 16)}…) in ${opts.out}; ${analysedPeople} people with enrolable photos`,
  );
  return 0;
}

/** `npm run evaluate -- --data <folder>`: exit 0 done, 1 an operator error (message on stderr), 2 a wrong command line. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await evaluate(argv);
  } catch (e) {
    const parseArgsError = typeof e === 'object' && e !== null && /^ERR_PARSE_ARGS_/.test(String((e as NodeJS.ErrnoException).code));
    if (e instanceof UsageError || parseArgsError) {
      console.error(`error: ${(e as Error).message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof CliFailure || e instanceof ConfigError || e instanceof ModelIntegrityError) {
      console.error(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) runAsProgram('evaluate', main);
