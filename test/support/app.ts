import type { INestApplication, LoggerService } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientsService } from '@facenition/clients';
import type { FacePool } from '@facenition/face';
import { TestClock } from './clock';
import { testDatabase, type TestDatabase } from './database';
import { createApp } from '../../apps/gateway/src/app.factory';
import { loadConfig, type AppConfig } from '../../apps/gateway/src/config';

/** The deployment's admin credential in tests (admin endpoints only). */
export const ADMIN = 'test-admin-token-0123456789abcdef';

/** Collects every log line the app writes, so tests can assert what never appears in logs. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private push(level: string, args: unknown[]): void {
    this.lines.push(`${level} ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
  }
  log(...args: unknown[]): void {
    this.push('log', args);
  }
  error(...args: unknown[]): void {
    this.push('error', args);
  }
  warn(...args: unknown[]): void {
    this.push('warn', args);
  }
  debug(...args: unknown[]): void {
    this.push('debug', args);
  }
  verbose(...args: unknown[]): void {
    this.push('verbose', args);
  }
}

export interface TestApp {
  app: INestApplication;
  pool: FacePool;
  config: AppConfig;
  logger: CapturingLogger;
  dataDir: string;
  db: TestDatabase;
  /** The app's clock (wall time until a test advances it): expiry is tested by moving it, not by sleeping. */
  clock: TestClock;
  /** Long-lived client token of a production/enterprise client created for the suite. */
  token: string;
  clientId: string;
  close(): Promise<void>;
}

/** The real application on the real models, with a temporary data dir and small limits. */
export async function startTestApp(env: Record<string, string> = {}, opts: { licenseKeys?: readonly string[] } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'facenition-it-'));
  const db = await testDatabase();
  const config = loadConfig({
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    FACENITION_ADMIN_TOKEN: ADMIN,
    FACENITION_PEPPER: Buffer.alloc(32, 9).toString('base64'),
    FACENITION_KDF_LOG2N: '12',
    FACENITION_DATA_DIR: dataDir,
    FACENITION_WORKERS: '2',
    FACENITION_MAX_IMAGE_BYTES: String(1024 * 1024),
    FACENITION_MAX_BODY_BYTES: String(2 * 1024 * 1024),
    FACENITION_MAX_IMAGES: '5',
    FACENITION_LOG_LEVEL: 'verbose',
    ...env,
  });
  const logger = new CapturingLogger();
  const clock = new TestClock();
  let created0;
  try {
    created0 = await createApp(config, { logger, licenseKeys: opts.licenseKeys, clock: clock.now });
  } catch (err) {
    await db.drop();
    throw err;
  }
  const { app, pool } = created0;
  await app.init();
  await pool.start();
  const created = await app.get(ClientsService).create({ name: 'integration tests', environment: 'production', plan: 'enterprise' });
  return {
    app,
    pool,
    config,
    logger,
    dataDir,
    db,
    clock,
    token: created.client_token,
    clientId: created.client.client_id,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
