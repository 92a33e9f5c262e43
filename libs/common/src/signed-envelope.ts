import * as forge from 'node-forge';
import { encodeBase64Url } from './base64url';

/**
 * Signed JSON envelopes (the licence file, the revocation status list) and the one Ed25519
 * implementation behind them: node-forge's (RFC 8032; deterministic, so a payload signed twice
 * with one key gives the same bytes). The signature covers "<format>\n" ‖ payload bytes: the
 * format name separates the domains, so a signature made for one format never verifies as another.
 */
export const ENVELOPE_ALG = 'Ed25519';
export const ED25519_SEED_BYTES = 32;
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_PRIVATE_KEY_BYTES = 64;
export const ED25519_SIGNATURE_BYTES = 64;

const ed25519 = forge.pki.ed25519;

export interface Ed25519KeyPair {
  /** 32 bytes */
  publicKey: Buffer;
  /** 64 bytes: seed ‖ public key */
  privateKey: Buffer;
}

/** The key pair of a 32-byte seed (RFC 8032). */
export function ed25519KeyPairFromSeed(seed: Uint8Array): Ed25519KeyPair {
  if (seed.length !== ED25519_SEED_BYTES) throw new RangeError(`an Ed25519 seed is ${ED25519_SEED_BYTES} bytes, not ${seed.length}`);
  const { publicKey, privateKey } = ed25519.generateKeyPair({ seed });
  return { publicKey: Buffer.from(publicKey), privateKey: Buffer.from(privateKey) };
}

/** The bytes a signature covers: the format name, a newline, then the payload. */
export const signedBytes = (format: string, payload: Uint8Array): Buffer => Buffer.concat([Buffer.from(`${format}\n`, 'utf8'), payload]);

/** Ed25519 signature (64 bytes) of `payload` under `format` with a 64-byte private key. */
export function signPayload(format: string, payload: Uint8Array, privateKey: Uint8Array): Buffer {
  if (privateKey.length !== ED25519_PRIVATE_KEY_BYTES) {
    throw new RangeError(`an Ed25519 private key is ${ED25519_PRIVATE_KEY_BYTES} bytes, not ${privateKey.length}`);
  }
  return Buffer.from(ed25519.sign({ message: signedBytes(format, payload), privateKey }));
}

/** Whether `signature` is a valid signature of `payload` under `format` by `publicKey`; false for wrong lengths. */
export function verifyPayload(format: string, payload: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_BYTES || publicKey.length !== ED25519_PUBLIC_KEY_BYTES) return false;
  return ed25519.verify({ message: signedBytes(format, payload), signature, publicKey });
}

/** The JSON fields both envelope formats share, in the order they are written. */
export type SignedEnvelope<F extends string, X extends Record<string, string> = Record<never, string>> = {
  format: F;
  alg: typeof ENVELOPE_ALG;
  key_id: string;
} & X & { payload: string; signature: string };

/**
 * Signs `payload` and returns the envelope object, fields in this order: format, alg, key_id,
 * the `extra` fields, payload (base64url), signature (base64url). The caller serialises it.
 */
export function sealEnvelope<F extends string, X extends Record<string, string> = Record<never, string>>(
  format: F,
  keyId: string,
  payload: Uint8Array,
  privateKey: Uint8Array,
  extra?: X,
): SignedEnvelope<F, X> {
  return {
    format,
    alg: ENVELOPE_ALG,
    key_id: keyId,
    ...extra,
    payload: encodeBase64Url(payload),
    signature: encodeBase64Url(signPayload(format, payload, privateKey)),
  } as SignedEnvelope<F, X>;
}
