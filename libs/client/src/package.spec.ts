import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FacenitionClient } from './client';
import type { IdpCalloutId, OperationId } from './types';

/*
 * The package as published: its types are the contract's (openapi.json), every operation has a
 * method that calls it, and it stands alone (no import of the server's code or of any package).
 */
const PKG = join(__dirname, '..');
const ROOT = join(PKG, '../..');
const CONTRACT = join(ROOT, 'openapi.json');

interface Schema {
  format?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
}
interface Contract {
  info: { version: string };
  paths: Record<
    string,
    Record<string, { operationId: string; tags?: string[]; requestBody?: { content: Record<string, { schema: Schema }> } }>
  >;
}
const contract = JSON.parse(readFileSync(CONTRACT, 'utf8')) as Contract;

/**
 * operationId -> the client's method (a Record over the generated OperationId: the compiler checks it
 * is complete). The identity providers' callouts (IdpCalloutId, tag `idp callouts`) have none.
 */
const CALLOUTS: readonly IdpCalloutId[] = ['entraTokenIssuanceStart', 'oktaTokenHook'];
const METHOD_OF: Record<Exclude<OperationId, IdpCalloutId>, keyof FacenitionClient> = {
  detect: 'detect',
  quality: 'quality',
  liveness: 'liveness',
  match: 'match',
  matchBulk: 'matchBulk',
  consistencyCheck: 'consistencyCheck',
  generate: 'generate',
  authenticate: 'authenticate',
  authenticateScore: 'authenticateScore',
  identify: 'identify',
  revokeIdentityToken: 'revoke',
  rotateIdentityToken: 'rotate',
  exportStatusList: 'exportStatusList',
  importStatusList: 'importStatusList',
  listStatusListSources: 'listStatusListSources',
  resetStatusListSource: 'resetStatusListSource',
  createClient: 'createClient',
  issueAccessToken: 'issueAccessToken',
  listClients: 'listClients',
  revokeClient: 'revokeClient',
  rotateClient: 'rotateClient',
  me: 'me',
  rotateOwnClientToken: 'rotateOwnToken',
  queryAudit: 'queryAudit',
  ownAudit: 'ownAudit',
  exportAudit: 'exportAudit',
  verifyAudit: 'verifyAudit',
  purgeAudit: 'purgeAudit',
  createRelyingParty: 'createRelyingParty',
  listRelyingParties: 'listRelyingParties',
  disableRelyingParty: 'disableRelyingParty',
  removeEnrolment: 'removeEnrolment',
  inviteEnrolment: 'inviteEnrolment',
  enrolmentStatus: 'enrolmentStatus',
  license: 'license',
  live: 'live',
  ready: 'ready',
};

const generator = (...args: string[]) =>
  spawnSync(process.execPath, [join(PKG, 'scripts/generate-types.mjs'), ...args], { cwd: PKG, encoding: 'utf8' });

describe('@facenition/client as a package', () => {
  it('src/openapi.ts is what openapi-typescript generates from openapi.json now (run `npm run generate` in libs/client when this fails)', () => {
    const r = generator('--check');
    expect([r.status, r.stderr]).toEqual([0, '']);
  });

  it('the drift check does fail when the contract changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'facenition-contract-'));
    try {
      const changed = structuredClone(contract);
      changed.paths['/detect'].post.operationId = 'detectFaces';
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(changed));
      const r = generator(join(dir, 'openapi.json'), '--check');
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/out of date.*npm run generate/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every operation of the contract has a method, and each method calls its operation with the right method, path and body type', async () => {
    const all = Object.entries(contract.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );
    // exactly the callouts are left out, and they are the operations tagged for the identity providers
    const callouts = all.filter((o) => o.op.tags?.includes('idp callouts'));
    expect(callouts.map((o) => o.op.operationId).sort()).toEqual([...CALLOUTS].sort());
    const operations = all.filter((o) => !callouts.includes(o));
    expect(operations.map((o) => o.op.operationId).sort()).toEqual(Object.keys(METHOD_OF).sort());

    const seen: { method: string; url: string; body: unknown }[] = [];
    const fetch = (input: string | URL | Request, init?: RequestInit) => {
      seen.push({ method: init?.method ?? 'GET', url: String(input as string), body: init?.body });
      return Promise.resolve(new Response('{"ok":true,"client_token":"fnc_x"}', { status: 200 }));
    };
    const client = new FacenitionClient({
      baseUrl: 'http://api.test',
      token: 'fnc_t',
      adminToken: 'admin',
      fetch: fetch as typeof globalThis.fetch,
    });
    const photo = Buffer.from('jpeg');
    // the image fields of an operation: its multipart fields of binary format
    const photosOf = (op: Contract['paths'][string][string]) =>
      Object.fromEntries(
        Object.entries(op.requestBody?.content['multipart/form-data']?.schema.properties ?? {})
          .filter(([, p]) => (p.format ?? p.items?.format) === 'binary')
          .map(([name]) => [name, photo]),
      );
    for (const { path, method, op } of operations) {
      const name = METHOD_OF[op.operationId as Exclude<OperationId, IdpCalloutId>];
      expect([name, typeof client[name]]).toEqual([name, 'function']);
      const call = (client[name] as (...args: unknown[]) => Promise<unknown>).bind(client);
      await call(path.includes('{') ? '0123abcd' : photosOf(op));
      const sent = seen.pop()!;
      const expected = `http://api.test${path.replace(/\{\w+\}/g, '0123abcd')}`;
      expect([op.operationId, sent.method, sent.url.split('?')[0]]).toEqual([op.operationId, method, expected]);
      const media = sent.body instanceof FormData ? 'multipart/form-data' : typeof sent.body === 'string' ? 'application/json' : undefined;
      expect([op.operationId, media]).toEqual([op.operationId, op.requestBody ? expect.any(String) : undefined]);
      if (media) expect([op.operationId, Object.keys(op.requestBody!.content)]).toEqual([op.operationId, expect.arrayContaining([media])]);
      if (sent.body instanceof FormData)
        expect([op.operationId, [...sent.body.keys()]]).toEqual([op.operationId, Object.keys(photosOf(op))]);
    }
  });

  it('stands alone: its sources import only each other; its package.json ships dist/ with no dependency, versioned as the API', () => {
    const sources = readdirSync(join(PKG, 'src')).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
    expect(sources).toEqual(expect.arrayContaining(['index.ts', 'client.ts', 'openapi.ts']));
    for (const file of sources) {
      const text = readFileSync(join(PKG, 'src', file), 'utf8');
      const specifiers = [...text.matchAll(/\bfrom\s+'([^']+)'|\brequire\(\s*'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g)].map(
        (m) => m[1] ?? m[2] ?? m[3],
      );
      // photos.ts names node:fs/promises in a type only; the module is looked up at run time (process.getBuiltinModule)
      expect([file, specifiers.filter((s) => !s.startsWith('./') && !(file === 'photos.ts' && s === 'node:fs/promises'))]).toEqual([
        file,
        [],
      ]);
    }
    const pkg = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).toMatchObject({
      name: '@facenition/client',
      version: contract.info.version,
      main: 'dist/index.js',
      types: 'dist/index.d.ts',
      files: ['dist'],
    });
    expect(pkg.dependencies).toBeUndefined();
  });

  it("ESLint refuses an import of the server's code or of a package in the SDK", () => {
    // the repository's own eslint.config.mjs, no-restricted-imports only (an ES module config: in a child process)
    const script = `
      const { ESLint } = require('eslint');
      (async () => {
        const eslint = new ESLint({
          cwd: process.cwd(),
          ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
          overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
        });
        const [r] = await eslint.lintText(process.argv[1], { filePath: process.argv[2] });
        process.stdout.write(JSON.stringify(r.messages.map((m) => [m.line, m.ruleId])));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const probe = [
      "import { ENDPOINTS } from '../../../apps/gateway/src/contract/api';",
      "import { FacePool } from '@facenition/face';",
      "import { z } from 'zod';",
      "import { readFile } from 'node:fs/promises';",
      "import { FacenitionError } from './errors';",
    ].join('\n');
    const r = spawnSync(process.execPath, ['-e', script, probe, join(PKG, 'src/boundary-probe.ts')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([1, 2, 3, 4].map((line) => [line, 'no-restricted-imports']));
  });
});
