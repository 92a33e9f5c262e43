/**
 * The air-gapped bundle (`npm run bundle`): built, unpacked into a temporary directory, checked
 * file by file against its SHA256SUMS and the pinned model hashes, then started inside a network
 * namespace that has nothing but loopback (`unshare -n`). /detect and /match answer over loopback,
 * and nothing outside the namespace is reachable: nothing is fetched at runtime. The server and the
 * client run on the Node.js shipped in the bundle (bin/node): no other node is on their PATH.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibrationDigest, CalibrationFileSchema } from '@facenition/face';

const ROOT = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  optionalDependencies?: Record<string, string>;
};
const manifest = JSON.parse(readFileSync(join(ROOT, 'libs/face/src/model-manifest.json'), 'utf8')) as { models: Record<string, string> };
const FIXTURES = join(__dirname, 'fixtures');
const CLIENT = join(__dirname, 'support/bundle-client.js');
/** The pinned Node.js runtime: npm package node-<platform>-<arch>, an exact version. */
const RUNTIME_PKG = `node-${process.platform}-${process.arch}`;
const RUNTIME_VERSION = pkg.optionalDependencies?.[RUNTIME_PKG];

/** An empty network namespace needs root (or unprivileged user namespaces) and iproute2. */
const netns = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8' });
const netnsAvailable = netns.status === 0;

// The bundle runs on its embedded database (PGlite). The DATABASE_URL (PostgreSQL server) run of
// the integration suites skips this spec: no external database is reachable from inside an empty
// network namespace anyway, and the embedded run covers the bundle.
const skipReason = process.env.DATABASE_URL
  ? 'DATABASE_URL is set (the bundle test runs in the embedded-database run)'
  : !netnsAvailable
    ? `cannot create a network namespace (\`unshare -n\` needs root and iproute2): ${(netns.stderr || netns.error?.message || '').trim()}`
    : undefined;
if (skipReason && !process.env.DATABASE_URL) console.warn(`bundle.integration-spec skipped: ${skipReason}`);
const suite = skipReason ? describe.skip : describe;

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex

function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const ent of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${ent.name}` : ent.name;
    if (ent.isDirectory()) out.push(...listFiles(dir, r));
    else if (ent.isFile() || (ent.isSymbolicLink() && statSync(join(dir, r)).isFile())) out.push(r);
  }
  return out;
}

function runToEnd(cmd: string, args: string[], opts: { cwd: string }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString() }));
  });
}

interface Probe {
  label: string;
  host: string;
  port: number;
  connected: boolean;
  error?: string;
}

interface ClientResult {
  error?: string;
  node?: string;
  egress: Probe[];
  dns: { resolved: boolean; error?: string };
  health: { ready: boolean; ms: number; last?: string };
  generateToken?: { status: number; body?: unknown };
  detect?: { status: number; ok: boolean; face_count: number; body?: unknown };
  match?: { status: number; ok: boolean; match: boolean; similarity: number; body?: unknown };
}

suite('air-gapped bundle (npm run bundle), started in a network namespace with no network', () => {
  let tmp: string;
  let bundleDir: string;
  let tarball: string;
  let ns: ChildProcess | undefined;
  let sentinel: Server | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'facenition-bundle-it-'));
    const out = join(tmp, 'out');
    const build = await runToEnd(process.execPath, [join(ROOT, 'scripts/bundle.js'), '--out', out], { cwd: ROOT });
    if (build.code !== 0) throw new Error(`npm run bundle failed (${build.code}):\n${build.output.slice(-4000)}`);
    tarball = join(out, `facenition-${pkg.version}-${process.platform}-${process.arch}.tar.gz`);
    expect(existsSync(tarball)).toBe(true);

    const extract = join(tmp, 'extract');
    mkdirSync(extract);
    const tar = spawnSync('tar', ['-xzf', tarball, '-C', extract], { encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`tar -xzf failed: ${tar.stderr}`);
    bundleDir = join(extract, `facenition-${pkg.version}`);
    expect(existsSync(join(out, `facenition-${pkg.version}`))).toBe(false); // staging removed after packing
  }, 15 * 60_000);

  afterAll(async () => {
    if (ns?.pid && ns.exitCode === null && ns.signalCode === null) {
      try {
        process.kill(-ns.pid, 'SIGKILL'); // unshare exec'd sh: its process group holds server and client
      } catch {
        // already gone
      }
    }
    await new Promise<void>((r) => (sentinel ? sentinel.close(() => r()) : r()));
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('the tarball and every unpacked file match their SHA-256 manifests; models are the pinned ones', () => {
    const [tarHash, tarName] = readFileSync(`${tarball}.sha256`, 'utf8').trim().split(/\s+/);
    expect(tarName).toBe(`facenition-${pkg.version}-${process.platform}-${process.arch}.tar.gz`);
    expect(sha256(tarball)).toBe(tarHash);

    const lines = readFileSync(join(bundleDir, 'SHA256SUMS'), 'utf8').split('\n').filter(Boolean);
    const listed = new Map<string, string>();
    for (const line of lines) {
      const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
      if (!m) throw new Error(`malformed SHA256SUMS line: ${line}`);
      listed.set(m[2], m[1]);
    }
    const mismatched = [...listed].filter(([file, hash]) => !existsSync(join(bundleDir, file)) || sha256(join(bundleDir, file)) !== hash);
    expect(mismatched).toEqual([]);
    // every file is covered, nothing listed is missing
    expect(listFiles(bundleDir).filter((f) => f !== 'SHA256SUMS' && !listed.has(f))).toEqual([]);
    expect(listed.size).toBeGreaterThan(1000);

    for (const [name, pinned] of Object.entries(manifest.models)) {
      expect([name, listed.get(`models/${name}`)]).toEqual([name, pinned]);
      expect([name, sha256(join(bundleDir, 'models', name))]).toEqual([name, pinned]);
    }

    for (const f of [
      'dist/apps/gateway/src/main.js',
      'bin/facenition',
      'bin/node',
      `node_modules/${RUNTIME_PKG}/LICENSE`,
      'INSTALL.md',
      'package-lock.json',
      '.npmrc',
      'node_modules/sharp/package.json',
      // the OpenID Connect provider's face page and the capture component it loads
      'dist/apps/gateway/src/oidc/assets/face-page.js',
      'dist/apps/gateway/src/oidc/assets/face-page.css',
      'libs/capture/dist/facenition-capture.js',
    ]) {
      expect([f, listed.has(f)]).toEqual([f, true]);
    }
    expect(statSync(join(bundleDir, 'bin/facenition')).mode & 0o111).not.toBe(0);
    // no headers of the runtime (only used to build native addons)
    expect([...listed.keys()].filter((f) => f.startsWith(`node_modules/${RUNTIME_PKG}/include/`))).toEqual([]);
    // an accidental `npm install` in the bundle must not run the model fetch
    expect(JSON.parse(readFileSync(join(bundleDir, 'package.json'), 'utf8')).scripts).toBeUndefined();
    // only this platform's onnxruntime binaries
    const ortDirs = [...listed.keys()]
      .filter((f) => f.startsWith('node_modules/onnxruntime-node/bin/'))
      .map((f) => f.split('/').slice(4, 6).join('/'));
    expect([...new Set(ortDirs)]).toEqual([`${process.platform}/${process.arch}`]);
  });

  it('ships the pinned Node.js runtime as bin/node: the exact version, the binary npm ci verified against package-lock.json', () => {
    expect(RUNTIME_VERSION).toMatch(/^\d+\.\d+\.\d+$/); // an exact version, not a range
    expect(Number(RUNTIME_VERSION!.split('.')[0])).toBeGreaterThanOrEqual(24);
    // bin/node is a relative link to the runtime package inside the bundle
    expect(lstatSync(join(bundleDir, 'bin/node')).isSymbolicLink()).toBe(true);
    expect(realpathSync(join(bundleDir, 'bin/node'))).toBe(realpathSync(join(bundleDir, 'node_modules', RUNTIME_PKG, 'bin/node')));
    const version = spawnSync(join(bundleDir, 'bin/node'), ['--version'], { encoding: 'utf8', env: {} });
    expect([version.status, version.stdout.trim()]).toEqual([0, `v${RUNTIME_VERSION}`]);
    // the bundle's lockfile pins that package by sha512 (what `npm ci` verified when it was staged)...
    type Lock = { packages: Record<string, { version?: string; integrity?: string; os?: string; cpu?: string }> };
    const lock = (dir: string) =>
      (JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as Lock).packages[`node_modules/${RUNTIME_PKG}`];
    expect(lock(bundleDir)).toMatchObject({ version: RUNTIME_VERSION, os: process.platform, cpu: process.arch });
    expect(lock(bundleDir).integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    expect(lock(bundleDir)).toEqual(lock(ROOT));
    // ...and the shipped binary is the one in this repository's install of the same locked package
    expect(sha256(join(bundleDir, 'bin/node'))).toBe(sha256(join(ROOT, 'node_modules', RUNTIME_PKG, 'bin/node')));
    // the container image is built from the same bundle with the same Node.js and runs its bin/node
    const containerfile = readFileSync(join(ROOT, 'deploy/Containerfile'), 'utf8');
    expect(/^ARG NODE_IMAGE=node:([0-9.]+)-/m.exec(containerfile)?.[1]).toBe(RUNTIME_VERSION);
    expect(containerfile).toMatch(/^ENTRYPOINT \["\/app\/bin\/node", /m);
  });

  it(
    'starts offline from the unpacked bundle and answers /detect and /match over loopback',
    async () => {
      // a TCP listener in the host's namespace: reachable from here, must be unreachable from inside
      sentinel = createServer((s) => s.destroy());
      await new Promise<void>((r) => sentinel!.listen(0, '127.0.0.1', r));
      const sentinelPort = (sentinel.address() as { port: number }).port;

      const dataDir = join(tmp, 'data');
      const home = join(tmp, 'home');
      const cwd = join(tmp, 'cwd');
      const tools = join(tmp, 'tools');
      for (const d of [dataDir, home, cwd, tools]) mkdirSync(d);
      // PATH holds only the tools the script and the launcher use, and no node: the host's Node.js
      // (whatever its version) cannot be what runs the server or the client
      const hostPath = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin']);
      for (const tool of ['unshare', 'sh', 'ip', 'readlink', 'dirname']) {
        const found = hostPath.map((d) => join(d, tool)).find((f) => existsSync(f));
        if (!found) throw new Error(`${tool} not found on ${hostPath.join(':')}`);
        symlinkSync(found, join(tools, tool));
      }
      const serverLog = join(tmp, 'server.log');
      const port = 20000 + Math.floor(Math.random() * 40000);
      const modelsDir = join(bundleDir, 'models');

      // a clean environment: PATH and HOME only, plus the server's settings (no DATABASE_URL)
      const env = {
        PATH: tools,
        HOME: home,
        FACENITION_PORT: String(port),
        FACENITION_HOST: '127.0.0.1',
        FACENITION_DATA_DIR: dataDir,
        FACENITION_ADMIN_TOKEN: randomBytes(16).toString('hex'),
        FACENITION_METRICS_PORT: '0',
        FACENITION_WORKERS: '1',
      };
      const clientOpts = {
        base: `http://127.0.0.1:${port}`,
        readyTimeoutMs: 120_000,
        fixtures: {
          detect: join(FIXTURES, 'Jennifer_Aniston_0001.jpg'),
          match1: join(FIXTURES, 'Colin_Powell_0001.jpg'),
          match2: join(FIXTURES, 'Colin_Powell_0002.jpg'),
        },
        probes: [
          { label: 'internet', host: '1.1.1.1', port: 443 },
          { label: "host's PostgreSQL port", host: '127.0.0.1', port: 5432 },
          { label: 'listener in the host namespace', host: '127.0.0.1', port: sentinelPort },
        ],
      };
      // $1 the bundle's launcher (bin/facenition), $2 the bundle's node, $3 client, $4 client options, $5 server log
      const script = [
        'ip link set lo up || exit 97',
        'if command -v node >/dev/null; then echo "a node is on PATH: $(command -v node)" >&2; exit 96; fi',
        '"$1" >"$5" 2>&1 &',
        'server=$!',
        '"$2" "$3" "$4"',
        'rc=$?',
        'kill -TERM "$server" 2>/dev/null',
        'wait "$server"',
        'echo "server exited with $?" >&2',
        'exit $rc',
      ].join('\n');
      const launcher = join(bundleDir, 'bin/facenition');
      const bundledNode = join(bundleDir, 'bin/node');
      ns = spawn(
        join(tools, 'unshare'),
        ['-n', 'sh', '-c', script, 'sh', launcher, bundledNode, CLIENT, JSON.stringify(clientOpts), serverLog],
        {
          cwd,
          env,
          detached: true, // own process group, killed as a whole on timeout / in afterAll
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      ns.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
      ns.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => {
          try {
            process.kill(-ns!.pid!, 'SIGKILL');
          } catch {
            // gone
          }
        }, 240_000);
        ns!.once('close', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      const log = existsSync(serverLog) ? stripAnsi(readFileSync(serverLog, 'utf8')) : '';
      const context = `exit ${code}\nclient: ${stdout}\nstderr: ${stderr}\nserver log (tail):\n${log.slice(-3000)}`;

      const line = stdout.trim().split('\n').pop() ?? '';
      let result: ClientResult;
      try {
        result = JSON.parse(line) as ClientResult;
      } catch {
        throw new Error(`client printed no JSON result\n${context}`);
      }
      if (result.error || !result.health?.ready) throw new Error(`bundle run failed\n${context}`);
      expect(code).toBe(0);

      // no route out of the namespace: the internet, the host's loopback services
      expect(result.egress.map((p) => [p.label, p.connected])).toEqual(clientOpts.probes.map((p) => [p.label, false]));
      expect(result.dns.resolved).toBe(false);
      // ...while the sentinel is reachable from the host namespace (the probe would connect)
      const fromHost = await new Promise<boolean>((resolve) => {
        const s = connect(sentinelPort, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      });
      expect(fromHost).toBe(true);

      expect(result.generateToken?.status).toBe(200);
      expect(result.detect).toMatchObject({ status: 200, ok: true, face_count: 1 });
      expect(result.match).toMatchObject({ status: 200, ok: true, match: true });
      expect(result.match!.similarity).toBeGreaterThan(0.4);

      // the server used the bundle's own models, verified against the pins at boot
      expect(log).toContain(`models verified in ${modelsDir} (${Object.keys(manifest.models).length} files, SHA-256 pinned)`);
      expect(log).toContain('embedded PostgreSQL');
      // both processes ran on the shipped runtime: its version, its binary
      expect(result.node).toBe(`v${RUNTIME_VERSION}`);
      expect(log).toContain(`Node.js v${RUNTIME_VERSION} (${process.platform}-${process.arch}, ${realpathSync(bundledNode)})`);
      expect(log).not.toMatch(/failed to start/i);
    },
    5 * 60_000,
  );

  it('runs the evaluate CLI offline on the shipped runtime (bin/node dist/apps/gateway/src/cli/evaluate.js)', () => {
    const photos = join(tmp, 'evaluate-photos');
    const out = join(tmp, 'evaluate-out');
    const tools = join(tmp, 'evaluate-tools');
    const home = join(tmp, 'evaluate-home');
    for (const d of [tools, home]) mkdirSync(d);
    const people: Record<string, string[]> = {
      p1: ['Colin_Powell_0001.jpg', 'Colin_Powell_0002.jpg'],
      p2: ['George_W_Bush_0001.jpg', 'George_W_Bush_0002.jpg'],
      p3: ['Jennifer_Aniston_0001.jpg'],
    };
    for (const [person, files] of Object.entries(people)) {
      mkdirSync(join(photos, person), { recursive: true });
      for (const f of files) copyFileSync(join(FIXTURES, f), join(photos, person, f));
    }
    const hostPath = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin']);
    for (const tool of ['unshare', 'sh', 'ip']) {
      const found = hostPath.map((d) => join(d, tool)).find((f) => existsSync(f));
      if (!found) throw new Error(`${tool} not found on ${hostPath.join(':')}`);
      symlinkSync(found, join(tools, tool));
    }
    // no network at all, no node on PATH: the charts are rendered from the bundle's vega and vega-lite
    const r = spawnSync(
      join(tools, 'unshare'),
      [
        '-n',
        'sh',
        '-c',
        'ip link set lo up || exit 97; exec "$@"',
        'sh',
        join(bundleDir, 'bin/node'),
        join(bundleDir, 'dist/apps/gateway/src/cli/evaluate.js'),
        ...['--data', photos, '--out', out, '--label', 'bundle check', '--workers', '1'],
      ],
      { cwd: home, env: { PATH: tools, HOME: home, FACENITION_DATA_DIR: join(tmp, 'evaluate-data') }, encoding: 'utf8', timeout: 120_000 },
    );
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toContain('unprotected: 2 genuine pairs, 8 impostor pairs');
    const doc = CalibrationFileSchema.parse(JSON.parse(readFileSync(join(out, 'calibration.json'), 'utf8')));
    expect(calibrationDigest(doc)).toBe(doc.sha256);
    expect(doc.provenance).toMatchObject({ people: 3, photos: 5, analysed: 5, version: pkg.version, models: manifest.models });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(html).not.toMatch(/https?:\/\/|<script/);
  });
});
