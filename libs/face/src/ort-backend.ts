import * as ort from 'onnxruntime-node';
import type { InferenceBackend, TensorOut } from './backend';
import { loadVerifiedModels, type ModelName } from './models';

/**
 * Graph optimisation level per model. Measured on the 2-core AVX-512 build machine with ORT 1.30:
 * 'all' (layout transforms) makes fr_feature 3x slower (~110 ms vs ~33 ms with 'extended') while
 * it speeds up fr_detect (4 vs 14 ms) and fr_landmark; `npm run bench:lfw` prints per-stage times.
 */
const OPTIMISATION: Partial<Record<ModelName, 'disabled' | 'basic' | 'extended' | 'all'>> = { fr_feature: 'extended' };

/** onnxruntime-node sessions created once from verified model bytes; CPU, single intra-op thread. */
export class OrtBackend implements InferenceBackend {
  private constructor(private readonly sessions: Map<ModelName, ort.InferenceSession>) {}

  static async create(modelsDir: string, intraOpThreads = 1): Promise<OrtBackend> {
    const models = loadVerifiedModels(modelsDir);
    const sessions = new Map<ModelName, ort.InferenceSession>();
    for (const [name, bytes] of models) {
      sessions.set(
        name,
        await ort.InferenceSession.create(bytes, {
          executionProviders: ['cpu'],
          intraOpNumThreads: intraOpThreads,
          interOpNumThreads: 1,
          graphOptimizationLevel: OPTIMISATION[name] ?? 'all',
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
