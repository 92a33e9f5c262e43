/**
 * Makes the upgrade fixture of test/backup.integration-spec.ts: the databases of this release,
 * for the tests of a later release to restore and start on (see test/fixtures/upgrade-0.1.0/README.md).
 *
 *   npx nest build gateway
 *   DATABASE_URL=postgres://root@127.0.0.1:5432/test \
 *     npx ts-node -r tsconfig-paths/register --transpile-only test/tools/make-upgrade-fixture.ts [--out <dir>]
 *
 * With the built server of this tree it makes, through the API (test/support/backup-data.ts):
 * - an embedded database (generated deployment key and admin credential), backed up with
 *   `db.js backup` -> embedded-backup.tar.gz;
 * - a database on the DATABASE_URL server (a throw-away database, same key and admin credential),
 *   dumped with `pg_dump --no-owner --no-privileges` as plain SQL -> postgres.sql.gz;
 * - fixture.json: the deployment key (a test key), the admin credential, and per database the
 *   clients (tokens, secrets), identity tokens (photo, password, scope; which one is revoked) and
 *   the audit records.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Client } from 'pg';
import { DATASET_ENV, populate } from '../support/backup-data';
import { startServerProcess, stopServerProcess, type ServerProcess } from '../support/server-process';

const ROOT = join(__dirname, '../..');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = values.out ?? join(ROOT, 'test/fixtures/upgrade-0.1.0');
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('set DATABASE_URL to a PostgreSQL server (a throw-away database is created there)');
  const files = ['embedded-backup.tar.gz', 'postgres.sql.gz', 'fixture.json'].map((f) => join(out, f));
  const present = files.filter((f) => existsSync(f));
  if (present.length) throw new Error(`refusing to overwrite ${present.join(', ')}`);
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'facenition-upgrade-fixture-'));
  let s: ServerProcess | undefined;
  try {
    // 1. embedded: the server generates the deployment key and the admin credential in its data directory
    const dataDir = join(work, 'data');
    const embeddedEnv = { ...DATASET_ENV, DATABASE_URL: '', FACENITION_DATA_DIR: dataDir };
    s = await startServerProcess(embeddedEnv);
    const admin = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const key = readFileSync(join(dataDir, 'pepper.key'), 'utf8').trim();
    const embedded = await populate(s.base, admin);
    await stopServerProcess(s);
    const backup = spawnSync(process.execPath, [join(ROOT, 'dist/apps/gateway/src/cli/db.js'), 'backup', '--out', files[0]], {
      env: { ...process.env, ...embeddedEnv },
      encoding: 'utf8',
    });
    if (backup.status !== 0) throw new Error(`db.js backup: ${backup.stderr}`);

    // 2. PostgreSQL server: same key and admin credential
    const name = `facenition_fixture_${randomBytes(4).toString('hex')}`;
    const c = new Client({ connectionString: server });
    await c.connect();
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
    const url = new URL(server);
    url.pathname = `/${name}`;
    try {
      s = await startServerProcess({
        ...DATASET_ENV,
        DATABASE_URL: url.toString(),
        FACENITION_DATA_DIR: join(work, 'pg-data'),
        FACENITION_PEPPER: key,
        FACENITION_ADMIN_TOKEN: admin,
      });
      const postgres = await populate(s.base, admin);
      await stopServerProcess(s);
      const sql = execFileSync('pg_dump', ['--no-owner', '--no-privileges', url.toString()], { maxBuffer: 64 * 1024 * 1024 });
      writeFileSync(files[1], gzipSync(sql, { level: 9 }));

      const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
      const pgDump = execFileSync('pg_dump', ['--version'], { encoding: 'utf8' }).trim();
      const fixture = {
        about: `databases of release ${pkg.version} (commit ${commit}) for the upgrade tests of test/backup.integration-spec.ts; made by test/tools/make-upgrade-fixture.ts. Test keys only.`,
        release: pkg.version,
        commit,
        created_at: new Date().toISOString(),
        pg_dump: pgDump,
        settings: DATASET_ENV,
        /** the deployment key of both databases (base64, a test key) */
        deployment_key: key,
        admin_token: admin,
        postgres,
        embedded,
      };
      writeFileSync(files[2], JSON.stringify(fixture, null, 2) + '\n');
    } finally {
      const d = new Client({ connectionString: server });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    }
    for (const f of files) console.log(`${f}: ${statSync(f).size} bytes`);
  } finally {
    if (s) await stopServerProcess(s); // returns at once when it has stopped already
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
