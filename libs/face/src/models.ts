import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelIntegrityError } from './errors';
import manifest from './model-manifest.json';
import { rewritePRelu } from './model-rewrite';

export type ModelName = 'fr_detect' | 'fr_landmark' | 'fr_feature' | 'fr_liveness' | 'fr_pose' | 'fr_eye';
export const MODEL_NAMES: readonly ModelName[] = ['fr_detect', 'fr_landmark', 'fr_feature', 'fr_liveness', 'fr_pose', 'fr_eye'];

export const MODEL_MANIFEST: Readonly<Record<string, string>> = manifest.models;
export const MODEL_SOURCE = manifest.package;
/** SHA-256 of the in-memory PRelu rewrite (model-rewrite.ts) of the models it applies to. */
export const REWRITTEN_MANIFEST: Readonly<Record<string, string>> = manifest.rewritten;

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

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
    const hash = sha256(bytes);
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

/**
 * The bytes an inference session is created from: the verified model itself, or (`rewrite`, the
 * default) its PRelu rewrite for the models listed under "rewritten" in the manifest, whose SHA-256
 * must match the pin (a changed rewrite is refused rather than silently run).
 */
export function sessionModelBytes(name: ModelName, verified: Uint8Array, rewrite = true): Uint8Array {
  const pinned = REWRITTEN_MANIFEST[`${name}.onnx`];
  if (!rewrite || !pinned) return verified;
  const { bytes } = rewritePRelu(verified);
  const hash = sha256(bytes);
  if (hash !== pinned) throw new ModelIntegrityError(`the PRelu rewrite of ${name}.onnx has SHA-256 ${hash}, expected ${pinned}`);
  return bytes;
}
