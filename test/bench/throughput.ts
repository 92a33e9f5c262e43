/**
 * Verifications per second at saturation: the built server (through test/bench/licensed-server.js,
 * enterprise licence, production KDF, liveness gate on), closed-loop POST /authenticate (one 250x250
 * JPEG against a token enrolled from another photo of the same person) at several concurrencies, in
 * three set-ups: the server pinned to ONE CPU with one face worker (`taskset -c 1`: verifications per
 * core), then on both CPUs with 1 and with 2 face workers; prints throughput, median and p95, and how
 * the best throughput grows from one CPU to two. The load generator (this process) is not pinned: with
 * the server on one CPU it has the other to itself; on two CPUs it shares them with the server.
 *   npm run bench:throughput [-- --seconds 15 --concurrency 1,2,4,8 --image1 a.jpg --image2 b.jpg]
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { arg, percentile, repoRoot } from './common';
import { authenticateBody, authenticated, closedLoop, startBenchServer } from './http';

async function run(cpuList: string, workers: number, levels: number[], seconds: number, img1: Buffer, img2: Buffer): Promise<number> {
  const server = await startBenchServer(
    { FACENITION_WORKERS: String(workers), FACENITION_ORT_THREADS: '1' },
    'throughput benchmark',
    undefined,
    cpuList,
  );
  const ncpu = cpuList.split(',').length;
  const { port, token } = server;
  let best = 0;
  try {
    const secrets = { password: 'throughput benchmark secret', scope: 'bench.example/login' };
    const auth = await authenticateBody(port, token, img1, img2, secrets);
    for (let i = 0; i < 5; i++) await authenticated(port, token, auth); // warm-up
    for (const conc of levels) {
      const { lat, failures: refused } = await closedLoop(conc, seconds, () => authenticated(port, token, auth));
      const perSecond = lat.length / seconds;
      best = Math.max(best, perSecond);
      console.log(
        `| ${ncpu} | ${workers} | ${conc} | ${perSecond.toFixed(1)} | ${(perSecond / ncpu).toFixed(1)} | ` +
          `${percentile(lat, 50).toFixed(1)} ms | ${percentile(lat, 95).toFixed(1)} ms | ${refused} |`,
      );
    }
  } finally {
    server.stop();
  }
  return best;
}

async function main(): Promise<void> {
  const seconds = Number(arg('seconds', '15'));
  const levels = arg('concurrency', '1,2,4,8').split(',').map(Number);
  const lfw = join(repoRoot, '../shared/datasets/lfw/images');
  const img1 = readFileSync(arg('image1', join(lfw, 'Colin_Powell/Colin_Powell_0001.jpg')));
  const img2 = readFileSync(arg('image2', join(lfw, 'Colin_Powell/Colin_Powell_0002.jpg')));
  if (availableParallelism() < 2) throw new Error('this benchmark compares one CPU with two');
  console.log(`POST /authenticate at saturation, ${seconds} s per level, ${cpus()[0].model}, one ORT thread per worker`);
  console.log('| server CPUs | face workers | concurrency | verifications/s | per CPU | median | p95 | refused or non-200 |');
  console.log('| ----------- | ------------ | ----------- | --------------- | ------- | ------ | --- | ------------------ |');
  const oneCpu = await run('1', 1, levels, seconds, img1, img2);
  const twoCpu1 = await run('0,1', 1, levels, seconds, img1, img2);
  const twoCpu2 = await run('0,1', 2, levels, seconds, img1, img2);
  const two = Math.max(twoCpu1, twoCpu2);
  console.log(
    `best throughput: one CPU ${oneCpu.toFixed(1)}/s (per core); two CPUs ${two.toFixed(1)}/s ` +
      `(1 worker ${twoCpu1.toFixed(1)}, 2 workers ${twoCpu2.toFixed(1)}): x${(two / oneCpu).toFixed(2)} from one CPU to two`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
