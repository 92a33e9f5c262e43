import { Module } from '@nestjs/common';
import { AuditService } from './audit.service';

/** The tamper-evident audit log. Needs a global DATA_SOURCE provider. */
@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
