import type { Request } from 'express';
import { ApiError } from '../common/api-error';
import { AUTHENTICATE, GENERATE, MATCH, MATCH_BULK, ROTATE_CLIENT } from './api';
import { parseInput } from './endpoint';
import { expiryOf } from './fields';
import { decodeBase64Image } from './images';

const req = (body: unknown, files: { fieldname: string; buffer: Buffer }[] = [], query: object = {}, params: object = {}): Request =>
  ({ body, files, query, params }) as unknown as Request;
const limits = { maxImages: 10 };
const fail = (f: () => unknown): { status: number; code: string; message: string } => {
  try {
    f();
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
};

describe('the API edge (endpoint definitions as validators)', () => {
  it('decodes base64, base64url and data URLs, and refuses the rest', () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xfe, 0x00]);
    expect(decodeBase64Image(bytes.toString('base64'), 'f')).toEqual(bytes);
    expect(decodeBase64Image(bytes.toString('base64url'), 'f')).toEqual(bytes);
    expect(decodeBase64Image(`data:image/jpeg;base64,${bytes.toString('base64')}`, 'f')).toEqual(bytes);
    expect(() => decodeBase64Image('this is *not* base64!', 'image')).toThrow("'image' is not valid base64");
    expect(() => decodeBase64Image('abcde', 'image')).toThrow('not valid base64');
    expect(() => decodeBase64Image('', 'image')).toThrow('empty string');
  });

  it('accuracy: 1..8 as a number or digits; anything else is invalid_accuracy', () => {
    const a = Buffer.from('a');
    const files = [
      { fieldname: 'image1', buffer: a },
      { fieldname: 'image2', buffer: a },
    ];
    expect(parseInput(req({ accuracy: '7' }, files), MATCH, limits).body.accuracy).toBe(7);
    expect(parseInput(req({ accuracy: 1 }, files), MATCH, limits).body.accuracy).toBe(1);
    expect(parseInput(req({}, files), MATCH, limits).body.accuracy).toBeUndefined();
    for (const bad of [0, 9, 'abc', 2.5, '3.0', true, -1, [], {}]) {
      expect(fail(() => parseInput(req({ accuracy: bad }, files), MATCH, limits))).toEqual({
        status: 400,
        code: 'invalid_accuracy',
        message: 'accuracy must be an integer from 1 to 8',
      });
    }
  });

  it('mixes multipart files and JSON fields; refuses unknown, missing and too many images', () => {
    const a = Buffer.from('a');
    const got = parseInput(req({ accuracy: '5', image2: 'YQ==' }, [{ fieldname: 'image1', buffer: a }]), MATCH, limits);
    expect(got.images.get('image1')).toEqual([a]);
    expect(got.images.get('image2')).toEqual([a]);
    expect(fail(() => parseInput(req({ image1: 'YQ==', image2: 'YQ==', colour: 'x' }), MATCH, limits))).toMatchObject({
      code: 'unknown_field',
      message: "unknown field 'colour'; expected 'image1', 'image2', 'accuracy'",
    });
    expect(fail(() => parseInput(req({ image1: 'YQ==' }), MATCH, limits))).toMatchObject({
      code: 'missing_field',
      message: "missing image field 'image2'",
    });
    expect(fail(() => parseInput(req({ image1: ['YQ==', 'YQ=='], image2: 'YQ==' }), MATCH, limits)).message).toBe(
      "too many images in 'image1': at most 1",
    );
    expect(fail(() => parseInput(req({ image1: 5, image2: 'YQ==' }), MATCH, limits)).code).toBe('invalid_field');
    // FACENITION_MAX_IMAGES bounds the repeated field: the probe takes one of the 10
    const refs = Array.from({ length: 10 }, () => 'YQ==');
    expect(fail(() => parseInput(req({ probe: 'YQ==', references: refs }), MATCH_BULK, limits)).message).toBe(
      "too many images in 'references': at most 9",
    );
  });

  it('takes `image` as an alias of `photo` and names `photo` in its messages', () => {
    const body = { token: 't', password: 'p', scope: 's' };
    expect(parseInput(req({ ...body, image: 'YQ==' }), AUTHENTICATE, limits).images.get('photo')).toEqual([Buffer.from('a')]);
    expect(parseInput(req(body, [{ fieldname: 'photo', buffer: Buffer.from('b') }]), AUTHENTICATE, limits).images.get('photo')).toEqual([
      Buffer.from('b'),
    ]);
    expect(fail(() => parseInput(req(body), AUTHENTICATE, limits)).message).toBe("missing image field 'photo'");
    expect(fail(() => parseInput(req({ ...body, photo: 'YQ==', image: 'YQ==' }), AUTHENTICATE, limits)).message).toBe(
      "too many images in 'photo': at most 1",
    );
  });

  it('required text fields: missing, empty, not a string, too long', () => {
    const base = { token: 't', password: 'p', scope: 's', photo: 'YQ==' };
    expect(fail(() => parseInput(req({ ...base, password: undefined }), AUTHENTICATE, limits))).toMatchObject({
      code: 'missing_field',
      message: "missing field 'password'",
    });
    expect(fail(() => parseInput(req({ ...base, password: '' }), AUTHENTICATE, limits)).message).toBe("missing field 'password'");
    expect(fail(() => parseInput(req({ ...base, scope: 5 }), AUTHENTICATE, limits))).toMatchObject({
      code: 'invalid_field',
      message: "'scope' must be a string",
    });
    expect(fail(() => parseInput(req({ ...base, scope: 'x'.repeat(201) }), AUTHENTICATE, limits)).message).toBe(
      "'scope' is longer than 200 characters",
    );
    expect(fail(() => parseInput(req({ ...base, release_key: 'a b' }), AUTHENTICATE, limits)).message).toBe(
      "'release_key' must be a label of 1..100 characters [A-Za-z0-9._:-]",
    );
    expect(parseInput(req(base), AUTHENTICATE, limits).sent).toEqual(new Set(['token', 'password', 'scope']));
  });

  it('expiry: expires_at or ttl, in the future, never both', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const base = { password: 'p', scope: 's', photo: 'YQ==' };
    const parsed = (extra: object) => parseInput(req({ ...base, ...extra }), GENERATE, limits).body;
    expect(expiryOf(parsed({ ttl: '3600' }), now)).toEqual(new Date('2026-12-01T01:00:00Z'));
    expect(expiryOf(parsed({ expires_at: '2027-01-01T00:00:00Z' }), now)).toEqual(new Date('2027-01-01T00:00:00Z'));
    expect(expiryOf(parsed({ ttl: '' }), now)).toBeNull();
    expect(fail(() => parsed({ ttl: '3' })).message).toBe("'ttl' must be whole seconds from 60 to 10 years");
    expect(fail(() => parsed({ expires_at: 'tomorrow' })).message).toBe("'expires_at' must be an ISO 8601 date-time");
    expect(fail(() => expiryOf(parsed({ expires_at: '2001-01-01T00:00:00Z' }), now)).message).toBe("'expires_at' must be in the future");
    expect(fail(() => expiryOf(parsed({ expires_at: '2027-01-01T00:00:00Z', ttl: 60 }), now)).message).toBe(
      "send either 'expires_at' or 'ttl', not both",
    );
  });

  it('whole numbers only: "", null, [] and true are not read as 0 or 1', () => {
    const r = (grace: unknown) => req({ grace_seconds: grace }, [], {}, { id: 'x' });
    expect(parseInput(r('3600'), ROTATE_CLIENT, limits).body.grace_seconds).toBe(3600);
    expect(parseInput(r(''), ROTATE_CLIENT, limits).body.grace_seconds).toBeUndefined();
    for (const bad of [[], true, '0x10', '1e3', -1, 30 * 86_400 + 1]) {
      expect(fail(() => parseInput(r(bad), ROTATE_CLIENT, limits)).code).toBe('invalid_field');
    }
  });

  it('refuses unknown query parameters and files on endpoints without images', () => {
    expect(fail(() => parseInput(req({}, [], { x: '1' }, { id: 'i' }), ROTATE_CLIENT, limits))).toMatchObject({
      code: 'unknown_field',
      message: "unknown query parameter 'x'",
    });
    expect(
      fail(() => parseInput(req({}, [{ fieldname: 'f', buffer: Buffer.from('a') }], {}, { id: 'i' }), ROTATE_CLIENT, limits)).message,
    ).toBe('this endpoint takes no files');
  });
});
