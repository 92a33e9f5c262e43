import { progressLine } from './progress';
import {
  calibrateLevels,
  genuinePairs,
  impostorPairCount,
  rng,
  sampleImpostorPairs,
  sortedScores,
  thresholdAtFmr,
  type LevelInput,
} from './scoring';

const person = Int32Array.from([0, 0, 0, 0, 1, 1, 2, 3, 3, 3]);

describe('evaluate: pairs', () => {
  it('lists every same-person pair when under the cap, and samples distinct ones over it', () => {
    const all = genuinePairs(person, 100, rng(1));
    expect({ total: all.total, sampled: all.sampled, n: all.pairs.length / 2 }).toEqual({ total: 6 + 1 + 3, sampled: false, n: 10 });
    const key = (p: Int32Array, k: number) => `${p[2 * k]}-${p[2 * k + 1]}`;
    const every = new Set(Array.from({ length: 10 }, (_, k) => key(all.pairs, k)));
    const some = genuinePairs(person, 7, rng(1));
    expect(some.sampled).toBe(true);
    const picked = Array.from({ length: 7 }, (_, k) => key(some.pairs, k));
    expect(new Set(picked).size).toBe(7);
    for (const p of picked) expect(every.has(p)).toBe(true);
    // seeded: the same sample again
    expect(genuinePairs(person, 7, rng(1)).pairs).toEqual(some.pairs);
  });

  it('counts and samples cross-person pairs only, without repeats', () => {
    expect(impostorPairCount(person)).toBe(45 - 10);
    const s = sampleImpostorPairs(person, 35, rng(2));
    const seen = new Set<string>();
    for (let k = 0; k < 35; k++) {
      expect(person[s[2 * k]]).not.toBe(person[s[2 * k + 1]]);
      seen.add(`${s[2 * k]}-${s[2 * k + 1]}`);
    }
    expect(seen.size).toBe(35);
  });
});

describe('evaluate: calibration', () => {
  const impostor = sortedScores(Float32Array.from({ length: 10_000 }, (_, i) => i / 10_000 - 0.5)); // -0.5 .. 0.4999
  const genuine = sortedScores(Float32Array.from({ length: 1000 }, (_, i) => 0.2 + i / 1250)); // 0.2 .. 0.999
  const levels: LevelInput[] = [
    { level: 1, targetFmr: 1e-2, builtinMatch: 0.248, builtinToken: 0.248, k: 128 },
    { level: 2, targetFmr: 3e-3, builtinMatch: 0.2985, builtinToken: 0.2985, k: 160 },
    { level: 4, targetFmr: 1e-4, builtinMatch: 0.4182, builtinToken: 0.4182, k: 280 },
  ];

  it('takes the impostor quantile at 1 - FMR, rounded up to 4 decimals', () => {
    expect(thresholdAtFmr(impostor, 1e-2)).toBe(0.49);
    expect(thresholdAtFmr(sortedScores([NaN, NaN, NaN, 0.1]), 0.5)).toBeNull();
  });

  it('calibrates where impostors x target >= 10, takes the stricter token threshold, and keeps levels monotone', () => {
    // protected impostors of level 1's code run higher than the unprotected ones; level 2's code recovers few keys
    const prot = new Map([
      [128, { genuine: sortedScores(genuine), impostor: sortedScores(Float32Array.from({ length: 10_000 }, (_, i) => i / 10_000 - 0.45)) }],
      [
        160,
        {
          genuine: sortedScores(genuine),
          impostor: sortedScores(Float32Array.from({ length: 10_000 }, (_, i) => (i < 9_990 ? NaN : 0.3))),
        },
      ],
    ]);
    const [l1, l2, l4] = calibrateLevels(levels, genuine, impostor, prot);
    expect(l1).toMatchObject({ calibrated: true, matchThreshold: 0.49, protectedQuantile: 0.54, tokenThreshold: 0.54, reason: null });
    // level 2: quantile 0.497; the protected quantile is a key that was not recovered; the token threshold is raised to level 1's
    expect(l2).toMatchObject({ calibrated: true, matchThreshold: 0.497, protectedQuantile: null, tokenThreshold: 0.54 });
    expect(l2.raised).toEqual(['token 0.4970 -> 0.5400']);
    expect(l4).toMatchObject({ calibrated: false, matchThreshold: null, tokenThreshold: null });
    expect(l4.reason).toBe('needs 100000 impostor pairs for a target FMR of 0.00010 (at least 10 expected false matches), has 10000');
    expect(l1.fnmrAtThreshold).toBeCloseTo(363 / 1000, 2);
  });
});

describe('evaluate: progress', () => {
  it('draws a bar with counts, percentage and ETA', () => {
    expect(progressLine(512, 1034, 'photos', 40, 10)).toBe('[#####.....] 512/1034 photos  49%  ETA 0:41');
    expect(progressLine(10, 10, 'pairs', 75, 10)).toBe('[##########] 10/10 pairs 100%  in 1:15');
  });
});
