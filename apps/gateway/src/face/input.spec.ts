import type { Request } from 'express';
import { ApiError } from '../common/api-error';
import { decodeBase64Image, parseAccuracy, readEndpointInput } from './input';

const req = (body: unknown, files: { fieldname: string; buffer: Buffer }[] = []): Request => ({ body, files }) as unknown as Request;
const specs = [
  { name: 'image1', min: 1, max: 1 },
  { name: 'image2', min: 1, max: 1 },
];

describe('endpoint input', () => {
  it('decodes base64, base64url and data URLs', () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xfe, 0x00]);
    expect(decodeBase64Image(bytes.toString('base64'), 'f')).toEqual(bytes);
    expect(decodeBase64Image(bytes.toString('base64url'), 'f')).toEqual(bytes);
    expect(decodeBase64Image(`data:image/jpeg;base64,${bytes.toString('base64')}`, 'f')).toEqual(bytes);
  });

  it('refuses strings that are not base64', () => {
    expect(() => decodeBase64Image('this is *not* base64!', 'image')).toThrow("'image' is not valid base64");
    expect(() => decodeBase64Image('abcde', 'image')).toThrow('not valid base64');
    expect(() => decodeBase64Image('', 'image')).toThrow('empty string');
  });

  it('parses accuracy 1..8 and refuses the rest', () => {
    expect(parseAccuracy(undefined)).toBe(4);
    expect(parseAccuracy('7')).toBe(7);
    expect(parseAccuracy(1)).toBe(1);
    for (const bad of [0, 9, 'abc', 2.5, '3.0', true, -1]) {
      expect(() => parseAccuracy(bad)).toThrow('accuracy must be an integer from 1 to 8');
    }
  });

  it('mixes multipart files and JSON fields, and rejects unknown or missing fields', () => {
    const a = Buffer.from('a');
    const got = readEndpointInput(
      req({ accuracy: '5' }, [
        { fieldname: 'image1', buffer: a },
        { fieldname: 'image2', buffer: a },
      ]),
      specs,
      { accuracy: true },
    );
    expect(got.accuracy).toBe(5);
    expect(got.images.get('image2')).toEqual([a]);
    expect(() => readEndpointInput(req({ image1: 'YQ==', image2: 'YQ==', colour: 'x' }), specs, { accuracy: true })).toThrow(
      "unknown field 'colour'",
    );
    expect(() => readEndpointInput(req({ image1: 'YQ==' }), specs, { accuracy: true })).toThrow("missing image field 'image2'");
    expect(() => readEndpointInput(req({ image1: ['YQ==', 'YQ=='], image2: 'YQ==' }), specs, { accuracy: true })).toThrow(
      "too many images in 'image1'",
    );
    expect(() => readEndpointInput(req({ image1: 5, image2: 'YQ==' }), specs, { accuracy: true })).toThrow(ApiError);
  });
});
