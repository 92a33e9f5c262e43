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

  it('refuses a short admin token', () => {
    expect(() => loadConfig({ FACENITION_ADMIN_TOKEN: 'short' })).toThrow(/FACENITION_ADMIN_TOKEN: must be at least 24/);
  });
});
