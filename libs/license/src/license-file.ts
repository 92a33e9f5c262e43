import { readFileSync, statSync } from 'node:fs';
import { decodeBase64Url, ED25519_SIGNATURE_BYTES, ENVELOPE_ALG, sealEnvelope, verifyPayload } from '@facenition/common';
import { z } from 'zod';
import {
  InvalidLicensePayloadError,
  LicenseFileError,
  LicenseSignatureError,
  MalformedLicenseError,
  UnknownLicenseKeyError,
  UnsupportedLicenseFormatError,
} from './errors';
import { decodePrivateKey, decodePublicKey, isKeyText, keyIdOfBytes, publicKeyOfPrivate } from './keys';

/** The format documented in license/README.md. */
export const LICENSE_FORMAT = 'facenition-license/1';
export const LICENSE_ALG = ENVELOPE_ALG;
/** A real licence is well under 2 KiB; anything this large is not one. */
export const MAX_LICENSE_FILE_BYTES = 64 * 1024;

const RENEW = 'ask your vendor for a new licence file';
const DAMAGED = 'the file is damaged or was edited; install the file exactly as your vendor sent it';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const utcInstant = z.iso.datetime({ error: 'must be an ISO-8601 UTC timestamp such as 2026-01-01T00:00:00Z' });
const positiveInt = z.number().int().positive();

export const licensePayloadSchema = z
  .strictObject({
    license_id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 characters of letters, digits and . _ : -'),
    customer: z
      .string()
      .min(1)
      .max(200)
      .refine((s) => s.trim() === s, 'must not start or end with whitespace')
      .refine((s) => !CONTROL_CHARS.test(s), 'must not contain control characters'),
    edition: z.enum(['developer', 'enterprise']),
    limits: z.strictObject({
      calls_per_month: positiveInt.optional(),
      max_replicas: positiveInt.optional(),
    }),
    features: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 characters of lower-case letters, digits and . _ -'))
      .max(64)
      .refine((f) => new Set(f).size === f.length, 'must not repeat a feature'),
    not_before: utcInstant,
    not_after: utcInstant,
    issued_at: utcInstant,
  })
  .refine((p) => Date.parse(p.not_after) > Date.parse(p.not_before), { path: ['not_after'], message: 'must be later than not_before' });

export type LicensePayload = z.infer<typeof licensePayloadSchema>;
export type Edition = LicensePayload['edition'];
export type LicenseLimits = LicensePayload['limits'];

/** A verified licence: the signed payload plus the id of the vendor key that signed it. */
export type License = LicensePayload & { key_id: string };

export interface LicenseEnvelope {
  format: typeof LICENSE_FORMAT;
  alg: typeof LICENSE_ALG;
  key_id: string;
  /** the exact signed payload bytes (UTF-8 JSON, not yet checked) */
  payload: Buffer;
  signature: Buffer;
}

const ENVELOPE_FIELDS = ['format', 'alg', 'key_id', 'payload', 'signature'] as const;

function schemaProblems(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`)
    .join('; ');
}

/** Short, printable rendering of an untrusted value for an error message. */
function shown(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * Issue a licence: validate the payload, sign it with the vendor private key (base64 text) and
 * return the licence file text. The signature covers "facenition-license/1\n" ‖ payload bytes
 * (the signed envelope of @facenition/common, as for status lists).
 */
export function issueLicense(payload: LicensePayload, privateKey: string): string {
  const parsed = licensePayloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new InvalidLicensePayloadError(`refusing to issue a licence with an invalid payload: ${schemaProblems(parsed.error)}`);
  }
  const key = decodePrivateKey(privateKey);
  const payloadBytes = Buffer.from(JSON.stringify(parsed.data), 'utf8');
  const envelope = sealEnvelope(LICENSE_FORMAT, keyIdOfBytes(publicKeyOfPrivate(key)), payloadBytes, key);
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

function decodeField(value: string, field: string, source: string): Buffer {
  // canonical: stray characters, padding or non-canonical trailing bits are refused
  const bytes = decodeBase64Url(value, { canonical: true });
  if (!bytes) throw new MalformedLicenseError(`${source}: "${field}" is not valid base64url: ${DAMAGED}`);
  return bytes;
}

/**
 * Check the envelope of a licence file without verifying it (the inspect tool shows unverified
 * payloads this way). Throws MalformedLicenseError or UnsupportedLicenseFormatError.
 */
export function parseLicenseEnvelope(text: string, source = 'licence'): LicenseEnvelope {
  if (Buffer.byteLength(text, 'utf8') > MAX_LICENSE_FILE_BYTES) {
    throw new MalformedLicenseError(`${source}: is larger than ${MAX_LICENSE_FILE_BYTES} bytes, so it is not a Facenition licence file`);
  }
  const body = text.replace(/^\uFEFF/, '').trim();
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    // The parser's message would quote the text, which may be a key pasted by mistake: never show it.
    const hint = isKeyText(body) ? ' (it looks like a vendor key, not a licence)' : '';
    throw new MalformedLicenseError(`${source}: is not JSON${hint}: ${DAMAGED}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new MalformedLicenseError(`${source}: is JSON but not a JSON object, so it is not a Facenition licence file: ${RENEW}`);
  }
  const fields = doc as Record<string, unknown>;
  if (typeof fields.format !== 'string') {
    throw new MalformedLicenseError(`${source}: has no "format" field, so it is not a Facenition licence file: ${RENEW}`);
  }
  if (fields.format !== LICENSE_FORMAT) {
    throw new UnsupportedLicenseFormatError(
      `${source}: format ${shown(fields.format)} is not supported (this server reads "${LICENSE_FORMAT}"): ` +
        `upgrade Facenition, or ask your vendor for a "${LICENSE_FORMAT}" file`,
    );
  }
  if (fields.alg !== LICENSE_ALG) {
    throw new UnsupportedLicenseFormatError(
      `${source}: signature algorithm ${shown(fields.alg)} is not supported (this server verifies "${LICENSE_ALG}"): ${RENEW}`,
    );
  }
  const unknown = Object.keys(fields).filter((k) => !(ENVELOPE_FIELDS as readonly string[]).includes(k));
  if (unknown.length) {
    throw new MalformedLicenseError(`${source}: has unexpected field(s) ${unknown.slice(0, 5).map(shown).join(', ')}: ${DAMAGED}`);
  }
  for (const field of ['key_id', 'payload', 'signature'] as const) {
    if (typeof fields[field] !== 'string' || fields[field] === '') {
      throw new MalformedLicenseError(`${source}: the "${field}" field is missing or not a string: ${DAMAGED}`);
    }
  }
  const keyId = fields.key_id as string;
  if (!/^[0-9a-f]{16}$/.test(keyId)) {
    throw new MalformedLicenseError(`${source}: "key_id" must be 16 lower-case hex digits: ${DAMAGED}`);
  }
  const payload = decodeField(fields.payload as string, 'payload', source);
  const signature = decodeField(fields.signature as string, 'signature', source);
  if (signature.length !== ED25519_SIGNATURE_BYTES) {
    throw new MalformedLicenseError(`${source}: "signature" must be ${ED25519_SIGNATURE_BYTES} bytes, not ${signature.length}: ${DAMAGED}`);
  }
  return { format: LICENSE_FORMAT, alg: LICENSE_ALG, key_id: keyId, payload, signature };
}

/**
 * Verify a licence file offline against the trusted vendor public keys (base64 text) and return
 * the licence. `source` prefixes error messages (e.g. "licence file /etc/facenition/licence.json").
 * Throws a LicenseError subclass; nothing in the payload is parsed before the signature verifies.
 */
export function verifyLicense(text: string, trustedPublicKeys: readonly string[], source = 'licence'): License {
  const envelope = parseLicenseEnvelope(text, source);
  const trusted = trustedPublicKeys.map((k, i) => decodePublicKey(k, `trusted vendor public key #${i + 1}`));
  const key = trusted.find((k) => keyIdOfBytes(k) === envelope.key_id);
  if (!key) {
    throw new UnknownLicenseKeyError(
      `${source}: signed with vendor key ${envelope.key_id}, which this server does not trust ` +
        `(trusted: ${trusted.map(keyIdOfBytes).join(', ') || 'none'}): the file is not for this product or needs a newer ` +
        `Facenition release; upgrade, or ${RENEW}`,
    );
  }
  if (!verifyPayload(LICENSE_FORMAT, envelope.payload, envelope.signature, key)) {
    throw new LicenseSignatureError(`${source}: signature does not verify: the file was altered or not issued by Facenition; ${RENEW}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(envelope.payload));
  } catch {
    throw new InvalidLicensePayloadError(`${source}: the signed payload is not UTF-8 JSON: ${RENEW}`);
  }
  const parsed = licensePayloadSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidLicensePayloadError(
      `${source}: the signed payload is not a valid licence (${schemaProblems(parsed.error)}): upgrade Facenition or ${RENEW}`,
    );
  }
  return { ...parsed.data, key_id: envelope.key_id };
}

/** Read and verify a licence file; errors name the path. */
export function loadLicenseFile(path: string, trustedPublicKeys: readonly string[]): License {
  const source = `licence file ${path}`;
  let text: string;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      throw new LicenseFileError(`${source}: is a directory: point the setting at the licence file itself`);
    }
    if (stat.size > MAX_LICENSE_FILE_BYTES) {
      throw new MalformedLicenseError(`${source}: is larger than ${MAX_LICENSE_FILE_BYTES} bytes, so it is not a Facenition licence file`);
    }
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof LicenseFileError || e instanceof MalformedLicenseError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new LicenseFileError(`${source}: not found: check the configured path, or remove the setting to run as the Developer edition`);
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new LicenseFileError(`${source}: permission denied: make it readable by the user the server runs as`);
    }
    throw new LicenseFileError(`${source}: cannot be read (${code ?? 'unknown error'})`);
  }
  return verifyLicense(text, trustedPublicKeys, source);
}
