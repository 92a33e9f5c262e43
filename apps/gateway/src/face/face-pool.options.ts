import type { FacePoolOptions } from '@facenition/face';
import type { AppConfig } from '../config';

/** The face engine as the server configures it (decode limits, detector settings): shared by the app and `npm run evaluate`. */
export function facePoolOptions(config: AppConfig, overrides: Partial<FacePoolOptions> = {}): FacePoolOptions {
  return {
    modelsDir: config.modelsDir,
    workers: config.workers,
    intraOpThreads: config.ortThreads,
    maxQueue: config.queueMax,
    limits: { maxBytes: config.maxImageBytes, maxPixels: config.maxImagePixels, minSide: 32, workingMaxSide: 4096 },
    detect: { scoreThreshold: 0.65, nmsIou: 0.4, minFaceSize: config.minFaceSize },
    ...overrides,
  };
}
