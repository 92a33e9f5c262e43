import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DATA_SOURCE } from '@facenition/database';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { fixture, twoFaces } from './support/images';
import { startTestApp, type TestApp } from './support/app';

jest.setTimeout(120_000);

const repo = join(__dirname, '..');

/** Every file under dir, recursively. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** path -> size:mtime:sha256 of every file under dir (skipping node_modules, .git and the embedded database). */
function snapshot(dir: string, hash = true): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === 'node_modules' || e.name === '.git' || e.name === 'pgdata') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const st = statSync(p);
        const h = hash && st.size < 50 * 1024 * 1024 ? createHash('sha256').update(readFileSync(p)).digest('hex') : '';
        out.set(relative(dir, p), `${st.size}:${st.mtimeMs}:${h}`);
      }
    }
  };
  walk(dir);
  return out;
}

function diff(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [k, v] of after) if (before.get(k) !== v) changes.push(before.has(k) ? `changed ${k}` : `added ${k}`);
  for (const k of before.keys()) if (!after.has(k)) changes.push(`removed ${k}`);
  return changes;
}

/**
 * Non-negotiable 1: nothing biometric persists. Runs every face endpoint with multipart and base64
 * input and checks that no file appeared or changed in the models folder, the data directory (other
 * than the database) or the working tree; that no database file, no table and no file that appeared
 * or changed in the system temp dir holds image bytes, base64 image data or the embedding's bytes;
 * and that neither logs nor console output carry any of them.
 */
describe('nothing biometric is written anywhere', () => {
  let t: TestApp;
  const printed: string[] = [];
  const origOut = process.stdout.write.bind(process.stdout);
  const origErr = process.stderr.write.bind(process.stderr);

  beforeAll(async () => {
    t = await startTestApp({ FACENITION_LIVENESS_GATE: 'off' });
  });
  afterAll(async () => {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
    await t.close();
  });

  it('leaves disk unchanged and keeps images and embeddings out of logs', async () => {
    const before = {
      models: snapshot(t.config.modelsDir),
      data: snapshot(t.dataDir),
      tmp: snapshot(tmpdir(), false),
      repo: snapshot(repo, false),
    };
    const capture =
      (sink: string[]) =>
      (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
        sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1'));
        const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        cb?.();
        return true;
      };
    process.stdout.write = capture(printed);
    process.stderr.write = capture(printed);

    const http = t.app.getHttpServer();
    const post = (p: string) => request(http).post(p).set('X-Auth-Token', t.token);
    const a = fixture('Jennifer_Aniston_0001');
    const b = fixture('Tony_Blair_0002');
    const enrolled = await post('/generate').attach('image', a, 'a.jpg').field('password', 'pw-secret-xyz').field('scope', 'np/scope');
    const responses = [
      enrolled,
      await post('/authenticate')
        .field('token', enrolled.body.token as string)
        .field('password', 'pw-secret-xyz')
        .field('scope', 'np/scope')
        .attach('image', a, 'a.jpg'),
      await post('/detect').attach('image', await twoFaces(), 'x.jpg'),
      await post('/quality').attach('image', a, 'a.jpg'),
      await post('/liveness').send({ image: a.toString('base64') }),
      await post('/match').attach('image1', a, 'a.jpg').attach('image2', b, 'b.jpg'),
      await post('/match').send({ image1: a.toString('base64'), image2: b.toString('base64'), accuracy: 8 }),
      await post('/match-bulk').attach('probe', a, 'a.jpg').attach('references', b, 'b.jpg').attach('references', a, 'c.jpg'),
      await post('/consistency-check').send({ images: [a.toString('base64'), b.toString('base64')] }),
      await post('/detect').attach('image', a.subarray(0, 2000), 'broken.jpg'),
      await post('/match').send({ image1: a.toString('base64'), image2: 'not base64 !!!' }),
    ];
    process.stdout.write = origOut;
    process.stderr.write = origErr;
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 400, 400]);
    expect(responses[1].body.authenticated).toBe(true);

    expect(diff(before.models, snapshot(t.config.modelsDir))).toEqual([]);
    expect(diff(before.data, snapshot(t.dataDir))).toEqual([]);
    // the system temp dir is shared with other programs: every file that appeared or changed there
    // during the requests is read and must not hold any image or embedding bytes
    const tmpChanged = diff(before.tmp, snapshot(tmpdir(), false))
      .filter((c) => !c.startsWith('removed '))
      .map((c) => join(tmpdir(), c.replace(/^(changed|added) /, '')));
    expect(diff(before.repo, snapshot(repo, false))).toEqual([]);

    // the database: its files (embedded mode) and its rows (both modes)
    const embedding = (await t.pool.analyze(a, { embed: true })).embedding!;
    const needles = [
      ['image bytes', a.subarray(2000, 2048)],
      ['image base64', Buffer.from(a.toString('base64').slice(3000, 3064))],
      ['embedding float32', Buffer.from(embedding.buffer, embedding.byteOffset, 64)],
      ['embedding float64', Buffer.from(Float64Array.from(embedding.subarray(0, 8)).buffer)],
    ] as const;
    for (const file of [...filesUnder(t.dataDir), ...tmpChanged]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue; // removed again by its owner meanwhile
      }
      for (const [what, needle] of needles) {
        if (bytes.includes(needle)) throw new Error(`${what} found in ${file}`);
      }
    }
    const ds = t.app.get<DataSource>(DATA_SOURCE);
    const tables = await ds.query<{ tablename: string }[]>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
    expect(tables.map((x) => x.tablename)).toEqual(expect.arrayContaining(['audit_log', 'api_clients']));
    for (const { tablename } of tables) {
      const dump = JSON.stringify(await ds.query(`SELECT * FROM "${tablename}"`));
      expect(dump).not.toMatch(/[A-Za-z0-9+/]{120,}/);
      expect(dump).not.toContain(a.toString('base64').slice(3000, 3064));
      expect(dump).not.toContain('pw-secret-xyz');
      expect(dump).not.toMatch(/(-?\d\.\d{3,}[,\s]+){16,}/);
    }
    expect(Number((await ds.query<{ n: string }[]>('SELECT count(*) AS n FROM audit_log'))[0].n)).toBeGreaterThanOrEqual(responses.length);

    const logs = [...t.logger.lines, ...printed].join('\n');
    expect(t.logger.lines.length).toBeGreaterThan(responses.length); // request lines were logged, so the check has material
    const imageB64 = a.toString('base64');
    expect(logs).not.toContain(imageB64.slice(200, 260));
    expect(logs).not.toMatch(/[A-Za-z0-9+/]{120,}/); // no long base64 runs at all
    expect(logs).not.toContain('/9j/'); // base64 JPEG signature
    expect(logs).not.toContain('\xff\xd8\xff'); // raw JPEG signature
    expect(logs).not.toMatch(/(-?\d\.\d{3,}[,\s]+){16,}/); // no vector of floats (an embedding)
    // responses carry no embedding either
    for (const r of responses) expect(JSON.stringify(r.body)).not.toMatch(/embedding|(-?\d\.\d+,){64,}/);
    expect(logs).not.toContain('pw-secret-xyz');
    expect(logs).not.toContain((enrolled.body.token as string).slice(100, 160));
  });
});
