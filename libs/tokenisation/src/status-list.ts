import { createPrivateKey, createPublicKey, hkdfSync, sign, verify, type KeyObject } from 'node:crypto';
import type { Pepper } from './tokeniser';

/**
 * Revocation status list ("revoked anywhere it was issued"), in the spirit of the IETF Token Status
 * List and the W3C Bitstring Status List, specified in docs/token-format.md §Status list.
 *
 * A list is a complete snapshot of one issuer's revoked, unexpired identity tokens. It is signed
 * with an Ed25519 key derived from the deployment key (pepper), so every deployment that can verify
 * the issuer's tokens (it holds the same pepper) can also check the list, and anyone given the
 * public key in the list can check its integrity. The file is JSON:
 *   { "format": "facenition-status-list/1", "alg": "Ed25519", "key_id": hex(pepper id),
 *     "public_key": b64url(32 bytes), "payload": b64url(JSON bytes), "signature": b64url(64 bytes) }
 * and the signature covers "facenition-status-list/1\n" ‖ payload bytes.
 */
export const STATUS_LIST_FORMAT = 'facenition-status-list/1';

export interface StatusListEntry {
  /** token id, 32 hex characters */
  tokenId: string;
  revokedAt: Date;
}

export interface StatusList {
  /** stable id of the issuing deployment (32 hex) */
  issuer: string;
  issuedAt: Date;
  /** hex id of the deployment key that signed the list */
  keyId: string;
  revoked: StatusListEntry[];
}

export class StatusListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatusListError';
  }
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function signingKey(pepper: Pepper): { privateKey: KeyObject; publicKey: Buffer } {
  const seed = Buffer.from(hkdfSync('sha256', pepper.key, Buffer.alloc(0), 'facenition status list signing key', 32));
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  seed.fill(0);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return { privateKey, publicKey: Buffer.from(jwk.x!, 'base64url') };
}

/** The status-list verification key of a deployment key (publishable; gives nothing about the pepper). */
export const statusListPublicKey = (pepper: Pepper): Buffer => signingKey(pepper).publicKey;

const signedBytes = (payload: Buffer) => Buffer.concat([Buffer.from(`${STATUS_LIST_FORMAT}\n`), payload]);

export function signStatusList(list: Omit<StatusList, 'keyId'>, pepper: Pepper): string {
  const { privateKey, publicKey } = signingKey(pepper);
  const payload = Buffer.from(
    JSON.stringify({
      issuer: list.issuer,
      issued_at: list.issuedAt.toISOString(),
      revoked: list.revoked.map((e) => ({ token_id: e.tokenId, revoked_at: e.revokedAt.toISOString() })),
    }),
  );
  return JSON.stringify({
    format: STATUS_LIST_FORMAT,
    alg: 'Ed25519',
    key_id: Buffer.from(pepper.keyId).toString('hex'),
    public_key: publicKey.toString('base64url'),
    payload: payload.toString('base64url'),
    signature: sign(null, signedBytes(payload), privateKey).toString('base64url'),
  });
}

const HEX32 = /^[0-9a-f]{32}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

function isoDate(v: unknown, what: string): Date {
  const d = typeof v === 'string' ? new Date(v) : new Date(NaN);
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(d.getTime()))
    throw new StatusListError(`${what} must be an ISO 8601 date-time`);
  return d;
}

function b64url(v: unknown, what: string): Buffer {
  if (typeof v !== 'string' || !B64URL.test(v)) throw new StatusListError(`'${what}' must be base64url`);
  return Buffer.from(v, 'base64url');
}

/**
 * Checks a status list against the deployment keys held here (its signing key must derive from
 * one of them) and returns its content. Throws StatusListError with the reason otherwise.
 */
export function verifyStatusList(text: unknown, peppers: readonly Pepper[]): StatusList {
  let doc: unknown = text;
  if (typeof text === 'string') {
    try {
      doc = JSON.parse(text);
    } catch {
      throw new StatusListError('the status list is not JSON');
    }
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new StatusListError('the status list must be a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.format !== STATUS_LIST_FORMAT) throw new StatusListError(`unsupported status list format (expected ${STATUS_LIST_FORMAT})`);
  if (d.alg !== 'Ed25519') throw new StatusListError("unsupported signature algorithm (expected 'Ed25519')");
  if (typeof d.key_id !== 'string' || !/^[0-9a-f]{16}$/.test(d.key_id)) throw new StatusListError("'key_id' must be 16 hex characters");
  const pepper = peppers.find((p) => Buffer.from(p.keyId).toString('hex') === d.key_id);
  if (!pepper) throw new StatusListError(`the list is signed under deployment key ${d.key_id}, which this deployment does not hold`);
  const payload = b64url(d.payload, 'payload');
  const signature = b64url(d.signature, 'signature');
  const { publicKey } = signingKey(pepper);
  if (d.public_key !== undefined && !b64url(d.public_key, 'public_key').equals(publicKey))
    throw new StatusListError('the public key in the list does not belong to its deployment key');
  const keyObject = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') }, format: 'jwk' });
  if (signature.length !== 64 || !verify(null, signedBytes(payload), keyObject, signature))
    throw new StatusListError('the signature does not verify: the list was altered or not signed with this deployment key');
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new StatusListError('the signed payload is not JSON');
  }
  const p = body as Record<string, unknown>;
  if (!p || typeof p !== 'object' || typeof p.issuer !== 'string' || !HEX32.test(p.issuer) || !Array.isArray(p.revoked))
    throw new StatusListError('the signed payload lacks issuer or revoked');
  return {
    issuer: p.issuer,
    issuedAt: isoDate(p.issued_at, 'issued_at'),
    keyId: d.key_id,
    revoked: p.revoked.map((e: unknown, i) => {
      const r = e as Record<string, unknown>;
      if (!r || typeof r.token_id !== 'string' || !HEX32.test(r.token_id))
        throw new StatusListError(`revoked[${i}].token_id must be 32 hex characters`);
      return { tokenId: r.token_id, revokedAt: isoDate(r.revoked_at, `revoked[${i}].revoked_at`) };
    }),
  };
}
