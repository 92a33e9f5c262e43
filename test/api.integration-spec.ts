import request from 'supertest';
import { fixture, noFace, twoFaces } from './support/images';
import { startTestApp, type TestApp } from './support/app';

jest.setTimeout(120_000);

describe('face-analysis API (real models, real server)', () => {
  let t: TestApp;
  let http: ReturnType<TestApp['app']['getHttpServer']>;
  beforeAll(async () => {
    t = await startTestApp();
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (path: string) => request(http).post(path).set('X-Auth-Token', t.token);

  it('reports live and ready', async () => {
    await request(http).get('/health/live').expect(200, { ok: true, status: 'live' });
    const ready = await request(http).get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({ ok: true, status: 'ready' });
  });

  describe('authentication', () => {
    it('refuses a missing or wrong client token with 401', async () => {
      const none = await request(http).post('/detect').attach('image', fixture('George_W_Bush_0001'), 'a.jpg').expect(401);
      expect(none.body).toEqual({ ok: false, error: expect.stringContaining('missing client token'), code: 'unauthenticated' });
      const wrong = await request(http)
        .post('/detect')
        .set('X-Auth-Token', 'nope')
        .attach('image', fixture('George_W_Bush_0001'), 'a.jpg')
        .expect(401);
      expect(wrong.body.error).toBe('invalid client token');
    });

    it('accepts the token as an auth_token form field or JSON field', async () => {
      await request(http).post('/detect').field('auth_token', t.token).attach('image', fixture('George_W_Bush_0001'), 'a.jpg').expect(200);
      await request(http)
        .post('/detect')
        .send({ auth_token: t.token, image: fixture('George_W_Bush_0001').toString('base64') })
        .expect(200);
    });
  });

  it('/detect finds every face, best candidate first, and zero faces is a normal answer', async () => {
    const two = await post('/detect')
      .attach('image', await twoFaces(), 'two.jpg')
      .expect(200);
    expect(two.body.face_count).toBe(2);
    expect(two.body.image).toEqual({ width: 520, height: 320 });
    expect(two.body.faces[0].box.x).toBeLessThan(300); // the larger, left face comes first
    expect(Object.keys(two.body.faces[0].landmarks)).toEqual(['left_eye', 'right_eye', 'nose', 'mouth_left', 'mouth_right']);
    const none = await post('/detect')
      .attach('image', await noFace(), 'none.jpg')
      .expect(200);
    expect(none.body).toMatchObject({ ok: true, face_count: 0, faces: [] });
  });

  it('/match says same person for a genuine pair and not for an impostor pair (multipart and JSON)', async () => {
    const same = await post('/match')
      .attach('image1', fixture('George_W_Bush_0001'), '1.jpg')
      .attach('image2', fixture('George_W_Bush_0002'), '2.jpg')
      .expect(200);
    expect(same.body).toMatchObject({ ok: true, match: true, accuracy: 4, face_selection: 'largest_central' });
    expect(same.body.similarity).toBeGreaterThan(same.body.threshold);
    const other = await post('/match')
      .send({
        image1: fixture('George_W_Bush_0001').toString('base64'),
        image2: `data:image/jpeg;base64,${fixture('Colin_Powell_0001').toString('base64')}`,
        accuracy: 2,
      })
      .expect(200);
    expect(other.body).toMatchObject({ ok: true, match: false, accuracy: 2 });
    expect(other.body.similarity).toBeLessThan(other.body.threshold);
  });

  it('/match on a two-face photo uses the largest face and says so', async () => {
    const r = await post('/match')
      .attach('image1', await twoFaces(), 'two.jpg')
      .attach('image2', fixture('George_W_Bush_0002'), 'b.jpg')
      .expect(200);
    expect(r.body.match).toBe(true);
    expect(r.body.faces.image1.face_count).toBe(2);
    expect(r.body.face_selection).toBe('largest_central');
  });

  it('/match with a face-less photo is a 400 naming the field', async () => {
    const r = await post('/match')
      .attach('image1', fixture('Tony_Blair_0001'), 'a.jpg')
      .attach('image2', await noFace(), 'b.jpg')
      .expect(400);
    expect(r.body).toEqual({ ok: false, error: "no face detected in 'image2'", code: 'no_face' });
  });

  it('/match-bulk compares a probe with every reference and names the best match', async () => {
    const r = await post('/match-bulk')
      .attach('probe', fixture('Tony_Blair_0001'), 'p.jpg')
      .attach('references', fixture('Colin_Powell_0001'), 'r0.jpg')
      .attach('references', fixture('Tony_Blair_0002'), 'r1.jpg')
      .attach('references', await noFace(), 'r2.jpg')
      .expect(200);
    expect(r.body.results).toHaveLength(3);
    expect(r.body.results[0]).toMatchObject({ index: 0, face_found: true, match: false });
    expect(r.body.results[1]).toMatchObject({ index: 1, face_found: true, match: true });
    expect(r.body.results[2]).toEqual({ index: 2, face_found: false, face_count: 0, similarity: null, match: false });
    expect(r.body.best_match).toEqual({ index: 1, similarity: r.body.results[1].similarity });
  });

  it('/consistency-check finds the odd one out', async () => {
    const r = await post('/consistency-check')
      .attach('images', fixture('Colin_Powell_0001'), 'a.jpg')
      .attach('images', fixture('Colin_Powell_0002'), 'b.jpg')
      .attach('images', fixture('Serena_Williams_0001'), 'c.jpg')
      .expect(200);
    expect(r.body.consistent).toBe(false);
    expect(r.body.outliers).toEqual([2]);
    expect(r.body.similarity_matrix).toHaveLength(3);
    expect(r.body.similarity_matrix[0][1]).toBe(r.body.similarity_matrix[1][0]);
    const ok = await post('/consistency-check')
      .attach('images', fixture('Colin_Powell_0001'), 'a.jpg')
      .attach('images', fixture('Colin_Powell_0002'), 'b.jpg')
      .expect(200);
    expect(ok.body).toMatchObject({ consistent: true, outliers: [] });
  });

  it('/quality explains its score with five components', async () => {
    const r = await post('/quality').attach('image', fixture('George_W_Bush_0001'), 'a.jpg').expect(200);
    const q = r.body.quality;
    expect(Object.keys(q.components).sort()).toEqual(['exposure', 'eyes_open', 'face_size', 'head_pose', 'sharpness']);
    expect(q.score).toBeGreaterThan(50);
    expect(q.components.eyes_open.value.left_open_probability).toBeGreaterThan(0.5);
    expect(Math.abs(q.components.head_pose.value.yaw_deg)).toBeLessThan(20);
    // a heavily blurred copy must score lower on sharpness
    const sharp = (await import('sharp')).default;
    const blurred = await sharp(fixture('George_W_Bush_0001')).blur(4).jpeg().toBuffer();
    const b = await post('/quality').attach('image', blurred, 'b.jpg').expect(200);
    expect(b.body.quality.components.sharpness.score).toBeLessThan(q.components.sharpness.score);
  });

  it('/liveness returns a score, the threshold and the decision', async () => {
    const r = await post('/liveness').attach('image', fixture('Serena_Williams_0001'), 'a.jpg').expect(200);
    expect(r.body.score).toBeGreaterThanOrEqual(0);
    expect(r.body.score).toBeLessThanOrEqual(1);
    expect(r.body.threshold).toBe(t.config.livenessThreshold);
    expect(r.body.live).toBe(r.body.score >= r.body.threshold);
  });

  it('answers 404 in the error shape for unknown endpoints', async () => {
    const r = await post('/nope').send({}).expect(404);
    expect(r.body).toEqual({ ok: false, error: 'no such endpoint', code: 'not_found' });
  });
});
