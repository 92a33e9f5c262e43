import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import sharp from 'sharp';
import request from 'supertest';
import { startTestApp, type TestApp } from './support/app';
import { launchBrowser } from './support/browser';
import { FIXTURES } from './support/images';

/**
 * <facenition-capture> (libs/capture) in real Chromium with a fake camera showing an LFW photo,
 * on a page served with a strict Content-Security-Policy. The test plays the relying party: its
 * page listens to the element and posts frames and the photo to its own backend (this test's
 * HTTP server), which asks the real Facenition app, so the JPEGs are decoded by the real server.
 */

const ROOT = join(__dirname, '..');
const BUNDLE = join(ROOT, 'libs/capture/dist/facenition-capture.js');
const SCREENSHOT = join(ROOT, 'docs/integrations/img/capture.png');

/** What the component needs: its own script. connect-src is the host page's own fetch to its backend. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** The relying party's page script: hands frames and the photo to its backend, records what happened. */
const HOST_JS = `
import { DEFAULT_LABELS } from '/facenition-capture.js';
const log = (window.hostLog = { frames: [], captures: [], errors: [], statuses: [], violations: [] });
document.addEventListener('securitypolicyviolation', (e) => log.violations.push(e.violatedDirective + ' ' + e.blockedURI));
const page = document.body.dataset.page;
const el = document.querySelector('facenition-capture');
const root = el.shadowRoot;
const status = root.querySelector('[role=status]');
const video = root.querySelector('video');
log.statuses.push(status.textContent);
new MutationObserver(() => log.statuses.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
el.addEventListener('facenition-frame', async (e) => {
  const { blob, width, height, seq } = e.detail;
  log.frames.push({ t: performance.now(), width, height, seq, type: blob.type });
  const answer = await (await fetch('/check?page=' + page, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: blob })).json();
  el.feedback({ ...answer, seq });
});
el.addEventListener('facenition-capture', async (e) => {
  const { blob, width, height, source } = e.detail;
  const entry = { t: performance.now(), type: blob.type, width, height, source, isBlob: blob instanceof Blob };
  log.captures.push(entry);
  entry.answer = await (await fetch('/photo', { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: blob })).json();
});
el.addEventListener('facenition-error', (e) => log.errors.push(e.detail));
window.t = {
  el,
  labels: DEFAULT_LABELS,
  state: () => el.state,
  status: () => status.textContent,
  track: () => video.srcObject && video.srcObject.getVideoTracks()[0],
  focused: () => (document.activeElement === el && root.activeElement ? root.activeElement.textContent : null),
};
`;

interface Verdict {
  ok: boolean;
  code?: string;
  message?: string;
}
type Script = (Verdict | 'detect')[];

interface Detected {
  face_count: number;
  image: { width: number; height: number };
}

describe('<facenition-capture> in Chromium with a fake camera', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  const browsers: Browser[] = [];
  let camera: Browser;
  const tmp = mkdtempSync(join(tmpdir(), 'facenition-capture-'));
  /** The verdicts each page's backend gives, in order; 'detect' asks the real app (one face = ok). */
  const scripts = new Map<string, Script>();
  /** The element's attributes on each page. */
  const pages = new Map<string, string>();
  const received = { frames: [] as { page: string; detected: Detected }[], photos: [] as { bytes: Buffer; detected: Detected }[] };
  const problems: string[] = [];

  const detect = async (jpeg: Buffer): Promise<Detected> => {
    const res = await request(t.app.getHttpServer())
      .post('/detect')
      .set('X-Auth-Token', t.token)
      .attach('image', jpeg, { filename: 'capture.jpg', contentType: 'image/jpeg' })
      .expect(200);
    return res.body as Detected;
  };

  const body = (req: IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, type: string, content: string | Buffer) => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' });
      res.end(content);
    };
    if (req.method === 'GET' && url.pathname.startsWith('/p/') && pages.has(url.pathname.slice(3))) {
      const name = url.pathname.slice(3);
      return send(
        200,
        'text/html; charset=utf-8',
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>capture</title>` +
          `<meta name="viewport" content="width=device-width, initial-scale=1">` +
          `<script type="module" src="/host.js"></script><script type="module" src="/facenition-capture.js"></script></head>` +
          `<body data-page="${name}"><facenition-capture ${pages.get(name)}></facenition-capture></body></html>`,
      );
    }
    if (req.method === 'GET' && url.pathname === '/facenition-capture.js') return send(200, 'text/javascript', readFileSync(BUNDLE));
    if (req.method === 'GET' && url.pathname === '/host.js') return send(200, 'text/javascript', HOST_JS);
    if (req.method === 'GET' && url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    if (req.method === 'POST' && url.pathname === '/check') {
      const page = url.searchParams.get('page') ?? '';
      const frame = await body(req);
      const detected = await detect(frame);
      received.frames.push({ page, detected });
      const next = scripts.get(page)?.shift() ?? 'detect';
      const verdict: Verdict =
        next !== 'detect'
          ? next
          : detected.face_count === 1
            ? { ok: true }
            : { ok: false, code: detected.face_count === 0 ? 'no_face' : 'several_faces' };
      return send(200, 'application/json', JSON.stringify(verdict));
    }
    if (req.method === 'POST' && url.pathname === '/photo') {
      const bytes = await body(req);
      const detected = await detect(bytes);
      received.photos.push({ bytes, detected });
      return send(200, 'application/json', JSON.stringify({ face_count: detected.face_count, image: detected.image }));
    }
    send(404, 'text/plain', 'not found');
  };

  /** A page of the relying party with the element carrying `attrs`; console errors and page errors are collected. */
  async function open(browser: Browser, name: string, attrs: string, script: Script = []): Promise<Page> {
    pages.set(name, attrs);
    scripts.set(name, script);
    const page = await browser.newPage();
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${name}: console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${name}: ${e.message}`));
    await page.goto(`${base}/p/${name}`);
    await until(page, 'window.t !== undefined');
    return page;
  }

  const js = <T>(page: Page, expression: string): Promise<T> => page.evaluate<T>(expression);

  /** Polls an expression from Node (page.evaluate goes through the DevTools protocol, which the page's CSP does not restrict). */
  async function until(page: Page, expression: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await page.evaluate<boolean>(`Boolean(${expression})`))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function violations(page: Page): Promise<string[]> {
    return js<string[]>(page, 'hostLog.violations');
  }

  beforeAll(async () => {
    expect(existsSync(BUNDLE)).toBe(true); // npm run capture:build
    [t, camera] = await Promise.all([startTestApp(), launchBrowser({ cameraPhoto: join(FIXTURES, 'Colin_Powell_0001.jpg') })]);
    browsers.push(camera);
    server = createServer((req, res) => {
      handle(req, res).catch((err: Error) => {
        problems.push(`server: ${err.message}`);
        res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(() => {
    // No console error or warning (a CSP violation logs one), no uncaught error, on any page.
    expect(problems).toEqual([]);
    problems.length = 0;
  });

  it('starts the camera, asks the host at most every 500 ms, announces its verdicts and emits the approved frame as a JPEG', async () => {
    const page = await open(camera, 'auto', 'autostart check-interval="100"', [
      { ok: false, code: 'no_face' },
      { ok: false, code: 'several_faces', message: 'Only one person, please.' },
      { ok: false, code: 'not_live' },
      'detect',
    ]);
    await until(page, "t.state() === 'live'");
    expect(
      await js(page, '[t.el.shadowRoot.querySelector("video").videoWidth, t.el.shadowRoot.querySelector("video").videoHeight]'),
    ).toEqual([640, 480]);
    await js(page, 'void (window.track = t.track())');
    expect(await js(page, 'track.readyState')).toBe('live');

    await until(page, 'hostLog.captures.length === 1 && hostLog.captures[0].answer', 10_000);
    const log = await js<{
      frames: { t: number; width: number; height: number; seq: number; type: string }[];
      captures: { type: string; width: number; height: number; source: string; isBlob: boolean; answer: Detected }[];
      statuses: string[];
      errors: unknown[];
    }>(page, 'hostLog');
    const labels = await js<Record<string, string>>(page, 't.labels');

    // four frames: three refused by the script, the fourth approved by the real /detect
    expect(log.frames.map((f) => f.seq)).toEqual([1, 2, 3, 4]);
    for (const f of log.frames) expect(f).toMatchObject({ width: 320, height: 240, type: 'image/jpeg' });
    // check-interval="100" is raised to the least, 500 ms
    const gaps = log.frames.slice(1).map((f, i) => f.t - log.frames[i].t);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(499);
    // the real server decoded every frame: 320x240 with the one face of the fake camera
    const frames = received.frames.filter((f) => f.page === 'auto').map((f) => f.detected);
    expect(frames).toHaveLength(4);
    for (const d of frames) expect(d).toMatchObject({ face_count: 1, image: { width: 320, height: 240 } });

    // the live region said each verdict once, in order, then that the photo was taken
    expect(await js(page, 't.el.shadowRoot.querySelector("[role=status]").getAttribute("aria-live")')).toBe('polite');
    expect(log.statuses).toEqual([
      labels.starting,
      labels.live,
      labels.no_face,
      'Only one person, please.',
      labels.not_live,
      labels.captured,
    ]);

    // the photo: a JPEG Blob of 640x480 in which the real server finds one face
    expect(log.captures).toMatchObject([
      {
        type: 'image/jpeg',
        width: 640,
        height: 480,
        source: 'camera',
        isBlob: true,
        answer: { face_count: 1, image: { width: 640, height: 480 } },
      },
    ]);
    const photo = received.photos.at(-1)!;
    expect(photo.bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(await sharp(photo.bytes).metadata()).toMatchObject({ format: 'jpeg', width: 640, height: 480 });
    expect(log.errors).toEqual([]);

    // once the photo is taken the camera is off and the photo is shown instead of the preview
    expect(await js(page, 't.state()')).toBe('captured');
    expect(await js(page, 'track.readyState')).toBe('ended');
    expect(await js(page, 't.el.shadowRoot.querySelector("canvas").hidden')).toBe(false);
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it('is operated with the keyboard: Tab reaches "Take photo", Enter and Space take a photo, the focus follows', async () => {
    const page = await open(camera, 'keyboard', 'autostart manual');
    await until(page, "t.state() === 'live'");
    await page.keyboard.press('Tab');
    expect(await js(page, 't.focused()')).toBe('Take photo');

    await page.keyboard.press('Enter');
    await until(page, 'hostLog.captures.length === 1 && hostLog.captures[0].answer');
    expect(await js(page, 't.state()')).toBe('captured');
    expect(await js(page, 't.focused()')).toBe('Take another photo');

    await page.keyboard.press('Space'); // "Take another photo": the camera starts again, the focus goes back to "Take photo"
    await until(page, "t.state() === 'live'");
    expect(await js(page, 't.focused()')).toBe('Take photo');
    await page.keyboard.press('Space');
    await until(page, 'hostLog.captures.length === 2 && hostLog.captures[1].answer');

    const captures = await js<{ source: string; width: number; height: number; answer: Detected }[]>(page, 'hostLog.captures');
    for (const c of captures) {
      expect(c).toMatchObject({ source: 'camera', width: 640, height: 480, answer: { face_count: 1, image: { width: 640, height: 480 } } });
    }
    // manual: no frame is sent for checking
    expect(await js(page, 'hostLog.frames.length')).toBe(0);
    expect(await violations(page)).toEqual([]);

    if (!existsSync(SCREENSHOT) || process.env.UPDATE_SCREENSHOTS) {
      await page.keyboard.press('Space');
      await until(page, "t.state() === 'live'");
      await js(page, 't.el.shadowRoot.activeElement?.blur()');
      await page.setViewportSize({ width: 700, height: 700 });
      mkdirSync(join(ROOT, 'docs/integrations/img'), { recursive: true });
      writeFileSync(SCREENSHOT, await page.locator('facenition-capture').screenshot({ animations: 'disabled' }));
    }
    await page.close();
  });

  it('shows the file input only with allow-upload; an upload is re-encoded as a JPEG and marked as such', async () => {
    const off = await open(camera, 'upload-off', 'autostart');
    await until(off, "t.state() === 'live'");
    expect(await off.locator('input[type=file]').count()).toBe(0);
    await off.close();

    const page = await open(camera, 'upload-on', 'allow-upload');
    expect(await js(page, 't.state()')).toBe('idle');
    const input = page.getByLabel('Or upload a photo');
    expect(await input.isVisible()).toBe(true);

    await input.setInputFiles({ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo') });
    await until(page, 'hostLog.errors.length === 1');
    const labels = await js<Record<string, string>>(page, 't.labels');
    expect(await js(page, 'hostLog.errors[0]')).toEqual({
      code: 'upload_unreadable',
      message: labels.upload_unreadable,
      cause: 'InvalidStateError',
    });
    expect(await js(page, 't.status()')).toBe(labels.upload_unreadable);

    await input.setInputFiles(join(FIXTURES, 'Colin_Powell_0002.jpg'));
    await until(page, 'hostLog.captures.length === 1 && hostLog.captures[0].answer');
    expect(await js(page, 'hostLog.captures[0]')).toMatchObject({
      type: 'image/jpeg',
      source: 'upload',
      width: 250,
      height: 250,
      answer: { face_count: 1, image: { width: 250, height: 250 } },
    });
    expect(await js(page, 't.state()')).toBe('captured');

    await js(page, 't.el.removeAttribute("allow-upload")');
    expect(await page.locator('input[type=file]').count()).toBe(0);
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it('stops every camera track on stop() and when removed from the page', async () => {
    const page = await open(camera, 'stop', 'autostart manual');
    await until(page, "t.state() === 'live'");
    await js(page, 'void (window.first = t.track())');
    await js(page, 't.el.stop()');
    expect(await js(page, '[first.readyState, t.state(), t.track(), t.status() === t.labels.idle]')).toEqual(['ended', 'idle', null, true]);

    await js(page, 't.el.start()');
    expect(await js(page, 't.state()')).toBe('live');
    await js(page, 'void (window.second = t.track())');
    expect(await js(page, 'second.readyState')).toBe('live');
    await js(page, 't.el.remove()');
    expect(await js(page, '[second.readyState, t.state()]')).toEqual(['ended', 'idle']);
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it('reports a frame too dark to check without asking the host', async () => {
    const dark = join(tmp, 'dark.jpg');
    await sharp(join(FIXTURES, 'Colin_Powell_0001.jpg')).modulate({ brightness: 0.08 }).jpeg().toFile(dark);
    const browser = await launchBrowser({ cameraPhoto: dark });
    browsers.push(browser);
    const page = await open(browser, 'dark', 'autostart', ['detect']);
    await until(page, "t.state() === 'live'");
    const labels = await js<Record<string, string>>(page, 't.labels');
    await until(page, `t.status() === ${JSON.stringify(labels.too_dark)}`);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await js(page, 'hostLog.frames.length')).toBe(0);
    expect(received.frames.filter((f) => f.page === 'dark')).toEqual([]);
    expect(await js(page, 't.state()')).toBe('live');
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it('reports a refused camera and a missing camera with clear messages; the upload stays usable', async () => {
    const denied = await launchBrowser({ cameraPhoto: join(FIXTURES, 'Colin_Powell_0001.jpg'), cameraPermission: 'denied' });
    const none = await launchBrowser({});
    browsers.push(denied, none);

    const page = await open(denied, 'denied', 'autostart allow-upload');
    await until(page, 'hostLog.errors.length === 1');
    const labels = await js<Record<string, string>>(page, 't.labels');
    expect(await js(page, 'hostLog.errors')).toEqual([{ code: 'camera_denied', message: labels.camera_denied, cause: 'NotAllowedError' }]);
    expect(labels.camera_denied).toMatch(/refused.*browser settings/);
    expect(await js(page, '[t.state(), t.status(), t.track()]')).toEqual(['error', labels.camera_denied, null]);
    expect(await page.getByRole('button', { name: 'Start camera' }).isVisible()).toBe(true);
    expect(await page.getByLabel('Or upload a photo').isVisible()).toBe(true);
    expect(await violations(page)).toEqual([]);
    await page.close();

    const missing = await open(none, 'missing', 'autostart');
    await until(missing, 'hostLog.errors.length === 1');
    expect(await js(missing, 'hostLog.errors')).toEqual([
      { code: 'camera_not_found', message: labels.camera_not_found, cause: 'NotFoundError' },
    ]);
    expect(await js(missing, 't.status()')).toBe(labels.camera_not_found);
    await missing.close();
  });
});
