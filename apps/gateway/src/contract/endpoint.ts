import { applyDecorators, Get, HttpCode, Post, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { z } from 'zod';
import { badRequest } from '../common/api-error';
import { printable, withoutControls } from '../common/clean-input';
import { AdminOnly, Public, Unmetered, type Access } from '../common/public.decorator';
import { readImages, type ImageField } from './images';

/** The statuses an endpoint documents besides 200; the codes under each come from ERRORS (contract/errors.ts). */
export type ErrorGroup =
  'input' | 'image' | 'auth' | 'admin' | 'quota' | 'busy' | 'license' | 'token' | 'client' | 'status_list' | 'forbidden';

/**
 * One endpoint of the public contract: route, access, inputs, answer and errors, in one place.
 * The edge validates requests with these schemas (parseInput) and the OpenAPI document is
 * written from them (contract/openapi.ts), so the two cannot disagree.
 */
export interface EndpointDef<
  B extends z.ZodObject = z.ZodObject,
  Q extends z.ZodObject = z.ZodObject,
  P extends z.ZodObject = z.ZodObject,
> {
  method: 'get' | 'post';
  /** OpenAPI style: /admin/clients/{id}/revoke */
  path: string;
  /** Unique and stable: SDK method names derive from it. */
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  /** Client endpoints that do not count against quotas (self-service). */
  unmetered?: boolean;
  /** Body encodings accepted: json (default for POST), multipart (with images), form (URL-encoded). */
  encodings?: readonly ('json' | 'multipart' | 'form')[];
  images?: readonly ImageField[];
  body?: B;
  /** A body taken as one document (no field check), e.g. a signed status list; its schema documents it. */
  document?: z.ZodType;
  /** The document may also come wrapped as `{ "<documentWrapper>": document }`. */
  documentWrapper?: string;
  /** How the README's fields table names the document. */
  documentLabel?: string;
  query?: Q;
  params?: P;
  /** The 200 answer (without `ok: true`, which is added). Omitted for non-JSON answers (see `produces`). */
  response?: z.ZodObject;
  /** The 200 answer is exactly `response`, without `ok` (an identity provider's own answer format). */
  bareResponse?: boolean;
  /** Media types of a non-JSON 200 answer (e.g. exports). */
  produces?: readonly string[];
  errors: readonly ErrorGroup[];
  /** Endpoint-specific error codes (status -> codes), besides the groups'. */
  extraErrors?: Readonly<Record<number, readonly string[]>>;
}

export const ENDPOINT = 'facenition:endpoint';

/** Route + status 200 + access + the definition as metadata (the route table test reads it). */
export function Endpoint(def: EndpointDef): MethodDecorator {
  const route = def.path.replace(/\{(\w+)\}/g, ':$1').replace(/^\//, '');
  const decorators: (MethodDecorator | ClassDecorator)[] = [def.method === 'get' ? Get(route) : Post(route), SetMetadata(ENDPOINT, def)];
  if (def.method === 'post') decorators.push(HttpCode(200));
  if (def.access === 'public') decorators.push(Public());
  if (def.access === 'admin') decorators.push(AdminOnly());
  if (def.unmetered) decorators.push(Unmetered());
  return applyDecorators(...decorators);
}

export interface ParsedInput<D extends EndpointDef> {
  body: D['body'] extends z.ZodObject ? z.output<D['body']> : Record<string, never>;
  query: D['query'] extends z.ZodObject ? z.output<D['query']> : Record<string, never>;
  params: D['params'] extends z.ZodObject ? z.output<D['params']> : Record<string, never>;
  images: Map<string, Buffer[]>;
  /** The body as one document (endpoints with `document`), without auth_token. */
  document: unknown;
  /** Fields the caller sent (not defaults), e.g. to tell an explicit accuracy from none. */
  sent: ReadonlySet<string>;
}

/** Limits that come from configuration rather than from the definition. */
export interface EdgeLimits {
  maxImages: number;
}

/**
 * Validates a request against its endpoint definition: unknown fields are refused (naming the
 * expected ones), images come from multipart files or base64 JSON strings under the field's name
 * or an alias, scalar fields, query and path parameters are checked by their schemas. The first
 * problem becomes a 400 naming the field; values are never echoed.
 */
export function parseInput<D extends EndpointDef>(req: Request, def: D, limits: EdgeLimits): ParsedInput<D> {
  const raw = (req.body ?? {}) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw badRequest('request body must be a JSON object or a form', 'invalid_body');
  const body = raw as Record<string, unknown>;
  const files = Array.isArray(req.files) ? req.files : [];
  if (def.document) {
    if (files.length) throw badRequest('this endpoint takes no files', 'unknown_field');
    const document: Record<string, unknown> = { ...body };
    delete document.auth_token;
    return {
      body: {},
      query: checkEmpty(req.query, 'query'),
      params: {},
      images: new Map(),
      document,
      sent: new Set(),
    } as unknown as ParsedInput<D>;
  }
  const imageNames = (def.images ?? []).flatMap((f) => [f.name, ...(f.aliases ?? [])]);
  if (files.length && !imageNames.length) throw badRequest('this endpoint takes no files', 'unknown_field');
  const scalarNames = Object.keys(def.body?.shape ?? {});
  const allowed = new Set(['auth_token', ...imageNames, ...scalarNames]);
  for (const key of [...Object.keys(body), ...files.map((f) => f.fieldname)]) {
    if (!allowed.has(key)) {
      const expected = [...allowed].filter((k) => k !== 'auth_token').map((k) => `'${k}'`);
      throw badRequest(
        `unknown field '${printable(key)}'${expected.length ? `; expected ${expected.join(', ')}` : ': this endpoint takes no fields'}`,
        'unknown_field',
      );
    }
  }
  const images = readImages(body, files, def.images ?? [], limits.maxImages);
  const scalars: Record<string, unknown> = {};
  for (const k of scalarNames) if (k in body) scalars[k] = body[k];
  const sent = new Set(Object.keys(scalars).filter((k) => scalars[k] !== undefined && scalars[k] !== null && scalars[k] !== ''));
  return {
    body: (def.body ? check(def.body, scalars, 'body') : {}) as ParsedInput<D>['body'],
    query: (def.query ? check(def.query.strict(), req.query, 'query') : checkEmpty(req.query, 'query')) as ParsedInput<D>['query'],
    params: (def.params ? check(def.params, req.params, 'path') : {}) as ParsedInput<D>['params'],
    images,
    document: undefined,
    sent,
  };
}

/** Checks a body taken as one document (`document` endpoints) against a schema: the first problem is a 400 naming the field. */
export function checkDocument<S extends z.ZodType>(schema: S, document: unknown): z.output<S> {
  return check(schema, document, 'body') as z.output<S>;
}

function checkEmpty(value: unknown, where: string): Record<string, never> {
  const keys = value && typeof value === 'object' ? Object.keys(value) : [];
  if (keys.length) throw badRequest(`unknown ${where} parameter '${printable(keys[0])}'`, 'unknown_field');
  return {};
}

function check(schema: z.ZodType, value: unknown, where: string): unknown {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  if (issue.code === 'unrecognized_keys')
    throw badRequest(`unknown ${where === 'body' ? 'field' : `${where} parameter`} '${printable(issue.keys[0])}'`, 'unknown_field');
  const field = issue.path.map(String).join('.');
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  // builders write messages that name their field; zod's own messages get the field in front
  const message =
    field && !issue.message.includes(`'${field}'`) && !issue.message.startsWith(field) ? `${field}: ${issue.message}` : issue.message;
  const code = missing ? 'missing_field' : field === 'accuracy' ? 'invalid_accuracy' : 'invalid_field';
  throw badRequest(withoutControls(message), code);
}
