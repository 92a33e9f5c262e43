import type { InferenceBackend } from './backend';
import { DEFAULT_DETECT_OPTIONS, detectFaces, type DetectOptions } from './detect';
import { invertSimilarity, similarityTransform, type Box, type Point } from './geometry';
import { cropAffine, toGray, toTensor, type ImagePyramid, type RawImage } from './image';
import { assessQuality, type QualityReport } from './quality';

/** Standard ArcFace 112x112 five-point template: left eye, right eye, nose tip, mouth left, mouth right. */
export const ARCFACE_TEMPLATE: readonly Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

export const EMBEDDING_SIZE = 512;

export interface Face {
  box: Box;
  score: number;
  /** Five points in image pixels: left eye, right eye, nose tip, left mouth corner, right mouth corner (subject's left = image left). */
  landmarks: Point[];
  /** All 68 points of fr_landmark in image pixels (kept in memory only; used by quality). */
  landmarks68: Point[];
}

export interface LivenessResult {
  /** Probability-like score in [0, 1] that the face is a live presentation (class 0 of fr_liveness). */
  score: number;
}

const mean = (pts: readonly Point[], idx: readonly number[]): Point => {
  let x = 0;
  let y = 0;
  for (const i of idx) {
    x += pts[i][0];
    y += pts[i][1];
  }
  return [x / idx.length, y / idx.length];
};

export function fivePointsFrom68(p: readonly Point[]): Point[] {
  return [mean(p, [37, 38, 40, 41]), mean(p, [43, 44, 46, 47]), p[30], mean(p, [48, 60]), mean(p, [54, 64])];
}

/**
 * Selection priority used when an operation needs one face: the largest face nearest the centre
 * (area - 2 * squared distance of the box centre from the image centre).
 */
export function selectionScore(face: { box: Box }, width: number, height: number): number {
  const cx = face.box.x + face.box.width / 2 - width / 2;
  const cy = face.box.y + face.box.height / 2 - height / 2;
  return face.box.width * face.box.height - 2 * (cx * cx + cy * cy);
}

export function l2normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * inv;
  return out;
}

export class FaceEngine {
  constructor(
    private readonly backend: InferenceBackend,
    private readonly detectOptions: DetectOptions = DEFAULT_DETECT_OPTIONS,
  ) {}

  /** All faces with box, score and landmarks, ordered by selection priority (best first). */
  async detect(pyr: ImagePyramid, exhaustive = false): Promise<Face[]> {
    const dets = await detectFaces(this.backend, pyr, exhaustive, this.detectOptions);
    const faces: Face[] = [];
    for (const d of dets) {
      const landmarks68 = await this.landmarks68(pyr, d.box);
      faces.push({ box: d.box, score: d.score, landmarks68, landmarks: fivePointsFrom68(landmarks68) });
    }
    faces.sort((a, b) => selectionScore(b, pyr.width, pyr.height) - selectionScore(a, pyr.width, pyr.height));
    return faces;
  }

  /** fr_landmark on a square crop (side = box height, centred on the box), 64x64 gray / 256. */
  private async landmarks68(pyr: ImagePyramid, box: Box): Promise<Point[]> {
    const side = box.height;
    const x0 = box.x + box.width / 2 - side / 2;
    const y0 = box.y + box.height / 2 - side / 2;
    const crop = toGray(pyr.warp(cropAffine(x0, y0, side, side, 64, 64), 64, 64, 0));
    const out = await this.backend.run('fr_landmark', toTensor(crop, { std: 256 }), [1, 1, 64, 64]);
    const v = out.output.data;
    const pts: Point[] = [];
    for (let i = 0; i < 68; i++) pts.push([x0 + v[2 * i] * side, y0 + v[2 * i + 1] * side]);
    return pts;
  }

  /** 5-point least-squares similarity alignment onto the ArcFace template, 112x112 RGB. */
  align(pyr: ImagePyramid, face: Face): RawImage {
    const toTemplate = similarityTransform(face.landmarks, ARCFACE_TEMPLATE);
    return pyr.warp(invertSimilarity(toTemplate), 112, 112, 0);
  }

  /** 512-d L2-normalised embedding of an aligned face (fr_feature expects BGR, (x - 127) / 128). */
  async embedAligned(aligned: RawImage): Promise<Float32Array> {
    const out = await this.backend.run('fr_feature', toTensor(aligned, { bgr: true, mean: 127, std: 128 }), [1, 3, 112, 112]);
    return l2normalise(out.output.data);
  }

  async embed(pyr: ImagePyramid, face: Face): Promise<Float32Array> {
    return this.embedAligned(this.align(pyr, face));
  }

  /**
   * fr_liveness: the face box made square, grown x2.7 (less if the image is too small), shifted
   * inside the image, 128x128, raw 0..255 BGR; softmax over 3 classes, class 0 = live.
   */
  async liveness(pyr: ImagePyramid, face: Face): Promise<LivenessResult> {
    const side0 = Math.max(face.box.width, face.box.height);
    const side = Math.min(side0 * 2.7, pyr.width - 1, pyr.height - 1);
    const cx = face.box.x + face.box.width / 2;
    const cy = face.box.y + face.box.height / 2;
    const x0 = Math.min(Math.max(cx - side / 2, 0), pyr.width - side);
    const y0 = Math.min(Math.max(cy - side / 2, 0), pyr.height - side);
    const crop = pyr.warp(cropAffine(x0, y0, side, side, 128, 128), 128, 128, 0);
    const out = await this.backend.run('fr_liveness', toTensor(crop, { bgr: true }), [1, 3, 128, 128]);
    const p = softmax(out.output.data);
    return { score: p[0] };
  }

  /** Head pose in degrees from fr_pose (Hopenet-style 66 bins of 3 degrees). */
  async headPose(pyr: ImagePyramid, face: Face): Promise<{ yaw: number; pitch: number; roll: number }> {
    const { x, y, width: w, height: h } = face.box;
    const crop = pyr.warp(cropAffine(x - w / 4, y - h / 4, w * 1.5, h * 1.5, 224, 224), 224, 224, 0);
    const input = toTensor(crop, { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] });
    const out = await this.backend.run('fr_pose', input, [1, 3, 224, 224]);
    const angle = (logits: Float32Array): number => {
      const p = softmax(logits);
      let e = 0;
      for (let i = 0; i < p.length; i++) e += p[i] * i;
      return e * 3 - 99;
    };
    return { yaw: angle(out.output.data), pitch: angle(out['617'].data), roll: angle(out['618'].data) };
  }

  /** Probability that each eye is open, from fr_eye on 24x24 gray crops around the 68-point eye contours. */
  async eyesOpen(pyr: ImagePyramid, face: Face): Promise<[number, number]> {
    const p = face.landmarks68;
    const eye = async (contour: number[], cornerA: number, cornerB: number): Promise<number> => {
      const c = mean(p, contour);
      const size = Math.max(4, Math.abs(p[cornerB][0] - p[cornerA][0]) * 1.6);
      const crop = toGray(pyr.warp(cropAffine(c[0] - size / 2, c[1] - size / 2, size, size, 24, 24), 24, 24, 0));
      const out = await this.backend.run('fr_eye', toTensor(crop, { std: 255 }), [1, 1, 24, 24]);
      return softmax(out.output.data)[EYE_OPEN_CLASS];
    };
    return [await eye([37, 38, 40, 41], 36, 39), await eye([43, 44, 46, 47], 42, 45)];
  }

  async quality(pyr: ImagePyramid, face: Face, aligned?: RawImage): Promise<QualityReport> {
    const alignedFace = aligned ?? this.align(pyr, face);
    const [pose, eyes] = await Promise.all([this.headPose(pyr, face), this.eyesOpen(pyr, face)]);
    return assessQuality({ face, aligned: alignedFace, pose, eyesOpen: eyes });
  }
}

/** Which softmax class of fr_eye means "open" (determined on LFW, where nearly all eyes are open). */
export const EYE_OPEN_CLASS = 1;

export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const e: number[] = [];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const v = Math.exp(logits[i] - max);
    e.push(v);
    sum += v;
  }
  return e.map((v) => v / sum);
}
