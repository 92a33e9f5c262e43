import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { createDataSource, DATA_SOURCE, migrateWithLock, startEmbeddedPostgres, type EmbeddedPostgres } from '@facenition/database';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config';

const EMBEDDED = Symbol('EMBEDDED_POSTGRES');

/**
 * The data layer: a PostgreSQL server when DATABASE_URL is set, otherwise embedded PGlite in the
 * data directory served on loopback. Migrations run at boot under an advisory lock.
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(EMBEDDED) private readonly embedded: EmbeddedPostgres | null,
  ) {}

  static forRoot(config: AppConfig): DynamicModule {
    const holder: { embedded: EmbeddedPostgres | null } = { embedded: null };
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DATA_SOURCE,
          useFactory: async () => {
            const log = new Logger('Database');
            let url = config.databaseUrl;
            if (!url) {
              const dir = join(config.dataDir, 'pgdata');
              holder.embedded = await startEmbeddedPostgres(dir);
              url = holder.embedded.url;
              log.log(`embedded PostgreSQL (PGlite) in ${dir}`);
            } else {
              log.log('PostgreSQL server from DATABASE_URL');
            }
            const ds = createDataSource({ url, embedded: !config.databaseUrl, poolSize: config.dbPoolSize });
            await ds.initialize();
            const ran = await migrateWithLock(ds);
            if (ran.length) log.log(`applied migrations: ${ran.join(', ')}`);
            return ds;
          },
        },
        { provide: EMBEDDED, useFactory: () => holder.embedded, inject: [DATA_SOURCE] },
      ],
      exports: [DATA_SOURCE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
    if (this.embedded) await this.embedded.stop();
    this.logger.log('database closed');
  }
}
