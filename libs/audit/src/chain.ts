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
  /** The caller's own X-Request-Id; absent from records written before it existed. */
  clientRequestId?: string | null;
  /** Pseudonym of the end user an OIDC interaction concerned (never a name); absent elsewhere. */
  subjectRef?: string | null;
}

export const GENESIS_HASH = Buffer.alloc(32);

/**
 * Canonical serialisation that is hashed: a JSON array of the values in a fixed order, seq first.
 * client_request_id is appended only when present, so records written before it existed verify unchanged.
 */
export function canonical(seq: string, f: AuditFields): string {
  const values: unknown[] = [
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
  ];
  // optional fields are appended only when present, so records written before they existed verify unchanged
  const subjectRef = f.subjectRef ?? null;
  if (subjectRef !== null) values.push(f.clientRequestId ?? null, subjectRef);
  else if (f.clientRequestId !== undefined && f.clientRequestId !== null) values.push(f.clientRequestId);
  return JSON.stringify(values);
}

/**
 * canonical(seq, f) without its first element: canonical(seq, f) === `["${seq}",` + canonicalTail(f).
 * The database appends in one statement and knows seq only there (AuditService.append).
 */
export function canonicalTail(f: AuditFields): string {
  const full = canonical('0', f);
  return full.slice('["0",'.length);
}

/** hash_n = SHA-256(hash_{n-1} || canonical(record_n)). */
export function chainHash(prev: Buffer, seq: string, f: AuditFields): Buffer {
  return createHash('sha256').update(prev).update(canonical(seq, f)).digest();
}
