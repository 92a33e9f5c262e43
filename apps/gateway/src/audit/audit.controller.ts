import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AuditService, CSV_HEADER, toCsvLine, toJsonLine, type AuditQuery } from '@facenition/audit';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { AuditRecorder } from '../common/audit-recorder';
import { AdminOnly, Unmetered } from '../common/public.decorator';
import { context } from '../common/request-context';
import { REQUEST_ID } from '../common/request-log.middleware';
import { intField, isoDate, parseBody, parseQuery } from '../common/validate';

const MAX_BIGINT = 9_223_372_036_854_775_807n;

const filterSchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  client_id: z.uuid().optional(),
  endpoint: z
    .string()
    .regex(/^\/[A-Za-z0-9/_.:~-]{0,199}$/, 'must be a path like /authenticate')
    .optional(),
  outcome: z.enum(['success', 'client_error', 'server_error', 'error']).optional(),
  request_id: z.string().regex(REQUEST_ID, 'must be 1..64 characters [A-Za-z0-9._-]').optional(),
  client_request_id: z.string().regex(REQUEST_ID, 'must be 1..64 characters [A-Za-z0-9._-]').optional(),
  after_seq: z
    .string()
    .refine((v) => /^\d{1,19}$/.test(v) && BigInt(v) <= MAX_BIGINT, 'must be a record sequence number (0..9223372036854775807)')
    .optional(),
  limit: intField(1, 1000).default(100),
});
const exportSchema = filterSchema
  .omit({ after_seq: true, limit: true, request_id: true, client_request_id: true })
  .extend({ format: z.enum(['jsonl', 'csv']).default('jsonl') });

function toQuery(f: z.infer<typeof filterSchema>, clientId?: string): AuditQuery {
  return {
    from: f.from,
    to: f.to,
    clientId: clientId ?? f.client_id,
    endpoint: f.endpoint,
    outcome: f.outcome,
    requestId: f.request_id,
    clientRequestId: f.client_request_id,
    afterSeq: f.after_seq,
    limit: f.limit,
  };
}

@ApiTags('audit')
@ApiSecurity('client-token')
@Controller()
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly recorder: AuditRecorder,
  ) {}

  @Get('admin/audit')
  @AdminOnly()
  @ApiOperation({
    summary:
      'Query audit records (admin): from, to, client_id, endpoint, outcome, request_id, client_request_id, after_seq, limit (<= 1000)',
  })
  async query(@Req() req: Request) {
    const records = await this.audit.query(toQuery(parseQuery(req, filterSchema)));
    return { ok: true, records, next_after_seq: records.length ? records[records.length - 1].seq : null };
  }

  @Get('audit')
  @Unmetered()
  @ApiOperation({ summary: 'The calling client’s own audit records (same filters; client_id is always the caller)' })
  async own(@Req() req: Request) {
    const f = parseQuery(req, filterSchema);
    const records = await this.audit.query(toQuery(f, context(req).principal!.clientId));
    return { ok: true, records, next_after_seq: records.length ? records[records.length - 1].seq : null };
  }

  @Get('admin/audit/export')
  @AdminOnly()
  @ApiOperation({ summary: 'Export audit records as JSON Lines (format=jsonl) or CSV (format=csv), same filters, streamed' })
  async export(@Req() req: Request, @Res() res: Response) {
    const f = parseQuery(req, exportSchema);
    // the export request is itself audited before the stream starts
    await this.recorder.record(req, 200, null, undefined);
    res.status(200);
    res.setHeader('Content-Type', f.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    res.setHeader('Content-Disposition', `attachment; filename="facenition-audit.${f.format}"`);
    if (f.format === 'csv') res.write(CSV_HEADER);
    for await (const r of this.audit.stream({ from: f.from, to: f.to, clientId: f.client_id, endpoint: f.endpoint, outcome: f.outcome })) {
      if (!res.write(f.format === 'csv' ? toCsvLine(r) : toJsonLine(r))) await new Promise((ok) => res.once('drain', ok));
    }
    res.end();
  }

  @Get('admin/audit/verify')
  @AdminOnly()
  @ApiOperation({ summary: 'Verify the hash chain from the retention anchor to the head; reports the first broken link' })
  async verify() {
    return { ok: true, verification: await this.audit.verify() };
  }

  @Post('admin/audit/purge')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({ summary: 'Retention: delete records older than `before` (ISO 8601); the chain stays verifiable from the new anchor' })
  async purge(@Req() req: Request) {
    const { before } = parseBody(req, z.object({ before: isoDate }));
    return { ok: true, ...(await this.audit.purgeBefore(before)) };
  }
}
