/**
 * LFW helpers for the quantisation study (quantise.ts): the file lists of View 1 training people and
 * of View 2 pairs.txt, and the production path from JPEG bytes to fr_feature's input tensor (decode,
 * detect, 68 landmarks, 5-point alignment, BGR (x - 127) / 128). Tensors stay in memory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DECODE_LIMITS, FaceEngine, ImagePyramid, decodeImage, toTensor } from '@facenition/face';
import { tenFoldAccuracy } from '../bench/common';

export const imageFile = (data: string, name: string, n: string | number): string =>
  join(data, 'images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);

/** People of a View 1 people list (peopleDevTrain.txt / peopleDevTest.txt), in file order, with image counts. */
export function viewOnePeople(data: string, list: 'peopleDevTrain.txt' | 'peopleDevTest.txt'): { name: string; count: number }[] {
  const lines = readFileSync(join(data, list), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [name, count] = l.trim().split(/\s+/);
    return { name, count: Number(count) };
  });
}

export interface PairFold {
  /** indices into `files` */
  pairs: { a: number; b: number; same: boolean }[];
}

/** pairs.txt: the folds and the unique image files they use (first-use order). */
export function viewTwoPairs(data: string): { folds: PairFold[]; files: string[] } {
  const lines = readFileSync(join(data, 'pairs.txt'), 'utf8').trim().split('\n');
  const [nFolds, perFold] = lines[0].trim().split(/\s+/).map(Number);
  const files: string[] = [];
  const index = new Map<string, number>();
  const idx = (f: string): number => {
    let i = index.get(f);
    if (i === undefined) {
      i = files.length;
      files.push(f);
      index.set(f, i);
    }
    return i;
  };
  const folds: PairFold[] = [];
  let li = 1;
  for (let f = 0; f < nFolds; f++) {
    const pairs: PairFold['pairs'] = [];
    for (let k = 0; k < 2 * perFold; k++) {
      const p = lines[li++].trim().split(/\s+/);
      const same = p.length === 3;
      const a = idx(imageFile(data, p[0], p[1]));
      const b = idx(same ? imageFile(data, p[0], p[2]) : imageFile(data, p[2], p[3]));
      pairs.push({ a, b, same });
    }
    folds.push({ pairs });
  }
  return { folds, files };
}

/** fr_feature's input for the primary face of an image, exactly as analyzeImage + embedAligned build it; null if no face. */
export async function featureInput(engine: FaceEngine, bytes: Uint8Array): Promise<{ input: Float32Array; pyr: ImagePyramid } | null> {
  const decoded = await decodeImage(bytes, DEFAULT_DECODE_LIMITS);
  const pyr = new ImagePyramid(decoded.image);
  const faces = await engine.detect(pyr);
  if (!faces.length) return null;
  const aligned = engine.align(pyr, faces[0]);
  return { input: toTensor(aligned, { bgr: true, mean: 127, std: 128 }), pyr };
}

/** Standard LFW 10-fold accuracy (test/bench/common.ts tenFoldAccuracy, as test/bench/lfw.ts). */
export function tenFold(folds: PairFold[], sim: (a: number, b: number) => number): { mean: number; sd: number; perFold: number[] } {
  return tenFoldAccuracy(folds.map((f) => f.pairs.map((p) => ({ s: sim(p.a, p.b), same: p.same }))));
}
