import type { Request } from 'express';
import { z } from 'zod';
import { badRequest } from './api-error';
import { printable } from './clean-input';

/** Validates a JSON or form body against a strict schema (unknown fields refused); auth_token is ignored. */
export function parseBody<S extends z.ZodObject>(req: Request, schema: S): z.infer<S> {
  const raw = (req.body ?? {}) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw badRequest('request body must be a JSON object or a form', 'invalid_body');
  if (Array.isArray(req.files) && req.files.length > 0) throw badRequest('this endpoint takes no files', 'unknown_field');
  const rest = { ...(raw as Record<string, unknown>) };
  delete rest.auth_token;
  return parseWith(schema.strict(), rest) as z.infer<S>;
}

export function parseQuery<S extends z.ZodObject>(req: Request, schema: S): z.infer<S> {
  return parseWith(schema.strict(), req.query) as z.infer<S>;
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  if (issue.code === 'unrecognized_keys') throw badRequest(`unknown field '${printable(issue.keys[0])}'`, 'unknown_field');
  const field = issue.path.join('.') || 'body';
  throw badRequest(`${field}: ${issue.message}`, 'invalid_field');
}

export const isoDate = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}/.test(s), 'must be an ISO 8601 date-time')
  .transform((s) => new Date(s));

/**
 * A whole number within [min, max], sent as a JSON number or as decimal digits (forms, query
 * strings). Nothing is coerced: '', ' ', null, [], true, '0x10' and '1e3' are refused, not read as 0, 1, 16 or 1000.
 */
export const intField = (min: number, max: number) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,15}$/, `must be a whole number from ${min} to ${max}`)
        .transform(Number),
    ])
    .pipe(z.number().int().min(min).max(max));
