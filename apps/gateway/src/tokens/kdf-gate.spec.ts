import { OverloadedError } from '@facenition/face';
import { BoundedGate } from './kdf-gate';

describe('BoundedGate (the KDF gate)', () => {
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  it('runs `concurrency` jobs at once, queues `maxWaiting` more, refuses the rest at once, in order', async () => {
    const gate = new BoundedGate(2, 1, 'busy');
    const started: number[] = [];
    const holds = [deferred(), deferred(), deferred()];
    const jobs = holds.map((h, i) =>
      gate.run(async () => {
        started.push(i);
        await h.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(gate.depth).toEqual({ running: 2, waiting: 1 });
    expect(gate.full).toBe(true);
    expect(() => gate.assertRoom()).toThrow(OverloadedError);
    await expect(gate.run(() => Promise.resolve(9))).rejects.toThrow(new OverloadedError('busy'));
    holds[0].resolve();
    await jobs[0];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]); // the waiting job took the freed place
    expect(gate.depth).toEqual({ running: 2, waiting: 0 });
    expect(gate.full).toBe(false);
    holds[1].resolve();
    holds[2].resolve();
    expect(await Promise.all(jobs)).toEqual([0, 1, 2]);
    expect(gate.depth).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the place of a job that fails', async () => {
    const gate = new BoundedGate(1, 0, 'busy');
    await expect(gate.run(() => Promise.reject(new Error('kdf failed')))).rejects.toThrow('kdf failed');
    expect(gate.depth).toEqual({ running: 0, waiting: 0 });
    expect(await gate.run(() => Promise.resolve('ok'))).toBe('ok');
  });
});
