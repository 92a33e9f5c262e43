import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { decodeBase64Url, isBase64Url } from '@facenition/common';

/**
 * Client credential formats. Only SHA-256 hashes of the random secret parts are stored; the
 * client id is embedded so a presented token is found by primary key, then compared in constant time.
 *   long-lived client token   fnc_<id, 16 bytes b64url>.<32 random bytes b64url>
 *   client secret (/token)    fns_<32 random bytes b64url>
 *   short-lived access token  fna_<id 16 bytes | expiry u32 | nonce 8 bytes, b64url>.<HMAC-SHA256 b64url>
 */
export const CLIENT_TOKEN_PREFIX = 'fnc_';
export const CLIENT_SECRET_PREFIX = 'fns_';
export const ACCESS_TOKEN_PREFIX = 'fna_';

const uuidToBytes = (id: string): Buffer => Buffer.from(id.replace(/-/g, ''), 'hex');
const bytesToUuid = (b: Buffer): string => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

export const sha256 = (s: string | Buffer): Buffer => createHash('sha256').update(s).digest();

export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface IssuedClientToken {
  id: string;
  token: string;
  hash: Buffer;
}

export function newClientToken(id: string = randomUUID()): IssuedClientToken {
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${CLIENT_TOKEN_PREFIX}${uuidToBytes(id).toString('base64url')}.${secret}`, hash: sha256(secret) };
}

export function newClientSecret(): { secret: string; hash: Buffer } {
  const secret = `${CLIENT_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: sha256(secret) };
}

/** Splits a client token into its client id and the hash of its secret part; undefined if malformed. */
export function parseClientToken(token: string): { id: string; hash: Buffer } | undefined {
  if (!token.startsWith(CLIENT_TOKEN_PREFIX) || token.length > 200) return undefined;
  const [idPart, secret, extra] = token.slice(CLIENT_TOKEN_PREFIX.length).split('.');
  if (extra !== undefined || !secret || !isBase64Url(secret)) return undefined;
  const idBytes = decodeBase64Url(idPart);
  if (idBytes?.length !== 16) return undefined;
  return { id: bytesToUuid(idBytes), hash: sha256(secret) };
}

export function signAccessToken(key: Buffer, clientId: string, expiresAt: Date): string {
  const payload = Buffer.alloc(28);
  uuidToBytes(clientId).copy(payload, 0);
  payload.writeUInt32BE(Math.floor(expiresAt.getTime() / 1000), 16);
  randomBytes(8).copy(payload, 20);
  const mac = createHmac('sha256', key).update(payload).digest();
  return `${ACCESS_TOKEN_PREFIX}${payload.toString('base64url')}.${mac.toString('base64url')}`;
}

/** Verifies the HMAC; returns client id and expiry, or undefined for a forged or malformed token. */
export function verifyAccessToken(key: Buffer, token: string): { clientId: string; expiresAt: Date } | undefined {
  if (!token.startsWith(ACCESS_TOKEN_PREFIX) || token.length > 200) return undefined;
  const [p, m, extra] = token.slice(ACCESS_TOKEN_PREFIX.length).split('.');
  const payload = decodeBase64Url(p);
  const mac = decodeBase64Url(m);
  if (extra !== undefined || payload?.length !== 28 || !mac) return undefined;
  const expected = createHmac('sha256', key).update(payload).digest();
  if (!safeEqual(expected, mac)) return undefined;
  return { clientId: bytesToUuid(payload.subarray(0, 16)), expiresAt: new Date(payload.readUInt32BE(16) * 1000) };
}
