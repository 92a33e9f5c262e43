import { ACCURACY_LEVELS } from '@facenition/face';
import { rosterThreshold, TOKEN_LEVELS, tokenLevel } from './levels';

describe('token accuracy levels', () => {
  it('are the stricter of the unprotected and protected calibrations, each within its target on the 1M-trial run', () => {
    expect(TOKEN_LEVELS.map((l) => l.level)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    TOKEN_LEVELS.forEach((l, i) => {
      const face = ACCURACY_LEVELS[i];
      expect(l.targetFmr).toBe(face.targetFmr);
      expect(l.threshold).toBeGreaterThanOrEqual(face.threshold);
      expect(l.basis === 'unprotected').toBe(l.threshold === face.threshold);
      expect(l.measuredFmr).toBeCloseTo(l.falseMatches / l.impostorTrials, 9);
      expect(l.measuredFmr).toBeLessThanOrEqual(l.targetFmr);
      if (i > 0) expect(l.threshold).toBeGreaterThan(TOKEN_LEVELS[i - 1].threshold);
    });
    expect(tokenLevel(4).threshold).toBe(0.4182);
    expect(() => tokenLevel(9)).toThrow(RangeError);
  });
});

describe('rosterThreshold', () => {
  const table = TOKEN_LEVELS.map((l) => ({ level: l.level, targetFmr: l.targetFmr, threshold: l.threshold }));
  it('is the level threshold for a roster of one, and stricter as the roster grows', () => {
    expect(rosterThreshold(4, 1, table)).toEqual({ threshold: 0.4182, perComparisonFmr: 1e-4, expectedFpir: 1e-4, capped: false });
    const ten = rosterThreshold(4, 10, table);
    expect(ten.threshold).toBeCloseTo(tokenLevel(6).threshold, 10); // 1e-5 is level 6's target
    expect(ten.capped).toBe(false);
    expect(ten.expectedFpir).toBeCloseTo(1e-4, 12);
    const between = rosterThreshold(3, 3, table); // 3.33e-4: between level 3 (1e-3) and 4 (1e-4)
    expect(between.threshold).toBeGreaterThan(tokenLevel(3).threshold);
    expect(between.threshold).toBeLessThan(tokenLevel(4).threshold);
  });
  it('is capped at level 8 when the roster is too large for the target, and says so', () => {
    const big = rosterThreshold(4, 1000, table);
    expect(big).toEqual({ threshold: tokenLevel(8).threshold, perComparisonFmr: 1e-6, expectedFpir: 1000 * 1e-6, capped: true });
    expect(rosterThreshold(1, 10_000, table)).toMatchObject({ threshold: tokenLevel(8).threshold, capped: false });
  });
});
