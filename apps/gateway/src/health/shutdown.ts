import { Injectable, Logger, type INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';

/** Whether the process is shutting down: readiness then answers 503 (HealthController). */
@Injectable()
export class ShutdownState {
  draining = false;
}

export interface ShutdownOptions {
  /** Readiness answers 503 this long (requests still served) before the listener closes. */
  delayMs: number;
  /** The process exits this long after the signal at the latest, cutting what is still in flight. */
  timeoutMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Graceful shutdown on SIGTERM / SIGINT (issue #14 §2): readiness turns 503 at once, requests keep
 * being served for `delayMs` (a load balancer polling /health/ready takes the replica out), then the
 * listener closes, in-flight requests finish (their responses close the connection), the application
 * closes (database pool, workers) and the process exits 0. Past `timeoutMs` after the signal it exits 1
 * whatever is left, so Kubernetes' terminationGracePeriodSeconds (>= preStop sleep + timeout) is never hit.
 */
export function installGracefulShutdown(app: INestApplication, opts: ShutdownOptions): void {
  const log = new Logger('Shutdown');
  const server = app.getHttpServer() as Server;
  const state = app.get(ShutdownState);
  let inflight = 0;
  server.prependListener('request', (_req, res) => {
    inflight++;
    res.once('close', () => inflight--);
    if (state.draining) res.setHeader('Connection', 'close');
  });
  const drain = async (signal: string): Promise<void> => {
    const t0 = Date.now();
    state.draining = true;
    log.log(
      `${signal}: readiness now 503; ${inflight} request(s) in flight; closing the listener in ${opts.delayMs} ms, exiting within ${opts.timeoutMs} ms`,
    );
    const hard = setTimeout(() => {
      log.error(`shutdown timeout (${opts.timeoutMs} ms): ${inflight} request(s) still in flight were cut`);
      server.closeAllConnections();
      process.exit(1);
    }, opts.timeoutMs);
    await sleep(opts.delayMs);
    server.close();
    while (inflight > 0) {
      server.closeIdleConnections();
      await sleep(25);
    }
    server.closeIdleConnections();
    await app.close();
    clearTimeout(hard);
    log.log(`stopped in ${Date.now() - t0} ms`);
    process.exit(0);
  };
  let started = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (started) return;
      started = true;
      drain(signal).catch((err: unknown) => {
        log.error(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      });
    });
  }
}

/**
 * Until the graceful handler is installed, SIGTERM / SIGINT end the process at once. Without this a
 * signal during start-up would be lost when the server is PID 1 in a container (where the default
 * action of SIGTERM is to ignore it), and the container would only die at the runtime's SIGKILL.
 * Returns the function that removes these handlers.
 */
export function exitOnSignalDuringStart(): () => void {
  const exit = (signal: NodeJS.Signals): void => process.exit(signal === 'SIGINT' ? 130 : 143);
  process.once('SIGTERM', exit);
  process.once('SIGINT', exit);
  return () => {
    process.removeListener('SIGTERM', exit);
    process.removeListener('SIGINT', exit);
  };
}
