import { CancelledError } from '@facenition/face';
import type { Request } from 'express';

const SIGNALS = new WeakMap<Request, AbortSignal>();

/**
 * Aborts when the client closes the connection before its response was sent, so the work queued
 * for the request (face analyses) is dropped instead of delaying other callers. One signal per
 * request: later calls return the same one.
 */
export function requestSignal(req: Request): AbortSignal {
  const known = SIGNALS.get(req);
  if (known) return known;
  const ac = new AbortController();
  SIGNALS.set(req, ac.signal);
  const res = req.res;
  const gone = (): void => ac.abort(new CancelledError('the client closed the connection'));
  if (res) {
    // 'close' on the response is the connection going away, or the end of a sent response (writableEnded)
    if (res.closed || res.destroyed) {
      if (!res.writableEnded) gone();
    } else {
      res.once('close', () => {
        if (!res.writableEnded) gone();
      });
    }
  }
  return ac.signal;
}
