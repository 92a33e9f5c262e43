import { randomBytes } from 'node:crypto';
import { commit, computeTag, DEFAULT_CODE, open, openWithKnownKey, openWithKnownKeys } from './fc-polar';
import { correlated, gaussianUnitVector } from './test-vectors';

describe('openWithKnownKey (evaluations that know the committed key)', () => {
  it('gives the same answer and score as open, for probes from impostor-like to genuine', () => {
    let recovered = 0;
    let refused = 0;
    for (const k of [128, 320]) {
      const code = { ...DEFAULT_CODE, k };
      for (let t = 0; t < 24; t++) {
        const keys = { rotationSeed: randomBytes(32), macKey: randomBytes(32) };
        const enrolled = gaussianUnitVector(`enrolled ${k} ${t}`);
        const { helper, key } = commit(enrolled, keys, code, randomBytes(k / 8));
        const body = Buffer.concat([Buffer.alloc(56), Buffer.from(helper)]);
        const tag = computeTag(keys.macKey, body, key);
        const cos = [0, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.7][t % 8];
        const probe = cos === 0 ? gaussianUnitVector(`other ${k} ${t}`) : correlated(enrolled, cos, `probe ${k} ${t}`);
        const full = open(probe, keys, code, helper, tag, body);
        const fast = openWithKnownKey(probe, keys, code, helper, key);
        expect(!!fast.key).toBe(!!full.key);
        expect(fast.score).toBe(full.score);
        if (full.key) recovered++;
        else refused++;
      }
    }
    expect(recovered).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
  });

  it('opens several codes of one enrolment at once with the same answers as open for each', () => {
    const codes = [128, 200, 320].map((k) => ({ ...DEFAULT_CODE, k }));
    let recovered = 0;
    let refused = 0;
    for (let t = 0; t < 16; t++) {
      const keys = { rotationSeed: randomBytes(32), macKey: randomBytes(32) };
      const enrolled = gaussianUnitVector(`multi ${t}`);
      const tokens = codes.map((code) => ({ code, ...commit(enrolled, keys, code, randomBytes(code.k / 8)) }));
      const cos = [0, 0.3, 0.4, 0.5][t % 4];
      const probe = cos === 0 ? gaussianUnitVector(`multi other ${t}`) : correlated(enrolled, cos, `multi probe ${t}`);
      const together = openWithKnownKeys(probe, keys, tokens);
      tokens.forEach((tk, i) => {
        const body = Buffer.concat([Buffer.alloc(56), Buffer.from(tk.helper)]);
        const full = open(probe, keys, tk.code, tk.helper, computeTag(keys.macKey, body, tk.key), body);
        expect(!!together[i].key).toBe(!!full.key);
        expect(together[i].score).toBe(full.score);
        if (full.key) recovered++;
        else refused++;
      });
    }
    expect(recovered).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
  });
});
