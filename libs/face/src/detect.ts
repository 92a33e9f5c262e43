import type { InferenceBackend } from './backend';
import { nms, type Box } from './geometry';
import { cropAffine, toTensor, type ImagePyramid } from './image';

export const DETECT_W = 320;
export const DETECT_H = 240;

export interface DetectOptions {
  /** Minimum face score (column 1 of fr_detect `scores`). */
  scoreThreshold: number;
  /** IoU above which the lower-scored of two boxes is suppressed. */
  nmsIou: number;
  /** Smallest face width, in pixels of the decoded image, that the exhaustive pass must find. */
  minFaceSize: number;
}

export const DEFAULT_DETECT_OPTIONS: DetectOptions = { scoreThreshold: 0.65, nmsIou: 0.4, minFaceSize: 40 };

export interface Detection {
  box: Box;
  score: number;
}

/** Face width, in detector-input pixels, from which RFB-320 finds faces reliably. */
const RELIABLE_FACE_PX = 24;
/** Detections whose box is narrower than this (detector-input pixels) are dropped as noise. */
const MIN_BOX_PX = 8;

/**
 * Runs fr_detect on one 320x240 view of the image. The view is the affine map
 * view pixel (u, v) -> image (x0 + u * step, y0 + v * step); boxes come back in image pixels.
 */
async function detectView(
  backend: InferenceBackend,
  pyr: ImagePyramid,
  x0: number,
  y0: number,
  step: number,
  opts: DetectOptions,
): Promise<Detection[]> {
  const view = pyr.warp(cropAffine(x0, y0, DETECT_W * step, DETECT_H * step, DETECT_W, DETECT_H), DETECT_W, DETECT_H, 127);
  const input = toTensor(view, { mean: 127, std: 128 });
  const out = await backend.run('fr_detect', input, [1, 3, DETECT_H, DETECT_W]);
  const scores = out.scores.data;
  const boxes = out.boxes.data;
  const n = scores.length / 2;
  const found: Detection[] = [];
  for (let i = 0; i < n; i++) {
    const score = scores[2 * i + 1];
    if (score < opts.scoreThreshold) continue;
    const bx1 = boxes[4 * i] * DETECT_W;
    const by1 = boxes[4 * i + 1] * DETECT_H;
    const bx2 = boxes[4 * i + 2] * DETECT_W;
    const by2 = boxes[4 * i + 3] * DETECT_H;
    if (bx2 - bx1 < MIN_BOX_PX || by2 - by1 < MIN_BOX_PX) continue;
    const x1 = Math.max(0, x0 + bx1 * step);
    const y1 = Math.max(0, y0 + by1 * step);
    const x2 = Math.min(pyr.width, x0 + bx2 * step);
    const y2 = Math.min(pyr.height, y0 + by2 * step);
    if (x2 - x1 < 2 || y2 - y1 < 2) continue;
    found.push({ box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, score });
  }
  return found;
}

/**
 * Finds faces. The coarse pass letterboxes the whole image into the 320x240 input (aspect kept,
 * grey padding). When the coarse pass cannot resolve faces as small as `minFaceSize` (large
 * images) and `exhaustive` is set or nothing was found, a pyramid of overlapping 320x240 tiles
 * is searched as well, finest level first at a scale where a minFaceSize face spans ~24 input
 * pixels, each coarser level at half that scale; all candidates go through one NMS.
 */
export async function detectFaces(
  backend: InferenceBackend,
  pyr: ImagePyramid,
  exhaustive: boolean,
  opts: DetectOptions = DEFAULT_DETECT_OPTIONS,
): Promise<Detection[]> {
  const coarseStep = Math.max(pyr.width / DETECT_W, pyr.height / DETECT_H);
  let all = await detectView(backend, pyr, 0, 0, coarseStep, opts);
  const fineStep = opts.minFaceSize / RELIABLE_FACE_PX;
  if (coarseStep > fineStep && (exhaustive || all.length === 0)) {
    for (let step = fineStep; step < coarseStep; step *= 2) {
      const tileW = DETECT_W * step;
      const tileH = DETECT_H * step;
      const strideX = tileW * 0.75;
      const strideY = tileH * 0.75;
      const nx = Math.max(1, Math.ceil((pyr.width - tileW) / strideX) + 1);
      const ny = Math.max(1, Math.ceil((pyr.height - tileH) / strideY) + 1);
      for (let ty = 0; ty < ny; ty++) {
        for (let tx = 0; tx < nx; tx++) {
          const x0 = Math.max(0, Math.min(tx * strideX, pyr.width - tileW));
          const y0 = Math.max(0, Math.min(ty * strideY, pyr.height - tileH));
          all = all.concat(await detectView(backend, pyr, x0, y0, step, opts));
        }
      }
    }
  }
  return nms(all, opts.nmsIou);
}
