import type { Face } from './engine';
import { toGray, type RawImage } from './image';

/**
 * Face image quality in the spirit of ISO/IEC 29794-5: a 0-100 unified score built from
 * explainable components, each itself 0-100 with the measured value it came from.
 */
export type QualityComponentName = 'face_size' | 'sharpness' | 'exposure' | 'head_pose' | 'eyes_open';

export interface QualityComponent {
  /** 0 (unusable) .. 100 (ideal). */
  score: number;
  /** The measured quantity behind the score. */
  value: Record<string, number>;
  /** Whether the component reaches the level an enrolment photo needs (score >= 50). */
  acceptable: boolean;
}

export interface QualityReport {
  score: number;
  components: Record<QualityComponentName, QualityComponent>;
}

export const QUALITY_ACCEPTABLE = 50;

/** Weights of the components in the unified score (a weighted geometric mean). */
export const QUALITY_WEIGHTS: Readonly<Record<QualityComponentName, number>> = {
  face_size: 0.2,
  sharpness: 0.2,
  exposure: 0.15,
  head_pose: 0.25,
  eyes_open: 0.2,
};

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));
const ramp = (v: number, lo: number, hi: number): number => clamp01((v - lo) / (hi - lo));
const r2 = (v: number): number => Math.round(v * 100) / 100;

function component(score01: number, value: Record<string, number>): QualityComponent {
  const score = Math.round(score01 * 100);
  return { score, value, acceptable: score >= QUALITY_ACCEPTABLE };
}

/**
 * Inter-eye distance in image pixels. The recogniser works on a 112x112 crop in which the eyes
 * are ~35 px apart: faces with IED >= 35 px are used at full detail; below 10 px nothing useful remains.
 */
export function faceSizeComponent(face: Face): QualityComponent {
  const [l, r] = face.landmarks;
  const ied = Math.hypot(r[0] - l[0], r[1] - l[1]);
  return component(ramp(ied, 10, 35), { inter_eye_distance_px: r2(ied) });
}

/** Variance of the 4-neighbour Laplacian over the inner 80x80 of the aligned 112x112 gray face. */
export function laplacianVariance(aligned: RawImage): number {
  const g = toGray(aligned);
  const w = g.width;
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let y = 16; y < 96; y++) {
    for (let x = 16; x < 96; x++) {
      const i = y * w + x;
      const lap = g.data[i - 1] + g.data[i + 1] + g.data[i - w] + g.data[i + w] - 4 * g.data[i];
      sum += lap;
      sum2 += lap * lap;
      n++;
    }
  }
  const m = sum / n;
  return sum2 / n - m * m;
}

/** Sharpness: log-scaled Laplacian variance; <= 15 is blurred beyond use, >= 250 is crisp. */
export function sharpnessComponent(aligned: RawImage): QualityComponent {
  const v = laplacianVariance(aligned);
  return component(ramp(Math.log10(Math.max(v, 1e-6)), Math.log10(15), Math.log10(250)), { laplacian_variance: r2(v) });
}

/**
 * Exposure of the inner face: mean gray level should sit in 70..185 (falling to 0 at 20 and 240),
 * and few pixels should be clipped to black (< 8) or white (> 247).
 */
export function exposureComponent(aligned: RawImage): QualityComponent {
  const g = toGray(aligned);
  let sum = 0;
  let clipped = 0;
  let n = 0;
  for (let y = 24; y < 104; y++) {
    for (let x = 20; x < 92; x++) {
      const v = g.data[y * g.width + x];
      sum += v;
      if (v < 8 || v > 247) clipped++;
      n++;
    }
  }
  const m = sum / n;
  const frac = clipped / n;
  const brightness = m < 70 ? ramp(m, 20, 70) : 1 - ramp(m, 185, 240);
  const clipping = 1 - ramp(frac, 0.02, 0.3);
  return component(Math.min(brightness, clipping), { mean_gray: r2(m), clipped_fraction: r2(frac) });
}

/** Head pose: 100 when frontal, 0 at |yaw| >= 45 or |pitch| >= 35 degrees; roll is undone by alignment. */
export function headPoseComponent(pose: { yaw: number; pitch: number; roll: number }): QualityComponent {
  const off = Math.max(Math.abs(pose.yaw) / 45, Math.abs(pose.pitch) / 35);
  return component(1 - clamp01(off * off), { yaw_deg: r2(pose.yaw), pitch_deg: r2(pose.pitch), roll_deg: r2(pose.roll) });
}

/** Eyes open: the lower of the two eyes' open probabilities from fr_eye. */
export function eyesOpenComponent(eyes: [number, number]): QualityComponent {
  return component(Math.min(eyes[0], eyes[1]), { left_open_probability: r2(eyes[0]), right_open_probability: r2(eyes[1]) });
}

export function assessQuality(input: {
  face: Face;
  aligned: RawImage;
  pose: { yaw: number; pitch: number; roll: number };
  eyesOpen: [number, number];
}): QualityReport {
  const components: Record<QualityComponentName, QualityComponent> = {
    face_size: faceSizeComponent(input.face),
    sharpness: sharpnessComponent(input.aligned),
    exposure: exposureComponent(input.aligned),
    head_pose: headPoseComponent(input.pose),
    eyes_open: eyesOpenComponent(input.eyesOpen),
  };
  let logSum = 0;
  for (const [name, c] of Object.entries(components) as [QualityComponentName, QualityComponent][]) {
    logSum += QUALITY_WEIGHTS[name] * Math.log(Math.max(c.score, 1) / 100);
  }
  return { score: Math.round(Math.exp(logSum) * 100), components };
}
