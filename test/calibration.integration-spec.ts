import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACCURACY_LEVELS, CALIBRATION_FORMAT, calibrationDigest, MODEL_MANIFEST, type CalibrationFile } from '@facenition/face';
import { TOKEN_LEVELS } from '@facenition/tokenisation';
import { fixture } from './support/images';
import { testDatabase, type TestDatabase } from './support/database';
import { startServerProcess, stopServerProcess, type ServerProcess } from './support/server-process';

jest.setTimeout(300_000);

const ADMIN = 'calibration-test-admin-token-0123456789';
const PEPPER = Buffer.alloc(32, 7).toString('base64');

/**
 * Levels 1-2 calibrated below the built-in thresholds, level 3 left built-in, levels 4-8 calibrated
 * far above them (0.9 .. 0.98): non-decreasing across the effective table.
 */
const CALIBRATED: Record<number, { match: number; token: number }> = {
  1: { match: 0.2, token: 0.21 },
  2: { match: 0.25, token: 0.26 },
  4: { match: 0.9, token: 0.9 },
  5: { match: 0.92, token: 0.92 },
  6: { match: 0.94, token: 0.94 },
  7: { match: 0.96, token: 0.96 },
  8: { match: 0.98, token: 0.98 },
};

/** A calibration document as `npm run evaluate` writes it; `edit` changes it before it is sealed (sha256). */
function calibration(edit: (d: Omit<CalibrationFile, 'sha256'>) => void = () => undefined): CalibrationFile {
  const doc: Omit<CalibrationFile, 'sha256'> = {
    format: CALIBRATION_FORMAT,
    created_at: '2026-12-01T10:00:00.000Z',
    provenance: {
      tool: 'facenition evaluate',
      version: '0.1.0',
      data_label: 'site-photos',
      data_digest: 'cd'.repeat(32),
      people: 120,
      photos: 600,
      analysed: 598,
      genuine_pairs: 1200,
      impostor_pairs: 170_000,
      protected_impostor_trials: 0,
      models: { ...MODEL_MANIFEST },
    },
    levels: ACCURACY_LEVELS.map((b) => {
      const c = CALIBRATED[b.level];
      const builtinToken = TOKEN_LEVELS[b.level - 1].threshold;
      const common = {
        level: b.level,
        target_fmr: b.targetFmr,
        builtin_match_threshold: b.threshold,
        builtin_token_threshold: builtinToken,
        impostor_pairs: 170_000,
      };
      return c
        ? { ...common, calibrated: true, match_threshold: c.match, token_threshold: c.token, fnmr_at_threshold: 0.02, reason: null }
        : { ...common, calibrated: false, match_threshold: null, token_threshold: null, fnmr_at_threshold: null, reason: 'left built-in' };
    }),
  };
  edit(doc);
  return { ...doc, sha256: calibrationDigest(doc) };
}

describe('FACENITION_CALIBRATION_FILE: per-deployment thresholds (real server processes, real models)', () => {
  let dir: string;
  let dataDir: string;
  let db: TestDatabase;
  let server: ServerProcess | undefined;
  let env: Record<string, string>;
  let client = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'facenition-calibration-'));
    dataDir = join(dir, 'data');
    db = await testDatabase();
    env = {
      FACENITION_DATA_DIR: dataDir,
      FACENITION_ADMIN_TOKEN: ADMIN,
      FACENITION_PEPPER: PEPPER,
      FACENITION_KDF_LOG2N: '12',
      FACENITION_WORKERS: '1',
      FACENITION_LOG_LEVEL: 'log',
      // news photos are often re-photographed prints: the liveness gate is not what this suite tests
      FACENITION_LIVENESS_GATE: 'off',
      FACENITION_LOCKOUT_THRESHOLD: '100',
      ...(db.url ? { DATABASE_URL: db.url } : {}),
    };
  });
  afterEach(async () => {
    if (server) await stopServerProcess(server);
    server = undefined;
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (path: string, body?: Record<string, unknown>, token = client) => {
    const r = await fetch(`${server!.base}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { 'x-auth-token': token, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await r.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect([path, r.status, json.error]).toEqual([path, 200, undefined]);
    return json;
  };
  const photo = (name: string) => fixture(name).toString('base64');
  const match = (accuracy: number) =>
    call('/match', { image1: photo('George_W_Bush_0001'), image2: photo('George_W_Bush_0002'), accuracy });
  const secrets = { password: 'calibration test password', scope: 'calibration.example/login' };
  const score = (token: string, accuracy: number) =>
    call('/authenticate-score', { ...secrets, token, photo: photo('George_W_Bush_0002'), accuracy });

  let identityToken = '';
  let similarity = 0;

  it('without a file every answer says calibration "builtin" (and a token is enrolled for later)', async () => {
    server = await startServerProcess(env);
    client = (await call('/generateToken', { name: 'calibration tests', plan: 'enterprise' }, ADMIN)).client_token as string;

    const m = await match(4);
    expect(m).toMatchObject({ match: true, threshold: 0.4182, calibration: 'builtin', accuracy: 4 });
    similarity = m.similarity as number;
    // the pair the calibrated level 4 must refuse: it clears the built-in threshold by far, not 0.9
    expect(similarity).toBeLessThan(0.9);

    const bulk = await call('/match-bulk', { probe: photo('Tony_Blair_0001'), references: [photo('Tony_Blair_0002')], accuracy: 4 });
    expect(bulk).toMatchObject({ threshold: 0.4182, calibration: 'builtin' });
    const consistency = await call('/consistency-check', { images: [photo('Colin_Powell_0001'), photo('Colin_Powell_0002')], accuracy: 4 });
    expect(consistency).toMatchObject({ consistent: true, threshold: 0.4182, calibration: 'builtin' });

    identityToken = (await call('/generate', { ...secrets, photo: photo('George_W_Bush_0001'), accuracy: 1 })).token as string;
    expect(await score(identityToken, 4)).toMatchObject({ authenticated: true, threshold: 0.4182, calibration: 'builtin' });
    expect(await score(identityToken, 1)).toMatchObject({ authenticated: true, threshold: 0.248, calibration: 'builtin' });
    expect(server.stdout.join('')).not.toMatch(/calibration .* \(sha256/);
  });

  it('with a file: calibrated levels report and apply its thresholds, the others stay built-in; old tokens still verify', async () => {
    const doc = calibration();
    const id = doc.sha256.slice(0, 16);
    const file = join(dir, 'calibration.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    server = await startServerProcess({ ...env, FACENITION_CALIBRATION_FILE: file });

    // /match at a calibrated level: the new threshold decides, and the answer names the calibration
    const m4 = await match(4);
    expect(m4).toMatchObject({ match: false, threshold: 0.9, calibration: id, accuracy: 4, similarity });
    const m1 = await match(1);
    expect(m1).toMatchObject({ match: true, threshold: 0.2, calibration: id });
    // an uncalibrated level keeps its built-in threshold
    expect(await match(3)).toMatchObject({ match: true, threshold: 0.3403, calibration: 'builtin' });

    const bulk = await call('/match-bulk', { probe: photo('Tony_Blair_0001'), references: [photo('Tony_Blair_0002')], accuracy: 4 });
    expect(bulk).toMatchObject({ threshold: 0.9, calibration: id, best_match: null });
    const consistency = await call('/consistency-check', { images: [photo('Colin_Powell_0001'), photo('Colin_Powell_0002')], accuracy: 5 });
    expect(consistency).toMatchObject({ consistent: false, threshold: 0.92, calibration: id });
    expect(
      await call('/consistency-check', { images: [photo('Colin_Powell_0001'), photo('Colin_Powell_0002')], accuracy: 3 }),
    ).toMatchObject({ consistent: true, threshold: 0.3403, calibration: 'builtin' });

    // the token enrolled before the calibration still verifies wherever its score clears the threshold
    const s1 = await score(identityToken, 1);
    expect(s1).toMatchObject({ authenticated: true, threshold: 0.21, calibration: id, accuracy: 1 });
    expect(await score(identityToken, 3)).toMatchObject({ authenticated: true, threshold: 0.3408, calibration: 'builtin', accuracy: 3 });
    expect(s1.score).toBeLessThan(0.9);
    expect(await score(identityToken, 4)).toMatchObject({
      authenticated: false,
      reason: 'no_match',
      score: null,
      threshold: 0.9,
      calibration: id,
      accuracy: 4,
    });
    // ... and /authenticate (no score in the answer) agrees
    expect(await call('/authenticate', { ...secrets, token: identityToken, photo: photo('George_W_Bush_0002') })).toEqual({
      ok: true,
      authenticated: true,
    });

    // one log line at start: file, digest, label, calibrated levels, old -> new thresholds
    const line = server.stdout
      .join('')
      .split('\n')
      .find((l) => l.includes(`sha256 ${doc.sha256}`));
    expect(line).toBeDefined();
    expect(line).toContain(file);
    expect(line).toContain('data_label "site-photos"');
    expect(line).toContain('calibrated levels 1,2,4,5,6,7,8');
    expect(line).toContain('4: match 0.4182 -> 0.9, token 0.4182 -> 0.9');

    // one audit record of the start, with the digest, label and levels, in a chain that verifies
    const audit = await call('/admin/audit?endpoint=/system/calibration.loaded', undefined, ADMIN);
    expect(audit.records).toHaveLength(1);
    expect(audit.records[0]).toMatchObject({ client_id: null, status: 200, endpoint: '/system/calibration.loaded' });
    expect(JSON.parse(audit.records[0].decision as string)).toEqual({
      sha256: doc.sha256,
      data_label: 'site-photos',
      created_at: doc.created_at,
      levels: [1, 2, 4, 5, 6, 7, 8],
    });
    expect(await call('/admin/audit/verify', undefined, ADMIN)).toMatchObject({ ok: true });
  });

  describe('a file that cannot be used stops the start, naming FACENITION_CALIBRATION_FILE and the cause', () => {
    const refused = async (name: string, text: string | undefined, cause: RegExp) => {
      const file = join(dir, name);
      if (text !== undefined) writeFileSync(file, text);
      const failing = { ...env, FACENITION_DATA_DIR: mkdtempSync(join(dir, 'refused-')), FACENITION_CALIBRATION_FILE: file };
      const err = (await startServerProcess(failing).then(
        (s) => {
          server = s;
          return undefined;
        },
        (e: unknown) => e,
      )) as Error | undefined;
      expect(err).toBeDefined();
      expect(err!.message).toMatch(/^server exited with 1: /);
      expect(err!.message).toContain(`Facenition failed to start: invalid configuration: FACENITION_CALIBRATION_FILE: ${file}: `);
      expect(err!.message).toMatch(cause);
    };

    it('a tampered threshold (digest mismatch)', async () => {
      const doc = calibration();
      doc.levels[3].match_threshold = 0.3;
      await refused(
        'tampered.json',
        JSON.stringify(doc),
        /digest mismatch: sha256 says [0-9a-f]{64} but the content hashes to [0-9a-f]{64}/,
      );
    });

    it('a calibration made with other models', async () => {
      const doc = calibration((d) => {
        d.provenance.models['fr_feature.onnx'] = 'e'.repeat(64);
      });
      await refused(
        'models.json',
        JSON.stringify(doc),
        new RegExp(
          `other models than this server's: fr_feature\\.onnx \\(calibrated with SHA-256 e{64}, this server runs ${MODEL_MANIFEST['fr_feature.onnx']}\\)`,
        ),
      );
    });

    it('a table whose thresholds decrease with the level', async () => {
      const doc = calibration((d) => {
        for (const l of d.levels.filter((x) => x.level >= 5))
          Object.assign(l, { calibrated: false, match_threshold: null, token_threshold: null, reason: 'too few pairs' });
      });
      await refused(
        'non-monotone.json',
        JSON.stringify(doc),
        /must not decrease with the level: match threshold of level 5 \(0\.4547, built-in\) is below level 4's \(0\.9, calibrated\)/,
      );
    });

    it('a missing file, and one that is not a calibration file', async () => {
      await refused('missing.json', undefined, /missing\.json: does not exist$/m);
      await refused('schema.json', JSON.stringify({ ...calibration(), levels: [] }), /invalid calibration file: levels: /);
    });
  });
});
