import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import type { Browser, ConsoleMessage } from 'playwright-core';
import { calibrationDigest, CalibrationFileSchema, parseCalibrationFile, type CalibrationFile } from '@facenition/face';
import { launchBrowser } from './support/browser';

/**
 * `npm run evaluate` from the build (dist/apps/gateway/src/cli/evaluate.js, as in the air-gapped
 * bundle) on a small labelled set made from the fixtures, on the real models.
 */
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist/apps/gateway/src/cli/evaluate.js');
const FIXTURES = join(ROOT, 'test/fixtures');

describe('npm run evaluate (built CLI, real models)', () => {
  let dir: string;
  let data: string;
  let out: string;
  let stdout: string;
  let stderr: string;
  let status: number | null;
  const names: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'facenition-evaluate-'));
    data = join(dir, 'photos');
    out = join(dir, 'out');
    // Colin_Powell x4, George_W_Bush x2, Gerhard_Schroeder x2, Tony_Blair x2 and three people with one photo
    for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.jpg'))) {
      const person = file.replace(/_\d{4}\.jpg$/, '');
      mkdirSync(join(data, person), { recursive: true });
      copyFileSync(join(FIXTURES, file), join(data, person, file));
      names.push(file, person, person.replace(/_/g, ' '));
    }
    // a person whose photos cannot be enrolled: a solid-colour JPEG (no face) and a file that is no image
    mkdirSync(join(data, 'Nobody_Known'));
    await sharp({ create: { width: 320, height: 240, channels: 3, background: '#4a7bb0' } })
      .jpeg()
      .toFile(join(data, 'Nobody_Known', 'plain_wall.jpg'));
    writeFileSync(join(data, 'Nobody_Known', 'broken_file.jpg'), 'not a jpeg at all');
    writeFileSync(join(data, 'Nobody_Known', 'notes.txt'), 'ignored');
    names.push('Nobody_Known', 'Nobody Known', 'plain_wall', 'broken_file', 'notes.txt');
    const r = spawnSync(process.execPath, [CLI, '--data', data, '--out', out, '--label', 'fixture set', '--workers', '2'], {
      encoding: 'utf8',
      timeout: 110_000,
      env: { ...process.env, FACENITION_DATA_DIR: join(dir, 'server-data') },
    });
    ({ stdout, stderr, status } = r);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts the photos, the failures to enrol by cause, the pairs and the liveness rejections', () => {
    expect({ status, stderr: status === 0 ? '' : stderr }).toEqual({ status: 0, stderr: '' });
    expect(stdout).toContain('"fixture set": 15 photos of 8 people (1 other files ignored)');
    // one fixture shows two faces (a second face in the background): refused like an enrolment photo
    expect(stdout).toContain('failure to enrol: 3 (20.00%): unreadable 1, no face 1, several faces 1, quality below 30 0');
    expect(stdout).toMatch(/liveness: enrolment gate \(0\.1\) rejects \d+ of 12 bona fide photos/);
    // 12 enrolable photos: 8 same-person pairs, 66 - 8 cross-person pairs, all scored (below every cap)
    expect(stdout).toContain('unprotected: 8 genuine pairs, 58 impostor pairs');
    expect(stdout).toContain('8 genuine and 58 impostor trials');
    expect(stderr).toMatch(/analysis \[#{30}\] 15\/15 photos 100%/);
    expect(stderr).toMatch(/scoring \(unprotected\) \[#{30}\] 66\/66 pairs 100%/);
    expect(stderr).toMatch(/scoring \(identity tokens\) \[#{30}\] 66\/66 trials 100%/);
  });

  it('writes a calibration.json that validates, whose sha256 checks, with every level uncalibrated on 58 impostor pairs', () => {
    const doc: CalibrationFile = CalibrationFileSchema.parse(JSON.parse(readFileSync(join(out, 'calibration.json'), 'utf8')));
    // the server's loader (FACENITION_CALIBRATION_FILE) takes the file as written
    expect(parseCalibrationFile(readFileSync(join(out, 'calibration.json'), 'utf8')).sha256).toBe(doc.sha256);
    expect(calibrationDigest(doc)).toBe(doc.sha256);
    expect(doc.provenance).toMatchObject({
      tool: 'facenition evaluate',
      data_label: 'fixture set',
      people: 8,
      photos: 15,
      analysed: 12,
      genuine_pairs: 8,
      impostor_pairs: 58,
      protected_impostor_trials: 58,
    });
    expect(Object.keys(doc.provenance.models).sort()).toEqual(
      ['fr_detect.onnx', 'fr_eye.onnx', 'fr_feature.onnx', 'fr_landmark.onnx', 'fr_liveness.onnx', 'fr_pose.onnx'].sort(),
    );
    expect(doc.levels.map((l) => l.calibrated)).toEqual(new Array(8).fill(false));
    expect(doc.levels[0]).toMatchObject({
      match_threshold: null,
      token_threshold: null,
      builtin_match_threshold: 0.248,
      impostor_pairs: 58,
    });
    expect(doc.levels[0].reason).toBe('needs 1000 impostor pairs for a target FMR of 0.010 (at least 10 expected false matches), has 58');
    expect(doc.levels[3].reason).toMatch(/^needs 100000 impostor pairs/);
    // the fixtures' genuine pairs are all well above the level-1 threshold
    expect(doc.levels[0].fnmr_at_threshold).toBe(0);
    const tampered = { ...doc, provenance: { ...doc.provenance, analysed: 13 } };
    expect(calibrationDigest(tampered)).not.toBe(doc.sha256);
  });

  it('writes a self-contained report.html with inline SVG charts and nothing that names a photo or a person', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<link|@import|url\(/i);
    expect(html).toMatch(/<td>no face found<\/td><td>1<\/td>/);
    expect(html).toMatch(/<td>several faces<\/td><td>1<\/td>/);
    expect(html).toMatch(/<td>unreadable image[^<]*<\/td><td>1<\/td>/);
    const outputs = { html, calibration: readFileSync(join(out, 'calibration.json'), 'utf8'), stdout, stderr };
    for (const [what, text] of Object.entries(outputs)) {
      for (const name of names) expect({ what, name, found: text.includes(name) }).toEqual({ what, name, found: false });
      expect({ what, dataPath: text.includes(data) }).toEqual({ what, dataPath: false });
    }
    expect(readdirSync(out).sort()).toEqual(['calibration.json', 'report.html']);
  });

  describe('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('renders the charts with no console error and no request but the file itself', async () => {
      const file = pathToFileURL(join(out, 'report.html')).href;
      const page = await browser.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m: ConsoleMessage) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(file, { waitUntil: 'load' });
      // (a string: the specs compile without the DOM library)
      const charts = (await page.evaluate(
        `[...document.querySelectorAll('svg')].map((s) => { const b = s.getBoundingClientRect(); return { width: b.width, height: b.height, marks: s.querySelectorAll('path, rect, line').length }; })`,
      )) as { width: number; height: number; marks: number }[];
      expect(charts.length).toBeGreaterThanOrEqual(4);
      for (const c of charts) {
        expect(c.width).toBeGreaterThan(200);
        expect(c.height).toBeGreaterThan(150);
        expect(c.marks).toBeGreaterThan(5);
      }
      expect(await page.locator('h1').textContent()).toContain('fixture set');
      expect(problems).toEqual([]);
      expect(requests).toEqual([file]);
      await page.close();
    });
  });
});
