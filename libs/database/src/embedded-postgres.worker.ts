/* Worker-thread entry: PGlite on a data directory, served on loopback by pglite-socket. */
import { parentPort, workerData } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

async function main(): Promise<void> {
  const port = parentPort!;
  const { dataDir } = workerData as { dataDir: string };
  try {
    const db = await PGlite.create({ dataDir });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    const address = (server as unknown as { server: { address(): AddressInfo } }).server.address();
    port.on('message', (msg) => {
      if (msg !== 'stop') return;
      void (async () => {
        await server.stop();
        await db.close();
        port.postMessage({ type: 'stopped' });
      })();
    });
    port.postMessage({ type: 'listening', port: address.port });
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}

void main();
