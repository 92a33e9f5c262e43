/**
 * Worker thread of bench:tokens: opens enrolled tokens with probe embeddings (impostor trials),
 * so the 1,000,000-trial run uses every core. Inputs and results stay in memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { open, type CodeParams } from '@facenition/tokenisation';

export interface TrialEnrolment {
  rotationSeed: Uint8Array;
  macKey: Uint8Array;
  header: Uint8Array;
  helper: Uint8Array;
  tag: Uint8Array;
}

export interface TrialWorkerData {
  enrolled: TrialEnrolment[];
  /** all probe embeddings, row-major, `dim` values each */
  embeddings: Float32Array;
  dim: number;
  /** the polar code the tokens were made with */
  code: CodeParams;
}

const { enrolled, embeddings, dim, code } = workerData as TrialWorkerData;
const bodies = enrolled.map((e) => Buffer.concat([e.header, e.helper]));
const keys = enrolled.map((e) => ({ rotationSeed: Buffer.from(e.rotationSeed), macKey: Buffer.from(e.macKey) }));

/** Message: Int32Array [token index, probe index]*; reply: Float64Array score per trial, NaN when the key was not recovered. */
parentPort!.on('message', (trials: Int32Array) => {
  const out = new Float64Array(trials.length / 2);
  for (let t = 0; t < out.length; t++) {
    const i = trials[2 * t];
    const probe = embeddings.subarray(trials[2 * t + 1] * dim, (trials[2 * t + 1] + 1) * dim);
    const o = open(probe, keys[i], code, enrolled[i].helper, enrolled[i].tag, bodies[i]);
    out[t] = o.key ? o.score! : NaN;
  }
  parentPort!.postMessage(out, [out.buffer]);
});
