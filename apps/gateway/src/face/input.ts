import type { Request } from 'express';
import { ApiError, badRequest } from '../common/api-error';
import { printable } from '../common/clean-input';

export interface ImageFieldSpec {
  name: string;
  min: number;
  max: number;
  /** Other names accepted for the same images (e.g. `image` for `photo`); errors use `name`. */
  aliases?: readonly string[];
}

export interface EndpointInput {
  images: Map<string, Buffer[]>;
  accuracy: number;
  /** accuracy as sent (undefined when absent), for endpoints whose default comes from elsewhere */
  accuracyGiven: boolean;
  /** the endpoint's other scalar fields, as sent (strings from forms; any JSON type from JSON) */
  fields: Record<string, unknown>;
}

export const DEFAULT_ACCURACY = 4;
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

export function parseAccuracy(raw: unknown): number {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_ACCURACY;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 8) throw badRequest('accuracy must be an integer from 1 to 8', 'invalid_accuracy');
  return n;
}

/**
 * Reads an endpoint's images from multipart files (field name repeated for several) or from a
 * JSON body (base64 string or array of strings), plus the optional `accuracy`. Unknown fields,
 * missing images and too many images are refused with a message naming the field.
 */
export function readEndpointInput(
  req: Request,
  specs: readonly ImageFieldSpec[],
  opts: { accuracy: boolean; fields?: readonly string[] },
): EndpointInput {
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest('request body must be a JSON object or a form', 'invalid_body');
  const files = Array.isArray(req.files) ? req.files : [];
  const allowed = new Set<string>(['auth_token', ...specs.flatMap((s) => [s.name, ...(s.aliases ?? [])])]);
  if (opts.accuracy) allowed.add('accuracy');
  for (const f of opts.fields ?? []) allowed.add(f);
  for (const key of [...Object.keys(body), ...files.map((f) => f.fieldname)]) {
    if (!allowed.has(key)) {
      throw badRequest(
        `unknown field '${printable(key)}'; expected ${[...allowed]
          .filter((k) => k !== 'auth_token')
          .map((k) => `'${k}'`)
          .join(', ')}`,
        'unknown_field',
      );
    }
  }
  const images = new Map<string, Buffer[]>();
  for (const spec of specs) {
    const names = [spec.name, ...(spec.aliases ?? [])];
    const fromFiles = files.filter((f) => names.includes(f.fieldname)).map((f) => f.buffer);
    const values: unknown[] = [];
    for (const n of names) {
      const raw = body[n];
      if (raw !== undefined) values.push(...(Array.isArray(raw) ? (raw as unknown[]) : [raw]));
    }
    let fromJson: Buffer[] = [];
    if (values.length) {
      if (!values.every((v): v is string => typeof v === 'string')) {
        throw badRequest(`'${spec.name}' must be a base64 string or an array of base64 strings (or a multipart file)`, 'invalid_field');
      }
      if (values.length > spec.max) throw tooMany(spec);
      fromJson = values.map((v, i) => decodeBase64Image(v, values.length > 1 ? `${spec.name}[${i}]` : spec.name));
    }
    const all = [...fromFiles, ...fromJson];
    if (all.length < spec.min) {
      throw badRequest(
        spec.min === 1 ? `missing image field '${spec.name}'` : `'${spec.name}' needs at least ${spec.min} images, got ${all.length}`,
        'missing_field',
      );
    }
    if (all.length > spec.max) throw tooMany(spec);
    images.set(spec.name, all);
  }
  const fields: Record<string, unknown> = {};
  for (const f of opts.fields ?? []) fields[f] = body[f];
  const given = body.accuracy !== undefined && body.accuracy !== null && body.accuracy !== '';
  return {
    images,
    accuracy: opts.accuracy ? parseAccuracy(body.accuracy) : DEFAULT_ACCURACY,
    accuracyGiven: opts.accuracy && given,
    fields,
  };
}

function tooMany(spec: ImageFieldSpec): ApiError {
  return badRequest(`too many images in '${spec.name}': at most ${spec.max}`, 'too_many_images');
}
