import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { analyzeImage } from './analyze';
import { DEFAULT_DECODE_LIMITS, decodeImage } from './decode';
import { FaceEngine, l2normalise } from './engine';
import { ImagePyramid, toTensor } from './image';
import { cosineSimilarity } from './match';
import { OrtBackend } from './ort-backend';

const fixtures = join(__dirname, '../../../test/fixtures');
const fixture = (n: string): Buffer => readFileSync(join(fixtures, `${n}.jpg`));

/**
 * Golden values for the real models on fixed LFW fixtures. Tolerances: 1.5 px for geometry,
 * 2e-3 for embedding components and similarities (float32 and libjpeg differences across machines).
 * The embedding golden pins the measured preprocessing: BGR, (x - 127) / 128, 5-point similarity
 * alignment (LFW: BGR gave TAR 98.9% vs RGB 97.2% above the highest impostor on View 1 dev pairs).
 */
describe('FaceEngine golden outputs (real ONNX models)', () => {
  let backend: OrtBackend;
  let engine: FaceEngine;
  beforeAll(async () => {
    backend = await OrtBackend.create(join(__dirname, '../../../models'));
    engine = new FaceEngine(backend);
  });

  const run = (buf: Buffer, req = { embed: true }) => analyzeImage(engine, buf, req, DEFAULT_DECODE_LIMITS);

  it('detects the face with box and five landmarks', async () => {
    const r = await run(fixture('George_W_Bush_0001'));
    expect(r.faces).toHaveLength(1);
    const f = r.faces[0];
    const near = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThan(1.5);
    near(f.box.x, 86.5);
    near(f.box.y, 58.5);
    near(f.box.width, 88.3);
    near(f.box.height, 129.7);
    const want = [
      [106.9, 111.8],
      [145.4, 111.7],
      [122.3, 135.6],
      [110.9, 158],
      [140.7, 158.5],
    ];
    f.landmarks.forEach((p, i) => {
      near(p[0], want[i][0]);
      near(p[1], want[i][1]);
    });
  });

  it('embeds to the golden 512-d unit vector; genuine and impostor similarities are pinned', async () => {
    const [a, b, c] = await Promise.all(['George_W_Bush_0001', 'George_W_Bush_0002', 'Colin_Powell_0001'].map((n) => run(fixture(n))));
    const e = a.embedding!;
    expect(e).toHaveLength(512);
    expect(cosineSimilarity(e, e)).toBeCloseTo(1, 5);
    const golden = [0.03581, 0.01765, -0.04347, -0.06624, -0.0074, -0.02038, -0.03243, -0.00695];
    golden.forEach((g, i) => expect(Math.abs(e[i] - g)).toBeLessThan(2e-3));
    expect(Math.abs(cosineSimilarity(e, b.embedding!) - 0.8242)).toBeLessThan(2e-3);
    expect(Math.abs(cosineSimilarity(e, c.embedding!) - -0.0739)).toBeLessThan(2e-3);
  });

  it('the golden values are sensitive to channel order (RGB input gives a different embedding)', async () => {
    const d = await decodeImage(fixture('George_W_Bush_0001'));
    const pyr = new ImagePyramid(d.image);
    const [face] = await engine.detect(pyr);
    const aligned = engine.align(pyr, face);
    const bgr = await engine.embedAligned(aligned);
    const out = await backend.run('fr_feature', toTensor(aligned, { bgr: false, mean: 127, std: 128 }), [1, 3, 112, 112]);
    const rgb = l2normalise(out.output.data);
    expect(cosineSimilarity(bgr, rgb)).toBeLessThan(0.98);
    expect(Math.abs(rgb[0] - 0.03581) + Math.abs(rgb[1] - 0.01765) + Math.abs(rgb[2] + 0.04347)).toBeGreaterThan(2e-3);
  });

  it('quality: eyes open, near-frontal pose (fr_eye class 1 = open, fr_pose RGB/ImageNet input)', async () => {
    const r = await analyzeImage(engine, fixture('George_W_Bush_0001'), { quality: true }, DEFAULT_DECODE_LIMITS);
    const q = r.quality!;
    expect(q.components.eyes_open.value.left_open_probability).toBeGreaterThan(0.9);
    expect(Math.abs(q.components.head_pose.value.yaw_deg - 5.4)).toBeLessThan(1);
    expect(q.components.face_size.value.inter_eye_distance_px).toBeCloseTo(38.5, 0);
    expect(q.score).toBeGreaterThanOrEqual(80);
  });

  it('finds a face that fills the frame', async () => {
    const tight = await sharp(fixture('Colin_Powell_0001')).extract({ left: 70, top: 55, width: 110, height: 140 }).toBuffer();
    const r = await run(tight);
    expect(r.faces.length).toBe(1);
    expect(r.faces[0].box.width).toBeGreaterThan(70);
  });
});
