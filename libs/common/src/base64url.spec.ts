import { decodeBase64Url, encodeBase64Url, isBase64Url } from './base64url';

describe('base64url', () => {
  const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0x00, 0x01]);

  it('encodes without padding in the URL alphabet, also from a view into a larger buffer', () => {
    expect(encodeBase64Url(bytes)).toBe('-_-_AAE');
    const big = Buffer.from([9, 9, 0xfb, 0xff, 0xbf, 0x00, 0x01, 9]);
    expect(encodeBase64Url(big.subarray(2, 7))).toBe('-_-_AAE');
    expect(encodeBase64Url(new Uint8Array(0))).toBe('');
  });

  it('decodes what it encodes', () => {
    expect(decodeBase64Url('-_-_AAE')).toEqual(bytes);
    expect(decodeBase64Url('')).toEqual(Buffer.alloc(0));
  });

  it('refuses padding, the standard alphabet, whitespace and non-strings', () => {
    for (const bad of ['-_-_AAE=', '+/+/AAE', ' AAAA', 'AA AA', 'AA\n', 'é', undefined, null, 42, ['AAAA'], { a: 1 }]) {
      expect(isBase64Url(bad)).toBe(false);
      expect(decodeBase64Url(bad)).toBeUndefined();
    }
  });

  it('in canonical mode refuses spellings that do not round-trip', () => {
    // 'AB' and 'AA' both decode to one zero byte; only 'AA' is canonical
    expect(decodeBase64Url('AB')).toEqual(Buffer.from([0]));
    expect(decodeBase64Url('AB', { canonical: true })).toBeUndefined();
    expect(decodeBase64Url('AA', { canonical: true })).toEqual(Buffer.from([0]));
    // a dangling sixth bit group holds no whole byte
    expect(decodeBase64Url('AAAAA', { canonical: true })).toBeUndefined();
    expect(decodeBase64Url('-_-_AAE', { canonical: true })).toEqual(bytes);
  });
});
