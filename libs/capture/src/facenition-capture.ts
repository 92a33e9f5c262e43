/**
 * <facenition-capture>: live face capture in the browser, framework-free, for the Facenition
 * hosted page and for integrators' own enrolment and sign-in UIs.
 *
 * Capture on the client, call Facenition from the server: the element only produces JPEG Blobs
 * (small frames for the host's checks, one full-size photo at the end). It makes no network call,
 * holds no token and keeps no frame beyond the current capture. It needs nothing from the page's
 * Content-Security-Policy beyond `script-src` for its own file: no inline style or script, no eval,
 * no blob:/data: URL, no innerHTML (Trusted Types safe); its styles are a constructed stylesheet.
 */

export type CaptureState = 'idle' | 'starting' | 'live' | 'captured' | 'error';
export type CaptureSource = 'camera' | 'upload';
export type CaptureErrorCode =
  | 'camera_denied'
  | 'camera_not_found'
  | 'camera_unavailable'
  | 'camera_lost'
  | 'camera_unsupported'
  | 'insecure_context'
  | 'upload_unreadable'
  | 'capture_failed';

/** `facenition-frame`: a small frame for the host to check (at most one every `check-interval` ms). */
export interface FrameDetail {
  blob: Blob;
  width: number;
  height: number;
  /** Increasing number of the frame; pass it back in `feedback()` to ignore late answers. */
  seq: number;
}

/** `facenition-capture`: the photo, a JPEG of at most `width` x `height`. */
export interface CaptureDetail {
  blob: Blob;
  width: number;
  height: number;
  /** 'upload' when the photo came from the file fallback: it is not a live presentation. */
  source: CaptureSource;
}

/** `facenition-error`: the camera or an upload failed; `message` is also shown to the user. */
export interface CaptureErrorDetail {
  code: CaptureErrorCode;
  message: string;
  /** The browser's error name (e.g. `NotAllowedError`), when there was one. */
  cause?: string;
}

/** The host's verdict on a frame. */
export interface Feedback {
  ok: boolean;
  /** What to tell the user; without it, the label of `code` (or a generic hint) is shown. */
  message?: string;
  /** e.g. `no_face`, `several_faces`, `not_live`, `low_quality`, `face_too_small`. */
  code?: string;
  /** The frame's `seq`; an answer about an older frame than the one awaiting is ignored. */
  seq?: number;
}

export interface CaptureLabels {
  preview: string;
  start: string;
  take: string;
  retake: string;
  upload: string;
  idle: string;
  starting: string;
  live: string;
  captured: string;
  retry: string;
  too_dark: string;
  no_face: string;
  several_faces: string;
  not_live: string;
  low_quality: string;
  face_too_small: string;
  face_off_center: string;
  camera_denied: string;
  camera_not_found: string;
  camera_unavailable: string;
  camera_lost: string;
  camera_unsupported: string;
  insecure_context: string;
  upload_unreadable: string;
  capture_failed: string;
}

export const DEFAULT_LABELS: Readonly<CaptureLabels> = Object.freeze({
  preview: 'Camera preview',
  start: 'Start camera',
  take: 'Take photo',
  retake: 'Take another photo',
  upload: 'Or upload a photo',
  idle: 'The camera is off.',
  starting: 'Starting the camera…',
  live: 'Place your face inside the oval and look at the camera.',
  captured: 'Photo taken.',
  retry: 'Adjust your position and look at the camera.',
  too_dark: 'Too dark: face a light or move to a brighter place.',
  no_face: 'No face found: look at the camera, inside the oval.',
  several_faces: 'Several faces: only one person should be in the picture.',
  not_live: 'Could not confirm a live person: look straight at the camera.',
  low_quality: 'The picture is not clear enough: hold still in good light.',
  face_too_small: 'Come closer: your face should fill the oval.',
  face_off_center: 'Centre your face in the oval.',
  camera_denied: 'Camera access was refused. Allow the camera for this page in your browser settings, then try again.',
  camera_not_found: 'No camera was found. Connect a camera, then try again.',
  camera_unavailable: 'The camera could not be started: it may be in use by another application.',
  camera_lost: 'The camera stopped. Check it, then try again.',
  camera_unsupported: 'This browser cannot use a camera here.',
  insecure_context: 'The camera can only be used on a secure (https) page.',
  upload_unreadable: 'That file is not a photo this browser can read: use a JPEG, PNG or WebP photo.',
  capture_failed: 'The photo could not be taken. Please try again.',
});

/** The least `check-interval`: frames go to the host at most twice a second. */
export const MIN_CHECK_INTERVAL_MS = 500;
/** Mean luma (0-255) of a frame below which it is reported too dark without asking the host. */
export const DARK_LUMA = 40;
/** A frame whose verdict has not come back after this long is given up, so frames flow again. */
export const FEEDBACK_TIMEOUT_MS = 10_000;

const FRAME_QUALITY = 0.8;
const PHOTO_QUALITY = 0.92;

const STYLES = `
:host { display: block; max-width: 40rem; --facenition-accent: #0b57d0; --facenition-on-accent: #fff;
  --facenition-good: #1e8e3e; --facenition-warn: #f29900; --facenition-error: #b3261e; }
:host([hidden]), [hidden] { display: none !important; }
.stage { position: relative; width: 100%; overflow: hidden; border-radius: 0.5rem; background: #111; }
video, canvas { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; transform: scaleX(-1); }
.guide { position: absolute; top: 10%; left: 50%; height: 80%; aspect-ratio: 3 / 4; transform: translateX(-50%);
  border-radius: 50%; border: 3px dashed rgb(255 255 255 / 0.9); box-shadow: 0 0 0 100vmax rgb(0 0 0 / 0.45);
  pointer-events: none; }
.stage.good .guide { border-style: solid; border-color: var(--facenition-good); }
.stage.bad .guide { border-color: var(--facenition-warn); }
.stage.still .guide { display: none; }
.status { min-height: 1.5em; margin: 0.75rem 0; }
.status.error { color: var(--facenition-error); font-weight: 600; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
button { font: inherit; min-height: 44px; padding: 0.5rem 1.25rem; border: 0; border-radius: 0.375rem; cursor: pointer;
  background: var(--facenition-accent); color: var(--facenition-on-accent); }
button[aria-disabled='true'] { opacity: 0.5; cursor: default; }
button:focus-visible, input:focus-visible { outline: 3px solid var(--facenition-accent); outline-offset: 2px; }
.upload { margin-top: 0.75rem; }
.upload label { display: flex; flex-direction: column; gap: 0.25rem; }
input { font: inherit; min-height: 44px; }
@media (forced-colors: active) { .guide { border-color: CanvasText; } button { border: 1px solid ButtonText; } }
@media (prefers-reduced-motion: no-preference) { .guide { transition: border-color 0.2s; } }
`;

let sharedSheet: CSSStyleSheet | undefined;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

/** The region of a `srcW` x `srcH` picture that covers `outW` x `outH`, centred, and the size to draw it at (never enlarged). */
function cover(srcW: number, srcH: number, outW: number, outH: number) {
  const scale = Math.max(outW / srcW, outH / srcH);
  const sw = Math.min(srcW, outW / scale);
  const sh = Math.min(srcH, outH / scale);
  const enlarge = scale > 1;
  return {
    sx: (srcW - sw) / 2,
    sy: (srcH - sh) / 2,
    sw,
    sh,
    width: Math.max(1, Math.round(enlarge ? sw : outW)),
    height: Math.max(1, Math.round(enlarge ? sh : outH)),
  };
}

function meanLuma(data: Uint8ClampedArray): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
  return sum / Math.max(1, data.length / 4);
}

function toJpeg(canvas: HTMLCanvasElement, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
}

const CAMERA_ERRORS: Readonly<Record<string, CaptureErrorCode>> = {
  NotAllowedError: 'camera_denied',
  SecurityError: 'camera_denied',
  NotFoundError: 'camera_not_found',
  OverconstrainedError: 'camera_not_found',
};

/** getUserMedia's error names: refused, no such device, anything else (in use, hardware, aborted). */
function cameraErrorCode(name: string | undefined): CaptureErrorCode {
  return (name && Object.hasOwn(CAMERA_ERRORS, name) && CAMERA_ERRORS[name]) || 'camera_unavailable';
}

function errorName(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string'
    ? (err as { name: string }).name
    : undefined;
}

export class FacenitionCaptureElement extends HTMLElement {
  static readonly observedAttributes = ['allow-upload', 'labels', 'width', 'height', 'frame-width', 'check-interval', 'manual'];

  readonly #root: ShadowRoot;
  readonly #sizeSheet = new CSSStyleSheet();
  readonly #stage = el('div', { class: 'stage', part: 'stage', role: 'group' });
  readonly #video = el('video', { part: 'video', 'aria-hidden': 'true', playsinline: '' });
  /** The one full-size frame: the frame awaiting the host's verdict, then the photo shown once taken. */
  readonly #photo = el('canvas', { part: 'photo', 'aria-hidden': 'true', hidden: '' });
  readonly #small = el('canvas');
  readonly #status = el('p', { class: 'status', part: 'status', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  readonly #startButton = el('button', { type: 'button', part: 'button start' });
  readonly #takeButton = el('button', { type: 'button', part: 'button take' });
  readonly #retakeButton = el('button', { type: 'button', part: 'button retake' });
  #upload: { box: HTMLDivElement; text: HTMLSpanElement; input: HTMLInputElement } | null = null;

  #state: CaptureState = 'idle';
  #stream: MediaStream | null = null;
  /** Bumped by every start/stop: an asynchronous step that finds it changed gives up. */
  #generation = 0;
  #starting: Promise<void> | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #seq = 0;
  #pending: { seq: number; at: number } | null = null;
  #lastCheck = -Infinity;
  #photoTaken = false;
  #labelOverrides: Partial<CaptureLabels> = {};
  #attributeLabels: Partial<CaptureLabels> = {};
  #statusKey: keyof CaptureLabels | null = 'idle';

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    sharedSheet ??= (() => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
      return sheet;
    })();
    this.#root.adoptedStyleSheets = [sharedSheet, this.#sizeSheet];
    this.#video.muted = true;
    this.#video.playsInline = true;
    this.#video.disablePictureInPicture = true;
    const guide = el('div', { class: 'guide', part: 'guide', 'aria-hidden': 'true' });
    this.#stage.append(this.#video, this.#photo, guide);
    const actions = el('div', { class: 'actions', part: 'actions' });
    actions.append(this.#startButton, this.#takeButton, this.#retakeButton);
    this.#root.append(this.#stage, this.#status, actions);
    this.#startButton.addEventListener('click', () => void this.start());
    this.#takeButton.addEventListener('click', () => void this.#takeNow());
    this.#retakeButton.addEventListener('click', () => void this.reset());
    this.#applySize();
    this.#render();
  }

  /** `idle` (camera off), `starting`, `live`, `captured` (photo taken, camera off) or `error`. */
  get state(): CaptureState {
    return this.#state;
  }

  /** Overrides of the built-in English texts (merged over the `labels` attribute). */
  get labels(): Partial<CaptureLabels> {
    return { ...this.#attributeLabels, ...this.#labelOverrides };
  }
  set labels(value: Partial<CaptureLabels>) {
    this.#labelOverrides = { ...value };
    this.#render();
  }

  connectedCallback(): void {
    this.#syncUpload();
    if (this.hasAttribute('autostart') && this.#state === 'idle') void this.start();
  }

  disconnectedCallback(): void {
    this.#halt();
    this.#clearPhoto();
    this.#setState('idle', 'idle');
  }

  attributeChangedCallback(name: string): void {
    switch (name) {
      case 'allow-upload':
        this.#syncUpload();
        break;
      case 'labels':
        this.#attributeLabels = this.#parseLabels(this.getAttribute('labels'));
        this.#render();
        break;
      case 'width':
      case 'height':
        this.#applySize();
        break;
      case 'manual':
      case 'check-interval':
        this.#schedule();
        break;
      default:
        break;
    }
  }

  /** Turns the camera on (asks permission the first time). Resolves when live or failed (then a `facenition-error` was sent); never rejects. */
  start(): Promise<void> {
    if (this.#state === 'live') return Promise.resolve();
    if (this.#starting) return this.#starting;
    const generation = ++this.#generation;
    this.#clearPhoto();
    this.#setState('starting', 'starting');
    const run = this.#openCamera(generation).finally(() => {
      if (this.#generation === generation) this.#starting = null;
    });
    this.#starting = run;
    return run;
  }

  /** Turns the camera off (every track is stopped). A photo already taken stays shown. */
  stop(): void {
    this.#halt();
    if (this.#state !== 'captured') this.#setState('idle', 'idle');
  }

  /** Forgets the photo and any message, and starts the camera again. */
  reset(): Promise<void> {
    this.#halt();
    this.#clearPhoto();
    this.#state = 'idle';
    return this.start();
  }

  /** The host's verdict on the last `facenition-frame`: `ok` takes that very frame as the photo; otherwise `message` is shown. */
  feedback(result: Feedback): void {
    if (this.#state !== 'live' || !this.#pending) return;
    if (result.seq !== undefined && result.seq !== this.#pending.seq) return;
    this.#pending = null;
    if (result.ok) {
      void this.#finishCapture('camera');
      return;
    }
    const key = result.code && result.code in DEFAULT_LABELS ? (result.code as keyof CaptureLabels) : 'retry';
    this.#verdict('bad');
    if (result.message) this.#say(result.message, null);
    else this.#say(this.#label(key), key);
    this.#schedule();
  }

  async #openCamera(generation: number): Promise<void> {
    if (!window.isSecureContext) return this.#fail('insecure_context');
    if (!navigator.mediaDevices?.getUserMedia) return this.#fail('camera_unsupported');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: 'user', width: { ideal: this.#width }, height: { ideal: this.#height } },
      });
    } catch (err) {
      if (generation === this.#generation) this.#fail(cameraErrorCode(errorName(err)), errorName(err));
      return;
    }
    if (generation !== this.#generation || !this.isConnected) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    this.#stream = stream;
    for (const track of stream.getVideoTracks()) {
      track.addEventListener('ended', () => {
        if (this.#stream === stream && this.#state === 'live') this.#fail('camera_lost');
      });
    }
    this.#video.srcObject = stream;
    try {
      await this.#video.play();
    } catch (err) {
      if (generation === this.#generation) this.#fail('camera_unavailable', errorName(err));
      return;
    }
    if (generation !== this.#generation) return;
    this.#verdict(null);
    this.#setState('live', 'live');
    this.#schedule();
  }

  #halt(): void {
    this.#generation++;
    this.#starting = null;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = null;
    this.#lastCheck = -Infinity;
    if (this.#stream) for (const track of this.#stream.getTracks()) track.stop();
    this.#stream = null;
    this.#video.srcObject = null;
    const small = this.#small.getContext('2d');
    small?.clearRect(0, 0, this.#small.width, this.#small.height);
  }

  #clearPhoto(): void {
    this.#photoTaken = false;
    this.#photo.getContext('2d')?.clearRect(0, 0, this.#photo.width, this.#photo.height);
    this.#photo.width = 0;
    this.#photo.height = 0;
    this.#verdict(null);
  }

  /** Camera off, state `error`, the message shown and sent as `facenition-error`. */
  #fail(code: CaptureErrorCode, cause?: string): void {
    this.#halt();
    this.#setState('error', code);
    this.#report(code, cause);
  }

  /** Shows an error message and sends it as `facenition-error`, without changing the state. */
  #report(code: CaptureErrorCode, cause?: string): void {
    const message = this.#label(code);
    this.#say(message, code, true);
    this.#emit<CaptureErrorDetail>('facenition-error', cause ? { code, message, cause } : { code, message });
  }

  get #interval(): number {
    return Math.max(MIN_CHECK_INTERVAL_MS, this.#int('check-interval', 500, MIN_CHECK_INTERVAL_MS, 60_000));
  }
  get #width(): number {
    return this.#int('width', 640, 32, 4096);
  }
  get #height(): number {
    return this.#int('height', 480, 32, 4096);
  }
  get #frameWidth(): number {
    return this.#int('frame-width', 320, 64, 1024);
  }

  #int(name: string, fallback: number, min: number, max: number): number {
    const value = Number.parseInt(this.getAttribute(name) ?? '', 10);
    return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#state !== 'live' || this.hasAttribute('manual')) return;
    const now = performance.now();
    const due = this.#pending ? this.#pending.at + FEEDBACK_TIMEOUT_MS : this.#lastCheck + this.#interval;
    this.#timer = setTimeout(() => void this.#check(), Math.max(0, due - now));
  }

  /** Draws the current video frame, centred and cropped to the capture size, into the photo canvas. */
  #grab(): boolean {
    const { videoWidth, videoHeight } = this.#video;
    if (this.#video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || !videoWidth || !videoHeight) return false;
    const c = cover(videoWidth, videoHeight, this.#width, this.#height);
    this.#photo.width = c.width;
    this.#photo.height = c.height;
    this.#photo.getContext('2d')!.drawImage(this.#video, c.sx, c.sy, c.sw, c.sh, 0, 0, c.width, c.height);
    return true;
  }

  async #check(): Promise<void> {
    this.#timer = undefined;
    if (this.#state !== 'live' || this.hasAttribute('manual')) return;
    const now = performance.now();
    if (this.#pending && now - this.#pending.at < FEEDBACK_TIMEOUT_MS) return this.#schedule();
    this.#pending = null;
    if (now - this.#lastCheck < this.#interval) return this.#schedule();
    if (!this.#grab()) {
      this.#timer = setTimeout(() => void this.#check(), 100);
      return;
    }
    const generation = this.#generation;
    const width = Math.min(this.#frameWidth, this.#photo.width);
    const height = Math.max(1, Math.round((this.#photo.height * width) / this.#photo.width));
    this.#small.width = width;
    this.#small.height = height;
    const ctx = this.#small.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(this.#photo, 0, 0, width, height);
    if (meanLuma(ctx.getImageData(0, 0, width, height).data) < DARK_LUMA) {
      this.#lastCheck = now;
      this.#verdict('bad');
      this.#say(this.#label('too_dark'), 'too_dark');
      return this.#schedule();
    }
    const blob = await toJpeg(this.#small, FRAME_QUALITY);
    ctx.clearRect(0, 0, width, height);
    if (generation !== this.#generation || this.#state !== 'live') return;
    if (!blob) {
      this.#lastCheck = performance.now();
      return this.#schedule();
    }
    const seq = ++this.#seq;
    this.#lastCheck = performance.now();
    this.#pending = { seq, at: this.#lastCheck };
    this.#schedule();
    this.#emit<FrameDetail>('facenition-frame', { blob, width, height, seq });
  }

  async #takeNow(): Promise<void> {
    if (this.#state !== 'live') return;
    if (!this.#grab()) return this.#report('capture_failed');
    await this.#finishCapture('camera');
  }

  /** The photo canvas holds the photo: turn the camera off, show the photo and hand it over as a JPEG. */
  async #finishCapture(source: CaptureSource): Promise<void> {
    this.#halt();
    this.#photoTaken = true;
    this.#verdict('good');
    this.#setState('captured', 'captured');
    const generation = this.#generation;
    const blob = await toJpeg(this.#photo, PHOTO_QUALITY);
    if (generation !== this.#generation || this.#state !== 'captured') return;
    if (!blob) {
      this.#clearPhoto();
      return this.#fail('capture_failed');
    }
    this.#emit<CaptureDetail>('facenition-capture', { blob, width: this.#photo.width, height: this.#photo.height, source });
  }

  async #onUpload(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file || !this.hasAttribute('allow-upload')) return;
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch (err) {
      // The camera, if on, stays on: only this file was refused.
      return this.#report('upload_unreadable', errorName(err));
    }
    // Re-encoded at most at the capture size: metadata (EXIF, GPS) is not passed on.
    const longest = Math.max(this.#width, this.#height);
    const scale = Math.min(1, longest / Math.max(bitmap.width, bitmap.height));
    this.#halt();
    this.#photo.width = Math.max(1, Math.round(bitmap.width * scale));
    this.#photo.height = Math.max(1, Math.round(bitmap.height * scale));
    this.#photo.getContext('2d')!.drawImage(bitmap, 0, 0, this.#photo.width, this.#photo.height);
    bitmap.close();
    await this.#finishCapture('upload');
  }

  #syncUpload(): void {
    const wanted = this.hasAttribute('allow-upload');
    if (wanted && !this.#upload) {
      const box = el('div', { class: 'upload', part: 'upload' });
      const label = el('label');
      const text = el('span');
      const input = el('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp', part: 'file' });
      input.addEventListener('change', () => void this.#onUpload(input));
      label.append(text, input);
      box.append(label);
      this.#root.append(box);
      this.#upload = { box, text, input };
      this.#render();
    } else if (!wanted && this.#upload) {
      this.#upload.box.remove();
      this.#upload = null;
    }
  }

  #applySize(): void {
    this.#sizeSheet.replaceSync(`.stage { aspect-ratio: ${this.#width} / ${this.#height}; }`);
  }

  #parseLabels(json: string | null): Partial<CaptureLabels> {
    if (!json) return {};
    try {
      const value: unknown = JSON.parse(json);
      if (typeof value !== 'object' || value === null) return {};
      return Object.fromEntries(Object.entries(value).filter(([k, v]) => k in DEFAULT_LABELS && typeof v === 'string'));
    } catch {
      console.warn('<facenition-capture>: the labels attribute is not valid JSON; the default texts are used');
      return {};
    }
  }

  #label(key: keyof CaptureLabels): string {
    return this.#labelOverrides[key] ?? this.#attributeLabels[key] ?? DEFAULT_LABELS[key];
  }

  #verdict(verdict: 'good' | 'bad' | null): void {
    this.#stage.classList.toggle('good', verdict === 'good');
    this.#stage.classList.toggle('bad', verdict === 'bad');
  }

  #setState(state: CaptureState, status: keyof CaptureLabels): void {
    this.#state = state;
    this.#say(this.#label(status), status);
    this.#render();
  }

  /** Changes the live region only when the text changes, so a repeated verdict is not announced twice a second. */
  #say(text: string, key: keyof CaptureLabels | null, error = this.#state === 'error'): void {
    this.#statusKey = key;
    if (this.#status.textContent !== text) this.#status.textContent = text;
    this.#status.classList.toggle('error', error);
  }

  #render(): void {
    const state = this.#state;
    const focused = this.#root.activeElement;
    this.#stage.setAttribute('aria-label', this.#label('preview'));
    this.#startButton.textContent = this.#label('start');
    this.#takeButton.textContent = this.#label('take');
    this.#retakeButton.textContent = this.#label('retake');
    if (this.#upload) this.#upload.text.textContent = this.#label('upload');
    if (this.#statusKey) this.#say(this.#label(this.#statusKey), this.#statusKey, this.#status.classList.contains('error'));
    this.#startButton.hidden = state !== 'idle' && state !== 'error';
    this.#takeButton.hidden = state !== 'live' && state !== 'starting';
    // aria-disabled rather than disabled: the button keeps the focus while the camera starts.
    this.#takeButton.setAttribute('aria-disabled', String(state !== 'live'));
    this.#retakeButton.hidden = state !== 'captured';
    const showPhoto = state === 'captured' && this.#photoTaken;
    this.#photo.hidden = !showPhoto;
    this.#video.hidden = showPhoto;
    this.#stage.classList.toggle('still', showPhoto);
    // A button that had the focus and is now hidden hands it to the one that replaces it.
    if (focused instanceof HTMLButtonElement && focused.hidden) {
      [this.#takeButton, this.#retakeButton, this.#startButton].find((b) => !b.hidden)?.focus();
    }
  }

  #emit<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'facenition-capture': FacenitionCaptureElement;
  }
  interface HTMLElementEventMap {
    'facenition-frame': CustomEvent<FrameDetail>;
    'facenition-capture': CustomEvent<CaptureDetail>;
    'facenition-error': CustomEvent<CaptureErrorDetail>;
  }
}

if (!customElements.get('facenition-capture')) customElements.define('facenition-capture', FacenitionCaptureElement);
