import { createPublicKey, timingSafeEqual, verify, type JsonWebKey } from 'node:crypto';

/**
 * Verification of a signed result of POST /authenticate (signed_result=true), with node:crypto only,
 * so that the same few lines can run anywhere a relying party checks one (the Cognito Verify Auth
 * Challenge handler in docs/integrations/cognito/handlers.mjs is the same algorithm in plain
 * JavaScript, and the tests hold the two to the same answers).
 */

/** The `typ` header of a signed result. */
export const SIGNED_RESULT_TYP = 'facenition-result+jwt';

export interface SignedResultClaims {
  iss: string;
  aud: string;
  /** The token reference (token_ref in the audit log): which identity token was verified, not who. */
  sub: string;
  outcome: 'authenticated' | 'not_authenticated';
  reason?: string;
  acr: string;
  amr?: string[];
  nonce: string;
  iat: number;
  exp: number;
  jti: string;
}

export interface VerifyOptions {
  /** The provider's published keys (GET <issuer>/jwks). */
  jwks: { keys: readonly (JsonWebKey & { kid?: string })[] };
  issuer: string;
  /** The API client that asked for the result (its client_id). */
  audience: string;
  /** The nonce the result must carry (e.g. the identity provider's challenge). */
  nonce: string;
  /** Oldest `iat` accepted, in seconds (default 120). */
  maxAgeSeconds?: number;
  /** Allowed clock difference in seconds (default 30). */
  clockToleranceSeconds?: number;
  /** The time to judge by (default now). */
  now?: Date;
}

export class SignedResultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignedResultError';
  }
}

const b64json = (part: string, what: string): Record<string, unknown> => {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) throw new SignedResultError(`the ${what} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new SignedResultError(`the ${what} is not JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SignedResultError(`the ${what} is not a JSON object`);
  return value as Record<string, unknown>;
};

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Checks a signed result: compact JWS, header alg RS256 + typ facenition-result+jwt + a kid of the
 * given key set, the RS256 signature, iss, aud, exp (not passed), iat (not ahead, not older than
 * maxAgeSeconds), nonce (constant-time), outcome. Returns the claims; throws SignedResultError
 * naming the first check that failed. Whether the outcome is `authenticated` is the caller's
 * decision (a refusal is signed too).
 */
export function verifySignedResult(jws: string, opts: VerifyOptions): SignedResultClaims {
  if (typeof jws !== 'string' || jws.length > 8192) throw new SignedResultError('not a signed result');
  const parts = jws.split('.');
  if (parts.length !== 3) throw new SignedResultError('not a compact JWS');
  const header = b64json(parts[0], 'header');
  if (header.alg !== 'RS256') throw new SignedResultError('alg is not RS256');
  if (header.typ !== SIGNED_RESULT_TYP) throw new SignedResultError(`typ is not ${SIGNED_RESULT_TYP}`);
  if (typeof header.kid !== 'string') throw new SignedResultError('the header has no kid');
  const jwk = opts.jwks.keys.find((k) => k.kid === header.kid && k.kty === 'RSA');
  if (!jwk) throw new SignedResultError('signed with a key that is not in the key set');
  let key;
  try {
    key = createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: 'jwk' });
  } catch {
    throw new SignedResultError('the key set holds an unusable key');
  }
  if (!/^[A-Za-z0-9_-]+$/.test(parts[2])) throw new SignedResultError('the signature is not base64url');
  const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'));
  if (!ok) throw new SignedResultError('bad signature');
  const c = b64json(parts[1], 'payload');
  if (c.iss !== opts.issuer) throw new SignedResultError('wrong issuer');
  if (c.aud !== opts.audience) throw new SignedResultError('wrong audience');
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const skew = opts.clockToleranceSeconds ?? 30;
  if (typeof c.exp !== 'number' || typeof c.iat !== 'number') throw new SignedResultError('no exp or iat');
  if (now >= c.exp + skew) throw new SignedResultError('expired');
  if (c.iat > now + skew) throw new SignedResultError('issued in the future');
  if (now - c.iat > (opts.maxAgeSeconds ?? 120) + skew) throw new SignedResultError('too old');
  if (typeof c.nonce !== 'string' || !sameText(c.nonce, opts.nonce)) throw new SignedResultError('wrong nonce');
  if (c.outcome !== 'authenticated' && c.outcome !== 'not_authenticated') throw new SignedResultError('no outcome');
  if (typeof c.sub !== 'string' || typeof c.acr !== 'string' || typeof c.jti !== 'string')
    throw new SignedResultError('no sub, acr or jti');
  return c as unknown as SignedResultClaims;
}
