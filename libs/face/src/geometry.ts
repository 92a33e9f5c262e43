export type Point = readonly [number, number];

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Share of box `a` that lies inside box `b`. */
export function containedIn(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const area = a.width * a.height;
  return area > 0 ? (w * h) / area : 0;
}

/**
 * Greedy non-maximum suppression: highest score first; a box is dropped when it overlaps a kept
 * box by IoU > iouThreshold, or lies mostly (> 80%) inside it — the partial face that a tile
 * border cuts off is such a box.
 */
export function nms<T extends { box: Box; score: number }>(items: readonly T[], iouThreshold: number): T[] {
  const sorted = [...items].sort((p, q) => q.score - p.score);
  const kept: T[] = [];
  for (const cand of sorted) {
    if (kept.every((k) => iou(k.box, cand.box) <= iouThreshold && containedIn(cand.box, k.box) <= 0.8)) kept.push(cand);
  }
  return kept;
}

/**
 * Least-squares similarity transform (rotation, uniform scale, translation; no reflection) that
 * maps `src` points onto `dst` points. Returns the 2x3 matrix [a, -b, tx, b, a, ty].
 */
export function similarityTransform(src: readonly Point[], dst: readonly Point[]): [number, number, number, number, number, number] {
  const n = src.length;
  let sx = 0,
    sy = 0,
    dx = 0,
    dy = 0;
  for (let i = 0; i < n; i++) {
    sx += src[i][0];
    sy += src[i][1];
    dx += dst[i][0];
    dy += dst[i][1];
  }
  sx /= n;
  sy /= n;
  dx /= n;
  dy /= n;
  let num1 = 0,
    num2 = 0,
    den = 0;
  for (let i = 0; i < n; i++) {
    const px = src[i][0] - sx,
      py = src[i][1] - sy;
    const qx = dst[i][0] - dx,
      qy = dst[i][1] - dy;
    num1 += px * qx + py * qy;
    num2 += px * qy - py * qx;
    den += px * px + py * py;
  }
  if (den === 0) throw new Error('degenerate landmarks');
  const a = num1 / den;
  const b = num2 / den;
  return [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)];
}

/** Inverse of a similarity matrix produced by similarityTransform. */
export function invertSimilarity(m: readonly number[]): [number, number, number, number, number, number] {
  const a = m[0],
    b = m[3],
    tx = m[2],
    ty = m[5];
  const s = a * a + b * b;
  const ia = a / s,
    ib = -b / s;
  // inverse linear part [ia, -ib; ib, ia], translation -(inv * t)
  return [ia, -ib, -(ia * tx - ib * ty), ib, ia, -(ib * tx + ia * ty)];
}
