import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkcs11js from 'pkcs11js';
import { pepperFromKey, pepperKeyId, PepperRing, signStatusList, statusListPublicKey, verifyStatusList } from '@facenition/tokenisation';
import { createSoftHsmToken, findKeys, hsmCli, withRawSession, type SoftHsm } from '../../../../test/support/softhsm';
import { loadConfig } from '../config';
import { seal, unseal } from '../oidc/seal';
import { resolvePepperRing, type ResolvedPeppers } from './pepper';

jest.setTimeout(120_000);

/**
 * The deployment key in a PKCS#11 module, on a real SoftHSM2 token created for this file: the
 * ceremony CLI, the objects it stores, equality with the key file, and the refusals at start.
 */
describe('deployment key in a PKCS#11 module (SoftHSM2)', () => {
  let hsm: SoftHsm;
  let dir: string;
  const keyA = randomBytes(32);
  const idA = pepperKeyId(keyA).toString('hex');
  let keyFileA: string;

  beforeAll(() => {
    hsm = createSoftHsmToken();
    dir = mkdtempSync(join(tmpdir(), 'facenition-pkcs11-spec-'));
    keyFileA = join(dir, 'a.key');
    writeFileSync(keyFileA, keyA.toString('base64') + '\n', { mode: 0o600 });
    const r = hsmCli(hsm, 'deployment-a', ['import', '--key-file', keyFileA]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `imported key id ${idA} into the token "facenition-test" as "deployment-a" and "deployment-a.derive" (sensitive, not extractable)\n`,
    );
  });
  afterAll(() => hsm?.remove());

  const config = (keyLabel: string, env: Record<string, string> = {}) =>
    loadConfig({ ...hsm.env(keyLabel), FACENITION_DATA_DIR: dir, ...env });
  /** resolves the ring, runs f, always closes the session */
  const withRing = async <T>(keyLabel: string, f: (r: ResolvedPeppers) => T, env: Record<string, string> = {}): Promise<T> => {
    const r = await resolvePepperRing(config(keyLabel, env));
    try {
      return f(r);
    } finally {
      r.close();
    }
  };

  it('the CLI stores two sensitive, never-extractable HMAC keys with the key id as CKA_ID; their value cannot be read', () => {
    withRawSession(hsm, (lib, session) => {
      for (const label of ['deployment-a', 'deployment-a.derive']) {
        const [handle, ...more] = findKeys(lib, session, label);
        expect(more).toHaveLength(0);
        const attrs = lib.C_GetAttributeValue(session, handle, [
          { type: pkcs11js.CKA_KEY_TYPE },
          { type: pkcs11js.CKA_SENSITIVE },
          { type: pkcs11js.CKA_EXTRACTABLE },
          { type: pkcs11js.CKA_PRIVATE },
          { type: pkcs11js.CKA_TOKEN },
          { type: pkcs11js.CKA_SIGN },
          { type: pkcs11js.CKA_DERIVE },
          { type: pkcs11js.CKA_WRAP },
          { type: pkcs11js.CKA_ID },
        ]);
        const [keyType, sensitive, extractable, priv, token, sign, derive, wrap, id] = attrs.map((a) => a.value);
        expect(keyType.readUInt32LE(0)).toBe(pkcs11js.CKK_GENERIC_SECRET);
        expect([sensitive[0], extractable[0], priv[0], token[0], sign[0], derive[0], wrap[0]]).toEqual([1, 0, 1, 1, 1, 0, 0]);
        expect(id.toString('hex')).toBe(idA);
        expect(() => lib.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_VALUE }])).toThrow('CKR_ATTRIBUTE_SENSITIVE');
        // and it cannot be made extractable again (CKA_EXTRACTABLE may only go from true to false)
        expect(() => lib.C_SetAttributeValue(session, handle, [{ type: pkcs11js.CKA_EXTRACTABLE, value: true }])).toThrow(/CKR_/);
      }
    });
  });

  it('the module key computes exactly what the key file computes: key id, token HMAC, HKDF derivations, status lists, sealed values', async () => {
    const file = pepperFromKey(keyA);
    await withRing('deployment-a', (r) => {
      const hsmKey = r.ring.current;
      expect(Buffer.from(hsmKey.keyId).toString('hex')).toBe(idA);
      expect(r.origin).toBe(`PKCS#11 token "facenition-test", key "deployment-a" (${hsm.module})`);
      for (const n of [1, 32, 64, 65, 1000]) {
        const data = randomBytes(n);
        expect(hsmKey.hmac(data)).toEqual(createHmac('sha256', keyA).update(data).digest());
      }
      // every label the server derives a key for
      for (const label of [
        'facenition status list signing key',
        'facenition seal oidc signing key',
        'facenition seal oidc client secret',
        'facenition oidc cookies',
        'facenition oidc csrf',
        '',
      ]) {
        expect(hsmKey.derive(label)).toEqual(Buffer.from(hkdfSync('sha256', keyA, Buffer.alloc(0), label, 32)));
      }
      const list = { issuer: 'ab'.repeat(16), issuedAt: new Date('2026-12-01T00:00:00Z'), revoked: [] };
      expect(statusListPublicKey(hsmKey)).toEqual(statusListPublicKey(file));
      const signed = signStatusList(list, hsmKey);
      expect(signed).toBe(signStatusList(list, file)); // Ed25519 is deterministic
      expect(verifyStatusList(signed, [file], new Date('2026-12-01T00:01:00Z')).keyId).toBe(idA);
      const fileRing = new PepperRing(file);
      const sealed = seal(r.ring, 'oidc client secret', Buffer.from('rp secret'));
      expect(unseal(fileRing, 'oidc client secret', sealed).toString()).toBe('rp secret');
      expect(unseal(r.ring, 'oidc client secret', seal(fileRing, 'oidc client secret', Buffer.from('other'))).toString()).toBe('other');
    });
  });

  it('generate draws the key in the module, writes the escrow copy only when asked, and never overwrites one', async () => {
    const backup = join(dir, 'b.key');
    const r = hsmCli(hsm, 'deployment-a', ['generate', '--label', 'deployment-b', '--backup-file', backup]);
    expect(r.code).toBe(0);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    const keyB = Buffer.from(readFileSync(backup, 'utf8').trim(), 'base64');
    const idB = pepperKeyId(keyB).toString('hex');
    expect(r.stdout).toContain(`generated (backup in ${backup}) key id ${idB} into the token "facenition-test" as "deployment-b"`);
    expect(r.stdout + r.stderr).not.toContain(keyB.toString('base64'));

    const again = hsmCli(hsm, 'deployment-a', ['generate', '--label', 'deployment-c', '--backup-file', backup]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`error: --backup-file: refusing to overwrite ${backup}\n`);
    const noC = hsmCli(hsm, 'deployment-a', ['check', '--label', 'deployment-c']);
    expect(noC.stderr).toContain('no secret key labelled "deployment-c"'); // nothing stored without its backup

    const plain = hsmCli(hsm, 'deployment-a', ['generate', '--label', 'deployment-c']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^generated key id [0-9a-f]{16} into the token "facenition-test" as "deployment-c"/);

    const dup = hsmCli(hsm, 'deployment-a', ['import', '--key-file', keyFileA, '--label', 'deployment-b']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe('error: a secret key labelled "deployment-b" exists already in the token "facenition-test"\n');

    // a ring mixing module keys (current and retired) and a retired key file
    const keyD = randomBytes(32);
    const fileD = join(dir, 'd.key');
    writeFileSync(fileD, keyD.toString('hex') + '\n', { mode: 0o600 });
    await withRing(
      'deployment-b',
      (res) => {
        const ids = res.ring.all.map((p) => Buffer.from(p.keyId).toString('hex'));
        expect(ids).toEqual([idB, idA, pepperKeyId(keyD).toString('hex')]);
        const data = randomBytes(32);
        expect(res.ring.find(pepperKeyId(keyB))!.hmac(data)).toEqual(pepperFromKey(keyB).hmac(data));
        expect(res.ring.find(pepperKeyId(keyA))!.hmac(data)).toEqual(pepperFromKey(keyA).hmac(data));
        expect(res.ring.find(pepperKeyId(keyD))!.hmac(data)).toEqual(pepperFromKey(keyD).hmac(data));
      },
      { FACENITION_PKCS11_PREVIOUS_KEY_LABELS: 'deployment-a', FACENITION_PEPPER_PREVIOUS_FILES: fileD },
    );
  });

  it('opens a new session when the module lost the old one (module restart, sessions closed)', async () => {
    await withRing('deployment-a', (r) => {
      const data = randomBytes(32);
      const before = r.ring.current.hmac(data);
      withRawSession(hsm, (lib, _session, slot) => lib.C_CloseAllSessions(slot));
      expect(r.ring.current.hmac(data)).toEqual(before);
      expect(r.ring.current.derive('facenition oidc csrf')).toEqual(pepperFromKey(keyA).derive('facenition oidc csrf'));
    });
  });

  it('refuses a key that is extractable or not sensitive, whoever stored it', async () => {
    withRawSession(hsm, (lib, session) => {
      const create = (label: string, sensitive: boolean, extractable: boolean) =>
        lib.C_CreateObject(session, [
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
          { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
          { type: pkcs11js.CKA_TOKEN, value: true },
          { type: pkcs11js.CKA_PRIVATE, value: true },
          { type: pkcs11js.CKA_LABEL, value: label },
          { type: pkcs11js.CKA_ID, value: Buffer.alloc(8, 1) },
          { type: pkcs11js.CKA_VALUE, value: randomBytes(32) },
          { type: pkcs11js.CKA_SENSITIVE, value: sensitive },
          { type: pkcs11js.CKA_EXTRACTABLE, value: extractable },
          { type: pkcs11js.CKA_SIGN, value: true },
        ]);
      create('leaky', true, true);
      create('leaky.derive', true, false);
      create('plain', false, false);
      create('plain.derive', true, false);
    });
    await expect(withRing('leaky', () => undefined)).rejects.toThrow(
      'FACENITION_PKCS11_KEY_LABEL: the key "leaky" in the token "facenition-test" is extractable (CKA_EXTRACTABLE true): refusing to use it',
    );
    await expect(withRing('plain', () => undefined)).rejects.toThrow(
      'FACENITION_PKCS11_KEY_LABEL: the key "plain" in the token "facenition-test" is not sensitive (CKA_SENSITIVE false): refusing to use it',
    );
  });

  it('stops the start with a message naming the variable: PIN, key label, retired label, token label, module', async () => {
    const wrongPin = join(dir, 'wrong-pin');
    writeFileSync(wrongPin, '000000\n', { mode: 0o600 });
    await expect(withRing('deployment-a', () => undefined, { FACENITION_PKCS11_PIN_FILE: wrongPin })).rejects.toThrow(
      'FACENITION_PKCS11_PIN_FILE: the PIN was refused by the token "facenition-test" (CKR_PIN_INCORRECT)',
    );
    await expect(withRing('missing', () => undefined)).rejects.toThrow(
      'FACENITION_PKCS11_KEY_LABEL: no secret key labelled "missing" in the token "facenition-test"',
    );
    await expect(withRing('deployment-a', () => undefined, { FACENITION_PKCS11_PREVIOUS_KEY_LABELS: 'gone' })).rejects.toThrow(
      'FACENITION_PKCS11_PREVIOUS_KEY_LABELS: no secret key labelled "gone" in the token "facenition-test"',
    );
    await expect(withRing('deployment-a', () => undefined, { FACENITION_PKCS11_TOKEN_LABEL: 'other' })).rejects.toThrow(
      `FACENITION_PKCS11_TOKEN_LABEL: no token labelled "other" in ${hsm.module} (tokens present: "facenition-test"`,
    );
    await expect(withRing('deployment-a', () => undefined, { FACENITION_PKCS11_MODULE: '/nonexistent/libpkcs11.so' })).rejects.toThrow(
      'FACENITION_PKCS11_MODULE: /nonexistent/libpkcs11.so does not exist',
    );
    await expect(withRing('deployment-a', () => undefined, { FACENITION_PKCS11_MODULE: hsm.pinFile })).rejects.toThrow(
      `FACENITION_PKCS11_MODULE: ${hsm.pinFile} cannot be loaded as a PKCS#11 module`,
    );
    // after all those refusals the module is usable again: nothing was left initialised or logged in
    await expect(withRing('deployment-a', (r) => Buffer.from(r.ring.current.keyId).toString('hex'))).resolves.toBe(idA);
  });
});
