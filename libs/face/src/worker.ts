/* Worker-thread entry: owns one set of ONNX sessions and runs analyses off the main event loop. */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeImage } from './analyze';
import { FaceEngine } from './engine';
import { FaceError } from './errors';
import { OrtBackend } from './ort-backend';
import type { WorkerInit, WorkerJob, WorkerReply } from './worker-protocol';

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  const port = parentPort;
  if (!port) throw new Error('worker.ts must run in a worker thread');
  let engine: FaceEngine;
  try {
    const backend = await OrtBackend.create(init.modelsDir, { intraOpThreads: init.intraOpThreads });
    engine = new FaceEngine(backend, init.detect);
  } catch (err) {
    port.postMessage({ type: 'init-error', name: (err as Error).name, message: (err as Error).message } satisfies WorkerReply);
    return;
  }
  port.on('message', (job: WorkerJob) => {
    analyzeImage(engine, job.bytes, job.request, init.limits).then(
      (result) => {
        const transfer = result.embedding ? [result.embedding.buffer as ArrayBuffer] : [];
        port.postMessage({ type: 'result', id: job.id, result } satisfies WorkerReply, transfer);
      },
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        const code = e instanceof FaceError ? e.code : 'internal';
        port.postMessage({ type: 'error', id: job.id, name: e.name, message: e.message, code } satisfies WorkerReply);
      },
    );
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}

void main();
