import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApi, createApp } from './app.factory';
import { installRoot, loadConfig } from './config';

/** Writes openapi.json at the repository root from the code (npm run openapi). */
export async function generateOpenApi(): Promise<string> {
  const { app } = await createApp(loadConfig({}), { logger: false, adminToken: 'x'.repeat(32) });
  const doc = buildOpenApi(app);
  await app.close();
  return JSON.stringify(doc, null, 2) + '\n';
}

if (require.main === module) {
  void generateOpenApi().then((text) => {
    writeFileSync(join(installRoot(), 'openapi.json'), text);
    console.log('openapi.json written');
  });
}
