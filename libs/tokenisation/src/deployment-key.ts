import { createHash, createHmac, hkdfSync } from 'node:crypto';

/**
 * The deployment key ("pepper") as the operations that use it, never as bytes: the key may sit in
 * a hardware security module that only computes with it. Two operations cover every use:
 * - `hmac(data)` = HMAC-SHA256(key, data): the keyed step of the token KDF (docs/token-format.md §3);
 * - `derive(label)` = HKDF-SHA256(IKM = key, salt = empty, info = label, L = 32): the status-list
 *   signing seed and the OIDC provider's sealing, cookie and CSRF keys.
 * A key file and a module holding the same key give the same results, so both verify each other's
 * tokens, status lists and sealed values.
 */
export interface Pepper {
  /** 8 bytes, written into every token issued under the key: sha256("facenition pepper id" ‖ key)[0..8] */
  readonly keyId: Uint8Array;
  hmac(data: Uint8Array): Buffer;
  derive(label: string): Buffer;
}

/** The key id of a deployment key's bytes. */
export function pepperKeyId(key: Uint8Array): Buffer {
  return createHash('sha256').update('facenition pepper id').update(key).digest().subarray(0, 8);
}

/**
 * HKDF-SHA256's extract step with an empty salt: PRK = HMAC-SHA256(32 zero bytes, key). What a
 * module must hold to compute `derive` without the key: derive(label) = HMAC-SHA256(PRK, label ‖ 0x01).
 */
export function hkdfExtractEmptySalt(key: Uint8Array): Buffer {
  return createHmac('sha256', Buffer.alloc(32)).update(key).digest();
}

/** A deployment key held in this process's memory (a key file, FACENITION_PEPPER). */
export function pepperFromKey(key: Uint8Array, keyId: Uint8Array = pepperKeyId(key)): Pepper {
  if (key.length !== 32) throw new Error('a deployment key is 32 bytes');
  const secret = Buffer.from(key);
  return {
    keyId: Buffer.from(keyId),
    hmac: (data) => createHmac('sha256', secret).update(data).digest(),
    derive: (label) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), label, 32)),
  };
}
