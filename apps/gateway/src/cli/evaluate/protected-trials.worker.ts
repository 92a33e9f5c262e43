/**
 * Worker thread of `npm run evaluate`: protected (identity-token) scores of photo pairs. For each
 * trial [enrolled photo, probe photo] it enrols the first photo as a version-2 token under every
 * code being evaluated (one set of derived keys, a fresh random key and helper per code) and opens
 * it with the second through openWithKnownKeys, which answers exactly as the server's `open`
 * (libs/tokenisation/src/fc-polar.spec.ts) but stops as soon as the committed key is out of the
 * decoder's list. The derived keys (rotation seed, MAC key) are drawn at random instead of through
 * the KDF: the scrypt cost changes nothing in the scores. Everything stays in this thread's memory.
 */
import { randomBytes } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import {
  commit,
  DEFAULT_DECODER,
  openWithKnownKeys,
  rotationsFor,
  type CodeParams,
  type DerivedKeys,
  type KnownKeyToken,
  type Rotation,
} from '@facenition/tokenisation';

export interface ProtectedWorkerData {
  /** analysed photos' embeddings, row-major */
  embeddings: Float32Array;
  dim: number;
  codes: CodeParams[];
}

const { embeddings, dim, codes } = workerData as ProtectedWorkerData;
const row = (i: number): Float32Array => embeddings.subarray(i * dim, (i + 1) * dim);

let enrolled = -1;
let keys: DerivedKeys = { rotationSeed: Buffer.alloc(32), macKey: Buffer.alloc(32) };
let rotations: Rotation[] = [];
let tokens: KnownKeyToken[] = [];

function enrol(i: number): void {
  keys.rotationSeed.fill(0);
  keys = { rotationSeed: randomBytes(32), macKey: randomBytes(32) };
  rotations = rotationsFor(keys.rotationSeed, codes[0]);
  tokens = codes.map((code) => ({ code, ...commit(row(i), keys, code, randomBytes(code.k / 8)) }));
  enrolled = i;
}

/** Message: Int32Array [enrolled, probe]*, sorted by enrolled photo; reply: Float64Array trials x codes (trial-major), NaN where the key was not recovered. */
parentPort!.on('message', (trials: Int32Array) => {
  const n = trials.length / 2;
  const out = new Float64Array(n * codes.length);
  for (let t = 0; t < n; t++) {
    if (trials[2 * t] !== enrolled) enrol(trials[2 * t]);
    openWithKnownKeys(row(trials[2 * t + 1]), keys, tokens, DEFAULT_DECODER, rotations).forEach(
      (o, c) => (out[t * codes.length + c] = o.key ? o.score! : NaN),
    );
  }
  // a new token for the next batch: no enrolment is shared between batches (they may go to another worker)
  enrolled = -1;
  parentPort!.postMessage(out, [out.buffer]);
});
