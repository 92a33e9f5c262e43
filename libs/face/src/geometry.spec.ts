import { invertSimilarity, iou, nms, similarityTransform, type Point } from './geometry';

const apply = (m: readonly number[], p: Point): Point => [m[0] * p[0] + m[1] * p[1] + m[2], m[3] * p[0] + m[4] * p[1] + m[5]];

describe('similarityTransform', () => {
  const src: Point[] = [
    [10, 20],
    [50, 22],
    [30, 40],
    [15, 60],
    [45, 61],
  ];
  const angle = 0.3;
  const scale = 1.7;
  const truth = [scale * Math.cos(angle), -scale * Math.sin(angle), 5, scale * Math.sin(angle), scale * Math.cos(angle), -7];

  it('recovers an exact rotation + scale + shift', () => {
    const dst = src.map((p) => apply(truth, p));
    const m = similarityTransform(src, dst);
    m.forEach((v, i) => expect(v).toBeCloseTo(truth[i], 9));
  });

  it('is the least-squares fit under noise and its inverse undoes it', () => {
    const dst = src.map((p, i) => {
      const q = apply(truth, p);
      return [q[0] + (i % 2 ? 0.5 : -0.5), q[1] + (i % 3 ? 0.3 : -0.6)] as Point;
    });
    const m = similarityTransform(src, dst);
    expect(m[0]).toBeCloseTo(truth[0], 1);
    const inv = invertSimilarity(m);
    for (const p of src) {
      const back = apply(inv, apply(m, p));
      expect(back[0]).toBeCloseTo(p[0], 9);
      expect(back[1]).toBeCloseTo(p[1], 9);
    }
  });

  it('refuses degenerate input', () => {
    expect(() =>
      similarityTransform(
        [
          [1, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [1, 1],
        ],
      ),
    ).toThrow('degenerate');
  });
});

describe('nms', () => {
  it('keeps the highest score of overlapping boxes and separate boxes', () => {
    const a = { box: { x: 0, y: 0, width: 10, height: 10 }, score: 0.7 };
    const b = { box: { x: 1, y: 1, width: 10, height: 10 }, score: 0.9 };
    const c = { box: { x: 50, y: 50, width: 10, height: 10 }, score: 0.8 };
    expect(iou(a.box, b.box)).toBeGreaterThan(0.4);
    expect(nms([a, b, c], 0.4)).toEqual([b, c]);
  });

  it('drops a lower-scored box lying inside a kept one (a face cut by a tile border)', () => {
    const whole = { box: { x: 0, y: 0, width: 40, height: 50 }, score: 0.99 };
    const part = { box: { x: 0, y: 0, width: 15, height: 50 }, score: 0.8 };
    expect(iou(whole.box, part.box)).toBeLessThan(0.4);
    expect(nms([part, whole], 0.4)).toEqual([whole]);
  });
});
