import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as pkcs11js from 'pkcs11js';

/** Where Debian, Ubuntu, Fedora and a source build put SoftHSM2's PKCS#11 module. */
const MODULES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib64/pkcs11/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
];

const ROOT = resolve(__dirname, '../..');

export interface SoftHsm {
  /** temporary directory holding the configuration, the token and the PIN file */
  dir: string;
  module: string;
  tokenLabel: string;
  pin: string;
  pinFile: string;
  /** the server's settings for this token, with `keyLabel` as the current key */
  env(keyLabel: string): Record<string, string>;
  remove(): void;
}

/**
 * A fresh SoftHSM2 token in a temporary directory: a softhsm2.conf whose token directory is that
 * directory, SOFTHSM2_CONF set for this process (SoftHSM reads it at C_Initialize) and so for every
 * child it starts, and `softhsm2-util --init-token`. Fails, never skips, without SoftHSM2: CI
 * installs it (.ci/run).
 */
export function createSoftHsmToken(tokenLabel = 'facenition-test'): SoftHsm {
  const util = spawnSync('softhsm2-util', ['--version'], { encoding: 'utf8' });
  if (util.error)
    throw new Error(
      `softhsm2-util is not installed (${util.error.message}): the PKCS#11 tests need SoftHSM2 (Debian/Ubuntu: apt-get install softhsm2)`,
    );
  const module = MODULES.find((m) => existsSync(m));
  if (!module) throw new Error(`SoftHSM2's PKCS#11 module was not found (looked for ${MODULES.join(', ')})`);
  const dir = mkdtempSync(join(tmpdir(), 'facenition-softhsm-'));
  mkdirSync(join(dir, 'tokens'), { mode: 0o700 });
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  );
  process.env.SOFTHSM2_CONF = conf;
  const pin = '271828';
  const init = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', tokenLabel, '--so-pin', '31415926', '--pin', pin], {
    encoding: 'utf8',
    env: { ...process.env, SOFTHSM2_CONF: conf },
  });
  if (init.status !== 0) throw new Error(`softhsm2-util --init-token failed: ${init.stderr}${init.stdout}`);
  const pinFile = join(dir, 'pin');
  writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
  return {
    dir,
    module,
    tokenLabel,
    pin,
    pinFile,
    env: (keyLabel) => ({
      FACENITION_PKCS11_MODULE: module,
      FACENITION_PKCS11_TOKEN_LABEL: tokenLabel,
      FACENITION_PKCS11_PIN_FILE: pinFile,
      FACENITION_PKCS11_KEY_LABEL: keyLabel,
    }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Runs the key ceremony CLI (apps/gateway/src/cli/hsm.ts) as its own process, from sources, with
 * the token's settings: `hsmCli(hsm, 'label', ['import', '--key-file', f])`.
 */
export function hsmCli(hsm: SoftHsm, keyLabel: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(ROOT, 'apps/gateway/src/cli/hsm.ts'), ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SOFTHSM2_CONF: process.env.SOFTHSM2_CONF, ...hsm.env(keyLabel), ...env },
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A raw pkcs11js session on the token (logged in), to look at objects the way any other program
 * with the PIN would. Shares the process's initialisation of the module with a running server.
 */
export function withRawSession<T>(hsm: SoftHsm, f: (lib: pkcs11js.PKCS11, session: Buffer, slot: Buffer) => T): T {
  const lib = new pkcs11js.PKCS11();
  lib.load(hsm.module);
  let initialised = false;
  try {
    lib.C_Initialize();
    initialised = true;
  } catch (err) {
    if ((err as { code?: number }).code !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw err;
  }
  try {
    const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trimEnd() === hsm.tokenLabel);
    if (!slot) throw new Error(`no token ${hsm.tokenLabel}`);
    const session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      try {
        lib.C_Login(session, pkcs11js.CKU_USER, hsm.pin);
      } catch (err) {
        if ((err as { code?: number }).code !== pkcs11js.CKR_USER_ALREADY_LOGGED_IN) throw err;
      }
      return f(lib, session, slot);
    } finally {
      try {
        lib.C_CloseSession(session);
      } catch {
        // closed by f (C_CloseAllSessions)
      }
    }
  } finally {
    if (initialised) lib.C_Finalize();
    lib.close();
  }
}

/** Handles of the secret keys labelled `label`. */
export function findKeys(lib: pkcs11js.PKCS11, session: Buffer, label: string): Buffer[] {
  lib.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_LABEL, value: label },
  ]);
  try {
    return lib.C_FindObjects(session, 16);
  } finally {
    lib.C_FindObjectsFinal(session);
  }
}
