import { ACCURACY_LEVELS } from '@facenition/face';
import { TOKEN_LEVELS, tokenLevel } from './levels';

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
