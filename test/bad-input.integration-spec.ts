import sharp from 'sharp';
import request from 'supertest';
import { ANIMATED_GIF, pngHeaderOnly } from '../libs/face/src/testing/malformed-images';
import { fixture } from './support/images';
import { ADMIN, startTestApp, type TestApp } from './support/app';

jest.setTimeout(120_000);

/**
 * Every malformed request gets a clear 4xx in the public error shape, and the server keeps
 * serving: after each case a valid /match must still succeed.
 */
describe('bad input never yields a 500 and loses nothing', () => {
  let t: TestApp;
  let http: ReturnType<TestApp['app']['getHttpServer']>;
  beforeAll(async () => {
    t = await startTestApp(); // 1 MiB per image, 2 MiB per JSON body, 5 images per request
    http = t.app.getHttpServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (path: string) => request(http).post(path).set('X-Auth-Token', t.token);
  const a = fixture('Colin_Powell_0001');
  const b = fixture('Colin_Powell_0002');

  async function stillServes(): Promise<void> {
    const r = await post('/match').attach('image1', a, 'a.jpg').attach('image2', b, 'b.jpg');
    expect(r.status).toBe(200);
    expect(r.body.match).toBe(true);
  }

  type Case = [name: string, send: () => Promise<request.Response>, status: number, error: RegExp | string, code: string];
  const oneImage =
    (buf: Buffer, filename = 'x.jpg', type?: string) =>
    () =>
      post('/detect').attach('image', buf, type ? { filename, contentType: type } : filename);

  const cases: Case[] = [
    ['zero-byte file', oneImage(Buffer.alloc(0)), 400, "'image': image is empty (0 bytes)", 'empty_image'],
    [
      'text file named .jpg',
      oneImage(Buffer.from('just some text, not a photo\n'), 'photo.jpg', 'image/jpeg'),
      400,
      /'image': not a decodable image/,
      'not_an_image',
    ],
    ['truncated JPEG', oneImage(a.subarray(0, 3000)), 400, "'image': image data is corrupt or truncated", 'corrupt_image'],
    [
      '1x1 image',
      async () =>
        oneImage(
          await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
            .png()
            .toBuffer(),
          'x.png',
        )(),
      400,
      "'image': image is 1x1; the minimum is 32x32",
      'image_too_small',
    ],
    [
      '20000x20000 PNG',
      oneImage(pngHeaderOnly(20000, 20000), 'big.png'),
      400,
      /'image': image is 20000x20000 = 400000000 pixels; the limit is 40000000/,
      'image_too_many_pixels',
    ],
    [
      'bomb-like compressed image (real 9000x9000 PNG of a few KB)',
      async () =>
        oneImage(
          await sharp({ create: { width: 9000, height: 9000, channels: 3, background: '#000' } })
            .png({ compressionLevel: 9 })
            .toBuffer(),
          'bomb.png',
        )(),
      400,
      /image is 9000x9000 = 81000000 pixels/,
      'image_too_many_pixels',
    ],
    [
      'animated GIF',
      oneImage(ANIMATED_GIF, 'anim.gif', 'image/gif'),
      400,
      /animated or multi-page images are not accepted/,
      'animated_image',
    ],
    [
      'wrong content type',
      () => post('/detect').set('Content-Type', 'text/plain').send('hello'),
      415,
      /unsupported content type 'text\/plain'/,
      'unsupported_media_type',
    ],
    ['missing field', () => post('/match').attach('image1', a, 'a.jpg'), 400, "missing image field 'image2'", 'missing_field'],
    [
      'unknown field',
      () => post('/detect').attach('image', a, 'a.jpg').field('colour', 'blue'),
      400,
      /unknown field 'colour'/,
      'unknown_field',
    ],
    [
      'unknown JSON field',
      () => post('/detect').send({ image: a.toString('base64'), extra: 1 }),
      400,
      /unknown field 'extra'/,
      'unknown_field',
    ],
    ...[0, 9, 'abc'].map((acc): Case => [
      `accuracy ${String(acc)}`,
      () => post('/match').attach('image1', a, 'a.jpg').attach('image2', b, 'b.jpg').field('accuracy', String(acc)),
      400,
      'accuracy must be an integer from 1 to 8',
      'invalid_accuracy',
    ]),
    [
      'accuracy as a JSON float',
      () => post('/match').send({ image1: a.toString('base64'), image2: b.toString('base64'), accuracy: 2.5 }),
      400,
      'accuracy must be an integer from 1 to 8',
      'invalid_accuracy',
    ],
    [
      'too many images',
      () => {
        let r = post('/consistency-check');
        for (let i = 0; i < 6; i++) r = r.attach('images', a, `${i}.jpg`);
        return r;
      },
      400,
      "too many images in 'images': at most 5",
      'too_many_images',
    ],
    [
      'far too many files',
      () => {
        let r = post('/consistency-check');
        for (let i = 0; i < 9; i++) r = r.attach('images', a, `${i}.jpg`);
        return r;
      },
      400,
      'too many files in the request',
      'too_many_images',
    ],
    [
      'base64 that is not base64',
      () => post('/detect').send({ image: '!!!not*base64###' }),
      400,
      "'image' is not valid base64",
      'invalid_base64',
    ],
    [
      'base64 of a non-image',
      () => post('/detect').send({ image: Buffer.from('hello world').toString('base64') }),
      400,
      /'image': not a decodable image/,
      'not_an_image',
    ],
    [
      'image field of the wrong JSON type',
      () => post('/detect').send({ image: 42 }),
      400,
      /'image' must be a base64 string/,
      'invalid_field',
    ],
    [
      'oversized JSON body',
      () => post('/detect').send({ image: 'A'.repeat(3 * 1024 * 1024) }),
      413,
      'request body is larger than the configured limit',
      'body_too_large',
    ],
    [
      'oversized file',
      () => post('/detect').attach('image', Buffer.alloc(1024 * 1024 + 10, 1), 'big.jpg'),
      413,
      "uploaded file 'image' is larger than the configured limit",
      'file_too_large',
    ],
    [
      'malformed JSON',
      () => post('/detect').set('Content-Type', 'application/json').send('{"image": '),
      400,
      'request body is not valid JSON',
      'invalid_json',
    ],
    ['JSON array body', () => post('/detect').send([1, 2]), 400, /request body must be a JSON object/, 'invalid_body'],
    [
      'malformed multipart',
      () =>
        post('/detect')
          .set('Content-Type', 'multipart/form-data; boundary=xyz')
          .send('--xyz\r\nContent-Disposition: form-data; name="image"\r\n\r\nabc'),
      400,
      /malformed multipart|missing image field/,
      '',
    ],
    ['empty body', () => post('/detect'), 400, "missing image field 'image'", 'missing_field'],
    [
      'photo without a face where one is needed',
      async () =>
        post('/quality').attach(
          'image',
          await sharp({ create: { width: 200, height: 200, channels: 3, background: '#345' } })
            .jpeg()
            .toBuffer(),
          'x.jpg',
        ),
      400,
      "no face detected in 'image'",
      'no_face',
    ],
    [
      'JSON that quotes itself in parser errors',
      () => post('/detect').set('Content-Type', 'application/json').send('hello-secret-body'),
      400,
      'request body is not valid JSON',
      'invalid_json',
    ],
    [
      '/rotate without a token',
      () => post('/rotate').field('password', 'p').field('scope', 's').attach('image', a, 'a.jpg'),
      400,
      "missing field 'token'",
      'missing_field',
    ],
    [
      '/rotate with a truncated token',
      () => post('/rotate').field('token', 'AQEPCAE').field('password', 'p').field('scope', 's').attach('image', a, 'a.jpg'),
      400,
      /'token' is not a valid identity token/,
      'invalid_token',
    ],
    [
      'status-list import that is not a list',
      () =>
        request(http)
          .post('/admin/status-list/import')
          .set('X-Auth-Token', ADMIN)
          .send({ format: 'facenition-status-list/1', alg: 'none' }),
      400,
      /status list refused: unsupported signature algorithm/,
      'invalid_status_list',
    ],
    [
      'status-list import as a JSON array',
      () => request(http).post('/admin/status-list/import').set('X-Auth-Token', ADMIN).send([1, 2]),
      400,
      'request body must be a JSON object or a form',
      'invalid_body',
    ],
  ];

  it.each(cases)('%s', async (_name, send, status, error, code) => {
    const r = await send();
    expect(r.status).toBe(status);
    expect(r.body.ok).toBe(false);
    if (typeof error === 'string') expect(r.body.error).toBe(error);
    else expect(r.body.error).toMatch(error);
    if (code) expect(r.body.code).toBe(code);
    await stillServes();
  });

  it('logged no unhandled error for any of them', () => {
    expect(t.logger.lines.filter((l) => /unhandled/.test(l))).toEqual([]);
    expect(t.logger.lines.filter((l) => / 500 /.test(l))).toEqual([]);
  });
});
