import { Controller, Req, Res } from '@nestjs/common';
import { AuditService, CSV_HEADER, toCsvLine, toJsonLine, type AuditQuery } from '@facenition/audit';
import type { Request, Response } from 'express';
import { AuditRecorder } from '../common/audit-recorder';
import { context } from '../common/request-context';
import { ADMIN_AUDIT, EXPORT_AUDIT, OWN_AUDIT, PURGE_AUDIT, VERIFY_AUDIT } from '../contract/api';
import { ApiEdge } from '../contract/edge';
import { Endpoint, type ParsedInput } from '../contract/endpoint';

function toQuery(f: ParsedInput<typeof ADMIN_AUDIT>['query'], clientId?: string): AuditQuery {
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

@Controller()
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly recorder: AuditRecorder,
    private readonly edge: ApiEdge,
  ) {}

  @Endpoint(ADMIN_AUDIT)
  async query(@Req() req: Request) {
    const { query } = await this.edge.accept(req, ADMIN_AUDIT);
    const records = await this.audit.query(toQuery(query));
    return { ok: true, records, next_after_seq: records.length ? records[records.length - 1].seq : null };
  }

  @Endpoint(OWN_AUDIT)
  async own(@Req() req: Request) {
    const { query } = await this.edge.accept(req, OWN_AUDIT);
    const records = await this.audit.query(toQuery(query, context(req).principal!.clientId));
    return { ok: true, records, next_after_seq: records.length ? records[records.length - 1].seq : null };
  }

  @Endpoint(EXPORT_AUDIT)
  async export(@Req() req: Request, @Res() res: Response) {
    const { query: f } = await this.edge.accept(req, EXPORT_AUDIT);
    // the export request is itself audited before the stream starts
    await this.recorder.record(req, 200, null);
    res.status(200);
    res.setHeader('Content-Type', f.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    res.setHeader('Content-Disposition', `attachment; filename="facenition-audit.${f.format}"`);
    if (f.format === 'csv') res.write(CSV_HEADER);
    for await (const r of this.audit.stream({ from: f.from, to: f.to, clientId: f.client_id, endpoint: f.endpoint, outcome: f.outcome })) {
      if (!res.write(f.format === 'csv' ? toCsvLine(r) : toJsonLine(r))) await new Promise((ok) => res.once('drain', ok));
    }
    res.end();
  }

  @Endpoint(VERIFY_AUDIT)
  async verify(@Req() req: Request) {
    await this.edge.accept(req, VERIFY_AUDIT);
    return { ok: true, verification: await this.audit.verify() };
  }

  @Endpoint(PURGE_AUDIT)
  async purge(@Req() req: Request) {
    const { body } = await this.edge.accept(req, PURGE_AUDIT);
    return { ok: true, ...(await this.audit.purgeBefore(body.before)) };
  }
}
