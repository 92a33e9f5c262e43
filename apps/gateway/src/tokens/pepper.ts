import type { OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pepperFromKey, PepperRing, type Pepper } from '@facenition/tokenisation';
import type { AppConfig } from '../config';
import { Pkcs11Token } from './pkcs11-key';

/** A deployment key file's content: 32 bytes, base64 or hex (whitespace around it ignored). */
export function parseKey(text: string, origin: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error(`${origin}: the deployment key must be 32 bytes (base64 or hex)`);
  return key;
}

/** A key file's key, the bytes read zeroed once the key holds its own copy. */
function fileKey(file: string, origin = file): Pepper {
  const key = parseKey(readFileSync(file, 'utf8'), origin);
  try {
    return pepperFromKey(key);
  } finally {
    key.fill(0);
  }
}

/**
 * The deployment key mixed into every identity token: in a PKCS#11 module (FACENITION_PKCS11_*),
 * FACENITION_PEPPER (base64/hex) or FACENITION_PEPPER_FILE; in embedded mode (no DATABASE_URL)
 * generated once into the data directory. With a PostgreSQL server it must be configured, so every
 * replica holds the same key.
 */
function resolveFile(config: AppConfig): { pepper: Pepper; origin: string; generated: boolean } {
  if (config.pepper) {
    const key = parseKey(config.pepper, 'FACENITION_PEPPER');
    const pepper = pepperFromKey(key);
    key.fill(0);
    return { pepper, origin: 'FACENITION_PEPPER', generated: false };
  }
  if (config.pepperFile) {
    if (!existsSync(config.pepperFile)) throw new Error(`FACENITION_PEPPER_FILE: ${config.pepperFile} does not exist`);
    return { pepper: fileKey(config.pepperFile), origin: config.pepperFile, generated: false };
  }
  if (config.databaseUrl) {
    throw new Error(
      'FACENITION_PEPPER_FILE (or FACENITION_PEPPER, or FACENITION_PKCS11_MODULE) is required with DATABASE_URL: every replica must hold the same deployment key',
    );
  }
  const file = join(config.dataDir, 'pepper.key');
  if (existsSync(file)) return { pepper: fileKey(file), origin: file, generated: false };
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { pepper: fileKey(file), origin: file, generated: true };
}

export interface ResolvedPeppers {
  ring: PepperRing;
  /** where the current key comes from, for the start-up log (never the key) */
  origin: string;
  generated: boolean;
  /** closes the module session, if any */
  close(): void;
}

/**
 * The current deployment key plus the retired ones listed in FACENITION_PEPPER_PREVIOUS_FILES and
 * FACENITION_PKCS11_PREVIOUS_KEY_LABELS (a ring may mix files and module keys): new tokens use the
 * current key; tokens issued under a retired key keep verifying (and /rotate moves them to the
 * current key).
 */
export async function resolvePepperRing(config: AppConfig): Promise<ResolvedPeppers> {
  const previousFiles = () =>
    config.pepperPreviousFiles.map((file) => {
      if (!existsSync(file)) throw new Error(`FACENITION_PEPPER_PREVIOUS_FILES: ${file} does not exist`);
      return fileKey(file);
    });
  const hsm = config.pkcs11;
  if (!hsm) {
    const current = resolveFile(config);
    return { ring: new PepperRing(current.pepper, previousFiles()), origin: current.origin, generated: current.generated, close: () => {} };
  }
  const token = await Pkcs11Token.open({ module: hsm.module, tokenLabel: hsm.tokenLabel, pin: hsm.pin });
  try {
    const current = token.key(hsm.keyLabel, 'FACENITION_PKCS11_KEY_LABEL');
    const retired = hsm.previousKeyLabels.map((label) => token.key(label, 'FACENITION_PKCS11_PREVIOUS_KEY_LABELS'));
    return {
      ring: new PepperRing(current, [...retired, ...previousFiles()]),
      origin: `PKCS#11 token ${JSON.stringify(hsm.tokenLabel)}, key ${JSON.stringify(hsm.keyLabel)} (${hsm.module})`,
      generated: false,
      close: () => token.close(),
    };
  } catch (err) {
    token.close();
    throw err;
  }
}

/** The resolved keys as a provider: the module session (if any) is closed when the application shuts down. */
export class DeploymentKeys implements OnApplicationShutdown {
  constructor(readonly resolved: ResolvedPeppers) {}

  get ring(): PepperRing {
    return this.resolved.ring;
  }

  onApplicationShutdown(): void {
    this.resolved.close();
  }
}
