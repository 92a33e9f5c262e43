import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  /** undefined = embedded PGlite (the default); otherwise a fresh database on the DATABASE_URL server. */
  url?: string;
  drop(): Promise<void>;
}

/**
 * With DATABASE_URL set (CI's PostgreSQL server), every suite gets its own throw-away database
 * on that server; without it the app starts its embedded PGlite in the suite's temp data dir.
 */
export async function testDatabase(): Promise<TestDatabase> {
  const server = process.env.DATABASE_URL;
  if (!server) return { drop: () => Promise.resolve() };
  return freshDatabase(server);
}

/** A throw-away database on the server at `server`, dropped (forcibly) by `drop`. */
async function freshDatabase(server: string): Promise<TestDatabase & { url: string }> {
  const name = `facenition_t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect().catch((err: unknown) => {
    throw new Error(`the PostgreSQL server at ${server} is not reachable (set DATABASE_URL): ${String(err)}`);
  });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The PostgreSQL server the suites use (CI's, or DATABASE_URL's), whichever run this is. */
export const POSTGRES_SERVER = process.env.DATABASE_URL || 'postgres://root@127.0.0.1:5432/test';

/**
 * A fresh database on the PostgreSQL server even in the embedded run: for suites that need several
 * server processes on one database (replicas), which embedded PGlite (one process) cannot give.
 */
export function serverDatabase(): Promise<TestDatabase & { url: string }> {
  return freshDatabase(POSTGRES_SERVER);
}
