import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installRoot } from './config';
import { buildOpenApiDocument, withFieldsTable } from './contract/openapi';

/** openapi.json from the endpoint definitions alone: no app, database, model or key is needed (npm run openapi). */
export function generateOpenApi(): string {
  return JSON.stringify(buildOpenApiDocument(), null, 2) + '\n';
}

if (require.main === module) {
  writeFileSync(join(installRoot(), 'openapi.json'), generateOpenApi());
  const readme = join(installRoot(), 'README.md');
  writeFileSync(readme, withFieldsTable(readFileSync(readme, 'utf8')));
  console.log('openapi.json and the README fields table written');
}
