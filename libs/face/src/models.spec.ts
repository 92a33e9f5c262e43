import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelIntegrityError } from './errors';
import { loadVerifiedModels, MODEL_NAMES } from './models';

const modelsDir = join(__dirname, '../../../models');

describe('loadVerifiedModels', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'facenition-models-test-'));
    for (const n of MODEL_NAMES) copyFileSync(join(modelsDir, `${n}.onnx`), join(dir, `${n}.onnx`));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts the pinned files', () => {
    expect([...loadVerifiedModels(dir).keys()].sort()).toEqual([...MODEL_NAMES].sort());
  });

  it('names a missing and an altered model and says how to fix it', () => {
    rmSync(join(dir, 'fr_eye.onnx'));
    writeFileSync(join(dir, 'fr_feature.onnx'), 'tampered');
    let err: unknown;
    try {
      loadVerifiedModels(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelIntegrityError);
    const msg = (err as Error).message;
    expect(msg).toContain('fr_eye.onnx is missing');
    expect(msg).toMatch(/fr_feature\.onnx has SHA-256 [0-9a-f]{64}, expected 87aacdfe/);
    expect(msg).toContain('FACENITION_MODELS_DIR');
  });
});
