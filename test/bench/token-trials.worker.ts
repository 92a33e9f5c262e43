/**
 * Worker thread of bench:tokens: opens enrolled tokens with probe embeddings (genuine and impostor
 * trials), so the 1,000,000-trial runs use every core. Inputs and results stay in memory.
 * Each enrolment is made once under every code being evaluated (same derived keys, one helper and
 * key per code), so a trial projects the probe and computes its soft values once for all codes.
 * The bench knows each token's committed key, so it asks openWithKnownKeys, which answers exactly as
 * `open` (same soft input and list decoder; tested in libs/tokenisation/src/fc-polar.spec.ts) but
 * stops decoding as soon as the key's path is pruned: an impostor trial ends after a few bits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  DEFAULT_DECODER,
  openWithKnownKeys,
  rotationsFor,
  type CodeParams,
  type DecoderSettings,
  type KnownKeyToken,
  type Rotation,
} from '@facenition/tokenisation';

export interface TrialEnrolment {
  rotationSeed: Uint8Array;
  macKey: Uint8Array;
  /** per code (in TrialWorkerData.codes order): the helper and the committed key (bench only; in memory) */
  helpers: Uint8Array[];
  keys: Uint8Array[];
}

export interface TrialWorkerData {
  enrolled: TrialEnrolment[];
  /** all probe embeddings, row-major, `dim` values each */
  embeddings: Float32Array;
  dim: number;
  /** the polar codes every enrolment was made with (same N, B and d) */
  codes: CodeParams[];
  /** the decoder (default: the server's) */
  decoder?: DecoderSettings;
}

const { enrolled, embeddings, dim, codes, decoder = DEFAULT_DECODER } = workerData as TrialWorkerData;
const keys = enrolled.map((e) => ({ rotationSeed: Buffer.from(e.rotationSeed), macKey: Buffer.from(e.macKey) }));
const tokens: KnownKeyToken[][] = enrolled.map((e) => codes.map((code, c) => ({ code, helper: e.helpers[c], key: e.keys[c] })));

// trials come sorted by token, so a token's rotations are drawn once per run of its trials
let lastToken = -1;
let rotations: Rotation[] = [];

/**
 * Message: Int32Array [token index, probe index]*; reply: Float64Array of trials x codes scores
 * (trial-major), NaN where the key was not recovered.
 */
parentPort!.on('message', (trials: Int32Array) => {
  const n = trials.length / 2;
  const out = new Float64Array(n * codes.length);
  for (let t = 0; t < n; t++) {
    const i = trials[2 * t];
    const probe = embeddings.subarray(trials[2 * t + 1] * dim, (trials[2 * t + 1] + 1) * dim);
    if (i !== lastToken) {
      rotations = rotationsFor(keys[i].rotationSeed, codes[0]);
      lastToken = i;
    }
    openWithKnownKeys(probe, keys[i], tokens[i], decoder, rotations).forEach(
      (o, c) => (out[t * codes.length + c] = o.key ? o.score! : NaN),
    );
  }
  parentPort!.postMessage(out, [out.buffer]);
});
