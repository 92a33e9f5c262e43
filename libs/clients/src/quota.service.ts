import { Inject, Injectable } from '@nestjs/common';
import { DATA_SOURCE, type ClientPlan } from '@facenition/database';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from './clients.service';
import { QuotaExceededError } from './errors';

/** Calls per calendar month (UTC) by plan; null = unlimited. */
export const PLAN_LIMITS: Readonly<Record<ClientPlan, number | null>> = { developer: 1000, enterprise: null };

export interface QuotaState {
  month: string;
  used: number;
  limit: number | null;
  remaining: number | null;
}

@Injectable()
export class QuotaService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  month(): string {
    return this.now().toISOString().slice(0, 7);
  }

  /**
   * Counts one call. The increment is a single conditional upsert, so concurrent calls can never
   * push the count past the limit: a call that would exceed it changes nothing and is refused.
   */
  async consume(clientId: string, plan: ClientPlan): Promise<QuotaState> {
    const limit = PLAN_LIMITS[plan];
    const month = this.month();
    const rows: { calls: number }[] = await this.ds.query(
      `INSERT INTO quota_usage (client_id, month, calls) VALUES ($1, $2, 1)
       ON CONFLICT (client_id, month) DO UPDATE SET calls = quota_usage.calls + 1
       WHERE $3::integer IS NULL OR quota_usage.calls < $3::integer
       RETURNING calls`,
      [clientId, month, limit],
    );
    if (rows.length === 0 || (limit !== null && rows[0].calls > limit)) {
      throw new QuotaExceededError(
        `monthly quota of ${limit} calls for the ${plan} plan is used up; it resets at the start of next month (UTC)`,
        limit ?? 0,
      );
    }
    const used = rows[0].calls;
    return { month, used, limit, remaining: limit === null ? null : limit - used };
  }

  async usage(clientId: string, plan: ClientPlan): Promise<QuotaState> {
    const month = this.month();
    const rows: { calls: number }[] = await this.ds.query(`SELECT calls FROM quota_usage WHERE client_id = $1 AND month = $2`, [
      clientId,
      month,
    ]);
    const used = rows[0]?.calls ?? 0;
    const limit = PLAN_LIMITS[plan];
    return { month, used, limit, remaining: limit === null ? null : Math.max(0, limit - used) };
  }
}
