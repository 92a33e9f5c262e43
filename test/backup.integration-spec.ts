import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Client } from 'pg';
import { FacePool } from '@facenition/face';
import { MIGRATIONS, readTar, unpackBackup } from '@facenition/database';
import { auditRecords, call, DATASET_ENV, photoForm, populate, type Dataset } from './support/backup-data';
import { fixture } from './support/images';
import { startServerProcess, stopServerProcess, type ServerProcess } from './support/server-process';

jest.setTimeout(300_000);

/**
 * Backups and upgrades (issue #14 §5), on the built server started as its own process:
 * - a PostgreSQL server's database through pg_dump and pg_restore, into a fresh database;
 * - the embedded database through `db.js backup` / `db.js restore`, into a fresh data directory;
 * - the database of the previous release (test/fixtures/upgrade-0.1.0, made at 34e4c16) restored
 *   both ways and started on by the current server, which migrates it at start.
 * Each time, with the same deployment key: identity tokens verify, the revoked one stays refused,
 * client tokens and secrets still authenticate, and the audit chain verifies with every record of
 * before unchanged. Backups hold no biometric data. The PostgreSQL server cases need DATABASE_URL
 * (as the other suites' PostgreSQL run) with pg_dump, pg_restore and psql; they are skipped without.
 */

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist/apps/gateway/src/cli');
const FIXTURE_DIR = join(__dirname, 'fixtures/upgrade-0.1.0');

const serverUrl = process.env.DATABASE_URL;
const pgTools = ((): string | null => {
  if (!serverUrl) return 'DATABASE_URL is not set (the PostgreSQL run sets it: npm run test:postgres)';
  for (const tool of ['pg_dump', 'pg_restore', 'psql']) {
    if (spawnSync(tool, ['--version'], { encoding: 'utf8' }).status !== 0) return `${tool} is not installed`;
  }
  const v = spawnSync('psql', [serverUrl, '-Atc', 'SHOW server_version_num'], { encoding: 'utf8', timeout: 10_000 });
  if (v.status !== 0) return `the PostgreSQL server of DATABASE_URL is not reachable (${v.stderr.trim()})`;
  const dumpMajor = Number(/(\d+)\.\d+/.exec(spawnSync('pg_dump', ['--version'], { encoding: 'utf8' }).stdout)?.[1]);
  const serverMajor = Math.floor(Number(v.stdout.trim()) / 10_000);
  if (!(dumpMajor >= serverMajor)) return `pg_dump ${dumpMajor} cannot dump a PostgreSQL ${serverMajor} server`;
  return null;
})();
if (pgTools && serverUrl) console.warn(`backup.integration-spec: PostgreSQL server cases skipped: ${pgTools}`);
const withServer = pgTools ? it.skip : it;

/** A fresh database on the DATABASE_URL server; dropped by drop(). */
async function freshDatabase(tag: string): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `facenition_bk_${tag}_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

function run(cmd: string, args: string[], env: Record<string, string> = {}, input?: Buffer) {
  const r = spawnSync(cmd, args, {
    env: { ...process.env, ...env },
    input,
    encoding: 'utf8',
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The backup commands as an operator runs them: the built CLI, embedded mode (no DATABASE_URL). */
const db = (dataDir: string, ...args: string[]) =>
  run(process.execPath, [join(CLI, 'db.js'), ...args], { DATABASE_URL: '', FACENITION_DATA_DIR: dataDir });

const embeddedEnv = (dataDir: string): Record<string, string> => ({ ...DATASET_ENV, DATABASE_URL: '', FACENITION_DATA_DIR: dataDir });

/**
 * What a restored deployment must still do: every record of before is in the audit log unchanged
 * and the chain verifies (also after new records); every identity token verifies with its photo
 * (not with another person's), the revoked one is refused as revoked; client tokens and client
 * secrets authenticate.
 */
async function expectIntact(base: string, admin: string, d: Dataset): Promise<void> {
  const before = await auditRecords(base, admin);
  expect(before.slice(0, d.audit.length)).toEqual(d.audit);
  const verify = async () =>
    (await call<{ verification: { ok: boolean; checked: number } }>(base, '/admin/audit/verify', admin)).body.verification;
  const first = await verify();
  expect(first.ok).toBe(true);
  expect(first.checked).toBeGreaterThanOrEqual(d.audit.length);

  for (const t of d.tokens) {
    const c = d.clients[t.client];
    const r = await call(
      base,
      '/authenticate',
      c.client_token,
      photoForm({ token: t.token, password: t.password, scope: t.scope }, t.photo),
    );
    expect({ photo: t.photo, status: r.status, body: r.body }).toEqual({
      photo: t.photo,
      status: 200,
      body: t.revoked ? { ok: true, authenticated: false, reason: 'revoked' } : { ok: true, authenticated: true },
    });
  }
  const live = d.tokens.find((t) => !t.revoked && t.photo !== 'Hugo_Chavez_0003')!;
  const other = await call(
    base,
    '/authenticate',
    d.clients[live.client].client_token,
    photoForm({ token: live.token, password: live.password, scope: live.scope }, 'Hugo_Chavez_0003'),
  );
  expect(other.body).toMatchObject({ ok: true, authenticated: false, reason: 'no_match' });

  for (const c of d.clients) {
    const me = await call<{ client: { client_id: string; environment: string } }>(base, '/me', c.client_token);
    expect(me.status).toBe(200);
    expect(me.body.client).toMatchObject({ client_id: c.client_id, environment: c.environment });
    const issued = await call<{ client_token: string }>(base, '/token', null, { client_id: c.client_id, client_secret: c.client_secret });
    expect(issued.status).toBe(200);
    expect((await call(base, '/me', issued.body.client_token)).status).toBe(200);
  }
  const after = await verify();
  expect(after.ok).toBe(true);
  expect(after.checked).toBeGreaterThan(first.checked);
}

async function accessToken(base: string, d: Dataset): Promise<string> {
  const { client_id, client_secret } = d.clients[0];
  const r = await call<{ client_token: string }>(base, '/token', null, { client_id, client_secret });
  expect(r.body.client_token).toMatch(/^fna_/);
  return r.body.client_token;
}

/** Every place a backup could hide biometric data: the enrolled photos' bytes and base64, their embeddings as float32, float64 and text. */
let needles: [string, Buffer][] = [];
function expectNoBiometrics(what: string, bytes: Buffer): void {
  expect(needles.length).toBeGreaterThan(0);
  for (const [name, needle] of needles) if (bytes.includes(needle)) throw new Error(`${name} found in ${what}`);
  const text = bytes.toString('latin1');
  expect(text).not.toMatch(/(-?\d\.\d{3,}[,\s]+){16,}/); // no vector of floats
  expect(text).not.toContain('/9j/'); // base64 JPEG
  expect(text).not.toContain('\xff\xd8\xff'); // raw JPEG
}

describe('backups and upgrades (built server, real models)', () => {
  const servers: ServerProcess[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];
  const start = async (env: Record<string, string>) => {
    const s = await startServerProcess(env);
    servers.push(s);
    return s;
  };
  const stop = (s: ServerProcess) => stopServerProcess(s);
  const tempDir = (tag: string) => {
    const dir = mkdtempSync(join(tmpdir(), `facenition-backup-${tag}-`));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };

  beforeAll(async () => {
    const pool = new FacePool({ modelsDir: join(ROOT, 'models'), workers: 1, intraOpThreads: 1, maxQueue: 8 });
    await pool.start();
    try {
      for (const photo of ['Colin_Powell_0001', 'Jennifer_Aniston_0001', 'George_W_Bush_0001', 'Serena_Williams_0001']) {
        const image = fixture(photo);
        const embedding = (await pool.analyze(image, { embed: true })).embedding!;
        needles.push(
          [`${photo}: image bytes`, image.subarray(2000, 2048)],
          [`${photo}: image base64`, Buffer.from(image.toString('base64').slice(3000, 3064))],
          [`${photo}: embedding float32`, Buffer.from(embedding.buffer, embedding.byteOffset, 64)],
          [`${photo}: embedding float64`, Buffer.from(Float64Array.from(embedding.subarray(0, 8)).buffer)],
          // as a bytea or text column would show them in SQL and COPY text
          [`${photo}: embedding float32 hex`, Buffer.from(Buffer.from(embedding.buffer, embedding.byteOffset, 32).toString('hex'))],
          [`${photo}: embedding float32 base64`, Buffer.from(Buffer.from(embedding.buffer, embedding.byteOffset, 48).toString('base64'))],
        );
      }
    } finally {
      await pool.close();
    }
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await stopServerProcess(s, 'SIGKILL');
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(() => {
    needles = [];
  });

  withServer('PostgreSQL server: pg_dump, pg_restore into a fresh database, same deployment key', async () => {
    const source = await freshDatabase('src');
    cleanups.push(() => source.drop());
    const env = {
      ...DATASET_ENV,
      FACENITION_DATA_DIR: tempDir('pg'),
      FACENITION_ADMIN_TOKEN: 'backup-test-admin-token-0123456789',
      FACENITION_PEPPER: Buffer.alloc(32, 0x5b).toString('base64'),
    };
    const a = await start({ ...env, DATABASE_URL: source.url });
    const data = await populate(a.base, env.FACENITION_ADMIN_TOKEN);
    const access = await accessToken(a.base, data);
    const dumpFile = join(tempDir('pgdump'), 'facenition.dump');
    // a backup of a running server: pg_dump reads one consistent snapshot
    const dumped = run('pg_dump', ['--format=custom', '--file', dumpFile, source.url]);
    expect(dumped).toMatchObject({ status: 0, stderr: '' });
    await stop(a);
    // the archive is compressed: searched as the SQL it restores
    const plain = run('pg_restore', ['--file=-', dumpFile]);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain('COPY public.identity_tokens');
    expectNoBiometrics('the pg_dump archive as SQL', Buffer.from(plain.stdout, 'latin1'));

    const target = await freshDatabase('dst');
    cleanups.push(() => target.drop());
    const restored = run('pg_restore', ['--exit-on-error', '--no-owner', '--dbname', target.url, dumpFile]);
    expect(restored).toMatchObject({ status: 0, stderr: '' });
    // the restored database with another deployment key: the tokens do not verify (the key is what makes them verifiable)
    const other = await start({ ...env, DATABASE_URL: target.url, FACENITION_PEPPER: Buffer.alloc(32, 0x5c).toString('base64') });
    const t = data.tokens[0];
    const foreign = await call(
      other.base,
      '/authenticate',
      data.clients[t.client].client_token,
      photoForm({ token: t.token, password: t.password, scope: t.scope }, t.photo),
    );
    expect(foreign.body).not.toMatchObject({ authenticated: true });
    expect(foreign.status).toBe(400);
    await stop(other);
    const b = await start({ ...env, DATABASE_URL: target.url });
    await expectIntact(b.base, env.FACENITION_ADMIN_TOKEN, data);
    // an access token issued before the backup: its HMAC key travelled in the database
    expect((await call(b.base, '/me', access)).status).toBe(200);
    await stop(b);
  });

  it('embedded database: db.js backup and restore into a fresh data directory, refusals', async () => {
    const dirA = tempDir('a');
    const a = await start(embeddedEnv(dirA));
    const admin = readFileSync(join(dirA, 'admin-token'), 'utf8').trim();
    const data = await populate(a.base, admin);
    const access = await accessToken(a.base, data);
    const out = join(tempDir('out'), 'facenition.backup');

    // a data directory in use is refused, and nothing is written
    const busy = db(dirA, 'backup', '--out', out);
    expect(busy.status).toBe(1);
    expect(busy.stderr).toContain(`is in use by process ${a.child.pid}`);
    expect(existsSync(out)).toBe(false);
    await stop(a);

    const made = db(dirA, 'backup', '--out', out);
    expect(made).toMatchObject({ status: 0, stderr: '' });
    expect(made.stdout).toContain('it holds pepper.key and admin-token');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(db(dirA, 'backup', '--out', out)).toMatchObject({ status: 1, stderr: expect.stringContaining('refusing to overwrite') });
    // a gzipped tar any tar reads, holding the keys as they were, and no biometric data
    const listed = run('tar', ['-tzf', out]);
    expect(listed.stdout.split('\n')).toEqual(
      expect.arrayContaining(['manifest.json', 'database/identity_tokens.copy', 'data-dir/pepper.key']),
    );
    const entries = new Map(readTar(gunzipSync(readFileSync(out))).map((e) => [e.name, e.data]));
    expect(entries.get('data-dir/pepper.key')).toEqual(readFileSync(join(dirA, 'pepper.key')));
    expect(entries.get('data-dir/admin-token')).toEqual(readFileSync(join(dirA, 'admin-token')));
    const { manifest } = unpackBackup(readFileSync(out));
    expect(manifest.tables.find((t) => t.name === 'identity_tokens')!.rows).toBe(data.tokens.length);
    expect(manifest.tables.find((t) => t.name === 'audit_log')!.rows).toBe(data.audit.length + 1); // + the /token call
    expectNoBiometrics('the embedded backup', gunzipSync(readFileSync(out)));

    // restore refuses to replace a database, and a deployment key that is not the backup's
    const refused = db(dirA, 'restore', '--in', out);
    expect(refused).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('holds a database: refusing to replace it without --force'),
    });
    const keyless = join(tempDir('keyless'), 'keyless.backup');
    expect(db(dirA, 'backup', '--out', keyless, '--without-keys')).toMatchObject({ status: 0 });
    expect(unpackBackup(readFileSync(keyless)).files.size).toBe(0);
    expect(db(tempDir('nokey'), 'restore', '--in', keyless)).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('the backup holds no deployment key'),
    });
    const wrongKey = join(tempDir('wrongkey'), 'other.key');
    writeFileSync(wrongKey, Buffer.alloc(32, 1).toString('base64'));
    expect(db(tempDir('wrong'), 'restore', '--in', keyless, '--key-file', wrongKey)).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/is not the backup's \(key id [0-9a-f]+\)/),
    });

    const dirB = tempDir('b');
    const restored = db(dirB, 'restore', '--in', out);
    expect(restored).toMatchObject({ status: 0, stderr: '' });
    expect(readFileSync(join(dirB, 'pepper.key'))).toEqual(readFileSync(join(dirA, 'pepper.key')));
    expect(statSync(join(dirB, 'pepper.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dirB, 'pgdata')).mode & 0o777).toBe(0o700);
    const b = await start(embeddedEnv(dirB));
    await expectIntact(b.base, admin, data);
    expect((await call(b.base, '/me', access)).status).toBe(200);
    await stop(b);
  });

  const fixtureData = () =>
    JSON.parse(readFileSync(join(FIXTURE_DIR, 'fixture.json'), 'utf8')) as {
      deployment_key: string;
      admin_token: string;
      postgres: Dataset;
      embedded: Dataset;
    };
  const migrationNames = MIGRATIONS.map((m) => new m().name);

  withServer('upgrade: the previous release’s PostgreSQL dump, restored and started by this release', async () => {
    const f = fixtureData();
    const target = await freshDatabase('up');
    cleanups.push(() => target.drop());
    const sql = gunzipSync(readFileSync(join(FIXTURE_DIR, 'postgres.sql.gz')));
    const loaded = run('psql', ['--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '--dbname', target.url], {}, sql);
    expect(loaded).toMatchObject({ status: 0, stderr: '' });
    const env = {
      ...DATASET_ENV,
      DATABASE_URL: target.url,
      FACENITION_DATA_DIR: tempDir('uppg'),
      FACENITION_ADMIN_TOKEN: f.admin_token,
      FACENITION_PEPPER: f.deployment_key,
    };
    const s = await start(env);
    await expectIntact(s.base, f.admin_token, f.postgres);
    await stop(s);
    // the schema is this release's: every migration of this release is applied
    const c = new Client({ connectionString: target.url });
    await c.connect();
    const applied = (await c.query<{ name: string }>('SELECT name FROM facenition_migrations')).rows.map((r) => r.name);
    await c.end();
    expect(applied).toEqual(expect.arrayContaining(migrationNames));
    expect(run(process.execPath, [join(CLI, 'migrate.js')], env).stdout).toContain('database schema is up to date');
  });

  it('upgrade: the previous release’s embedded backup, restored and started by this release', async () => {
    const f = fixtureData();
    const dir = tempDir('upemb');
    const backup = join(tempDir('upemb-in'), 'embedded-backup.tar.gz');
    copyFileSync(join(FIXTURE_DIR, 'embedded-backup.tar.gz'), backup);
    expectNoBiometrics('the embedded fixture', gunzipSync(readFileSync(backup)));
    const restored = db(dir, 'restore', '--in', backup);
    expect(restored).toMatchObject({ status: 0, stderr: '' });
    expect(readFileSync(join(dir, 'pepper.key'), 'utf8').trim()).toBe(f.deployment_key);
    const s = await start(embeddedEnv(dir));
    await expectIntact(s.base, f.admin_token, f.embedded);
    await stop(s);
    const migrated = run(process.execPath, [join(CLI, 'migrate.js')], embeddedEnv(dir));
    expect(migrated).toMatchObject({ status: 0, stdout: expect.stringContaining('database schema is up to date') });
    // and its own backup now lists every migration of this release
    const again = join(dir, 'after-upgrade.backup');
    expect(db(dir, 'backup', '--out', again).status).toBe(0);
    expect(unpackBackup(readFileSync(again)).manifest.migrations).toEqual(expect.arrayContaining(migrationNames));
  });
});
