import type { ClientEnvironment } from '@facenition/database';
import { decodeToken, generateIdentityToken, TokenFormatError, type IdentityToken, type Pepper } from '@facenition/tokenisation';
import { createHash, randomBytes } from 'node:crypto';
import { badRequest } from '../common/api-error';
import type { MintInput } from './identity-token.model';

/** scrypt block size and parallelism of every token this product issues (docs/token-format.md §3). */
export const KDF_R = 8;
export const KDF_P = 1;

/** Non-reversible reference to a token for audit records: SHA-256 of its id, truncated. */
export const tokenRef = (tokenId: Buffer | Uint8Array): string =>
  createHash('sha256').update('facenition token ref').update(tokenId).digest('hex').slice(0, 32);

/** Pins the issued token: SHA-256 over its bytes (the token's own id, header, helper and tag). */
export const tokenDigest = (tokenText: string): Buffer =>
  createHash('sha256').update('facenition token digest').update(Buffer.from(tokenText, 'base64url')).digest();

/**
 * Decodes a presented token and refuses, before any work, key-derivation parameters this
 * deployment does not issue: a token copied with its KDF bytes raised (the format allows scrypt
 * up to N = 2^20, r = 32, p = 16: ~4 GiB and minutes per call) would otherwise cost that much
 * memory and CPU before its tag could be checked.
 */
export function parseToken(token: string, kdfMaxLog2N: number, field = 'token'): IdentityToken {
  let t: IdentityToken;
  try {
    t = decodeToken(token);
  } catch (err) {
    if (err instanceof TokenFormatError) throw badRequest(`'${field}' is not a valid identity token: ${err.message}`, 'invalid_token');
    throw err;
  }
  const { log2N, r, p } = t.header.kdf;
  if (r !== KDF_R || p !== KDF_P || log2N > kdfMaxLog2N) {
    throw badRequest(
      `'${field}' asks for a key derivation (scrypt N=2^${log2N}, r=${r}, p=${p}) beyond what this deployment accepts ` +
        `(N ≤ 2^${kdfMaxLog2N}, r=${KDF_R}, p=${KDF_P})`,
      'unsupported_kdf',
    );
  }
  return t;
}

/** Seals an embedding into a new token under `pepper` with this deployment's scrypt cost (nothing is stored). */
export function mintToken(pepper: Pepper, kdfLog2N: number, environment: ClientEnvironment, embedding: Float32Array, input: MintInput) {
  const { password, scope, accuracy, expiresAt, rosterId } = input;
  return generateIdentityToken(
    { embedding, password, scope, accuracy, environment, expiresAt: expiresAt ? Math.floor(expiresAt.getTime() / 1000) : 0 },
    pepper,
    { bytes: (n) => randomBytes(n) },
    { kdf: { log2N: kdfLog2N, r: KDF_R, p: KDF_P }, rosterId },
  );
}
