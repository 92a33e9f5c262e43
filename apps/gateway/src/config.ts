import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

/** Directory holding the project's package.json (the install root), found from this file upwards. */
export function installRoot(start = __dirname): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);
const num = (def: number, min: number, max: number) => z.coerce.number().min(min).max(max).default(def);

/** Sent verbatim in an Authorization header by scrapers, so printable ASCII without spaces. */
const METRICS_TOKEN_CHARS = /^[\x21-\x7e]+$/;
const METRICS_TOKEN_CHARS_MESSAGE = 'must be printable ASCII without spaces';

/** A key object's label in the module; a comma separates the retired ones in FACENITION_PKCS11_PREVIOUS_KEY_LABELS. */
export const KEY_LABEL = /^[\x21-\x2b\x2d-\x7e][\x20-\x2b\x2d-\x7e]{0,56}$/;
export const KEY_LABEL_MESSAGE = 'must be 1..57 printable ASCII characters without a comma';

const httpsOrLocal = (u: string): boolean => u.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(u);

const schema = z.object({
  FACENITION_HOST: z.string().min(1).default('0.0.0.0'),
  FACENITION_PORT: int(8080, 0, 65535),
  FACENITION_BASE_PATH: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~-]+)*$/, 'must be empty or like /api/v1')
    .default(''),
  FACENITION_MODELS_DIR: z.string().min(1).optional(),
  FACENITION_DATA_DIR: z.string().min(1).optional(),
  FACENITION_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  FACENITION_ADMIN_TOKEN_FILE: z.string().min(1).optional(),
  FACENITION_WORKERS: int(Math.max(1, Math.min(2, availableParallelism())), 1, 64),
  FACENITION_ORT_THREADS: int(1, 1, 64),
  FACENITION_QUEUE_MAX: int(32, 0, 10_000),
  FACENITION_MAX_IMAGE_BYTES: int(10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  FACENITION_MAX_IMAGE_PIXELS: int(40_000_000, 10_000, 500_000_000),
  FACENITION_MAX_IMAGES: int(10, 2, 100),
  FACENITION_MAX_BODY_BYTES: int(32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  FACENITION_MAX_UNAUTHENTICATED_BODIES: int(4, 1, 1000),
  FACENITION_MAX_INFLIGHT_BODIES: int(64, 1, 100_000),
  FACENITION_MIN_FACE_SIZE: int(40, 16, 1000),
  FACENITION_LIVENESS_THRESHOLD: num(0.5, 0, 1),
  FACENITION_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  FACENITION_LOG_FORMAT: z.enum(['json', 'text']).default('text'),
  FACENITION_DB_POOL_SIZE: int(10, 1, 200),
  FACENITION_ROTATION_GRACE_SECONDS: int(86_400, 0, 30 * 86_400),
  FACENITION_ACCESS_TOKEN_TTL_SECONDS: int(900, 60, 86_400),
  FACENITION_AUDIT_RETENTION_DAYS: int(0, 0, 36_500),
  FACENITION_AUTH_MAX_FAILURES: int(20, 1, 100_000),
  FACENITION_AUTH_WINDOW_SECONDS: int(60, 1, 86_400),
  FACENITION_PEPPER: z.string().min(1).optional(),
  FACENITION_PEPPER_FILE: z.string().min(1).optional(),
  FACENITION_PEPPER_PREVIOUS_FILES: z.string().min(1).optional(),
  FACENITION_PKCS11_MODULE: z.string().min(1).optional(),
  FACENITION_PKCS11_TOKEN_LABEL: z.string().max(32, 'a PKCS#11 token label is at most 32 characters').optional(),
  FACENITION_PKCS11_PIN_FILE: z.string().min(1).optional(),
  FACENITION_PKCS11_KEY_LABEL: z.string().regex(KEY_LABEL, KEY_LABEL_MESSAGE).optional(),
  FACENITION_PKCS11_PREVIOUS_KEY_LABELS: z.string().min(1).optional(),
  FACENITION_KDF_LOG2N: int(15, 10, 20),
  FACENITION_KDF_MAX_LOG2N: int(16, 10, 20),
  FACENITION_LOCKOUT_THRESHOLD: int(5, 1, 1000),
  FACENITION_LOCKOUT_SECONDS: int(60, 1, 86_400),
  FACENITION_IDENTIFY_MAX_TOKENS: int(10_000, 1, 10_000),
  FACENITION_IDENTIFY_ROSTER_FAILURES: int(30, 1, 100_000),
  FACENITION_IDENTIFY_CLIENT_FAILURES: int(200, 1, 1_000_000),
  FACENITION_IDENTIFY_WINDOW_SECONDS: int(300, 1, 86_400),
  FACENITION_LIVENESS_GATE: z.enum(['on', 'off']).default('on'),
  FACENITION_LIVENESS_GATE_THRESHOLD: num(0.1, 0, 1),
  FACENITION_ENROL_MIN_COMPONENT: int(30, 0, 100),
  FACENITION_LICENSE_FILE: z.string().min(1).optional(),
  FACENITION_CALIBRATION_FILE: z.string().min(1).optional(),
  FACENITION_OIDC_ISSUER: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://idp.example.org/oidc' })
    .refine((u) => !u.endsWith('/') && !u.includes('?') && !u.includes('#'), 'must not end with / nor carry a query or fragment')
    .refine(
      (u) => u.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(u),
      'must be https:// (http only for localhost)',
    )
    .optional(),
  FACENITION_OIDC_TRUST_PROXY: z.enum(['on', 'off']).default('off'),
  FACENITION_SIGNED_RESULT_TTL_SECONDS: int(120, 10, 120),
  FACENITION_ENTRA_EXTENSION_TENANT_ID: z.guid({ error: "must be the Entra tenant's id (a GUID)" }).optional(),
  FACENITION_ENTRA_EXTENSION_APP_ID: z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'must be the app id (or App ID URI) the bearer tokens are issued for')
    .optional(),
  FACENITION_ENTRA_EXTENSION_JWKS_FILE: z.string().min(1).optional(),
  FACENITION_ENTRA_EXTENSION_JWKS_URI: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .refine(httpsOrLocal, 'must be https:// (http only for localhost)')
    .optional(),
  FACENITION_ENTRA_EXTENSION_API_CLIENT: z.uuid({ error: 'must be an API client id (a UUID)' }).optional(),
  FACENITION_OKTA_HOOK_SECRET_FILE: z.string().min(1).optional(),
  FACENITION_OKTA_HOOK_API_CLIENT: z.uuid({ error: 'must be an API client id (a UUID)' }).optional(),
  FACENITION_TLS_CERT_FILE: z.string().min(1).optional(),
  FACENITION_TLS_KEY_FILE: z.string().min(1).optional(),
  FACENITION_LICENSE_GRACE_DAYS: int(30, 0, 365),
  FACENITION_METRICS_PORT: int(9464, 0, 65535),
  FACENITION_METRICS_HOST: z.string().min(1).optional(),
  FACENITION_METRICS_TOKEN: z
    .string()
    .min(24, 'must be at least 24 characters')
    .regex(METRICS_TOKEN_CHARS, METRICS_TOKEN_CHARS_MESSAGE)
    .optional(),
  FACENITION_METRICS_TOKEN_FILE: z.string().min(1).optional(),
  FACENITION_SHUTDOWN_TIMEOUT_SECONDS: int(20, 1, 3600),
  FACENITION_SHUTDOWN_DELAY_SECONDS: int(2, 0, 600),
});

const databaseUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
  .optional();

export interface AppConfig {
  host: string;
  port: number;
  basePath: string;
  modelsDir: string;
  dataDir: string;
  adminToken?: string;
  adminTokenFile?: string;
  workers: number;
  ortThreads: number;
  queueMax: number;
  maxImageBytes: number;
  maxImagePixels: number;
  maxImages: number;
  maxBodyBytes: number;
  /** Requests without an X-Auth-Token header whose bodies may be read at once (their credential is in the body). */
  maxUnauthenticatedBodies: number;
  /** Requests with a body in flight at once (read, processed, not yet answered). */
  maxInflightBodies: number;
  minFaceSize: number;
  livenessThreshold: number;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** `json`: one JSON object per line on stdout (for log platforms); `text`: Nest's readable lines. */
  logFormat: 'json' | 'text';
  /** PostgreSQL server URL; unset = embedded PGlite in `<dataDir>/pgdata`. */
  databaseUrl?: string;
  dbPoolSize: number;
  rotationGraceSeconds: number;
  accessTokenTtlSeconds: number;
  /** Audit records older than this many days are deleted (0 = keep forever). */
  auditRetentionDays: number;
  authMaxFailures: number;
  authWindowSeconds: number;
  /** Deployment key for identity tokens: base64 of 32 bytes, or a file holding it. */
  pepper?: string;
  pepperFile?: string;
  /** Retired deployment keys that still verify the tokens issued under them (comma-separated files). */
  pepperPreviousFiles: string[];
  /** The deployment key in a PKCS#11 module (hardware security module) instead of a file; unset = file. */
  pkcs11?: Pkcs11Config;
  kdfLog2N: number;
  /** Costliest scrypt (log2 N, with r = 8, p = 1) a presented token may ask for: at least kdfLog2N. */
  kdfMaxLog2N: number;
  lockoutThreshold: number;
  /** 1:N (/identify): most tokens per call; failed identifications allowed per roster / per client per window */
  identifyMaxTokens: number;
  identifyRosterFailures: number;
  identifyClientFailures: number;
  identifyWindowSeconds: number;
  lockoutSeconds: number;
  livenessGate: boolean;
  livenessGateThreshold: number;
  enrolMinComponent: number;
  /** Signed licence file; unset = developer edition (1,000 calls per month). */
  licenseFile?: string;
  licenseGraceDays: number;
  /** Per-deployment thresholds written by `npm run evaluate` (read and checked at start); unset = the built-in thresholds. */
  calibrationFile?: string;
  /** Public issuer URL of the OpenID Connect provider (its path is where it is mounted, e.g. /oidc); unset = provider off. */
  oidcIssuer?: string;
  /** Trust X-Forwarded-Proto/-For from a TLS-terminating proxy in front of the provider. */
  oidcTrustProxy: boolean;
  /** HTTPS on the API port: PEM certificate chain and key files (both or neither). */
  tls?: { certFile: string; keyFile: string };
  /** Lifetime of a signed result of /authenticate (at most 120 s). */
  signedResultTtlSeconds: number;
  /** Entra ID custom claims provider (POST /integrations/entra/token-issuance-start); unset = off. */
  entraExtension?: EntraExtensionConfig;
  /** Okta token inline hook (POST /integrations/okta/token-hook); unset = off. */
  oktaHook?: OktaHookConfig;
  /** Prometheus /metrics on its own port (0 = off). */
  metricsPort: number;
  /** Interface of the metrics server; unset = the API's host (FACENITION_HOST). */
  metricsHost: string;
  /** Bearer token a scrape must present (FACENITION_METRICS_TOKEN or _FILE); unset = open scrape. */
  metricsToken?: string;
  /** After SIGTERM/SIGINT the process exits within this many seconds, whatever is still in flight. */
  shutdownTimeoutSeconds: number;
  /** After SIGTERM, readiness answers 503 this long while requests are still served, before the listener closes. */
  shutdownDelaySeconds: number;
}

export interface EntraExtensionConfig {
  tenantId: string;
  /** The audience of the bearer tokens Entra sends: the extension's app id (or its App ID URI). */
  appId: string;
  /** API client whose tenant's face verifications count. */
  apiClientId: string;
  /** The tenant's signing keys, from FACENITION_ENTRA_EXTENSION_JWKS_FILE (air-gapped sites) ... */
  jwks?: { keys: Record<string, unknown>[] };
  /** ... or fetched (and cached) from FACENITION_ENTRA_EXTENSION_JWKS_URI. */
  jwksUri?: string;
}

export interface Pkcs11Config {
  /** Path of the module's shared library (FACENITION_PKCS11_MODULE). */
  module: string;
  /** Label of the token holding the key (FACENITION_PKCS11_TOKEN_LABEL). */
  tokenLabel: string;
  /** The user PIN, read once from FACENITION_PKCS11_PIN_FILE (trimmed). */
  pin: string;
  /** Label of the current key object (FACENITION_PKCS11_KEY_LABEL); its HKDF key is `<label>.derive`. */
  keyLabel: string;
  /** Retired keys in the same token that still verify (FACENITION_PKCS11_PREVIOUS_KEY_LABELS). */
  previousKeyLabels: string[];
}

export interface OktaHookConfig {
  /** The value Okta sends in the Authorization header (read from FACENITION_OKTA_HOOK_SECRET_FILE). */
  secret: string;
  /** API client whose tenant's face verifications count. */
  apiClientId: string;
}

export class ConfigError extends Error {}

/** Reads a configured file once; the message names the variable and the file, never the content. */
function readSetting(name: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`;
    throw new ConfigError(`invalid configuration: ${name}: ${file} ${why}`);
  }
}

type Parsed = z.output<typeof schema>;

/** The Entra ID extension: all of tenant, app id, API client and exactly one key source, or none of them. */
function entraExtension(e: Parsed): EntraExtensionConfig | undefined {
  const names = [
    'FACENITION_ENTRA_EXTENSION_TENANT_ID',
    'FACENITION_ENTRA_EXTENSION_APP_ID',
    'FACENITION_ENTRA_EXTENSION_API_CLIENT',
    'FACENITION_ENTRA_EXTENSION_JWKS_FILE',
    'FACENITION_ENTRA_EXTENSION_JWKS_URI',
  ] as const;
  if (names.every((n) => e[n] === undefined)) return undefined;
  const missing = names.slice(0, 3).filter((n) => e[n] === undefined);
  if (missing.length)
    throw new ConfigError(`invalid configuration: ${missing.join(', ')}: required with the other FACENITION_ENTRA_EXTENSION_* settings`);
  const file = e.FACENITION_ENTRA_EXTENSION_JWKS_FILE;
  const uri = e.FACENITION_ENTRA_EXTENSION_JWKS_URI;
  if (!file === !uri)
    throw new ConfigError(
      'invalid configuration: FACENITION_ENTRA_EXTENSION_JWKS_FILE / FACENITION_ENTRA_EXTENSION_JWKS_URI: set exactly one',
    );
  const base = {
    tenantId: e.FACENITION_ENTRA_EXTENSION_TENANT_ID!.toLowerCase(),
    appId: e.FACENITION_ENTRA_EXTENSION_APP_ID!,
    apiClientId: e.FACENITION_ENTRA_EXTENSION_API_CLIENT!.toLowerCase(),
  };
  if (uri) return { ...base, jwksUri: uri };
  let jwks: unknown;
  try {
    jwks = JSON.parse(readSetting('FACENITION_ENTRA_EXTENSION_JWKS_FILE', file!));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`invalid configuration: FACENITION_ENTRA_EXTENSION_JWKS_FILE: ${file} is not JSON`);
  }
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || !keys.length || !keys.every((k) => k && typeof k === 'object' && !Array.isArray(k)))
    throw new ConfigError(`invalid configuration: FACENITION_ENTRA_EXTENSION_JWKS_FILE: ${file} is not a JWK set ({"keys": [...]})`);
  return { ...base, jwks: { keys: keys as Record<string, unknown>[] } };
}

/** The Okta token inline hook: the header secret's file and the API client, both or neither. */
function oktaHook(e: Parsed): OktaHookConfig | undefined {
  const file = e.FACENITION_OKTA_HOOK_SECRET_FILE;
  const client = e.FACENITION_OKTA_HOOK_API_CLIENT;
  if (!file && !client) return undefined;
  if (!file || !client)
    throw new ConfigError('invalid configuration: FACENITION_OKTA_HOOK_SECRET_FILE / FACENITION_OKTA_HOOK_API_CLIENT: set both or neither');
  const secret = readSetting('FACENITION_OKTA_HOOK_SECRET_FILE', file).trim();
  // never echo the file's content: it is a secret
  if (secret.length < 24 || secret.length > 1000 || !/^[\x20-\x7e]+$/.test(secret))
    throw new ConfigError(
      `invalid configuration: FACENITION_OKTA_HOOK_SECRET_FILE: the secret in ${file} must be 24..1000 printable ASCII characters`,
    );
  return { secret, apiClientId: client.toLowerCase() };
}

const commaList = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);

/** The deployment key in a PKCS#11 module: module, token label, PIN file and key label together, and no key file. */
function pkcs11(e: Parsed): Pkcs11Config | undefined {
  const names = [
    'FACENITION_PKCS11_MODULE',
    'FACENITION_PKCS11_TOKEN_LABEL',
    'FACENITION_PKCS11_PIN_FILE',
    'FACENITION_PKCS11_KEY_LABEL',
    'FACENITION_PKCS11_PREVIOUS_KEY_LABELS',
  ] as const;
  if (names.every((n) => e[n] === undefined)) return undefined;
  const missing = names.slice(0, 4).filter((n) => e[n] === undefined);
  if (missing.length)
    throw new ConfigError(`invalid configuration: ${missing.join(', ')}: required with the other FACENITION_PKCS11_* settings`);
  const files = (['FACENITION_PEPPER', 'FACENITION_PEPPER_FILE'] as const).filter((n) => e[n] !== undefined);
  if (files.length)
    throw new ConfigError(
      `invalid configuration: ${files.join(', ')}: set no deployment key file with FACENITION_PKCS11_MODULE (the key is in the module)`,
    );
  const keyLabel = e.FACENITION_PKCS11_KEY_LABEL!;
  const previous = commaList(e.FACENITION_PKCS11_PREVIOUS_KEY_LABELS);
  const bad = previous.find((l) => !KEY_LABEL.test(l));
  if (bad !== undefined)
    throw new ConfigError(`invalid configuration: FACENITION_PKCS11_PREVIOUS_KEY_LABELS: ${JSON.stringify(bad)} ${KEY_LABEL_MESSAGE}`);
  if (new Set([keyLabel, ...previous]).size !== previous.length + 1)
    throw new ConfigError('invalid configuration: FACENITION_PKCS11_PREVIOUS_KEY_LABELS: a label is listed twice or is the current key');
  const file = e.FACENITION_PKCS11_PIN_FILE!;
  // never echo the file's content: it is a secret
  const pin = readSetting('FACENITION_PKCS11_PIN_FILE', file).trim();
  if (!pin) throw new ConfigError(`invalid configuration: FACENITION_PKCS11_PIN_FILE: ${file} is empty`);
  return { module: e.FACENITION_PKCS11_MODULE!, tokenLabel: e.FACENITION_PKCS11_TOKEN_LABEL!, pin, keyLabel, previousKeyLabels: previous };
}

/** FACENITION_METRICS_TOKEN, or the file named by FACENITION_METRICS_TOKEN_FILE read once (trimmed). */
function metricsToken(token: string | undefined, file: string | undefined): string | undefined {
  if (token !== undefined && file !== undefined)
    throw new ConfigError('invalid configuration: FACENITION_METRICS_TOKEN_FILE: set it or FACENITION_METRICS_TOKEN, not both');
  if (file === undefined) return token;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`;
    throw new ConfigError(`invalid configuration: FACENITION_METRICS_TOKEN_FILE: ${file} ${why}`);
  }
  const fromFile = text.trim();
  // never echo the file's content: it is a secret
  if (fromFile.length < 24)
    throw new ConfigError(`invalid configuration: FACENITION_METRICS_TOKEN_FILE: the token in ${file} must be at least 24 characters`);
  if (!METRICS_TOKEN_CHARS.test(fromFile))
    throw new ConfigError(`invalid configuration: FACENITION_METRICS_TOKEN_FILE: the token in ${file} ${METRICS_TOKEN_CHARS_MESSAGE}`);
  return fromFile;
}

/** The one place that reads the environment. Fails with a message naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const picked = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('FACENITION_') && v !== ''));
  const unknown = Object.keys(picked).filter((k) => !(k in schema.shape));
  const parsed = schema.safeParse(picked);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (unknown.length) problems.push(...unknown.map((k) => `${k}: unknown setting`));
  if (parsed.success && parsed.data.FACENITION_SHUTDOWN_DELAY_SECONDS >= parsed.data.FACENITION_SHUTDOWN_TIMEOUT_SECONDS) {
    problems.push('FACENITION_SHUTDOWN_DELAY_SECONDS: must be less than FACENITION_SHUTDOWN_TIMEOUT_SECONDS');
  }
  if (parsed.success && !parsed.data.FACENITION_TLS_CERT_FILE !== !parsed.data.FACENITION_TLS_KEY_FILE) {
    problems.push('FACENITION_TLS_CERT_FILE / FACENITION_TLS_KEY_FILE: set both or neither');
  }
  const db = databaseUrl.safeParse(env.DATABASE_URL === '' ? undefined : env.DATABASE_URL);
  if (!db.success) problems.push(`DATABASE_URL: ${db.error.issues[0].message}`);
  if (!parsed.success || problems.length) {
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const root = installRoot();
  const scrapeToken = metricsToken(e.FACENITION_METRICS_TOKEN, e.FACENITION_METRICS_TOKEN_FILE);
  return {
    host: e.FACENITION_HOST,
    port: e.FACENITION_PORT,
    basePath: e.FACENITION_BASE_PATH,
    modelsDir: resolve(e.FACENITION_MODELS_DIR ?? join(root, 'models')),
    dataDir: resolve(e.FACENITION_DATA_DIR ?? join(root, 'data')),
    adminToken: e.FACENITION_ADMIN_TOKEN,
    adminTokenFile: e.FACENITION_ADMIN_TOKEN_FILE,
    workers: e.FACENITION_WORKERS,
    ortThreads: e.FACENITION_ORT_THREADS,
    queueMax: e.FACENITION_QUEUE_MAX,
    maxImageBytes: e.FACENITION_MAX_IMAGE_BYTES,
    maxImagePixels: e.FACENITION_MAX_IMAGE_PIXELS,
    maxImages: e.FACENITION_MAX_IMAGES,
    maxBodyBytes: e.FACENITION_MAX_BODY_BYTES,
    maxUnauthenticatedBodies: e.FACENITION_MAX_UNAUTHENTICATED_BODIES,
    maxInflightBodies: e.FACENITION_MAX_INFLIGHT_BODIES,
    minFaceSize: e.FACENITION_MIN_FACE_SIZE,
    livenessThreshold: e.FACENITION_LIVENESS_THRESHOLD,
    logLevel: e.FACENITION_LOG_LEVEL,
    logFormat: e.FACENITION_LOG_FORMAT,
    databaseUrl: db.success ? db.data : undefined,
    dbPoolSize: e.FACENITION_DB_POOL_SIZE,
    rotationGraceSeconds: e.FACENITION_ROTATION_GRACE_SECONDS,
    accessTokenTtlSeconds: e.FACENITION_ACCESS_TOKEN_TTL_SECONDS,
    auditRetentionDays: e.FACENITION_AUDIT_RETENTION_DAYS,
    authMaxFailures: e.FACENITION_AUTH_MAX_FAILURES,
    authWindowSeconds: e.FACENITION_AUTH_WINDOW_SECONDS,
    pepper: e.FACENITION_PEPPER,
    pepperFile: e.FACENITION_PEPPER_FILE,
    pepperPreviousFiles: commaList(e.FACENITION_PEPPER_PREVIOUS_FILES),
    pkcs11: pkcs11(e),
    kdfLog2N: e.FACENITION_KDF_LOG2N,
    kdfMaxLog2N: Math.max(e.FACENITION_KDF_MAX_LOG2N, e.FACENITION_KDF_LOG2N),
    lockoutThreshold: e.FACENITION_LOCKOUT_THRESHOLD,
    identifyMaxTokens: e.FACENITION_IDENTIFY_MAX_TOKENS,
    identifyRosterFailures: e.FACENITION_IDENTIFY_ROSTER_FAILURES,
    identifyClientFailures: e.FACENITION_IDENTIFY_CLIENT_FAILURES,
    identifyWindowSeconds: e.FACENITION_IDENTIFY_WINDOW_SECONDS,
    lockoutSeconds: e.FACENITION_LOCKOUT_SECONDS,
    livenessGate: e.FACENITION_LIVENESS_GATE === 'on',
    livenessGateThreshold: e.FACENITION_LIVENESS_GATE_THRESHOLD,
    enrolMinComponent: e.FACENITION_ENROL_MIN_COMPONENT,
    licenseFile: e.FACENITION_LICENSE_FILE,
    licenseGraceDays: e.FACENITION_LICENSE_GRACE_DAYS,
    calibrationFile: e.FACENITION_CALIBRATION_FILE,
    oidcIssuer: e.FACENITION_OIDC_ISSUER,
    oidcTrustProxy: e.FACENITION_OIDC_TRUST_PROXY === 'on',
    tls: e.FACENITION_TLS_CERT_FILE ? { certFile: e.FACENITION_TLS_CERT_FILE, keyFile: e.FACENITION_TLS_KEY_FILE! } : undefined,
    signedResultTtlSeconds: e.FACENITION_SIGNED_RESULT_TTL_SECONDS,
    entraExtension: entraExtension(e),
    oktaHook: oktaHook(e),
    metricsPort: e.FACENITION_METRICS_PORT,
    metricsHost: e.FACENITION_METRICS_HOST ?? e.FACENITION_HOST,
    metricsToken: scrapeToken,
    shutdownTimeoutSeconds: e.FACENITION_SHUTDOWN_TIMEOUT_SECONDS,
    shutdownDelaySeconds: e.FACENITION_SHUTDOWN_DELAY_SECONDS,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
