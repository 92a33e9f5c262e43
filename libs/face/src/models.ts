import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelIntegrityError } from './errors';
import manifest from './model-manifest.json';

export type ModelName = 'fr_detect' | 'fr_landmark' | 'fr_feature' | 'fr_liveness' | 'fr_pose' | 'fr_eye';
export const MODEL_NAMES: readonly ModelName[] = ['fr_detect', 'fr_landmark', 'fr_feature', 'fr_liveness', 'fr_pose', 'fr_eye'];

export const MODEL_MANIFEST: Readonly<Record<string, string>> = manifest.models;
export const MODEL_SOURCE = manifest.package;

/**
 * Reads every model file once and checks it against the pinned SHA-256. Throws a
 * ModelIntegrityError naming each missing or altered file. Returns the verified bytes, so the
 * sessions are created from exactly what was checked.
 */
export function loadVerifiedModels(dir: string): Map<ModelName, Uint8Array> {
  const problems: string[] = [];
  const out = new Map<ModelName, Uint8Array>();
  for (const name of MODEL_NAMES) {
    const file = join(dir, `${name}.onnx`);
    if (!existsSync(file)) {
      problems.push(`${name}.onnx is missing`);
      continue;
    }
    const bytes = readFileSync(file);
    const hash = createHash('sha256').update(bytes).digest('hex');
    if (hash !== MODEL_MANIFEST[`${name}.onnx`]) {
      problems.push(`${name}.onnx has SHA-256 ${hash}, expected ${MODEL_MANIFEST[`${name}.onnx`]}`);
      continue;
    }
    out.set(name, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  if (problems.length) {
    throw new ModelIntegrityError(
      `model folder ${dir} failed verification: ${problems.join('; ')}. ` +
        `Provision the files from ${MODEL_SOURCE} (npm run models) or point FACENITION_MODELS_DIR at a verified copy.`,
    );
  }
  return out;
}
