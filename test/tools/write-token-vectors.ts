/**
 * Regenerates docs/token-test-vectors.json (version 1) and docs/token-test-vectors-v2.json (version 2, one
 * token per accuracy level) and docs/token-test-vectors-v3.json (a roster of version-3 members) (npm run token:vectors). Only after a deliberate format change.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRosterTestVectors, buildTestVectors, buildTestVectorsV2 } from '../../libs/tokenisation/src/test-vectors';

async function main(): Promise<void> {
  const v1 = await buildTestVectors(1);
  writeFileSync(join(__dirname, '../../docs/token-test-vectors.json'), JSON.stringify(v1, null, 2) + '\n');
  console.log(`docs/token-test-vectors.json written (token ${v1.token.length} base64url characters)`);
  const v2 = await buildTestVectorsV2();
  writeFileSync(join(__dirname, '../../docs/token-test-vectors-v2.json'), JSON.stringify(v2, null, 2) + '\n');
  console.log(`docs/token-test-vectors-v2.json written (${v2.levels.length} tokens)`);
  const v3 = await buildRosterTestVectors();
  writeFileSync(join(__dirname, '../../docs/token-test-vectors-v3.json'), JSON.stringify(v3, null, 2) + '\n');
  console.log(`docs/token-test-vectors-v3.json written (a roster of ${v3.members.length} members)`);
}

void main();
