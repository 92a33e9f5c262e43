const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** True for a string of base64url characters (RFC 4648 §5, no padding); the empty string included. */
export const isBase64Url = (text: unknown): text is string => typeof text === 'string' && ALPHABET.test(text);

/**
 * The bytes of unpadded base64url text, or undefined for anything else (not a string, padding,
 * other characters). `canonical` also refuses text that does not round-trip (non-zero trailing
 * bits, a dangling character), so each byte string has exactly one accepted spelling.
 */
export function decodeBase64Url(text: unknown, opts: { canonical?: boolean } = {}): Buffer | undefined {
  if (!isBase64Url(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  if (opts.canonical && bytes.toString('base64url') !== text) return undefined;
  return bytes;
}

export const encodeBase64Url = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
