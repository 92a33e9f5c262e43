import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { OverloadedError } from './errors';
import { FacePool } from './pool';

const fixture = (n: string): Buffer => readFileSync(join(__dirname, '../../../test/fixtures', `${n}.jpg`));
const modelsDir = join(__dirname, '../../../models');

describe('FacePool (worker threads, real models)', () => {
  let pool: FacePool;
  beforeAll(async () => {
    pool = new FacePool({ modelsDir, workers: 1, intraOpThreads: 1, maxQueue: 2 });
    await pool.start();
  });
  afterAll(async () => {
    await pool.close();
  });

  it('is ready after start and analyses off the main thread', async () => {
    expect(pool.ready).toBe(true);
    const r = await pool.analyze(fixture('Colin_Powell_0001'), { embed: true });
    expect(r.faces).toHaveLength(1);
    expect(r.embedding).toHaveLength(512);
  });

  it('finds a ~45 px face on a 2400x1800 canvas with the exhaustive (tiled) pass', async () => {
    const face = await sharp(fixture('Tony_Blair_0001')).extract({ left: 60, top: 50, width: 130, height: 150 }).resize(65, 75).toBuffer();
    const canvas = await sharp({ create: { width: 2400, height: 1800, channels: 3, background: '#9a9a9a' } })
      .composite([{ input: face, left: 1700, top: 400 }])
      .jpeg({ quality: 92 })
      .toBuffer();
    const r = await pool.analyze(canvas, { exhaustive: true });
    expect(r.faces).toHaveLength(1);
    const box = r.faces[0].box;
    expect(box.x).toBeGreaterThanOrEqual(1700);
    expect(box.x + box.width).toBeLessThanOrEqual(1766);
    expect(box.width).toBeGreaterThan(30);
  });

  it('refuses work beyond the bounded queue with OverloadedError and keeps serving', async () => {
    const img = fixture('Serena_Williams_0001');
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => pool.analyze(img, { embed: true })));
    const rejected = results.filter((r) => r.status === 'rejected');
    // one running + two queued are accepted; the rest are refused at once
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(rejected).toHaveLength(5);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(OverloadedError);
    expect((await pool.analyze(img, {})).faces).toHaveLength(1);
  });
});
