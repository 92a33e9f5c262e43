import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AuthRateLimiter, CLOCK, safeEqual, type ClientPrincipal, type Clock } from '@facenition/clients';
import { DATA_SOURCE } from '@facenition/database';
import { passesLivenessGate } from '@facenition/face';
import {
  deriveRosterKeys,
  identifyInRoster,
  ROSTER_TOKEN_VERSION,
  rosterThreshold,
  rotationsFor,
  TOKEN_LEVELS,
  wipeRosterKeys,
  type IdentityToken,
  type PepperRing,
  type RosterKeys,
} from '@facenition/tokenisation';
import type { DataSource } from 'typeorm';
import { badRequest } from '../common/api-error';
import { APP_CONFIG, type AppConfig } from '../config';
import { ThresholdService } from '../face/calibration.service';
import { FaceService } from '../face/face.service';
import { parseToken, tokenDigest } from './identity-token.codec';
import { IdentityTokenRepository } from './identity-token.repository';
import { PEPPER } from './identity-token.service';
import { KdfGate } from './kdf-gate';

export interface IdentifyInput {
  tokens: string[];
  password: string;
  scope: string;
  accuracy?: number;
}

export type Exclusion = 'revoked' | 'expired' | 'unknown' | 'altered' | 'wrong_environment';

export interface IdentifyOutcome {
  identified: boolean;
  reason?: 'no_match' | 'not_live';
  matches: { tokenId: Buffer; score: number }[];
  rosterId: string;
  rosterSize: number;
  excluded: Record<Exclusion, number>;
  threshold: number;
  calibration: string;
  accuracy: number;
  expectedFpir: number;
  capped: boolean;
}

/** Members identified per slice before the event loop gets a turn (a slice is ~20-60 ms of decoding). */
const SLICE = 250;

/**
 * 1:N identification over a roster's identity tokens (docs/token-format.md §11): one face analysis
 * and one key derivation per search, then each member's first pass and, for the few it lets
 * through, the list decoder. Failed searches are counted per roster and per client in
 * auth_failures (shared by every replica), and each search is one audit record (the controller).
 */
@Injectable()
export class RosterService {
  private readonly perRoster: AuthRateLimiter;
  private readonly perClient: AuthRateLimiter;

  constructor(
    private readonly faces: FaceService,
    private readonly tokens: IdentityTokenRepository,
    @Inject(PEPPER) private readonly peppers: PepperRing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly now: Clock,
    @Inject(DATA_SOURCE) ds: DataSource,
    private readonly kdf: KdfGate,
    private readonly thresholds: ThresholdService,
  ) {
    const windowSeconds = config.identifyWindowSeconds;
    this.perRoster = new AuthRateLimiter({ maxFailures: config.identifyRosterFailures, windowSeconds }, now, ds);
    this.perClient = new AuthRateLimiter({ maxFailures: config.identifyClientFailures, windowSeconds }, now, ds);
  }

  /** The roster's members, parsed and checked to be one roster (refused with 400 before any work). */
  private members(texts: string[]): { members: { t: IdentityToken; text: string }[]; rosterId: string } {
    if (texts.length > this.config.identifyMaxTokens)
      throw badRequest(
        `'tokens' holds more than ${this.config.identifyMaxTokens} tokens (FACENITION_IDENTIFY_MAX_TOKENS)`,
        'invalid_field',
      );
    const seen = new Set<string>();
    const members: { t: IdentityToken; text: string }[] = [];
    let first: IdentityToken | undefined;
    texts.forEach((text, i) => {
      const t = parseToken(text, this.config.kdfMaxLog2N, `tokens[${i}]`);
      if (t.header.version !== ROSTER_TOKEN_VERSION)
        throw badRequest(`'tokens[${i}]' is not a roster member token (enrol members with /generate roster=…)`, 'not_a_roster');
      first ??= t;
      const h = t.header;
      const f = first.header;
      if (
        !Buffer.from(h.salt).equals(Buffer.from(f.salt)) ||
        !Buffer.from(h.keyId).equals(Buffer.from(f.keyId)) ||
        h.kdf.log2N !== f.kdf.log2N
      )
        throw badRequest(`'tokens[${i}]' belongs to another roster than 'tokens[0]': send one roster per call`, 'mixed_rosters');
      const id = Buffer.from(h.tokenId).toString('hex');
      if (seen.has(id)) return; // the same member twice: searched once
      seen.add(id);
      members.push({ t, text });
    });
    return { members, rosterId: Buffer.from(first!.header.salt).toString('hex') };
  }

  /** Members that may take part: issued here to this tenant, unaltered, not revoked, not expired, of the caller's environment. */
  private async eligible(principal: ClientPrincipal, all: { t: IdentityToken; text: string }[]) {
    const excluded: Record<Exclusion, number> = { revoked: 0, expired: 0, unknown: 0, altered: 0, wrong_environment: 0 };
    const rows = await this.tokens.members(all.map((m) => Buffer.from(m.t.header.tokenId)));
    const now = Math.floor(this.now().getTime() / 1000);
    const members = all.filter(({ t, text }) => {
      const row = rows.get(Buffer.from(t.header.tokenId).toString('hex'));
      let why: Exclusion | undefined;
      if (t.header.environment !== principal.environment) why = 'wrong_environment';
      else if (!row || row.tenant !== principal.tenant) why = 'unknown';
      else if (!row.digest || !safeEqual(row.digest, tokenDigest(text))) why = 'altered';
      else if (row.revoked) why = 'revoked';
      else if (t.header.expiresAt && t.header.expiresAt <= now) why = 'expired';
      if (why) excluded[why]++;
      return !why;
    });
    return { members: members.map((m) => m.t), excluded };
  }

  private limitKeys(principal: ClientPrincipal, rosterId: string) {
    const tenant = createHash('sha256').update(principal.tenant).digest('hex').slice(0, 16);
    return { roster: `roster:${tenant}:${rosterId}`, client: `identify:${principal.clientId}` };
  }

  async identify(principal: ClientPrincipal, image: Buffer, input: IdentifyInput, signal?: AbortSignal): Promise<IdentifyOutcome> {
    const { members: all, rosterId } = this.members(input.tokens);
    const keyId = all[0].t.header.keyId;
    const pepper = this.peppers.find(keyId);
    if (!pepper) {
      const id = Buffer.from(keyId).toString('hex');
      throw badRequest(`the roster was issued under deployment key ${id}, which this deployment does not hold`, 'unknown_deployment_key');
    }
    const highest = Math.max(...all.map((m) => m.t.header.accuracy));
    const accuracy = input.accuracy ?? highest;
    if (accuracy < highest)
      throw badRequest(
        `accuracy ${accuracy} is below the level of a member (${highest}): identify at ${highest} or higher (or omit accuracy)`,
        'accuracy_below_token_level',
      );
    const keys = this.limitKeys(principal, rosterId);
    await this.perClient.check(keys.client, 'too many failed identifications by this client; retry later');
    await this.perRoster.check(keys.roster, 'too many failed identifications on this roster; retry later');

    const { members, excluded } = await this.eligible(principal, all);
    const table = TOKEN_LEVELS.map((l) => ({
      level: l.level,
      targetFmr: l.targetFmr,
      threshold: this.thresholds.token(l.level).threshold,
    }));
    const rule = rosterThreshold(accuracy, Math.max(1, members.length), table);
    const base = {
      matches: [] as { tokenId: Buffer; score: number }[],
      rosterId,
      rosterSize: members.length,
      excluded,
      threshold: rule.threshold,
      calibration: this.thresholds.token(accuracy).calibration,
      accuracy,
      expectedFpir: rule.expectedFpir,
      capped: rule.capped,
    };
    if (members.length === 0) return { ...base, identified: false, reason: 'no_match' };

    this.kdf.assertRoom();
    const h = members[0].header;
    const pending = this.kdf.run(() =>
      deriveRosterKeys(input.password, h.salt, { scope: input.scope, environment: h.environment }, h.kdf, pepper),
    );
    pending.catch(() => undefined);
    let probe;
    try {
      probe = await this.faces.analyze(image, 'photo', { embed: true, liveness: this.config.livenessGate }, true, signal);
    } catch (err) {
      void pending.then(wipeRosterKeys, () => undefined);
      throw err;
    }
    let roster: RosterKeys | undefined;
    try {
      const gate = this.config.livenessGate ? this.config.livenessGateThreshold : null;
      if (!passesLivenessGate(probe, gate)) {
        await this.failed(keys);
        return { ...base, identified: false, reason: 'not_live' };
      }
      roster = await pending;
      const rotations = rotationsFor(roster.rotationSeed, h.code);
      const found: { tokenId: Buffer; score: number }[] = [];
      for (let from = 0; from < members.length; from += SLICE) {
        if (signal?.aborted) throw signal.reason;
        if (from > 0) await new Promise((r) => setImmediate(r)); // other requests get the event loop between slices
        const slice = members.slice(from, from + SLICE);
        const r = identifyInRoster(roster, slice, probe.embedding!, { rotations });
        for (const m of r.matches)
          if (m.score >= rule.threshold) found.push({ tokenId: Buffer.from(slice[m.index].header.tokenId), score: round(m.score) });
      }
      found.sort((a, b) => b.score - a.score);
      if (found.length === 0) {
        await this.failed(keys);
        return { ...base, identified: false, reason: 'no_match' };
      }
      return { ...base, identified: true, matches: found };
    } finally {
      probe.embedding!.fill(0);
      if (roster) wipeRosterKeys(roster);
      else void pending.then(wipeRosterKeys, () => undefined);
    }
  }

  private async failed(keys: { roster: string; client: string }): Promise<void> {
    await this.perRoster.fail(keys.roster);
    await this.perClient.fail(keys.client);
  }
}

const round = (x: number) => Math.round(x * 10000) / 10000;
