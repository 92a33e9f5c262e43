import { createHash } from 'node:crypto';
import {
  CALIBRATION_FORMAT,
  calibrationDigest,
  CalibrationFileSchema,
  canonicalJson,
  parseCalibrationFile,
  type CalibrationFile,
} from './calibration-file';
import { MODEL_MANIFEST } from './models';
import { ACCURACY_LEVELS } from './thresholds';

function document(): CalibrationFile {
  const doc: Omit<CalibrationFile, 'sha256'> = {
    format: CALIBRATION_FORMAT,
    created_at: '2026-12-01T10:00:00.000Z',
    provenance: {
      tool: 'facenition evaluate',
      version: '0.1.0',
      data_label: 'lfw',
      data_digest: 'ab'.repeat(32),
      people: 10,
      photos: 40,
      analysed: 39,
      genuine_pairs: 60,
      impostor_pairs: 700,
      protected_impostor_trials: 0,
      models: { 'fr_feature.onnx': MODEL_MANIFEST['fr_feature.onnx'] },
    },
    levels: ACCURACY_LEVELS.map((b) =>
      b.level <= 2
        ? {
            level: b.level,
            target_fmr: b.targetFmr,
            calibrated: true,
            match_threshold: b.threshold + 0.01,
            token_threshold: b.threshold + 0.02,
            builtin_match_threshold: b.threshold,
            builtin_token_threshold: b.threshold,
            impostor_pairs: 700,
            fnmr_at_threshold: 0.05,
            reason: null,
          }
        : {
            level: b.level,
            target_fmr: b.targetFmr,
            calibrated: false,
            match_threshold: null,
            token_threshold: null,
            builtin_match_threshold: b.threshold,
            builtin_token_threshold: b.threshold,
            impostor_pairs: 700,
            fnmr_at_threshold: null,
            reason: 'too few impostor pairs for the target',
          },
    ),
  };
  return { ...doc, sha256: calibrationDigest(doc) };
}

/** The document's JSON with its digest recomputed, so only the schema can object. */
const resealed = (doc: Record<string, unknown>): string => JSON.stringify({ ...doc, sha256: calibrationDigest(doc) });

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops whitespace and writes numbers as JSON.stringify does', () => {
    expect(canonicalJson({ b: [1e-2, { y: true, x: null }], a: 'é', c: 3e-6 })).toBe(
      '{"a":"é","b":[0.01,{"x":null,"y":true}],"c":0.000003}',
    );
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/not a JSON number/);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(/not a JSON number/);
  });
});

describe('calibrationDigest', () => {
  it('is the SHA-256 of the canonical JSON without the sha256 key', () => {
    const doc = document();
    const rest: Partial<CalibrationFile> = { ...doc };
    delete rest.sha256;
    expect(doc.sha256).toBe(createHash('sha256').update(canonicalJson(rest)).digest('hex'));
    expect(calibrationDigest({ ...doc, sha256: 'f'.repeat(64) })).toBe(doc.sha256);
  });

  it('is stable under key reordering and whitespace', () => {
    const doc = document();
    const reversed = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reversed)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v as Record<string, unknown>)
                .reverse()
                .map(([k, x]) => [k, reversed(x)]),
            )
          : v;
    const text = JSON.stringify(reversed(doc), null, 3);
    expect(Object.keys(JSON.parse(text) as object)[0]).toBe('sha256');
    expect(calibrationDigest(JSON.parse(text) as object)).toBe(doc.sha256);
    expect(parseCalibrationFile(text)).toEqual(doc);
  });
});

describe('parseCalibrationFile', () => {
  it('takes a well-formed, untouched file', () => {
    const doc = document();
    expect(parseCalibrationFile(JSON.stringify(doc, null, 2))).toEqual(doc);
    expect(CalibrationFileSchema.safeParse(doc).success).toBe(true);
  });

  it('refuses a tampered threshold: digest mismatch', () => {
    const doc = document();
    doc.levels[1].match_threshold = 0.1;
    expect(() => parseCalibrationFile(JSON.stringify(doc))).toThrow(/digest mismatch: sha256 says [0-9a-f]{64} but the content hashes to/);
  });

  it('refuses a changed label or a removed digest', () => {
    const doc = document();
    expect(() => parseCalibrationFile(JSON.stringify({ ...doc, provenance: { ...doc.provenance, data_label: 'mine' } }))).toThrow(
      /digest mismatch/,
    );
    const unsealed: Partial<CalibrationFile> = { ...doc };
    delete unsealed.sha256;
    expect(() => parseCalibrationFile(JSON.stringify(unsealed))).toThrow(/sha256: /);
  });

  it('refuses what is not a calibration file', () => {
    expect(() => parseCalibrationFile('{"format": ')).toThrow(/not JSON/);
    expect(() => parseCalibrationFile('[1]')).toThrow(/not a JSON object/);
    expect(() => parseCalibrationFile(JSON.stringify({ format: 'facenition-license/1' }))).toThrow(
      /not a calibration file of format facenition-calibration\/1 \(format: "facenition-license\/1"\)/,
    );
  });

  it('names each schema problem by its path', () => {
    const doc = document() as unknown as { levels: Record<string, unknown>[] } & Record<string, unknown>;
    const cases: [(d: typeof doc) => void, RegExp][] = [
      [(d) => (d.levels[0].match_threshold = 1.5), /levels\.0\.match_threshold: must be in \[-1, 1\]/],
      [(d) => (d.levels[0].token_threshold = null), /levels\.0\.token_threshold: must be a number when calibrated is true/],
      [(d) => (d.levels[5].match_threshold = 0.5), /levels\.5\.match_threshold: must be null when calibrated is false/],
      [(d) => (d.levels[5].reason = null), /levels\.5\.reason: must say why/],
      [(d) => (d.levels[3].target_fmr = 0.001), /levels\.3\.target_fmr: must be 0\.0001, the target false-match rate of level 4/],
      [(d) => (d.levels[7].level = 1), /levels: must hold levels 1\.\.8 once each \(missing: 8\)/],
      [(d) => d.levels.pop(), /levels: must hold levels 1\.\.8, once each/],
      [(d) => (d.levels[2].extra = 1), /levels\.2: Unrecognized key: "extra"/],
      [(d) => (d.created_at = '2026-12-01 10:00'), /created_at: must be an ISO-8601 UTC timestamp/],
      [(d) => ((d.provenance as Record<string, unknown>).models = {}), /provenance\.models: must name the models/],
      [(d) => ((d.provenance as Record<string, unknown>).data_digest = 'xyz'), /provenance\.data_digest: must be 64 lower-case hex/],
      [(d) => ((d.provenance as Record<string, unknown>).people = -1), /provenance\.people: /],
      [(d) => (d.note = 'hi'), /\(file\): Unrecognized key: "note"/],
    ];
    for (const [change, message] of cases) {
      const d = structuredClone(doc);
      change(d);
      expect(() => parseCalibrationFile(resealed(d))).toThrow(message);
    }
  });
});
