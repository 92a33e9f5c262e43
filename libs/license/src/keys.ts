import { randomBytes } from 'node:crypto';
import { ED25519_SEED_BYTES, ed25519KeyPairFromSeed } from '@facenition/common';
import * as forge from 'node-forge';
import { InvalidLicenseKeyError } from './errors';

/**
 * Vendor keys are Ed25519 (node-forge, through @facenition/common). Key text is standard base64 (with padding) of the raw
 * bytes: 32 bytes for a public key (44 characters), 64 bytes (seed ‖ public key) for a private
 * key (88 characters). node-forge cannot write Ed25519 PEM, so raw base64 it is.
 */
export interface VendorKeyPair {
  /** base64 of the raw 32-byte Ed25519 public key */
  publicKey: string;
  /** base64 of the 64-byte Ed25519 private key (seed ‖ public key). Keep offline. */
  privateKey: string;
  /** 16 hex digits: the first 8 bytes of SHA-256 of the raw public key */
  keyId: string;
}

const PUBLIC_KEY_TEXT = /^[A-Za-z0-9+/]{43}=$/;
const PRIVATE_KEY_TEXT = /^[A-Za-z0-9+/]{86}==$/;

/** Whether `text` has the shape of a public or private key text (not whether it is a valid key). */
export const isKeyText = (text: string): boolean => PUBLIC_KEY_TEXT.test(text) || PRIVATE_KEY_TEXT.test(text);

export function generateVendorKeyPair(): VendorKeyPair {
  // Seed straight from the OS CSPRNG; all Ed25519 arithmetic is node-forge's.
  const { publicKey, privateKey } = ed25519KeyPairFromSeed(randomBytes(ED25519_SEED_BYTES));
  return { publicKey: publicKey.toString('base64'), privateKey: privateKey.toString('base64'), keyId: keyIdOfBytes(publicKey) };
}

export function keyIdOfBytes(publicKey: Uint8Array): string {
  const md = forge.md.sha256.create();
  md.update(Buffer.from(publicKey).toString('binary'));
  return md.digest().toHex().slice(0, 16);
}

/** Key id of a public key text (see {@link VendorKeyPair.keyId}). */
export function keyIdOf(publicKey: string): string {
  return keyIdOfBytes(decodePublicKey(publicKey, 'public key'));
}

/** Raw 32 bytes of a public key text. `label` names the key in the error, never its content. */
export function decodePublicKey(text: string, label: string): Buffer {
  const t = text.trim();
  if (!PUBLIC_KEY_TEXT.test(t)) {
    throw new InvalidLicenseKeyError(`${label} is not an Ed25519 public key: expected 44 characters of base64 (32 bytes)`);
  }
  return Buffer.from(t, 'base64');
}

/** Raw 64 bytes of a private key text, checked for internal consistency. */
export function decodePrivateKey(text: string, label = 'private key'): Buffer {
  const t = text.trim();
  if (!PRIVATE_KEY_TEXT.test(t)) {
    throw new InvalidLicenseKeyError(
      `${label} is not an Ed25519 private key: expected 88 characters of base64 (64 bytes); ` +
        'use a key written by `license keygen` (a public key will not do)',
    );
  }
  const raw = Buffer.from(t, 'base64');
  const regenerated = ed25519KeyPairFromSeed(raw.subarray(0, ED25519_SEED_BYTES)).privateKey;
  if (!regenerated.equals(raw)) {
    throw new InvalidLicenseKeyError(`${label} is damaged: its public half does not match its seed; restore it from the offline backup`);
  }
  return raw;
}

/** The public half of a private key as decodePrivateKey returns it (seed ‖ public key, checked). */
export function publicKeyOfPrivate(privateKey: Buffer): Buffer {
  return Buffer.from(privateKey.subarray(ED25519_SEED_BYTES));
}
