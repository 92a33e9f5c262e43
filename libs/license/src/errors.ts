import { FacenitionError } from '@facenition/common';

/**
 * Licence errors. Every message names the file (or "licence"), says what is wrong and what to do,
 * and never contains key material. The gateway refuses to start on any of them; should one reach
 * a request it is a 500 (a fault of the installation), answered without its message.
 */
export type LicenseErrorCode =
  'unreadable' | 'malformed' | 'unsupported_format' | 'unknown_key' | 'bad_signature' | 'invalid_payload' | 'invalid_key';

export abstract class LicenseError extends FacenitionError {
  abstract override readonly code: LicenseErrorCode;
  readonly status = 500;
}

/** The licence file is missing, is a directory or cannot be read. */
export class LicenseFileError extends LicenseError {
  readonly code = 'unreadable';
}

/** Not JSON, a missing or mistyped envelope field, bad base64url, wrong signature length. */
export class MalformedLicenseError extends LicenseError {
  readonly code = 'malformed';
}

/** A `format` or `alg` this server does not implement. */
export class UnsupportedLicenseFormatError extends LicenseError {
  readonly code = 'unsupported_format';
}

/** `key_id` is not the id of any trusted vendor public key. */
export class UnknownLicenseKeyError extends LicenseError {
  readonly code = 'unknown_key';
}

/** The Ed25519 signature does not verify: the file was altered or signed by another key. */
export class LicenseSignatureError extends LicenseError {
  readonly code = 'bad_signature';
}

/** Signed correctly, but the payload is not JSON or breaks the payload schema. */
export class InvalidLicensePayloadError extends LicenseError {
  readonly code = 'invalid_payload';
}

/** A vendor key (trusted public key, or private key given to the issuer) is not a valid key text. */
export class InvalidLicenseKeyError extends LicenseError {
  readonly code = 'invalid_key';
}
