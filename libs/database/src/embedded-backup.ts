import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';
import { createDataSource, MIGRATIONS, migrateWithLock } from './data-source';
import { readTar, writeTar, type TarEntry } from './tar';

/**
 * Logical backups of the embedded database (PGlite): the rows of every table in PostgreSQL's COPY
 * text format, the sequences and the list of applied migrations, in a gzipped tar with a manifest.
 * A restore replays the backup's migrations on a fresh PGlite and loads the rows into them, so the
 * schema is always the one the migrations define; the server then applies the newer ones at start.
 * Unlike a copy of the data directory, such a backup is small (kilobytes for a small deployment,
 * where a fresh PGlite data directory is 40 MB) and does not depend on PGlite's PostgreSQL version.
 */
export const BACKUP_FORMAT = 'facenition-embedded-backup';
export const BACKUP_VERSION = 1;

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  created_at: string;
  /** PostgreSQL version of the PGlite that wrote it (information only) */
  postgres: string;
  /** applied migrations, oldest first */
  migrations: string[];
  tables: { name: string; columns: string[]; rows: number; file: string; sha256: string }[];
  sequences: { name: string; last_value: string; is_called: boolean }[];
  /** files of the data directory carried along (the generated keys), under `data-dir/` */
  files: { name: string; file: string; sha256: string }[];
  /** hex id of the deployment key the database was used with (public: every identity token names it), null when unknown */
  deployment_key_id: string | null;
}

export interface DatabaseDump {
  postgres: string;
  migrations: string[];
  tables: { name: string; columns: string[]; rows: number; data: Buffer }[];
  sequences: BackupManifest['sequences'];
}

export interface Backup {
  manifest: BackupManifest;
  dump: DatabaseDump;
  /** data-directory files by name (e.g. pepper.key) */
  files: Map<string, Buffer>;
}

export class BackupError extends Error {}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
/** text I/O settings under which COPY's text output reads back to the same values */
const SESSION = `SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; SET bytea_output = 'hex'`;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

async function openPglite(dataDir: string): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create({ dataDir });
}

async function publicRelations(db: PGlite, kind: 'r' | 'S'): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = ANY($1) ORDER BY c.relname`,
    [kind === 'r' ? ['r', 'p'] : ['S']],
  );
  for (const { name } of rows) if (!NAME.test(name)) throw new BackupError(`unexpected relation name ${JSON.stringify(name)}`);
  return rows.map((r) => r.name);
}

async function columnsOf(db: PGlite, table: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
    [ident(table)],
  );
  return rows.map((r) => r.name);
}

const lines = (b: Buffer): number => {
  let n = 0;
  for (const byte of b) if (byte === 0x0a) n++;
  return n;
};

/** Reads the whole embedded database in one snapshot. The data directory must not be open elsewhere (lock it first). */
export async function dumpEmbeddedDatabase(pgdata: string): Promise<DatabaseDump> {
  if (!existsSync(join(pgdata, 'PG_VERSION'))) throw new BackupError(`${pgdata} holds no embedded database`);
  const db = await openPglite(pgdata);
  try {
    await db.exec(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${SESSION}`);
    const postgres = (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
    const tables = await publicRelations(db, 'r');
    if (!tables.includes('facenition_migrations')) throw new BackupError(`${pgdata} is not a Facenition database (no migrations table)`);
    const migrations = (await db.query<{ name: string }>(`SELECT name FROM facenition_migrations ORDER BY id`)).rows.map((r) => r.name);
    const dumped: DatabaseDump['tables'] = [];
    for (const name of tables) {
      const columns = await columnsOf(db, name);
      const res = await db.query(`COPY ${ident(name)} (${columns.map(ident).join(', ')}) TO '/dev/blob'`);
      // an empty table writes no blob at all
      const data = res.blob ? Buffer.from(await res.blob.arrayBuffer()) : Buffer.alloc(0);
      const { n } = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident(name)}`)).rows[0];
      if (lines(data) !== n) throw new BackupError(`${name}: ${lines(data)} rows copied, ${n} in the table`);
      dumped.push({ name, columns, rows: n, data });
    }
    const sequences: DatabaseDump['sequences'] = [];
    for (const name of await publicRelations(db, 'S')) {
      const s = (await db.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${ident(name)}`))
        .rows[0];
      sequences.push({ name, last_value: s.last_value, is_called: s.is_called });
    }
    await db.exec('COMMIT');
    return { postgres, migrations, tables: dumped, sequences };
  } finally {
    await db.close();
  }
}

/** The backup file: a gzipped tar, manifest.json first. */
export function packBackup(
  dump: DatabaseDump,
  files: ReadonlyMap<string, Buffer>,
  deploymentKeyId: string | null,
  now = new Date(),
): Buffer {
  const entries: TarEntry[] = [];
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    created_at: now.toISOString(),
    postgres: dump.postgres,
    migrations: dump.migrations,
    tables: dump.tables.map((t) => ({
      name: t.name,
      columns: t.columns,
      rows: t.rows,
      file: `database/${t.name}.copy`,
      sha256: sha256(t.data),
    })),
    sequences: dump.sequences,
    files: [...files].map(([name, data]) => ({ name, file: `data-dir/${name}`, sha256: sha256(data) })),
    deployment_key_id: deploymentKeyId,
  };
  entries.push({ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n') });
  for (const t of dump.tables) entries.push({ name: `database/${t.name}.copy`, data: t.data });
  for (const [name, data] of files) entries.push({ name: `data-dir/${name}`, data });
  return gzipSync(writeTar(entries, now));
}

/** Reads and checks a backup file: format, version and the SHA-256 of every part. */
export function unpackBackup(file: Buffer): Backup {
  let entries: Map<string, Buffer>;
  try {
    entries = new Map(readTar(gunzipSync(file)).map((e) => [e.name, e.data]));
  } catch (e) {
    throw new BackupError(`not a backup file (${(e as Error).message})`);
  }
  let parsed: { format?: unknown; version?: unknown } | null;
  try {
    parsed = JSON.parse(entries.get('manifest.json')?.toString('utf8') ?? 'null') as typeof parsed;
  } catch {
    throw new BackupError('not a backup file (its manifest.json is not JSON)');
  }
  if (parsed?.format !== BACKUP_FORMAT) throw new BackupError(`not a backup file (no ${BACKUP_FORMAT} manifest)`);
  if (parsed.version !== BACKUP_VERSION)
    throw new BackupError(
      `backup format version ${JSON.stringify(parsed.version)} is not supported (this release reads ${BACKUP_VERSION})`,
    );
  const manifest = parsed as BackupManifest;
  const part = (file: string, expected: string): Buffer => {
    const data = entries.get(file);
    if (!data) throw new BackupError(`the backup lacks ${file}`);
    if (sha256(data) !== expected) throw new BackupError(`${file} in the backup is damaged (SHA-256 differs from the manifest)`);
    return data;
  };
  for (const t of manifest.tables)
    if (!NAME.test(t.name) || !t.columns.every((c) => NAME.test(c))) throw new BackupError(`unexpected table ${JSON.stringify(t.name)}`);
  for (const s of manifest.sequences)
    if (!NAME.test(s.name) || !/^-?\d+$/.test(s.last_value)) throw new BackupError(`unexpected sequence ${JSON.stringify(s.name)}`);
  for (const f of manifest.files)
    if (!/^[a-z][a-z0-9.-]*$/.test(f.name)) throw new BackupError(`unexpected file ${JSON.stringify(f.name)}`);
  return {
    manifest,
    dump: {
      postgres: manifest.postgres,
      migrations: manifest.migrations,
      tables: manifest.tables.map((t) => ({ name: t.name, columns: t.columns, rows: t.rows, data: part(t.file, t.sha256) })),
      sequences: manifest.sequences,
    },
    files: new Map(manifest.files.map((f) => [f.name, part(f.file, f.sha256)])),
  };
}

const migrationName = (m: (typeof MIGRATIONS)[number]): string => new m().name ?? m.name;

/**
 * Creates a new embedded database in `pgdata` (which must not exist) holding the dump: the
 * dump's migrations are replayed, then its rows loaded with triggers off (as pg_restore
 * --disable-triggers does) and its sequences set. Newer migrations are left to the server's start.
 */
export async function loadEmbeddedDatabase(pgdata: string, dump: DatabaseDump): Promise<void> {
  if (existsSync(pgdata)) throw new BackupError(`${pgdata} exists`);
  const known = new Map(MIGRATIONS.map((m) => [migrationName(m), m]));
  const unknown = dump.migrations.filter((n) => !known.has(n));
  if (unknown.length)
    throw new BackupError(`the backup comes from a newer release: this one does not know its migration(s) ${unknown.join(', ')}`);
  const wanted = new Set(dump.migrations);
  mkdirSync(pgdata, { mode: 0o700 });
  const db = await openPglite(pgdata);
  try {
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    try {
      const port = (server as unknown as { server: { address(): { port: number } } }).server.address().port;
      const ds = createDataSource({
        url: `postgres://postgres@127.0.0.1:${port}/postgres`,
        embedded: true,
        migrations: MIGRATIONS.filter((m) => wanted.has(migrationName(m))),
      });
      await ds.initialize();
      try {
        await migrateWithLock(ds);
      } finally {
        await ds.destroy();
      }
    } finally {
      await server.stop();
    }

    await db.exec(`BEGIN; ${SESSION}; SET session_replication_role = replica`);
    const tables = await publicRelations(db, 'r');
    const expected = dump.tables.map((t) => t.name).sort();
    if (JSON.stringify(tables) !== JSON.stringify(expected))
      throw new BackupError(`the backup's tables (${expected.join(', ')}) differ from those its migrations create (${tables.join(', ')})`);
    // rows the migrations wrote (their own bookkeeping, seed rows) are replaced by the backup's
    await db.exec(`TRUNCATE ${tables.map(ident).join(', ')}`);
    for (const t of dump.tables) {
      const columns = await columnsOf(db, t.name);
      if (JSON.stringify(columns) !== JSON.stringify(t.columns))
        throw new BackupError(
          `${t.name}: the backup's columns (${t.columns.join(', ')}) differ from the migrated table's (${columns.join(', ')})`,
        );
      await db.query(`COPY ${ident(t.name)} (${t.columns.map(ident).join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([t.data]) });
      const { n } = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident(t.name)}`)).rows[0];
      if (n !== t.rows) throw new BackupError(`${t.name}: ${n} rows loaded, the backup holds ${t.rows}`);
    }
    const sequences = new Set(await publicRelations(db, 'S'));
    for (const s of dump.sequences) {
      if (!sequences.has(s.name)) throw new BackupError(`sequence ${s.name} of the backup is not created by its migrations`);
      await db.query(`SELECT setval($1::regclass, $2::bigint, $3)`, [ident(s.name), s.last_value, s.is_called]);
    }
    await db.exec('COMMIT');
  } finally {
    await db.close();
  }
}
