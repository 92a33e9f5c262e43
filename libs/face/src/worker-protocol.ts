import type { AnalyzeRequest, AnalyzeResult } from './analyze';
import type { DecodeLimits } from './decode';
import type { DetectOptions } from './detect';

export interface WorkerInit {
  modelsDir: string;
  intraOpThreads: number;
  limits: DecodeLimits;
  detect: DetectOptions;
}

export interface WorkerJob {
  id: number;
  bytes: Uint8Array;
  request: AnalyzeRequest;
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'init-error'; name: string; message: string }
  | { type: 'result'; id: number; result: AnalyzeResult }
  | { type: 'error'; id: number; name: string; message: string; code: string };
