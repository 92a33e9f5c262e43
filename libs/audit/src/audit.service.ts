import { Inject, Injectable } from '@nestjs/common';
import { AuditAnchorEntity, AuditHeadEntity, AuditRecordEntity, DATA_SOURCE } from '@facenition/database';
import type { DataSource, EntityManager } from 'typeorm';
import { canonicalTail, chainHash, GENESIS_HASH, type AuditFields } from './chain';

export interface AuditQuery {
  from?: Date;
  to?: Date;
  clientId?: string;
  endpoint?: string;
  outcome?: 'success' | 'client_error' | 'server_error' | 'error';
  requestId?: string;
  clientRequestId?: string;
  afterSeq?: string;
  limit: number;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** The anchor verification started from (0 = genesis; > 0 after retention deleted older records). */
  anchor_seq: string;
  head_seq: string;
  first_broken?: { seq: string; reason: string };
}

export interface AuditView {
  seq: string;
  ts: string;
  request_id: string;
  client_id: string | null;
  endpoint: string;
  status: number;
  error_code: string | null;
  decision: string | null;
  score: number | null;
  threshold: number | null;
  accuracy: number | null;
  token_ref: string | null;
  latency_ms: number;
  source_ip: string | null;
  client_request_id: string | null;
  subject_ref: string | null;
  hash: string;
}

/** $16 is canonicalTail(fields): the canonical form is '["' || seq || '",' followed by it (chain.ts). */
const APPEND_SQL = `
WITH head AS (
  SELECT seq + 1 AS seq, hash AS prev,
         sha256(hash || convert_to('["' || (seq + 1)::text || '",', 'UTF8') || $16::bytea) AS hash
    FROM audit_head WHERE id = 1 FOR UPDATE
), ins AS (
  INSERT INTO audit_log (seq, ts, request_id, client_id, endpoint, status, error_code, decision, score, threshold, accuracy,
                         token_ref, latency_ms, source_ip, client_request_id, subject_ref, prev_hash, hash)
  SELECT head.seq, $1::timestamptz, $2::text, $3::uuid, $4::text, $5::integer, $6::text, $7::text, $8::double precision,
         $9::double precision, $10::integer, $11::text, $12::double precision, $13::text, $14::text, $15::text, head.prev, head.hash
    FROM head
  RETURNING seq
), moved AS (
  UPDATE audit_head SET seq = head.seq, hash = head.hash FROM head WHERE audit_head.id = 1
)
SELECT seq FROM ins`;

export const AUDIT_COLUMNS: (keyof AuditView)[] = [
  'seq',
  'ts',
  'request_id',
  'client_id',
  'endpoint',
  'status',
  'error_code',
  'decision',
  'score',
  'threshold',
  'accuracy',
  'token_ref',
  'latency_ms',
  'source_ip',
  'client_request_id',
  'subject_ref',
  'hash',
];

export function auditView(r: AuditRecordEntity): AuditView {
  return {
    seq: r.seq,
    ts: r.ts.toISOString(),
    request_id: r.requestId,
    client_id: r.clientId,
    endpoint: r.endpoint,
    status: r.status,
    error_code: r.errorCode,
    decision: r.decision,
    score: r.score,
    threshold: r.threshold,
    accuracy: r.accuracy,
    token_ref: r.tokenRef,
    latency_ms: r.latencyMs,
    source_ip: r.sourceIp,
    client_request_id: r.clientRequestId,
    subject_ref: r.subjectRef,
    hash: r.hash.toString('hex'),
  };
}

/**
 * Append-only, hash-chained audit log. Each append is ONE statement: it locks the chain head row
 * (FOR UPDATE), computes the next link's hash in the database (SHA-256 of the previous hash and the
 * record's canonical form, exactly chainHash), inserts the record and moves the head. So appends from
 * every replica form one sequence, and the statement commits before the caller sends its response
 * (one round trip instead of five: begin, lock, insert, update, commit).
 */
@Injectable()
export class AuditService {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async append(fields: AuditFields): Promise<{ seq: string }> {
    const rows: { seq: string }[] = await this.ds.query(APPEND_SQL, [
      fields.ts,
      fields.requestId,
      fields.clientId,
      fields.endpoint,
      fields.status,
      fields.errorCode,
      fields.decision,
      fields.score,
      fields.threshold,
      fields.accuracy,
      fields.tokenRef,
      fields.latencyMs,
      fields.sourceIp,
      fields.clientRequestId ?? null,
      fields.subjectRef ?? null,
      Buffer.from(canonicalTail(fields), 'utf8'),
    ]);
    if (rows.length !== 1) throw new Error('the audit chain head (audit_head, id 1) is missing: run the migrations');
    return { seq: String(rows[0].seq) };
  }

  private filtered(m: EntityManager, q: Omit<AuditQuery, 'limit'>) {
    const qb = m.getRepository(AuditRecordEntity).createQueryBuilder('a');
    if (q.from) qb.andWhere('a.ts >= :from', { from: q.from });
    if (q.to) qb.andWhere('a.ts < :to', { to: q.to });
    if (q.clientId) qb.andWhere('a.client_id = :client', { client: q.clientId });
    if (q.endpoint) qb.andWhere('a.endpoint = :endpoint', { endpoint: q.endpoint });
    if (q.requestId) qb.andWhere('a.request_id = :rid', { rid: q.requestId });
    if (q.clientRequestId) qb.andWhere('a.client_request_id = :crid', { crid: q.clientRequestId });
    if (q.afterSeq) qb.andWhere('a.seq > :after', { after: q.afterSeq });
    switch (q.outcome) {
      case 'success':
        qb.andWhere('a.status < 400');
        break;
      case 'client_error':
        qb.andWhere('a.status >= 400 AND a.status < 500');
        break;
      case 'server_error':
        qb.andWhere('a.status >= 500');
        break;
      case 'error':
        qb.andWhere('a.status >= 400');
        break;
      case undefined:
        break;
    }
    return qb.orderBy('a.seq', 'ASC');
  }

  async query(q: AuditQuery): Promise<AuditView[]> {
    const rows = await this.filtered(this.ds.manager, q).take(q.limit).getMany();
    return rows.map(auditView);
  }

  /** Pages through every matching record (for exports), in seq order. */
  async *stream(q: Omit<AuditQuery, 'limit' | 'afterSeq'>, pageSize = 1000): AsyncGenerator<AuditView> {
    let after: string | undefined;
    for (;;) {
      const page = await this.query({ ...q, afterSeq: after, limit: pageSize });
      for (const r of page) yield r;
      if (page.length < pageSize) return;
      after = page[page.length - 1].seq;
    }
  }

  /**
   * Recomputes the chain from the retention anchor (or genesis) to the head and reports the first
   * broken link: a missing record (gap in seq), a prev_hash that does not match, a record whose
   * content no longer matches its hash, or a head that does not point at the last record.
   */
  async verify(pageSize = 2000): Promise<VerifyResult> {
    const anchor = await this.ds.getRepository(AuditAnchorEntity).findOneBy({ id: 1 });
    const head = await this.ds.getRepository(AuditHeadEntity).findOneByOrFail({ id: 1 });
    let prevHash = anchor?.hash ?? GENESIS_HASH;
    let expected = BigInt(anchor?.seq ?? '0') + 1n;
    let checked = 0;
    const base = { anchor_seq: anchor?.seq ?? '0', head_seq: head.seq };
    const broken = (seq: string, reason: string): VerifyResult => ({ ok: false, checked, ...base, first_broken: { seq, reason } });
    for (;;) {
      const rows = await this.ds
        .getRepository(AuditRecordEntity)
        .createQueryBuilder('a')
        .where('a.seq >= :s', { s: expected.toString() })
        .orderBy('a.seq', 'ASC')
        .take(pageSize)
        .getMany();
      for (const r of rows) {
        if (BigInt(r.seq) !== expected) return broken(expected.toString(), `record ${expected} is missing`);
        if (!r.prevHash.equals(prevHash)) return broken(r.seq, 'prev_hash does not match the previous record');
        if (!chainHash(prevHash, r.seq, r).equals(r.hash)) return broken(r.seq, 'record content does not match its hash');
        prevHash = r.hash;
        expected++;
        checked++;
      }
      if (rows.length < pageSize) break;
    }
    const last = (expected - 1n).toString();
    if (head.seq !== last) return broken(head.seq, `chain head points at ${head.seq} but the last record is ${last}`);
    if (!head.hash.equals(prevHash)) return broken(head.seq, 'chain head hash does not match the last record');
    return { ok: true, checked, ...base };
  }

  /**
   * Retention: deletes records older than `before` and moves the anchor to the newest deleted
   * record, so what remains still verifies from the anchor.
   */
  async purgeBefore(before: Date): Promise<{ deleted: number; anchor_seq: string | null }> {
    return this.ds.transaction(async (m) => {
      const last = await m
        .getRepository(AuditRecordEntity)
        .createQueryBuilder('a')
        .where('a.ts < :before', { before })
        .orderBy('a.seq', 'DESC')
        .getOne();
      if (!last) return { deleted: 0, anchor_seq: null };
      const res = await m.createQueryBuilder().delete().from(AuditRecordEntity).where('seq <= :seq', { seq: last.seq }).execute();
      await m.upsert(AuditAnchorEntity, { id: 1, seq: last.seq, hash: last.hash, purgedAt: new Date() }, ['id']);
      return { deleted: res.affected ?? 0, anchor_seq: last.seq };
    });
  }
}
