#!/usr/bin/env node
// Writes src/openapi.ts from the API contract (openapi.json) with openapi-typescript, formatted with
// the repository's prettier settings. `--check` writes nothing and exits 1 when the committed file
// differs from what the contract generates now (the drift test runs this).
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const input = args.find((a) => !a.startsWith('--')) ?? join(pkg, '../../openapi.json');
const target = join(pkg, 'src/openapi.ts');

const BANNER = `/**
 * The Facenition API contract as TypeScript types: generated from openapi.json by openapi-typescript
 * (\`npm run generate\` in libs/client). Do not edit; a test fails when it drifts from openapi.json.
 */

`;

const ast = await openapiTS(pathToFileURL(input));
const options = { ...(await prettier.resolveConfig(target)), filepath: target };
const generated = await prettier.format(BANNER + astToString(ast), options);

if (check) {
  const committed = await readFile(target, 'utf8').catch(() => '');
  if (committed !== generated) {
    console.error(
      `${relative(process.cwd(), target)} is out of date with ${relative(process.cwd(), input)}: run \`npm run generate\` in libs/client`,
    );
    process.exit(1);
  }
  console.log(`${relative(process.cwd(), target)} matches ${relative(process.cwd(), input)}`);
} else {
  await writeFile(target, generated);
  console.log(`wrote ${relative(process.cwd(), target)} from ${relative(process.cwd(), input)}`);
}
