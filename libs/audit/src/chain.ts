import { createHash } from 'node:crypto';

/** The audited fields of one record, in their canonical order. */
export interface AuditFields {
  ts: Date;
  requestId: string;
  clientId: string | null;
  endpoint: string;
  status: number;
  errorCode: string | null;
  decision: string | null;
  score: number | null;
  threshold: number | null;
  accuracy: number | null;
  tokenRef: string | null;
  latencyMs: number;
  sourceIp: string | null;
}

export const GENESIS_HASH = Buffer.alloc(32);

/** Canonical serialisation that is hashed: a JSON array of the values in a fixed order, seq first. */
export function canonical(seq: string, f: AuditFields): string {
  return JSON.stringify([
    seq,
    f.ts.toISOString(),
    f.requestId,
    f.clientId,
    f.endpoint,
    f.status,
    f.errorCode,
    f.decision,
    f.score,
    f.threshold,
    f.accuracy,
    f.tokenRef,
    f.latencyMs,
    f.sourceIp,
  ]);
}

/** hash_n = SHA-256(hash_{n-1} || canonical(record_n)). */
export function chainHash(prev: Buffer, seq: string, f: AuditFields): Buffer {
  return createHash('sha256').update(prev).update(canonical(seq, f)).digest();
}
