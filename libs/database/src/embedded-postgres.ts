import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { startWorker } from '@facenition/worker';
import { lockDataDir, type LockOptions } from './data-dir-lock';

export interface EmbeddedPostgres {
  /** postgres:// URL of the loopback socket serving the embedded database. */
  url: string;
  stop(): Promise<void>;
}

type Reply = { type: 'listening'; port: number } | { type: 'error'; message: string } | { type: 'stopped' };

/**
 * The embedded default: PGlite (PostgreSQL compiled to WASM) on a data directory, served on a
 * random loopback port by pglite-socket so the ordinary `pg` driver (and TypeORM) reach it.
 * It runs in its own worker thread: PGlite executes queries synchronously in WASM, which would
 * otherwise stall the HTTP event loop. PGlite is ONE database session: keep the pool at one connection.
 * The data directory is locked (`<dataDir>.lock`) while it is open: a second opener is refused.
 */
export async function startEmbeddedPostgres(dataDir: string, lock: LockOptions = { otherHost: 'take-over' }): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const release = lockDataDir(dataDir, lock);
  try {
    const worker = startWorker(__dirname, 'embedded-postgres.worker', { dataDir });
    const [first] = (await Promise.race([
      once(worker, 'message'),
      once(worker, 'error').then(([e]) => [{ type: 'error', message: String(e) }]),
    ])) as [Reply];
    if (first.type !== 'listening') {
      await worker.terminate();
      throw new Error(`embedded PostgreSQL failed to start in ${dataDir}: ${first.type === 'error' ? first.message : first.type}`);
    }
    return {
      url: `postgres://postgres@127.0.0.1:${first.port}/postgres`,
      stop: async () => {
        worker.postMessage('stop');
        // cleared once the worker answers: a pending timer would hold the process for 10 s after shutdown,
        // which is how long a server running as PID 1 (a container) took to exit on SIGTERM
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([once(worker, 'message'), new Promise((r) => (timer = setTimeout(r, 10_000)))]);
        clearTimeout(timer);
        await worker.terminate();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}
