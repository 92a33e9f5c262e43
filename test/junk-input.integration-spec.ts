import { entraTokenIssuanceStart, oktaEvent } from './support/idp-events';
import { DATA_SOURCE } from '@facenition/database';
import { generateVendorKeyPair, issueLicense } from '@facenition/license';
import type { PepperRing } from '@facenition/tokenisation';
import fc from 'fast-check';
import { createHash, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import sharp from 'sharp';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { buildOpenApiDocument } from '../apps/gateway/src/contract/openapi';
import { ENTRA_AUTH_EVENTS_APP_ID } from '../apps/gateway/src/integrations/hook-auth';
import { PEPPER } from '../apps/gateway/src/tokens/identity-token.service';
import { ANIMATED_GIF, pngHeaderOnly } from '../libs/face/src/testing/malformed-images';
import { fixture } from './support/images';
import { ADMIN, startTestApp, type TestApp } from './support/app';
import { clientSendable, multipartBody, pctEncode, rawRequest, wtf8, type MultipartPart, type RawResponse } from './support/raw-http';

jest.setTimeout(600_000);

/**
 * Security issue #9, item 4: generated junk in every parameter of every endpoint (JSON body,
 * multipart field, image file, URL-encoded form, query string, path segment, header) never gets a
 * 5xx; every refusal is the public error shape without echoed control characters; the server keeps
 * serving; and junk never reaches the database. One property per (route, parameter): the junk
 * parameter is the only invalid part of an otherwise valid request.
 *
 * Reproducible: FC_SEED (default below) seeds every property; fast-check prints the seed and path
 * of a failure. FC_SCALE multiplies every numRuns (e.g. FC_SCALE=10 for a deeper local run).
 */
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20_250_609;
const SCALE = process.env.FC_SCALE ? Number(process.env.FC_SCALE) : 1;
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
/** numRuns per property: cheap refusals, parameters whose valid values run a face analysis, cross-route properties. */
const CHEAP = 40;
const COSTLY = 10;
const IMAGES = 25;
const ACROSS = 60;

// ---------------------------------------------------------------------------------------------
// The junk model: a value and how it is written in each place a request can carry it.
// ---------------------------------------------------------------------------------------------

interface FileJunk {
  content: Buffer;
  filename: Buffer;
  contentType: Buffer;
}

type Junk =
  | { k: 'absent' }
  /** a JS string (may hold NUL, control characters, lone surrogates) */
  | { k: 'str'; s: string }
  /** a raw JSON literal: number literals JSON.stringify cannot write (1e309, -0, 2^63), booleans, null, arrays, objects, deep nesting */
  | { k: 'lit'; text: string }
  /** raw bytes, e.g. invalid UTF-8 */
  | { k: 'bytes'; b: Buffer }
  /** written verbatim into URLs (invalid percent-escapes); a plain string elsewhere */
  | { k: 'url'; text: string }
  /** JSON array / repeated form field / repeated query key / repeated header */
  | { k: 'list'; items: Junk[] }
  /** uploaded files (multipart); base64 strings elsewhere */
  | { k: 'files'; files: FileJunk[] };

const short = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
const esc = (s: string) =>
  short(
    JSON.stringify(s)
      .slice(1, -1)
      .replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
const hexOf = (b: Buffer) => (b.length > 48 ? `${b.subarray(0, 48).toString('hex')}…(${b.length} bytes)` : b.toString('hex'));

function show(j: Junk): string {
  switch (j.k) {
    case 'absent':
      return '(absent)';
    case 'str':
      return `"${esc(j.s)}"`;
    case 'lit':
      return `json ${short(j.text)}`;
    case 'bytes':
      return `bytes 0x${hexOf(j.b)}`;
    case 'url':
      return `raw-url ${j.text}`;
    case 'list':
      return `[${j.items.map(show).join(', ')}]`;
    case 'files':
      return `files[${j.files.map((f) => `{${hexOf(f.content)} name="${esc(f.filename.toString('latin1'))}" type="${esc(f.contentType.toString('latin1'))}"}`).join(', ')}]`;
  }
}

/** True when the junk is sent with a raw NUL in it (then no error message may contain it). */
function hasNul(j: Junk): boolean {
  switch (j.k) {
    case 'str':
      return j.s.includes('\u0000');
    case 'bytes':
      return j.b.includes(0);
    case 'list':
      return j.items.some(hasNul);
    case 'lit':
    case 'url':
    case 'files':
    case 'absent':
      return false;
  }
}

const b64 = (f: FileJunk) => f.content.toString('base64');

/** JSON text of a value (undefined = leave the key out). */
function jsonOf(j: Junk): Buffer | undefined {
  switch (j.k) {
    case 'absent':
      return undefined;
    case 'str':
      return Buffer.from(JSON.stringify(j.s));
    case 'lit':
      return Buffer.from(j.text);
    case 'url':
      return Buffer.from(JSON.stringify(j.text));
    case 'bytes': {
      const inner = Buffer.from(
        j.b.toString('latin1').replace(/[\\"]/g, (c) => `\\${c}`),
        'latin1',
      );
      return Buffer.concat([Buffer.from('"'), inner, Buffer.from('"')]);
    }
    case 'list': {
      const parts = j.items.map(jsonOf).filter((b): b is Buffer => b !== undefined);
      return Buffer.concat([Buffer.from('['), ...parts.flatMap((p, i) => (i ? [Buffer.from(','), p] : [p])), Buffer.from(']')]);
    }
    case 'files':
      return Buffer.from(JSON.stringify(j.files.length === 1 ? b64(j.files[0]) : j.files.map(b64)));
  }
}

/** The bytes of one value in a form field, query string or header (lists are handled by the caller). */
function bytesOf(j: Junk): Buffer {
  switch (j.k) {
    case 'absent':
      return Buffer.alloc(0);
    case 'str':
      return wtf8(j.s);
    case 'lit':
    case 'url':
      return Buffer.from(j.text, 'latin1');
    case 'bytes':
      return j.b;
    case 'list':
      return j.items.length ? bytesOf(j.items[0]) : Buffer.alloc(0);
    case 'files':
      return Buffer.from(j.files.map(b64).join(','));
  }
}

/** Occurrences of a field/key/header: none when absent, several for a list. */
const occurrences = (j: Junk): Junk[] => (j.k === 'absent' ? [] : j.k === 'list' ? j.items.filter((i) => i.k !== 'absent') : [j]);
const urlOf = (j: Junk): string => (j.k === 'url' ? j.text : pctEncode(bytesOf(j)));
const jsonEncode = (v: string) => Buffer.from(JSON.stringify(v));

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

// prettier-ignore
const CONTROL = ['\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\u000b', '\f', '\r', '\u001b', '\u001f', '\u007f', '\u0080', '\u0085', '\u009f'];
// prettier-ignore
const ODD = [
  '\ud800', '\udbff', '\udc00', '\udfff', '\ufeff', '\ufffd', '\ufffe', '\uffff', '\u202e', '\u200b', '\u2028', '\u00a0',
  'é', 'e\u0301', 'İ', 'ß', '\u{1f600}', '\u{10ffff}',
  '"', "'", '\\', '/', '%', '&', '=', '?', '#', '+', ';', ',', ':', '[', ']', '{', '}', '<', '$', '*', ' ', '-', '.',
];
// prettier-ignore
const NUMBERS = [
  '0', '-0', '-1', '1', '8', '9', '1.5', '4.0', '1e3', '1e309', '-1e309', '1e-400', 'NaN', '-NaN', 'Infinity', '-Infinity',
  '0x10', '0b1', '1_000', ' 4', '4 ', '+4', '2147483648', '4294967296', '9007199254740993', '9223372036854775807',
  '9223372036854775808', '-9223372036854775809', '9999999999999999999', '18446744073709551616',
  '123456789012345678901234567890', '2592000', '2592001', '315360000', '316224001',
];
// prettier-ignore
const DATES = [
  '9999-12-31T00:00:00Z', '9999-12-31T23:59:59.999-23:59', '0000-00-00', '0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z',
  '0001-01-01T00:00:00+14:00', '1969-12-31T23:59:59Z', '1970-01-01T00:00:00Z', '2038-01-19T03:14:08Z', '2106-02-07T06:28:16Z',
  '2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:00:00+99:99',
  '2024-01-01T00:00:00.123456789Z', '+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z', '275760-09-13', '2030-01-01',
  '2030-01-01 00:00', '2030-01-01T00:00:00Z\u0000', '20300101T000000Z', 'tomorrow', 'Invalid Date',
];
// prettier-ignore
const NASTY = [
  '', ' ', '\u0000', 'a\u0000b', '\u0000'.repeat(36), '\ud800x', '\udfff', 'x\ud800', '\udc00\ud800',
  '-'.repeat(36), '0'.repeat(36), 'g'.repeat(36), '00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-00000000000g',
  '00000000-0000-0000-0000-0000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '{00000000-0000-0000-0000-000000000000}',
  'abc', 'deadbeef', 'f'.repeat(31), 'f'.repeat(33), 'F'.repeat(32), '0'.repeat(32) + 'zz',
  'null', 'undefined', 'true', 'false', '[]', '{}', '__proto__', 'constructor', 'toString',
  '..', '../../etc/passwd', '%00', '%', '<script>alert(1)</script>', "' OR 1=1 --", "'; DROP TABLE api_clients; --",
  '$(reboot)', '${jndi:ldap://x}', '\r\nX-Injected: 1', 'fnc_', 'fna_', 'fns_', 'fnc_AAAAAAAAAAAAAAAAAAAAAA.AAAA', 'Basic', 'Bearer x',
  'sandbox', 'production', 'developer', 'enterprise', 'client_credentials', 'jsonl', 'csv', 'success', 'server_error',
  ...NUMBERS,
  ...DATES,
];
// prettier-ignore
const URLISH = ['%', '%%', '%2', '%zz', '%00', '%E0%A4%A', '%ff%fe', '%C0%80', '%ED%A0%80', '%F4%90%80%80', '%uD800', '%2F', '%5C', '%2e%2e', '..', '+', '%20', 'a%00b', '-----'];
// prettier-ignore
const NUM_LITS = [
  '1e309', '-1e309', '9223372036854775808', '-9223372036854775809', '18446744073709551616', '123456789012345678901234567890',
  '-0', '0.0', '-0.0', '1e-400', '4.0', '4e0', '1E1', '0.5', '3.9999999999999999', '-1', '0', '1', '8', '9', '2147483648',
  '4294967296', '2592001', '315360001',
];
// prettier-ignore
const OTHER_LITS = [
  'true', 'false', 'null', '[]', '{}', '""', '[null]', '[[]]', '[""]', '{"":""}', '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}', '["4"]', '[4]', '{"$gt":""}',
];
const BAD_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0x80],
  [0x00],
];
const pad2 = (n: number) => String(n).padStart(2, '0');
const junkUnit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...CONTROL, ...ODD) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
);
const longString = fc
  .tuple(
    fc.constantFrom('a', 'A1-', '\u0000', '-', 'é', '\ud800', '%00', '9', ' ', '\u{1f600}', 'ab\u0000', '\u0001\u007f'),
    fc.integer({ min: 200, max: 4000 }),
  )
  .map(([u, n]) => u.repeat(Math.ceil(n / u.length)));
const numericString = fc.oneof(
  fc.constantFrom(...NUMBERS),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
);
const dateString = fc.oneof(
  fc.constantFrom(...DATES),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15) }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
  fc
    .tuple(
      fc.integer({ min: 0, max: 99_999 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
      fc.constantFrom('Z', '+00:00', '-23:59', '+24:00', '', '.999999999Z', ' UTC', 'z', '\u0000'),
    )
    .map(([y, mo, d, h, mi, z]) => `${String(y).padStart(4, '0')}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:00${z}`),
  // the edges of the year range, where an offset moves the instant into year 0 or 10000
  fc
    .tuple(
      fc.constantFrom('0000', '0001', '1969', '1970', '2038', '2106', '9999'),
      fc.constantFrom('00', '01', '02', '12', '13'),
      fc.constantFrom('00', '01', '29', '30', '31', '32'),
      fc.constantFrom('00:00:00', '23:59:59.999', '24:00:00'),
      fc.constantFrom('Z', '-23:59', '+23:59', '+14:00', '-12:00', ''),
    )
    .map(([y, mo, d, time, z]) => `${y}-${mo}-${d}T${time}${z}`),
);
const hexString = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 70 });
const uuidString = fc.oneof(
  fc.uuid(),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef-'), minLength: 36, maxLength: 36 }),
  fc.string({ unit: fc.constantFrom(...'-\u0000\ud800g'), minLength: 36, maxLength: 36 }),
);
const junkString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 4, arbitrary: fc.string({ unit: junkUnit, maxLength: 24 }) },
  { weight: 1, arbitrary: longString },
  { weight: 1, arbitrary: numericString },
  { weight: 1, arbitrary: dateString },
  { weight: 1, arbitrary: hexString },
  { weight: 1, arbitrary: uuidString },
);
const deepJson = fc
  .tuple(fc.integer({ min: 17, max: 3000 }), fc.constantFrom('[', '{"a":'))
  .map(([n, open]) => `${open.repeat(n)}0${(open === '[' ? ']' : '}').repeat(n)}`);
const literal: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...NUM_LITS, ...OTHER_LITS),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
    junkString.map((s) => JSON.stringify(s)),
    fc.array(tie('value'), { maxLength: 4 }).map((a) => `[${a.join(',')}]`),
    fc
      .array(fc.tuple(junkString, tie('value')), { maxLength: 4 })
      .map((kv) => `{${kv.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

const leafJunk: fc.Arbitrary<Junk> = fc.oneof(
  { weight: 8, arbitrary: junkString.map((s): Junk => ({ k: 'str', s })) },
  { weight: 3, arbitrary: fc.oneof(literal, deepJson).map((text): Junk => ({ k: 'lit', text })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.constantFrom(...BAD_UTF8).map((b) => Buffer.from(b)),
        fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b)),
      )
      .map((b): Junk => ({ k: 'bytes', b })),
  },
  { weight: 1, arbitrary: fc.constantFrom(...URLISH).map((text): Junk => ({ k: 'url', text })) },
  { weight: 1, arbitrary: fc.constant<Junk>({ k: 'absent' }) },
);
const anyJunk: fc.Arbitrary<Junk> = fc.oneof(
  { weight: 8, arbitrary: leafJunk },
  { weight: 1, arbitrary: fc.array(leafJunk, { maxLength: 4 }).map((items): Junk => ({ k: 'list', items })) },
);

/** A valid value, damaged: junk appended, prepended or spliced in, a character replaced, cut, repeated, re-cased, padded. */
function nearValid(valid: readonly string[]): fc.Arbitrary<Junk> {
  const op = fc.oneof(
    fc.tuple(fc.constant('append' as const), junkString),
    fc.tuple(fc.constant('prepend' as const), junkString),
    fc.tuple(fc.constant('splice' as const), fc.tuple(fc.nat(), junkUnit)),
    fc.tuple(fc.constant('replace' as const), fc.tuple(fc.nat(), junkUnit)),
    fc.tuple(fc.constant('cut' as const), fc.nat()),
    fc.tuple(fc.constant('repeat' as const), fc.integer({ min: 2, max: 200 })),
    fc.tuple(fc.constant('case' as const), fc.boolean()),
    fc.tuple(fc.constant('pad' as const), fc.constantFrom(' ', '\t', '\n', '\u0000', '\u00a0', '\ufeff')),
  );
  return fc.tuple(fc.constantFrom(...valid), op).map(([v, [kind, arg]]): Junk => {
    let s: string;
    switch (kind) {
      case 'append':
        s = v + (arg as string);
        break;
      case 'prepend':
        s = (arg as string) + v;
        break;
      case 'splice': {
        const [at, u] = arg as [number, string];
        const i = v.length ? at % (v.length + 1) : 0;
        s = v.slice(0, i) + u + v.slice(i);
        break;
      }
      case 'replace': {
        const [at, u] = arg as [number, string];
        const i = v.length ? at % v.length : 0;
        s = v.slice(0, i) + u + v.slice(i + 1);
        break;
      }
      case 'cut':
        s = v.slice(0, v.length ? (arg as number) % v.length : 0);
        break;
      case 'repeat':
        s = v.repeat(arg as number);
        break;
      case 'case':
        s = arg ? v.toUpperCase() : v.toLowerCase();
        break;
      case 'pad':
        s = `${arg as string}${v}${arg as string}`;
        break;
    }
    return { k: 'str', s };
  });
}

/**
 * Identity tokens with bytes overwritten, cut, extended or re-encoded. The KDF cost bytes (2..4)
 * are left alone: a token with a fresh id may ask for scrypt up to N=2^20, r=32, p=16 (seconds to
 * minutes of CPU and GiBs per call), a denial-of-service problem of its own rather than junk input.
 */
function tokenMutants(valid: string): fc.Arbitrary<Junk> {
  const bytes = Buffer.from(valid, 'base64url');
  return fc
    .oneof(
      fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }).map((muts) => {
        const b = Buffer.from(bytes);
        for (const [p, v] of muts) {
          const i = p % b.length;
          if (i < 2 || i > 4) b[i] = v;
        }
        return b.toString('base64url');
      }),
      fc.nat().map((n) => valid.slice(0, n % valid.length)),
      fc.uint8Array({ minLength: 1, maxLength: 40 }).map((extra) => Buffer.concat([bytes, Buffer.from(extra)]).toString('base64url')),
      fc.constant(bytes.toString('base64')),
      fc.constant(`${valid}=`),
      fc.constant(`${valid}\u0000`),
    )
    .map((s): Junk => ({ k: 'str', s }));
}

interface ImageSet {
  /** faces: valid enrolment/probe photos */
  faces: Buffer[];
  /** decodable or nearly decodable images that are wrong in some way (size, depth, colour space, format, orientation) */
  odd: Buffer[];
}
let images: ImageSet;

const imageBytes = () =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...images.odd) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...images.faces), fc.nat()).map(([img, n]) => img.subarray(0, n % img.length)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...images.faces), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 8 }))
        .map(([img, flips]) => {
          const b = Buffer.from(img);
          for (const [p, v] of flips) b[2 + (p % (b.length - 2))] = v;
          return b;
        }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'ffd8ffe0',
            '89504e470d0a1a0a',
            '52494646',
            '474946383961',
            '49492a00',
            '4d4d002a',
            '424d',
            '3c737667',
            '25504446',
            '0000001c66747970',
          ),
          fc.uint8Array({ maxLength: 512 }),
        )
        .map(([magic, tail]) => Buffer.concat([Buffer.from(magic, 'hex'), Buffer.from(tail)])),
    },
    { weight: 1, arbitrary: fc.constantFrom(...images.faces) },
  );

const fileJunk = (): fc.Arbitrary<FileJunk> =>
  fc.record({
    content: imageBytes(),
    filename: fc.oneof(
      { weight: 3, arbitrary: fc.constant(Buffer.from('x.jpg')) },
      { weight: 1, arbitrary: junkString.map((s) => wtf8(s)) },
    ),
    contentType: fc.oneof(
      { weight: 3, arbitrary: fc.constant(Buffer.from('image/jpeg')) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('text/plain', 'application/octet-stream', 'image/svg+xml', '', 'image/jpeg; charset=\u0000')
          .map((s) => wtf8(s)),
      },
      { weight: 1, arbitrary: junkString.map((s) => wtf8(s)) },
    ),
  });

/** Junk for an image field: files in multipart (or a text field), base64-ish strings in JSON. */
function imageJunk(many: boolean, where: Where): fc.Arbitrary<Junk> {
  const maxFiles = many ? 8 : 2;
  if (where === 'multipart') {
    return fc.oneof(
      { weight: 4, arbitrary: fc.array(fileJunk(), { maxLength: maxFiles }).map((files): Junk => ({ k: 'files', files })) },
      { weight: 1, arbitrary: anyJunk },
    );
  }
  const encoded = imageBytes().chain((b) =>
    fc.constantFrom(
      b.toString('base64'),
      b.toString('base64url'),
      `data:image/jpeg;base64,${b.toString('base64')}`,
      `data:;base64,${b.toString('base64')}`,
      `data:image/png;charset=\u0000;base64,${b.toString('base64')}`,
      b.toString('base64').replace(/(.{76})/g, '$1\n'),
      `${b.toString('base64')}===`,
      ` ${b.toString('base64')}\u0000`,
    ),
  );
  const item = fc.oneof({ weight: 3, arbitrary: encoded.map((s): Junk => ({ k: 'str', s })) }, { weight: 1, arbitrary: leafJunk });
  return fc.oneof(
    { weight: 3, arbitrary: item },
    { weight: 2, arbitrary: fc.array(item, { maxLength: maxFiles }).map((items): Junk => ({ k: 'list', items })) },
    { weight: 1, arbitrary: anyJunk },
  );
}

// ---------------------------------------------------------------------------------------------
// The route table
// ---------------------------------------------------------------------------------------------

type Where = 'json' | 'multipart' | 'urlencoded' | 'query' | 'path' | 'header' | 'signed';
type Enc = 'json' | 'multipart' | 'urlencoded';
type Access = 'public' | 'client' | 'admin';

interface State {
  clientToken: string;
  accessToken: string;
  tokenClient: { id: string; secret: string };
  meToken: string;
  revokeVictim: string;
  rotateVictim: string;
  auth: { token: string; tokenId: string };
  roster: { token: string; rosterId: string };
  rot: { token: string; stale: boolean };
  revokeSeed: { token: string; tokenId: string };
  importedIssuer: string;
  peppers: PepperRing;
  deploymentId: string;
  /** Bearer token of the "Entra tenant" for the custom claims provider, and a client of a relying party's tenant. */
  entraBearer: string;
  rpClientToken: string;
  /** The suite's relying party, and one that the disable route disables (again and again). */
  rpId: string;
  rpDisabled: string;
}
let s: State;

interface Base {
  path?: Record<string, string>;
  query?: Record<string, string>;
  /** scalar body fields (strings; numbers stay numbers in JSON) */
  fields?: Record<string, string | number>;
  /** image fields: files in multipart, base64 in JSON */
  images?: Record<string, Buffer[]>;
  /** the credential in X-Auth-Token */
  cred?: string;
  headers?: Record<string, string>;
  /** a complete JSON body instead of fields (status-list import) */
  rawJson?: (junk?: { name: string; where: Where; value: Junk }) => Buffer;
}

interface Param {
  name: string;
  where: Where[];
  /** junk generator for this parameter and place (default: generic junk plus damaged valid values) */
  gen?: (where: Where) => fc.Arbitrary<Junk>;
  /** valid values, damaged by nearValid */
  valid?: () => string[];
  /** weights the junk towards dates or numbers */
  kind?: 'date' | 'number';
  /** valid values run a face analysis or a key derivation: few runs */
  costly?: boolean;
  /** runs override */
  runs?: number;
  /** a different valid base for this parameter (e.g. /token with HTTP Basic has no body credentials) */
  base?: () => Base;
}

interface Route {
  method: 'GET' | 'POST';
  path: string;
  access: Access;
  enc?: Enc[];
  /** numRuns of its parameters, when every call is slow (the status-list import verifies in a new worker thread per call) */
  runs?: number;
  /** Its 200 answer is an identity provider's own format, without `ok` (the token hooks). */
  bare?: boolean;
  params: Param[];
  base: () => Base;
}

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const face = (name: string, many = false): Param => ({
  name,
  where: ['multipart', 'json'],
  gen: (where) => imageJunk(many, where),
  runs: IMAGES,
});
const FACE_ENC: Enc[] = ['multipart', 'json'];
const FORM_ENC: Enc[] = ['json', 'urlencoded'];
/** The body credential; its damaged valid values are the route's own credential (a padded copy can be valid). */
const authToken = (where: Enc[], cred: () => string = () => s.clientToken): Param => ({
  name: 'auth_token',
  where,
  valid: () => [cred(), ADMIN, s.accessToken],
});
const accuracy: Param = { name: 'accuracy', where: FACE_ENC, kind: 'number', valid: () => ['4', '1', '8'] };
const auditFilters = (withPaging: boolean): Param[] => [
  { name: 'from', where: ['query'], kind: 'date', valid: () => ['2024-01-01T00:00:00Z'] },
  { name: 'to', where: ['query'], kind: 'date', valid: () => [future(1)] },
  { name: 'client_id', where: ['query'], valid: () => [s.tokenClient.id] },
  { name: 'endpoint', where: ['query'], valid: () => ['/authenticate', '/admin/clients/:id/revoke'] },
  { name: 'outcome', where: ['query'], valid: () => ['success', 'client_error', 'server_error', 'error'] },
  ...(withPaging
    ? [
        { name: 'request_id', where: ['query'], valid: () => ['abc-123', '0'.repeat(64)] } satisfies Param,
        { name: 'client_request_id', where: ['query'], valid: () => ['abc-123'] } satisfies Param,
        { name: 'after_seq', where: ['query'], kind: 'number', valid: () => ['0', '9223372036854775807'] } satisfies Param,
        { name: 'limit', where: ['query'], kind: 'number', valid: () => ['1', '1000'] } satisfies Param,
      ]
    : [{ name: 'format', where: ['query'], valid: () => ['jsonl', 'csv'] } satisfies Param]),
];

/** Signed status-list documents: the junk can sit in the document or inside its signed payload. */
function statusListBody(junk?: { name: string; where: Where; value: Junk }): Buffer {
  const pepper = s.peppers.current;
  const issuer = createHash('sha256').update(`junk issuer ${SEED} ${issuerCounter++}`).digest('hex').slice(0, 32);
  const now = new Date().toISOString();
  const field = (name: string, valid: string, where: Where): Buffer => {
    if (junk && junk.name === name && junk.where === where) return jsonOf(junk.value) ?? Buffer.alloc(0);
    return jsonEncode(valid);
  };
  const present = (name: string, where: Where) => !(junk && junk.name === name && junk.where === where && junk.value.k === 'absent');
  const obj = (entries: [string, Buffer, boolean][]) =>
    Buffer.concat([
      Buffer.from('{'),
      ...entries.filter(([, , keep]) => keep).flatMap(([k, v], i) => [Buffer.from(`${i ? ',' : ''}${JSON.stringify(k)}:`), v]),
      Buffer.from('}'),
    ]);
  const entry = obj([
    ['token_id', field('revoked[].token_id', 'ab'.repeat(16), 'signed'), present('revoked[].token_id', 'signed')],
    ['revoked_at', field('revoked[].revoked_at', now, 'signed'), present('revoked[].revoked_at', 'signed')],
  ]);
  const revoked =
    junk && junk.name === 'revoked' ? (jsonOf(junk.value) ?? Buffer.alloc(0)) : Buffer.concat([Buffer.from('['), entry, Buffer.from(']')]);
  const payload = obj([
    ['issuer', field('issuer', issuer, 'signed'), present('issuer', 'signed')],
    ['issued_at', field('issued_at', now, 'signed'), present('issued_at', 'signed')],
    ['revoked', revoked, present('revoked', 'signed')],
  ]);
  const seed = pepper.derive('facenition status list signing key');
  const key = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const signature = sign(null, Buffer.concat([Buffer.from('facenition-status-list/1\n'), payload]), key).toString('base64url');
  const doc = obj([
    ['format', field('format', 'facenition-status-list/1', 'json'), present('format', 'json')],
    ['alg', field('alg', 'Ed25519', 'json'), present('alg', 'json')],
    ['key_id', field('key_id', Buffer.from(pepper.keyId).toString('hex'), 'json'), present('key_id', 'json')],
    ['payload', field('payload', payload.toString('base64url'), 'json'), present('payload', 'json')],
    ['signature', field('signature', signature, 'json'), present('signature', 'json')],
  ]);
  if (junk && junk.name === 'status_list')
    return obj([['status_list', jsonOf(junk.value) ?? Buffer.from('null'), junk.value.k !== 'absent']]);
  return doc;
}
let issuerCounter = 0;

/** The suite's "Entra tenant" and Okta hook secret (the hooks are configured with them). */
const ENTRA_TENANT = 'aaaabbbb-0000-cccc-1111-dddd2222eeee';
const ENTRA_APP = '00001111-aaaa-2222-bbbb-3333cccc4444';
const OKTA_SECRET = 'junk-suite-okta-hook-secret-0123456789';
let entraKey: KeyObject;

/**
 * A JSON document (an identity provider's event) with the junk at a dotted path of it (its 'json'
 * parameters), or a junk member name at the top level (the field-name property).
 */
function documentBody(doc: Record<string, unknown>, junk?: { name: string; where: Where; value: Junk; key?: Junk }): Buffer {
  const render = (value: unknown, path: string): Buffer | undefined => {
    if (junk && junk.where === 'json' && junk.name === path) return jsonOf(junk.value);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return Buffer.from(JSON.stringify(value));
    const members: Buffer[] = [];
    for (const [k, v] of Object.entries(value)) {
      const rendered = render(v, path ? `${path}.${k}` : k);
      if (rendered)
        members.push(Buffer.concat([members.length ? Buffer.from(',') : Buffer.alloc(0), Buffer.from(`${JSON.stringify(k)}:`), rendered]));
    }
    if (!path && junk?.key) {
      const k = jsonOf(junk.key);
      const v = jsonOf(junk.value) ?? Buffer.from('null');
      if (k) members.push(Buffer.concat([members.length ? Buffer.from(',') : Buffer.alloc(0), k, Buffer.from(':'), v]));
    }
    return Buffer.concat([Buffer.from('{'), ...members, Buffer.from('}')]);
  };
  return render(doc, '')!;
}

/** The documented callout bodies (test/support/idp-events.ts), for the suite's Entra user and Okta user. */
const entraEvent = () => entraTokenIssuanceStart('90847c2a-e29d-4d2f-9f54-c5b4d3f26471', ENTRA_TENANT);
const oktaHookEvent = () => oktaEvent('00uq8tMo3zV0OfJON0g3');

const ROUTES: Route[] = [
  { method: 'GET', path: '/health/live', access: 'public', params: [], base: () => ({}) },
  { method: 'GET', path: '/health/ready', access: 'public', params: [], base: () => ({}) },
  ...(['/detect', '/quality', '/liveness'] as const).map((path): Route => ({
    method: 'POST',
    path,
    access: 'client',
    enc: FACE_ENC,
    params: [face('image'), authToken(FACE_ENC)],
    base: () => ({ cred: s.clientToken, images: { image: [images.faces[0]] } }),
  })),
  {
    method: 'POST',
    path: '/match',
    access: 'client',
    enc: FACE_ENC,
    params: [face('image1'), face('image2'), accuracy, authToken(FACE_ENC)],
    base: () => ({ cred: s.clientToken, images: { image1: [images.faces[0]], image2: [images.faces[1]] } }),
  },
  {
    method: 'POST',
    path: '/match-bulk',
    access: 'client',
    enc: FACE_ENC,
    params: [face('probe'), face('references', true), accuracy, authToken(FACE_ENC)],
    base: () => ({ cred: s.clientToken, images: { probe: [images.faces[0]], references: [images.faces[1]] } }),
  },
  {
    method: 'POST',
    path: '/consistency-check',
    access: 'client',
    enc: FACE_ENC,
    params: [face('images', true), accuracy, authToken(FACE_ENC)],
    base: () => ({ cred: s.clientToken, images: { images: [images.faces[0], images.faces[1]] } }),
  },
  {
    method: 'POST',
    path: '/generateToken',
    access: 'admin',
    enc: FORM_ENC,
    params: [
      { name: 'name', where: ['json', 'urlencoded'], valid: () => ['junk suite client'] },
      { name: 'environment', where: ['json', 'urlencoded'], valid: () => ['sandbox', 'production'] },
      { name: 'plan', where: ['json', 'urlencoded'], valid: () => ['developer', 'enterprise'] },
      { name: 'expires_at', where: ['json', 'urlencoded'], kind: 'date', valid: () => [future(30)] },
      { name: 'tenant', where: ['json', 'urlencoded'], valid: () => ['acme:eu-1', s.tokenClient.id] },
      authToken(FORM_ENC),
    ],
    base: () => ({ cred: ADMIN, fields: { name: 'junk suite client' } }),
  },
  {
    method: 'POST',
    path: '/token',
    access: 'public',
    enc: FORM_ENC,
    params: [
      { name: 'grant_type', where: ['json', 'urlencoded'], valid: () => ['client_credentials'] },
      { name: 'client_id', where: ['json', 'urlencoded'], valid: () => [s.tokenClient.id] },
      { name: 'client_secret', where: ['json', 'urlencoded'], valid: () => [s.tokenClient.secret] },
      {
        name: 'Authorization',
        where: ['header'],
        base: () => ({ fields: { grant_type: 'client_credentials' } }),
        gen: () => {
          const basic = (b: Buffer): Junk => ({ k: 'bytes', b: Buffer.concat([Buffer.from('Basic '), Buffer.from(b.toString('base64'))]) });
          return fc.oneof(
            anyJunk.map((j) => basic(Buffer.concat([bytesOf(j), Buffer.from(`:${s.tokenClient.secret}`)]))),
            anyJunk.map((j) => basic(Buffer.concat([Buffer.from(`${s.tokenClient.id}:`), bytesOf(j)]))),
            anyJunk.map((j): Junk => ({ k: 'bytes', b: Buffer.concat([Buffer.from('Basic '), bytesOf(j)]) })),
            anyJunk,
          );
        },
      },
    ],
    base: () => ({ fields: { grant_type: 'client_credentials', client_id: s.tokenClient.id, client_secret: s.tokenClient.secret } }),
  },
  { method: 'GET', path: '/admin/clients', access: 'admin', params: [], base: () => ({ cred: ADMIN }) },
  {
    method: 'POST',
    path: '/admin/clients/:id/revoke',
    access: 'admin',
    enc: FORM_ENC,
    params: [{ name: 'id', where: ['path'], valid: () => [s.revokeVictim] }, authToken(FORM_ENC)],
    base: () => ({ cred: ADMIN, path: { id: s.revokeVictim } }),
  },
  {
    method: 'POST',
    path: '/admin/clients/:id/rotate',
    access: 'admin',
    enc: FORM_ENC,
    params: [
      { name: 'id', where: ['path'], valid: () => [s.rotateVictim] },
      { name: 'grace_seconds', where: ['json', 'urlencoded'], kind: 'number', valid: () => ['0', '60', '2592000'] },
      authToken(FORM_ENC),
    ],
    base: () => ({ cred: ADMIN, path: { id: s.rotateVictim } }),
  },
  { method: 'GET', path: '/me', access: 'client', params: [], base: () => ({ cred: s.clientToken }) },
  {
    method: 'POST',
    path: '/me/rotate',
    access: 'client',
    enc: FORM_ENC,
    params: [
      { name: 'grace_seconds', where: ['json', 'urlencoded'], kind: 'number', valid: () => ['0', '60', '86400'] },
      authToken(FORM_ENC, () => s.meToken),
    ],
    base: () => ({ cred: s.meToken, fields: { grace_seconds: 60 } }),
  },
  { method: 'GET', path: '/admin/audit', access: 'admin', params: auditFilters(true), base: () => ({ cred: ADMIN }) },
  { method: 'GET', path: '/audit', access: 'client', params: auditFilters(true), base: () => ({ cred: s.clientToken }) },
  { method: 'GET', path: '/admin/audit/export', access: 'admin', params: auditFilters(false), base: () => ({ cred: ADMIN }) },
  { method: 'GET', path: '/admin/audit/verify', access: 'admin', params: [], base: () => ({ cred: ADMIN }) },
  {
    method: 'POST',
    path: '/admin/audit/purge',
    access: 'admin',
    enc: FORM_ENC,
    params: [{ name: 'before', where: ['json', 'urlencoded'], kind: 'date', valid: () => ['2000-01-01T00:00:00Z'] }, authToken(FORM_ENC)],
    base: () => ({ cred: ADMIN, fields: { before: '2000-01-01T00:00:00Z' } }),
  },
  {
    method: 'POST',
    path: '/generate',
    access: 'client',
    enc: FACE_ENC,
    params: [
      face('image', true),
      { name: 'password', where: ['json', 'multipart'], valid: () => ['correct horse battery'], costly: true },
      { name: 'scope', where: ['json', 'multipart'], valid: () => ['junk/suite'], costly: true },
      accuracy,
      { name: 'expires_at', where: ['json', 'multipart'], kind: 'date', valid: () => [future(30)] },
      { name: 'ttl', where: ['json', 'multipart'], kind: 'number', valid: () => ['60', '315360000'] },
      { name: 'roster', where: ['json', 'multipart'], valid: () => ['new', s.roster.rosterId] },
      authToken(FACE_ENC),
    ],
    base: () => ({
      cred: s.clientToken,
      images: { image: [images.faces[0]] },
      fields: { password: 'correct horse battery', scope: 'junk/suite' },
    }),
  },
  {
    method: 'POST',
    path: '/identify',
    access: 'client',
    enc: FACE_ENC,
    params: [
      { name: 'tokens', where: ['json', 'multipart'], gen: () => fc.oneof(tokenMutants(s.roster.token), anyJunk) },
      face('image'),
      { name: 'password', where: ['json', 'multipart'], valid: () => ['correct horse battery'], costly: true },
      { name: 'scope', where: ['json', 'multipart'], valid: () => ['junk/suite'], costly: true },
      accuracy,
      authToken(FACE_ENC),
    ],
    base: () => ({
      cred: s.clientToken,
      images: { image: [images.faces[1]] },
      fields: { tokens: s.roster.token, password: 'correct horse battery', scope: 'junk/suite' },
    }),
  },
  ...(['/authenticate', '/authenticate-score'] as const).map((path): Route => ({
    method: 'POST',
    path,
    access: 'client',
    enc: FACE_ENC,
    params: [
      { name: 'token', where: ['json', 'multipart'], gen: () => fc.oneof(tokenMutants(s.auth.token), anyJunk) },
      face('image'),
      { name: 'password', where: ['json', 'multipart'], valid: () => ['correct horse battery'], costly: true },
      { name: 'scope', where: ['json', 'multipart'], valid: () => ['junk/suite'], costly: true },
      accuracy,
      ...(path === '/authenticate'
        ? [
            { name: 'release_key', where: ['json', 'multipart'], valid: () => ['vault', 'a.b:c-d_e'] } satisfies Param,
            // the signed-result fields, each junked in an otherwise valid signed request
            ...(['signed_result', 'nonce', 'subject'] as const).map((name): Param => ({
              name,
              where: ['json', 'multipart'],
              costly: true,
              valid: () =>
                name === 'signed_result'
                  ? ['true', 'false']
                  : name === 'nonce'
                    ? ['challenge-1', ' ~']
                    : ['90847c2a-e29d-4d2f-9f54-c5b4d3f26471'],
              base: () => ({
                cred: s.clientToken,
                images: { image: [images.faces[1]] },
                fields: {
                  token: s.auth.token,
                  password: 'correct horse battery',
                  scope: 'junk/suite',
                  signed_result: 'true',
                  nonce: 'n',
                  subject: 'u-1',
                },
              }),
            })),
          ]
        : []),
      authToken(FACE_ENC),
    ],
    base: () => ({
      cred: s.clientToken,
      images: { image: [images.faces[1]] },
      fields: { token: s.auth.token, password: 'correct horse battery', scope: 'junk/suite' },
    }),
  })),
  {
    method: 'POST',
    path: '/revoke',
    access: 'client',
    enc: FORM_ENC,
    params: [
      {
        name: 'token',
        where: ['json', 'urlencoded'],
        gen: () => fc.oneof(tokenMutants(s.revokeSeed.token), anyJunk),
        base: () => ({ cred: s.clientToken }),
      },
      { name: 'token_id', where: ['json', 'urlencoded'], valid: () => [s.revokeSeed.tokenId], base: () => ({ cred: s.clientToken }) },
      authToken(FORM_ENC),
    ],
    base: () => ({ cred: s.clientToken, fields: { token_id: s.revokeSeed.tokenId } }),
  },
  {
    method: 'POST',
    path: '/rotate',
    access: 'client',
    enc: FACE_ENC,
    params: [
      { name: 'token', where: ['json', 'multipart'], gen: () => fc.oneof(tokenMutants(s.rot.token), anyJunk) },
      face('image', true),
      { name: 'password', where: ['json', 'multipart'], valid: () => ['correct horse battery'], costly: true },
      { name: 'scope', where: ['json', 'multipart'], valid: () => ['junk/suite'], costly: true },
      { name: 'new_password', where: ['json', 'multipart'], valid: () => ['a brand new secret'], costly: true },
      accuracy,
      { name: 'expires_at', where: ['json', 'multipart'], kind: 'date', valid: () => [future(30)] },
      { name: 'ttl', where: ['json', 'multipart'], kind: 'number', valid: () => ['60', '315360000'] },
      authToken(FACE_ENC),
    ],
    base: () => ({
      cred: s.clientToken,
      images: { image: [images.faces[1]] },
      fields: { token: s.rot.token, password: 'correct horse battery', scope: 'junk/suite' },
    }),
  },
  { method: 'GET', path: '/admin/status-list', access: 'admin', params: [], base: () => ({ cred: ADMIN }) },
  {
    method: 'POST',
    path: '/admin/status-list/import',
    access: 'admin',
    enc: ['json'],
    runs: 4,
    params: [
      { name: 'status_list', where: ['json'] },
      { name: 'format', where: ['json'], valid: () => ['facenition-status-list/1'] },
      { name: 'alg', where: ['json'], valid: () => ['Ed25519'] },
      { name: 'key_id', where: ['json'], valid: () => [Buffer.from(s.peppers.current.keyId).toString('hex')] },
      {
        name: 'payload',
        where: ['json'],
        gen: () =>
          fc.oneof(
            anyJunk,
            fc.uint8Array({ maxLength: 200 }).map((b): Junk => ({ k: 'str', s: Buffer.from(b).toString('base64url') })),
          ),
      },
      {
        name: 'signature',
        where: ['json'],
        gen: () =>
          fc.oneof(
            anyJunk,
            fc.uint8Array({ minLength: 60, maxLength: 68 }).map((b): Junk => ({ k: 'str', s: Buffer.from(b).toString('base64url') })),
          ),
      },
      { name: 'issuer', where: ['signed'], valid: () => [s.deploymentId, 'ab'.repeat(16)] },
      { name: 'issued_at', where: ['signed'], kind: 'date', valid: () => [new Date().toISOString()] },
      { name: 'revoked', where: ['signed'] },
      { name: 'revoked[].token_id', where: ['signed'], valid: () => ['ab'.repeat(16)] },
      { name: 'revoked[].revoked_at', where: ['signed'], kind: 'date', valid: () => [new Date().toISOString()] },
      authToken(['json']),
    ],
    base: () => ({ cred: ADMIN, rawJson: statusListBody }),
  },
  { method: 'GET', path: '/admin/status-list/sources', access: 'admin', params: [], base: () => ({ cred: ADMIN }) },
  {
    method: 'POST',
    path: '/admin/status-list/sources/:issuer/reset',
    access: 'admin',
    enc: FORM_ENC,
    params: [{ name: 'issuer', where: ['path'], valid: () => [s.importedIssuer] }, authToken(FORM_ENC)],
    base: () => ({ cred: ADMIN, path: { issuer: s.importedIssuer } }),
  },
  { method: 'GET', path: '/license', access: 'admin', params: [], base: () => ({ cred: ADMIN }) },
  {
    method: 'POST',
    path: '/integrations/entra/token-issuance-start',
    access: 'public',
    enc: ['json'],
    bare: true,
    params: [
      ...[
        'type',
        'source',
        'data',
        'data.@odata.type',
        'data.tenantId',
        'data.authenticationContext',
        'data.authenticationContext.correlationId',
        'data.authenticationContext.user',
        'data.authenticationContext.user.id',
      ].map((name): Param => ({ name, where: ['json'], valid: () => (name.endsWith('Id') || name.endsWith('.id') ? [ENTRA_TENANT] : []) })),
    ],
    base: () => ({ headers: { Authorization: `Bearer ${s.entraBearer}` }, rawJson: (junk) => documentBody(entraEvent(), junk) }),
  },
  {
    method: 'POST',
    path: '/integrations/okta/token-hook',
    access: 'public',
    enc: ['json'],
    bare: true,
    params: ['eventType', 'data', 'data.context', 'data.context.user', 'data.context.user.id', 'data.identity', 'data.access'].map(
      (name): Param => ({ name, where: ['json'], valid: () => (name.endsWith('.id') ? ['00uq8tMo3zV0OfJON0g3'] : []) }),
    ),
    base: () => ({ headers: { Authorization: OKTA_SECRET }, rawJson: (junk) => documentBody(oktaHookEvent(), junk) }),
  },
  {
    method: 'POST',
    path: '/admin/oidc/clients',
    access: 'admin',
    enc: ['json'],
    params: [
      ...['name', 'profile', 'redirect_uris', 'token_endpoint_auth_method', 'pin', 'subject_source'].map((name): Param => ({
        name,
        where: ['json'],
        valid: () => (name === 'name' ? ['junk relying party 2'] : []),
      })),
      { name: 'accuracy', where: ['json'], kind: 'number', valid: () => ['1', '8'] },
      { name: 'hint_max_age_seconds', where: ['json'], kind: 'number', valid: () => ['30', '3600'] },
      { name: 'allow_upload', where: ['json'] },
      { name: 'require_pkce', where: ['json'] },
    ],
    base: () => ({
      cred: ADMIN,
      rawJson: (junk) =>
        documentBody(
          {
            name: 'junk relying party 2',
            profile: 'standard',
            redirect_uris: ['https://rp.example/cb2'],
            token_endpoint_auth_method: 'client_secret_basic',
            accuracy: 4,
            pin: 'required',
            allow_upload: false,
            require_pkce: true,
            hint_max_age_seconds: 600,
            subject_source: 'login_hint_jwt',
          },
          junk,
        ),
    }),
  },
  { method: 'GET', path: '/admin/oidc/clients', access: 'admin', params: [], base: () => ({ cred: ADMIN }) },
  {
    method: 'POST',
    path: '/admin/oidc/clients/:client_id/disable',
    access: 'admin',
    enc: FORM_ENC,
    params: [{ name: 'client_id', where: ['path'], valid: () => [s.rpDisabled] }, authToken(FORM_ENC)],
    base: () => ({ cred: ADMIN, path: { client_id: s.rpDisabled } }),
  },
  {
    method: 'POST',
    path: '/admin/oidc/clients/:client_id/enrolments/remove',
    access: 'admin',
    enc: ['json'],
    params: [
      { name: 'client_id', where: ['path'], valid: () => [s.rpId] },
      { name: 'subject', where: ['json'], valid: () => ['nobody', 'user@example.com'] },
      { name: 'entra_tenant_id', where: ['json'] },
      { name: 'entra_object_id', where: ['json'] },
    ],
    base: () => ({ cred: ADMIN, path: { client_id: s.rpId }, fields: { subject: 'nobody' } }),
  },
  {
    method: 'POST',
    path: '/admin/oidc/clients/:client_id/enrolments/invite',
    access: 'admin',
    enc: ['json'],
    params: [
      { name: 'client_id', where: ['path'], valid: () => [s.rpId] },
      { name: 'subject', where: ['json'], valid: () => ['junk-user', 'user@example.com'] },
      { name: 'ttl_seconds', where: ['json'], kind: 'number', valid: () => ['300', '604800'] },
    ],
    base: () => ({ cred: ADMIN, path: { client_id: s.rpId }, fields: { subject: 'junk-user' } }),
  },
  {
    method: 'GET',
    path: '/integrations/enrolment-status',
    access: 'client',
    params: [{ name: 'subject', where: ['query'], valid: () => ['36216766', 'user@example.com'] }],
    base: () => ({ cred: s.rpClientToken, query: { subject: '36216766' } }),
  },
];

/** Headers every route reads (X-Auth-Token, X-Request-Id, Content-Type; Authorization on /token) are fuzzed on every route. */
const HEADERS = ['X-Auth-Token', 'X-Request-Id', 'Content-Type', 'Authorization'] as const;

// ---------------------------------------------------------------------------------------------
// Building, sending and judging one request
// ---------------------------------------------------------------------------------------------

interface Target {
  /** parameter name (or header name), or undefined for whole-body / key junk */
  name: string;
  where: Where;
  value: Junk;
  /** junk used as a field name / query key instead of a value */
  key?: Junk;
}

interface Built {
  method: 'GET' | 'POST';
  path: string;
  headers: [string, Buffer][];
  body?: Buffer;
}

function encodeBody(route: Route, base: Base, target: Target | undefined, enc: Enc): { body: Buffer; contentType: string } {
  if (base.rawJson) return { body: base.rawJson(target), contentType: 'application/json' };
  const fields: [name: Junk, value: Junk][] = [];
  const images = Object.entries(base.images ?? {});
  const junkHere = target !== undefined && ['json', 'multipart', 'urlencoded'].includes(target.where);
  for (const [name, v] of Object.entries(base.fields ?? {})) {
    if (junkHere && target.name === name) continue;
    fields.push([{ k: 'str', s: name }, typeof v === 'number' ? { k: 'lit', text: String(v) } : { k: 'str', s: v }]);
  }
  for (const [name, bufs] of images) {
    if (junkHere && target.name === name) continue;
    const files = bufs.map((content) => ({ content, filename: Buffer.from('x.jpg'), contentType: Buffer.from('image/jpeg') }));
    fields.push([
      { k: 'str', s: name },
      { k: 'files', files },
    ]);
  }
  if (junkHere) fields.push([target.key ?? { k: 'str', s: target.name }, target.value]);
  if (enc === 'json') {
    const parts: Buffer[] = [];
    for (const [name, value] of fields) {
      const v = jsonOf(value);
      const k = jsonOf(name);
      if (v === undefined || k === undefined) continue;
      parts.push(Buffer.concat([parts.length ? Buffer.from(',') : Buffer.alloc(0), k, Buffer.from(':'), v]));
    }
    return { body: Buffer.concat([Buffer.from('{'), ...parts, Buffer.from('}')]), contentType: 'application/json' };
  }
  if (enc === 'urlencoded') {
    const pairs: string[] = [];
    for (const [name, value] of fields) for (const v of occurrences(value)) pairs.push(`${urlOf(name)}=${urlOf(v)}`);
    return { body: Buffer.from(pairs.join('&'), 'latin1'), contentType: 'application/x-www-form-urlencoded' };
  }
  const parts: MultipartPart[] = [];
  for (const [name, value] of fields) {
    const n = bytesOf(name);
    if (value.k === 'files')
      for (const f of value.files) parts.push({ name: n, value: f.content, filename: f.filename, contentType: f.contentType });
    else for (const v of occurrences(value)) parts.push({ name: n, value: bytesOf(v) });
  }
  return multipartBody(parts);
}

function build(route: Route, target?: Target, baseOverride?: Base): Built {
  const base = baseOverride ?? route.base();
  let path = route.path.replace(/:([a-z_]+)/g, (_m, name: string) =>
    target && target.where === 'path' && target.name === name ? urlOf(target.value) : encodeURIComponent(base.path?.[name] ?? ''),
  );
  const query: string[] = Object.entries(base.query ?? {}).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  if (target?.where === 'query')
    for (const v of occurrences(target.value)) query.push(`${urlOf(target.key ?? { k: 'str', s: target.name })}=${urlOf(v)}`);
  if (query.length) path += `?${query.join('&')}`;
  const headers: [string, Buffer][] = [];
  const junkHeader = target?.where === 'header' ? target.name.toLowerCase() : undefined;
  const junkAuthField = target?.name === 'auth_token' && target.where !== 'header';
  if (base.cred && junkHeader !== 'x-auth-token' && !junkAuthField) headers.push(['X-Auth-Token', Buffer.from(base.cred)]);
  for (const [k, v] of Object.entries(base.headers ?? {})) if (k.toLowerCase() !== junkHeader) headers.push([k, Buffer.from(v, 'latin1')]);
  let body: Buffer | undefined;
  if (route.method === 'POST') {
    const enc: Enc = target && (route.enc ?? []).includes(target.where as Enc) ? (target.where as Enc) : (route.enc ?? ['json'])[0];
    const encoded = encodeBody(route, base, target, enc);
    body = encoded.body;
    if (junkHeader !== 'content-type') headers.push(['Content-Type', Buffer.from(encoded.contentType)]);
  }
  if (target?.where === 'header') {
    // CR and LF frame the message; they cannot be part of any header value, so they are not sent
    for (const v of occurrences(target.value)) headers.push([target.name, Buffer.from(bytesOf(v).filter((b) => b !== 0x0d && b !== 0x0a))]);
  }
  return { method: route.method, path, headers, body };
}

let server: Server;
let port: number;

async function send(b: Built): Promise<RawResponse & { raw: boolean }> {
  const names = b.headers.map(([n]) => n.toLowerCase());
  // Node's client refuses control characters in headers, and superagent keeps one value per header name
  if (
    !b.headers.every(([, v]) => clientSendable(v)) ||
    new Set(names).size !== names.length ||
    (b.body && !names.includes('content-type'))
  ) {
    return { ...(await rawRequest(port, b)), raw: true };
  }
  let r = request(server)[b.method === 'GET' ? 'get' : 'post'](b.path);
  for (const [n, v] of b.headers) r = r.set(n, v.toString('latin1'));
  if (b.body) r = r.serialize((x: unknown) => x as string).send(b.body as unknown as string);
  let res;
  try {
    res = await r.buffer(true).parse((stream, cb) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  } catch (err) {
    // Node's parser answers an over-long head with a bare 431 and closes the socket at once: a client still
    // writing a request body may see the reset before the answer (the server keeps serving: checked after)
    const code = (err as { code?: string }).code;
    if (headTooLarge(b) && b.body && (code === 'ECONNRESET' || code === 'EPIPE'))
      return { status: 431, headers: {}, body: Buffer.alloc(0), raw: false };
    throw err;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers as Record<string, string | string[]>)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { status: res.status, headers, body: res.body as Buffer, raw: false };
}

const hasControl = (text: string) => [...text].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f');
/** Bytes no header value may carry (RFC 9110): Node's HTTP parser refuses them with its own bare 400. */
const headerCtl = (b: Built) => b.headers.some(([, v]) => v.some((x) => (x < 0x20 && x !== 0x09) || x === 0x7f));
/** Node refuses a request line plus headers over 16 KiB (--max-http-header-size) with its own bare 431. */
const headTooLarge = (b: Built) =>
  b.method.length + b.path.length + b.headers.reduce((n, [k, v]) => n + k.length + v.length + 4, 0) > 15 * 1024;

/** What the suite observed, for the database checks at the end. */
const tally = { generateToken: 0, enrolments: 0, rotations: 0, issuers: new Set<string>(), requests: 0, transportRejections: 0 };

function describeRequest(b: Built): string {
  const h = b.headers.map(([n, v]) => `${n}: ${esc(v.toString('latin1'))}`).join(' | ');
  const body = b.body ? esc(b.body.subarray(0, 400).toString('latin1')) : '';
  return `${b.method} ${short(b.path, 300)}\n  headers: ${h}\n  body (${b.body?.length ?? 0} bytes): ${body}`;
}

/** Keeps the suite's own credentials and identity tokens usable after a junk call that (validly) changed them. */
async function afterCall(route: Route, target: Target | undefined, res: RawResponse): Promise<void> {
  if (res.status !== 200) return;
  const json = parseJson(res.body) as Record<string, unknown> | undefined;
  // every relying party has its own API client
  if (route.path === '/generateToken' || (route.path === '/admin/oidc/clients' && route.method === 'POST')) tally.generateToken++;
  if (route.path === '/generate') tally.enrolments++;
  if (route.path === '/admin/status-list/import' && typeof json?.issuer === 'string') tally.issuers.add(json.issuer);
  if (route.path === '/me/rotate' && typeof json?.client_token === 'string') {
    // only the /me/rotate client's own token is ever presented there; the suite's main token must never rotate
    if ((json.client as { client_id?: string } | undefined)?.client_id === t.clientId)
      throw new Error('the suite rotated its own main client token');
    s.meToken = json.client_token;
  }
  if (route.path === '/rotate' && json?.rotated === true) {
    tally.rotations++;
    s.rot.token = String(json.token);
    // a rotation that took a junk new password, level or expiry leaves a token the base request cannot open reliably
    if (target && ['new_password', 'accuracy', 'expires_at', 'ttl', 'password'].includes(target.name)) s.rot.stale = true;
  }
  if (s.rot.stale) {
    s.rot = { token: (await enrol()).token, stale: false };
  }
}

const parseJson = (b: Buffer): unknown => {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    return undefined;
  }
};

/** One junk request: no 5xx, the public error shape, no echoed control characters, and the server still serves. */
async function exercise(route: Route, target: Target | undefined, baseOverride?: Base, label?: string): Promise<RawResponse> {
  const b = build(route, target, baseOverride);
  const from = t.logger.lines.length;
  const res = await send(b);
  tally.requests++;
  const logs = t.logger.lines.slice(from);
  const problems: string[] = [];
  const json = parseJson(res.body) as Record<string, unknown> | undefined;
  // refusals by Node's HTTP parser, before the application sees the request: no JSON body by design
  const transport = res.body.length === 0 && ((res.raw && headerCtl(b) && res.status === 400) || (headTooLarge(b) && res.status === 431));
  if (transport) tally.transportRejections++;
  if (res.status >= 500) problems.push(`status ${res.status}`);
  if (res.status >= 400 && !transport) {
    const shapeOk =
      json !== undefined &&
      json !== null &&
      Object.keys(json).sort().join(',') === 'code,error,ok' &&
      json.ok === false &&
      typeof json.error === 'string' &&
      typeof json.code === 'string' &&
      json.code.length > 0;
    if (!shapeOk) problems.push(`not the public error shape: ${short(res.body.toString('latin1'), 300)}`);
    if (typeof json?.error === 'string') {
      if (hasControl(json.error)) problems.push(`error message carries a control character: ${esc(json.error)}`);
      for (const j of [target?.value, target?.key]) {
        if (j?.k === 'str' && hasNul(j) && j.s.length > 1 && json.error.includes(j.s))
          problems.push(`error message echoes the junk: ${esc(json.error)}`);
      }
    }
  }
  if (res.status < 300 && /^application\/json/.test(res.headers['content-type'] ?? '') && json?.ok !== true && !route.bare)
    problems.push(`2xx without ok: true`);
  if (problems.length) {
    const interesting = logs.filter((l) => /^(error|warn)|unhandled|Error/.test(l));
    throw new Error(
      [
        `${route.method} ${route.path} · ${target ? `${target.where} ${target.key ? `key ${show(target.key)}` : target.name} = ${show(target.value)}` : (label ?? 'valid request')}`,
        ...problems.map((p) => `  ✗ ${p}`),
        `  answer: ${res.status} ${short(res.body.toString('utf8'), 300)}`,
        `  request: ${describeRequest(b)}`,
        `  server log: ${interesting.length ? interesting.join('\n    ') : logs.map((l) => short(l, 200)).join('\n    ')}`,
      ].join('\n'),
    );
  }
  await afterCall(route, target, res);
  await alive();
  return res;
}

/** exercise() as a fast-check predicate (no return value). */
const check = async (...args: Parameters<typeof exercise>): Promise<void> => {
  await exercise(...args);
};

async function alive(): Promise<void> {
  const r = await request(server).get('/me').set('X-Auth-Token', s.clientToken);
  if (r.status !== 200) throw new Error(`server no longer serves: GET /me answered ${r.status} ${JSON.stringify(r.body)}`);
}

async function enrol(photo = images.faces[0], extra: Record<string, string> = {}): Promise<{ token: string; token_id: string }> {
  let r = request(server)
    .post('/generate')
    .set('X-Auth-Token', s.clientToken)
    .field('password', 'correct horse battery')
    .field('scope', 'junk/suite');
  for (const [k, v] of Object.entries(extra)) r = r.field(k, v);
  r = r.attach('image', photo, 'enrol.jpg');
  const res = await r;
  if (res.status !== 200) throw new Error(`enrolment failed: ${res.status} ${JSON.stringify(res.body)}`);
  tally.enrolments++;
  return res.body as { token: string; token_id: string };
}

const strJunk = (a: fc.Arbitrary<string>) => a.map((x): Junk => ({ k: 'str', s: x }));
const numberJunk = fc.oneof(
  strJunk(numericString),
  fc.constantFrom(...NUM_LITS).map((text): Junk => ({ k: 'lit', text })),
);

function junkFor(p: Param, where: Where): fc.Arbitrary<Junk> {
  if (p.gen) return p.gen(where);
  const valid = p.valid?.().filter((v) => v.length > 0);
  const arbs: fc.WeightedArbitrary<Junk>[] = [{ weight: 3, arbitrary: anyJunk }];
  if (valid?.length) arbs.push({ weight: 2, arbitrary: nearValid(valid) });
  if (p.kind === 'date') arbs.push({ weight: 3, arbitrary: strJunk(dateString) });
  if (p.kind === 'number') arbs.push({ weight: 3, arbitrary: numberJunk });
  return fc.oneof(...arbs);
}

const routeKey = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

/** Shapes every run tries first, whatever the seed: the edges that broke something once. */
const str = (text: string): Junk => ({ k: 'str', s: text });
const lit = (text: string): Junk => ({ k: 'lit', text });
const url = (text: string): Junk => ({ k: 'url', text });
const EXAMPLES = {
  any: [str('\u0000'), str('a\u0000b'), str('\ud800x'), str('-'.repeat(36)), lit('null')],
  date: ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00+14:00', '9999-12-31T23:59:59.999-23:59', '9999-12-31T00:00:00Z', '0000-00-00'].map(
    str,
  ),
  number: [str('9223372036854775808'), str('9999999999999999999'), str('x'), url('%'), lit('1e309'), lit('-0')],
  path: [url('%00'), url('%'), url('%E0%A4%A')],
};
const examplesFor = (p: Param, where: Where): Junk[] => [
  ...(p.kind === 'date' ? EXAMPLES.date : []),
  ...(p.kind === 'number' ? EXAMPLES.number : []),
  ...(where === 'path' ? EXAMPLES.path : []),
  ...EXAMPLES.any,
];

// ---------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------

let t: TestApp;
let licenseFile: string;
let entraJwksFile: string;
let oktaSecretFile: string;
let baseline: { clients: number; digests: number; sources: number; prototype: string[] };
const ds = () => t.app.get<DataSource>(DATA_SOURCE);
const count = async (sql: string) => Number(((await ds().query(sql)) as { n: string }[])[0].n);

describe('junk in every parameter of every endpoint never yields a 5xx (property-based, real app, real Postgres)', () => {
  beforeAll(async () => {
    const vendor = generateVendorKeyPair();
    const now = Date.now();
    licenseFile = join(tmpdir(), `facenition-junk-license-${process.pid}.json`);
    // an enterprise licence without a monthly call limit: the developer edition's 1,000 calls would end the run in 429s
    writeFileSync(
      licenseFile,
      issueLicense(
        {
          license_id: `lic-junk-${process.pid}`,
          customer: 'junk suite',
          edition: 'enterprise',
          limits: {},
          features: [],
          not_before: new Date(now - 86_400_000).toISOString(),
          not_after: new Date(now + 365 * 86_400_000).toISOString(),
          issued_at: new Date(now - 86_400_000).toISOString(),
        },
        vendor.privateKey,
      ),
    );
    // the identity-provider integrations: signed results need the OpenID Connect provider; the hooks their callers' keys
    entraKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const entraJwk = { ...entraKey.export({ format: 'jwk' }), kid: 'junk-tenant', alg: 'RS256', use: 'sig' } as Record<string, unknown>;
    for (const k of ['d', 'p', 'q', 'dp', 'dq', 'qi']) delete entraJwk[k];
    entraJwksFile = join(tmpdir(), `facenition-junk-entra-${process.pid}.json`);
    writeFileSync(entraJwksFile, JSON.stringify({ keys: [entraJwk] }));
    oktaSecretFile = join(tmpdir(), `facenition-junk-okta-${process.pid}`);
    writeFileSync(oktaSecretFile, OKTA_SECRET, { mode: 0o600 });
    t = await startTestApp(
      {
        // the configured maximum: the per-address limiter must not turn junk into 429s
        FACENITION_AUTH_MAX_FAILURES: '100000',
        FACENITION_LOCKOUT_THRESHOLD: '1000',
        FACENITION_LIVENESS_GATE: 'off',
        FACENITION_LICENSE_FILE: licenseFile,
        FACENITION_OIDC_ISSUER: 'http://127.0.0.1:8080/oidc',
        FACENITION_ENTRA_EXTENSION_TENANT_ID: ENTRA_TENANT,
        FACENITION_ENTRA_EXTENSION_APP_ID: ENTRA_APP,
        FACENITION_ENTRA_EXTENSION_JWKS_FILE: entraJwksFile,
        // the suite's own client (created with the app) counts the verifications: set once it exists
        FACENITION_ENTRA_EXTENSION_API_CLIENT: '00000000-0000-4000-8000-000000000000',
        FACENITION_OKTA_HOOK_SECRET_FILE: oktaSecretFile,
        FACENITION_OKTA_HOOK_API_CLIENT: '00000000-0000-4000-8000-000000000000',
      },
      { licenseKeys: [vendor.publicKey] },
    );
    t.config.entraExtension!.apiClientId = t.clientId;
    t.config.oktaHook!.apiClientId = t.clientId;
    server = t.app.getHttpServer() as Server;
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    port = (server.address() as AddressInfo).port;

    const face1 = fixture('George_W_Bush_0001');
    const face2 = fixture('George_W_Bush_0002');
    const odd = await Promise.all([
      sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
        .png()
        .toBuffer(),
      sharp({ create: { width: 32, height: 32, channels: 3, background: '#345' } })
        .jpeg()
        .toBuffer(),
      sharp({ create: { width: 31, height: 4000, channels: 3, background: '#345' } })
        .jpeg()
        .toBuffer(),
      sharp(face1).toColourspace('rgb16').png().toBuffer(),
      sharp(face1).greyscale().ensureAlpha(0.5).png().toBuffer(),
      sharp(face1).toColourspace('cmyk').jpeg().toBuffer(),
      sharp(face1).webp().toBuffer(),
      sharp(face1).jpeg({ progressive: true }).withMetadata({ orientation: 8 }).toBuffer(),
      sharp(face1).tiff().toBuffer(),
      sharp(face1).gif().toBuffer(),
    ]);
    images = {
      faces: [face1, face2],
      odd: [
        ...odd,
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1000000" height="1000000"><rect width="10" height="10"/></svg>'),
        ANIMATED_GIF,
        pngHeaderOnly(20000, 20000),
        pngHeaderOnly(0, 0),
        pngHeaderOnly(2 ** 31 - 1, 1),
        pngHeaderOnly(65535, 65535),
        pngHeaderOnly(6000, 6000),
      ],
    };

    const admin = (path: string) => request(server).post(path).set('X-Auth-Token', ADMIN);
    const client = async (name: string) => {
      const r = await admin('/generateToken').send({ name, environment: 'production', plan: 'enterprise' });
      if (r.status !== 200) throw new Error(`client creation failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as { client: { client_id: string }; client_token: string; client_secret: string };
    };
    const tokenClient = await client('junk /token client');
    const meClient = await client('junk /me/rotate client');
    const revokeVictim = await client('junk revoke victim');
    const rotateVictim = await client('junk rotate victim');
    const access = await request(server)
      .post('/token')
      .send({ client_id: tokenClient.client.client_id, client_secret: tokenClient.client_secret })
      .expect(200);
    const rp = await admin('/admin/oidc/clients').send({ name: 'junk relying party', redirect_uris: ['https://rp.example/cb'] });
    if (rp.status !== 200) throw new Error(`relying party creation failed: ${rp.status} ${JSON.stringify(rp.body)}`);
    const rpDisabled = await admin('/admin/oidc/clients').send({
      name: 'junk relying party to disable',
      redirect_uris: ['https://rp.example/cb'],
    });
    const rpClient = await admin('/generateToken').send({
      name: 'junk relying party hook',
      environment: 'production',
      plan: 'enterprise',
      tenant: `oidc:${(rp.body as { relying_party: { client_id: string } }).relying_party.client_id}`,
    });
    const nowSeconds = Math.floor(Date.now() / 1000);
    const entraBearer = await new SignJWT({
      aud: ENTRA_APP,
      iss: `https://login.microsoftonline.com/${ENTRA_TENANT}/v2.0`,
      azp: ENTRA_AUTH_EVENTS_APP_ID,
      iat: nowSeconds,
      nbf: nowSeconds,
      exp: nowSeconds + 86_400,
      tid: ENTRA_TENANT,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'junk-tenant', typ: 'JWT' })
      .sign(entraKey);
    s = {
      clientToken: t.token,
      accessToken: (access.body as { client_token: string }).client_token,
      tokenClient: { id: tokenClient.client.client_id, secret: tokenClient.client_secret },
      meToken: meClient.client_token,
      revokeVictim: revokeVictim.client.client_id,
      rotateVictim: rotateVictim.client.client_id,
      auth: { token: '', tokenId: '' },
      roster: { token: '', rosterId: '' },
      rot: { token: '', stale: false },
      revokeSeed: { token: '', tokenId: '' },
      importedIssuer: '',
      peppers: t.app.get<PepperRing>(PEPPER),
      deploymentId: '',
      entraBearer,
      rpClientToken: (rpClient.body as { client_token: string }).client_token,
      rpId: (rp.body as { relying_party: { client_id: string } }).relying_party.client_id,
      rpDisabled: (rpDisabled.body as { relying_party: { client_id: string } }).relying_party.client_id,
    };
    const a = await enrol();
    s.auth = { token: a.token, tokenId: a.token_id };
    const member = (await enrol(images.faces[0], { roster: 'new' })) as { token: string; roster_id?: string };
    s.roster = { token: member.token, rosterId: member.roster_id ?? '' };
    s.rot = { token: (await enrol()).token, stale: false };
    const seed = await enrol();
    s.revokeSeed = { token: seed.token, tokenId: seed.token_id };
    const exported = await request(server).get('/admin/status-list').set('X-Auth-Token', ADMIN).expect(200);
    s.deploymentId = JSON.parse(
      Buffer.from((exported.body as { status_list: { payload: string } }).status_list.payload, 'base64url').toString(),
    ).issuer as string;
    const imported = await admin('/admin/status-list/import').set('Content-Type', 'application/json').send(statusListBody().toString());
    if (imported.status !== 200) throw new Error(`status list import failed: ${imported.status} ${JSON.stringify(imported.body)}`);
    s.importedIssuer = (imported.body as { issuer: string }).issuer;
    baseline = {
      clients: await count('SELECT count(*) AS n FROM api_clients'),
      digests: await count('SELECT count(*) AS n FROM identity_tokens WHERE token_digest IS NOT NULL'),
      sources: await count('SELECT count(*) AS n FROM status_list_sources'),
      prototype: Object.getOwnPropertyNames(Object.prototype).sort(),
    };
    tally.enrolments = 0;
    // every route answers its valid base request before any junk is sent (the table is right, the suite can reach deep code)
    for (const route of ROUTES) {
      const res = await exercise(route, undefined);
      const body = parseJson(res.body) as Record<string, unknown> | undefined;
      if (res.status !== 200 || body?.authenticated === false || body?.rotated === false)
        throw new Error(`the valid base request of ${routeKey(route)} answered ${res.status}: ${res.body.toString()}`);
    }
  });

  afterAll(async () => {
    await t?.close();
    rmSync(licenseFile, { force: true });
    rmSync(entraJwksFile, { force: true });
    rmSync(oktaSecretFile, { force: true });
  });

  it('the table lists every route the app serves (router and OpenAPI document)', () => {
    const instance = t.app.getHttpAdapter().getInstance() as { router?: { stack: unknown[] }; _router?: { stack: unknown[] } };
    const stack = (instance.router ?? instance._router)?.stack ?? [];
    const served = new Set<string>();
    for (const layer of stack as { route?: { path: string | string[]; methods: Record<string, boolean> } }[]) {
      if (!layer.route) continue;
      for (const p of [layer.route.path].flat())
        for (const m of Object.keys(layer.route.methods)) if (m !== '_all') served.add(`${m.toUpperCase()} ${p}`);
    }
    const doc = buildOpenApiDocument();
    for (const [p, ops] of Object.entries(doc.paths ?? {}))
      for (const m of Object.keys(ops as object)) served.add(`${m.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`);
    expect(served.has('GET /health/live')).toBe(true);
    expect([...served].sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  describe.each(ROUTES.filter((r) => r.params.length).map((r) => [routeKey(r), r] as const))('%s', (_name, route) => {
    const cases = route.params.flatMap((p) => p.where.map((where) => [`${p.name} (${where})`, p, where] as const));
    it.each(cases)('%s', async (_label, p, where) => {
      const n = p.runs ?? route.runs ?? (p.costly ? COSTLY : CHEAP);
      const examples = examplesFor(p, where);
      await fc.assert(
        fc.asyncProperty(junkFor(p, where), async (value) => check(route, { name: p.name, where, value }, p.base?.())),
        { seed: SEED, numRuns: runs(n) + examples.length, examples: examples.map((e): [Junk] => [e]) },
      );
    });
  });

  it.each(HEADERS.map((h) => [h]))('header %s on every route', async (header) => {
    const valid: Record<string, (route: Route) => string[]> = {
      // the route's own credential: Node trims header whitespace, so a padded copy is valid (and /me/rotate then rotates its client)
      'X-Auth-Token': (route) => [route.base().cred ?? s.clientToken, ADMIN, s.accessToken],
      'X-Request-Id': () => ['abc-123', 'a'.repeat(64)],
      'Content-Type': () => ['application/json', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'text/plain'],
      Authorization: () => [`Basic ${Buffer.from(`${s.tokenClient.id}:${s.tokenClient.secret}`).toString('base64')}`, 'Bearer x'],
    };
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...ROUTES)
          .chain((route) =>
            fc.tuple(
              fc.constant(route),
              fc.oneof({ weight: 3, arbitrary: anyJunk }, { weight: 2, arbitrary: nearValid(valid[header](route)) }),
            ),
          ),
        async ([route, value]) => check(route, { name: header, where: 'header', value }),
      ),
      { seed: SEED, numRuns: runs(ACROSS) },
    );
  });

  it('junk field names in the body of every POST route', async () => {
    const posts = ROUTES.filter((r) => r.method === 'POST' && !r.path.includes('status-list/import'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...posts).chain((route) => fc.tuple(fc.constant(route), fc.constantFrom(...(route.enc ?? ['json'])))),
        fc.oneof(
          { weight: 3, arbitrary: junkString.map((x): Junk => ({ k: 'str', s: x })) },
          {
            weight: 1,
            arbitrary: fc
              .constantFrom(
                '__proto__',
                'constructor',
                'prototype',
                'hasOwnProperty',
                'a[b]',
                '__proto__[polluted]',
                'constructor[prototype][polluted]',
                'image[]',
                'password[0]',
                'a]]',
                '[]',
              )
              .map((x): Junk => ({ k: 'str', s: x })),
          },
          { weight: 1, arbitrary: fc.constantFrom(...BAD_UTF8).map((b): Junk => ({ k: 'bytes', b: Buffer.from(b) })) },
        ),
        leafJunk,
        async ([route, enc], key, value) => check(route, { name: '(field name)', where: enc, value, key }),
      ),
      { seed: SEED, numRuns: runs(ACROSS) },
    );
  });

  it('junk query keys and values on every route', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.oneof(
          junkString.map((x): Junk => ({ k: 'str', s: x })),
          fc.constantFrom(...URLISH).map((text): Junk => ({ k: 'url', text })),
        ),
        anyJunk,
        async (route, key, value) => check(route, { name: '(query key)', where: 'query', value, key }),
      ),
      { seed: SEED, numRuns: runs(ACROSS) },
    );
  });

  it('whole-body junk on every POST route (JSON text, not an object)', async () => {
    const posts = ROUTES.filter((r) => r.method === 'POST');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...posts),
        fc.oneof(
          literal,
          deepJson,
          junkString.map((x) => JSON.stringify(x)),
        ),
        async (route, text) => {
          await exercise(route, undefined, { ...route.base(), rawJson: () => Buffer.from(text) }, `whole JSON body ${short(text)}`);
        },
      ),
      { seed: SEED, numRuns: runs(ACROSS) },
    );
  });

  it('junk paths (unknown routes, traversal, encoded separators) get a JSON 404 or another 4xx', async () => {
    const segment = fc.oneof(
      fc.constantFrom(...URLISH),
      junkString.map((x) => pctEncode(wtf8(x))),
      fc.constantFrom('admin', 'clients', 'health', 'me', 'audit', 'status-list', 'token', 'detect', ''),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'GET' | 'POST'>('GET', 'POST'),
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        async (method, segs) => {
          const route: Route = {
            method,
            path: `/${segs.join('/')}`,
            access: 'client',
            enc: ['json'],
            params: [],
            base: () => ({ cred: s.clientToken }),
          };
          await exercise(route, undefined, undefined, 'junk path');
        },
      ),
      { seed: SEED, numRuns: runs(ACROSS) },
    );
  });

  it('nothing junk reached the database, the audit chain still verifies and no prototype was polluted', async () => {
    expect(tally.requests).toBeGreaterThan(100);
    const clients = await count('SELECT count(*) AS n FROM api_clients');
    expect(clients - baseline.clients).toBe(tally.generateToken);
    const digests = await count('SELECT count(*) AS n FROM identity_tokens WHERE token_digest IS NOT NULL');
    expect(digests - baseline.digests).toBe(tally.enrolments + tally.rotations);
    const sources = await count('SELECT count(*) AS n FROM status_list_sources');
    tally.issuers.delete(s.importedIssuer);
    expect(sources - baseline.sources).toBe(tally.issuers.size);
    const verify = await request(server).get('/admin/audit/verify').set('X-Auth-Token', ADMIN).expect(200);
    expect((verify.body as { verification: { ok: boolean } }).verification.ok).toBe(true);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(baseline.prototype);
    expect(t.logger.lines.filter((l) => /unhandled/.test(l))).toEqual([]);
  });
});
