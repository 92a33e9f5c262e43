import { startWorker } from '@facenition/worker';
import type { CodeParams } from '@facenition/tokenisation';
import type { ProtectedWorkerData } from './protected-trials.worker';

/**
 * Protected scores of `trials` ([enrolled, probe] photo indices) under every code, on `threads`
 * worker threads: Float64Array trials x codes (trial-major), NaN where the key was not recovered.
 * Trials are processed sorted by enrolled photo (one enrolment per run of trials) and returned in input order.
 */
export async function protectedScores(
  data: ProtectedWorkerData,
  trials: Int32Array,
  threads: number,
  tick: (n: number) => void,
  batch = 500,
): Promise<Float64Array> {
  const n = trials.length / 2;
  const nc = data.codes.length;
  const order = Int32Array.from({ length: n }, (_, k) => k).sort((a, b) => trials[2 * a] - trials[2 * b] || a - b);
  const out = new Float64Array(n * nc);
  if (n === 0) return out;
  const workers = Array.from({ length: Math.max(1, threads) }, () => startWorker(__dirname, 'protected-trials.worker', data));
  let next = 0;
  try {
    await Promise.all(
      workers.map(async (w) => {
        while (next < n) {
          const from = next;
          const end = Math.min(n, from + batch);
          next = end;
          const part = new Int32Array(2 * (end - from));
          for (let t = from; t < end; t++) {
            part[2 * (t - from)] = trials[2 * order[t]];
            part[2 * (t - from) + 1] = trials[2 * order[t] + 1];
          }
          const res = await new Promise<Float64Array>((ok, fail) => {
            const onError = (e: Error): void => fail(e);
            w.once('error', onError);
            w.once('message', (m: Float64Array) => {
              w.off('error', onError);
              ok(m);
            });
            w.postMessage(part, [part.buffer]);
          });
          for (let t = from; t < end; t++) out.set(res.subarray((t - from) * nc, (t - from + 1) * nc), order[t] * nc);
          tick(end - from);
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}

/** The distinct codes of the levels' version-2 tokens (same N, rotations and dimension; K differs). */
export function distinctCodes(codes: readonly CodeParams[]): CodeParams[] {
  const seen = new Map<number, CodeParams>();
  for (const c of codes) if (!seen.has(c.k)) seen.set(c.k, c);
  return [...seen.values()];
}
