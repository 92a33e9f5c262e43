import { createHmac, hkdfSync } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, compactVerify, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import type { RelyingParty } from './relying-parties';

/** Who an authorization is for, as asserted by the relying party (never typed by the user). */
export interface Subject {
  /** The id_token's `sub`: Entra's pairwise sub (EAM), or a stable per-relying-party pseudonym. */
  accountId: string;
  /** Key of the enrolment (HMAC of relying party and subject: Entra tid+oid, or the login_hint's sub). */
  enrolmentKey: Buffer;
  /** A name to greet the user with (preferred_username), when the relying party sent one. */
  displayName?: string;
  /** The id_token's preferred_username (standard relying parties): the hint's preferred_username, else the user id it named. */
  username?: string;
  /** Named by an unsigned login_hint: the face may be verified, never enrolled (enrolment is by invitation). */
  unsigned?: boolean;
}

export class SubjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubjectError';
  }
}

/** The names enrolments are keyed by: Entra accounts link on tenant + object id; login_hint subjects on their sub. */
export const entraSubjectName = (tid: string, oid: string): string => `entra:${tid.toLowerCase()}:${oid.toLowerCase()}`;
export const loginHintSubjectName = (sub: string): string => `sub:${sub}`;

const remoteSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/**
 * `root` is a random server secret created once in the database (stable across deployment-key
 * rotations): subject keys pseudonymise subjects in the enrolment table and the audit log; they are
 * not secret from someone holding the database.
 */
export function subjectKey(root: Buffer, clientId: string, subject: string): Buffer {
  const k = Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), 'facenition oidc subject', 32));
  try {
    return createHmac('sha256', k).update(clientId).update('\u0000').update(subject).digest();
  } finally {
    k.fill(0);
  }
}

/**
 * The identity token's secret for relying parties that do not ask for a PIN. Opening the token
 * still needs the deployment key (it is mixed into the key derivation) and the face.
 */
export function derivedSecret(root: Buffer, clientId: string, enrolmentKey: Buffer): string {
  const k = Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), 'facenition oidc derived secret', 32));
  try {
    return createHmac('sha256', k).update(clientId).update(enrolmentKey).digest('base64url');
  } finally {
    k.fill(0);
  }
}

/**
 * Microsoft Entra ID's id_token_hint: signed by the tenant and issued already expired, so its
 * freshness is judged by `iat` (within max_age_seconds, not in the future beyond a small skew);
 * `iss` must be the configured tenant issuer and `aud` the configured App ID. Accounts link on
 * tid + oid; the id_token's `sub` is the hint's (pairwise) `sub`.
 */
async function entraSubject(rp: RelyingParty, root: Buffer, hint: string, now: Date): Promise<Subject> {
  const src = rp.settings.subject;
  if (src.kind !== 'entra_hint') throw new SubjectError('this relying party does not take an Entra id_token_hint');
  let keys;
  if (src.jwks) keys = createLocalJWKSet(src.jwks);
  else {
    const url = src.jwks_uri!;
    keys = remoteSets.get(url) ?? createRemoteJWKSet(new URL(url), { cacheMaxAge: 3_600_000, timeoutDuration: 5000 });
    remoteSets.set(url, keys);
  }
  try {
    await compactVerify(hint, keys, { algorithms: ['RS256'] });
  } catch {
    throw new SubjectError('the id_token_hint is not signed by a key of the configured tenant');
  }
  const claims: JWTPayload & { tid?: unknown; oid?: unknown; preferred_username?: unknown } = decodeJwt(hint);
  if (claims.iss !== src.issuer) throw new SubjectError('the id_token_hint comes from another issuer');
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(src.audience)) throw new SubjectError('the id_token_hint is for another audience');
  const iat = typeof claims.iat === 'number' ? claims.iat * 1000 : NaN;
  const age = now.getTime() - iat;
  if (!Number.isFinite(iat) || age > src.max_age_seconds * 1000 || age < -60_000) throw new SubjectError('the id_token_hint is too old');
  if (typeof claims.sub !== 'string' || typeof claims.oid !== 'string' || typeof claims.tid !== 'string') {
    throw new SubjectError('the id_token_hint lacks sub, oid or tid');
  }
  return {
    accountId: claims.sub,
    enrolmentKey: subjectKey(root, rp.client_id, entraSubjectName(claims.tid, claims.oid)),
    ...(typeof claims.preferred_username === 'string' ? { displayName: claims.preferred_username } : {}),
  };
}

/** A login_hint JWT signed by the relying party with its client secret (HS256): iss = client_id, aud = the issuer, fresh iat, sub. */
async function loginHintSubject(
  rp: RelyingParty,
  secret: string | null,
  root: Buffer,
  hint: string,
  issuer: string,
  now: Date,
): Promise<Subject> {
  const src = rp.settings.subject;
  if (src.kind !== 'login_hint_jwt' || !secret) throw new SubjectError('this relying party does not take a login_hint JWT');
  let payload: JWTPayload & { preferred_username?: unknown };
  try {
    ({ payload } = await jwtVerify(hint, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      issuer: rp.client_id,
      audience: issuer,
      currentDate: now,
      maxTokenAge: src.max_age_seconds,
      requiredClaims: ['sub', 'iat'],
    }));
  } catch {
    throw new SubjectError('the login_hint is not a valid, fresh JWT signed by this relying party');
  }
  const sub = payload.sub!;
  const key = subjectKey(root, rp.client_id, loginHintSubjectName(sub));
  const username = typeof payload.preferred_username === 'string' ? payload.preferred_username : sub;
  return { accountId: standardAccountId(key), enrolmentKey: key, displayName: username, username };
}

/** The id_token's `sub` for a standard relying party's user: a stable pseudonym. */
const standardAccountId = (key: Buffer): string => `fs_${key.subarray(0, 18).toString('base64url')}`;

/** What an unsigned login_hint may be: a user name or id (printable, no spaces at the ends, at most 256 characters). */
const NAME_HINT = /^[^\s\p{Cc}](?:[^\p{Cc}]{0,254}[^\s\p{Cc}])?$/u;

/** A plain login_hint naming the user (IdPs that cannot sign one): selects the enrolment, never creates one. */
function nameHintSubject(rp: RelyingParty, root: Buffer, hint: string): Subject {
  if (!NAME_HINT.test(hint)) throw new SubjectError('the login_hint is not a user name');
  const key = subjectKey(root, rp.client_id, loginHintSubjectName(hint));
  return { accountId: standardAccountId(key), enrolmentKey: key, displayName: hint, username: hint, unsigned: true };
}

/** The subject an enrolment invitation names (standard relying parties: the user id of the login_hint). */
export function invitedSubject(rp: RelyingParty, root: Buffer, subject: string): Subject {
  const key = subjectKey(root, rp.client_id, loginHintSubjectName(subject));
  return { accountId: standardAccountId(key), enrolmentKey: key };
}

/** The subject of an authorization request, from the relying party's hint; throws SubjectError when there is none valid. */
export function resolveSubject(
  rp: RelyingParty,
  secret: string | null,
  root: Buffer,
  params: Record<string, unknown>,
  issuer: string,
  now: Date,
): Promise<Subject> {
  if (rp.settings.subject.kind === 'entra_hint') {
    const hint = params.facenition_id_token_hint;
    if (typeof hint !== 'string' || !hint) throw new SubjectError('the request carries no id_token_hint');
    return entraSubject(rp, root, hint, now);
  }
  const hint = params.login_hint;
  if (typeof hint !== 'string' || !hint) throw new SubjectError('the request carries no login_hint');
  if (rp.settings.subject.kind === 'login_hint_name') return Promise.resolve(nameHintSubject(rp, root, hint));
  return loginHintSubject(rp, secret, root, hint, issuer, now);
}
