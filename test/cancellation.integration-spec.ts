import type { FacePoolStats } from '@facenition/face';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { MetricsService } from '../apps/gateway/src/metrics/metrics.service';
import { fixture } from './support/images';
import { startTestApp, type TestApp } from './support/app';

jest.setTimeout(120_000);

/**
 * A request's images stop being analysed once the request has failed: when one image fails, the
 * others still queued are cancelled instead of taking the workers from other callers, and the same
 * happens when the client goes away. One worker, so the queue order is deterministic.
 */
describe('a failed or abandoned request cancels its remaining face analyses', () => {
  let t: TestApp;
  let http: Server;
  let metrics: MetricsService;
  beforeAll(async () => {
    t = await startTestApp({ FACENITION_WORKERS: '1', FACENITION_MAX_IMAGES: '10' });
    http = t.app.getHttpServer() as Server;
    metrics = t.app.get(MetricsService);
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (path: string) => request(http).post(path).set('X-Auth-Token', t.token);
  const valid = [fixture('Colin_Powell_0001'), fixture('Colin_Powell_0002'), fixture('George_W_Bush_0001')];
  const corrupt = fixture('Colin_Powell_0001').subarray(0, 3000); // truncated JPEG: fails in decode, in a few ms

  /** Embeddings computed and handed to the service (only successful analyses are observed). */
  const embeddingsObserved = async (): Promise<number> =>
    (await metrics.inference.get()).values.find((v) => v.metricName?.endsWith('_count') && v.labels.model === 'embed')?.value ?? 0;

  /** Waits until the one worker is idle and nothing is queued, so every counter is final. */
  async function idle(): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (t.pool.depth.queued + t.pool.depth.running > 0) {
      if (Date.now() > deadline) throw new Error('face pool did not drain');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  const since = (before: FacePoolStats): FacePoolStats => {
    const now = t.pool.stats;
    return {
      completed: now.completed - before.completed,
      cancelled: now.cancelled - before.cancelled,
      discarded: now.discarded - before.discarded,
    };
  };

  const errorLines = () => t.logger.lines.filter((l) => l.startsWith('error '));

  it('/match-bulk with a corrupt probe: 400 naming the probe, and the 9 queued references are never analysed', async () => {
    await idle();
    const before = t.pool.stats;
    const embedsBefore = await embeddingsObserved();
    let req = post('/match-bulk').attach('probe', corrupt, 'probe.jpg');
    for (let i = 0; i < 9; i++) req = req.attach('references', valid[i % valid.length], `ref${i}.jpg`);
    const r = await req;
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ ok: false, error: "'probe': image data is corrupt or truncated", code: 'corrupt_image' });
    await idle();
    // before the fix the 9 references were still analysed after the 400 was sent: 9 embeddings observed
    expect((await embeddingsObserved()) - embedsBefore).toBe(0);
    expect(since(before)).toEqual({ completed: 1, cancelled: 9, discarded: 0 });
    const scrape = await metrics.registry.getSingleMetricAsString('facenition_face_jobs_cancelled_total');
    expect(scrape).toContain(`facenition_face_jobs_cancelled_total{stage="queued"} ${t.pool.stats.cancelled}`);
    expect(errorLines()).toEqual([]);
  });

  it('/consistency-check with a corrupt first image: 400 naming it, the other 4 images cancelled', async () => {
    await idle();
    const before = t.pool.stats;
    let req = post('/consistency-check').attach('images', corrupt, 'bad.jpg');
    for (let i = 0; i < 4; i++) req = req.attach('images', valid[i % valid.length], `img${i}.jpg`);
    const r = await req;
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('corrupt_image');
    expect(r.body.error).toBe("'images[0]': image data is corrupt or truncated");
    await idle();
    expect(since(before)).toEqual({ completed: 1, cancelled: 4, discarded: 0 });
  });

  it('/match with a corrupt image1: image2 is cancelled; a valid /match afterwards analyses both', async () => {
    await idle();
    const before = t.pool.stats;
    const bad = await post('/match').attach('image1', corrupt, 'a.jpg').attach('image2', valid[1], 'b.jpg');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe("'image1': image data is corrupt or truncated");
    await idle();
    expect(since(before)).toEqual({ completed: 1, cancelled: 1, discarded: 0 });
    const good = await post('/match').attach('image1', valid[0], 'a.jpg').attach('image2', valid[1], 'b.jpg');
    expect(good.status).toBe(200);
    expect(good.body.match).toBe(true);
    expect(since(before)).toEqual({ completed: 3, cancelled: 1, discarded: 0 });
  });

  it('a client that disconnects mid-request has its queued images cancelled, without an error log or a 500', async () => {
    await idle();
    const server = http.listening ? http : await new Promise<Server>((ok) => http.listen(0, '127.0.0.1', () => ok(http)));
    const { port } = server.address() as AddressInfo;
    const form = new FormData();
    form.append('probe', new Blob([valid[0]], { type: 'image/jpeg' }), 'probe.jpg');
    for (let i = 0; i < 9; i++) form.append('references', new Blob([valid[i % valid.length]], { type: 'image/jpeg' }), `ref${i}.jpg`);
    const before = t.pool.stats;
    const logLines = t.logger.lines.length;
    const ac = new AbortController();
    const sent = fetch(`http://127.0.0.1:${port}/match-bulk`, {
      method: 'POST',
      headers: { 'X-Auth-Token': t.token },
      body: form,
      signal: ac.signal,
    }).then(
      () => 'answered',
      () => 'aborted',
    );
    // all 10 images are submitted together: 1 runs, 9 wait; then the client goes away
    const deadline = Date.now() + 20_000;
    while (t.pool.depth.queued === 0) {
      if (Date.now() > deadline) throw new Error('the request never reached the face pool');
      await new Promise((r) => setImmediate(r));
    }
    ac.abort();
    expect(await sent).toBe('aborted');
    while (t.pool.stats.cancelled === before.cancelled) {
      if (Date.now() > deadline) throw new Error('the server never noticed the disconnect');
      await new Promise((r) => setTimeout(r, 1));
    }
    await idle();
    const d = since(before);
    expect(d.completed + d.cancelled + d.discarded).toBe(10);
    // each analysis takes tens of ms, the disconnect is seen in about one: most of the queue never runs
    expect(d.cancelled).toBeGreaterThanOrEqual(5);
    const lines = t.logger.lines.slice(logLines);
    expect(lines.filter((l) => l.startsWith('error '))).toEqual([]);
    expect(lines.filter((l) => / 500 /.test(l))).toEqual([]);
  });
});
