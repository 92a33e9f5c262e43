import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv from 'ajv';
import { isMap, isScalar, parse, parseAllDocuments, parseDocument, type Document, type Pair, type YAMLMap } from 'yaml';
import { RenderError, renderChart } from './render';
import { checkTemplateBalance, scanActions, valuesPaths, yamlSkeleton } from './template-lint';
import { CHART, chartDefaults, ciValues, helmMerge, isObject, parseValues, type Values } from './values';

const ROOT = join(__dirname, '..', '..');

const read = (...parts: string[]) => readFileSync(join(CHART, ...parts), 'utf8');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

function hasPath(values: unknown, path: string[]): boolean {
  let node = values;
  for (const key of path) {
    if (!isObject(node) || !(key in node)) return false;
    node = node[key];
  }
  return true;
}

/** Leaf paths of a values tree (a leaf is anything but a non-empty map). */
function leafPaths(values: Values, prefix: string[] = []): string[][] {
  return Object.entries(values).flatMap(([key, value]) =>
    isObject(value) && Object.keys(value).length > 0 ? leafPaths(value, [...prefix, key]) : [[...prefix, key]],
  );
}

const defaults = chartDefaults();
const schema = JSON.parse(read('values.schema.json')) as Values;
const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile(schema);

function problems(values: unknown): string[] {
  return validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

const ciFiles = readdirSync(join(CHART, 'ci'))
  .filter((f) => f.endsWith('-values.yaml'))
  .sort();

const templateFiles = filesUnder(join(CHART, 'templates'))
  .map((f) => relative(join(CHART, 'templates'), f))
  .sort();
const yamlTemplates = templateFiles.filter((f) => f.endsWith('.yaml'));
const template = (name: string) => read('templates', name);

/** Value at a dotted path of a parsed tree, or undefined. */
const at = (tree: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), tree);

interface EnvVar {
  name: string;
  value?: unknown;
  valueFrom?: { secretKeyRef?: unknown };
}
interface Container {
  image: string;
  command?: string[];
  securityContext: unknown;
  ports: { name: string }[];
  env: EnvVar[];
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  automountServiceAccountToken?: boolean;
  securityContext: unknown;
  containers: Container[];
  volumes: ({ name: string } & Values)[];
}
interface Deployment {
  spec: { template: { spec: PodSpec } };
}
interface Pod {
  metadata: { annotations: Record<string, string> };
  spec: PodSpec;
}
interface NetworkPolicy {
  spec: { policyTypes: string[]; egress: { ports?: { port: unknown }[] }[] };
}

describe('Chart.yaml', () => {
  it('declares a v2 application chart whose appVersion matches the app', () => {
    const chart = parse(read('Chart.yaml')) as Values;
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'facenition', version: '0.1.0', appVersion: '0.1.0', type: 'application' });
    expect(chart.appVersion).toBe(pkg.version);
  });

  it('ships every file the chart layout calls for', () => {
    const required = [
      'Chart.yaml',
      'values.yaml',
      'values.schema.json',
      'README.md',
      '.helmignore',
      'ci/default-values.yaml',
      'ci/minimal-values.yaml',
      'ci/full-values.yaml',
      ...['_helpers.tpl', 'deployment.yaml', 'service.yaml', 'ingress.yaml', 'servicemonitor.yaml', 'networkpolicy.yaml']
        .concat(['pdb.yaml', 'hpa.yaml', 'serviceaccount.yaml', 'NOTES.txt', 'tests/test-ready.yaml'])
        .map((t) => `templates/${t}`),
    ];
    expect(required.filter((f) => !existsSync(join(CHART, f)))).toEqual([]);
  });
});

describe('values.schema.json', () => {
  it('is a valid draft-07 schema that forbids unknown top-level keys', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(schema.additionalProperties).toBe(false);
  });

  it('describes exactly the keys of values.yaml (plus Helm globals)', () => {
    const properties = Object.keys(schema.properties as Values).sort();
    expect(properties).toEqual([...Object.keys(defaults), 'global'].sort());
  });

  it('accepts values.yaml as shipped', () => {
    expect(problems(defaults)).toEqual([]);
  });

  it('has default, minimal and full ci values', () => {
    expect(ciFiles).toEqual(['default-values.yaml', 'full-values.yaml', 'minimal-values.yaml']);
  });

  it.each(ciFiles)('accepts ci/%s merged over values.yaml', (file) => {
    expect(problems(ciValues(file))).toEqual([]);
  });

  it('ci/full-values.yaml switches every optional feature on', () => {
    const full = ciValues('full-values.yaml');
    for (const toggle of ['ingress', 'metrics.serviceMonitor', 'autoscaling', 'networkPolicy', 'podDisruptionBudget', 'pkcs11'])
      expect({ toggle, on: at(full, `${toggle}.enabled`) }).toEqual({ toggle, on: true });
    expect(at(full, 'image.digest')).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(at(full, 'license.existingSecret')).toMatch(/./);
    expect(at(full, 'admin.existingSecret')).toMatch(/./);
    expect(at(full, 'metrics.auth.existingSecret')).toMatch(/./);
    for (const list of ['pepper.previousKeys', 'pkcs11.previousKeyLabels', 'extraEnv', 'ingress.tls', 'networkPolicy.database.to'])
      expect({ list, filled: (at(full, list) as unknown[]).length > 0 }).toEqual({ list, filled: true });
  });

  it('merges like Helm: maps deep-merged, lists replaced, null removes a default', () => {
    const merged = helmMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: null });
    expect(merged).toEqual({ a: { b: 1, c: [3] } });
  });

  const rejected: [string, Values, string][] = [
    ['a tag in image.digest', { image: { digest: 'latest' } }, '/image/digest'],
    ['a short digest', { image: { digest: 'sha256:abc123' } }, '/image/digest'],
    ['an upper-case digest', { image: { digest: `sha256:${'A'.repeat(64)}` } }, '/image/digest'],
    ['a digest without algorithm', { image: { digest: 'a'.repeat(64) } }, '/image/digest'],
    ['an unknown top-level key', { replicas: 2 }, '/'],
    ['an unknown key in a main object', { config: { prot: 8080 } }, '/config'],
    ['replicaCount as a string', { replicaCount: '2' }, '/replicaCount'],
    ['replicaCount 0', { replicaCount: 0 }, '/replicaCount'],
    ['missing database.existingSecret', { database: { existingSecret: null } }, '/database'],
    ['empty database.existingSecret', { database: { existingSecret: '' } }, '/database/existingSecret'],
    ['empty pepper.existingSecret', { pepper: { existingSecret: '' } }, '/pepper/existingSecret'],
    ['a database URL in values', { database: { url: 'postgres://u:p@db/facenition' } }, '/database'],
    ['a secret key that is a path', { pepper: { previousKeys: ['../../etc/passwd'] } }, '/pepper/previousKeys/0'],
    ['duplicate previous keys', { pepper: { previousKeys: ['old', 'old'] } }, '/pepper/previousKeys'],
    ['an unknown log level', { config: { logLevel: 'info' } }, '/config/logLevel'],
    ['an unknown log format', { config: { logFormat: 'logfmt' } }, '/config/logFormat'],
    ['livenessGate as a boolean', { config: { livenessGate: true } }, '/config/livenessGate'],
    ['a base path without a leading slash', { config: { basePath: 'api/v1' } }, '/config/basePath'],
    ['kdfLog2N out of range', { config: { kdfLog2N: 9 } }, '/config/kdfLog2N'],
    ['port 0', { config: { port: 0 } }, '/config/port'],
    ['an extraEnv value that is not a string', { extraEnv: [{ name: 'FACENITION_ORT_THREADS', value: 2 }] }, '/extraEnv/0/value'],
    ['an unknown service type', { service: { type: 'ExternalName' } }, '/service/type'],
    ['a malformed quantity', { resources: { limits: { memory: '2 GB' } } }, '/resources/limits/memory'],
    ['an unknown network peer field', { networkPolicy: { database: { to: [{ host: 'db' }] } } }, '/networkPolicy/database/to/0'],
    ['an unknown pull policy', { image: { pullPolicy: 'Sometimes' } }, '/image/pullPolicy'],
    ['a PDB as a bare number string', { podDisruptionBudget: { minAvailable: '1' } }, '/podDisruptionBudget/minAvailable'],
    ['a metrics token in values', { metrics: { auth: { token: 'x'.repeat(32) } } }, '/metrics/auth'],
    ['a metrics secret key that is a path', { metrics: { auth: { secretKey: '../token' } } }, '/metrics/auth/secretKey'],
    ['a metrics host that is a URL', { config: { metricsHost: 'http://0.0.0.0' } }, '/config/metricsHost'],
    ['a PIN in values', { pkcs11: { pin: { value: '1234' } } }, '/pkcs11/pin'],
    ['a relative module path', { pkcs11: { modulePath: 'lib/libpkcs11.so' } }, '/pkcs11/modulePath'],
    ['a token label over 32 characters', { pkcs11: { tokenLabel: 'x'.repeat(33) } }, '/pkcs11/tokenLabel'],
    ['a key label with a comma', { pkcs11: { keyLabel: 'a,b' } }, '/pkcs11/keyLabel'],
    ['duplicate retired key labels', { pkcs11: { previousKeyLabels: ['old', 'old'] } }, '/pkcs11/previousKeyLabels'],
    ['pkcs11.enabled as a string', { pkcs11: { enabled: 'true' } }, '/pkcs11/enabled'],
  ];

  it('rejects an unquoted on/off, which Helm reads as a boolean', () => {
    const override = parseValues('config:\n  livenessGate: off\n') as Values;
    expect(override).toEqual({ config: { livenessGate: false } });
    expect(problems(helmMerge(defaults, override))).toEqual(expect.arrayContaining([expect.stringMatching(/^\/config\/livenessGate /)]));
  });

  it.each(rejected)('rejects %s', (_name, override, path) => {
    const errors = problems(helmMerge(defaults, override));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((e) => e.startsWith(`${path} `))).toBe(true);
  });
});

describe('values.yaml', () => {
  /** A pair is documented by a comment above it (or above its map's first item) or on its line. */
  function undocumented(map: YAMLMap, prefix: string, firstComment: string | null | undefined): string[] {
    return map.items.flatMap((pair: Pair, index) => {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      const value = pair.value as { comment?: string | null; commentBefore?: string | null } | null;
      const documented = Boolean((isScalar(pair.key) && pair.key.commentBefore) || (index === 0 && firstComment) || value?.comment);
      if (documented) return [];
      if (isMap(pair.value) && !pair.value.flow && pair.value.items.length > 0)
        return undocumented(pair.value, `${prefix}${key}.`, pair.value.commentBefore);
      return [`${prefix}${key}`];
    });
  }

  it('documents every key with a comment', () => {
    const doc: Document = parseDocument(read('values.yaml'));
    expect(doc.errors).toEqual([]);
    expect(isMap(doc.contents)).toBe(true);
    expect(undocumented(doc.contents as YAMLMap, '', doc.commentBefore)).toEqual([]);
  });

  it('holds no secret material, only Secret references', () => {
    const strings = (v: unknown): string[] =>
      typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(strings) : isObject(v) ? Object.values(v).flatMap(strings) : [];
    const suspicious = strings(defaults).filter((s) => /^postgres(ql)?:\/\/|^[A-Za-z0-9+/]{43}=$|^-----BEGIN/.test(s));
    expect(suspicious).toEqual([]);
    expect(defaults).toMatchObject({
      database: { existingSecret: 'facenition-database', secretKey: 'url' },
      pepper: { existingSecret: 'facenition-pepper', previousKeys: [] },
      license: { existingSecret: '' },
      admin: { existingSecret: '' },
      metrics: { auth: { existingSecret: '' } },
    });
  });

  it('documents the migration strategy (boot-time advisory lock, no Job)', () => {
    expect(read('values.yaml')).toMatch(/advisory\s+lock/);
    expect(read('README.md')).toMatch(/advisory lock/);
  });

  it('has no value that no template reads', () => {
    const used = templateFiles.flatMap((f) => valuesPaths(template(f)).map((p) => p.join('.')));
    const dead = leafPaths(defaults)
      .map((p) => p.join('.'))
      .filter((leaf) => !used.some((u) => leaf === u || leaf.startsWith(`${u}.`)));
    expect(dead).toEqual([]);
  });
});

describe('template balance checker', () => {
  it('accepts balanced templates with trim markers, else branches, comments and quoted braces', () => {
    const ok = [
      '{{- define "x" -}}',
      '{{/* a comment with }} inside',
      'over two lines */}}',
      '{{- if .a }}a{{- else if .b -}}b{{ else }}c{{ end }}',
      '{{ range $i, $k := .list }}{{ if $i }},{{ end }}{{ $k }}{{ end }}',
      '{{- with .c }}{{ printf "}}%s{{" . }}{{- end }}',
      '{{- end }}',
    ].join('\n');
    expect(checkTemplateBalance(ok)).toEqual([]);
  });

  it.each([
    ['an if without end', 'a: {{ if .x }}1', /"if" is never closed/],
    ['an extra end', '{{ with .x }}{{ . }}{{ end }}{{ end }}', /"end" without an open block/],
    ['an unclosed action', 'a: {{ .Values.x }\nb: 1', /never closed/],
    ['a stray closing delimiter', 'a: .Values.x }}', /without a matching/],
    ['an else outside a block', '{{ define "a" }}{{ else }}{{ end }}', /"else" outside/],
    ['an action opened inside another', '{{ if {{ .x }} }}{{ end }}', /never closed/],
    ['a nested range left open', '{{ if .a }}{{ range .b }}{{ end }}', /"if" is never closed/],
  ])('rejects %s', (_name, text, message) => {
    const errors = checkTemplateBalance(text);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(message);
  });

  it('finds .Values paths, also through $ and variables bound to a subtree', () => {
    const paths = valuesPaths(
      '{{ $np := .Values.networkPolicy }}{{ $np.dns.enabled }}{{ $.Values.a.b }}{{ include "x" (dict "v" .Values.c) }}',
    );
    expect(paths.map((p) => p.join('.')).sort()).toEqual(['a.b', 'c', 'networkPolicy', 'networkPolicy.dns.enabled']);
  });
});

describe('templates', () => {
  it.each(templateFiles)('%s: actions and blocks are balanced', (file) => {
    expect(checkTemplateBalance(template(file))).toEqual([]);
  });

  it.each(templateFiles)('%s: no tabs', (file) => {
    expect(template(file).includes('\t')).toBe(false);
  });

  it.each(templateFiles)('%s: reads only values that exist in values.yaml', (file) => {
    const paths = valuesPaths(template(file));
    const missing = paths.filter((p) => !hasPath(defaults, p)).map((p) => `.Values.${p.join('.')}`);
    expect(missing).toEqual([]);
  });

  it('read values at all (the path finder is not blind)', () => {
    expect(valuesPaths(template('deployment.yaml')).length).toBeGreaterThan(30);
  });

  it.each(yamlTemplates)('%s: every document starts with apiVersion and parses as YAML once actions are blanked', (file) => {
    const skeleton = yamlSkeleton(template(file));
    const docs = parseAllDocuments(skeleton);
    expect(Array.isArray(docs)).toBe(true);
    for (const doc of docs as Document[]) {
      expect(doc.errors.map((e) => e.message)).toEqual([]);
      const value = doc.toJS() as unknown;
      expect(isObject(value) && typeof value.apiVersion === 'string' && typeof value.kind === 'string').toBe(true);
    }
    for (const part of skeleton.split(/^---\s*$/m)) {
      const first = part.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
      if (first !== undefined) expect(first).toMatch(/^apiVersion: /);
    }
  });

  it('create only the expected kinds: no Secret (references only) and no migration Job', () => {
    const kinds = yamlTemplates.map((f) => (parse(yamlSkeleton(template(f))) as { kind: string }).kind).sort();
    expect(kinds).toEqual(
      [
        'Deployment',
        'HorizontalPodAutoscaler',
        'Ingress',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Pod',
        'Service',
        'ServiceAccount',
        'ServiceMonitor',
      ].sort(),
    );
  });

  it('gate optional resources on their toggles', () => {
    const gates: Record<string, RegExp> = {
      'ingress.yaml': /^\{\{- if \.Values\.ingress\.enabled \}\}/,
      'servicemonitor.yaml': /^\{\{- if \.Values\.metrics\.serviceMonitor\.enabled \}\}/,
      'hpa.yaml': /^\{\{- if \.Values\.autoscaling\.enabled \}\}/,
      'networkpolicy.yaml': /^\{\{- if \.Values\.networkPolicy\.enabled \}\}/,
      'serviceaccount.yaml': /^\{\{- if \.Values\.serviceAccount\.create \}\}/,
      'pdb.yaml': /^\{\{- if and \.Values\.podDisruptionBudget\.enabled \(include "facenition\.multiReplica" \.\) \}\}/,
    };
    for (const [file, gate] of Object.entries(gates)) expect({ file, gated: gate.test(template(file)) }).toEqual({ file, gated: true });
  });
});

describe('deployment', () => {
  const text = template('deployment.yaml');
  const deployment = parse(yamlSkeleton(text)) as Deployment;
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it('runs hardened: non-root, read-only root, no escalation, no capabilities, seccomp, no API token', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(text).toMatch(/runAsUser: \{\{ \. \}\}/);
    expect(defaults.podSecurityContext).toEqual({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
    expect(text).not.toMatch(/privileged|hostNetwork|hostPath|hostPID/);
  });

  it('probes /health/live and /health/ready under the base path, with a start-up probe', () => {
    const path = (probe: string) => text.match(new RegExp(`${probe}:\\n\\s+httpGet:\\n\\s+path: (.+)\\n\\s+port: http`))?.[1];
    expect(path('startupProbe')).toBe('{{ .Values.config.basePath }}/health/live');
    expect(path('livenessProbe')).toBe('{{ .Values.config.basePath }}/health/live');
    expect(path('readinessProbe')).toBe('{{ .Values.config.basePath }}/health/ready');
    expect(container.ports.map((p: { name: string }) => p.name)).toEqual(['http', 'metrics']);
  });

  it('writes only to emptyDir volumes at the data directory and /tmp', () => {
    expect(container.volumeMounts.filter((m) => !m.readOnly).map((m) => m.mountPath)).toEqual(['/var/lib/facenition', '/tmp']);
    for (const name of ['data', 'tmp']) expect(Object.keys(pod.volumes.find((v) => v.name === name) ?? {})).toContain('emptyDir');
  });

  it('takes the database URL from a Secret and secrets only as files, never as literal values', () => {
    const env = container.env;
    const db = env.find((e) => e.name === 'DATABASE_URL');
    expect(db?.value).toBeUndefined();
    expect(db?.valueFrom?.secretKeyRef).toEqual({ name: 'TPL', key: 'TPL' });
    expect(text).toContain('required "database.existingSecret is required');
    expect(text).toContain('required "pepper.existingSecret is required');
    for (const name of ['FACENITION_PEPPER', 'FACENITION_ADMIN_TOKEN', 'FACENITION_METRICS_TOKEN'])
      expect(env.some((e) => e.name === name)).toBe(false);
    expect(text).toMatch(/FACENITION_PEPPER_FILE\n\s+value: \/etc\/facenition\/pepper\//);
    expect(text).toMatch(/FACENITION_LICENSE_FILE\n\s+value: \/etc\/facenition\/license\//);
    expect(text).toMatch(/FACENITION_ADMIN_TOKEN_FILE\n\s+value: \/etc\/facenition\/admin\//);
    expect(text).toMatch(/FACENITION_METRICS_TOKEN_FILE\n\s+value: \/etc\/facenition\/metrics\//);
  });

  it('sets only environment variables the application knows', () => {
    const config = readFileSync(join(ROOT, 'apps', 'gateway', 'src', 'config.ts'), 'utf8');
    // introduced with the licence and metrics modules (issue 5)
    const pending = ['FACENITION_METRICS_PORT', 'FACENITION_LICENSE_FILE', 'FACENITION_PEPPER_PREVIOUS_FILES'];
    const names = [...text.matchAll(/- name: (FACENITION_[A-Z0-9_]+)/g)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !pending.includes(n) && !config.includes(`${n}:`))).toEqual([]);
  });

  it('references the image by digest when one is set', () => {
    const helpers = template('_helpers.tpl');
    const imageRef = /\{\{- define "facenition\.imageRef" -\}\}([\s\S]*?)\{\{- end \}\}\n\n/.exec(helpers)?.[1] ?? '';
    expect(imageRef).toMatch(/^\s*\{\{- if \.image\.digest \}\}\s*\{\{- printf "%s@%s" \.image\.repository \.image\.digest \}\}/);
    expect(imageRef).toContain('printf "%s:%s" .image.repository (default .appVersion .image.tag)');
    expect(container.image).toBe('TPL');
    expect(text).toContain('image: {{ include "facenition.image" . | quote }}');
    expect(template('tests/test-ready.yaml')).toContain('image: {{ include "facenition.testImage" . | quote }}');
  });
});

describe('network policy and helm test', () => {
  it('denies egress except DNS and the database port', () => {
    const policy = parse(yamlSkeleton(template('networkpolicy.yaml'))) as NetworkPolicy;
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const ports = policy.spec.egress.map((rule) => rule.ports?.map((p) => p.port));
    expect(ports).toEqual([[53, 53], ['TPL']]);
    expect(template('networkpolicy.yaml')).toContain('- port: {{ $np.database.port }}');
    expect(defaults.networkPolicy).toMatchObject({ enabled: true, database: { port: 5432 } });
  });

  it('runs the ready check with node from the app image and stays outside the app selector', () => {
    const text = template('tests/test-ready.yaml');
    const pod = parse(yamlSkeleton(text)) as Pod;
    expect(pod.metadata.annotations['helm.sh/hook']).toBe('test');
    expect(pod.spec.containers[0].command?.slice(0, 2)).toEqual(['node', '-e']);
    expect(text).toContain('{{ .Values.config.basePath }}/health/ready');
    expect(text).toContain('include "facenition.testLabels"');
    expect(text).not.toContain('facenition.selectorLabels');
    expect(scanActions(text).every((a) => !a.body.includes('curl'))).toBe(true);
  });
});

describe('template renderer (test/helm/render.ts)', () => {
  const one = (text: string, values: Values = {}) => renderChart({ templates: { 't.yaml': text }, chart: { name: 'c' } }, values)['t.yaml'];

  it('follows the Go template and Sprig behaviour the chart relies on', () => {
    expect(one('a:\n  {{- if .Values.x }} x{{- else if .Values.y }} y{{ else }} z{{ end }}\n', { y: 1 })).toBe('a: y\n');
    expect(one('{{- with .Values.m }}{{ .k }}{{ else }}none{{ end }}', { m: { k: 'v' } })).toBe('v');
    expect(one('{{- with .Values.m }}{{ .k }}{{ else }}none{{ end }}', { m: {} })).toBe('none');
    expect(one('{{ range $i, $v := .Values.l }}{{ $i }}={{ $v }};{{ else }}empty{{ end }}', { l: ['a', 'b'] })).toBe('0=a;1=b;');
    expect(one('{{ range .Values.l }}{{ . }}{{ else }}empty{{ end }}', { l: [] })).toBe('empty');
    expect(
      one('{{- $l := list }}{{- range .Values.l }}{{- $l = append $l (printf "/p/%s" .) }}{{- end }}{{ join "," $l }}', { l: ['a', 'b'] }),
    ).toBe('/p/a,/p/b');
    expect(one('{{ range .Values.l }}{{ $.Values.n }}{{ end }}', { l: [1, 2], n: 'n' })).toBe('nn');
    expect(one('{{- define "d" }}[{{ .x }}|{{ $.x }}]{{ end }}{{ include "d" .Values | quote }}', { x: 1 })).toBe('"[1|1]"');
    expect(one('k:\n  {{- toYaml .Values.m | nindent 2 }}', { m: { a: 1, b: [2] } })).toBe('k:\n  a: 1\n  b:\n    - 2');
    expect(one('{{ .Values.missing }}|{{ default "d" .Values.e }}|{{ .Values.n | quote }}', { e: '', n: 9464 })).toBe('|d|"9464"');
    expect(one('{{ if and .Values.a (gt (int .Values.n) 1) }}yes{{ end }}', { a: true, n: 2 })).toBe('yes');
    expect(one('{{ if has .Values.k .Values.l }}yes{{ else }}no{{ end }}', { k: 'b', l: ['a'] })).toBe('no');
    expect(
      one('{{ add (int .Values.a) .Values.b 5 }}|{{ mul .Values.a 1000 }}|{{ if lt 29 (add 5 20 5) }}short{{ end }}', { a: 5, b: 20 }),
    ).toBe('30|5000|short');
    expect(() => one('{{ .Values.a.b }}', {})).toThrow(/nil pointer evaluating/);
    expect(() => one('{{ required "x is required" .Values.x }}', {})).toThrow(new RenderError('x is required'));
    expect(() => one('{{ fail "stop" }}')).toThrow('stop');
    expect(() => one('{{ lookup "v1" "Secret" "ns" "name" }}')).toThrow(/unsupported function "lookup"/);
  });
});

describe('rendered chart', () => {
  const source = { templates: Object.fromEntries(templateFiles.map((f) => [f, template(f)])), chart: parse(read('Chart.yaml')) as Values };
  /** Kubernetes reads manifests as YAML 1.1 (0440 is octal there). */
  const docsOf = (text: string): Values[] =>
    parseAllDocuments(text, { version: '1.1' }).flatMap((d) => {
      expect(d.errors.map((e) => e.message)).toEqual([]);
      const v = d.toJS() as unknown;
      return isObject(v) ? [v] : [];
    });
  const render = (override: Values) => {
    const out = renderChart(source, helmMerge(defaults, override));
    return { out, docs: (file: string) => docsOf(out[file]) };
  };
  const podOf = (docs: Values[]) => (docs[0] as unknown as Deployment).spec.template.spec;
  const envOf = (pod: PodSpec) => Object.fromEntries(pod.containers[0].env.map((e) => [e.name, e.value ?? e.valueFrom]));
  interface ServiceMonitor {
    spec: { endpoints: ({ port: string; path: string } & Values)[] };
  }

  it.each(ciFiles)('renders every template for ci/%s into well-formed resources', (file) => {
    const rendered = renderChart(source, ciValues(file));
    const kinds = yamlTemplates.flatMap((f) =>
      docsOf(rendered[f]).map((d) => {
        expect(typeof d.apiVersion).toBe('string');
        return d.kind;
      }),
    );
    expect(kinds).toEqual(expect.arrayContaining(['Deployment', 'Service', 'Pod']));
    expect(rendered['NOTES.txt']).toContain('/metrics');
  });

  it('logs JSON lines by default, text when config.logFormat says so', () => {
    const envWith = (config: Values) => envOf(podOf(render({ config }).docs('deployment.yaml')));
    expect([envWith({}).FACENITION_LOG_FORMAT, envWith({}).FACENITION_LOG_LEVEL]).toEqual(['json', 'log']);
    expect(envWith({ logFormat: 'text' }).FACENITION_LOG_FORMAT).toBe('text');
  });

  it('without metrics.auth: no token file, no extra volume, a ServiceMonitor without credentials, and NOTES say the scrape is open', () => {
    const r = render({ metrics: { serviceMonitor: { enabled: true } } });
    const pod = podOf(r.docs('deployment.yaml'));
    const env = envOf(pod);
    expect(env.FACENITION_METRICS_HOST).toBe('0.0.0.0');
    expect(env.FACENITION_METRICS_PORT).toBe('9464');
    expect(Object.keys(env).filter((n) => n.startsWith('FACENITION_METRICS_TOKEN'))).toEqual([]);
    expect(pod.volumes.map((v) => v.name)).not.toContain('metrics-auth');
    expect(pod.containers[0].volumeMounts.map((m) => m.name)).not.toContain('metrics-auth');
    const [monitor] = r.docs('servicemonitor.yaml') as unknown as ServiceMonitor[];
    expect(monitor.spec.endpoints).toHaveLength(1);
    expect(Object.keys(monitor.spec.endpoints[0]).sort()).toEqual(['interval', 'path', 'port', 'scrapeTimeout']);
    expect(r.out['NOTES.txt']).toContain('Scrapes are not authenticated');
  });

  it('with metrics.auth: the pod reads the token from the Secret as a file and the ServiceMonitor sends it as a bearer token', () => {
    const r = render({
      config: { metricsHost: '::' },
      metrics: { auth: { existingSecret: 'facenition-metrics', secretKey: 'scrape-token' }, serviceMonitor: { enabled: true } },
    });
    const pod = podOf(r.docs('deployment.yaml'));
    const env = envOf(pod);
    expect(env.FACENITION_METRICS_HOST).toBe('::');
    expect(env.FACENITION_METRICS_TOKEN_FILE).toBe('/etc/facenition/metrics/scrape-token');
    expect(env).not.toHaveProperty('FACENITION_METRICS_TOKEN');
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'metrics-auth', mountPath: '/etc/facenition/metrics', readOnly: true });
    expect(pod.volumes.find((v) => v.name === 'metrics-auth')).toEqual({
      name: 'metrics-auth',
      secret: { secretName: 'facenition-metrics', defaultMode: 0o440, items: [{ key: 'scrape-token', path: 'scrape-token' }] },
    });
    const [monitor] = r.docs('servicemonitor.yaml') as unknown as ServiceMonitor[];
    expect(monitor.spec.endpoints[0]).toMatchObject({
      port: 'metrics',
      path: '/metrics',
      authorization: { type: 'Bearer', credentials: { name: 'facenition-metrics', key: 'scrape-token' } },
    });
    expect(r.out['NOTES.txt']).toContain('bearer token from Secret facenition-metrics (key scrape-token)');
    expect(r.out['NOTES.txt']).not.toContain('Scrapes are not authenticated');
  });

  it('with metrics.auth but no ServiceMonitor: the pod still requires the token', () => {
    const r = render({ metrics: { auth: { existingSecret: 'facenition-metrics' } } });
    expect(envOf(podOf(r.docs('deployment.yaml'))).FACENITION_METRICS_TOKEN_FILE).toBe('/etc/facenition/metrics/token');
    expect(r.docs('servicemonitor.yaml')).toEqual([]);
  });

  it('keeps the deployment key in a file by default: no PKCS#11 setting, volume or mount', () => {
    const pod = podOf(render({}).docs('deployment.yaml'));
    const env = envOf(pod);
    expect(env.FACENITION_PEPPER_FILE).toBe('/etc/facenition/pepper/pepper');
    expect(Object.keys(env).filter((n) => n.startsWith('FACENITION_PKCS11_'))).toEqual([]);
    expect(pod.volumes.map((v) => v.name).filter((n) => n.startsWith('pkcs11'))).toEqual([]);
  });

  it('with pkcs11: the key is in the module, the PIN is a file from its Secret, the module is mounted read-only, and no key file is mounted', () => {
    const pod = podOf(
      render({
        pkcs11: {
          enabled: true,
          modulePath: '/opt/hsm/lib/libvendor.so',
          module: { volume: { persistentVolumeClaim: { claimName: 'hsm-client' } }, mountPath: '/opt/hsm' },
          tokenLabel: 'prod',
          keyLabel: 'deployment-2026',
          previousKeyLabels: ['deployment-2025', 'deployment-2024'],
          pin: { existingSecret: 'hsm-pin', secretKey: 'user-pin' },
        },
      }).docs('deployment.yaml'),
    );
    const env = envOf(pod);
    expect(env).toMatchObject({
      FACENITION_PKCS11_MODULE: '/opt/hsm/lib/libvendor.so',
      FACENITION_PKCS11_TOKEN_LABEL: 'prod',
      FACENITION_PKCS11_PIN_FILE: '/etc/facenition/pkcs11/user-pin',
      FACENITION_PKCS11_KEY_LABEL: 'deployment-2026',
      FACENITION_PKCS11_PREVIOUS_KEY_LABELS: 'deployment-2025,deployment-2024',
    });
    expect(Object.keys(env).filter((n) => n.startsWith('FACENITION_PEPPER'))).toEqual([]);
    expect(pod.volumes.map((v) => v.name)).not.toContain('pepper');
    expect(pod.volumes.find((v) => v.name === 'pkcs11-pin')).toEqual({
      name: 'pkcs11-pin',
      secret: { secretName: 'hsm-pin', defaultMode: 0o440, items: [{ key: 'user-pin', path: 'user-pin' }] },
    });
    expect(pod.volumes.find((v) => v.name === 'pkcs11-module')).toEqual({
      name: 'pkcs11-module',
      persistentVolumeClaim: { claimName: 'hsm-client' },
    });
    expect(pod.containers[0].volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'pkcs11-pin', mountPath: '/etc/facenition/pkcs11', readOnly: true },
        { name: 'pkcs11-module', mountPath: '/opt/hsm', readOnly: true },
      ]),
    );
  });

  it('with pkcs11 and retired key files: only the retired files are mounted, the module holds the current key', () => {
    const pod = podOf(render({ pkcs11: { enabled: true }, pepper: { previousKeys: ['pepper-2024'] } }).docs('deployment.yaml'));
    const env = envOf(pod);
    expect(env.FACENITION_PEPPER_FILE).toBeUndefined();
    expect(env.FACENITION_PEPPER_PREVIOUS_FILES).toBe('/etc/facenition/pepper/pepper-2024');
    expect(env.FACENITION_PKCS11_KEY_LABEL).toBe('deployment-key');
    expect(env.FACENITION_PKCS11_PREVIOUS_KEY_LABELS).toBeUndefined();
    expect(pod.volumes.find((v) => v.name === 'pepper')).toMatchObject({
      secret: { items: [{ key: 'pepper-2024', path: 'pepper-2024' }] },
    });
    expect(pod.volumes.map((v) => v.name)).not.toContain('pkcs11-module'); // module.volume empty: the image carries the library
  });

  it("shuts down gracefully: grace period, a preStop wait with the image's node, and the drain timeout for the server", () => {
    const shutdownOf = (override: Values) => {
      const pod = podOf(render(override).docs('deployment.yaml')) as PodSpec & { terminationGracePeriodSeconds?: number };
      const container = pod.containers[0] as Container & { lifecycle?: unknown };
      return {
        grace: pod.terminationGracePeriodSeconds,
        preStop: container.lifecycle,
        timeout: envOf(pod).FACENITION_SHUTDOWN_TIMEOUT_SECONDS,
      };
    };
    expect(shutdownOf({})).toEqual({
      grace: 30,
      preStop: { preStop: { exec: { command: ['/app/bin/node', '-e', 'setTimeout(() => {}, 5000)'] } } },
      timeout: '20',
    });
    expect(shutdownOf({ terminationGracePeriodSeconds: 60, shutdown: { preStopSleepSeconds: 0, timeoutSeconds: 55 } })).toEqual({
      grace: 60,
      preStop: undefined,
      timeout: '55',
    });
    expect(() => render({ terminationGracePeriodSeconds: 29 })).toThrow(
      new RenderError(
        'terminationGracePeriodSeconds (29) must be at least shutdown.preStopSleepSeconds (5) + shutdown.timeoutSeconds (20) + 5 = 30: ' +
          'Kubernetes kills the container when the grace period ends, cutting off requests still in flight',
      ),
    );
  });

  it('stops on a missing required Secret reference, as helm would', () => {
    expect(() => render({ database: { existingSecret: '' } })).toThrow(/database.existingSecret is required/);
  });
});
