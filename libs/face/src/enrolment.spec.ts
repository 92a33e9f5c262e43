import type { AnalyzeResult } from './analyze';
import { checkEnrolment, passesLivenessGate, type EnrolmentOptions, type EnrolmentPhoto } from './enrolment';
import {
  EnrolmentRefusedError,
  FaceError,
  InconsistentPhotosError,
  LivenessFailedError,
  LowQualityError,
  NoFaceError,
  SeveralFacesError,
} from './errors';
import { cosineSimilarity } from './match';
import type { QualityComponentName } from './quality';
import { accuracyLevel } from './thresholds';

const FACE = {
  box: { x: 10, y: 10, width: 50, height: 50 },
  score: 0.99,
  landmarks: [
    [20, 25],
    [40, 25],
    [30, 35],
    [22, 45],
    [38, 45],
  ] as [number, number][],
};

const unit = (v: number[]): Float32Array => {
  const n = Math.hypot(...v);
  return Float32Array.from(v, (x) => x / n);
};
/** A unit vector at cosine `c` from [1, 0, 0, 0]. */
const atCosine = (c: number): Float32Array => Float32Array.from([c, Math.sqrt(1 - c * c), 0, 0]);

function photo(
  field: string,
  embedding: Float32Array,
  over: { faces?: number; components?: Partial<Record<QualityComponentName, number>>; liveness?: number; quality?: number } = {},
): EnrolmentPhoto {
  const scores: Record<QualityComponentName, number> = { face_size: 90, sharpness: 80, exposure: 85, head_pose: 95, eyes_open: 99 };
  Object.assign(scores, over.components);
  const components = Object.fromEntries(
    Object.entries(scores).map(([k, score]) => [k, { score, value: {}, acceptable: score >= 50 }]),
  ) as NonNullable<AnalyzeResult['quality']>['components'];
  const result: AnalyzeResult = {
    width: 250,
    height: 250,
    faces: Array.from({ length: over.faces ?? 1 }, () => FACE),
    embedding,
    quality: { score: over.quality ?? 88, components },
    ...(over.liveness !== undefined ? { liveness: { score: over.liveness } } : {}),
    timings: {},
  };
  return { field, result };
}

const OPTIONS: EnrolmentOptions = { minComponent: 40, livenessGate: 0.5 };
const A = () => unit([1, 0, 0, 0]);
const A2 = () => unit([1, 0.5, 0, 0]); // cosine 0.894 with A: the same person
const B = () => unit([0, 0, 1, 0]); // cosine 0 with A and A2: someone else

const zeroed = (photos: EnrolmentPhoto[]) => photos.every((p) => p.result.embedding!.every((v) => v === 0));

/** Runs `fn` expecting it to throw; returns the error. */
function refusal(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a refusal');
}

describe('checkEnrolment', () => {
  it('one good photo: its embedding is the mean; quality scores are passed through', () => {
    const p = photo('photo', A(), { quality: 77, liveness: 0.9 });
    const e = checkEnrolment([p], OPTIONS);
    expect(e.each).toEqual([p.result.embedding]);
    expect(e.each[0]).toBe(p.result.embedding);
    expect(Array.from(e.mean)).toEqual(Array.from(A()));
    expect(e.mean).not.toBe(p.result.embedding);
    expect(e.quality).toEqual([77]);
  });

  it('several photos of one person: the mean is the L2-normalised sum of their embeddings', () => {
    const photos = [photo('photo[0]', A(), { quality: 70 }), photo('photo[1]', A2(), { quality: 90 })];
    const e = checkEnrolment(photos, OPTIONS);
    const a = A();
    const a2 = A2();
    const expected = unit(Array.from(a, (v, k) => v + a2[k]));
    e.mean.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 6));
    expect(Math.hypot(...e.mean)).toBeCloseTo(1, 6);
    expect(e.quality).toEqual([70, 90]);
    expect(e.each.map((x) => Array.from(x))).toEqual([Array.from(a), Array.from(a2)]);
  });

  it('refuses a photo with several faces, naming the field and the count, and zeroes every embedding', () => {
    const photos = [photo('photo[0]', A()), photo('photo[1]', A2(), { faces: 2 })];
    const err = refusal(() => checkEnrolment(photos, OPTIONS));
    expect(err).toBeInstanceOf(SeveralFacesError);
    expect(err).toBeInstanceOf(EnrolmentRefusedError);
    expect(err).toBeInstanceOf(FaceError);
    expect(err).toMatchObject({
      code: 'several_faces',
      message: "'photo[1]' shows 2 faces; an enrolment photo must show exactly one",
    });
    expect(zeroed(photos)).toBe(true);
  });

  it('refuses a photo whose quality component is below the minimum, naming the component; the minimum itself passes', () => {
    const low = [photo('photo', A(), { components: { head_pose: 39 } })];
    const err = refusal(() => checkEnrolment(low, OPTIONS));
    expect(err).toBeInstanceOf(LowQualityError);
    expect(err).toMatchObject({
      code: 'low_quality',
      message: "'photo' is not good enough to enrol: head pose scores 39 (minimum 40)",
    });
    expect(zeroed(low)).toBe(true);
    expect(() => checkEnrolment([photo('photo', A(), { components: { head_pose: 40 } })], OPTIONS)).not.toThrow();
  });

  it('liveness gate: refuses a score below it; passes at the gate, without a liveness score, and with the gate off', () => {
    const fake = [photo('photo', A(), { liveness: 0.49 })];
    const err = refusal(() => checkEnrolment(fake, OPTIONS));
    expect(err).toBeInstanceOf(LivenessFailedError);
    expect(err).toMatchObject({ code: 'liveness_failed', message: "'photo' failed the liveness check (presentation attack suspected)" });
    expect(zeroed(fake)).toBe(true);
    expect(() => checkEnrolment([photo('photo', A(), { liveness: 0.5 })], OPTIONS)).not.toThrow();
    expect(() => checkEnrolment([photo('photo', A())], OPTIONS)).not.toThrow();
    expect(() => checkEnrolment([photo('photo', A(), { liveness: 0.01 })], { ...OPTIONS, livenessGate: null })).not.toThrow();
  });

  it('refuses photos of different people, naming the first pair that differs, and zeroes every embedding', () => {
    const photos = [photo('photo[0]', A()), photo('photo[1]', A2()), photo('photo[2]', B())];
    const err = refusal(() => checkEnrolment(photos, OPTIONS));
    expect(err).toBeInstanceOf(InconsistentPhotosError);
    expect(err).toMatchObject({ code: 'inconsistent_photos', message: "'photo[0]' and 'photo[2]' do not show the same person" });
    expect(zeroed(photos)).toBe(true);
  });

  it('one person means the level-4 threshold by default', () => {
    const t = accuracyLevel(4).threshold;
    const below = [photo('photo[0]', unit([1, 0, 0, 0])), photo('photo[1]', atCosine(t - 0.01))];
    expect(cosineSimilarity(below[0].result.embedding!, below[1].result.embedding!)).toBeLessThan(t);
    expect(refusal(() => checkEnrolment(below, OPTIONS))).toBeInstanceOf(InconsistentPhotosError);
    const above = [photo('photo[0]', unit([1, 0, 0, 0])), photo('photo[1]', atCosine(t + 0.01))];
    expect(checkEnrolment(above, OPTIONS).each).toHaveLength(2);
    const strict = [photo('photo[0]', unit([1, 0, 0, 0])), photo('photo[1]', atCosine(t + 0.01))];
    expect(refusal(() => checkEnrolment(strict, { ...OPTIONS, samePerson: t + 0.02 }))).toBeInstanceOf(InconsistentPhotosError);
  });

  it('checks photo by photo in input order before comparing people', () => {
    // photo[0] fails liveness, photo[1] shows two faces, photo[2] is someone else: the first photo's refusal wins
    const photos = [photo('photo[0]', A(), { liveness: 0.1 }), photo('photo[1]', A2(), { faces: 2 }), photo('photo[2]', B())];
    expect(refusal(() => checkEnrolment(photos, OPTIONS))).toMatchObject({
      code: 'liveness_failed',
      message: expect.stringContaining("'photo[0]'"),
    });
    // within one photo: several faces before quality, quality before liveness
    const one = photo('photo', A(), { faces: 3, components: { sharpness: 0 }, liveness: 0 });
    expect(refusal(() => checkEnrolment([one], OPTIONS))).toMatchObject({ code: 'several_faces' });
    const two = photo('photo', A(), { components: { sharpness: 0 }, liveness: 0 });
    expect(refusal(() => checkEnrolment([two], OPTIONS))).toMatchObject({ code: 'low_quality' });
  });

  it('refuses a photo without a face, and a call without photos', () => {
    const none = [photo('photo[0]', A()), photo('photo[1]', A2(), { faces: 0 })];
    const err = refusal(() => checkEnrolment(none, OPTIONS));
    expect(err).toBeInstanceOf(NoFaceError);
    expect(err.message).toBe("no face detected in 'photo[1]'");
    expect(zeroed(none)).toBe(true);
    expect(() => checkEnrolment([], OPTIONS)).toThrow(RangeError);
  });
});

describe('passesLivenessGate', () => {
  it('is the gate of one photo', () => {
    expect(passesLivenessGate(photo('p', A(), { liveness: 0.3 }).result, 0.5)).toBe(false);
    expect(passesLivenessGate(photo('p', A(), { liveness: 0.5 }).result, 0.5)).toBe(true);
    expect(passesLivenessGate(photo('p', A(), { liveness: 0.3 }).result, null)).toBe(true);
    expect(passesLivenessGate(photo('p', A()).result, 0.5)).toBe(true);
  });
});
