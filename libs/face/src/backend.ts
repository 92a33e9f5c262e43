import type { ModelName } from './models';

/** One named float32 output of a model run. */
export interface TensorOut {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/**
 * The only way the engine reaches an inference runtime. Production uses onnxruntime-node
 * (ort-backend.ts); the engine code itself never imports a runtime.
 */
export interface InferenceBackend {
  run(model: ModelName, input: Float32Array, dims: readonly number[]): Promise<Record<string, TensorOut>>;
}
