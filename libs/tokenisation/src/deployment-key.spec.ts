import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { hkdfExtractEmptySalt, pepperFromKey, pepperKeyId } from './deployment-key';

describe('deployment key', () => {
  const key = randomBytes(32);

  it('a key file: hmac is HMAC-SHA256 under the key, derive is HKDF-SHA256 with an empty salt, the id is sha256("facenition pepper id" ‖ key)[0..8]', () => {
    const p = pepperFromKey(key);
    const data = randomBytes(32);
    expect(p.hmac(data)).toEqual(createHmac('sha256', key).update(data).digest());
    expect(p.derive('facenition oidc csrf')).toEqual(Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'facenition oidc csrf', 32)));
    expect(Buffer.from(p.keyId)).toEqual(createHash('sha256').update('facenition pepper id').update(key).digest().subarray(0, 8));
    expect(pepperKeyId(key)).toEqual(Buffer.from(p.keyId));
  });

  it('derive(label) = HMAC(PRK, label ‖ 0x01) with PRK = HMAC(32 zero bytes, key): what a module computes from its stored PRK', () => {
    const prk = hkdfExtractEmptySalt(key);
    for (const label of ['facenition status list signing key', 'facenition seal oidc signing key', 'facenition oidc cookies', '', 'é ü']) {
      const fromPrk = createHmac('sha256', prk)
        .update(Buffer.concat([Buffer.from(label, 'utf8'), Buffer.from([1])]))
        .digest();
      expect(fromPrk).toEqual(pepperFromKey(key).derive(label));
    }
  });

  it('keeps its own copy of the key: zeroing the caller’s bytes changes nothing', () => {
    const bytes = Buffer.from(key);
    const p = pepperFromKey(bytes);
    bytes.fill(0);
    expect(p.hmac(Buffer.from('x'))).toEqual(createHmac('sha256', key).update('x').digest());
    expect(() => pepperFromKey(Buffer.alloc(31))).toThrow('32 bytes');
  });
});
