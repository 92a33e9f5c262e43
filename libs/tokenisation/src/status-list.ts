import {
  decodeBase64Url,
  ed25519KeyPairFromSeed,
  encodeBase64Url,
  ENVELOPE_ALG,
  FacenitionError,
  parseIsoDateTime,
  sealEnvelope,
  verifyPayload,
} from '@facenition/common';
import type { Pepper } from './deployment-key';

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
 * and the signature covers "facenition-status-list/1\n" ‖ payload bytes (the signed envelope of
 * @facenition/common, as for licence files).
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

export class StatusListError extends FacenitionError {
  readonly code = 'invalid_status_list';
  readonly status = 400;
}

/** HKDF info of the status-list signing seed (docs/token-format.md §10). */
export const STATUS_LIST_SEED_LABEL = 'facenition status list signing key';

/**
 * The status-list signing seed of a deployment key: HKDF-SHA256(key, salt = empty, STATUS_LIST_SEED_LABEL).
 * Secret (it signs lists): the caller zeroes it when done.
 */
export const statusListSeed = (pepper: Pick<Pepper, 'derive'>): Buffer => pepper.derive(STATUS_LIST_SEED_LABEL);

/** The status-list verification key of a deployment key (publishable; gives nothing about the pepper). */
export function statusListPublicKey(pepper: Pick<Pepper, 'derive'>): Buffer {
  const seed = statusListSeed(pepper);
  const { publicKey, privateKey } = ed25519KeyPairFromSeed(seed);
  seed.fill(0);
  privateKey.fill(0);
  return publicKey;
}

export function signStatusList(list: Omit<StatusList, 'keyId'>, pepper: Pepper): string {
  const seed = statusListSeed(pepper);
  try {
    return signStatusListWithSeed(list, pepper.keyId, seed);
  } finally {
    seed.fill(0);
  }
}

/** signStatusList from the key's id and signing seed (what a worker thread is given instead of the key). */
export function signStatusListWithSeed(list: Omit<StatusList, 'keyId'>, keyId: Uint8Array, seed: Uint8Array): string {
  const { privateKey, publicKey } = ed25519KeyPairFromSeed(seed);
  const payload = Buffer.from(
    JSON.stringify({
      issuer: list.issuer,
      issued_at: list.issuedAt.toISOString(),
      revoked: list.revoked.map((e) => ({ token_id: e.tokenId, revoked_at: e.revokedAt.toISOString() })),
    }),
  );
  try {
    return JSON.stringify(
      sealEnvelope(STATUS_LIST_FORMAT, Buffer.from(keyId).toString('hex'), payload, privateKey, { public_key: encodeBase64Url(publicKey) }),
    );
  } finally {
    privateKey.fill(0);
  }
}

const HEX32 = /^[0-9a-f]{32}$/;

/**
 * How far `issued_at` may lie ahead of the importing deployment's clock. A list dated further in
 * the future is refused: accepted, it would make every later list from its issuer look stale
 * (anti-rollback) until an admin reset. Five minutes covers ordinary clock skew between hosts.
 */
export const STATUS_LIST_MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

/** A status-list verification key: the Ed25519 public key derived from one deployment key. */
export interface StatusListKey {
  /** hex id of the deployment key (16 hex) */
  keyId: string;
  /** 32-byte Ed25519 public key */
  publicKey: Uint8Array;
}

/** The verification keys of the deployment keys held here (no secret in them: safe to hand to a worker thread). */
export const statusListKeys = (peppers: readonly Pepper[]): StatusListKey[] =>
  peppers.map((p) => ({ keyId: Buffer.from(p.keyId).toString('hex'), publicKey: statusListPublicKey(p) }));

/**
 * A verified list in a compact form that crosses a thread boundary without copying (its arrays
 * are transferable): entry i is token id `tokenIds[16i .. 16i+16]`, revoked at `revokedAt[i]` (ms).
 */
export interface PackedStatusList {
  issuer: string;
  /** ms since the epoch */
  issuedAt: number;
  keyId: string;
  count: number;
  tokenIds: Uint8Array;
  revokedAt: Float64Array;
}

const LATEST_DATE_MS = Date.UTC(10000, 0, 1);

function isoDate(v: unknown, what: string): Date {
  const d = parseIsoDateTime(v, { requireTime: true });
  if (!d) throw new StatusListError(`${what} must be an ISO 8601 date-time`);
  // what a database keeps as a timestamp without surprises (years 0000 and 10000+ are refused by PostgreSQL)
  if (d.getTime() < 0 || d.getTime() >= LATEST_DATE_MS) throw new StatusListError(`${what} must lie between 1970 and 9999 (UTC)`);
  return d;
}

function b64url(v: unknown, what: string): Buffer {
  const bytes = decodeBase64Url(v);
  if (!bytes) throw new StatusListError(`'${what}' must be base64url`);
  return bytes;
}

/**
 * Checks a status list against verification keys held here (see statusListKeys) at time `now`
 * and returns its content in packed form. Throws StatusListError with the reason otherwise.
 */
export function verifyStatusListPacked(text: unknown, keys: readonly StatusListKey[], now: Date): PackedStatusList {
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
  if (d.alg !== ENVELOPE_ALG) throw new StatusListError("unsupported signature algorithm (expected 'Ed25519')");
  if (typeof d.key_id !== 'string' || !/^[0-9a-f]{16}$/.test(d.key_id)) throw new StatusListError("'key_id' must be 16 hex characters");
  const key = keys.find((k) => k.keyId === d.key_id);
  if (!key) throw new StatusListError(`the list is signed under deployment key ${d.key_id}, which this deployment does not hold`);
  const payload = b64url(d.payload, 'payload');
  const signature = b64url(d.signature, 'signature');
  const publicKey = Buffer.from(key.publicKey);
  if (d.public_key !== undefined && !b64url(d.public_key, 'public_key').equals(publicKey))
    throw new StatusListError('the public key in the list does not belong to its deployment key');
  if (!verifyPayload(STATUS_LIST_FORMAT, payload, signature, publicKey))
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
  const issuedAt = isoDate(p.issued_at, 'issued_at');
  if (issuedAt.getTime() > now.getTime() + STATUS_LIST_MAX_FUTURE_SKEW_MS)
    throw new StatusListError(
      `issued_at ${issuedAt.toISOString()} is more than ${STATUS_LIST_MAX_FUTURE_SKEW_MS / 60_000} minutes ahead of this deployment's clock ` +
        `(${now.toISOString()}); a list dated in the future would block every later list from its issuer: check the issuer's clock`,
    );
  const revoked = p.revoked as unknown[];
  const tokenIds = Buffer.from(new ArrayBuffer(16 * revoked.length));
  const revokedAt = new Float64Array(revoked.length);
  for (let i = 0; i < revoked.length; i++) {
    const r = revoked[i] as Record<string, unknown> | null;
    if (!r || typeof r.token_id !== 'string' || !HEX32.test(r.token_id))
      throw new StatusListError(`revoked[${i}].token_id must be 32 hex characters`);
    tokenIds.write(r.token_id, 16 * i, 16, 'hex');
    revokedAt[i] = isoDate(r.revoked_at, `revoked[${i}].revoked_at`).getTime();
  }
  return { issuer: p.issuer, issuedAt: issuedAt.getTime(), keyId: d.key_id, count: revoked.length, tokenIds, revokedAt };
}

/** The entries of a packed list. */
export function unpackStatusList(p: PackedStatusList): StatusList {
  const ids = Buffer.from(p.tokenIds.buffer, p.tokenIds.byteOffset, p.tokenIds.byteLength);
  return {
    issuer: p.issuer,
    issuedAt: new Date(p.issuedAt),
    keyId: p.keyId,
    revoked: Array.from({ length: p.count }, (_, i) => ({
      tokenId: ids.toString('hex', 16 * i, 16 * i + 16),
      revokedAt: new Date(p.revokedAt[i]),
    })),
  };
}

/**
 * Checks a status list against the deployment keys held here (its signing key must derive from
 * one of them) at time `now` (its issued_at may be at most STATUS_LIST_MAX_FUTURE_SKEW_MS ahead)
 * and returns its content. Throws StatusListError with the reason otherwise.
 */
export const verifyStatusList = (text: unknown, peppers: readonly Pepper[], now: Date): StatusList =>
  unpackStatusList(verifyStatusListPacked(text, statusListKeys(peppers), now));
