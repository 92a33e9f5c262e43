import { Injectable } from '@nestjs/common';
import { OverloadedError } from '@facenition/face';
import { availableParallelism } from 'node:os';

/**
 * A bounded gate in front of the password KDF (scrypt, ~0.2 s of CPU and 32 MiB each): at most
 * `concurrency` derivations run at once (one per CPU), at most `maxWaiting` wait; beyond that the
 * request is refused at once with 503 `overloaded` and Retry-After, like the face engine's bounded
 * queue. Without it, derivations past capacity pile up in libuv's thread-pool queue without bound and
 * the latency of every accepted identity-token request grows with the load.
 */
export class BoundedGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly busyMessage: string,
  ) {}

  /** True when a new job would be refused now. */
  get full(): boolean {
    return this.running >= this.concurrency && this.waiting.length >= this.maxWaiting;
  }

  get depth(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Refuses with OverloadedError when the gate is full (call before work that would be wasted). */
  assertRoom(): void {
    if (this.full) throw new OverloadedError(this.busyMessage);
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) this.running++;
    else if (this.waiting.length >= this.maxWaiting) throw new OverloadedError(this.busyMessage);
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the finishing job hands its place over
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * The gate of the identity-token KDF: one derivation per CPU at a time and two per CPU waiting, so a
 * derivation waits at most about two derivation times (~0.5 s) before it starts.
 */
@Injectable()
export class KdfGate extends BoundedGate {
  constructor() {
    const cpus = Math.max(1, availableParallelism());
    super(cpus, 2 * cpus, 'key derivation is busy, retry later');
  }
}
