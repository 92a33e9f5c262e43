import { createCipheriv } from 'node:crypto';

/**
 * Deterministic byte stream from a 32-byte seed: AES-256-CTR keystream (zero IV, zero plaintext).
 * Same seed, same bytes on every platform; used to draw permutations and sign diagonals.
 */
export class SeededStream {
  private readonly cipher;
  private buf = Buffer.alloc(0);
  private pos = 0;
  constructor(seed: Uint8Array) {
    if (seed.length !== 32) throw new Error('seed must be 32 bytes');
    this.cipher = createCipheriv('aes-256-ctr', seed, Buffer.alloc(16));
  }

  private refill(): void {
    this.buf = this.cipher.update(Buffer.alloc(4096));
    this.pos = 0;
  }

  /** The next n bytes of the keystream (generated in 4 KiB blocks; the byte sequence does not depend on the blocking). */
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    let filled = 0;
    while (filled < n) {
      if (this.pos === this.buf.length) this.refill();
      const take = Math.min(n - filled, this.buf.length - this.pos);
      this.buf.copy(out, filled, this.pos, this.pos + take);
      this.pos += take;
      filled += take;
    }
    return out;
  }

  /** Uniform integer in [0, bound) by rejection sampling on 32-bit little-endian words. */
  below(bound: number): number {
    const limit = Math.floor(0x1_0000_0000 / bound) * bound;
    for (;;) {
      let v: number;
      if (this.pos + 4 <= this.buf.length) {
        v = this.buf.readUInt32LE(this.pos);
        this.pos += 4;
      } else {
        v = this.bytes(4).readUInt32LE(0);
      }
      if (v < limit) return v % bound;
    }
  }
}

/** In-place orthonormal fast Walsh–Hadamard transform (length a power of two). */
export function fwht(v: Float64Array): void {
  const n = v.length;
  for (let h = 1; h < n; h <<= 1) {
    for (let i = 0; i < n; i += h << 1) {
      for (let j = i; j < i + h; j++) {
        const a = v[j];
        const b = v[j + h];
        v[j] = a + b;
        v[j + h] = a - b;
      }
    }
  }
  const s = 1 / Math.sqrt(n);
  for (let i = 0; i < n; i++) v[i] *= s;
}

/** One structured random rotation R = (H·D3)(H·D2)(H·D1)·Π of R^n. */
export interface Rotation {
  perm: Uint16Array;
  signs: Int8Array[]; // three ±1 diagonals
}

export function drawRotation(stream: SeededStream, n: number): Rotation {
  const perm = new Uint16Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = stream.below(i + 1);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const signs: Int8Array[] = [];
  for (let d = 0; d < 3; d++) {
    const bits = stream.bytes(n / 8);
    const s = new Int8Array(n);
    for (let i = 0; i < n; i++) s[i] = (bits[i >> 3] >> (i & 7)) & 1 ? -1 : 1;
    signs.push(s);
  }
  return { perm, signs };
}

/** z = R x, written into out (length n). */
export function rotate(r: Rotation, x: ArrayLike<number>, out: Float64Array): void {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = x[r.perm[i]];
  for (const s of r.signs) {
    for (let i = 0; i < n; i++) out[i] *= s[i];
    fwht(out);
  }
}

/** B rotations of x stacked into one vector of length B·n (the over-complete projection). */
export function project(rotations: readonly Rotation[], x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const z = new Float64Array(rotations.length * n);
  const tmp = new Float64Array(n);
  rotations.forEach((r, b) => {
    rotate(r, x, tmp);
    z.set(tmp, b * n);
  });
  return z;
}
