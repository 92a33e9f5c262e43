import { parseIsoDateTime } from '@facenition/common';
import type { Edition, License, LicenseLimits } from './license-file';

/** No licence, or one not yet in force: the Developer tier (sandbox and production tokens). */
export const DEVELOPER_LIMITS: Readonly<LicenseLimits> = Object.freeze({ calls_per_month: 1000 });
/** Days after not_after during which an expired licence keeps working, with warnings. */
export const DEFAULT_GRACE_DAYS = 30;
/** A valid licence starts warning this many days before not_after. */
export const DEFAULT_WARN_DAYS = 30;

const DAY_MS = 86_400_000;

export type LicenseStatus = 'none' | 'valid' | 'not_yet_valid' | 'grace' | 'expired';

export interface EvaluateOptions {
  graceDays: number;
  /** default {@link DEFAULT_WARN_DAYS} */
  warnDays?: number;
}

/** What the server enforces and what GET /license and the metrics show. No secrets. */
export interface LicenseState {
  status: LicenseStatus;
  /** edition in effect (enforced and reported) */
  edition: Edition;
  /** limits in effect; an absent limit means unlimited */
  limits: LicenseLimits;
  /** features in effect */
  features: string[];
  /** new enrolments allowed */
  enrolment: boolean;
  /** verification allowed: always true, a licence never locks people out of logging in */
  verification: boolean;
  license_id: string | null;
  customer: string | null;
  /** id of the vendor key that signed the licence */
  key_id: string | null;
  not_before: string | null;
  not_after: string | null;
  issued_at: string | null;
  /** not_after + grace days */
  grace_ends_at: string | null;
  /**
   * Whole days, rounded up: until not_after when valid or not yet valid, until grace_ends_at in
   * grace, 0 when expired, null without a licence.
   */
  days_remaining: number | null;
  warnings: string[];
}

const when = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/:\d\d(\.\d+)?Z$/, ' UTC')
    .replace('T', ' ');
const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`;
const daysUntil = (deadline: number, now: number): number => Math.ceil((deadline - now) / DAY_MS);

function instant(value: string, field: string): number {
  const d = parseIsoDateTime(value);
  if (!d) throw new RangeError(`licence ${field} is not a timestamp`);
  return d.getTime();
}

function licensedLimits(license: License): LicenseLimits {
  const limits: LicenseLimits = license.edition === 'developer' ? { ...DEVELOPER_LIMITS } : {};
  if (license.limits.calls_per_month !== undefined) limits.calls_per_month = license.limits.calls_per_month;
  if (license.limits.max_replicas !== undefined) limits.max_replicas = license.limits.max_replicas;
  return limits;
}

/**
 * The licence state at `now`. Pure. Intervals are half-open: valid on [not_before, not_after),
 * grace on [not_after, not_after + graceDays), expired from then on.
 */
export function evaluateLicense(license: License | undefined, now: Date, opts: EvaluateOptions): LicenseState {
  const t = now.getTime();
  if (Number.isNaN(t)) throw new RangeError('evaluateLicense: `now` is an invalid Date');
  const { graceDays, warnDays = DEFAULT_WARN_DAYS } = opts;
  if (!Number.isInteger(graceDays) || graceDays < 0) throw new RangeError('evaluateLicense: graceDays must be a whole number >= 0');
  if (!Number.isInteger(warnDays) || warnDays < 0) throw new RangeError('evaluateLicense: warnDays must be a whole number >= 0');

  if (!license) {
    return {
      status: 'none',
      edition: 'developer',
      limits: { ...DEVELOPER_LIMITS },
      features: [],
      enrolment: true,
      verification: true,
      license_id: null,
      customer: null,
      key_id: null,
      not_before: null,
      not_after: null,
      issued_at: null,
      grace_ends_at: null,
      days_remaining: null,
      warnings: [
        `no licence installed: running as the Developer edition (${DEVELOPER_LIMITS.calls_per_month} calls per month); ` +
          'install a licence file from your vendor to lift the limit',
      ],
    };
  }

  const notBefore = instant(license.not_before, 'not_before');
  const notAfter = instant(license.not_after, 'not_after');
  const graceEnds = notAfter + graceDays * DAY_MS;
  const who = `licence ${license.license_id} (${license.edition}, ${license.customer})`;
  const base = {
    edition: license.edition,
    limits: licensedLimits(license),
    features: [...license.features],
    enrolment: true,
    verification: true,
    license_id: license.license_id,
    customer: license.customer,
    key_id: license.key_id,
    not_before: new Date(notBefore).toISOString(),
    not_after: new Date(notAfter).toISOString(),
    issued_at: new Date(instant(license.issued_at, 'issued_at')).toISOString(),
    grace_ends_at: new Date(graceEnds).toISOString(),
  };

  if (t < notBefore) {
    return {
      status: 'not_yet_valid',
      ...base,
      edition: 'developer',
      limits: { ...DEVELOPER_LIMITS },
      features: [],
      days_remaining: daysUntil(notAfter, t),
      warnings: [
        `${who} is not valid until ${when(notBefore)}: running as the Developer edition ` +
          `(${DEVELOPER_LIMITS.calls_per_month} calls per month) until then; check the server clock, ` +
          'or ask your vendor for a licence that starts earlier',
      ],
    };
  }
  if (t < notAfter) {
    const left = daysUntil(notAfter, t);
    return {
      status: 'valid',
      ...base,
      days_remaining: left,
      warnings:
        left <= warnDays
          ? [
              `${who} expires on ${when(notAfter)} (${days(left)} left); ask your vendor for a renewal ` +
                `(after a ${days(graceDays)} grace period new enrolments will be refused)`,
            ]
          : [],
    };
  }
  if (t < graceEnds) {
    const left = daysUntil(graceEnds, t);
    return {
      status: 'grace',
      ...base,
      days_remaining: left,
      warnings: [
        `LICENCE EXPIRED: ${who} expired on ${when(notAfter)}; grace period ends ${when(graceEnds)} (${days(left)} left), ` +
          'then new enrolments will be refused (verification continues); install a renewed licence file now',
      ],
    };
  }
  return {
    status: 'expired',
    ...base,
    enrolment: false,
    days_remaining: 0,
    warnings: [
      `LICENCE EXPIRED: ${who} expired on ${when(notAfter)} and its grace period ended ${when(graceEnds)}: ` +
        'new enrolments are refused; verification continues; install a renewed licence file to enrol again',
    ],
  };
}
