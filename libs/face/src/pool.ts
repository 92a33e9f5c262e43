import type { Worker } from 'node:worker_threads';
import { startWorker } from '@facenition/worker';
import { disableOrtTelemetry } from './telemetry';
import type { AnalyzeRequest, AnalyzeResult } from './analyze';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from './decode';
import { DEFAULT_DETECT_OPTIONS, type DetectOptions } from './detect';
import { CancelledError, ModelIntegrityError, OverloadedError, reviveFaceError } from './errors';
import { loadVerifiedModels } from './models';
import type { WorkerInit, WorkerJob, WorkerReply } from './worker-protocol';

export interface FacePoolOptions {
  modelsDir: string;
  /** Worker threads, each with its own ONNX sessions (one inference at a time per worker). */
  workers: number;
  /** ORT intra-op threads per session; 1 is fastest on small machines (scale with workers instead). */
  intraOpThreads: number;
  /** Jobs allowed to wait for a worker; beyond that, submissions fail fast with OverloadedError. */
  maxQueue: number;
  limits?: DecodeLimits;
  detect?: DetectOptions;
}

/** Jobs by outcome since the pool was created (for tests and metrics). */
export interface FacePoolStats {
  /** Ran in a worker and the caller got the outcome (a result or an image error). */
  completed: number;
  /** Aborted before reaching a worker (taken off the queue, or already aborted when submitted): no work done. */
  cancelled: number;
  /** Aborted while running: the worker finished it and the outcome was thrown away. */
  discarded: number;
}

interface Pending {
  job: WorkerJob;
  /** Both answer the caller at most once and detach the abort listener. */
  resolve: (r: AnalyzeResult) => void;
  reject: (e: Error) => void;
  /** The caller has its answer; a worker reply arriving later is discarded. */
  settled: boolean;
}

interface Slot {
  worker: Worker;
  busy?: Pending;
}

/**
 * A fixed pool of inference worker threads with a bounded FIFO queue. Sessions are created once
 * per worker at start; a worker that dies is replaced and its in-flight job fails.
 */
export class FacePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private readyFlag = false;
  private readonly init: WorkerInit;
  private readonly counts: FacePoolStats = { completed: 0, cancelled: 0, discarded: 0 };

  constructor(private readonly opts: FacePoolOptions) {
    this.init = {
      modelsDir: opts.modelsDir,
      intraOpThreads: opts.intraOpThreads,
      limits: opts.limits ?? DEFAULT_DECODE_LIMITS,
      detect: opts.detect ?? DEFAULT_DETECT_OPTIONS,
    };
  }

  get ready(): boolean {
    return this.readyFlag && !this.closed;
  }

  /** Jobs waiting for a worker plus jobs running. */
  get depth(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.slots.filter((s) => s.busy).length };
  }

  /** True when a new job would be refused with OverloadedError now (no idle worker, the queue at its bound). */
  get full(): boolean {
    const idle = this.queue.length === 0 && this.slots.some((s) => !s.busy);
    return !idle && this.queue.length >= this.opts.maxQueue;
  }

  get stats(): Readonly<FacePoolStats> {
    return { ...this.counts };
  }

  /** Verifies the model files, then starts every worker and waits until each has loaded its sessions. */
  async start(): Promise<void> {
    disableOrtTelemetry();
    loadVerifiedModels(this.opts.modelsDir); // fail fast, with the full list of problems, before spawning
    await Promise.all(Array.from({ length: Math.max(1, this.opts.workers) }, () => this.spawn()));
    this.readyFlag = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.readyFlag = false;
    for (const p of this.queue.splice(0)) p.reject(new OverloadedError('face engine is shutting down'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  /**
   * Analyses one image in a worker. When `signal` aborts, the promise rejects with CancelledError at
   * once: a queued job leaves the queue; a running one finishes in its worker and its result is dropped.
   */
  analyze(bytes: Uint8Array, request: AnalyzeRequest, signal?: AbortSignal): Promise<AnalyzeResult> {
    if (this.closed) return Promise.reject(new OverloadedError('face engine is shutting down'));
    if (signal?.aborted) {
      this.counts.cancelled++;
      return Promise.reject(new CancelledError());
    }
    // straight to an idle worker only when nobody is waiting (a slot can be idle for a moment before its deferred pump)
    const idle = this.queue.length === 0 ? this.slots.find((s) => !s.busy) : undefined;
    if (!idle && this.queue.length >= this.opts.maxQueue) return Promise.reject(new OverloadedError());
    return new Promise<AnalyzeResult>((resolve, reject) => {
      // copy into a buffer we own, so it can be transferred to the worker without touching the caller's memory
      const job: WorkerJob = { id: this.nextId++, bytes: new Uint8Array(bytes), request };
      const onAbort = (): void => this.cancel(pending);
      const settle = (): void => {
        pending.settled = true;
        signal?.removeEventListener('abort', onAbort);
      };
      const pending: Pending = {
        job,
        settled: false,
        resolve: (r) => {
          settle();
          resolve(r);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (idle) this.dispatch(idle, pending);
      else this.queue.push(pending);
    });
  }

  private cancel(p: Pending): void {
    if (p.settled) return;
    const i = this.queue.indexOf(p);
    if (i >= 0) {
      this.queue.splice(i, 1);
      p.job.bytes.fill(0); // our copy of the photo
      this.counts.cancelled++;
    }
    // a running job cannot be interrupted inside ONNX; its reply is discarded (and counted) when it arrives
    p.reject(new CancelledError());
  }

  private dispatch(slot: Slot, p: Pending): void {
    slot.busy = p;
    slot.worker.postMessage(p.job, [p.job.bytes.buffer as ArrayBuffer]);
  }

  private spawn(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const worker = createWorker(this.init);
      const slot: Slot = { worker };
      let started = false;
      worker.on('message', (msg: WorkerReply) => {
        switch (msg.type) {
          case 'ready':
            started = true;
            this.slots.push(slot);
            this.pump(slot);
            resolve();
            return;
          case 'init-error':
            reject(msg.name === 'ModelIntegrityError' ? new ModelIntegrityError(msg.message) : new Error(msg.message));
            void worker.terminate();
            return;
          case 'result':
          case 'error': {
            const p = slot.busy;
            slot.busy = undefined;
            if (p && p.job.id === msg.id && !p.settled) {
              this.counts.completed++;
              if (msg.type === 'result') p.resolve(msg.result);
              else p.reject(reviveFaceError(msg.name, msg.message, msg.code));
            } else {
              // nobody waits for this outcome any more: the embedding must not linger in memory
              if (msg.type === 'result') msg.result.embedding?.fill(0);
              if (p?.settled) this.counts.discarded++;
            }
            // next job after the caller's promise reactions have run, so a request that just failed can cancel its queued jobs first
            setImmediate(() => this.pump(slot));
            return;
          }
          default: {
            const never: never = msg;
            throw new Error(`unexpected worker message ${JSON.stringify(never)}`);
          }
        }
      });
      worker.on('error', (err: unknown) => {
        if (!started) reject(err instanceof Error ? err : new Error(String(err)));
      });
      worker.on('exit', () => {
        const i = this.slots.indexOf(slot);
        if (i >= 0) this.slots.splice(i, 1);
        if (slot.busy) slot.busy.reject(new Error('face worker exited during a job'));
        slot.busy = undefined;
        if (started && !this.closed) {
          this.spawn().catch(() => undefined);
        }
      });
    });
  }

  private pump(slot: Slot): void {
    if (slot.busy || this.closed) return;
    const next = this.queue.shift();
    if (next) this.dispatch(slot, next);
  }
}

function createWorker(init: WorkerInit): Worker {
  return startWorker(__dirname, 'worker', init);
}
