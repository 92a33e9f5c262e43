import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

/**
 * Real Chromium (Debian's /usr/bin/chromium, driven by playwright-core: no browser is downloaded)
 * with a fake camera that shows a photo. Measured on the CI machine: launch 0.13-0.3 s,
 * getUserMedia 50-80 ms, first video frame 130-200 ms after asking for the camera.
 */
export const CHROMIUM = '/usr/bin/chromium';

/** The machine has no internet: without these, Chromium tries Google's services at every start. */
const OFFLINE_FLAGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

const run = promisify(execFile);
const cacheDir = join(tmpdir(), 'facenition-fake-camera');

/**
 * A Y4M video of one frame showing `photoPath`, scaled to 480x480 and centred in a 640x480 frame,
 * for `--use-file-for-fake-video-capture`. Cached by the photo's content. yuv420p is required:
 * yuv444p (ffmpeg's default for a JPEG) or an MP4 make getUserMedia fail with NotFoundError.
 */
export async function fakeCameraFile(photoPath: string): Promise<string> {
  const digest = createHash('sha256').update(readFileSync(photoPath)).digest('hex').slice(0, 16);
  const file = join(cacheDir, `${digest}.y4m`);
  if (existsSync(file)) return file;
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${file}.${process.pid}.part`;
  await run('ffmpeg', [
    '-loglevel',
    'error',
    '-y',
    '-loop',
    '1',
    '-i',
    photoPath,
    '-vf',
    'scale=480:480,pad=640:480:80:0:black,format=yuv420p',
    '-frames:v',
    '1',
    '-f',
    'yuv4mpegpipe',
    partial,
  ]);
  renameSync(partial, file);
  return file;
}

export interface LaunchOptions {
  /**
   * The photo the fake camera shows. Without it the browser has no camera at all (getUserMedia
   * fails with NotFoundError), even on a machine with a real webcam.
   */
  cameraPhoto?: string;
  /** `granted` (default): the permission prompt is accepted; `denied`: it is refused (NotAllowedError). */
  cameraPermission?: 'granted' | 'denied';
}

/**
 * Headless Chromium with a fake camera. One browser shows one photo: for another photo launch
 * another browser (it takes a fraction of a second). Close it in afterAll.
 */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<Browser> {
  // No photo: a fake device whose file cannot be read, so no real webcam is ever used.
  const video = opts.cameraPhoto ? await fakeCameraFile(opts.cameraPhoto) : '/dev/null';
  const args = [...OFFLINE_FLAGS, '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`];
  // Headless Chromium refuses a permission prompt nobody answers; --deny-permission-prompts says so explicitly.
  args.push(opts.cameraPermission === 'denied' ? '--deny-permission-prompts' : '--use-fake-ui-for-media-stream');
  return chromium.launch({ executablePath: CHROMIUM, args });
}
