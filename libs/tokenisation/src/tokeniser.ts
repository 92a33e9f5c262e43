import { hkdfSync } from 'node:crypto';
import { FacenitionError } from '@facenition/common';
import { commit, DEFAULT_CODE, DEFAULT_DECODER, open, computeTag, type DecoderSettings } from './fc-polar';
import type { Pepper } from './deployment-key';
import { DEFAULT_KDF, deriveKeys, type DerivedKeys, type KdfParams } from './kdf';
import { codeForLevel } from './levels';
import { deriveRosterKeys, memberKeys, ROSTER_TOKEN_VERSION, wipeRosterKeys, type RosterKeys } from './roster';
import {
  decodeToken,
  encodeHeader,
  encodeToken,
  SCHEME_FC_POLAR,
  TOKEN_VERSION,
  type Environment,
  type IdentityToken,
  type TokenHeader,
} from './token';

/** Randomness port (node:crypto randomBytes in production; fixed bytes in test vectors). */
export interface RandomSource {
  bytes(n: number): Uint8Array;
}

export interface GenerateInput {
  /** L2-normalised embedding (or the normalised mean of several). Never stored. */
  embedding: ArrayLike<number>;
  password: string;
  scope: string;
  environment: Environment;
  /** default accuracy level recorded in the token (1..8) */
  accuracy: number;
  /** Unix seconds, 0 = never */
  expiresAt: number;
}

export interface TokeniserOptions {
  kdf?: KdfParams;
  /**
   * Token version to mint: 2 (default; the code's K is fixed by the accuracy level) or 1 (K = 128 at
   * every level; for test vectors and compatibility tests: version-1 tokens keep verifying).
   */
  version?: 1 | 2;
  decoder?: DecoderSettings;
  /**
   * Mint a roster member token (version 3, docs/token-format.md §11) of the roster whose id (salt)
   * this is: the password and scope are the roster's, and one KDF serves the whole roster.
   */
  rosterId?: Uint8Array;
}

export interface Generated {
  token: string;
  tokenId: string;
  header: TokenHeader;
}

export async function generateIdentityToken(
  input: GenerateInput,
  pepper: Pepper,
  random: RandomSource,
  opts: TokeniserOptions = {},
): Promise<Generated> {
  const version = opts.rosterId ? ROSTER_TOKEN_VERSION : (opts.version ?? TOKEN_VERSION);
  const code = version === 1 ? DEFAULT_CODE : codeForLevel(input.accuracy);
  if (opts.rosterId && opts.rosterId.length !== 16) throw new Error('a roster id is 16 bytes');
  const header: TokenHeader = {
    version,
    scheme: SCHEME_FC_POLAR,
    kdf: opts.kdf ?? DEFAULT_KDF,
    keyId: pepper.keyId,
    environment: input.environment,
    accuracy: input.accuracy,
    expiresAt: input.expiresAt,
    salt: opts.rosterId ?? random.bytes(16),
    tokenId: random.bytes(16),
    code,
  };
  const keys = await keysFor(header, input.password, input.scope, pepper);
  try {
    return sealToken(header, keys, input.embedding, random);
  } finally {
    wipeKeys(keys);
  }
}

/** Commits a fresh key to the embedding under the header's code and derived keys, and tags the token. */
function sealToken(header: TokenHeader, keys: DerivedKeys, embedding: ArrayLike<number>, random: RandomSource): Generated {
  const { helper, key } = commit(embedding, keys, header.code, random.bytes(header.code.k / 8));
  const body = Buffer.concat([encodeHeader(header), Buffer.from(helper)]);
  const tag = computeTag(keys.macKey, body, key);
  key.fill(0);
  return { token: encodeToken({ header, helper, tag }), tokenId: Buffer.from(header.tokenId).toString('hex'), header };
}

/**
 * A roster member token from the roster's already derived keys (no KDF): what generateIdentityToken
 * does for a roster after deriveRosterKeys, for enrolling many members at once (benchmarks, imports).
 */
export function mintRosterMember(
  roster: RosterKeys,
  input: Omit<GenerateInput, 'password' | 'scope'>,
  keyId: Uint8Array,
  kdf: KdfParams,
  random: RandomSource,
): Generated {
  const header: TokenHeader = {
    version: ROSTER_TOKEN_VERSION,
    scheme: SCHEME_FC_POLAR,
    kdf,
    keyId,
    environment: input.environment,
    accuracy: input.accuracy,
    expiresAt: input.expiresAt,
    salt: roster.salt,
    tokenId: random.bytes(16),
    code: codeForLevel(input.accuracy),
  };
  const keys = memberKeys(roster, encodeHeader(header), header.tokenId, header.code.n);
  try {
    return sealToken(header, keys, input.embedding, random);
  } finally {
    wipeKeys(keys);
  }
}

/** The derived keys of a token: its own KDF (versions 1, 2) or its roster's KDF expanded for this member (version 3). */
async function keysFor(h: TokenHeader, password: string, scope: string, pepper: Pepper): Promise<DerivedKeys> {
  if (h.version !== ROSTER_TOKEN_VERSION) return deriveKeys(password, h.salt, contextOf(h, scope), h.kdf, pepper);
  const roster = await deriveRosterKeys(password, h.salt, { scope, environment: h.environment }, h.kdf, pepper);
  try {
    return memberKeys(roster, encodeHeader(h), h.tokenId, h.code.n);
  } finally {
    wipeRosterKeys(roster);
  }
}

const contextOf = (h: TokenHeader, scope: string) => ({
  version: h.version,
  scheme: h.scheme,
  scope,
  environment: h.environment,
  expiresAt: h.expiresAt,
  tokenId: h.tokenId,
});

export interface VerifyInput {
  /** the token text, or the token already decoded by the caller (saves a second parse) */
  token: string | IdentityToken;
  embedding: ArrayLike<number>;
  password: string;
  scope: string;
}

export interface Verification {
  tokenId: string;
  header: TokenHeader;
  /** the key was recovered: face close enough AND password, scope and deployment key right */
  keyRecovered: boolean;
  /** ≈ cosine similarity; present only when the key was recovered */
  score?: number;
  /** the recovered key, for scope-bound key release; present only when recovered */
  key?: Uint8Array;
}

export class UnknownPepperError extends FacenitionError {
  readonly code = 'unknown_deployment_key';
  readonly status = 400;
  constructor(keyId: string) {
    super(`token was issued under deployment key ${keyId}, which this deployment does not hold`);
  }
}

/**
 * The KDF half of a verification: the token's keys from the password, its salt and scope and the
 * deployment key. It needs no face, so a server can run it while the face is being analysed.
 */
export async function identityTokenKeys(
  token: IdentityToken | string,
  password: string,
  scope: string,
  pepperFor: (keyId: Uint8Array) => Pepper | undefined,
): Promise<DerivedKeys> {
  const t = typeof token === 'string' ? decodeToken(token) : token;
  const pepper = pepperFor(t.header.keyId);
  if (!pepper) throw new UnknownPepperError(Buffer.from(t.header.keyId).toString('hex'));
  return keysFor(t.header, password, scope, pepper);
}

/** The face half: opens the token with a probe embedding and the keys of identityTokenKeys. */
export function openIdentityToken(
  token: IdentityToken | string,
  keys: DerivedKeys,
  embedding: ArrayLike<number>,
  opts: TokeniserOptions = {},
): Verification {
  const t = typeof token === 'string' ? decodeToken(token) : token;
  const body = Buffer.concat([encodeHeader(t.header), Buffer.from(t.helper)]);
  const o = open(embedding, keys, t.header.code, t.helper, t.tag, body, opts.decoder ?? DEFAULT_DECODER);
  return { tokenId: Buffer.from(t.header.tokenId).toString('hex'), header: t.header, keyRecovered: !!o.key, score: o.score, key: o.key };
}

/** Verifies a probe embedding against a token (both halves). Expiry and revocation are the caller's policy checks. */
export async function verifyIdentityToken(
  input: VerifyInput,
  pepperFor: (keyId: Uint8Array) => Pepper | undefined,
  opts: TokeniserOptions = {},
): Promise<Verification> {
  const keys = await identityTokenKeys(input.token, input.password, input.scope, pepperFor);
  try {
    return openIdentityToken(input.token, keys, input.embedding, opts);
  } finally {
    wipeKeys(keys);
  }
}

/** Zeroes derived keys once used. */
export function wipeKeys(keys: DerivedKeys): void {
  keys.rotationSeed.fill(0);
  keys.macKey.fill(0);
  keys.mask?.fill(0);
}

/**
 * The deployment keys a server holds: the current one (new tokens) and retired ones that still
 * verify the tokens issued under them (pepper rotation).
 */
export class PepperRing {
  constructor(
    readonly current: Pepper,
    readonly previous: readonly Pepper[] = [],
  ) {
    const ids = [current, ...previous].map((p) => Buffer.from(p.keyId).toString('hex'));
    if (new Set(ids).size !== ids.length) throw new Error('the same deployment key is configured twice');
  }

  get all(): Pepper[] {
    return [this.current, ...this.previous];
  }

  find = (keyId: Uint8Array): Pepper | undefined => this.all.find((p) => Buffer.from(p.keyId).equals(Buffer.from(keyId)));
}

/** Face-sealed data: a stable, scope-bound 32-byte secret derived from a recovered key and a caller label. */
export function releaseKey(key: Uint8Array, tokenId: Uint8Array, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, tokenId, `facenition release ${label}`, 32));
}
