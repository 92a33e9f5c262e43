import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { evaluateLicense, type License, type LicenseState } from '@facenition/license';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../common/api-error';
import { APP_CONFIG, type AppConfig } from '../config';
import { MetricsService } from '../metrics/metrics.service';
import { LicenseRepository } from './license.repository';

/** The verified licence (undefined = none), loaded by createApp before anything else starts. */
export const LICENSE = Symbol('LICENSE');

const month = (d = new Date()) => d.toISOString().slice(0, 7);
const HEARTBEAT_MS = 30_000;

/**
 * The offline licence: verified once at start (a tampered, wrongly signed or malformed file stops
 * the server), evaluated on every use, so a running server moves into grace and expiry on time.
 * No licence = developer edition. Expired past grace: new enrolments refused, verification kept.
 */
@Injectable()
export class LicenseService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('License');
  private timer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private readonly instanceId = randomUUID();
  private activeReplicas = 1;
  private lastWarnings = '';

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LICENSE) private readonly license: License | undefined,
    private readonly repo: LicenseRepository,
    private readonly metrics: MetricsService,
  ) {
    // the licence gauges are computed when Prometheus scrapes, not on every call
    metrics.licenseState = () => this.state();
  }

  state(now = new Date()): LicenseState {
    return evaluateLicense(this.license, now, { graceDays: this.config.licenseGraceDays });
  }

  async onModuleInit(): Promise<void> {
    await this.beat();
    const s = this.report(true);
    // without a licence the warning logged by report() says so
    if (this.license) {
      this.logger.log(`licence ${s.license_id} for ${s.customer}: ${s.edition} edition, ${s.status}, valid until ${s.not_after}`);
    }
    // re-checked every hour: warnings are repeated at least daily, and at once when they change;
    // instance rows not seen for a day are removed then too
    this.timer = setInterval(() => {
      this.report(false);
      this.repo.pruneInstances().catch(() => undefined);
    }, 3_600_000);
    this.timer.unref();
    this.heartbeat = setInterval(() => {
      this.beat().catch(() => this.logger.warn('replica heartbeat failed (database unreachable?)'));
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    // the row is left to age out (3 beats): the database may already be closing here
    if (this.timer) clearInterval(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  /**
   * Replica heartbeat: counts the instances seen in the last three beats against max_replicas.
   * Over the limit is reported (log, metric, GET /license), never enforced by refusing calls.
   */
  async beat(): Promise<void> {
    this.activeReplicas = await this.repo.heartbeat(this.instanceId, (3 * HEARTBEAT_MS) / 1000);
    this.metrics.replicas.set(this.activeReplicas);
    const max = this.state().limits.max_replicas;
    if (max !== undefined && this.activeReplicas > max) {
      this.logger.error(`${this.activeReplicas} replicas are running; the licence allows ${max}. Scale down or renew the licence`);
    }
  }

  get replicas(): number {
    return this.activeReplicas;
  }

  private report(first: boolean): LicenseState {
    const s = this.state();
    const text = s.warnings.join(' | ');
    const daily = new Date().getUTCHours() === 0;
    if (s.warnings.length && (first || daily || text !== this.lastWarnings)) {
      // expiry is an error (grace, expired); the rest (none, soon to expire, not yet valid) a warning
      for (const w of s.warnings) {
        if (s.status === 'grace' || s.status === 'expired') this.logger.error(w);
        else this.logger.warn(w);
      }
    }
    this.lastWarnings = text;
    return s;
  }

  /** Counts one metered call against the licence's monthly limit (deployment-wide); refuses past it. */
  async consumeCall(): Promise<void> {
    const { edition, limits } = this.state();
    const limit = limits.calls_per_month;
    if (limit === undefined) return;
    const calls = await this.repo.consumeCall(month(), limit);
    if (calls === null) {
      this.metrics.quotaRefused.inc({ limit: 'license' });
      this.metrics.licenseCalls.set(limit);
      throw new ApiError(
        429,
        `the licence's limit of ${limit} calls per month is used up (${edition} edition); it resets at the start of next month (UTC). Install an enterprise licence to lift it`,
        'license_limit',
      );
    }
    this.metrics.licenseCalls.set(calls);
  }

  /** New enrolments need a licence that is valid or in grace (or none: developer edition). */
  assertEnrolment(): void {
    const s = this.state();
    if (s.enrolment) return;
    throw new ApiError(
      403,
      `the licence expired on ${s.not_after} and its grace period ended on ${s.grace_ends_at}: new enrolments are refused until it is renewed (verification continues)`,
      'license_expired',
    );
  }

  async usage(): Promise<{ month: string; calls: number; limit: number | null }> {
    const m = month();
    return { month: m, calls: await this.repo.callsIn(m), limit: this.state().limits.calls_per_month ?? null };
  }
}
