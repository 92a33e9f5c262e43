import { hkdfSync, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import type { Pepper } from './deployment-key';

export interface KdfParams {
  /** scrypt cost N = 2^log2N */
  log2N: number;
  r: number;
  p: number;
}

export const DEFAULT_KDF: KdfParams = { log2N: 15, r: 8, p: 1 };

/** Everything the derived keys are bound to, besides the password and salt. */
export interface KdfContext {
  version: number;
  scheme: number;
  scope: string;
  environment: 'sandbox' | 'production';
  /** Unix seconds, 0 = no expiry. */
  expiresAt: number;
  tokenId: Uint8Array;
}

export interface DerivedKeys {
  rotationSeed: Buffer;
  macKey: Buffer;
  /**
   * Roster member tokens only (version 3, docs/token-format.md §11): the token's own N-bit mask
   * (packed, MSB first), XORed into the helper. Absent for versions 1 and 2.
   */
  mask?: Buffer;
}

function scrypt(password: Buffer, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Length-prefixed concatenation, so no two different contexts serialise alike. */
export function contextBytes(c: KdfContext): Buffer {
  const parts = [
    Buffer.from('facenition-token'),
    Buffer.from([c.version, c.scheme]),
    Buffer.from(c.scope, 'utf8'),
    Buffer.from(c.environment),
    Buffer.from(String(c.expiresAt)),
    Buffer.from(c.tokenId),
  ];
  return Buffer.concat(parts.flatMap((p) => [Buffer.from(Uint32Array.of(p.length).buffer), p]));
}

/** scrypt(P = utf8(NFC(password)), S = salt, N = 2^log2N, r, p, dkLen = 32): the memory-hard step. */
export function stretchPassword(password: string, salt: Buffer, kdf: KdfParams): Promise<Buffer> {
  const N = 2 ** kdf.log2N;
  return scrypt(Buffer.from(password.normalize('NFC'), 'utf8'), salt, 32, { N, r: kdf.r, p: kdf.p, maxmem: 256 * N * kdf.r + 1024 * 1024 });
}

/**
 * master = HMAC-SHA256(pepper, scrypt(password, salt ‖ SHA-256-free context, N, r, p));
 * keys   = HKDF-SHA256(master, salt, "facenition rotation" | "facenition mac").
 * The memory-hard step makes each password guess expensive; the pepper (a deployment key that is
 * never stored with the tokens) makes a stolen token store plus a password insufficient offline.
 * The HMAC is the deployment key's own operation: it may run inside a hardware security module.
 */
export async function deriveKeys(
  password: string,
  salt: Uint8Array,
  ctx: KdfContext,
  kdf: KdfParams,
  pepper: Pick<Pepper, 'hmac'>,
): Promise<DerivedKeys> {
  const stretched = await stretchPassword(password, Buffer.concat([Buffer.from(salt), contextBytes(ctx)]), kdf);
  const master = pepper.hmac(stretched);
  stretched.fill(0);
  const expand = (label: string) => Buffer.from(hkdfSync('sha256', master, salt, label, 32));
  const keys = { rotationSeed: expand('facenition rotation'), macKey: expand('facenition mac') };
  master.fill(0);
  return keys;
}
