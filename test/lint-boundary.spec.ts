import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The ESLint boundary of the framework-free libraries, checked with the repository's own
 * eslint.config.mjs: a snippet is linted as if it were a file of each library (ESLint's API, in a
 * child process because the config is an ES module). Only no-restricted-imports runs, without
 * type information, so this takes a second rather than a whole typed lint.
 */
const root = join(__dirname, '..');

interface Finding {
  file: string;
  line: number;
  message: string;
}

function lint(code: string, files: string[]): Finding[] {
  const script = `
    const { ESLint } = require('eslint');
    (async () => {
      const eslint = new ESLint({
        cwd: process.cwd(),
        ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
        overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
      });
      const out = [];
      for (const file of JSON.parse(process.argv[1])) {
        const [r] = await eslint.lintText(process.argv[2], { filePath: file });
        for (const m of r.messages) out.push({ file, line: m.line, message: m.ruleId ? m.message : 'FATAL ' + m.message });
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-e', script, JSON.stringify(files.map((f) => join(root, f))), code], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`eslint failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as Finding[]).map((f) => ({ ...f, file: f.file.slice(root.length + 1) }));
}

/** A file path inside each library (it need not exist: the text is linted as if it were that file). */
const FRAMEWORK_FREE = ['face', 'tokenisation', 'license', 'worker', 'common'].map((l) => `libs/${l}/src/boundary-probe.ts`);
const STATEFUL = ['libs/clients/src/boundary-probe.ts', 'libs/audit/src/boundary-probe.ts', 'apps/gateway/src/boundary-probe.ts'];

const FORBIDDEN = [
  '@facenition/clients',
  '@facenition/audit',
  '@facenition/database',
  '@facenition/database/entities',
  '@nestjs/common',
  '@nestjs/core',
  'typeorm',
  'express',
  'pg',
  'multer',
  'pkcs11js',
];
const ALLOWED = ['@facenition/common', '@facenition/worker', '@facenition/face', 'node:crypto', 'zod', 'node-forge'];

const snippet = (specifiers: string[]): string => specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n') + '\n';

describe('lint boundary of the framework-free libraries', () => {
  let forbidden: Finding[];
  let allowed: Finding[];
  beforeAll(() => {
    forbidden = lint(snippet(FORBIDDEN), [...FRAMEWORK_FREE, ...STATEFUL]);
    allowed = lint(snippet(ALLOWED), FRAMEWORK_FREE);
  });

  it.each(FRAMEWORK_FREE)('%s may not import the stateful libraries, Nest, TypeORM, Express, pg, multer or the PKCS#11 binding', (file) => {
    const lines = forbidden.filter((f) => f.file === file).map((f) => f.line);
    expect(lines).toEqual(FORBIDDEN.map((_, i) => i + 1));
    const messages = forbidden.filter((f) => f.file === file).map((f) => f.message);
    expect(messages[0]).toMatch(/'@facenition\/clients' import is restricted.*must not import the stateful Nest libraries/);
    expect(messages[4]).toMatch(/'@nestjs\/common' import is restricted.*framework-free/);
    expect(messages[10]).toMatch(/'pkcs11js' import is restricted.*PKCS#11 binding stays in the gateway/);
  });

  it('lets the framework-free libraries import each other, node: modules and ordinary packages', () => {
    expect(allowed).toEqual([]);
  });

  it('applies to the framework-free libraries only: the Nest modules and the gateway may import all of it', () => {
    expect(forbidden.filter((f) => STATEFUL.includes(f.file))).toEqual([]);
  });

  it('refuses a relative import that climbs out of a library', () => {
    const found = lint("import { ClientsService } from '../../clients/src';\nexport const x = ClientsService;\n", [
      'libs/face/src/boundary-probe.ts',
    ]);
    expect(found).toEqual([
      { file: 'libs/face/src/boundary-probe.ts', line: 1, message: expect.stringMatching(/climb out of a lib/) as string },
    ]);
  });
});
