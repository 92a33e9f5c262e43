import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

export const FIXTURES = join(__dirname, '../fixtures');
export const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, `${name}.jpg`));

/** Two LFW fixtures side by side: two faces, the left one larger. */
export async function twoFaces(): Promise<Buffer> {
  const left = await sharp(fixture('George_W_Bush_0001')).resize(300, 300).toBuffer();
  const right = await sharp(fixture('Colin_Powell_0001')).resize(200, 200).toBuffer();
  return sharp({ create: { width: 520, height: 320, channels: 3, background: '#777' } })
    .composite([
      { input: left, left: 0, top: 10 },
      { input: right, left: 310, top: 60 },
    ])
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** A photo with no face: smooth gradient plus mild noise. */
export async function noFace(): Promise<Buffer> {
  const w = 320;
  const h = 240;
  const raw = Buffer.alloc(w * h * 3);
  let seed = 1;
  for (let i = 0; i < w * h; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const n = (seed >>> 24) % 16;
    raw[3 * i] = (i % w) % 256;
    raw[3 * i + 1] = 100 + n;
    raw[3 * i + 2] = Math.floor(i / w) % 256;
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .jpeg()
    .toBuffer();
}
