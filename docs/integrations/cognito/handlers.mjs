// Amazon Cognito custom authentication with Facenition as the face factor: the Define, Create and
// Verify Auth Challenge Lambda triggers (Node.js 20+, ES module, no dependency beyond node:crypto).
//
// The face is never matched here. Create issues a random challenge (a nonce); the client app sends
// the user's photo to its own server, which calls Facenition's POST /authenticate with
// signed_result=true and that nonce, and answers the challenge with the signed result it got back.
// Verify only checks that signed result: RS256 signature by a key of Facenition's OpenID Connect
// provider, iss, aud, exp, nonce == this challenge, outcome authenticated, and (by default) that it
// names the identity token enrolled for this user.
//
// Settings (Lambda environment variables):
//   FACENITION_ISSUER              Facenition's issuer (FACENITION_OIDC_ISSUER), e.g. https://faces.example.org/oidc
//   FACENITION_API_CLIENT_ID       the API client whose server calls /authenticate (the result's aud)
//   FACENITION_JWKS_FILE           a copy of <issuer>/jwks packaged with the function, or
//   FACENITION_JWKS                the same JSON inline (Lambda's environment holds 4 KB in all)
//   FACENITION_TOKEN_REF_ATTRIBUTE user attribute holding the token_ref of the user's identity token
//                                  (default custom:facenition_token_ref; "none" = do not bind)
//   FACENITION_MAX_AGE_SECONDS     oldest signed result accepted (default 120)
//   FACENITION_REQUIRE_PASSWORD    "true": the face is a second factor after Cognito's SRP password check
import { createPublicKey, randomBytes, timingSafeEqual, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const CHALLENGE = 'CUSTOM_CHALLENGE';
/** Face attempts per sign-in (Cognito's custom flow allows up to 8 round trips; 3 is what the recipe uses). */
export const MAX_ATTEMPTS = 3;
export const SIGNED_RESULT_TYP = 'facenition-result+jwt';

// ---------- verification of a signed result (the algorithm of apps/gateway/src/integrations/verify-signed-result.ts) ----------

export class SignedResultError extends Error {}

function b64json(part, what) {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) throw new SignedResultError(`the ${what} is not base64url`);
  let value;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new SignedResultError(`the ${what} is not JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new SignedResultError(`the ${what} is not a JSON object`);
  return value;
}

function sameText(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks a signed result and returns its claims; throws SignedResultError naming the first failed
 * check. opts: { jwks, issuer, audience, nonce, maxAgeSeconds = 120, clockToleranceSeconds = 30, now = new Date() }.
 */
export function verifySignedResult(jws, opts) {
  if (typeof jws !== 'string' || jws.length > 8192) throw new SignedResultError('not a signed result');
  const parts = jws.split('.');
  if (parts.length !== 3) throw new SignedResultError('not a compact JWS');
  const header = b64json(parts[0], 'header');
  if (header.alg !== 'RS256') throw new SignedResultError('alg is not RS256');
  if (header.typ !== SIGNED_RESULT_TYP) throw new SignedResultError(`typ is not ${SIGNED_RESULT_TYP}`);
  if (typeof header.kid !== 'string') throw new SignedResultError('the header has no kid');
  const jwk = (opts.jwks?.keys ?? []).find((k) => k.kid === header.kid && k.kty === 'RSA');
  if (!jwk) throw new SignedResultError('signed with a key that is not in the key set');
  let key;
  try {
    key = createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: 'jwk' });
  } catch {
    throw new SignedResultError('the key set holds an unusable key');
  }
  if (!/^[A-Za-z0-9_-]+$/.test(parts[2])) throw new SignedResultError('the signature is not base64url');
  if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url')))
    throw new SignedResultError('bad signature');
  const c = b64json(parts[1], 'payload');
  if (c.iss !== opts.issuer) throw new SignedResultError('wrong issuer');
  if (c.aud !== opts.audience) throw new SignedResultError('wrong audience');
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const skew = opts.clockToleranceSeconds ?? 30;
  if (typeof c.exp !== 'number' || typeof c.iat !== 'number') throw new SignedResultError('no exp or iat');
  if (now >= c.exp + skew) throw new SignedResultError('expired');
  if (c.iat > now + skew) throw new SignedResultError('issued in the future');
  if (now - c.iat > (opts.maxAgeSeconds ?? 120) + skew) throw new SignedResultError('too old');
  if (typeof c.nonce !== 'string' || typeof opts.nonce !== 'string' || !sameText(c.nonce, opts.nonce))
    throw new SignedResultError('wrong nonce');
  if (c.outcome !== 'authenticated' && c.outcome !== 'not_authenticated') throw new SignedResultError('no outcome');
  if (typeof c.sub !== 'string' || typeof c.acr !== 'string' || typeof c.jti !== 'string')
    throw new SignedResultError('no sub, acr or jti');
  return c;
}

// ---------- settings ----------

function settings(env = process.env) {
  const missing = ['FACENITION_ISSUER', 'FACENITION_API_CLIENT_ID'].filter((n) => !env[n]);
  if (!env.FACENITION_JWKS && !env.FACENITION_JWKS_FILE) missing.push('FACENITION_JWKS or FACENITION_JWKS_FILE');
  if (missing.length) throw new Error(`Facenition Verify trigger: set ${missing.join(', ')}`);
  const jwks = JSON.parse(env.FACENITION_JWKS ?? readFileSync(env.FACENITION_JWKS_FILE, 'utf8'));
  return {
    issuer: env.FACENITION_ISSUER,
    audience: env.FACENITION_API_CLIENT_ID,
    jwks,
    tokenRefAttribute: env.FACENITION_TOKEN_REF_ATTRIBUTE || 'custom:facenition_token_ref',
    maxAgeSeconds: Number(env.FACENITION_MAX_AGE_SECONDS || 120),
  };
}

// ---------- the three triggers ----------

/** Define Auth Challenge: (SRP password when required, then) up to MAX_ATTEMPTS face challenges; tokens after one passes. */
export async function defineAuthChallenge(event) {
  const session = event.request.session ?? [];
  const response = event.response;
  const fail = () => Object.assign(response, { issueTokens: false, failAuthentication: true });
  const last = session[session.length - 1];
  const passwordFirst = process.env.FACENITION_REQUIRE_PASSWORD === 'true';
  // Cognito's SRP password check, when the client started with it (required when FACENITION_REQUIRE_PASSWORD=true)
  if (session.length === 1 && last.challengeName === 'SRP_A') {
    Object.assign(response, { challengeName: 'PASSWORD_VERIFIER', issueTokens: false, failAuthentication: false });
    return event;
  }
  if (passwordFirst && !(session.length >= 2 && session[0].challengeName === 'SRP_A' && session[1].challengeName === 'PASSWORD_VERIFIER')) {
    fail();
    return event;
  }
  // any other challenge that failed (the password) ends the sign-in
  if (session.some((c) => c.challengeName !== CHALLENGE && c.challengeResult !== true)) {
    fail();
    return event;
  }
  const faces = session.filter((c) => c.challengeName === CHALLENGE);
  if (last && last.challengeName === CHALLENGE && last.challengeResult === true) {
    Object.assign(response, { issueTokens: true, failAuthentication: false });
    return event;
  }
  if (faces.length >= MAX_ATTEMPTS) {
    fail();
    return event;
  }
  Object.assign(response, { challengeName: CHALLENGE, issueTokens: false, failAuthentication: false });
  return event;
}

/** Create Auth Challenge: a fresh random nonce, public (for the app, which passes it to its server) and private (for Verify). */
export async function createAuthChallenge(event) {
  if (event.request.challengeName !== CHALLENGE) return event;
  const nonce = randomBytes(24).toString('base64url');
  const attempt = (event.request.session ?? []).filter((c) => c.challengeName === CHALLENGE).length + 1;
  event.response.publicChallengeParameters = { facenition_nonce: nonce, attempt: String(attempt), max_attempts: String(MAX_ATTEMPTS) };
  event.response.privateChallengeParameters = { facenition_nonce: nonce };
  event.response.challengeMetadata = `FACENITION_FACE_${attempt}`;
  return event;
}

/** Verify Auth Challenge Response: the answer is the signed result; it must be valid, for this challenge, and a success. */
export async function verifyAuthChallenge(event) {
  event.response.answerCorrect = false;
  const expected = event.request.privateChallengeParameters?.facenition_nonce;
  if (event.request.userNotFound || typeof expected !== 'string' || !expected) return event;
  const s = settings();
  let claims;
  try {
    claims = verifySignedResult(event.request.challengeAnswer, { ...s, nonce: expected });
  } catch (err) {
    console.log(`Facenition signed result refused: ${err instanceof SignedResultError ? err.message : 'error'}`);
    return event;
  }
  if (claims.outcome !== 'authenticated') return event;
  if (s.tokenRefAttribute !== 'none') {
    const ref = event.request.userAttributes?.[s.tokenRefAttribute];
    if (typeof ref !== 'string' || !sameText(ref, claims.sub)) {
      console.log('Facenition signed result refused: it names another identity token than the one enrolled for this user');
      return event;
    }
  }
  event.response.answerCorrect = true;
  return event;
}

/** One function for all three triggers, dispatched on triggerSource. */
export async function handler(event) {
  switch (event.triggerSource) {
    case 'DefineAuthChallenge_Authentication':
      return defineAuthChallenge(event);
    case 'CreateAuthChallenge_Authentication':
      return createAuthChallenge(event);
    case 'VerifyAuthChallengeResponse_Authentication':
      return verifyAuthChallenge(event);
    default:
      throw new Error(`not a custom authentication trigger: ${event.triggerSource}`);
  }
}
