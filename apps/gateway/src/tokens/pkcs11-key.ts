import { existsSync } from 'node:fs';
import type * as Pkcs11js from 'pkcs11js';
import { hkdfExtractEmptySalt, pepperKeyId, type Pepper } from '@facenition/tokenisation';

/**
 * The deployment key in a PKCS#11 module (a hardware security module, or SoftHSM): two
 * non-extractable, sensitive HMAC keys per deployment key, and every keyed step runs in the module.
 *   `<label>`         the key itself (CKK_GENERIC_SECRET): hmac(data) = C_Sign(CKM_SHA256_HMAC, key, data),
 *                     the HMAC over the scrypt output of every identity token;
 *   `<label>.derive`  HKDF-SHA256's extract of the key with an empty salt, PRK = HMAC(32 zero bytes, key):
 *                     derive(label) = C_Sign(CKM_SHA256_HMAC, PRK, label ‖ 0x01), which equals
 *                     HKDF-SHA256(key, salt = empty, info = label, L = 32) of a key file holding the same key.
 * Both carry the key id (sha256("facenition pepper id" ‖ key)[0..8]) as CKA_ID, so tokens, status
 * lists and sealed values are the same as with the key file. The server holds one logged-in session
 * for its lifetime; pkcs11js calls are synchronous and JavaScript runs them one at a time.
 */

/** A module, token, PIN or key problem; the message names the setting to fix. */
export class Pkcs11KeyError extends Error {}

export interface Pkcs11TokenSettings {
  /** path of the module's shared library */
  module: string;
  tokenLabel: string;
  pin: string;
}

/** The settings named in messages (the CLI reads the same variables as the server). */
const NAMES = {
  module: 'FACENITION_PKCS11_MODULE',
  tokenLabel: 'FACENITION_PKCS11_TOKEN_LABEL',
  pin: 'FACENITION_PKCS11_PIN_FILE',
};

/** Label of the HKDF key object that goes with a key label. */
export const deriveLabel = (label: string): string => `${label}.derive`;

type Binding = typeof Pkcs11js;
type Handle = Buffer;

/**
 * C_Initialize and C_Finalize act on the whole process, so every user of one module in this process
 * (two applications in a test run, a CLI) shares one initialisation, finalised by the last to leave.
 */
const modules = new Map<string, { p: Binding; lib: Pkcs11js.PKCS11; users: number; finalize: boolean }>();

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const codeOf = (err: unknown): number | undefined => {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
};

async function acquire(path: string): Promise<{ p: Binding; lib: Pkcs11js.PKCS11 }> {
  // imported on first use only: deployments with a key file never load the native binding
  let p: Binding;
  try {
    p = await import('pkcs11js');
  } catch (err) {
    throw new Pkcs11KeyError(`${NAMES.module}: the pkcs11js binding is not installed or does not load (${reason(err)})`);
  }
  // from here on synchronous: two opens in flight cannot both initialise the module
  const held = modules.get(path);
  if (held) {
    held.users++;
    return held;
  }
  if (!existsSync(path)) throw new Pkcs11KeyError(`${NAMES.module}: ${path} does not exist`);
  const lib = new p.PKCS11();
  try {
    lib.load(path);
  } catch (err) {
    throw new Pkcs11KeyError(`${NAMES.module}: ${path} cannot be loaded as a PKCS#11 module (${reason(err)})`);
  }
  let finalize = true;
  try {
    lib.C_Initialize({ flags: p.CKF_OS_LOCKING_OK });
  } catch (err) {
    // initialised earlier in this process by a user that is gone without finalising (a test file's leftover)
    if (codeOf(err) === p.CKR_CRYPTOKI_ALREADY_INITIALIZED) finalize = false;
    else {
      lib.close();
      throw new Pkcs11KeyError(`${NAMES.module}: C_Initialize of ${path} failed (${reason(err)})`);
    }
  }
  modules.set(path, { p, lib, users: 1, finalize });
  return { p, lib };
}

function release(path: string): void {
  const held = modules.get(path);
  if (!held || --held.users > 0) return;
  modules.delete(path);
  try {
    if (held.finalize) held.lib.C_Finalize();
  } finally {
    held.lib.close();
  }
}

interface KeyObject {
  handle: Handle;
  id: Buffer;
  /** the setting that named it, for messages */
  setting: string;
}

/** An open, logged-in session on one token of a module. */
export class Pkcs11Token {
  private session: Handle;
  private readonly keys = new Map<string, KeyObject>();
  private closed = false;

  private constructor(
    private readonly p: Binding,
    private readonly lib: Pkcs11js.PKCS11,
    private readonly settings: Pkcs11TokenSettings,
    private readonly slot: Handle,
    private readonly readWrite: boolean,
  ) {
    this.session = this.login();
  }

  /** Loads the module, finds the token by its label and logs in with the PIN (a read-only session unless `readWrite`). */
  static async open(settings: Pkcs11TokenSettings, opts: { readWrite?: boolean } = {}): Promise<Pkcs11Token> {
    const { p, lib } = await acquire(settings.module);
    try {
      const slot = findSlot(lib, settings);
      return new Pkcs11Token(p, lib, settings, slot, !!opts.readWrite);
    } catch (err) {
      release(settings.module);
      throw err;
    }
  }

  get tokenLabel(): string {
    return this.settings.tokenLabel;
  }

  private login(): Handle {
    const { p, lib } = this;
    const session = lib.C_OpenSession(this.slot, p.CKF_SERIAL_SESSION | (this.readWrite ? p.CKF_RW_SESSION : 0));
    try {
      lib.C_Login(session, p.CKU_USER, this.settings.pin);
    } catch (err) {
      // the login state belongs to the process: another session of this process logged in already
      if (codeOf(err) === p.CKR_USER_ALREADY_LOGGED_IN) return session;
      lib.C_CloseSession(session);
      const label = JSON.stringify(this.settings.tokenLabel);
      const code = codeOf(err);
      if (code === p.CKR_PIN_INCORRECT || code === p.CKR_PIN_INVALID || code === p.CKR_PIN_LEN_RANGE)
        throw new Pkcs11KeyError(`${NAMES.pin}: the PIN was refused by the token ${label} (${reason(err)})`);
      if (code === p.CKR_PIN_LOCKED)
        throw new Pkcs11KeyError(`${NAMES.pin}: the user PIN of the token ${label} is locked (${reason(err)})`);
      throw new Pkcs11KeyError(`${NAMES.pin}: login to the token ${label} failed (${reason(err)})`);
    }
    return session;
  }

  /** Secret key objects labelled `label` in the token. */
  private find(label: string): Handle[] {
    const { p, lib } = this;
    lib.C_FindObjectsInit(this.session, [
      { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
      { type: p.CKA_LABEL, value: label },
    ]);
    try {
      return lib.C_FindObjects(this.session, 8);
    } finally {
      lib.C_FindObjectsFinal(this.session);
    }
  }

  /** Finds the key object `label` and refuses one that is not a sensitive, non-extractable HMAC key with an 8-byte id. */
  private checked(label: string, setting: string): KeyObject {
    const { p, lib } = this;
    const token = JSON.stringify(this.settings.tokenLabel);
    const found = this.find(label);
    if (found.length === 0)
      throw new Pkcs11KeyError(
        `${setting}: no secret key labelled ${JSON.stringify(label)} in the token ${token} (store one with the hsm CLI: import or generate)`,
      );
    if (found.length > 1)
      throw new Pkcs11KeyError(`${setting}: ${found.length} secret keys are labelled ${JSON.stringify(label)} in the token ${token}`);
    const [handle] = found;
    const attrs = lib.C_GetAttributeValue(this.session, handle, [
      { type: p.CKA_KEY_TYPE },
      { type: p.CKA_SENSITIVE },
      { type: p.CKA_EXTRACTABLE },
      { type: p.CKA_SIGN },
      { type: p.CKA_ID },
    ]);
    const [keyType, sensitive, extractable, sign, id] = attrs.map((a) => a.value);
    const flag = (b: Buffer) => b.length > 0 && b[0] !== 0;
    const name = `the key ${JSON.stringify(label)} in the token ${token}`;
    if (keyType.length < 4 || keyType.readUInt32LE(0) !== p.CKK_GENERIC_SECRET)
      throw new Pkcs11KeyError(`${setting}: ${name} is not a generic secret (HMAC) key`);
    if (flag(extractable)) throw new Pkcs11KeyError(`${setting}: ${name} is extractable (CKA_EXTRACTABLE true): refusing to use it`);
    if (!flag(sensitive)) throw new Pkcs11KeyError(`${setting}: ${name} is not sensitive (CKA_SENSITIVE false): refusing to use it`);
    if (!flag(sign)) throw new Pkcs11KeyError(`${setting}: ${name} may not sign (CKA_SIGN false)`);
    if (id.length !== 8) throw new Pkcs11KeyError(`${setting}: ${name} has no 8-byte key id (CKA_ID): store it with the hsm CLI`);
    return { handle, id: Buffer.from(id), setting };
  }

  /**
   * The deployment key stored under `label`: its key object and its `.derive` object, both checked
   * (generic secret, sensitive, not extractable, same 8-byte CKA_ID). `setting` names the variable
   * that asked for it, for messages.
   */
  key(label: string, setting: string): Pepper {
    const main = this.checked(label, setting);
    const prk = this.checked(deriveLabel(label), setting);
    if (!main.id.equals(prk.id))
      throw new Pkcs11KeyError(
        `${setting}: the keys ${JSON.stringify(label)} and ${JSON.stringify(deriveLabel(label))} carry different key ids`,
      );
    this.keys.set(label, main);
    this.keys.set(deriveLabel(label), prk);
    const info = (l: string) => Buffer.concat([Buffer.from(l, 'utf8'), Buffer.from([1])]);
    return {
      keyId: Buffer.from(main.id),
      hmac: (data) => this.hmac(label, data),
      derive: (l) => this.hmac(deriveLabel(label), info(l)),
    };
  }

  /** HMAC-SHA256 under the key object `label` (found by key()), in the module. */
  private hmac(label: string, data: Uint8Array): Buffer {
    const { p, lib } = this;
    if (this.closed) throw new Pkcs11KeyError(`the PKCS#11 session of the token ${JSON.stringify(this.tokenLabel)} is closed`);
    const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    for (let attempt = 0; ; attempt++) {
      try {
        lib.C_SignInit(this.session, { mechanism: p.CKM_SHA256_HMAC }, this.keys.get(label)!.handle);
        return lib.C_Sign(this.session, input, Buffer.alloc(32));
      } catch (err) {
        if (attempt > 0 || !this.lostSession(codeOf(err)))
          throw new Pkcs11KeyError(`the PKCS#11 module refused an HMAC with the key ${JSON.stringify(label)} (${reason(err)})`);
        this.reopen();
      }
    }
  }

  /** Errors after which a new session (and login) may succeed: the module or the token was restarted, or a session closed. */
  private lostSession(code: number | undefined): boolean {
    const { p } = this;
    return (
      code === p.CKR_SESSION_HANDLE_INVALID ||
      code === p.CKR_SESSION_CLOSED ||
      code === p.CKR_USER_NOT_LOGGED_IN ||
      code === p.CKR_KEY_HANDLE_INVALID ||
      code === p.CKR_OBJECT_HANDLE_INVALID
    );
  }

  /** A new session: log in again and find the key objects again (their handles may have changed). */
  private reopen(): void {
    try {
      this.lib.C_CloseSession(this.session);
    } catch {
      // already gone
    }
    this.session = this.login();
    for (const [label, key] of this.keys) this.keys.set(label, this.checked(label, key.setting));
  }

  /** Refuses a label whose key object or `.derive` object exists already. */
  assertLabelFree(label: string): void {
    for (const l of [label, deriveLabel(label)])
      if (this.find(l).length)
        throw new Pkcs11KeyError(
          `a secret key labelled ${JSON.stringify(l)} exists already in the token ${JSON.stringify(this.tokenLabel)}`,
        );
  }

  /** Random bytes from the module's generator. */
  random(n: number): Buffer {
    return Buffer.from(this.lib.C_GenerateRandom(this.session, Buffer.alloc(n)));
  }

  /**
   * Stores a deployment key as `label` and its HKDF extract as `<label>.derive`: token objects,
   * private, sensitive, never extractable, usable only to sign (HMAC), with the key id as CKA_ID.
   * Refuses a label already in use. Returns the key id. The caller zeroes `key`.
   */
  importKey(label: string, key: Uint8Array): Buffer {
    if (!this.readWrite) throw new Error('importKey needs a read-write session');
    if (key.length !== 32) throw new Error('a deployment key is 32 bytes');
    this.assertLabelFree(label);
    const { p, lib } = this;
    const id = pepperKeyId(key);
    const prk = hkdfExtractEmptySalt(key);
    const value = Buffer.from(key);
    const template = (l: string, v: Buffer): Pkcs11js.Template => [
      { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
      { type: p.CKA_KEY_TYPE, value: p.CKK_GENERIC_SECRET },
      { type: p.CKA_TOKEN, value: true },
      { type: p.CKA_PRIVATE, value: true },
      { type: p.CKA_LABEL, value: l },
      { type: p.CKA_ID, value: id },
      { type: p.CKA_VALUE, value: v },
      { type: p.CKA_SENSITIVE, value: true },
      { type: p.CKA_EXTRACTABLE, value: false },
      { type: p.CKA_SIGN, value: true },
      { type: p.CKA_VERIFY, value: false },
      // no derivation, wrapping or encryption with it: only HMAC
      { type: p.CKA_DERIVE, value: false },
      { type: p.CKA_WRAP, value: false },
      { type: p.CKA_UNWRAP, value: false },
      { type: p.CKA_ENCRYPT, value: false },
      { type: p.CKA_DECRYPT, value: false },
    ];
    try {
      const main = lib.C_CreateObject(this.session, template(label, value));
      try {
        lib.C_CreateObject(this.session, template(deriveLabel(label), prk));
      } catch (err) {
        lib.C_DestroyObject(this.session, main);
        throw err;
      }
    } finally {
      value.fill(0);
      prk.fill(0);
    }
    return id;
  }

  /** Logs out of this session and lets the module go (finalised when no other user in this process holds it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.keys.clear();
    try {
      this.lib.C_CloseSession(this.session);
    } catch {
      // the module lost the session already
    } finally {
      release(this.settings.module);
    }
  }
}

function findSlot(lib: Pkcs11js.PKCS11, settings: Pkcs11TokenSettings): Handle {
  const tokens = lib.C_GetSlotList(true).map((slot) => ({ slot, label: lib.C_GetTokenInfo(slot).label.trimEnd() }));
  const matching = tokens.filter((t) => t.label === settings.tokenLabel);
  const present = tokens.map((t) => JSON.stringify(t.label)).join(', ') || 'none';
  if (matching.length === 0)
    throw new Pkcs11KeyError(
      `${NAMES.tokenLabel}: no token labelled ${JSON.stringify(settings.tokenLabel)} in ${settings.module} (tokens present: ${present})`,
    );
  if (matching.length > 1)
    throw new Pkcs11KeyError(
      `${NAMES.tokenLabel}: ${matching.length} tokens are labelled ${JSON.stringify(settings.tokenLabel)} in ${settings.module}`,
    );
  return matching[0].slot;
}
