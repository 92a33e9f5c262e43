/** Regenerates docs/token-test-vectors.json (npm run token:vectors). Only after a deliberate format change. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestVectors } from '../../libs/tokenisation/src/test-vectors';

void buildTestVectors().then((v) => {
  writeFileSync(join(__dirname, '../../docs/token-test-vectors.json'), JSON.stringify(v, null, 2) + '\n');
  console.log(`docs/token-test-vectors.json written (token ${v.token.length} base64url characters)`);
});
