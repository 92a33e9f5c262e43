import {
  cropAffine,
  halve,
  ImagePyramid,
  toGray,
  toTensor,
  warpBilinear,
  warpBilinearReference,
  type Affine,
  type RawImage,
} from './image';

function gradient(w: number, h: number): RawImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      data[o] = x % 256;
      data[o + 1] = y % 256;
      data[o + 2] = 200;
    }
  return { width: w, height: h, channels: 3, data };
}

describe('image primitives', () => {
  it('halve averages 2x2 blocks', () => {
    const img: RawImage = { width: 2, height: 2, channels: 1, data: Uint8Array.from([0, 100, 200, 100]) };
    expect(Array.from(halve(img).data)).toEqual([100]);
  });

  it('an identity crop reproduces the image exactly', () => {
    const img = gradient(40, 30);
    const out = new ImagePyramid(img).warp(cropAffine(0, 0, 40, 30, 40, 30), 40, 30);
    expect(Buffer.from(out.data).equals(Buffer.from(img.data))).toBe(true);
  });

  it('a 4x down-scale samples a coarser pyramid level and keeps the mean', () => {
    const img = gradient(200, 200);
    const out = new ImagePyramid(img).warp(cropAffine(0, 0, 200, 200, 50, 50), 50, 50);
    // red channel of column j should be near the mean of source columns 4j..4j+3
    expect(out.data[(10 * 50 + 10) * 3]).toBeGreaterThanOrEqual(40);
    expect(out.data[(10 * 50 + 10) * 3]).toBeLessThanOrEqual(43);
    expect(out.data[(10 * 50 + 10) * 3 + 2]).toBe(200);
  });

  it('pixels outside the image take the fill value', () => {
    const out = new ImagePyramid(gradient(10, 10)).warp(cropAffine(-20, -20, 10, 10, 10, 10), 10, 10, 127);
    expect(out.data.every((v) => v === 127)).toBe(true);
  });

  it('toTensor writes planar channels and swaps to BGR on request', () => {
    const img: RawImage = { width: 1, height: 1, channels: 3, data: Uint8Array.from([10, 20, 30]) };
    expect(Array.from(toTensor(img, {}))).toEqual([10, 20, 30]);
    expect(Array.from(toTensor(img, { bgr: true, mean: 10, std: 2 }))).toEqual([10, 5, 0]);
  });
});

describe('warpBilinear fast path', () => {
  it('gives exactly the reference output for scale + translation maps (up, down, off the edges, gray and RGB)', () => {
    const img = gradient(97, 61);
    let seed = 7;
    for (let i = 0; i < img.data.length; i++) img.data[i] = (img.data[i] + ((seed = (seed * 1103515245 + 12345) >>> 0) % 37)) & 255;
    const gray = toGray(img);
    const maps: Affine[] = [
      cropAffine(0, 0, 97, 61, 320, 240),
      cropAffine(-13.3, 5.7, 60.2, 40.9, 64, 64),
      cropAffine(80, 50, 40, 40, 33, 17),
      cropAffine(-200, -200, 10, 10, 8, 8),
      [0.31, 0, 2.2, 0, 0.47, -1.4],
    ];
    for (const m of maps) {
      for (const src of [img, gray]) {
        const fast = warpBilinear(src, m, 50, 40, 127);
        const ref = warpBilinearReference(src, m, 50, 40, 127);
        expect(Buffer.from(fast.data).equals(Buffer.from(ref.data))).toBe(true);
      }
    }
  });
});

describe('halve', () => {
  it('matches a direct 2x2 box average on odd and even sizes, gray and RGB, and handles 1-pixel sides', () => {
    for (const [w, h] of [
      [7, 5],
      [8, 6],
      [1, 9],
      [9, 1],
      [2, 2],
    ]) {
      for (const c of [1, 3] as const) {
        const data = Uint8Array.from({ length: w * h * c }, (_, i) => (i * 37 + 11) & 255);
        const out = halve({ width: w, height: h, channels: c, data });
        const ow = Math.max(1, w >> 1);
        const oh = Math.max(1, h >> 1);
        expect([out.width, out.height]).toEqual([ow, oh]);
        const at = (x: number, y: number, k: number) => data[(Math.min(y, h - 1) * w + Math.min(x, w - 1)) * c + k];
        for (let y = 0; y < oh; y++)
          for (let x = 0; x < ow; x++)
            for (let k = 0; k < c; k++) {
              const want = (at(2 * x, 2 * y, k) + at(2 * x + 1, 2 * y, k) + at(2 * x, 2 * y + 1, k) + at(2 * x + 1, 2 * y + 1, k) + 2) >> 2;
              expect(out.data[(y * ow + x) * c + k]).toBe(want);
            }
      }
    }
  });
});
