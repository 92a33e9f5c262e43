import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Pepper } from '@facenition/tokenisation';
import { ConfigError, KEY_LABEL, KEY_LABEL_MESSAGE, loadConfig, type Pkcs11Config } from '../config';
import { parseKey } from '../tokens/pepper';
import { deriveLabel, Pkcs11KeyError, Pkcs11Token } from '../tokens/pkcs11-key';
import { CliFailure, runAsProgram, runCli, UsageError, type CliIo } from './run';

export const USAGE = `usage: node dist/apps/gateway/src/cli/hsm.js <command> [options]   (from sources: npm run hsm -- <command> [options])

The module, token and PIN come from the server's own settings: FACENITION_PKCS11_MODULE,
FACENITION_PKCS11_TOKEN_LABEL, FACENITION_PKCS11_PIN_FILE and FACENITION_PKCS11_KEY_LABEL (the
default --label). Nothing secret is ever printed.

  import --key-file <file> [--label <label>]
      Store an existing deployment key file (32 bytes, base64 or hex) in the token as two
      non-extractable, sensitive HMAC keys, <label> and <label>.derive, with the key id as CKA_ID.
      Tokens, status lists and sealed values stay those of the file. Print the key id.

  generate [--label <label>] [--backup-file <file>]
      Draw a new deployment key from the module's random generator (C_GenerateRandom) and store it
      as import does. The key exists in this process's memory during the command only; with
      --backup-file it is also written to <file> (mode 0600, never overwritten) for escrow.

  check [--label <label>]
      Open the token as the server does and check the key: print its key id.

exit codes: 0 success, 1 failure, 2 usage error`;

function settings(env: NodeJS.ProcessEnv | undefined): Pkcs11Config {
  const config = loadConfig(env);
  if (!config.pkcs11)
    throw new ConfigError(
      'FACENITION_PKCS11_MODULE, FACENITION_PKCS11_TOKEN_LABEL, FACENITION_PKCS11_PIN_FILE and FACENITION_PKCS11_KEY_LABEL must be set',
    );
  return config.pkcs11;
}

const PROBE_LABEL = 'facenition hsm self-check';

/** What the key computes for a random probe, taken before its bytes are zeroed; compared with the module's afterwards. */
function expectations(key: Buffer) {
  const probe = randomBytes(32);
  const derive = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), PROBE_LABEL, 32));
  return { probe, hmac: createHmac('sha256', key).update(probe).digest(), derive };
}

/** The module computes what the key computes: one HMAC and one derivation compared, nothing printed. Returns the stored key id. */
function selfCheck(token: Pkcs11Token, label: string, expected: ReturnType<typeof expectations>): Buffer {
  const stored: Pepper = token.key(label, '--label');
  if (!stored.hmac(expected.probe).equals(expected.hmac) || !stored.derive(PROBE_LABEL).equals(expected.derive))
    throw new Pkcs11KeyError(`the module's HMAC with ${JSON.stringify(label)} differs from the key's: the stored key is not usable`);
  return Buffer.from(stored.keyId);
}

async function store(cfg: Pkcs11Config, label: string, io: CliIo, key: (token: Pkcs11Token) => Buffer, what: string): Promise<number> {
  if (!KEY_LABEL.test(label)) throw new UsageError(`--label ${KEY_LABEL_MESSAGE}`);
  const token = await Pkcs11Token.open(cfg, { readWrite: true });
  let bytes: Buffer | undefined;
  try {
    token.assertLabelFree(label);
    bytes = key(token);
    const expected = expectations(bytes);
    const id = token.importKey(label, bytes);
    bytes.fill(0);
    if (!selfCheck(token, label, expected).equals(id)) throw new Pkcs11KeyError('the stored key id differs from the key id');
    io.stdout(
      `${what} key id ${id.toString('hex')} into the token ${JSON.stringify(cfg.tokenLabel)} as ${JSON.stringify(label)} and ${JSON.stringify(deriveLabel(label))} (sensitive, not extractable)`,
    );
    return 0;
  } finally {
    bytes?.fill(0);
    token.close();
  }
}

function readKeyFile(file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliFailure(`--key-file: ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return parseKey(text, `--key-file: ${file}`);
  } catch (e) {
    throw new CliFailure((e as Error).message);
  }
}

function writeBackup(file: string, key: Buffer): void {
  try {
    writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliFailure(
      code === 'EEXIST' ? `--backup-file: refusing to overwrite ${file}` : `--backup-file: ${file} cannot be written (${code ?? 'error'})`,
    );
  }
}

function importKey(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { 'key-file': { type: 'string' }, label: { type: 'string' } } });
  const file = values['key-file'];
  if (!file) throw new UsageError('import needs --key-file <file>');
  const cfg = settings(io.env);
  return store(cfg, values.label ?? cfg.keyLabel, io, () => readKeyFile(file), 'imported');
}

function generateKey(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { label: { type: 'string' }, 'backup-file': { type: 'string' } } });
  const cfg = settings(io.env);
  const backup = values['backup-file'];
  const draw = (token: Pkcs11Token) => {
    const key = token.random(32);
    // written before the key is stored: a backup that cannot be written stores nothing
    if (backup) writeBackup(backup, key);
    return key;
  };
  return store(cfg, values.label ?? cfg.keyLabel, io, draw, backup ? `generated (backup in ${backup})` : 'generated');
}

async function checkKey(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { label: { type: 'string' } } });
  const cfg = settings(io.env);
  const label = values.label ?? cfg.keyLabel;
  const token = await Pkcs11Token.open(cfg);
  try {
    const key = token.key(label, values.label ? '--label' : 'FACENITION_PKCS11_KEY_LABEL');
    io.stdout(
      `key ${JSON.stringify(label)} in the token ${JSON.stringify(cfg.tokenLabel)}: key id ${Buffer.from(key.keyId).toString('hex')}, sensitive, not extractable`,
    );
  } finally {
    token.close();
  }
  return 0;
}

/** Run the CLI; resolves to the exit code. */
export function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  return runCli(argv, io, {
    usage: USAGE,
    commands: { import: importKey, generate: generateKey, check: checkKey },
    failures: [Pkcs11KeyError, ConfigError],
  });
}

if (require.main === module) runAsProgram('hsm', main);
