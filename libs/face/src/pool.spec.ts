import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { CancelledError, OverloadedError } from './errors';
import { FacePool } from './pool';
import type { WorkerReply } from './worker-protocol';

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
    expect(pool.full).toBe(false);
    const jobs = Array.from({ length: 3 }, () => pool.analyze(img, { embed: true }));
    // one running + two queued (maxQueue 2): the next job would be refused, and `full` says so beforehand
    expect(pool.full).toBe(true);
    const results = await Promise.allSettled([...jobs, ...Array.from({ length: 5 }, () => pool.analyze(img, { embed: true }))]);
    expect(pool.full).toBe(false);
    const rejected = results.filter((r) => r.status === 'rejected');
    // one running + two queued are accepted; the rest are refused at once
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(rejected).toHaveLength(5);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(OverloadedError);
    expect((await pool.analyze(img, {})).faces).toHaveLength(1);
  });

  describe('cancellation (AbortSignal)', () => {
    const img = fixture('Serena_Williams_0001');
    const delta = (before: FacePool['stats']) => {
      const now = pool.stats;
      return {
        completed: now.completed - before.completed,
        cancelled: now.cancelled - before.cancelled,
        discarded: now.discarded - before.discarded,
      };
    };

    it('rejects an already-aborted signal at once without queueing', async () => {
      const before = pool.stats;
      const ac = new AbortController();
      ac.abort();
      const p = pool.analyze(img, { embed: true }, ac.signal);
      expect(pool.depth).toEqual({ queued: 0, running: 0 });
      await expect(p).rejects.toBeInstanceOf(CancelledError);
      expect(delta(before)).toEqual({ completed: 0, cancelled: 1, discarded: 0 });
    });

    it('takes aborted jobs off the queue: they never run and free their places', async () => {
      const before = pool.stats;
      const running = pool.analyze(img, { embed: true }); // the one worker is busy with this
      const ac = new AbortController();
      const queued = [pool.analyze(img, { embed: true }, ac.signal), pool.analyze(img, { embed: true }, ac.signal)];
      expect(pool.depth).toEqual({ queued: 2, running: 1 });
      ac.abort();
      expect(pool.depth).toEqual({ queued: 0, running: 1 });
      // the queue (maxQueue 2) has room again while the first job still runs
      const later = [pool.analyze(img, {}), pool.analyze(img, {})];
      expect(pool.depth).toEqual({ queued: 2, running: 1 });
      for (const q of await Promise.allSettled(queued)) {
        expect(q.status).toBe('rejected');
        expect((q as PromiseRejectedResult).reason).toBeInstanceOf(CancelledError);
      }
      expect((await running).embedding).toHaveLength(512);
      for (const r of await Promise.all(later)) expect(r.faces).toHaveLength(1);
      expect(delta(before)).toEqual({ completed: 3, cancelled: 2, discarded: 0 });
      expect(pool.depth).toEqual({ queued: 0, running: 0 });
    });

    it('lets a running job finish but discards its result and zeroes its embedding', async () => {
      const worker = (pool as unknown as { slots: { worker: Worker }[] }).slots[0].worker;
      const replies: WorkerReply[] = [];
      const spy = (m: WorkerReply): void => void replies.push(m); // runs after the pool's own listener, on the same object
      worker.on('message', spy);
      try {
        const before = pool.stats;
        const ac = new AbortController();
        const cancelled = pool.analyze(img, { embed: true }, ac.signal);
        expect(pool.depth).toEqual({ queued: 0, running: 1 });
        ac.abort();
        await expect(cancelled).rejects.toBeInstanceOf(CancelledError); // at once, not when the worker is done
        expect(pool.depth).toEqual({ queued: 0, running: 1 });
        const next = await pool.analyze(img, { embed: true }); // FIFO on one worker: runs after the cancelled job replied
        expect(delta(before)).toEqual({ completed: 1, cancelled: 0, discarded: 1 });
        const results = replies.flatMap((m) => (m.type === 'result' ? [m.result] : []));
        expect(results).toHaveLength(2);
        const [dropped, delivered] = results;
        expect(dropped.embedding).toHaveLength(512);
        expect(dropped.embedding!.every((v) => v === 0)).toBe(true);
        expect(delivered.embedding).toBe(next.embedding);
        expect(next.embedding!.some((v) => v !== 0)).toBe(true);
      } finally {
        worker.off('message', spy);
      }
    });

    it('ignores an abort after the job was answered', async () => {
      const ac = new AbortController();
      const r = await pool.analyze(img, {}, ac.signal);
      const before = pool.stats;
      ac.abort();
      expect(r.faces).toHaveLength(1);
      expect(delta(before)).toEqual({ completed: 0, cancelled: 0, discarded: 0 });
      expect(pool.depth).toEqual({ queued: 0, running: 0 });
    });
  });
});
