/**
 * Peer comparison on the same LFW images, one image at a time, both in this process: time per image
 * from JPEG bytes to a face descriptor, and faces found, for
 *   - the project's pipeline as a face worker runs it (OrtBackend, one ORT intra-op thread, FaceEngine,
 *     analyzeImage with { embed: true }): decode, detect, 68 landmarks, align, 512-d embedding;
 *   - face-api.js as a Node user would pick it (@vladmandic/face-api on the tfjs WASM backend, one
 *     thread, weights from the package's own model/ folder): sharp decode to RGB, SSD MobileNet v1,
 *     68 landmarks, 128-d recognition net (detectSingleFace().withFaceLandmarks().withFaceDescriptor()).
 * Images: the first image of each of the first --n people in sorted order (plus 5 more for warm-up,
 * not counted); the two sides run interleaved on each image, alternating which goes first.
 * Both decode with sharp, which @facenition/face sets to one libvips thread.
 *   npm run bench:peers [-- --data ../shared/datasets/lfw --n 300]
 * Photos, embeddings and descriptors stay in this process's memory; nothing is written to disk.
 */
import { cpus, availableParallelism } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { DEFAULT_DECODE_LIMITS, FaceEngine, analyzeImage } from '@facenition/face';
import { OrtBackend } from '@facenition/face/ort-backend';
import * as tf from '@tensorflow/tfjs';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { arg, median, percentile, repoRoot } from './common';

const WARMUP = 5;
const FACEAPI_MIN_CONFIDENCE = 0.5; // SsdMobilenetv1Options' default

const pkgVersion = (name: string): string =>
  (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

interface Side {
  name: string;
  /** JPEG bytes to descriptor: whether a face (and its descriptor) was found, and per-stage times if the side reports them. */
  run(bytes: Buffer): Promise<{ found: boolean; timings?: Record<string, number> }>;
  ms: number[];
  found: boolean[];
}

async function projectSide(): Promise<Side> {
  const backend = await OrtBackend.create(process.env.FACENITION_MODELS_DIR ?? join(repoRoot, 'models'), { intraOpThreads: 1 });
  const engine = new FaceEngine(backend);
  return {
    name: 'facenition (ORT, 1 thread)',
    ms: [],
    found: [],
    async run(bytes) {
      const r = await analyzeImage(engine, bytes, { embed: true }, DEFAULT_DECODE_LIMITS);
      return { found: r.embedding !== undefined, timings: r.timings };
    },
  };
}

async function faceApiSide(): Promise<Side> {
  // Single-threaded XNNPACK; tfjs-backend-wasm never picks its threaded build under Node, the flag makes that explicit.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tfWasm.setThreadsCount(1);
  tfWasm.setWasmPaths(join(repoRoot, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs wasm backend failed to initialise');
  await tf.ready();
  const modelDir = join(repoRoot, 'node_modules/@vladmandic/face-api/model');
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence: FACEAPI_MIN_CONFIDENCE });
  return {
    name: 'face-api.js (tfjs wasm, 1 thread)',
    ms: [],
    found: [],
    async run(bytes) {
      const { data, info } = await sharp(bytes).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      const input = tf.tensor3d(data, [info.height, info.width, info.channels], 'int32');
      try {
        const r = await faceapi.detectSingleFace(input, options).withFaceLandmarks().withFaceDescriptor();
        return { found: r !== undefined && r.descriptor.length === 128 };
      } finally {
        input.dispose();
      }
    },
  };
}

const fmt = (v: number): string => v.toFixed(1).padStart(8);

async function main(): Promise<void> {
  const data = resolve(arg('data', join(repoRoot, '../shared/datasets/lfw')));
  const n = Number(arg('n', '300'));
  const people = readdirSync(join(data, 'images')).sort();
  if (people.length < n + WARMUP) throw new Error(`${data} has ${people.length} people, need ${n + WARMUP}`);
  const firstImage = (p: string): string => join(data, 'images', p, readdirSync(join(data, 'images', p)).sort()[0]);
  const images = people.slice(0, n).map(firstImage);
  const warmup = people.slice(n, n + WARMUP).map(firstImage);

  const project = await projectSide();
  const peer = await faceApiSide();
  const sides = [project, peer];

  const cpu = cpus();
  console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} logical cores (availableParallelism ${availableParallelism()})`);
  console.log(`Node ${process.version} (${process.platform}-${process.arch})`);
  console.log(
    `packages: onnxruntime-node ${pkgVersion('onnxruntime-node')}, sharp ${pkgVersion('sharp')} (libvips ${sharp.versions.vips}, concurrency ${sharp.concurrency()}), ` +
      `@vladmandic/face-api ${faceapi.version}, @tensorflow/tfjs ${tf.version.tfjs}, tfjs-core ${tf.version_core}, tfjs-backend-wasm ${tfWasm.version_wasm}`,
  );
  console.log(
    `tfjs: backend ${tf.getBackend()}, WASM_HAS_SIMD_SUPPORT=${String(tf.env().get('WASM_HAS_SIMD_SUPPORT'))}, ` +
      `WASM_HAS_MULTITHREAD_SUPPORT=${String(tf.env().get('WASM_HAS_MULTITHREAD_SUPPORT'))}, XNNPACK threads ${tfWasm.getThreadsCount()}`,
  );
  console.log(`face-api: SsdMobilenetv1Options minConfidence ${FACEAPI_MIN_CONFIDENCE}, faceLandmark68Net, faceRecognitionNet (128-d)`);
  console.log(`data: ${data}, ${images.length} images (first image of the first ${n} people), ${WARMUP} warm-up images not counted`);

  for (const file of warmup) {
    const bytes = readFileSync(file);
    for (const s of sides) await s.run(bytes);
  }
  const tensorsBefore = tf.memory().numTensors;
  const rssBefore = process.memoryUsage().rss;

  const stages: Record<string, number[]> = {};
  const t0 = Date.now();
  for (let i = 0; i < images.length; i++) {
    const bytes = readFileSync(images[i]);
    const order = i % 2 === 0 ? sides : [peer, project];
    for (const s of order) {
      const t = performance.now();
      const r = await s.run(bytes);
      s.ms.push(performance.now() - t);
      s.found.push(r.found);
      for (const [k, v] of Object.entries(r.timings ?? {})) (stages[k] ??= []).push(v);
    }
    if ((i + 1) % 50 === 0 || i + 1 === images.length) {
      process.stderr.write(`\r  ${i + 1}/${images.length} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
  }
  process.stderr.write('\n');

  console.log(
    `\nmemory: tfjs tensors ${tensorsBefore} -> ${tf.memory().numTensors}, RSS ${(rssBefore / 2 ** 20).toFixed(0)} -> ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
  );
  console.log(`\n## ms per image, JPEG bytes -> descriptor, one image at a time`);
  console.log(`| side | median | mean | p95 | faces found |`);
  console.log(`| ---- | ------ | ---- | --- | ----------- |`);
  for (const s of sides) {
    const sorted = [...s.ms].sort((a, b) => a - b);
    const mean = s.ms.reduce((a, b) => a + b, 0) / s.ms.length;
    const found = s.found.filter(Boolean).length;
    console.log(`| ${s.name} | ${fmt(median(s.ms))} | ${fmt(mean)} | ${fmt(percentile(sorted, 95))} | ${found}/${s.ms.length} |`);
  }
  console.log(`\nface-api median / facenition median = ${(median(peer.ms) / median(project.ms)).toFixed(2)}x`);
  const both = images.filter((_, i) => project.found[i] && peer.found[i]).length;
  const onlyProject = images.filter((_, i) => project.found[i] && !peer.found[i]).length;
  const onlyPeer = images.filter((_, i) => !project.found[i] && peer.found[i]).length;
  console.log(`faces found by both ${both}, only facenition ${onlyProject}, only face-api ${onlyPeer}`);

  console.log(`\n## facenition per-stage medians (ms; align/embed over images with a face)`);
  for (const [k, v] of Object.entries(stages)) console.log(`  ${k.padEnd(8)} ${fmt(median(v))}   (${v.length} images)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
