import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BackupError,
  DataDirInUseError,
  dumpEmbeddedDatabase,
  loadEmbeddedDatabase,
  lockDataDir,
  packBackup,
  unpackBackup,
} from '@facenition/database';
import { pepperKeyId } from '@facenition/tokenisation';
import { ConfigError, loadConfig, type AppConfig } from '../config';
import { parseKey } from '../tokens/pepper';
import { CliFailure, runAsProgram, runCli, UsageError, type CliIo } from './run';

export const USAGE = `usage: node dist/apps/gateway/src/cli/db.js <command> [options]
       (from sources: npm run db:backup -- [options], npm run db:restore -- [options])

Backup and restore of the embedded database (no DATABASE_URL): FACENITION_DATA_DIR/pgdata and the
keys the server generated beside it. The server must be stopped: a data directory in use is
refused. For a PostgreSQL server use pg_dump and pg_restore (docs/operations.md).

  backup --out <file> [--without-keys]
      Write the database (its rows, sequences and applied migrations; a gzipped tar) to <file>
      (mode 0600, never overwritten), with the data directory's pepper.key (the deployment key)
      and admin-token unless --without-keys. The file then holds the deployment key: keep it as
      you keep the key, or use --without-keys and keep the key elsewhere.

  restore --in <file> [--key-file <file>] [--force]
      Create the embedded database from a backup, and the data directory's pepper.key and
      admin-token from it. A backup without keys needs the deployment key: --key-file, or
      FACENITION_PEPPER_FILE / FACENITION_PEPPER / FACENITION_PKCS11_*. A key whose id differs from
      the backup's is refused. An existing database or different keys are replaced only with
      --force. The server applies newer migrations when it starts.

exit codes: 0 success, 1 failure, 2 usage error`;

/** Files of the data directory a backup carries: the keys the server generates there. */
const KEY_FILES = ['pepper.key', 'admin-token'] as const;

function embeddedSettings(env: NodeJS.ProcessEnv | undefined): AppConfig {
  const config = loadConfig(env);
  if (config.databaseUrl)
    throw new CliFailure(
      'DATABASE_URL is set: these commands are for the embedded database; back up a PostgreSQL server with pg_dump (docs/operations.md)',
    );
  return config;
}

const keyIdOfText = (text: string, origin: string): string => {
  let key: Buffer;
  try {
    key = parseKey(text, origin);
  } catch (e) {
    throw new CliFailure((e as Error).message);
  }
  try {
    return pepperKeyId(key).toString('hex');
  } finally {
    key.fill(0);
  }
};

/** The deployment key's id from the server's settings (a key file or value), else from the data directory's pepper.key; null when it is in a module or absent. */
function configuredKeyId(config: AppConfig): { id: string; origin: string } | null {
  if (config.pepper) return { id: keyIdOfText(config.pepper, 'FACENITION_PEPPER'), origin: 'FACENITION_PEPPER' };
  if (config.pepperFile) {
    if (!existsSync(config.pepperFile)) throw new CliFailure(`FACENITION_PEPPER_FILE: ${config.pepperFile} does not exist`);
    return { id: keyIdOfText(readFileSync(config.pepperFile, 'utf8'), config.pepperFile), origin: config.pepperFile };
  }
  return null;
}

function lock(pgdata: string): () => void {
  try {
    return lockDataDir(pgdata, { otherHost: 'refuse' });
  } catch (e) {
    if (e instanceof DataDirInUseError) throw new CliFailure(e.message);
    throw e;
  }
}

/** Writes the file whole under a private name, then links it to `file`: never overwrites, never leaves half a file there. */
function writeNew(file: string, data: Buffer): void {
  if (existsSync(file)) throw new CliFailure(`--out: refusing to overwrite ${file}`);
  const tmp = `${file}.${randomBytes(4).toString('hex')}.partial`;
  try {
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    linkSync(tmp, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliFailure(
      code === 'EEXIST' ? `--out: refusing to overwrite ${file}` : `--out: ${file} cannot be written (${code ?? 'error'})`,
    );
  } finally {
    rmSync(tmp, { force: true });
  }
}

async function backup(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, 'without-keys': { type: 'boolean' } } });
  if (!values.out) throw new UsageError('backup needs --out <file>');
  const config = embeddedSettings(io.env);
  const pgdata = join(config.dataDir, 'pgdata');
  if (!existsSync(join(pgdata, 'PG_VERSION')))
    throw new CliFailure(`${pgdata} holds no embedded database (FACENITION_DATA_DIR=${config.dataDir})`);
  if (existsSync(values.out)) throw new CliFailure(`--out: refusing to overwrite ${values.out}`);
  const release = lock(pgdata);
  try {
    const dump = await dumpEmbeddedDatabase(pgdata);
    const configured = configuredKeyId(config);
    const files = new Map<string, Buffer>();
    for (const name of KEY_FILES) {
      const file = join(config.dataDir, name);
      // a pepper.key beside a key in the settings is not the server's key: it does not travel
      if (name === 'pepper.key' && (configured || config.pkcs11)) continue;
      if (existsSync(file)) files.set(name, readFileSync(file));
    }
    const dirKey = files.get('pepper.key');
    const keyId = configured?.id ?? (dirKey ? keyIdOfText(dirKey.toString('utf8'), join(config.dataDir, 'pepper.key')) : null);
    if (values['without-keys']) files.clear();
    writeNew(values.out, packBackup(dump, files, keyId));
    const rows = dump.tables.reduce((n, t) => n + t.rows, 0);
    io.stdout(
      `backup of ${config.dataDir} written to ${values.out}: ${dump.tables.length} tables, ${rows} rows, ${dump.migrations.length} migrations (last ${dump.migrations[dump.migrations.length - 1] ?? 'none'})`,
    );
    if (files.size) io.stdout(`it holds ${[...files.keys()].join(' and ')}: keep it as secret as they are`);
    if (!files.has('pepper.key'))
      io.stdout(
        `it holds no deployment key${keyId ? ` (key id ${keyId})` : ''}: back the key up separately; a restore needs it (identity tokens verify only with it)`,
      );
    return 0;
  } finally {
    release();
  }
}

async function restore(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { in: { type: 'string' }, 'key-file': { type: 'string' }, force: { type: 'boolean' } } });
  if (!values.in) throw new UsageError('restore needs --in <file>');
  const config = embeddedSettings(io.env);
  let raw: Buffer;
  try {
    raw = readFileSync(values.in);
  } catch (e) {
    throw new CliFailure(`--in: ${values.in} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const { manifest, dump, files } = unpackBackup(raw);
  const force = values.force === true;
  const keyFile = values['key-file'];
  const configured = configuredKeyId(config);
  if (keyFile && (configured || config.pkcs11))
    throw new UsageError(
      '--key-file: the settings already name the deployment key (FACENITION_PEPPER_FILE, FACENITION_PEPPER or FACENITION_PKCS11_*)',
    );
  let keyFromFile: Buffer | undefined;
  if (keyFile) {
    try {
      keyFromFile = readFileSync(keyFile);
    } catch (e) {
      throw new CliFailure(`--key-file: ${keyFile} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  const pgdata = join(config.dataDir, 'pgdata');
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const release = lock(pgdata);
  const staging = `${pgdata}.restore-${randomBytes(4).toString('hex')}`;
  let writes: Map<string, Buffer>;
  let key: { id: string; origin: string } | null;
  try {
    if (existsSync(pgdata) && readdirSync(pgdata).length > 0 && !force)
      throw new CliFailure(`${pgdata} holds a database: refusing to replace it without --force (back it up first)`);

    // the deployment key the restored server will use: the settings', else --key-file, else the backup's, else the one in place
    const dirKeyFile = join(config.dataDir, 'pepper.key');
    const dirKey = existsSync(dirKeyFile) ? readFileSync(dirKeyFile) : undefined;
    const fileKey = keyFromFile ?? files.get('pepper.key');
    const idOf = (data: Buffer, origin: string) => ({ id: keyIdOfText(data.toString('utf8'), origin), origin });
    key = configured ?? (fileKey ? idOf(fileKey, keyFile ?? 'the backup') : dirKey ? idOf(dirKey, dirKeyFile) : null);
    if (!key && !config.pkcs11)
      throw new CliFailure(
        'the backup holds no deployment key: give it with --key-file <file> (or set FACENITION_PEPPER_FILE); without it no identity token of the backup verifies',
      );
    if (key && manifest.deployment_key_id && key.id !== manifest.deployment_key_id)
      throw new CliFailure(
        `the deployment key of ${key.origin} (key id ${key.id}) is not the backup's (key id ${manifest.deployment_key_id}): its identity tokens would not verify`,
      );

    writes = new Map<string, Buffer>();
    // pepper.key only when the server will read it there (no key in the settings), and not when the same key is in place
    if (fileKey && !configured && !config.pkcs11 && !(dirKey && idOf(dirKey, dirKeyFile).id === key!.id)) {
      if (dirKey && !force) throw new CliFailure(`${dirKeyFile} holds another deployment key: refusing to replace it without --force`);
      writes.set('pepper.key', fileKey);
    }
    const admin = files.get('admin-token');
    const adminFile = join(config.dataDir, 'admin-token');
    if (admin && !(existsSync(adminFile) && readFileSync(adminFile).equals(admin))) {
      if (existsSync(adminFile) && !force)
        throw new CliFailure(`${adminFile} exists and differs from the backup's: refusing to replace it without --force`);
      writes.set('admin-token', admin);
    }

    try {
      await loadEmbeddedDatabase(staging, dump);
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      throw e;
    }
    if (existsSync(pgdata)) {
      const old = `${pgdata}.replaced-${randomBytes(4).toString('hex')}`;
      renameSync(pgdata, old);
      renameSync(staging, pgdata);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(staging, pgdata);
    }
    for (const [name, data] of writes) {
      const target = join(config.dataDir, name);
      const tmp = `${target}.${randomBytes(4).toString('hex')}.partial`;
      writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
      renameSync(tmp, target);
    }
  } finally {
    release();
  }
  const rows = dump.tables.reduce((n, t) => n + t.rows, 0);
  io.stdout(
    `restored ${values.in} (written ${manifest.created_at}) into ${pgdata}: ${dump.tables.length} tables, ${rows} rows, ${dump.migrations.length} migrations; newer migrations run when the server starts`,
  );
  if (writes.size) io.stdout(`wrote ${[...writes.keys()].map((n) => join(config.dataDir, n)).join(' and ')}`);
  io.stdout(key ? `deployment key: ${key.origin} (key id ${key.id})` : 'deployment key: in the PKCS#11 module (FACENITION_PKCS11_*)');
  return 0;
}

/** Run the CLI; resolves to the exit code. */
export function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  return runCli(argv, io, { usage: USAGE, commands: { backup, restore }, failures: [BackupError, ConfigError] });
}

if (require.main === module) runAsProgram('db', main);
