import { readFileSync } from 'node:fs';
import { ACCURACY_LEVELS, MODEL_MANIFEST, parseCalibrationFile, type CalibrationFile } from '@facenition/face';
import { TOKEN_LEVELS } from '@facenition/tokenisation';
import { ConfigError } from '../config';

const VARIABLE = 'FACENITION_CALIBRATION_FILE';
/** A calibration file is a few KiB; anything this large is not one. */
const MAX_BYTES = 1024 * 1024;

/** Which calibration produced a level's thresholds. */
export type CalibrationSource = { calibration: 'builtin' } | { calibration: string; data_label: string; created_at: string };

export interface LevelThresholds {
  level: number;
  match: number;
  token: number;
  source: CalibrationSource;
}

/** A loaded calibration file with the effective table it yields (built-in thresholds where a level is not calibrated). */
export interface ActiveCalibration {
  file: string;
  sha256: string;
  /** First 16 hex characters of sha256: what answers report as `calibration`. */
  id: string;
  dataLabel: string;
  createdAt: string;
  calibratedLevels: number[];
  levels: LevelThresholds[];
}

const BUILTIN: CalibrationSource = { calibration: 'builtin' };

/** The thresholds the server runs without a calibration file (libs/face and libs/tokenisation). */
export function builtinLevels(): LevelThresholds[] {
  return ACCURACY_LEVELS.map((a) => {
    const t = TOKEN_LEVELS.find((l) => l.level === a.level)!;
    return { level: a.level, match: a.threshold, token: t.threshold, source: BUILTIN };
  });
}

const fail = (file: string, why: string): never => {
  throw new ConfigError(`invalid configuration: ${VARIABLE}: ${file}: ${why}`);
};

/** The models the calibration was made with must be the ones this server runs (a threshold is a property of the embedding model). */
function checkModels(file: string, doc: CalibrationFile): void {
  const problems = Object.entries(doc.provenance.models).flatMap(([name, sha]) => {
    const pinned = MODEL_MANIFEST[name];
    if (pinned === undefined) return [`${name} (not a model of this server)`];
    return sha === pinned ? [] : [`${name} (calibrated with SHA-256 ${sha}, this server runs ${pinned})`];
  });
  if (!('fr_feature.onnx' in doc.provenance.models))
    problems.push('fr_feature.onnx (the embedding model) is not named in provenance.models');
  if (problems.length) fail(file, `it was made with other models than this server's: ${problems.join('; ')}`);
}

/** Thresholds must not decrease with the level: a higher level is never more permissive than a lower one. */
function checkMonotone(file: string, levels: LevelThresholds[]): void {
  const problems: string[] = [];
  for (const kind of ['match', 'token'] as const) {
    for (let i = 1; i < levels.length; i++) {
      const [lo, hi] = [levels[i - 1], levels[i]];
      if (hi[kind] < lo[kind]) {
        const src = (l: LevelThresholds) => (l.source.calibration === 'builtin' ? 'built-in' : 'calibrated');
        problems.push(
          `${kind} threshold of level ${hi.level} (${hi[kind]}, ${src(hi)}) is below level ${lo.level}'s (${lo[kind]}, ${src(lo)})`,
        );
      }
    }
  }
  if (problems.length) fail(file, `thresholds must not decrease with the level: ${problems.join('; ')}`);
}

/**
 * Reads FACENITION_CALIBRATION_FILE and yields the effective table: the file's thresholds for its
 * calibrated levels, the built-in ones elsewhere. Throws a ConfigError naming the variable, the
 * file and the cause: unreadable, malformed, digest mismatch, other models, or a table whose
 * thresholds decrease with the level.
 */
export function loadCalibration(file: string): ActiveCalibration {
  let text = '';
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_BYTES) fail(file, `is ${bytes.length} bytes: not a calibration file`);
    text = bytes.toString('utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    fail(file, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`);
  }
  let doc: CalibrationFile;
  try {
    doc = parseCalibrationFile(text);
  } catch (err) {
    return fail(file, err instanceof Error ? err.message : String(err));
  }
  checkModels(file, doc);
  const id = doc.sha256.slice(0, 16);
  const source: CalibrationSource = { calibration: id, data_label: doc.provenance.data_label, created_at: doc.created_at };
  const levels = builtinLevels().map((b) => {
    const c = doc.levels.find((l) => l.level === b.level)!;
    return c.calibrated ? { level: b.level, match: c.match_threshold!, token: c.token_threshold!, source } : b;
  });
  checkMonotone(file, levels);
  return {
    file,
    sha256: doc.sha256,
    id,
    dataLabel: doc.provenance.data_label,
    createdAt: doc.created_at,
    calibratedLevels: levels.filter((l) => l.source !== BUILTIN).map((l) => l.level),
    levels,
  };
}
