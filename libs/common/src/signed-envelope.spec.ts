import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { ed25519KeyPairFromSeed, sealEnvelope, signedBytes, signPayload, verifyPayload } from './signed-envelope';

/** node:crypto's Ed25519 (OpenSSL), as an independent implementation to check node-forge's against. */
const nodePrivateKey = (seed: Buffer) =>
  createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
const nodePublicKey = (publicKey: Buffer) =>
  createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url') }, format: 'jwk' });

const seed = Buffer.alloc(32, 7);
const pair = ed25519KeyPairFromSeed(seed);
const payload = Buffer.from('{"hello":"world"}');

describe('signed envelope (Ed25519 on node-forge)', () => {
  it('derives RFC 8032 keys: test vector 1', () => {
    const v = ed25519KeyPairFromSeed(Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'));
    expect(v.publicKey.toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(v.privateKey.subarray(32)).toEqual(v.publicKey);
    expect(() => ed25519KeyPairFromSeed(Buffer.alloc(31))).toThrow(RangeError);
  });

  it('signs "<format>\\n" ‖ payload exactly as node:crypto does, and each verifies the other', () => {
    expect(signedBytes('fmt/1', payload)).toEqual(Buffer.concat([Buffer.from('fmt/1\n'), payload]));
    const forgeSig = signPayload('fmt/1', payload, pair.privateKey);
    const nodeSig = nodeSign(null, signedBytes('fmt/1', payload), nodePrivateKey(seed));
    expect(forgeSig).toEqual(nodeSig);
    expect(nodeVerify(null, signedBytes('fmt/1', payload), nodePublicKey(pair.publicKey), forgeSig)).toBe(true);
    expect(verifyPayload('fmt/1', payload, nodeSig, pair.publicKey)).toBe(true);
  });

  it('refuses another format (domain separation), an altered payload or signature, and another key', () => {
    const sig = signPayload('fmt/1', payload, pair.privateKey);
    expect(verifyPayload('fmt/2', payload, sig, pair.publicKey)).toBe(false);
    expect(verifyPayload('fmt/1', Buffer.from('{"hello":"World"}'), sig, pair.publicKey)).toBe(false);
    const flipped = Buffer.from(sig);
    flipped[10] ^= 1;
    expect(verifyPayload('fmt/1', payload, flipped, pair.publicKey)).toBe(false);
    expect(verifyPayload('fmt/1', payload, sig, ed25519KeyPairFromSeed(Buffer.alloc(32, 8)).publicKey)).toBe(false);
  });

  it('answers false, not an exception, for a signature or key of the wrong length', () => {
    const sig = signPayload('fmt/1', payload, pair.privateKey);
    expect(verifyPayload('fmt/1', payload, sig.subarray(0, 63), pair.publicKey)).toBe(false);
    expect(verifyPayload('fmt/1', payload, Buffer.alloc(0), pair.publicKey)).toBe(false);
    expect(verifyPayload('fmt/1', payload, sig, pair.publicKey.subarray(0, 31))).toBe(false);
    expect(() => signPayload('fmt/1', payload, seed)).toThrow(RangeError);
  });

  it('seals an envelope with its fields in the written order', () => {
    const env = sealEnvelope('fmt/1', '0011223344556677', payload, pair.privateKey, { public_key: pair.publicKey.toString('base64url') });
    expect(Object.keys(env)).toEqual(['format', 'alg', 'key_id', 'public_key', 'payload', 'signature']);
    expect(env).toMatchObject({ format: 'fmt/1', alg: 'Ed25519', key_id: '0011223344556677', payload: payload.toString('base64url') });
    expect(verifyPayload('fmt/1', payload, Buffer.from(env.signature, 'base64url'), pair.publicKey)).toBe(true);
    expect(Object.keys(sealEnvelope('fmt/1', 'k', payload, pair.privateKey))).toEqual(['format', 'alg', 'key_id', 'payload', 'signature']);
  });
});
