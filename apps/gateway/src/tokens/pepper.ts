import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PepperRing, type Pepper } from '@facenition/tokenisation';
import type { AppConfig } from '../config';

function parseKey(text: string, origin: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error(`${origin}: the deployment key must be 32 bytes (base64 or hex)`);
  return key;
}

export function pepperFromKey(key: Buffer): Pepper {
  return { keyId: createHash('sha256').update('facenition pepper id').update(key).digest().subarray(0, 8), key };
}

/**
 * The deployment key mixed into every identity token: FACENITION_PEPPER (base64/hex) or
 * FACENITION_PEPPER_FILE; in embedded mode (no DATABASE_URL) generated once into the data
 * directory. With a PostgreSQL server it must be configured, so every replica holds the same key.
 */
function resolveCurrent(config: AppConfig): { pepper: Pepper; origin: string; generated: boolean } {
  if (config.pepper)
    return { pepper: pepperFromKey(parseKey(config.pepper, 'FACENITION_PEPPER')), origin: 'FACENITION_PEPPER', generated: false };
  if (config.pepperFile) {
    if (!existsSync(config.pepperFile)) throw new Error(`FACENITION_PEPPER_FILE: ${config.pepperFile} does not exist`);
    return {
      pepper: pepperFromKey(parseKey(readFileSync(config.pepperFile, 'utf8'), config.pepperFile)),
      origin: config.pepperFile,
      generated: false,
    };
  }
  if (config.databaseUrl) {
    throw new Error(
      'FACENITION_PEPPER_FILE (or FACENITION_PEPPER) is required with DATABASE_URL: every replica must hold the same deployment key',
    );
  }
  const file = join(config.dataDir, 'pepper.key');
  if (existsSync(file)) return { pepper: pepperFromKey(parseKey(readFileSync(file, 'utf8'), file)), origin: file, generated: false };
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { pepper: pepperFromKey(parseKey(readFileSync(file, 'utf8'), file)), origin: file, generated: true };
}

/**
 * The current deployment key plus the retired ones listed in FACENITION_PEPPER_PREVIOUS_FILES:
 * new tokens use the current key; tokens issued under a retired key keep verifying (and /rotate
 * moves them to the current key).
 */
export function resolvePepperRing(config: AppConfig): { ring: PepperRing; origin: string; generated: boolean } {
  const current = resolveCurrent(config);
  const previous = config.pepperPreviousFiles.map((file) => {
    if (!existsSync(file)) throw new Error(`FACENITION_PEPPER_PREVIOUS_FILES: ${file} does not exist`);
    return pepperFromKey(parseKey(readFileSync(file, 'utf8'), file));
  });
  return { ring: new PepperRing(current.pepper, previous), origin: current.origin, generated: current.generated };
}
