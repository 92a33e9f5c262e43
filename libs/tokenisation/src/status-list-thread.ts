import { startWorker } from '@facenition/worker';
import { StatusListError, type PackedStatusList, type StatusListKey } from './status-list';

export interface StatusListJob {
  doc: unknown;
  keys: StatusListKey[];
  /** ms since the epoch */
  now: number;
}

export type StatusListReply = { ok: true; list: PackedStatusList } | { ok: false; name: string; message: string };

/**
 * verifyStatusListPacked in a worker thread of its own: the signature check over a large payload,
 * its JSON parse and the per-entry validation (about 0.3 s of CPU for 250,000 entries) do not
 * stall the event loop. The result's arrays are transferred, not copied. One thread per call:
 * imports are rare admin operations, and the thread's memory is released with it.
 */
export function verifyStatusListInWorker(doc: unknown, keys: readonly StatusListKey[], now: Date): Promise<PackedStatusList> {
  return new Promise<PackedStatusList>((resolve, reject) => {
    const job: StatusListJob = { doc, keys: [...keys], now: now.getTime() };
    const worker = startWorker(__dirname, 'status-list.worker', job);
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.once('message', (reply: StatusListReply) =>
      settle(() => {
        if (reply.ok) resolve(reply.list);
        else reject(reply.name === 'StatusListError' ? new StatusListError(reply.message) : new Error(reply.message));
      }),
    );
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the status-list worker exited with code ${code} before answering`))));
  });
}
