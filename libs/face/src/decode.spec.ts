import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage, DEFAULT_DECODE_LIMITS } from './decode';
import { InvalidImageError } from './errors';
import { ANIMATED_GIF, pngHeaderOnly } from './testing/malformed-images';

const fixture = (n: string): Buffer => readFileSync(join(__dirname, '../../../test/fixtures', n));

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toBeInstanceOf(InvalidImageError);
  await expect(p).rejects.toMatchObject({ code });
}

describe('decodeImage', () => {
  it('decodes a JPEG to 8-bit RGB at its size', async () => {
    const d = await decodeImage(fixture('George_W_Bush_0001.jpg'));
    expect(d.image).toMatchObject({ width: 250, height: 250, channels: 3 });
    expect(d.image.data.length).toBe(250 * 250 * 3);
  });

  it('decodes PNG and WebP with alpha flattened', async () => {
    const rgba = await sharp({ create: { width: 64, height: 48, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } })
      .png()
      .toBuffer();
    const png = await decodeImage(rgba);
    expect(png.image).toMatchObject({ width: 64, height: 48, channels: 3 });
    const webp = await decodeImage(await sharp(rgba).webp().toBuffer());
    expect(webp.image.channels).toBe(3);
  });

  it('applies EXIF orientation (6 = rotate 90° clockwise)', async () => {
    const rotated = await sharp(fixture('George_W_Bush_0001.jpg'))
      .resize(120, 80, { fit: 'fill' })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const d = await decodeImage(rotated);
    expect([d.image.width, d.image.height]).toEqual([80, 120]);
    expect([d.originalWidth, d.originalHeight]).toEqual([80, 120]);
  });

  it('refuses empty, non-image, truncated, tiny, huge and animated input with distinct codes', async () => {
    await expectCode(decodeImage(Buffer.alloc(0)), 'empty_image');
    await expectCode(decodeImage(Buffer.from('hello, I am not a JPEG')), 'not_an_image');
    const jpg = fixture('Colin_Powell_0001.jpg');
    await expectCode(decodeImage(jpg.subarray(0, Math.floor(jpg.length / 2))), 'corrupt_image');
    const onePixel = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    await expectCode(decodeImage(onePixel), 'image_too_small');
    await expectCode(decodeImage(pngHeaderOnly(20000, 20000)), 'image_too_many_pixels');
    await expectCode(decodeImage(ANIMATED_GIF), 'animated_image');
    const frame = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#f00' } })
      .png()
      .toBuffer();
    const still = await sharp(frame).gif().toBuffer();
    await expectCode(decodeImage(still), 'unsupported_format');
    await expectCode(decodeImage(jpg, { ...DEFAULT_DECODE_LIMITS, maxBytes: 100 }), 'image_too_large');
  });

  it('down-scales images beyond the working size and reports the original size', async () => {
    const big = await sharp({ create: { width: 3000, height: 1000, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    const d = await decodeImage(big, { ...DEFAULT_DECODE_LIMITS, workingMaxSide: 1500 });
    expect([d.image.width, d.image.height, d.originalWidth, d.originalHeight]).toEqual([1500, 500, 3000, 1000]);
  });
});
