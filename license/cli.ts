/**
 * Vendor licence tooling (offline): keygen, issue, inspect. See license/README.md.
 *   npm run license -- <command> [options]
 * Exit codes: 0 success, 1 verification or other failure, 2 usage error.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseIsoDateTime } from '@facenition/common';
import {
  DEFAULT_GRACE_DAYS,
  InvalidLicensePayloadError,
  LicenseError,
  VENDOR_PUBLIC_KEYS,
  decodePrivateKey,
  evaluateLicense,
  generateVendorKeyPair,
  issueLicense,
  keyIdOf,
  parseLicenseEnvelope,
  publicKeyOfPrivate,
  verifyLicense,
  type Edition,
  type LicensePayload,
} from '@facenition/license';

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  now: () => Date;
  /** keys `inspect` trusts when no --public-key is given, and `issue` checks its key against */
  trustedKeys: readonly string[];
}

export const USAGE = `usage: npm run license -- <command> [options]

  keygen --out <dir>
      Write <dir>/vendor.key (private, mode 0600) and <dir>/vendor.pub; print the key id.
      Refuses to overwrite existing files.

  issue --key <private key file> --customer <name> --edition enterprise|developer
        --not-after <YYYY-MM-DD> [--not-before <YYYY-MM-DD>, default today]
        [--license-id <id>, default a random UUID] [--calls-per-month <n>] [--max-replicas <n>]
        [--feature <name>]... --out <file>
      Sign a licence. Dates are 00:00 UTC (full ISO-8601 UTC timestamps are accepted too); the
      licence is valid from --not-before up to, not including, --not-after.

  inspect <file> [--public-key <file>]... [--grace-days <n>, default ${DEFAULT_GRACE_DAYS}] [--at <YYYY-MM-DD>]
      Show the payload, whether the signature verifies (against the built-in vendor keys, or only
      the given public keys) and the licence state now (or at --at).

exit codes: 0 success, 1 verification or other failure, 2 usage error`;

class UsageError extends Error {}
class CliFailure extends Error {}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function parseDate(value: string, option: string): string {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const d = ISO_UTC.test(iso) ? parseIsoDateTime(iso) : undefined;
  // The round trip refuses dates that Date.parse silently rolls over (2026-02-30).
  if (!d || d.toISOString().slice(0, 19) !== iso.slice(0, 19)) {
    throw new UsageError(`${option} must be a date YYYY-MM-DD or an ISO-8601 UTC timestamp (got ${JSON.stringify(value)})`);
  }
  return iso;
}

function parseCount(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,14}$/.test(value)) throw new UsageError(`${option} must be a whole number > 0 (got ${JSON.stringify(value)})`);
  return Number(value);
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new CliFailure(`cannot read ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : code}`);
  }
}

function writeNew(path: string, text: string, mode: number): void {
  try {
    writeFileSync(path, text, { flag: 'wx', mode });
    chmodSync(path, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new CliFailure(code === 'EEXIST' ? `refusing to overwrite ${path}` : `cannot write ${path}: ${code}`);
  }
}

function keygen(args: string[], io: CliIo): number {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
  if (!values.out) throw new UsageError('keygen needs --out <dir>');
  const dir = resolve(values.out);
  const keyPath = join(dir, 'vendor.key');
  const pubPath = join(dir, 'vendor.pub');
  for (const p of [keyPath, pubPath]) if (existsSync(p)) throw new CliFailure(`refusing to overwrite ${p}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = generateVendorKeyPair();
  writeNew(keyPath, `${pair.privateKey}\n`, 0o600);
  writeNew(pubPath, `${pair.publicKey}\n`, 0o644);
  io.stdout(`key id: ${pair.keyId}`);
  io.stdout(`private key: ${keyPath} (mode 0600; keep it offline, back it up, never commit it)`);
  io.stdout(`public key:  ${pubPath}`);
  io.stdout('To trust it, add the public key to VENDOR_PUBLIC_KEYS in libs/license/src/vendor-keys.ts and ship a release');
  io.stdout('before issuing licences with this key.');
  return 0;
}

function issue(args: string[], io: CliIo): number {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      key: { type: 'string' },
      customer: { type: 'string' },
      edition: { type: 'string' },
      'license-id': { type: 'string' },
      'calls-per-month': { type: 'string' },
      'max-replicas': { type: 'string' },
      feature: { type: 'string', multiple: true },
      'not-before': { type: 'string' },
      'not-after': { type: 'string' },
      out: { type: 'string' },
    },
  });
  for (const required of ['key', 'customer', 'edition', 'not-after', 'out'] as const) {
    if (values[required] === undefined) throw new UsageError(`issue needs --${required}`);
  }
  const edition = values.edition;
  if (edition !== 'enterprise' && edition !== 'developer') {
    throw new UsageError(`--edition must be enterprise or developer (got ${JSON.stringify(edition)})`);
  }
  const now = io.now();
  const limits: LicensePayload['limits'] = {};
  const calls = parseCount(values['calls-per-month'], '--calls-per-month');
  const replicas = parseCount(values['max-replicas'], '--max-replicas');
  if (calls !== undefined) limits.calls_per_month = calls;
  if (replicas !== undefined) limits.max_replicas = replicas;
  const payload: LicensePayload = {
    license_id: values['license-id'] ?? randomUUID(),
    customer: values.customer!,
    edition: edition satisfies Edition,
    limits,
    features: values.feature ?? [],
    not_before: parseDate(values['not-before'] ?? now.toISOString().slice(0, 10), '--not-before'),
    not_after: parseDate(values['not-after']!, '--not-after'),
    issued_at: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };

  const keyPath = values.key!;
  const keyText = readText(keyPath, 'private key file');
  if ((statSync(keyPath).mode & 0o077) !== 0) {
    io.stderr(`warning: ${keyPath} is readable by other users; chmod 600 it`);
  }
  let text: string;
  let publicKey: string;
  try {
    publicKey = publicKeyOfPrivate(decodePrivateKey(keyText, `private key file ${keyPath}`)).toString('base64');
    text = issueLicense(payload, keyText);
  } catch (e) {
    if (e instanceof InvalidLicensePayloadError) throw new UsageError(e.message);
    throw e;
  }
  // Never hand out a file that does not verify.
  const license = verifyLicense(text, [publicKey]);
  writeNew(resolve(values.out!), text, 0o644);
  io.stdout(
    `issued licence ${license.license_id} for ${license.customer} (${license.edition}), ` +
      `valid ${license.not_before} to ${license.not_after}, signed with key ${license.key_id}`,
  );
  io.stdout(`wrote ${resolve(values.out!)}`);
  if (!io.trustedKeys.some((k) => keyIdOf(k) === license.key_id)) {
    io.stderr(
      `warning: key ${license.key_id} is not among this release's vendor keys (VENDOR_PUBLIC_KEYS); ` +
        'servers refuse the file until a release that trusts this key is installed',
    );
  }
  return 0;
}

function inspect(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      'public-key': { type: 'string', multiple: true },
      'grace-days': { type: 'string' },
      at: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('inspect needs exactly one licence file');
  if (!/^\d{1,4}$/.test(values['grace-days'] ?? '0')) throw new UsageError('--grace-days must be a whole number >= 0');
  const graceDays = values['grace-days'] === undefined ? DEFAULT_GRACE_DAYS : Number(values['grace-days']);
  const at = values.at === undefined ? io.now() : new Date(parseDate(values.at, '--at'));
  const keyFiles = values['public-key'] ?? [];
  const trusted = keyFiles.length ? keyFiles.map((f) => readText(f, 'public key file').trim()) : io.trustedKeys;
  const trustedFrom = keyFiles.length ? `given public key(s)` : 'built-in vendor keys';

  const path = resolve(positionals[0]);
  const source = `licence file ${path}`;
  const text = readText(path, 'licence file');
  io.stdout(`file:      ${path}`);
  try {
    const envelope = parseLicenseEnvelope(text, source);
    io.stdout(`format:    ${envelope.format} (${envelope.alg})`);
    const known = trusted.map((k, i) => {
      try {
        return keyIdOf(k);
      } catch {
        throw new CliFailure(`${keyFiles[i] ?? `built-in vendor key #${i + 1}`} is not an Ed25519 public key (44 characters of base64)`);
      }
    });
    io.stdout(`key id:    ${envelope.key_id} (${known.includes(envelope.key_id) ? 'trusted' : 'NOT trusted'}: ${trustedFrom})`);
    let shown: string;
    try {
      // Unverified input: escape C1 controls too (JSON.stringify escapes only C0) so it cannot drive the terminal.
      shown = JSON.stringify(JSON.parse(envelope.payload.toString('utf8')), null, 2).replace(
        /[\u007f-\u009f]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
    } catch {
      shown = '(not JSON)';
    }
    io.stdout('payload (as signed, shown before verification):');
    io.stdout(shown);
    const license = verifyLicense(text, trusted, source);
    io.stdout(`verified:  yes, signature by vendor key ${license.key_id}`);
    const state = evaluateLicense(license, at, { graceDays });
    io.stdout(`state at ${at.toISOString()} (grace ${graceDays} days): ${state.status}`);
    io.stdout(JSON.stringify(state, null, 2));
    return 0;
  } catch (e) {
    if (e instanceof LicenseError) {
      io.stdout('verified:  NO');
      io.stderr(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

const defaultIo: CliIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  now: () => new Date(),
  trustedKeys: VENDOR_PUBLIC_KEYS,
};

/** Run the CLI; returns the exit code. */
export function main(argv: readonly string[], io: Partial<CliIo> = {}): number {
  const cli: CliIo = { ...defaultIo, ...io };
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'keygen':
        return keygen(args, cli);
      case 'issue':
        return issue(args, cli);
      case 'inspect':
        return inspect(args, cli);
      case 'help':
      case '--help':
      case '-h':
        cli.stdout(USAGE);
        return 0;
      default:
        throw new UsageError(command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`);
    }
  } catch (e) {
    // parseArgs throws node's own TypeError (another realm under jest), so match on its code.
    const parseArgsError = typeof e === 'object' && e !== null && /^ERR_PARSE_ARGS_/.test(String((e as NodeJS.ErrnoException).code));
    if (e instanceof UsageError || parseArgsError) {
      cli.stderr(`error: ${(e as Error).message}`);
      cli.stderr(USAGE);
      return 2;
    }
    if (e instanceof CliFailure || e instanceof LicenseError) {
      cli.stderr(`error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
