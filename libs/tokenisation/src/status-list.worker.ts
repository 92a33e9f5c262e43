/* Worker-thread entry: verifies, parses and validates one status list, or signs one, off the main event loop. */
import { parentPort, workerData } from 'node:worker_threads';
import { signStatusListWithSeed, verifyStatusListPacked } from './status-list';
import type { StatusListJob, StatusListReply } from './status-list-thread';

const port = parentPort;
if (!port) throw new Error('status-list.worker.ts must run in a worker thread');
const job = workerData as StatusListJob;
try {
  if (job.kind === 'sign') {
    port.postMessage({ ok: true, document: signStatusListWithSeed(job.list, job.keyId, job.seed) } satisfies StatusListReply);
  } else {
    const list = verifyStatusListPacked(job.doc, job.keys, new Date(job.now));
    port.postMessage({ ok: true, list } satisfies StatusListReply, [
      list.tokenIds.buffer as ArrayBuffer,
      list.revokedAt.buffer as ArrayBuffer,
    ]);
  }
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  port.postMessage({ ok: false, name: e.name, message: e.message } satisfies StatusListReply);
} finally {
  if (job.kind === 'sign') job.seed.fill(0);
}
