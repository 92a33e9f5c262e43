import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ACCURACY_LEVELS } from './thresholds';

/**
 * A per-deployment calibration of the accuracy levels (`npm run evaluate` writes it, the server
 * takes it from FACENITION_CALIBRATION_FILE): for each level, the match and token thresholds that
 * reach the level's target false-match rate on the deployment's own photos.
 *
 * `sha256` is the SHA-256 (hex) of canonicalJson of the document without its `sha256` key, so an
 * edit after the file was written (a threshold moved by hand) is detected.
 */
export const CALIBRATION_FORMAT = 'facenition-calibration/1';

/**
 * Keys sorted (by UTF-16 code units, as Array.prototype.sort) at every depth, no whitespace,
 * strings and numbers as JSON.stringify writes them. Keys whose value is undefined are left out,
 * as JSON.stringify does; non-finite numbers and other non-JSON values are refused.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
}

/** SHA-256 (hex) of the canonical JSON of `doc` without its `sha256` key: what `sha256` must hold. */
export function calibrationDigest(doc: object): string {
  const rest: Record<string, unknown> = { ...(doc as Record<string, unknown>) };
  delete rest.sha256;
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const sha256Hex = z.string().regex(SHA256_HEX, 'must be 64 lower-case hex characters (a SHA-256)');
const count = z.number().int().min(0);
const label = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !CONTROL_CHARS.test(s), 'must not contain control characters');
const cosine = z.number().min(-1, 'must be in [-1, 1]').max(1, 'must be in [-1, 1]');

const LevelSchema = z
  .strictObject({
    level: z.number().int().min(1).max(8),
    target_fmr: z.number().positive().max(1),
    calibrated: z.boolean(),
    match_threshold: cosine.nullable(),
    token_threshold: cosine.nullable(),
    builtin_match_threshold: cosine,
    builtin_token_threshold: cosine,
    impostor_pairs: count,
    fnmr_at_threshold: z.number().min(0).max(1).nullable(),
    reason: z.string().max(1000).nullable(),
  })
  .superRefine((l, ctx) => {
    const builtin = ACCURACY_LEVELS.find((b) => b.level === l.level);
    if (builtin && l.target_fmr !== builtin.targetFmr)
      ctx.addIssue({
        code: 'custom',
        path: ['target_fmr'],
        message: `must be ${builtin.targetFmr}, the target false-match rate of level ${l.level}`,
      });
    for (const key of ['match_threshold', 'token_threshold'] as const) {
      if (l.calibrated && l[key] === null)
        ctx.addIssue({ code: 'custom', path: [key], message: 'must be a number when calibrated is true' });
      if (!l.calibrated && l[key] !== null) ctx.addIssue({ code: 'custom', path: [key], message: 'must be null when calibrated is false' });
    }
    if (!l.calibrated && !l.reason?.trim())
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'must say why the level was not calibrated' });
  });

export const CalibrationFileSchema = z.strictObject({
  format: z.literal(CALIBRATION_FORMAT, { error: `must be "${CALIBRATION_FORMAT}"` }),
  created_at: z.iso.datetime({ error: 'must be an ISO-8601 UTC timestamp such as 2026-01-01T00:00:00Z' }),
  provenance: z.strictObject({
    tool: label,
    version: label,
    data_label: label,
    data_digest: sha256Hex,
    people: count,
    photos: count,
    analysed: count,
    genuine_pairs: count,
    impostor_pairs: count,
    protected_impostor_trials: count,
    models: z
      .record(z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a model file name'), sha256Hex)
      .refine((m) => Object.keys(m).length > 0, 'must name the models the calibration was made with'),
  }),
  levels: z
    .array(LevelSchema)
    .length(8, 'must hold levels 1..8, once each')
    .superRefine((levels, ctx) => {
      const seen = levels.map((l) => l.level);
      const missing = ACCURACY_LEVELS.map((b) => b.level).filter((n) => !seen.includes(n));
      if (missing.length) ctx.addIssue({ code: 'custom', message: `must hold levels 1..8 once each (missing: ${missing.join(', ')})` });
    }),
  sha256: sha256Hex,
});

export type CalibrationFile = z.infer<typeof CalibrationFileSchema>;

/**
 * Parses and checks a calibration file's text: JSON, the schema (every problem named by its path),
 * then the digest. Throws an Error whose message says what is wrong.
 */
export function parseCalibrationFile(text: string): CalibrationFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`not a calibration file: not JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('not a calibration file: not a JSON object');
  const format = (raw as { format?: unknown }).format;
  if (format !== CALIBRATION_FORMAT) {
    throw new Error(`not a calibration file of format ${CALIBRATION_FORMAT} (format: ${JSON.stringify(format) ?? 'missing'})`);
  }
  const parsed = CalibrationFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 8).map((i) => `${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`);
    const more = parsed.error.issues.length > 8 ? `; and ${parsed.error.issues.length - 8} more` : '';
    throw new Error(`invalid calibration file: ${problems.join('; ')}${more}`);
  }
  const digest = calibrationDigest(raw);
  if (digest !== parsed.data.sha256) {
    throw new Error(
      `calibration file digest mismatch: sha256 says ${parsed.data.sha256} but the content hashes to ${digest} ` +
        '(the file was changed after it was written; run npm run evaluate again rather than editing it)',
    );
  }
  return parsed.data;
}
