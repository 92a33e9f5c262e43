import { applyDecorators, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiResponse, ApiSecurity } from '@nestjs/swagger';
/** An image field as documented (runtime limits come from configuration). */
export interface DocImageField {
  name: string;
  min: number;
  many: boolean;
}

type Schema = Record<string, unknown>;

const errorSchema: Schema = {
  type: 'object',
  required: ['ok', 'error'],
  properties: { ok: { type: 'boolean', enum: [false] }, error: { type: 'string' }, code: { type: 'string' } },
};

const accuracyDoc =
  'Accuracy level 1..8 (default 4). Each level is a similarity threshold calibrated on LFW to a target false-match rate: ' +
  '1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4, 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6.';

export const boxSchema: Schema = {
  type: 'object',
  properties: { x: { type: 'number' }, y: { type: 'number' }, width: { type: 'number' }, height: { type: 'number' } },
};

const point: Schema = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 };
export const faceSchema: Schema = {
  type: 'object',
  properties: {
    box: boxSchema,
    score: { type: 'number', description: 'detector confidence 0..1' },
    landmarks: {
      type: 'object',
      properties: { left_eye: point, right_eye: point, nose: point, mouth_left: point, mouth_right: point },
    },
  },
};

function bodySchemas(images: readonly DocImageField[], accuracy: boolean): { multipart: Schema; json: Schema } {
  const multipart: Schema = { type: 'object', properties: {}, required: [] as string[] };
  const json: Schema = { type: 'object', properties: {}, required: [] as string[], additionalProperties: false };
  for (const s of images) {
    const many = s.many;
    const desc = many
      ? `at least ${s.min} images, at most FACENITION_MAX_IMAGES (default 10) in the whole request; repeat the field`
      : 'one image';
    (multipart.properties as Record<string, Schema>)[s.name] = many
      ? { type: 'array', items: { type: 'string', format: 'binary' }, minItems: s.min, description: desc }
      : { type: 'string', format: 'binary', description: 'JPEG, PNG or WebP' };
    (json.properties as Record<string, Schema>)[s.name] = many
      ? { type: 'array', items: { type: 'string', format: 'byte' }, minItems: s.min, description: `${desc}, base64` }
      : { type: 'string', format: 'byte', description: 'base64 (or a data: URL) of a JPEG, PNG or WebP' };
    (multipart.required as string[]).push(s.name);
    (json.required as string[]).push(s.name);
  }
  for (const target of [multipart, json]) {
    const props = target.properties as Record<string, Schema>;
    if (accuracy) props.accuracy = { type: 'integer', minimum: 1, maximum: 8, default: 4, description: accuracyDoc };
    props.auth_token = { type: 'string', description: 'client token, if not sent in the X-Auth-Token header' };
  }
  return { multipart, json };
}

/** One decorator per endpoint: route, status, auth, both body encodings and the documented responses. */
export function ImageEndpoint(opts: {
  path: string;
  summary: string;
  description: string;
  images: readonly DocImageField[];
  accuracy: boolean;
  response: Schema;
}): MethodDecorator {
  const { multipart, json } = bodySchemas(opts.images, opts.accuracy);
  return applyDecorators(
    Post(opts.path),
    HttpCode(200),
    ApiOperation({ summary: opts.summary, description: opts.description }),
    ApiSecurity('client-token'),
    ApiConsumes('multipart/form-data', 'application/json'),
    ApiBody({
      required: true,
      schema: { oneOf: [multipart, json] },
      description: 'multipart/form-data with image files, or a JSON object with base64 strings',
    }),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: ['ok'],
        properties: { ok: { type: 'boolean', enum: [true] }, ...(opts.response.properties as object) },
      },
    }),
    ApiResponse({
      status: 400,
      description: 'bad input: not an image, no face, unknown/missing field, bad accuracy, bad base64',
      schema: errorSchema,
    }),
    ApiResponse({ status: 401, description: 'missing or invalid client token', schema: errorSchema }),
    ApiResponse({ status: 413, description: 'body or file larger than the configured limit', schema: errorSchema }),
    ApiResponse({ status: 415, description: 'content type other than multipart/form-data or application/json', schema: errorSchema }),
    ApiResponse({ status: 503, description: 'inference queue full; retry after the Retry-After seconds', schema: errorSchema }),
  );
}
