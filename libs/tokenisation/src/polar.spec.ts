import { PolarCode } from './polar';

/** mulberry32: small seeded PRNG, uniform in [0, 1) */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rnd: () => number): number {
  const u = 1 - rnd();
  const v = rnd();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function randomBits(rnd: () => number, len: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = rnd() < 0.5 ? 1 : 0;
  return b;
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((v, i) => v ^ b[i]);
}

const equalBits = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** G_N = F^{⊗m}, F = [[1,0],[1,1]], natural order: G[i][j] = 1 iff (i & j) === j */
function generatorRow(n: number, i: number): Uint8Array {
  const row = new Uint8Array(n);
  for (let j = 0; j < n; j++) row[j] = (i & j) === j ? 1 : 0;
  return row;
}

/** x = u · G_N by the generator matrix, u given as the full length-n vector */
function encodeByMatrix(u: Uint8Array): Uint8Array {
  const n = u.length;
  const x = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (u[i]) for (let j = 0; j < n; j++) x[j] ^= (i & j) === j ? 1 : 0;
  return x;
}

/** BPSK over AWGN at the given Eb/N0 (dB): LLR = 2y/σ² with Es/N0 = R·Eb/N0 = 1/(2σ²) */
function awgnLlr(x: Uint8Array, rate: number, ebN0Db: number, rnd: () => number): Float64Array {
  const esN0 = rate * 10 ** (ebN0Db / 10);
  const sigma = Math.sqrt(1 / (2 * esN0));
  const llr = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) llr[i] = (2 * (1 - 2 * x[i] + sigma * gaussian(rnd))) / (sigma * sigma);
  return llr;
}

/**
 * Naive reference SCL: every path keeps its full u vector, each bit LLR is recomputed from the
 * channel by the SC recursion, frozen bits are penalised leaf by leaf. Same min-sum f/g, same
 * hard-decision rule and same (stable) candidate ordering as the decoder under test.
 */
function referenceBitLlr(y: Float64Array, u: Uint8Array, i: number): number {
  const size = y.length;
  if (size === 1) return y[0];
  const h = size / 2;
  const child = new Float64Array(h);
  if (i < h) {
    for (let j = 0; j < h; j++) {
      const a = y[j];
      const b = y[j + h];
      const mn = Math.min(Math.abs(a), Math.abs(b));
      child[j] = a < 0 !== b < 0 ? -mn : mn;
    }
    return referenceBitLlr(child, u.subarray(0, h), i);
  }
  const left = encodeByMatrix(u.subarray(0, h));
  for (let j = 0; j < h; j++) child[j] = left[j] === 0 ? y[j + h] + y[j] : y[j + h] - y[j];
  return referenceBitLlr(child, u.subarray(h), i - h);
}

function referenceScl(code: PolarCode, llr: Float64Array, listSize: number): Uint8Array[] {
  const n = code.n;
  const isInfo = new Uint8Array(n);
  code.infoPositions.forEach((p) => (isInfo[p] = 1));
  let paths = [{ u: new Uint8Array(n), metric: 0 }];
  for (let i = 0; i < n; i++) {
    const values = paths.map((p) => referenceBitLlr(llr, p.u, i));
    if (!isInfo[i]) {
      paths.forEach((p, a) => (p.metric += values[a] < 0 ? -values[a] : 0));
      continue;
    }
    const cands = paths.flatMap((p, a) => [
      { a, bit: 0, metric: values[a] < 0 ? p.metric - values[a] : p.metric },
      { a, bit: 1, metric: values[a] > 0 ? p.metric + values[a] : p.metric },
    ]);
    const kept = new Set([...cands].sort((c, d) => c.metric - d.metric).slice(0, listSize));
    paths = cands
      .filter((c) => kept.has(c))
      .map((c) => {
        const u = paths[c.a].u.slice();
        u[i] = c.bit;
        return { u, metric: c.metric };
      });
  }
  paths.sort((p, q) => p.metric - q.metric);
  return paths.map((p) => Uint8Array.from(code.infoPositions, (pos) => p.u[pos]));
}

describe('PolarCode construction', () => {
  it('picks the k most reliable channels, ascending (n=8, k=4 → {3,5,6,7})', () => {
    expect(Array.from(new PolarCode({ n: 8, k: 4 }).infoPositions)).toEqual([3, 5, 6, 7]);
    expect(Array.from(new PolarCode({ n: 4, k: 1 }).infoPositions)).toEqual([3]);
    for (const [n, k] of [
      [2048, 64],
      [4096, 128],
    ]) {
      const code = new PolarCode({ n, k });
      expect(code.n).toBe(n);
      expect(code.k).toBe(k);
      expect(code.infoPositions).toBeInstanceOf(Uint32Array);
      expect(code.infoPositions.length).toBe(k);
      for (let r = 1; r < k; r++) expect(code.infoPositions[r]).toBeGreaterThan(code.infoPositions[r - 1]);
      expect(code.infoPositions[k - 1]).toBe(n - 1);
      expect(code.infoPositions[k - 1]).toBeLessThan(n);
    }
  });

  it('depends on the design SNR', () => {
    const a = new PolarCode({ n: 1024, k: 64, designSnrDb: -5 }).infoPositions;
    const b = new PolarCode({ n: 1024, k: 64, designSnrDb: 10 }).infoPositions;
    expect(Array.from(a)).not.toEqual(Array.from(b));
    expect(Array.from(new PolarCode({ n: 1024, k: 64, designSnrDb: 0 }).infoPositions)).toEqual(
      Array.from(new PolarCode({ n: 1024, k: 64 }).infoPositions),
    );
  });

  it('rejects invalid parameters and inputs', () => {
    expect(() => new PolarCode({ n: 1000, k: 10 })).toThrow(RangeError);
    expect(() => new PolarCode({ n: 1, k: 1 })).toThrow(RangeError);
    expect(() => new PolarCode({ n: 64, k: 65 })).toThrow(RangeError);
    expect(() => new PolarCode({ n: 64, k: 1.5 })).toThrow(RangeError);
    expect(() => new PolarCode({ n: 64, k: 8, designSnrDb: Number.NaN })).toThrow(RangeError);
    const code = new PolarCode({ n: 64, k: 8 });
    expect(() => code.encode(new Uint8Array(7))).toThrow(RangeError);
    expect(() => code.encode(new Uint8Array(8).fill(2))).toThrow(RangeError);
    expect(() => code.decodeList(new Float64Array(63))).toThrow(RangeError);
    expect(() => code.decodeList(new Float64Array(64), 0)).toThrow(RangeError);
    expect(() => code.decodeList(new Float64Array(64).fill(Number.NaN))).toThrow(RangeError);
  });
});

describe('PolarCode.encode', () => {
  it('matches the hand-computed n=8 codeword x = u·F^{⊗3} (rows 3 ⊕ 6 ⊕ 7)', () => {
    const code = new PolarCode({ n: 8, k: 4 });
    // u = (0,0,0,1,0,0,1,1): row3 = 11110000, row6 = 10101010, row7 = 11111111 → 10100101
    expect(Array.from(code.encode(Uint8Array.from([1, 0, 1, 1])))).toEqual([1, 0, 1, 0, 0, 1, 0, 1]);
    // a single info bit gives its generator row
    expect(Array.from(code.encode(Uint8Array.from([1, 0, 0, 0])))).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(Array.from(code.encode(Uint8Array.from([0, 1, 0, 0])))).toEqual([1, 1, 0, 0, 1, 1, 0, 0]);
    expect(Array.from(code.encode(Uint8Array.from([0, 0, 1, 0])))).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
    expect(Array.from(code.encode(Uint8Array.from([0, 0, 0, 1])))).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(code.encode(new Uint8Array(4)))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('is deterministic, linear and equals u·G_N by the generator matrix', () => {
    const rnd = mulberry32(1);
    const code = new PolarCode({ n: 256, k: 40 });
    for (let t = 0; t < 20; t++) {
      const a = randomBits(rnd, code.k);
      const b = randomBits(rnd, code.k);
      const xa = code.encode(a);
      expect(equalBits(code.encode(a), xa)).toBe(true);
      expect(equalBits(code.encode(xor(a, b)), xor(xa, code.encode(b)))).toBe(true);
      const u = new Uint8Array(code.n);
      code.infoPositions.forEach((p, r) => (u[p] = a[r]));
      expect(equalBits(xa, encodeByMatrix(u))).toBe(true);
    }
    // info bit r alone gives row infoPositions[r] of G_N
    const e = new Uint8Array(code.k);
    e[5] = 1;
    expect(equalBits(code.encode(e), generatorRow(code.n, code.infoPositions[5]))).toBe(true);
  });
});

describe('PolarCode.decodeList', () => {
  it('decodes noiseless codewords (n=2048/k=64 and n=4096/k=128)', () => {
    const rnd = mulberry32(2);
    for (const [n, k] of [
      [2048, 64],
      [4096, 128],
    ]) {
      const code = new PolarCode({ n, k });
      for (let t = 0; t < 10; t++) {
        const info = randomBits(rnd, k);
        const x = code.encode(info);
        const llr = Float64Array.from(x, (b) => (1 - 2 * b) * 10);
        const cands = code.decodeList(llr);
        expect(cands.length).toBe(8);
        expect(equalBits(cands[0], info)).toBe(true);
        expect(equalBits(code.decodeList(llr, 1)[0], info)).toBe(true);
      }
    }
  });

  it('gives exactly the candidates (and order) of a naive reference SCL decoder', () => {
    const rnd = mulberry32(3);
    for (const [n, k, ebN0] of [
      [16, 8, 1],
      [64, 20, 0],
      [128, 16, -1],
      [256, 64, 1],
    ]) {
      const code = new PolarCode({ n, k });
      for (const listSize of [1, 2, 4, 8]) {
        for (let t = 0; t < 6; t++) {
          const llr = awgnLlr(code.encode(randomBits(rnd, k)), k / n, ebN0, rnd);
          const got = code.decodeList(llr, listSize).map((c) => Array.from(c));
          const want = referenceScl(code, llr, listSize).map((c) => Array.from(c));
          expect(got).toEqual(want);
        }
      }
    }
  });

  it('succeeds on noisy BPSK/AWGN (n=4096, k=128, Eb/N0 = 2 dB) and SCL(8) beats SC', () => {
    // Eb/N0 = 2 dB at rate 1/32 is Es/N0 ≈ −13.1 dB: σ ≈ 3.2, about 38 % of the hard decisions are wrong
    const rnd = mulberry32(4);
    const code = new PolarCode({ n: 4096, k: 128 });
    let sc = 0;
    let sclTop = 0;
    let sclAny = 0;
    for (let t = 0; t < 100; t++) {
      const info = randomBits(rnd, code.k);
      const llr = awgnLlr(code.encode(info), code.k / code.n, 2, rnd);
      if (equalBits(code.decodeList(llr, 1)[0], info)) sc++;
      const cands = code.decodeList(llr, 8);
      if (equalBits(cands[0], info)) sclTop++;
      if (cands.some((c) => equalBits(c, info))) sclAny++;
    }
    expect(sc).toBeLessThan(100); // the channel is noisy enough for SC to fail sometimes
    expect(sclTop).toBeGreaterThanOrEqual(95);
    expect(sclAny).toBeGreaterThanOrEqual(sclTop);
    expect(sclTop).toBeGreaterThanOrEqual(sc);
    expect(sclAny).toBeGreaterThan(sc);
  });

  it('returns well-formed, distinct candidates under heavy noise', () => {
    const rnd = mulberry32(5);
    const code = new PolarCode({ n: 2048, k: 64 });
    for (const listSize of [1, 3, 8, 16]) {
      const info = randomBits(rnd, code.k);
      const llr = awgnLlr(code.encode(info), code.k / code.n, -6, rnd);
      const cands = code.decodeList(llr, listSize);
      expect(cands.length).toBe(listSize);
      for (const c of cands) {
        expect(c).toBeInstanceOf(Uint8Array);
        expect(c.length).toBe(code.k);
        expect(c.every((b) => b === 0 || b === 1)).toBe(true);
      }
      expect(new Set(cands.map((c) => c.join(''))).size).toBe(listSize);
    }
    // fewer candidates than the list size when 2^k is smaller
    const tiny = new PolarCode({ n: 16, k: 2 });
    expect(tiny.decodeList(new Float64Array(16).fill(-1), 8).length).toBe(4);
    expect(new PolarCode({ n: 16, k: 0 }).decodeList(new Float64Array(16).fill(-1))).toEqual([new Uint8Array(0)]);
  });

  it('is unaffected by reusing the instance with different list sizes', () => {
    const rnd = mulberry32(6);
    const code = new PolarCode({ n: 1024, k: 48 });
    const llrs = Array.from({ length: 5 }, () => awgnLlr(code.encode(randomBits(rnd, code.k)), code.k / code.n, 0, rnd));
    const first = llrs.map((l) => code.decodeList(l, 8));
    llrs.forEach((l) => code.decodeList(l, 4));
    const again = llrs.map((l) => code.decodeList(l, 8));
    expect(again).toEqual(first);
  });
});

describe('listContains (the early-stopping membership test used by evaluations)', () => {
  it('answers exactly whether decodeList returns the info bits, across noise levels and list sizes', () => {
    const rnd = mulberry32(1313);
    let inList = 0;
    let notInList = 0;
    for (const [n, k] of [
      [256, 64],
      [1024, 256],
      [4096, 320],
    ]) {
      const code = new PolarCode({ n, k });
      for (let t = 0; t < 60; t++) {
        const info = randomBits(rnd, k);
        const x = code.encode(info);
        // BPSK over AWGN at signal-to-noise from hopeless to clean; scaled LLRs
        const sigma = [0.6, 0.9, 1.1, 1.3, 1.6, 3][t % 6];
        const llr = new Float64Array(n);
        for (let i = 0; i < n; i++) llr[i] = (2 * (1 - 2 * x[i] + sigma * gaussian(rnd))) / (sigma * sigma);
        for (const L of [1, 4, 8]) {
          const expected = code.decodeList(llr, L).some((c) => equalBits(c, info));
          expect(code.listContains(llr, L, info)).toBe(expected);
          if (expected) inList++;
          else notInList++;
        }
      }
    }
    // both outcomes were exercised
    expect(inList).toBeGreaterThan(50);
    expect(notInList).toBeGreaterThan(50);
  });
});

describe('decodeListBounded (the first pass of roster identification)', () => {
  const code = new PolarCode({ n: 256, k: 32 });
  const info = Uint8Array.from({ length: 32 }, (_, i) => ((i * 7 + 3) % 5 === 0 ? 1 : 0));
  const x = code.encode(info);
  // a noisy observation of the codeword: a few flipped, unreliable bits
  const llr = Float64Array.from(x, (b, i) => (b ? -1 : 1) * (i % 11 === 0 ? -0.4 : 2.5));

  it('without a bound is decodeList, and traces the best path metric after every info bit', () => {
    const trace = new Float64Array(32);
    const r = code.decodeListBounded(llr, 4, undefined, trace);
    expect(r.reached).toBe(32);
    expect(r.candidates.map((c) => Array.from(c))).toEqual(code.decodeList(llr, 4).map((c) => Array.from(c)));
    expect(Array.from(r.candidates[0])).toEqual(Array.from(info));
    for (let i = 1; i < 32; i++) expect(trace[i]).toBeGreaterThanOrEqual(trace[i - 1]);
  });

  it('gives up, with no candidate, once the best metric after a checked info bit is above its bound', () => {
    const trace = new Float64Array(32);
    code.decodeListBounded(llr, 1, undefined, trace);
    const bound = new Float64Array(32).fill(NaN);
    bound[9] = trace[9] - 1e-9;
    const stopped = code.decodeListBounded(llr, 1, bound);
    expect(stopped).toEqual({ candidates: [], reached: 10 });
    bound[9] = trace[9];
    expect(code.decodeListBounded(llr, 1, bound).reached).toBe(32);
    expect(() => code.decodeListBounded(llr, 1, new Float64Array(31))).toThrow(RangeError);
  });
});
