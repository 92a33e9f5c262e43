import sharp from 'sharp';
import { InvalidImageError } from './errors';
import type { RawImage } from './image';

export interface DecodeLimits {
  /** Largest accepted encoded size in bytes. */
  maxBytes: number;
  /** Largest accepted width*height of the encoded image (checked from the header, before decoding). */
  maxPixels: number;
  /** Smallest accepted width and height. */
  minSide: number;
  /** Images whose longer side exceeds this are down-scaled while decoding (bounds memory and time). */
  workingMaxSide: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxPixels: 40_000_000,
  minSide: 32,
  workingMaxSide: 4096,
};

const ACCEPTED = new Set(['jpeg', 'png', 'webp']);

// libvips runs its own threads; the engine already runs one decode per worker thread.
sharp.concurrency(1);
sharp.cache(false);

/**
 * Decodes JPEG, PNG or WebP bytes to 8-bit sRGB RGB, EXIF orientation applied, alpha flattened.
 * Refuses non-images, truncated files, animations, other formats and oversized images before
 * they are decompressed.
 */
export interface DecodedImage {
  /** Working image (down-scaled if the original exceeded `workingMaxSide`). */
  image: RawImage;
  /** Size of the upright (EXIF-rotated) original; coordinates reported to callers use it. */
  originalWidth: number;
  originalHeight: number;
}

export async function decodeImage(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<DecodedImage> {
  if (bytes.length === 0) throw new InvalidImageError('image is empty (0 bytes)', 'empty_image');
  if (bytes.length > limits.maxBytes) {
    throw new InvalidImageError(`image is ${bytes.length} bytes; the limit is ${limits.maxBytes}`, 'image_too_large');
  }
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const meta = await sharp(input, { limitInputPixels: false, pages: 1 })
    .metadata()
    .catch(() => {
      throw new InvalidImageError('not a decodable image (expected JPEG, PNG or WebP)', 'not_an_image');
    });
  const format = meta.format ?? 'unknown';
  if ((meta.pages ?? 1) > 1) {
    throw new InvalidImageError('animated or multi-page images are not accepted; send a single frame', 'animated_image');
  }
  if (!ACCEPTED.has(format)) {
    throw new InvalidImageError(`unsupported image format '${format}' (accepted: JPEG, PNG, WebP)`, 'unsupported_format');
  }
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  if (w * h > limits.maxPixels) {
    throw new InvalidImageError(`image is ${w}x${h} = ${w * h} pixels; the limit is ${limits.maxPixels}`, 'image_too_many_pixels');
  }
  if (w < limits.minSide || h < limits.minSide) {
    throw new InvalidImageError(`image is ${w}x${h}; the minimum is ${limits.minSide}x${limits.minSide}`, 'image_too_small');
  }
  try {
    let pipeline = sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'warning', sequentialRead: true })
      .rotate()
      .toColourspace('srgb')
      .flatten({ background: '#808080' })
      .removeAlpha();
    if (Math.max(w, h) > limits.workingMaxSide) {
      pipeline = pipeline.resize(limits.workingMaxSide, limits.workingMaxSide, { fit: 'inside', kernel: 'lanczos3' });
    }
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected channel count ${info.channels}`);
    const swap = (meta.orientation ?? 1) >= 5;
    return {
      image: { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) },
      originalWidth: swap ? h : w,
      originalHeight: swap ? w : h,
    };
  } catch (err) {
    if (err instanceof InvalidImageError) throw err;
    throw new InvalidImageError('image data is corrupt or truncated', 'corrupt_image');
  }
}
