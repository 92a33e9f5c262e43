import { isMainThread } from 'node:worker_threads';

/**
 * ONNX Runtime (1.29+) keeps a device id and a usage-telemetry queue under $HOME/.cache/Microsoft and
 * sends them to Microsoft over HTTPS when it can, unless ORT_DISABLE_TELEMETRY is set in the process
 * environment when it initialises. Only the main thread can set the real environment (a worker
 * thread's process.env is a copy): FacePool calls this before it starts its workers, OrtBackend before its first session.
 */
export function disableOrtTelemetry(): void {
  if (isMainThread) process.env.ORT_DISABLE_TELEMETRY = '1';
}
