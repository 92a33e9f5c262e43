import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Pepper, PepperRing } from '@facenition/tokenisation';

/**
 * Secrets at rest under the deployment key: AES-256-GCM with a key derived per purpose by HKDF,
 * the purpose as additional data. A sealed value names the deployment key it was sealed under, so
 * values sealed before a deployment-key rotation still open while the retired key is held.
 */
export interface Sealed {
  sealed: Buffer;
  keyId: string;
}

const keyFor = (pepper: Pepper, purpose: string): Buffer => pepper.derive(`facenition seal ${purpose}`);

export function seal(ring: PepperRing, purpose: string, plain: Buffer): Sealed {
  const key = keyFor(ring.current, purpose);
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([c.update(plain), c.final()]);
  key.fill(0);
  return { sealed: Buffer.concat([nonce, body, c.getAuthTag()]), keyId: Buffer.from(ring.current.keyId).toString('hex') };
}

export function unseal(ring: PepperRing, purpose: string, value: Sealed): Buffer {
  const pepper = ring.find(Buffer.from(value.keyId, 'hex'));
  if (!pepper) throw new Error(`a ${purpose} value is sealed under deployment key ${value.keyId}, which this deployment does not hold`);
  const key = keyFor(pepper, purpose);
  const d = createDecipheriv('aes-256-gcm', key, value.sealed.subarray(0, 12));
  d.setAAD(Buffer.from(purpose));
  d.setAuthTag(value.sealed.subarray(value.sealed.length - 16));
  try {
    return Buffer.concat([d.update(value.sealed.subarray(12, value.sealed.length - 16)), d.final()]);
  } finally {
    key.fill(0);
  }
}
