import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts `<dir>/<name>.js` in a worker thread, or `<name>.ts` through ts-node when running from
 * sources (tests, benchmarks, scripts). Worker threads run outside Jest's VM sandbox too, so from
 * sources the `@facenition/*` aliases are resolved with the paths of the tsconfig.json above `dir`
 * (a build has them rewritten to relative paths).
 */
export function startWorker(dir: string, name: string, workerData: unknown): Worker {
  const js = join(dir, `${name}.js`);
  if (existsSync(js)) return new Worker(js, { workerData });
  const ts = join(dir, `${name}.ts`);
  const boot =
    `require('ts-node').register({ transpileOnly: true, compilerOptions: { module: 'commonjs' } });` +
    `const paths = require('tsconfig-paths'); const c = paths.loadConfig(${JSON.stringify(dir)});` +
    `if (c.resultType === 'success') paths.register({ baseUrl: c.absoluteBaseUrl, paths: c.paths });` +
    `require(${JSON.stringify(ts)});`;
  return new Worker(boot, { eval: true, workerData });
}
