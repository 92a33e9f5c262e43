import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { ENDPOINTS } from './api';
import type { EndpointDef } from './endpoint';
import { ERROR_GROUPS } from './errors';
import { z } from './fields';

export const API_VERSION = '0.2.0';

const authToken = z.string().optional().openapi({ description: 'the client token, if not sent in the X-Auth-Token header' });

/** Status -> { codes, descriptions } of an endpoint's documented errors. */
export function errorsOf(def: EndpointDef): Map<number, { codes: Set<string>; descriptions: string[] }> {
  const out = new Map<number, { codes: Set<string>; descriptions: string[] }>();
  const add = (status: number, codes: readonly string[], description?: string) => {
    const e = out.get(status) ?? { codes: new Set<string>(), descriptions: [] };
    codes.forEach((c) => e.codes.add(c));
    if (description && !e.descriptions.includes(description)) e.descriptions.push(description);
    out.set(status, e);
  };
  for (const g of def.errors) for (const e of ERROR_GROUPS[g]) add(e.status, e.codes, e.description);
  for (const [status, codes] of Object.entries(def.extraErrors ?? {})) add(Number(status), codes);
  // every answer may be refused when the audit record cannot be written, and 500 is the one unknown failure
  add(503, ['audit_unavailable'], 'the audit log is unavailable: nothing was done (Retry-After)');
  add(500, ['internal'], 'an unexpected failure; the message leaks nothing');
  return new Map([...out.entries()].sort(([a], [b]) => a - b));
}

function requestBody(def: EndpointDef) {
  if (def.method !== 'post') return undefined;
  if (def.document) {
    return {
      required: true,
      content: {
        'application/json': {
          schema: def.documentWrapper ? z.union([def.document, z.object({ [def.documentWrapper]: def.document })]) : def.document,
        },
      },
    };
  }
  const fields = def.body?.shape ?? {};
  const images = def.images ?? [];
  const content: Record<string, { schema: z.ZodType }> = {};
  for (const enc of def.encodings ?? ['json']) {
    const imageShape: Record<string, z.ZodType> = {};
    for (const f of images) {
      const many = f.max === 'config' || f.max > 1;
      const one =
        enc === 'multipart'
          ? z.string().openapi({ type: 'string', format: 'binary' })
          : z.string().openapi({ type: 'string', format: 'byte', description: 'base64 or a data: URL' });
      imageShape[f.name] = (many ? z.array(one).min(f.min) : one).openapi({ description: f.description });
    }
    const media = enc === 'multipart' ? 'multipart/form-data' : enc === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
    content[media] = { schema: z.object({ ...imageShape, ...fields, auth_token: authToken }).strict() };
  }
  return { required: true, content };
}

/** The OpenAPI 3.0 document of the whole API, from the endpoint definitions alone (no app, database, model or key). */
export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV3['generateDocument']> {
  const registry = new OpenAPIRegistry();
  const clientToken = registry.registerComponent('securitySchemes', 'clientToken', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Auth-Token',
    description: 'a client token (fnc_… long-lived, or fna_… from POST /token); also accepted as an auth_token body field',
  });
  const adminToken = registry.registerComponent('securitySchemes', 'adminToken', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Auth-Token',
    description: "the deployment's admin credential",
  });
  const ErrorBody = z
    .object({ ok: z.literal(false), error: z.string().openapi({ description: 'what is wrong; names the field' }), code: z.string() })
    .openapi('Error');
  for (const def of ENDPOINTS) {
    const responses: Record<string, { description: string; content?: Record<string, { schema: z.ZodType }> }> = {};
    if (def.produces) {
      responses['200'] = {
        description: 'the records, streamed',
        content: Object.fromEntries(def.produces.map((m) => [m, { schema: z.string() }])),
      };
    } else {
      responses['200'] = {
        description: def.summary,
        content: {
          'application/json': {
            schema: def.bareResponse && def.response ? def.response : z.object({ ok: z.literal(true) }).extend(def.response?.shape ?? {}),
          },
        },
      };
    }
    for (const [status, e] of errorsOf(def)) {
      responses[String(status)] = {
        description: e.descriptions.join('; ') || `codes: ${[...e.codes].join(', ')}`,
        content: { 'application/json': { schema: ErrorBody.extend({ code: z.enum([...e.codes] as [string, ...string[]]) }) } },
      };
    }
    registry.registerPath({
      method: def.method,
      path: def.path,
      operationId: def.operationId,
      tags: [def.tag],
      summary: def.summary,
      description: def.description,
      security: def.access === 'public' ? [] : [{ [def.access === 'admin' ? adminToken.name : clientToken.name]: [] }],
      request: {
        params: def.params,
        query: def.query,
        body: requestBody(def),
      },
      responses,
    });
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Facenition API',
      version: API_VERSION,
      description:
        'Self-hosted privacy-first face authentication. Errors are { "ok": false, "error": "<message>", "code": "<code>" }. ' +
        'Every response carries Cache-Control: no-store. See README.md for the walkthrough and docs/token-format.md for identity tokens.',
    },
    servers: [{ url: '/' }],
  });
}

/** The README's table of endpoints and the fields each takes (written by `npm run openapi`, checked by a test). */
export function fieldsTable(): string {
  const rows = ENDPOINTS.map((def) => {
    const images = (def.images ?? []).map((f) => {
      const alias = f.aliases?.length ? ` (alias ${f.aliases.map((a) => `\`${a}\``).join(', ')})` : '';
      const count = f.max === 'config' ? `${f.min}+` : f.max > 1 ? `${f.min}..${f.max}` : '1';
      return `\`${f.name}\`${alias} ×${count}`;
    });
    const required = new Set<string>();
    const shape: Record<string, z.ZodType> = def.body?.shape ?? {};
    const fields = Object.entries(shape).map(([name, schema]) => {
      if (!schema.safeParse(undefined).success) required.add(name);
      return required.has(name) ? `\`${name}\`` : `\`${name}\`?`;
    });
    const query = Object.keys(def.query?.shape ?? {}).map((q) => `\`${q}\`?`);
    const params = Object.keys(def.params?.shape ?? {}).map((p) => `\`{${p}}\``);
    const inputs = [...params, ...images, ...fields, ...query, ...(def.document ? [def.documentLabel ?? 'a JSON document'] : [])];
    const access = def.access === 'public' ? 'none' : def.access === 'admin' ? 'admin' : def.unmetered ? 'client (unmetered)' : 'client';
    return `| \`${def.method.toUpperCase()} ${def.path}\` | ${access} | ${inputs.join(', ') || '—'} |`;
  });
  return ['| endpoint | credential | fields (`?` = optional; images: `×count`) |', '| --- | --- | --- |', ...rows].join('\n');
}

export const FIELDS_START = '<!-- fields:start (written by npm run openapi) -->';
export const FIELDS_END = '<!-- fields:end -->';

/** The README with its fields table replaced by the current one. */
export function withFieldsTable(readme: string): string {
  const i = readme.indexOf(FIELDS_START);
  const j = readme.indexOf(FIELDS_END);
  if (i < 0 || j < i) throw new Error(`README.md lacks the ${FIELDS_START} … ${FIELDS_END} markers`);
  return `${readme.slice(0, i + FIELDS_START.length)}\n\n${fieldsTable()}\n\n${readme.slice(j)}`;
}
