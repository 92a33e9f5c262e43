import { startWorker } from '@facenition/worker';
import type { Pepper } from './deployment-key';
import { StatusListError, statusListSeed, type PackedStatusList, type StatusList, type StatusListKey } from './status-list';

export type StatusListJob =
  | {
      kind: 'verify';
      doc: unknown;
      keys: StatusListKey[];
      /** ms since the epoch */
      now: number;
    }
  /** the signing seed, not the deployment key: the key may live in a module, and a thread needs no more than this */
  | { kind: 'sign'; list: Omit<StatusList, 'keyId'>; keyId: Uint8Array; seed: Uint8Array };

export type StatusListReply =
  { ok: true; list: PackedStatusList } | { ok: true; document: string } | { ok: false; name: string; message: string };

/** Runs one job in a thread of its own and settles with its reply. */
function inWorker(job: StatusListJob): Promise<StatusListReply & { ok: true }> {
  return new Promise((resolve, reject) => {
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
        if (reply.ok) resolve(reply);
        else reject(reply.name === 'StatusListError' ? new StatusListError(reply.message) : new Error(reply.message));
      }),
    );
    worker.once('error', (err: unknown) => settle(() => reject(err instanceof Error ? err : new Error(String(err)))));
    worker.once('exit', (code) => settle(() => reject(new Error(`the status-list worker exited with code ${code} before answering`))));
  });
}

/**
 * signStatusList in a worker thread: Ed25519 (node-forge, in JavaScript) over a large payload takes
 * about 0.9 s for 250,000 entries, which would otherwise stall every other request.
 */
export async function signStatusListInWorker(list: Omit<StatusList, 'keyId'>, pepper: Pepper): Promise<string> {
  const seed = statusListSeed(pepper);
  let pending: Promise<StatusListReply & { ok: true }>;
  try {
    pending = inWorker({ kind: 'sign', list, keyId: pepper.keyId, seed });
  } finally {
    seed.fill(0); // the thread got a copy (workerData is cloned when the thread starts)
  }
  const reply = await pending;
  if (!('document' in reply)) throw new Error('the status-list worker answered without a document');
  return reply.document;
}

/**
 * verifyStatusListPacked in a worker thread of its own: the signature check over a large payload,
 * its JSON parse and the per-entry validation (about 0.3 s of CPU for 250,000 entries) do not
 * stall the event loop. The result's arrays are transferred, not copied. One thread per call:
 * imports are rare admin operations, and the thread's memory is released with it.
 */
export async function verifyStatusListInWorker(doc: unknown, keys: readonly StatusListKey[], now: Date): Promise<PackedStatusList> {
  const reply = await inWorker({ kind: 'verify', doc, keys: [...keys], now: now.getTime() });
  if (!('list' in reply)) throw new Error('the status-list worker answered without a list');
  return reply.list;
}
