import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApi } from '../apps/gateway/src/openapi';

describe('openapi.json', () => {
  it('matches the code (run `npm run openapi` and commit the result when this fails)', async () => {
    const committed = readFileSync(join(__dirname, '../openapi.json'), 'utf8');
    const generated = await generateOpenApi();
    expect(JSON.parse(committed)).toEqual(JSON.parse(generated));
  });

  it('documents every public endpoint with operationId = method name', async () => {
    const doc = JSON.parse(await generateOpenApi()) as { paths: Record<string, Record<string, { operationId: string }>> };
    const ops = Object.fromEntries(Object.entries(doc.paths).map(([p, m]) => [p, Object.values(m)[0].operationId]));
    expect(ops).toMatchObject({
      '/detect': 'detect',
      '/quality': 'quality',
      '/liveness': 'liveness',
      '/match': 'match',
      '/match-bulk': 'matchBulk',
      '/consistency-check': 'consistencyCheck',
      '/health/ready': 'ready',
    });
  });
});
