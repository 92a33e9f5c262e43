import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIV3 } from 'openapi-types';
import { ENDPOINTS } from '../apps/gateway/src/contract/api';
import { FIELDS_END, FIELDS_START, withFieldsTable } from '../apps/gateway/src/contract/openapi';
import { generateOpenApi } from '../apps/gateway/src/openapi';
import { startTestApp, type TestApp } from './support/app';

jest.setTimeout(120_000);

describe('openapi.json: the contract', () => {
  const generated = generateOpenApi();
  const doc = JSON.parse(generated) as OpenAPIV3.Document;
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    (['get', 'post'] as const).flatMap((m) => (item?.[m] ? [{ path, method: m, op: item[m] }] : [])),
  );

  it('matches the code (run `npm run openapi` and commit the result when this fails)', () => {
    expect(JSON.parse(readFileSync(join(__dirname, '../openapi.json'), 'utf8'))).toEqual(doc);
  });

  it("the README's fields table is the contract's (run `npm run openapi` when this fails)", () => {
    const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
    // cells compared trimmed: prettier pads the table
    const rows = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('|') && !/^\|[\s|:-]+\|$/.test(l))
        .map((l) => l.split('|').map((c) => c.trim()));
    const section = (text: string) => text.slice(text.indexOf(FIELDS_START), text.indexOf(FIELDS_END));
    expect(rows(section(readme))).toEqual(rows(section(withFieldsTable(readme))));
    expect(rows(section(readme)).length).toBe(ENDPOINTS.length + 1);
  });

  it('is a valid OpenAPI 3 document (swagger-parser) with unique operationIds', async () => {
    await expect(SwaggerParser.validate(JSON.parse(generated) as OpenAPIV3.Document)).resolves.toBeDefined();
    // the validator does refuse a broken document: an operation whose answer lacks its description
    const broken = JSON.parse(generated) as OpenAPIV3.Document;
    delete (broken.paths['/match']!.post!.responses['200'] as Partial<OpenAPIV3.ResponseObject>).description;
    await expect(SwaggerParser.validate(broken)).rejects.toThrow();
    const ids = operations.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operations).toHaveLength(ENDPOINTS.length);
  });

  it('every operation has its request schema, its answer schema and its error bodies with their codes', () => {
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      const ok = op.responses['200'] as OpenAPIV3.ResponseObject;
      expect([where, Object.keys(ok.content ?? {}).length > 0]).toEqual([where, true]);
      if (method === 'post') expect([where, !!(op.requestBody as OpenAPIV3.RequestBodyObject | undefined)?.content]).toEqual([where, true]);
      for (const [status, r] of Object.entries(op.responses)) {
        if (status === '200') continue;
        const schema = (r as OpenAPIV3.ResponseObject).content?.['application/json']?.schema as OpenAPIV3.SchemaObject;
        const codes = ((schema.allOf?.[1] as OpenAPIV3.SchemaObject).properties?.code as OpenAPIV3.SchemaObject).enum;
        expect([where, status, (codes ?? []).length > 0]).toEqual([where, status, true]);
      }
    }
    // the two documented calls' fields
    const gen = doc.paths['/generate']!.post!.requestBody as OpenAPIV3.RequestBodyObject;
    const fields = (gen.content['multipart/form-data'].schema as OpenAPIV3.SchemaObject).properties!;
    expect(Object.keys(fields)).toEqual(expect.arrayContaining(['photo', 'password', 'scope', 'accuracy']));
    const auth = doc.paths['/authenticate']!.post!.responses['200'] as OpenAPIV3.ResponseObject;
    expect((auth.content!['application/json'].schema as OpenAPIV3.SchemaObject).required).toContain('authenticated');
    // audit query parameters are documented
    const q = (doc.paths['/admin/audit']!.get!.parameters as OpenAPIV3.ParameterObject[]).map((p) => p.name);
    expect(q).toEqual(
      expect.arrayContaining(['from', 'to', 'client_id', 'endpoint', 'outcome', 'request_id', 'client_request_id', 'after_seq', 'limit']),
    );
  });

  describe('against the running app', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(async () => {
      await t.close();
    });

    it('every route the app serves is defined in the contract, and every definition is served', () => {
      const instance = t.app.getHttpAdapter().getInstance() as { router?: { stack: unknown[] }; _router?: { stack: unknown[] } };
      const served: string[] = [];
      for (const layer of ((instance.router ?? instance._router)?.stack ?? []) as {
        route?: { path: string; methods: Record<string, boolean>; stack: { handle: unknown }[] };
      }[]) {
        if (!layer.route) continue;
        for (const m of Object.keys(layer.route.methods)) served.push(`${m.toUpperCase()} ${layer.route.path}`);
      }
      const expected = ENDPOINTS.map((d) => `${d.method.toUpperCase()} ${d.path.replace(/\{(\w+)\}/g, ':$1')}`);
      expect(served.sort()).toEqual(expected.sort());
    });
  });
});
