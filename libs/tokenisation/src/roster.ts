import { createCipheriv, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Pepper } from './deployment-key';
import {
  applyMask,
  computeTag,
  DEFAULT_DECODER,
  pack,
  polarFor,
  probeSoft,
  rotationsFor,
  scoreOf,
  unpack,
  type DecoderSettings,
} from './fc-polar';
import { stretchPassword, type DerivedKeys, type KdfParams } from './kdf';
import type { Rotation } from './rotation';
import { encodeHeader, HEADER_BYTES, SCHEME_FC_POLAR, type Environment, type IdentityToken, type CodeParams } from './token';

/**
 * Roster member tokens (token version 3, docs/token-format.md §11): tokens enrolled with a roster's
 * shared secret, scope and salt, so that one password KDF opens the whole roster and the probe is
 * projected once for all its members.
 *
 * What the roster shares: the salt (the roster id), the KDF parameters, the deployment key, the
 * environment, the scope and the secret, hence one KDF output (`master`) and one projection (the
 * rotations). What stays per token: the token id, the expiry, the default level and its code, the
 * key, the helper and the tag, a MAC key bound to the token's header, and an N-bit mask bound to the
 * token id that is XORed into the helper. Without the master the masks are pseudo-random and
 * independent, so the helpers of two members (even of one person enrolled twice) look unrelated.
 */
export const ROSTER_TOKEN_VERSION = 3;

export interface RosterContext {
  scope: string;
  environment: Environment;
}

/** The KDF output of a roster, from which every member's keys are expanded. Wipe with wipeRosterKeys. */
export interface RosterKeys {
  salt: Buffer;
  master: Buffer;
  rotationSeed: Buffer;
}

const LP = (parts: Buffer[]): Buffer => Buffer.concat(parts.flatMap((p) => [Buffer.from(Uint32Array.of(p.length).buffer), p]));

/** ctx = LP("facenition-roster") ‖ LP([3, scheme]) ‖ LP(utf8(scope)) ‖ LP(ascii(environment)) */
export function rosterContextBytes(c: RosterContext): Buffer {
  return LP([
    Buffer.from('facenition-roster'),
    Buffer.from([ROSTER_TOKEN_VERSION, SCHEME_FC_POLAR]),
    Buffer.from(c.scope, 'utf8'),
    Buffer.from(c.environment),
  ]);
}

/** master = HMAC-SHA256(pepper, scrypt(password, salt ‖ ctx)); rot_seed = HKDF(master, salt, "facenition roster rotation"). */
export async function deriveRosterKeys(
  password: string,
  salt: Uint8Array,
  ctx: RosterContext,
  kdf: KdfParams,
  pepper: Pick<Pepper, 'hmac'>,
): Promise<RosterKeys> {
  if (salt.length !== 16) throw new Error('roster salt must be 16 bytes');
  const stretched = await stretchPassword(password, Buffer.concat([Buffer.from(salt), rosterContextBytes(ctx)]), kdf);
  const master = pepper.hmac(stretched);
  stretched.fill(0);
  const s = Buffer.from(salt);
  return { salt: s, master, rotationSeed: Buffer.from(hkdfSync('sha256', master, s, 'facenition roster rotation', 32)) };
}

export function wipeRosterKeys(k: RosterKeys): void {
  k.master.fill(0);
  k.rotationSeed.fill(0);
}

/** K_mac of one member: HKDF(master, salt, "facenition roster mac" ‖ header bytes 0..55). */
export function memberMacKey(roster: RosterKeys, header: Uint8Array): Buffer {
  if (header.length !== HEADER_BYTES) throw new Error(`header must be ${HEADER_BYTES} bytes`);
  return Buffer.from(hkdfSync('sha256', roster.master, roster.salt, Buffer.concat([Buffer.from('facenition roster mac'), header]), 32));
}

/** The member's mask: AES-256-CTR keystream (zero IV) of N/8 bytes under HKDF(master, salt, "facenition roster mask" ‖ token id). */
export function memberMask(roster: RosterKeys, tokenId: Uint8Array, n: number): Buffer {
  const seed = Buffer.from(
    hkdfSync('sha256', roster.master, roster.salt, Buffer.concat([Buffer.from('facenition roster mask'), tokenId]), 32),
  );
  const c = createCipheriv('aes-256-ctr', seed, Buffer.alloc(16));
  const out = c.update(Buffer.alloc(n / 8));
  seed.fill(0);
  return out;
}

/** The DerivedKeys of one member (for generate / a 1:1 verification of a roster token). */
export function memberKeys(roster: RosterKeys, header: Uint8Array, tokenId: Uint8Array, n: number): DerivedKeys {
  return { rotationSeed: Buffer.from(roster.rotationSeed), macKey: memberMacKey(roster, header), mask: memberMask(roster, tokenId, n) };
}

export interface IdentifyOptions {
  decoder?: DecoderSettings;
  /** false: every member list-decoded in full (no first pass) */
  firstPass?: boolean;
  /** the first pass's cut (FIRST_PASS.z by default); bench:identify varies it */
  firstPassZ?: number;
  /** the shared rotations, when the caller keeps them across calls */
  rotations?: readonly Rotation[];
  /** called with each first-pass z (evaluations: bench:identify) */
  onFirstPass?: (index: number, z: number) => void;
}

export interface MemberMatch {
  index: number;
  score: number;
}

export interface IdentifyStats {
  members: number;
  /** members the first pass set aside without list decoding */
  firstPassRejected: number;
  /** members list-decoded in full */
  decoded: number;
}

/**
 * The first pass (docs/token-format.md §11). Each member's decoder input is run through successive
 * cancellation (a list of one) up to its `infoBits`-th information bit; the path metric there is
 * small for the member the probe belongs to and about the same for every other member. Within one
 * search the probe is the same for all members, so the metrics of one level's members are compared
 * with each other: robust z = (metric − median) / MAD. Only members at or below `z` are
 * list-decoded in full; groups smaller than `minMembers` are all decoded (their median says
 * little). Measured on LFW (`npm run bench:identify -- --parts first-pass`, docs/benchmarks.md):
 * after 32 information bits the genuine members whose keys the list decoder recovers lay at z −7.0
 * or below, but for one (level 5, z −1.0: its SC path left the right codeword early); 1 of 1,161
 * such keys was lost, and 0.6-1.8 % of impostor members pass the cut. After 8 bits (the first
 * setting) the separation was smaller and one level-7 key was lost (z −2.1).
 */
export const FIRST_PASS = { infoBits: 32, z: -4, minMembers: 32 } as const;

/**
 * 1:N: one probe embedding against the members of one roster (all with the roster's salt, KDF and
 * deployment key; the caller checks that). The probe is projected once; per member: its mask, an
 * XOR and the first pass; the members it selects are list-decoded and checked against their tags.
 * Returns every member whose key was recovered, with its score.
 */
export function identifyInRoster(
  roster: RosterKeys,
  members: readonly IdentityToken[],
  probe: ArrayLike<number>,
  opts: IdentifyOptions = {},
): { matches: MemberMatch[]; stats: IdentifyStats } {
  const stats: IdentifyStats = { members: members.length, firstPassRejected: 0, decoded: 0 };
  if (members.length === 0) return { matches: [], stats };
  const d = opts.decoder ?? DEFAULT_DECODER;
  const p0: CodeParams = members[0].header.code;
  for (const t of members) {
    const c = t.header.code;
    if (c.n !== p0.n || c.rotations !== p0.rotations || c.dim !== p0.dim) throw new Error('roster members must share the projection');
  }
  const rotations = opts.rotations ?? rotationsFor(roster.rotationSeed, p0);
  const { z, mag } = probeSoft(probe, p0, d, rotations);
  const n = p0.n;
  // probe sign bits, packed MSB first like the helper
  const probeBits = new Uint8Array(n / 8);
  for (let i = 0; i < n; i++) if (z[i] < 0) probeBits[i >> 3] |= 1 << (7 - (i & 7));
  const llr = new Float64Array(n);
  const y = new Uint8Array(n / 8);
  /** the decoder input of member j into llr; its mask */
  const input = (t: IdentityToken): Buffer => {
    const mask = memberMask(roster, t.header.tokenId, n);
    for (let b = 0; b < y.length; b++) y[b] = probeBits[b] ^ t.helper[b] ^ mask[b];
    for (let i = 0; i < n; i++) llr[i] = (y[i >> 3] >> (7 - (i & 7))) & 1 ? -mag[i] : mag[i];
    return mask;
  };

  // first pass, per level (each level's code has its own metric scale)
  const selected = new Uint8Array(members.length).fill(1);
  if (opts.firstPass !== false) {
    const cut = opts.firstPassZ ?? FIRST_PASS.z;
    const groups = new Map<number, number[]>();
    members.forEach((t, j) => {
      const group = groups.get(t.header.code.k);
      if (group) group.push(j);
      else groups.set(t.header.code.k, [j]);
    });
    for (const [k, idx] of groups) {
      if (idx.length < FIRST_PASS.minMembers) continue;
      const code = polarFor(members[idx[0]].header.code);
      const stop = new Float64Array(k).fill(NaN);
      const at = Math.min(FIRST_PASS.infoBits, k) - 1;
      stop[at] = -Infinity;
      const trace = new Float64Array(k);
      const metric = new Float64Array(idx.length);
      idx.forEach((j, q) => {
        input(members[j]);
        code.decodeListBounded(llr, 1, stop, trace);
        metric[q] = trace[at];
      });
      const median = medianOf(metric);
      const mad = medianOf(metric.map((v) => Math.abs(v - median))) || 1e-9;
      idx.forEach((j, q) => {
        const zj = (metric[q] - median) / mad;
        opts.onFirstPass?.(j, zj);
        if (zj > cut) {
          selected[j] = 0;
          stats.firstPassRejected++;
        }
      });
    }
  }

  const matches: MemberMatch[] = [];
  members.forEach((t, index) => {
    if (!selected[index]) return;
    const c = t.header.code;
    const code = polarFor(c);
    const mask = input(t);
    stats.decoded++;
    const candidates = code.decodeList(llr, d.listSize);
    const headerBytes = encodeHeader(t.header);
    const macKey = memberMacKey(roster, headerBytes);
    const body = Buffer.concat([headerBytes, Buffer.from(t.helper)]);
    try {
      for (const cand of candidates) {
        const key = pack(cand);
        const tag = computeTag(macKey, body, key);
        key.fill(0);
        if (tag.length === t.tag.length && timingSafeEqual(tag, t.tag)) {
          matches.push({ index, score: scoreOf(code, cand, unpack(applyMask(t.helper, mask), n), z, c) });
          return;
        }
      }
    } finally {
      macKey.fill(0);
    }
  });
  return { matches, stats };
}

function medianOf(v: Float64Array): number {
  const s = Float64Array.from(v).sort();
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}
