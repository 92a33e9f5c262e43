import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BackupError, loadEmbeddedDatabase, packBackup, unpackBackup, type DatabaseDump } from './embedded-backup';
import { readTar, writeTar } from './tar';

// the full round trip (PGlite, the migrations, the built server on the restored database) is in test/backup.integration-spec.ts
describe('embedded backup file', () => {
  const dump: DatabaseDump = {
    postgres: '18.6',
    migrations: ['Init1764201600000'],
    tables: [
      { name: 'audit_head', columns: ['id', 'seq', 'hash'], rows: 1, data: Buffer.from('1\t0\t\\\\x00\n') },
      { name: 'license_usage', columns: ['month', 'calls'], rows: 0, data: Buffer.alloc(0) },
    ],
    sequences: [{ name: 'facenition_migrations_id_seq', last_value: '1', is_called: true }],
  };
  const files = new Map([['pepper.key', Buffer.from('a2V5\n')]]);
  const repack = (file: Buffer, change: (name: string, data: Buffer) => Buffer) =>
    gzipSync(writeTar(readTar(gunzipSync(file)).map((e) => ({ name: e.name, data: change(e.name, e.data) }))));

  it('reads back its manifest, tables and files', () => {
    const file = packBackup(dump, files, 'ab'.repeat(8), new Date('2026-12-01T00:00:00Z'));
    const back = unpackBackup(file);
    expect(back.dump).toEqual(dump);
    expect(back.files).toEqual(files);
    expect(back.manifest).toMatchObject({
      format: 'facenition-embedded-backup',
      version: 1,
      created_at: '2026-12-01T00:00:00.000Z',
      deployment_key_id: 'abababababababab',
      files: [{ name: 'pepper.key', file: 'data-dir/pepper.key' }],
    });
    expect(readTar(gunzipSync(file)).map((e) => e.name)).toEqual([
      'manifest.json',
      'database/audit_head.copy',
      'database/license_usage.copy',
      'data-dir/pepper.key',
    ]);
  });

  it('refuses a damaged part, another format, another version and a file that is no backup', () => {
    const file = packBackup(dump, files, null);
    const flip = (name: string, data: Buffer) =>
      name === 'database/audit_head.copy' ? Buffer.from(data.toString().replace('0', '1')) : data;
    expect(() => unpackBackup(repack(file, flip))).toThrow(
      'database/audit_head.copy in the backup is damaged (SHA-256 differs from the manifest)',
    );
    const manifest = (f: (m: Record<string, unknown>) => void) => (name: string, data: Buffer) => {
      if (name !== 'manifest.json') return data;
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      f(m);
      return Buffer.from(JSON.stringify(m));
    };
    expect(() =>
      unpackBackup(
        repack(
          file,
          manifest((m) => (m.version = 2)),
        ),
      ),
    ).toThrow('backup format version 2 is not supported');
    expect(() =>
      unpackBackup(
        repack(
          file,
          manifest((m) => (m.format = 'other')),
        ),
      ),
    ).toThrow('no facenition-embedded-backup manifest');
    expect(() =>
      unpackBackup(
        repack(
          file,
          manifest((m) => ((m.tables as { name: string }[])[0].name = 'x"; DROP TABLE y; --')),
        ),
      ),
    ).toThrow(BackupError);
    expect(() => unpackBackup(Buffer.from('not gzip'))).toThrow('not a backup file');
  });

  it('refuses, before creating anything, a backup of a newer release (a migration this release does not know)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'facenition-backup-unit-'));
    try {
      const pgdata = join(dir, 'pgdata');
      await expect(loadEmbeddedDatabase(pgdata, { ...dump, migrations: ['Init1764201600000', 'Future1999999999999'] })).rejects.toThrow(
        'the backup comes from a newer release: this one does not know its migration(s) Future1999999999999',
      );
      expect(existsSync(pgdata)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
