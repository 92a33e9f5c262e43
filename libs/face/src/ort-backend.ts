import * as ort from 'onnxruntime-node';
import type { InferenceBackend, TensorOut } from './backend';
import { loadVerifiedModels, sessionModelBytes, type ModelName } from './models';
import { disableOrtTelemetry } from './telemetry';

export interface OrtBackendOptions {
  /** ORT intra-op threads per session (1: scale with workers instead). */
  intraOpThreads?: number;
  /**
   * Run fr_feature and fr_liveness from their PRelu rewrite (model-rewrite.ts; default true). False
   * runs the pinned files as they are (for comparisons: `npm run bench:pipeline` prints both).
   */
  rewrite?: boolean;
  /** ORT graph optimisation level for every model (default 'all': NCHWc layout, fusions). */
  optimisation?: 'disabled' | 'basic' | 'extended' | 'all';
}

/** onnxruntime-node sessions created once from verified model bytes; CPU, single intra-op thread. */
export class OrtBackend implements InferenceBackend {
  private constructor(private readonly sessions: Map<ModelName, ort.InferenceSession>) {}

  static async create(modelsDir: string, opts: OrtBackendOptions = {}): Promise<OrtBackend> {
    disableOrtTelemetry();
    const models = loadVerifiedModels(modelsDir);
    const sessions = new Map<ModelName, ort.InferenceSession>();
    for (const [name, bytes] of models) {
      sessions.set(
        name,
        await ort.InferenceSession.create(sessionModelBytes(name, bytes, opts.rewrite ?? true), {
          executionProviders: ['cpu'],
          intraOpNumThreads: opts.intraOpThreads ?? 1,
          interOpNumThreads: 1,
          graphOptimizationLevel: opts.optimisation ?? 'all',
          logSeverityLevel: 3,
        }),
      );
    }
    return new OrtBackend(sessions);
  }

  async run(model: ModelName, input: Float32Array, dims: readonly number[]): Promise<Record<string, TensorOut>> {
    const session = this.sessions.get(model);
    if (!session) throw new Error(`model ${model} is not loaded`);
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, dims) });
    const result: Record<string, TensorOut> = {};
    for (const [name, t] of Object.entries(out)) {
      result[name] = { data: t.data as Float32Array, dims: t.dims };
    }
    return result;
  }
}
