import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { badRequest } from '../common/api-error';

extendZodWithOpenApi(z);

/**
 * Field builders of the API edge. Each one validates a field and documents it (zod-to-openapi
 * metadata) in one place, and writes the message a client sees. Forms and query strings carry
 * text only, so numbers are accepted as JSON numbers or as decimal digits, never coerced from
 * anything else. A field that is absent, null or an empty string counts as not sent.
 */

const blank = (v: unknown): unknown => (v === '' || v === null ? undefined : v);

/** Not sent (absent, null or '') = undefined; otherwise validated by `schema`. */
export const optional = <S extends z.ZodType>(schema: S) => z.preprocess(blank, schema.optional());

/** A required text field; `missing field 'name'` when absent or empty. */
export function text(name: string, max: number, doc: string) {
  return z
    .preprocess(
      blank,
      z
        .string({ error: (iss) => (iss.input === undefined ? `missing field '${name}'` : `'${name}' must be a string`) })
        .max(max, `'${name}' is longer than ${max} characters`),
    )
    .openapi({ type: 'string', maxLength: max, description: doc });
}

/** An optional text field. */
export function optionalText(name: string, max: number, doc: string) {
  return optional(z.string({ error: `'${name}' must be a string` }).max(max, `'${name}' is longer than ${max} characters`)).openapi({
    type: 'string',
    maxLength: max,
    description: doc,
  });
}

/** A whole number within [min, max], as a JSON number or decimal digits. */
export function integer(
  name: string,
  min: number,
  max: number,
  doc: string,
  message = `'${name}' must be a whole number from ${min} to ${max}`,
) {
  return z
    .union(
      [
        z.number({ error: message }),
        z
          .string({ error: message })
          .regex(/^\s*\d{1,15}\s*$/, message)
          .transform(Number),
      ],
      {
        error: message,
      },
    )
    .pipe(z.number().int(message).min(min, message).max(max, message))
    .openapi({ type: 'integer', minimum: min, maximum: max, description: doc });
}

/** An optional yes/no field: a JSON boolean, or the text true / false (forms carry text only). Default false. */
export function flag(name: string, doc: string) {
  const message = `'${name}' must be true or false`;
  return optional(
    z.union([z.boolean({ error: message }), z.enum(['true', 'false'], { error: message }).transform((v) => v === 'true')], {
      error: message,
    }),
  )
    .default(false)
    .openapi({ type: 'boolean', default: false, description: doc });
}

export const DEFAULT_ACCURACY = 4;

export const ACCURACY_DOC =
  'Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: ' +
  '1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6.';

/** `accuracy` 1..8 (reported with code invalid_accuracy). */
export const accuracy = (doc = ACCURACY_DOC) =>
  optional(integer('accuracy', 1, 8, doc, 'accuracy must be an integer from 1 to 8')).openapi({
    type: 'integer',
    minimum: 1,
    maximum: 8,
    description: doc,
  });

/** An ISO 8601 date-time (at least YYYY-MM-DD), as a Date. */
export function isoDateTime(name: string, doc: string) {
  return z
    .string({ error: `'${name}' must be an ISO 8601 date-time` })
    .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), `'${name}' must be an ISO 8601 date-time`)
    .transform((s) => new Date(s))
    .openapi({ type: 'string', format: 'date-time', description: doc });
}

export const uuid = (name: string, doc: string) =>
  z
    .string({ error: `'${name}' must be a UUID` })
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, `'${name}' must be a UUID`)
    .openapi({ type: 'string', format: 'uuid', description: doc });

export const hexId = (name: string, doc: string) =>
  z
    .string({ error: `'${name}' must be 32 hex characters` })
    .regex(/^[0-9a-fA-F]{32}$/, `'${name}' must be 32 hex characters`)
    .openapi({ type: 'string', pattern: '^[0-9a-fA-F]{32}$', description: doc });

/** A token expiry: either `expires_at` (ISO 8601, in the future) or `ttl` (seconds, 60 s .. 10 years), or neither. */
export const expiryFields = {
  expires_at: optional(isoDateTime('expires_at', 'when the token expires (ISO 8601, in the future); or send ttl')),
  ttl: optional(
    integer(
      'ttl',
      60,
      10 * 366 * 86_400,
      'lifetime in seconds (60 s .. 10 years); or send expires_at',
      "'ttl' must be whole seconds from 60 to 10 years",
    ),
  ),
};

/** Resolves `expires_at` / `ttl` against the clock; refuses both at once, a past date and dates past 2106. */
export function expiryOf(fields: { expires_at?: Date; ttl?: number }, now: Date): Date | null {
  const { expires_at: at, ttl } = fields;
  if (at !== undefined && ttl !== undefined) throw badRequest("send either 'expires_at' or 'ttl', not both", 'invalid_field');
  if (at !== undefined) {
    if (at.getTime() <= now.getTime()) throw badRequest("'expires_at' must be in the future", 'invalid_field');
    if (at.getTime() >= 2 ** 32 * 1000) throw badRequest("'expires_at' is too far in the future", 'invalid_field');
    return at;
  }
  return ttl === undefined ? null : new Date(now.getTime() + ttl * 1000);
}

export { z };
