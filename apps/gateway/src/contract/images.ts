import { ApiError, badRequest } from '../common/api-error';

/** An image field: repeated multipart files, or a base64 string / array of them in JSON. */
export interface ImageField {
  name: string;
  /** Other names accepted for the same images (e.g. `image` for `photo`); errors use `name`. */
  aliases?: readonly string[];
  min: number;
  /** A number, or 'config' = FACENITION_MAX_IMAGES less the request's other images. */
  max: number | 'config';
  description: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
const DATA_URL = /^data:([a-z]+\/[a-z0-9.+-]+)?(;[a-z-]+=[^;,]+)*;base64,/i;

/** Decodes a base64 / base64url string (optionally a data: URL) strictly; refuses anything else. */
export function decodeBase64Image(value: string, field: string): Buffer {
  const stripped = value.replace(DATA_URL, '').replace(/\s+/g, '');
  if (stripped.length === 0) throw badRequest(`'${field}' is an empty string`, 'empty_image');
  if (!(BASE64.test(stripped) || BASE64URL.test(stripped)) || stripped.replace(/=+$/, '').length % 4 === 1) {
    throw badRequest(`'${field}' is not valid base64`, 'invalid_base64');
  }
  return Buffer.from(stripped, BASE64.test(stripped) ? 'base64' : 'base64url');
}

/** The images of every image field, from multipart files and base64 JSON alike; counts checked per field. */
export function readImages(
  body: Record<string, unknown>,
  files: readonly { fieldname: string; buffer: Buffer }[],
  fields: readonly ImageField[],
  maxImages: number,
): Map<string, Buffer[]> {
  const images = new Map<string, Buffer[]>();
  const fixed = fields.reduce((n, f) => n + (f.max === 'config' ? 0 : f.max), 0);
  for (const spec of fields) {
    const max = spec.max === 'config' ? Math.max(spec.min, maxImages - fixed) : spec.max;
    const names = [spec.name, ...(spec.aliases ?? [])];
    const fromFiles = files.filter((f) => names.includes(f.fieldname)).map((f) => f.buffer);
    const values: unknown[] = [];
    for (const n of names) {
      const raw = body[n];
      if (raw !== undefined) values.push(...(Array.isArray(raw) ? (raw as unknown[]) : [raw]));
    }
    if (!values.every((v): v is string => typeof v === 'string')) {
      throw badRequest(`'${spec.name}' must be a base64 string or an array of base64 strings (or a multipart file)`, 'invalid_field');
    }
    if (values.length > max) throw tooMany(spec.name, max);
    const fromJson = values.map((v, i) => decodeBase64Image(v, values.length > 1 ? `${spec.name}[${i}]` : spec.name));
    const all = [...fromFiles, ...fromJson];
    if (all.length < spec.min) {
      throw badRequest(
        spec.min === 1 ? `missing image field '${spec.name}'` : `'${spec.name}' needs at least ${spec.min} images, got ${all.length}`,
        'missing_field',
      );
    }
    if (all.length > max) throw tooMany(spec.name, max);
    images.set(spec.name, all);
  }
  return images;
}

const tooMany = (name: string, max: number): ApiError => badRequest(`too many images in '${name}': at most ${max}`, 'too_many_images');
