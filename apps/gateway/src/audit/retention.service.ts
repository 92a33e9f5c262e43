import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditService } from '@facenition/audit';
import { APP_CONFIG, type AppConfig } from '../config';

/** Applies FACENITION_AUDIT_RETENTION_DAYS at start and then hourly (0 keeps records forever). */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditRetention');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.auditRetentionDays <= 0) return;
    void this.apply();
    this.timer = setInterval(() => void this.apply(), 3600_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async apply(): Promise<void> {
    const before = new Date(Date.now() - this.config.auditRetentionDays * 86_400_000);
    try {
      const r = await this.audit.purgeBefore(before);
      if (r.deleted)
        this.logger.log(`deleted ${r.deleted} audit records older than ${before.toISOString()}; anchor at seq ${r.anchor_seq}`);
    } catch (err) {
      this.logger.error(`retention failed: ${err instanceof Error ? err.name : 'unknown error'}`);
    }
  }
}
