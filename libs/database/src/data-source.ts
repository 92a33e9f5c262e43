import { DataSource, MigrationExecutor, type MigrationInterface } from 'typeorm';
import { ENTITIES } from './entities';
import { Init1764201600000 } from './migrations/1764201600000-Init';
import { IdentityTokens1764288000000 } from './migrations/1764288000000-IdentityTokens';
import { StatusLists1764374400000 } from './migrations/1764374400000-StatusLists';
import { LicenseUsage1764460800000 } from './migrations/1764460800000-LicenseUsage';
import { Instances1764547200000 } from './migrations/1764547200000-Instances';
import { SecurityFixes1764633600000 } from './migrations/1764633600000-SecurityFixes';
import { StatusListReset1764720000000 } from './migrations/1764720000000-StatusListReset';
import { Oidc1764806400000 } from './migrations/1764806400000-Oidc';
import { FaceVerifications1764892800000 } from './migrations/1764892800000-FaceVerifications';
import { AuthFailures1764979200000 } from './migrations/1764979200000-AuthFailures';

export const MIGRATIONS = [
  Init1764201600000,
  IdentityTokens1764288000000,
  StatusLists1764374400000,
  LicenseUsage1764460800000,
  Instances1764547200000,
  SecurityFixes1764633600000,
  StatusListReset1764720000000,
  Oidc1764806400000,
  FaceVerifications1764892800000,
  AuthFailures1764979200000,
];

export interface DatabaseOptions {
  url: string;
  /** Embedded PGlite is one session: the pool must hold exactly one connection. */
  embedded: boolean;
  /** Pool size for a PostgreSQL server. */
  poolSize?: number;
  /** The migrations it knows (default: all of this release's); a restore replays those of the backup. */
  migrations?: (new () => MigrationInterface)[];
}

/** The one DataSource definition, used by the app, the migration CLI and the tests. */
export function createDataSource(opts: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    entities: ENTITIES,
    migrations: opts.migrations ?? MIGRATIONS,
    migrationsTableName: 'facenition_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: opts.embedded ? 1 : (opts.poolSize ?? 10), connectionTimeoutMillis: 10_000 },
  });
}

/** Advisory-lock key shared by every replica that runs migrations at boot ('facenition' in ASCII, truncated). */
const MIGRATION_LOCK = 0x66616365;

/**
 * Runs pending migrations at boot under a PostgreSQL advisory lock, so replicas starting together
 * migrate once; the lock and the migrations share one connection (required by embedded PGlite).
 */
export async function migrateWithLock(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const executed = await new MigrationExecutor(ds, runner).executePendingMigrations();
      return executed.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
export const DATA_SOURCE = Symbol('DATA_SOURCE');
