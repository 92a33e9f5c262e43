import type { ClientPrincipal, QuotaState } from '@facenition/clients';
import type { Request } from 'express';

/** Per-request facts collected on the way in and written to the audit record on the way out. */
export interface RequestContext {
  requestId: string;
  startedAt: bigint;
  principal?: ClientPrincipal;
  /** Client a public call concerned (e.g. a successful /token exchange), for the audit record. */
  subjectClientId?: string;
  admin?: boolean;
  quota?: QuotaState;
  /** Non-reversible reference to an identity token used by the call (tokenisation endpoints). */
  tokenRef?: string;
  /** Set once the audit record is written, so a request is never recorded twice. */
  audited?: boolean;
}

const KEY = Symbol('facenition.ctx');

export function setContext(req: Request, ctx: RequestContext): void {
  (req as unknown as Record<symbol, RequestContext>)[KEY] = ctx;
}

export function context(req: Request): RequestContext {
  const found = (req as unknown as Record<symbol, RequestContext | undefined>)[KEY];
  if (found) return found;
  const ctx: RequestContext = { requestId: 'unknown', startedAt: process.hrtime.bigint() };
  setContext(req, ctx);
  return ctx;
}

/** The peer address of the TCP connection (no proxy headers are trusted). */
export function sourceAddress(req: Request): string {
  return req.socket?.remoteAddress ?? 'unknown';
}
