import { decodeBase64Url, FacenitionError } from '@facenition/common';
import type { KdfParams } from './kdf';
import { codeForLevel } from './levels';

/**
 * Identity token, versions 1 and 2 — the byte layout specified in docs/token-format.md. Big-endian.
 * Both versions share the layout; version 2 fixes the polar code's K by the token's default accuracy
 * level (codeForLevel), version 1 uses K = 128 at every level. New tokens are version 2.
 *   off  len  field
 *   0    1    version (1 or 2)
 *   1    1    scheme (1 = FC-Polar)
 *   2    1    KDF log2(N) (scrypt cost)
 *   3    1    KDF r
 *   4    1    KDF p
 *   5    8    deployment key id (which pepper key)
 *   13   1    environment (0 sandbox, 1 production)
 *   14   1    default accuracy level (1..8)
 *   15   4    expiry, Unix seconds (0 = none)
 *   19   16   salt
 *   35   16   token id
 *   51   1    log2(code length N)
 *   52   2    information bits K
 *   54   1    number of rotations B
 *   55   1    log2(embedding dimension)
 *   56   N/8  helper data (codeword XOR sign bits)
 *   ...  32   tag = HMAC-SHA256(K_mac, "facenition tag" ‖ bytes 0..55+N/8 ‖ key)
 */
/** the version of newly minted tokens */
export const TOKEN_VERSION = 2;
/** versions this implementation verifies (3: roster member tokens, docs/token-format.md §11) */
export const TOKEN_VERSIONS: readonly number[] = [1, 2, 3];
export const SCHEME_FC_POLAR = 1;
export const HEADER_BYTES = 56;
export const TAG_BYTES = 32;

export type Environment = 'sandbox' | 'production';

export interface CodeParams {
  /** code length N (= B · dim) */
  n: number;
  /** information (key) bits K */
  k: number;
  /** number of seeded rotations B */
  rotations: number;
  /** embedding dimension */
  dim: number;
}

export interface TokenHeader {
  version: number;
  scheme: number;
  kdf: KdfParams;
  keyId: Uint8Array;
  environment: Environment;
  accuracy: number;
  /** Unix seconds, 0 = no expiry */
  expiresAt: number;
  salt: Uint8Array;
  tokenId: Uint8Array;
  code: CodeParams;
}

export interface IdentityToken {
  header: TokenHeader;
  helper: Uint8Array;
  tag: Uint8Array;
}

export class TokenFormatError extends FacenitionError {
  readonly code = 'invalid_token';
  readonly status = 400;
}

const isPow2 = (v: number): boolean => v > 0 && (v & (v - 1)) === 0;

export function encodeHeader(h: TokenHeader): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b[0] = h.version;
  b[1] = h.scheme;
  b[2] = h.kdf.log2N;
  b[3] = h.kdf.r;
  b[4] = h.kdf.p;
  Buffer.from(h.keyId).copy(b, 5, 0, 8);
  b[13] = h.environment === 'production' ? 1 : 0;
  b[14] = h.accuracy;
  b.writeUInt32BE(h.expiresAt, 15);
  Buffer.from(h.salt).copy(b, 19, 0, 16);
  Buffer.from(h.tokenId).copy(b, 35, 0, 16);
  b[51] = Math.log2(h.code.n);
  b.writeUInt16BE(h.code.k, 52);
  b[54] = h.code.rotations;
  b[55] = Math.log2(h.code.dim);
  return b;
}

export function encodeToken(t: IdentityToken): string {
  return Buffer.concat([encodeHeader(t.header), Buffer.from(t.helper), Buffer.from(t.tag)]).toString('base64url');
}

/** Parses and bounds-checks a token string; throws TokenFormatError with a reason. */
export function decodeToken(text: string): IdentityToken {
  const b = typeof text === 'string' && text.length > 0 && text.length <= 4096 ? decodeBase64Url(text) : undefined;
  if (!b) throw new TokenFormatError('token is not base64url text');
  if (b.length < HEADER_BYTES + TAG_BYTES) throw new TokenFormatError('token is too short');
  if (!TOKEN_VERSIONS.includes(b[0])) throw new TokenFormatError(`unsupported token version ${b[0]}`);
  if (b[1] !== SCHEME_FC_POLAR) throw new TokenFormatError(`unsupported token scheme ${b[1]}`);
  const kdf = { log2N: b[2], r: b[3], p: b[4] };
  if (kdf.log2N < 10 || kdf.log2N > 20 || kdf.r < 1 || kdf.r > 32 || kdf.p < 1 || kdf.p > 16)
    throw new TokenFormatError('KDF parameters out of range');
  if (b[13] > 1) throw new TokenFormatError('invalid environment');
  if (b[14] < 1 || b[14] > 8) throw new TokenFormatError('invalid default accuracy');
  const code: CodeParams = { n: 2 ** b[51], k: b.readUInt16BE(52), rotations: b[54], dim: 2 ** b[55] };
  if (
    !isPow2(code.n) ||
    code.n < 256 ||
    code.n > 16384 ||
    code.k < 64 ||
    code.k >= code.n ||
    code.dim < 64 ||
    code.dim > 4096 ||
    code.rotations * code.dim !== code.n
  ) {
    throw new TokenFormatError('code parameters out of range');
  }
  if (b[0] >= 2) {
    const expected = codeForLevel(b[14]);
    if (code.n !== expected.n || code.k !== expected.k || code.rotations !== expected.rotations || code.dim !== expected.dim)
      throw new TokenFormatError(`a version-${b[0]} token of accuracy ${b[14]} must use the code N = ${expected.n}, K = ${expected.k}`);
  }
  if (b.length !== HEADER_BYTES + code.n / 8 + TAG_BYTES) throw new TokenFormatError('token length does not match its code parameters');
  return {
    header: {
      version: b[0],
      scheme: b[1],
      kdf,
      keyId: b.subarray(5, 13),
      environment: b[13] === 1 ? 'production' : 'sandbox',
      accuracy: b[14],
      expiresAt: b.readUInt32BE(15),
      salt: b.subarray(19, 35),
      tokenId: b.subarray(35, 51),
      code,
    },
    helper: b.subarray(HEADER_BYTES, HEADER_BYTES + code.n / 8),
    tag: b.subarray(HEADER_BYTES + code.n / 8),
  };
}
