import 'reflect-metadata';
import { join } from 'node:path';
import { createDataSource, migrateWithLock, startEmbeddedPostgres } from '@facenition/database';
import { loadConfig } from '../config';

/**
 * Runs pending migrations and exits (`npm run db:migrate`). The server also migrates at boot under
 * the same advisory lock; this command is for operators who prefer a separate step (e.g. a Helm hook).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  // a command never takes over a lock it cannot check (another host's): that server may be running
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(join(config.dataDir, 'pgdata'), { otherHost: 'refuse' });
  const ds = createDataSource({ url: config.databaseUrl ?? embedded!.url, embedded: !!embedded, poolSize: 1 });
  await ds.initialize();
  try {
    const ran = await migrateWithLock(ds);
    console.log(ran.length ? `applied: ${ran.join(', ')}` : 'database schema is up to date');
  } finally {
    await ds.destroy();
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`migration failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
