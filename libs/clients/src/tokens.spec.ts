import { createHash, createHmac } from 'node:crypto';
import {
  ACCESS_TOKEN_PREFIX,
  CLIENT_SECRET_PREFIX,
  CLIENT_TOKEN_PREFIX,
  newClientSecret,
  newClientToken,
  parseClientToken,
  safeEqual,
  sha256,
  signAccessToken,
  verifyAccessToken,
} from './tokens';

const ID = '0b9f3c2e-8a8e-4a55-9a49-1d6c1c3f0e11';
const KEY = Buffer.alloc(32, 1);
const b64url = (b: Buffer) => b.toString('base64url');

describe('client tokens (fnc_)', () => {
  it('embed the client id and a 32-byte random secret; only the secret hash is kept', () => {
    const t = newClientToken(ID);
    expect(t.id).toBe(ID);
    expect(t.token).toMatch(/^fnc_[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const [idPart, secret] = t.token.slice(CLIENT_TOKEN_PREFIX.length).split('.');
    expect(Buffer.from(idPart, 'base64url').toString('hex')).toBe(ID.replace(/-/g, ''));
    expect(t.hash).toEqual(createHash('sha256').update(secret).digest());
    expect(newClientToken(ID).token).not.toBe(t.token);
    expect(newClientToken().id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('parse back to the client id and the hash of the secret part', () => {
    const t = newClientToken(ID);
    expect(parseClientToken(t.token)).toEqual({ id: ID, hash: t.hash });
  });

  it('are refused when malformed', () => {
    const t = newClientToken(ID);
    const [idPart, secret] = t.token.slice(4).split('.');
    const bad = [
      '',
      t.token.slice(4), // no prefix
      `fna_${idPart}.${secret}`, // another credential's prefix
      `fnc_${idPart}`, // no secret
      `fnc_${idPart}.`, // empty secret
      `fnc_.${secret}`, // empty id
      `fnc_${idPart}.${secret}.x`, // a third part
      `fnc_${idPart}.${secret.slice(0, -1)}+`, // not base64url
      `fnc_${idPart}=.${secret}`, // padding
      `fnc_${b64url(Buffer.alloc(15, 1))}.${secret}`, // id of 15 bytes
      `fnc_${b64url(Buffer.alloc(17, 1))}.${secret}`, // id of 17 bytes
      `fnc_${idPart}.${'A'.repeat(200)}`, // longer than 200 characters
    ];
    for (const token of bad) expect(parseClientToken(token)).toBeUndefined();
  });
});

describe('client secrets (fns_)', () => {
  it('are 32 random bytes behind the prefix, hashed whole', () => {
    const s = newClientSecret();
    expect(s.secret.startsWith(CLIENT_SECRET_PREFIX)).toBe(true);
    expect(s.secret).toMatch(/^fns_[A-Za-z0-9_-]{43}$/);
    expect(s.hash).toEqual(sha256(s.secret));
    expect(newClientSecret().secret).not.toBe(s.secret);
  });
});

describe('access tokens (fna_)', () => {
  const expiresAt = new Date('2026-11-27T12:15:00Z');

  it('carry client id and expiry (whole seconds) under an HMAC-SHA256 of the server key', () => {
    const token = signAccessToken(KEY, ID, new Date(expiresAt.getTime() + 999));
    expect(token).toMatch(/^fna_[A-Za-z0-9_-]{38}\.[A-Za-z0-9_-]{43}$/);
    const [p, m] = token.slice(ACCESS_TOKEN_PREFIX.length).split('.');
    const payload = Buffer.from(p, 'base64url');
    expect(payload.subarray(0, 16).toString('hex')).toBe(ID.replace(/-/g, ''));
    expect(payload.readUInt32BE(16)).toBe(expiresAt.getTime() / 1000);
    expect(Buffer.from(m, 'base64url')).toEqual(createHmac('sha256', KEY).update(payload).digest());
    expect(verifyAccessToken(KEY, token)).toEqual({ clientId: ID, expiresAt });
    // a random nonce: two tokens for the same client and expiry differ
    expect(signAccessToken(KEY, ID, expiresAt)).not.toBe(signAccessToken(KEY, ID, expiresAt));
  });

  it('are refused under another key (forgery)', () => {
    expect(verifyAccessToken(Buffer.alloc(32, 2), signAccessToken(KEY, ID, expiresAt))).toBeUndefined();
  });

  it('cannot be extended or moved to another client: any payload change breaks the MAC', () => {
    const token = signAccessToken(KEY, ID, expiresAt);
    const [p, m] = token.slice(4).split('.');
    const payload = Buffer.from(p, 'base64url');
    const later = Buffer.from(payload);
    later.writeUInt32BE(payload.readUInt32BE(16) + 86_400, 16);
    expect(verifyAccessToken(KEY, `fna_${b64url(later)}.${m}`)).toBeUndefined();
    const other = Buffer.from(payload);
    other[0] ^= 1;
    expect(verifyAccessToken(KEY, `fna_${b64url(other)}.${m}`)).toBeUndefined();
    // the MAC of another token does not fit this payload
    const [, m2] = signAccessToken(KEY, ID, expiresAt).slice(4).split('.');
    expect(verifyAccessToken(KEY, `fna_${p}.${m2}`)).toBeUndefined();
  });

  it('report an expiry in the past as it is: the caller refuses it (ClientsService answers token_expired)', () => {
    const past = new Date('2020-01-01T00:00:00Z');
    expect(verifyAccessToken(KEY, signAccessToken(KEY, ID, past))).toEqual({ clientId: ID, expiresAt: past });
  });

  it('are refused when malformed', () => {
    const token = signAccessToken(KEY, ID, expiresAt);
    const [p, m] = token.slice(4).split('.');
    const bad = [
      '',
      token.slice(4),
      `fnc_${p}.${m}`,
      `fna_${p}`,
      `fna_${p}.`,
      `fna_.${m}`,
      `fna_${p}.${m}.x`,
      `fna_${p}.${m.slice(0, -1)}`, // MAC one character short
      `fna_${p}+.${m}`,
      `fna_${b64url(Buffer.from(p, 'base64url').subarray(0, 27))}.${m}`, // payload of 27 bytes
      `fna_${p}.${m}${'A'.repeat(200)}`,
    ];
    for (const t of bad) expect(verifyAccessToken(KEY, t)).toBeUndefined();
  });
});

describe('safeEqual', () => {
  it('compares contents, and is false for different lengths instead of throwing', () => {
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
  });
});
