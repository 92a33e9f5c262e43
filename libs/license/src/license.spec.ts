import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as forge from 'node-forge';
import {
  DEVELOPER_LIMITS,
  InvalidLicenseKeyError,
  InvalidLicensePayloadError,
  LicenseError,
  LicenseFileError,
  LicenseSignatureError,
  MalformedLicenseError,
  UnknownLicenseKeyError,
  UnsupportedLicenseFormatError,
  VENDOR_PUBLIC_KEYS,
  evaluateLicense,
  generateVendorKeyPair,
  issueLicense,
  keyIdOf,
  loadLicenseFile,
  verifyLicense,
  type License,
  type LicensePayload,
} from '@facenition/license';

const DAY = 86_400_000;
const vendor = generateVendorKeyPair();
const other = generateVendorKeyPair();
const keyMaterial = [vendor.publicKey, vendor.privateKey, other.publicKey, other.privateKey];

const payload = (over: Partial<LicensePayload> = {}): LicensePayload => ({
  license_id: 'LIC-2026-0001',
  customer: 'St Example Hospital',
  edition: 'enterprise',
  limits: { max_replicas: 4 },
  features: ['sso'],
  not_before: '2026-01-01T00:00:00Z',
  not_after: '2027-01-01T00:00:00Z',
  issued_at: '2025-12-20T10:00:00Z',
  ...over,
});

type Envelope = Record<string, unknown>;
const envelopeOf = (text: string): Envelope => JSON.parse(text) as Envelope;
const rewrite = (text: string, change: (e: Envelope) => void): string => {
  const e = envelopeOf(text);
  change(e);
  return JSON.stringify(e);
};

/** Sign arbitrary payload bytes exactly as the documented format says, independently of issueLicense. */
function signRaw(payloadBytes: Buffer, pair = vendor): string {
  const message = Buffer.concat([Buffer.from('facenition-license/1\n', 'utf8'), payloadBytes]);
  const signature = Buffer.from(forge.pki.ed25519.sign({ message, privateKey: Buffer.from(pair.privateKey, 'base64') }));
  return JSON.stringify({
    format: 'facenition-license/1',
    alg: 'Ed25519',
    key_id: pair.keyId,
    payload: payloadBytes.toString('base64url'),
    signature: signature.toString('base64url'),
  });
}

function caught(fn: () => unknown): LicenseError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LicenseError);
    const err = e as LicenseError;
    for (const k of keyMaterial) expect(err.message).not.toContain(k);
    return err;
  }
  throw new Error('expected a LicenseError, nothing was thrown');
}

const issued = issueLicense(payload(), vendor.privateKey);
const license: License = verifyLicense(issued, [vendor.publicKey]);

describe('vendor keys', () => {
  it('are raw Ed25519 keys in base64, with key id = first 8 bytes of SHA-256 of the public key', () => {
    expect(vendor.publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(vendor.privateKey).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(Buffer.from(vendor.privateKey, 'base64').subarray(32)).toEqual(Buffer.from(vendor.publicKey, 'base64'));
    const sha = createHash('sha256').update(Buffer.from(vendor.publicKey, 'base64')).digest('hex');
    expect(vendor.keyId).toBe(sha.slice(0, 16));
    expect(keyIdOf(vendor.publicKey)).toBe(vendor.keyId);
    expect(other.publicKey).not.toBe(vendor.publicKey);
  });

  it('the built-in vendor keys are valid public keys matching license/vendor-public-key.txt, and frozen', () => {
    expect(VENDOR_PUBLIC_KEYS.length).toBeGreaterThan(0);
    for (const k of VENDOR_PUBLIC_KEYS) expect(keyIdOf(k)).toMatch(/^[0-9a-f]{16}$/);
    const txt = readFileSync(join(__dirname, '../../../license/vendor-public-key.txt'), 'utf8').trim();
    expect(VENDOR_PUBLIC_KEYS).toContain(txt);
    expect(Object.isFrozen(VENDOR_PUBLIC_KEYS)).toBe(true);
  });
});

describe('issueLicense / verifyLicense', () => {
  it('writes the documented envelope and verifies a valid licence', () => {
    const e = envelopeOf(issued);
    expect(Object.keys(e)).toEqual(['format', 'alg', 'key_id', 'payload', 'signature']);
    expect(e).toMatchObject({ format: 'facenition-license/1', alg: 'Ed25519', key_id: vendor.keyId });
    expect(JSON.parse(Buffer.from(e.payload as string, 'base64url').toString('utf8'))).toEqual(payload());
    expect(license).toEqual({ ...payload(), key_id: vendor.keyId });
  });

  it('signs "facenition-license/1\\n" + payload bytes with standard Ed25519 (checked with node:crypto)', () => {
    const e = envelopeOf(issued);
    const payloadBytes = Buffer.from(e.payload as string, 'base64url');
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(vendor.publicKey, 'base64')]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const sig = Buffer.from(e.signature as string, 'base64url');
    expect(nodeVerify(null, Buffer.concat([Buffer.from('facenition-license/1\n'), payloadBytes]), key, sig)).toBe(true);
    // without the domain-separation prefix the signature is worthless
    expect(nodeVerify(null, payloadBytes, key, sig)).toBe(false);
  });

  it('writes a licence byte for byte as before the move to the shared envelope (golden file), and still verifies it', () => {
    // a fixed key (seed = 32 bytes of 0x05) and payload; the file was written by the previous issueLicense
    const goldenKey = 'BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQVuehzdKbC3j9E69MVZj+/07yqXFm48pvLk+/zNgFBb8Q==';
    const goldenPublicKey = 'bnoc3Smwt4/ROvTFWY/v9O8qlxZuPKby5Pv8zYBQW/E=';
    const golden =
      '{\n  "format": "facenition-license/1",\n  "alg": "Ed25519",\n  "key_id": "7599776c3085e3f9",\n  "payload": "eyJsaWNlbnNlX2lkIjoiTElDLUdPTERFTi0xIiwiY3VzdG9tZXIiOiJHb2xkZW4gVGVzdCBMdGQiLCJlZGl0aW9uIjoiZW50ZXJwcmlzZSIsImxpbWl0cyI6eyJjYWxsc19wZXJfbW9udGgiOjEwMDB9LCJmZWF0dXJlcyI6WyJzc28iXSwibm90X2JlZm9yZSI6IjIwMjYtMDEtMDFUMDA6MDA6MDBaIiwibm90X2FmdGVyIjoiMjAyNy0wMS0wMVQwMDowMDowMFoiLCJpc3N1ZWRfYXQiOiIyMDI1LTEyLTIwVDEwOjAwOjAwWiJ9",\n  "signature": "j73i-F2lf0Ybo-t9fUYGz0nhL6nne4Q5lWIFhvLi4QwmJUJmrPRY-Q1-axEkkPKKtlucnZxFJnovzQKhKZzOCg"\n}\n';
    const goldenPayload = payload({ license_id: 'LIC-GOLDEN-1', customer: 'Golden Test Ltd', limits: { calls_per_month: 1000 } });
    expect(issueLicense(goldenPayload, goldenKey)).toBe(golden);
    expect(verifyLicense(golden, [goldenPublicKey])).toEqual({ ...goldenPayload, key_id: keyIdOf(goldenPublicKey) });
  });

  it('accepts any of several trusted keys (rotation)', () => {
    const byOther = issueLicense(payload(), other.privateKey);
    expect(verifyLicense(byOther, [vendor.publicKey, other.publicKey]).key_id).toBe(other.keyId);
  });

  it('refuses to issue an invalid payload or with a key that is not a private key', () => {
    expect(caught(() => issueLicense(payload({ not_after: '2025-01-01T00:00:00Z' }), vendor.privateKey))).toBeInstanceOf(
      InvalidLicensePayloadError,
    );
    const wrongKey = caught(() => issueLicense(payload(), vendor.publicKey));
    expect(wrongKey).toBeInstanceOf(InvalidLicenseKeyError);
    expect(wrongKey.message).toMatch(/not an Ed25519 private key/);
    const raw = Buffer.from(vendor.privateKey, 'base64');
    raw[40] ^= 1; // public half no longer matches the seed
    expect(caught(() => issueLicense(payload(), raw.toString('base64'))).message).toMatch(/damaged/);
  });

  it('tampered payload (one byte flipped, re-encoded) → signature error', () => {
    const tampered = rewrite(issued, (e) => {
      const bytes = Buffer.from(e.payload as string, 'base64url');
      const i = bytes.indexOf('"max_replicas":4') + '"max_replicas":'.length;
      bytes[i] = '9'.charCodeAt(0);
      e.payload = bytes.toString('base64url');
    });
    const err = caught(() => verifyLicense(tampered, [vendor.publicKey]));
    expect(err).toBeInstanceOf(LicenseSignatureError);
    expect(err.code).toBe('bad_signature');
    expect(err.message).toBe(
      'licence: signature does not verify: the file was altered or not issued by Facenition; ask your vendor for a new licence file',
    );
  });

  it('tampered signature → signature error', () => {
    const tampered = rewrite(issued, (e) => {
      const sig = Buffer.from(e.signature as string, 'base64url');
      sig[5] ^= 0x01;
      e.signature = sig.toString('base64url');
    });
    expect(caught(() => verifyLicense(tampered, [vendor.publicKey]))).toBeInstanceOf(LicenseSignatureError);
  });

  it('signed by another key with key_id rewritten to a trusted key → signature error', () => {
    const forged = rewrite(issueLicense(payload(), other.privateKey), (e) => (e.key_id = vendor.keyId));
    expect(caught(() => verifyLicense(forged, [vendor.publicKey]))).toBeInstanceOf(LicenseSignatureError);
  });

  it('signed by a key that is not trusted → unknown key error naming both key ids', () => {
    const err = caught(() => verifyLicense(issueLicense(payload(), other.privateKey), [vendor.publicKey]));
    expect(err).toBeInstanceOf(UnknownLicenseKeyError);
    expect(err.message).toContain(`signed with vendor key ${other.keyId}, which this server does not trust`);
    expect(err.message).toContain(`trusted: ${vendor.keyId}`);
    expect(caught(() => verifyLicense(issued, []))).toBeInstanceOf(UnknownLicenseKeyError);
  });

  it('a trusted key that is not a public key is a configuration error, not the file’s', () => {
    const err = caught(() => verifyLicense(issued, [vendor.privateKey]));
    expect(err).toBeInstanceOf(InvalidLicenseKeyError);
    expect(err.message).toMatch(/^trusted vendor public key #1 is not an Ed25519 public key/);
  });

  const malformed: Array<[string, () => string, new (m: string) => LicenseError, RegExp]> = [
    ['not JSON', () => 'hello licence', MalformedLicenseError, /^licence: is not JSON: /],
    ['a vendor key pasted instead', () => vendor.privateKey, MalformedLicenseError, /looks like a vendor key/],
    ['a JSON array', () => '[1,2]', MalformedLicenseError, /not a JSON object/],
    ['no format', () => rewrite(issued, (e) => delete e.format), MalformedLicenseError, /no "format" field/],
    ['missing signature', () => rewrite(issued, (e) => delete e.signature), MalformedLicenseError, /"signature" field is missing/],
    ['key_id not hex', () => rewrite(issued, (e) => (e.key_id = 'XYZ')), MalformedLicenseError, /"key_id" must be 16 lower-case hex/],
    [
      'payload not base64url',
      () => rewrite(issued, (e) => (e.payload = 'eyJ$$')),
      MalformedLicenseError,
      /"payload" is not valid base64url/,
    ],
    [
      'payload in padded base64',
      () => rewrite(issued, (e) => (e.payload = Buffer.from('{"a":1}').toString('base64'))),
      MalformedLicenseError,
      /"payload" is not valid base64url/,
    ],
    [
      'signature not canonical base64url',
      () => rewrite(issued, (e) => (e.signature = `${(e.signature as string).slice(0, -1)}B`)),
      MalformedLicenseError,
      /"signature" is not valid base64url/,
    ],
    [
      'signature too short',
      () => rewrite(issued, (e) => (e.signature = (e.signature as string).slice(0, 40))),
      MalformedLicenseError,
      /"signature" must be 64 bytes, not 30/,
    ],
    ['an unexpected field', () => rewrite(issued, (e) => (e.comment = 'hi')), MalformedLicenseError, /unexpected field\(s\) "comment"/],
    [
      'a newer format',
      () => rewrite(issued, (e) => (e.format = 'facenition-license/2')),
      UnsupportedLicenseFormatError,
      /format "facenition-license\/2" is not supported/,
    ],
    [
      'another algorithm',
      () => rewrite(issued, (e) => (e.alg = 'RS256')),
      UnsupportedLicenseFormatError,
      /algorithm "RS256" is not supported/,
    ],
    ['payload not JSON (validly signed)', () => signRaw(Buffer.from('not json')), InvalidLicensePayloadError, /payload is not UTF-8 JSON/],
    [
      'payload edition "gold" (validly signed)',
      () => signRaw(Buffer.from(JSON.stringify({ ...payload(), edition: 'gold' }))),
      InvalidLicensePayloadError,
      /not a valid licence \(edition: /,
    ],
    [
      'payload with an unknown field',
      () => signRaw(Buffer.from(JSON.stringify({ ...payload(), seats: 5 }))),
      InvalidLicensePayloadError,
      /seats/,
    ],
    [
      'payload with not_after before not_before',
      () => signRaw(Buffer.from(JSON.stringify(payload({ not_after: '2025-06-01T00:00:00Z' })))),
      InvalidLicensePayloadError,
      /not_after: must be later than not_before/,
    ],
    [
      'payload with a non-UTC timestamp',
      () => signRaw(Buffer.from(JSON.stringify(payload({ not_before: '2026-01-01T00:00:00+01:00' })))),
      InvalidLicensePayloadError,
      /not_before: must be an ISO-8601 UTC timestamp/,
    ],
    [
      'payload with a zero limit',
      () => signRaw(Buffer.from(JSON.stringify(payload({ limits: { calls_per_month: 0 } })))),
      InvalidLicensePayloadError,
      /limits\.calls_per_month/,
    ],
    [
      'payload with a control character in customer',
      () => signRaw(Buffer.from(JSON.stringify(payload({ customer: 'Evil\nINFO fake log line' })))),
      InvalidLicensePayloadError,
      /customer: must not contain control characters/,
    ],
  ];
  it.each(malformed.map(([name, make, type, message]) => ({ name, make, type, message, kind: type.name })))(
    '$name → $kind',
    ({ make, type, message }) => {
      const err = caught(() => verifyLicense(make(), [vendor.publicKey]));
      expect(err).toBeInstanceOf(type);
      expect(err.message).toMatch(message);
    },
  );

  it('the distinct failure kinds carry distinct codes', () => {
    const codes = new Set(malformed.map(([, make]) => caught(() => verifyLicense(make(), [vendor.publicKey])).code));
    expect([...codes].sort()).toEqual(['invalid_payload', 'malformed', 'unsupported_format']);
  });
});

describe('loadLicenseFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'facenition-license-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and verifies a file', () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, issued);
    expect(loadLicenseFile(path, [vendor.publicKey])).toEqual(license);
  });

  it('names the path in every error', () => {
    const path = join(dir, 'tampered.json');
    writeFileSync(
      path,
      rewrite(issued, (e) => (e.key_id = other.keyId)),
    );
    const err = caught(() => loadLicenseFile(path, [vendor.publicKey, other.publicKey]));
    expect(err).toBeInstanceOf(LicenseSignatureError);
    expect(err.message).toMatch(new RegExp(`^licence file ${path}: signature does not verify`));
  });

  it('missing file or a directory → clear file error', () => {
    const missing = caught(() => loadLicenseFile(join(dir, 'nope.json'), [vendor.publicKey]));
    expect(missing).toBeInstanceOf(LicenseFileError);
    expect(missing.message).toBe(
      `licence file ${join(dir, 'nope.json')}: not found: check the configured path, or remove the setting to run as the Developer edition`,
    );
    expect(caught(() => loadLicenseFile(dir, [vendor.publicKey])).message).toMatch(/: is a directory/);
  });

  it('a huge file is refused before it is read', () => {
    const path = join(dir, 'huge.json');
    writeFileSync(path, Buffer.alloc(70_000, 0x20));
    expect(caught(() => loadLicenseFile(path, [vendor.publicKey]))).toBeInstanceOf(MalformedLicenseError);
  });
});

describe('evaluateLicense', () => {
  const notBefore = Date.parse('2026-01-01T00:00:00Z');
  const notAfter = Date.parse('2027-01-01T00:00:00Z');
  const at = (ms: number) => new Date(ms);
  const grace = { graceDays: 30 };

  it('no licence → developer edition, 1,000 calls per month, enrolment and verification on', () => {
    const s = evaluateLicense(undefined, new Date(), grace);
    expect(s).toMatchObject({
      status: 'none',
      edition: 'developer',
      limits: { calls_per_month: 1000 },
      enrolment: true,
      verification: true,
      license_id: null,
      days_remaining: null,
    });
    expect(s.warnings[0]).toMatch(/no licence installed: running as the Developer edition \(1000 calls per month\)/);
  });

  it('valid enterprise licence → licensed edition and limits, no per-call limit', () => {
    const s = evaluateLicense(license, at(notBefore + 10 * DAY), grace);
    expect(s).toEqual({
      status: 'valid',
      edition: 'enterprise',
      limits: { max_replicas: 4 },
      features: ['sso'],
      enrolment: true,
      verification: true,
      license_id: 'LIC-2026-0001',
      customer: 'St Example Hospital',
      key_id: vendor.keyId,
      not_before: '2026-01-01T00:00:00.000Z',
      not_after: '2027-01-01T00:00:00.000Z',
      issued_at: '2025-12-20T10:00:00.000Z',
      grace_ends_at: '2027-01-31T00:00:00.000Z',
      days_remaining: 355,
      warnings: [],
    });
  });

  it('valid licence close to expiry warns', () => {
    const s = evaluateLicense(license, at(notAfter - 9.5 * DAY), grace);
    expect(s.status).toBe('valid');
    expect(s.days_remaining).toBe(10);
    expect(s.warnings[0]).toMatch(/expires on 2027-01-01 00:00 UTC \(10 days left\); ask your vendor for a renewal/);
  });

  it('developer licence → developer limits unless the licence sets them', () => {
    const dev = { ...license, edition: 'developer' as const, limits: {} };
    expect(evaluateLicense(dev, at(notBefore), grace).limits).toEqual({ calls_per_month: 1000 });
    const bigger = { ...dev, limits: { calls_per_month: 50_000 } };
    expect(evaluateLicense(bigger, at(notBefore), grace).limits).toEqual({ calls_per_month: 50_000 });
    const entWithCap = { ...license, limits: { calls_per_month: 2_000_000 } };
    expect(evaluateLicense(entWithCap, at(notBefore), grace).limits).toEqual({ calls_per_month: 2_000_000 });
  });

  it('not yet valid → developer edition and limits, with a warning', () => {
    const s = evaluateLicense(license, at(notBefore - 3 * DAY), grace);
    expect(s).toMatchObject({
      status: 'not_yet_valid',
      edition: 'developer',
      limits: { ...DEVELOPER_LIMITS },
      features: [],
      enrolment: true,
      verification: true,
      license_id: 'LIC-2026-0001',
    });
    expect(s.warnings[0]).toMatch(/is not valid until 2026-01-01 00:00 UTC: running as the Developer edition/);
  });

  it('expired within grace → licensed edition, enrolment allowed, loud warning with days left', () => {
    const s = evaluateLicense(license, at(notAfter + 10 * DAY), grace);
    expect(s).toMatchObject({ status: 'grace', edition: 'enterprise', limits: { max_replicas: 4 }, enrolment: true, verification: true });
    expect(s.days_remaining).toBe(20);
    expect(s.warnings[0]).toMatch(/^LICENCE EXPIRED: .* grace period ends 2027-01-31 00:00 UTC \(20 days left\)/);
  });

  it('expired after grace → enrolment refused, verification continues, edition kept for reporting', () => {
    const s = evaluateLicense(license, at(notAfter + 45 * DAY), grace);
    expect(s).toMatchObject({ status: 'expired', edition: 'enterprise', enrolment: false, verification: true, days_remaining: 0 });
    expect(s.warnings[0]).toMatch(/new enrolments are refused; verification continues; install a renewed licence/);
  });

  it('boundary instants: [not_before, not_after) valid, [not_after, grace end) grace, then expired', () => {
    const status = (ms: number, graceDays = 30) => evaluateLicense(license, at(ms), { graceDays }).status;
    expect(status(notBefore - 1)).toBe('not_yet_valid');
    expect(status(notBefore)).toBe('valid');
    expect(status(notAfter - 1)).toBe('valid');
    expect(status(notAfter)).toBe('grace');
    expect(status(notAfter + 30 * DAY - 1)).toBe('grace');
    expect(status(notAfter + 30 * DAY)).toBe('expired');
    expect(status(notAfter, 0)).toBe('expired');
    expect(evaluateLicense(license, at(notAfter), grace).days_remaining).toBe(30);
    expect(evaluateLicense(license, at(notAfter + 30 * DAY - 1), grace).days_remaining).toBe(1);
  });

  it('refuses nonsense arguments', () => {
    expect(() => evaluateLicense(license, new Date(NaN), grace)).toThrow(RangeError);
    expect(() => evaluateLicense(license, new Date(), { graceDays: -1 })).toThrow(RangeError);
    expect(() => evaluateLicense(license, new Date(), { graceDays: 1.5 })).toThrow(RangeError);
  });

  it('the state holds no key material', () => {
    const text = JSON.stringify(evaluateLicense(license, at(notBefore), grace));
    for (const k of keyMaterial) expect(text).not.toContain(k);
  });
});
