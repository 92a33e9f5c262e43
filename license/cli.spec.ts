import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { VENDOR_PUBLIC_KEYS, keyIdOf, verifyLicense } from '@facenition/license';
import { main, type CliIo } from './cli';

const NOW = new Date('2026-11-27T12:34:56.789Z');
const dir = mkdtempSync(join(tmpdir(), 'facenition-license-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(argv: string[], over: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), now: () => NOW, ...over });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const keys = join(dir, 'keys');
const keyFile = join(keys, 'vendor.key');
const pubFile = join(keys, 'vendor.pub');
let pub = '';

beforeAll(() => {
  const r = run(['keygen', '--out', keys]);
  expect(r.code).toBe(0);
  pub = readFileSync(pubFile, 'utf8').trim();
});

const issueArgs = (out: string, extra: string[] = []) => [
  'issue',
  '--key',
  keyFile,
  '--customer',
  'St Example Hospital',
  '--edition',
  'enterprise',
  '--not-after',
  '2027-12-01',
  '--out',
  out,
  ...extra,
];

describe('license keygen', () => {
  it('writes a 0600 private key and a public key, prints the key id, and never overwrites', () => {
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(pub).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(readFileSync(keyFile, 'utf8').trim()).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    const before = readFileSync(keyFile, 'utf8');
    const again = run(['keygen', '--out', keys]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`error: refusing to overwrite ${keyFile}`);
    expect(readFileSync(keyFile, 'utf8')).toBe(before);
  });

  it('prints the key id of the public key it wrote', () => {
    const d = join(dir, 'keys2');
    const r = run(['keygen', '--out', d]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`key id: ${keyIdOf(readFileSync(join(d, 'vendor.pub'), 'utf8'))}`);
    expect(r.stdout).not.toContain(readFileSync(join(d, 'vendor.key'), 'utf8').trim());
  });

  it('needs --out', () => {
    const r = run(['keygen']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: keygen needs --out <dir>\nusage:/);
  });
});

describe('license issue', () => {
  it('signs a licence that verifies with the public key, with the options given', () => {
    const out = join(dir, 'full.json');
    const r = run(
      issueArgs(out, [
        '--license-id',
        'LIC-7',
        '--calls-per-month',
        '250000',
        '--max-replicas',
        '3',
        '--feature',
        'sso',
        '--feature',
        'audit-export',
        '--not-before',
        '2026-12-01',
      ]),
      { trustedKeys: [pub] },
    );
    expect(r).toEqual({
      code: 0,
      stdout:
        `issued licence LIC-7 for St Example Hospital (enterprise), valid 2026-12-01T00:00:00Z to 2027-12-01T00:00:00Z, ` +
        `signed with key ${keyIdOf(pub)}\nwrote ${out}`,
      stderr: '',
    });
    expect(verifyLicense(readFileSync(out, 'utf8'), [pub])).toEqual({
      license_id: 'LIC-7',
      customer: 'St Example Hospital',
      edition: 'enterprise',
      limits: { calls_per_month: 250000, max_replicas: 3 },
      features: ['sso', 'audit-export'],
      not_before: '2026-12-01T00:00:00Z',
      not_after: '2027-12-01T00:00:00Z',
      issued_at: '2026-11-27T12:34:56Z',
      key_id: keyIdOf(pub),
    });
  });

  it('defaults: random UUID licence id, not_before today; warns when the key is not built in', () => {
    const out = join(dir, 'defaults.json');
    const r = run(issueArgs(out));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: key [0-9a-f]{16} is not among this release's vendor keys/);
    const lic = verifyLicense(readFileSync(out, 'utf8'), [pub]);
    expect(lic.license_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lic.not_before).toBe('2026-11-27T00:00:00Z');
    expect(lic.limits).toEqual({});
    expect(lic.features).toEqual([]);
  });

  it('refuses to overwrite the output file', () => {
    const out = join(dir, 'exists.json');
    writeFileSync(out, 'keep me');
    const r = run(issueArgs(out), { trustedKeys: [pub] });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: refusing to overwrite ${out}`);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
  });

  it.each([
    [['--edition', 'gold'], /--edition must be enterprise or developer \(got "gold"\)/],
    [['--not-after', '2027-02-30'], /--not-after must be a date YYYY-MM-DD/],
    [['--not-before', '2028-01-01'], /not_after: must be later than not_before/],
    [['--calls-per-month', '0'], /--calls-per-month must be a whole number > 0/],
    [['--feature', 'Has Spaces'], /features\.0: must be 1-64 characters/],
    [['--seats', '5'], /Unknown option '--seats'/],
  ])('usage error %j → exit 2', (extra, message) => {
    const out = join(dir, 'never.json');
    const r = run(issueArgs(out, extra), { trustedKeys: [pub] });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('usage: npm run license');
    expect(existsSync(out)).toBe(false);
  });

  it('missing required options → exit 2', () => {
    expect(run(['issue', '--key', keyFile]).code).toBe(2);
  });

  it('an unreadable or wrong key file → exit 1 without printing the key', () => {
    expect(run(issueArgs(join(dir, 'x.json')).map((a) => (a === keyFile ? join(dir, 'none.key') : a)))).toMatchObject({
      code: 1,
      stderr: `error: cannot read private key file ${join(dir, 'none.key')}: no such file`,
    });
    const r = run(issueArgs(join(dir, 'y.json')).map((a) => (a === keyFile ? pubFile : a)));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not an Ed25519 private key/);
    expect(r.stderr).not.toContain(pub);
  });
});

describe('license inspect', () => {
  const good = join(dir, 'inspect.json');
  const tampered = join(dir, 'tampered.json');
  beforeAll(() => {
    expect(run(issueArgs(good, ['--not-before', '2026-01-01', '--feature', 'sso']), { trustedKeys: [pub] }).code).toBe(0);
    const e = JSON.parse(readFileSync(good, 'utf8')) as Record<string, string>;
    e.payload = Buffer.from(Buffer.from(e.payload, 'base64url').toString('utf8').replace('"sso"', '"sss"')).toString('base64url');
    writeFileSync(tampered, JSON.stringify(e));
  });

  it('shows the payload, the verification and the state now', () => {
    const r = run(['inspect', good, '--public-key', pubFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`key id:    ${keyIdOf(pub)} (trusted: given public key(s))`);
    expect(r.stdout).toContain('"customer": "St Example Hospital"');
    expect(r.stdout).toContain(`verified:  yes, signature by vendor key ${keyIdOf(pub)}`);
    expect(r.stdout).toContain('state at 2026-11-27T12:34:56.789Z (grace 30 days): valid');
    expect(r.stdout).toContain('"enrolment": true');
  });

  it('--at and --grace-days evaluate another instant', () => {
    const r = run(['inspect', good, '--public-key', pubFile, '--at', '2027-12-20', '--grace-days', '10']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('state at 2027-12-20T00:00:00.000Z (grace 10 days): expired');
    expect(r.stdout).toContain('"enrolment": false');
    expect(r.stdout).toContain('"verification": true');
  });

  it('a tampered file → exit 1 with the signature message', () => {
    const r = run(['inspect', tampered, '--public-key', pubFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('verified:  NO');
    expect(r.stdout).toContain('"sss"');
    expect(r.stderr).toBe(
      `error: licence file ${tampered}: signature does not verify: the file was altered or not issued by Facenition; ` +
        'ask your vendor for a new licence file',
    );
  });

  it('a file signed by a key the built-in vendor keys do not include → exit 1, unknown key', () => {
    const r = run(['inspect', good]);
    expect(VENDOR_PUBLIC_KEYS).not.toContain(pub);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('NOT trusted: built-in vendor keys');
    expect(r.stderr).toContain(`signed with vendor key ${keyIdOf(pub)}, which this server does not trust`);
  });

  it('a missing file or malformed file → exit 1; no file → exit 2', () => {
    expect(run(['inspect', join(dir, 'nope.json')])).toMatchObject({ code: 1 });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "facenition-license/1", "alg": "Ed25519"}');
    const r = run(['inspect', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/"key_id" field is missing/);
    expect(run(['inspect']).code).toBe(2);
  });
});

describe('license command line', () => {
  it('help → 0, unknown or no command → 2', () => {
    expect(run(['help']).code).toBe(0);
    expect(run(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: unknown command "frobnicate"/) });
    expect(run([]).code).toBe(2);
  });

  it('the real process exits 1 on a tampered file', () => {
    const root = resolve(__dirname, '..');
    const tampered = join(dir, 'tampered.json');
    const p = spawnSync(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        'license/cli.ts',
        'inspect',
        tampered,
        '--public-key',
        pubFile,
      ],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    expect(p.stderr).toContain('signature does not verify');
    expect(p.status).toBe(1);
  });
});
