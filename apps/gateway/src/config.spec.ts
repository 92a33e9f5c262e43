import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.workers).toBeGreaterThanOrEqual(1);
    expect(c.modelsDir).toMatch(/models$/);
  });

  it('coerces numbers and honours FACENITION_MODELS_DIR', () => {
    const c = loadConfig({ FACENITION_PORT: '9000', FACENITION_MODELS_DIR: '/opt/models', FACENITION_WORKERS: '3' });
    expect([c.port, c.modelsDir, c.workers]).toEqual([9000, '/opt/models', 3]);
  });

  it('fails naming every bad or unknown variable', () => {
    expect(() => loadConfig({ FACENITION_PORT: 'eighty', FACENITION_WORKERS: '0', FACENITION_COLOUR: 'blue' })).toThrow(ConfigError);
    try {
      loadConfig({ FACENITION_PORT: 'eighty', FACENITION_WORKERS: '0', FACENITION_COLOUR: 'blue' });
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toContain('FACENITION_PORT');
      expect(msg).toContain('FACENITION_WORKERS');
      expect(msg).toContain('FACENITION_COLOUR: unknown setting');
    }
  });

  it('writes text logs unless FACENITION_LOG_FORMAT asks for json', () => {
    expect(loadConfig({}).logFormat).toBe('text');
    expect(loadConfig({ FACENITION_LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadConfig({ FACENITION_LOG_FORMAT: 'JSON' })).toThrow(/FACENITION_LOG_FORMAT: /);
  });

  it('refuses a short admin token', () => {
    expect(() => loadConfig({ FACENITION_ADMIN_TOKEN: 'short' })).toThrow(/FACENITION_ADMIN_TOKEN: must be at least 24/);
  });

  describe('metrics endpoint', () => {
    const TOKEN = 'metrics-scrape-token-0123456789';
    const dir = mkdtempSync(join(tmpdir(), 'facenition-config-'));
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text, { mode: 0o600 });
      return path;
    };

    it('binds to the API host unless FACENITION_METRICS_HOST says otherwise', () => {
      expect(loadConfig({}).metricsHost).toBe('0.0.0.0');
      expect(loadConfig({ FACENITION_HOST: '127.0.0.1' }).metricsHost).toBe('127.0.0.1');
      expect(loadConfig({ FACENITION_HOST: '::1' }).metricsHost).toBe('::1');
      expect(loadConfig({ FACENITION_HOST: '127.0.0.1', FACENITION_METRICS_HOST: '10.1.2.3' }).metricsHost).toBe('10.1.2.3');
      expect(loadConfig({ FACENITION_HOST: '127.0.0.1', FACENITION_METRICS_HOST: '' }).metricsHost).toBe('127.0.0.1');
    });

    it('is open without a token, and takes the token from FACENITION_METRICS_TOKEN', () => {
      expect(loadConfig({}).metricsToken).toBeUndefined();
      expect(loadConfig({ FACENITION_METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    });

    it('reads FACENITION_METRICS_TOKEN_FILE once, trimmed', () => {
      expect(loadConfig({ FACENITION_METRICS_TOKEN_FILE: file('token', `  ${TOKEN}\n`) }).metricsToken).toBe(TOKEN);
    });

    it.each([
      ['a short token', { FACENITION_METRICS_TOKEN: 'short' }, /FACENITION_METRICS_TOKEN: must be at least 24 characters/],
      [
        'a token with spaces',
        { FACENITION_METRICS_TOKEN: 'a token with spaces in it, 24+' },
        /FACENITION_METRICS_TOKEN: must be printable ASCII/,
      ],
      [
        'a missing token file',
        { FACENITION_METRICS_TOKEN_FILE: '/nonexistent/metrics-token' },
        /FACENITION_METRICS_TOKEN_FILE: \/nonexistent\/metrics-token does not exist/,
      ],
      [
        'a token and a token file',
        { FACENITION_METRICS_TOKEN: TOKEN, FACENITION_METRICS_TOKEN_FILE: '/x' },
        /FACENITION_METRICS_TOKEN_FILE: set it or FACENITION_METRICS_TOKEN, not both/,
      ],
    ])('refuses %s, naming the variable', (_name, env, message) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    });

    it('refuses a token file holding fewer than 24 characters or spaces, without echoing it', () => {
      for (const secret of ['short-secret-xyz\n', 'twenty four characters with spaces\n']) {
        const path = file('bad-token', secret);
        let message = '';
        try {
          loadConfig({ FACENITION_METRICS_TOKEN_FILE: path });
        } catch (e) {
          message = (e as Error).message;
        }
        expect(message).toMatch(new RegExp(`^invalid configuration: FACENITION_METRICS_TOKEN_FILE: the token in ${path} must be`));
        expect(message).not.toContain(secret.trim());
      }
    });

    it('names the variable when the token file cannot be read', () => {
      expect(() => loadConfig({ FACENITION_METRICS_TOKEN_FILE: dir })).toThrow(
        `FACENITION_METRICS_TOKEN_FILE: ${dir} cannot be read (EISDIR)`,
      );
    });
  });

  describe('deployment key in a PKCS#11 module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'facenition-config-pkcs11-'));
    const pinFile = join(dir, 'pin');
    writeFileSync(pinFile, '  0042-secret-pin\n', { mode: 0o600 });
    const base = {
      FACENITION_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so',
      FACENITION_PKCS11_TOKEN_LABEL: 'facenition',
      FACENITION_PKCS11_PIN_FILE: pinFile,
      FACENITION_PKCS11_KEY_LABEL: 'deployment-2026',
    };

    it('reads the module, token, PIN (trimmed) and key labels; none set = the key is a file', () => {
      expect(loadConfig({}).pkcs11).toBeUndefined();
      expect(loadConfig({ ...base, FACENITION_PKCS11_PREVIOUS_KEY_LABELS: ' deployment-2025 , deployment 2024,' }).pkcs11).toEqual({
        module: '/usr/lib/softhsm/libsofthsm2.so',
        tokenLabel: 'facenition',
        pin: '0042-secret-pin',
        keyLabel: 'deployment-2026',
        previousKeyLabels: ['deployment-2025', 'deployment 2024'],
      });
      // retired key files may stay in the ring beside the module's keys
      expect(loadConfig({ ...base, FACENITION_PEPPER_PREVIOUS_FILES: '/keys/old.key' }).pepperPreviousFiles).toEqual(['/keys/old.key']);
    });

    it.each([
      [
        'a key file beside the module',
        { ...base, FACENITION_PEPPER_FILE: '/keys/pepper.key' },
        'FACENITION_PEPPER_FILE: set no deployment key file with FACENITION_PKCS11_MODULE (the key is in the module)',
      ],
      [
        'a key beside the module',
        { ...base, FACENITION_PEPPER: Buffer.alloc(32).toString('base64') },
        'FACENITION_PEPPER: set no deployment key file with FACENITION_PKCS11_MODULE',
      ],
      [
        'a module without its token, PIN and key',
        { FACENITION_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so' },
        'FACENITION_PKCS11_TOKEN_LABEL, FACENITION_PKCS11_PIN_FILE, FACENITION_PKCS11_KEY_LABEL: required with the other FACENITION_PKCS11_* settings',
      ],
      [
        'retired labels without a module',
        { FACENITION_PKCS11_PREVIOUS_KEY_LABELS: 'old' },
        'FACENITION_PKCS11_MODULE, FACENITION_PKCS11_TOKEN_LABEL, FACENITION_PKCS11_PIN_FILE, FACENITION_PKCS11_KEY_LABEL: required',
      ],
      [
        'a missing PIN file',
        { ...base, FACENITION_PKCS11_PIN_FILE: join(dir, 'nope') },
        `FACENITION_PKCS11_PIN_FILE: ${join(dir, 'nope')} does not exist`,
      ],
      [
        'a token label over 32 characters',
        { ...base, FACENITION_PKCS11_TOKEN_LABEL: 'x'.repeat(33) },
        'FACENITION_PKCS11_TOKEN_LABEL: a PKCS#11 token label is at most 32',
      ],
      [
        'a key label with a comma',
        { ...base, FACENITION_PKCS11_KEY_LABEL: 'a,b' },
        'FACENITION_PKCS11_KEY_LABEL: must be 1..57 printable ASCII',
      ],
      [
        'the current key among the retired ones',
        { ...base, FACENITION_PKCS11_PREVIOUS_KEY_LABELS: 'old,deployment-2026' },
        'FACENITION_PKCS11_PREVIOUS_KEY_LABELS: a label is listed twice or is the current key',
      ],
    ])('refuses %s, naming the variable', (_name, env, message) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    });

    it('refuses an empty PIN file without echoing anything of it', () => {
      const empty = join(dir, 'empty-pin');
      writeFileSync(empty, ' \n', { mode: 0o600 });
      expect(() => loadConfig({ ...base, FACENITION_PKCS11_PIN_FILE: empty })).toThrow(`FACENITION_PKCS11_PIN_FILE: ${empty} is empty`);
    });
  });
});
