import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A small deployment's worth of state, made through the API of a running server, for the backup,
 * restore and upgrade tests (test/backup.integration-spec.ts) and the upgrade fixture
 * (test/tools/make-upgrade-fixture.ts): clients, identity tokens (one revoked) and audited calls.
 */
export interface ClientRecord {
  client_id: string;
  client_token: string;
  client_secret: string;
  environment: 'sandbox' | 'production';
}

export interface TokenRecord {
  /** the client (index into clients) that enrolled it */
  client: number;
  photo: string;
  password: string;
  scope: string;
  token: string;
  token_id: string;
  revoked: boolean;
}

export interface AuditRecordRef {
  seq: string;
  request_id: string;
  endpoint: string;
  status: number;
  hash: string;
}

export interface Dataset {
  clients: ClientRecord[];
  tokens: TokenRecord[];
  /** the audit log when the data was made: restored, every record must still be there, unchanged */
  audit: AuditRecordRef[];
}

/** The settings the servers of these tests run with (liveness gate off: the LFW photos are photos of photos). */
export const DATASET_ENV = {
  FACENITION_LIVENESS_GATE: 'off',
  FACENITION_KDF_LOG2N: '12',
  FACENITION_WORKERS: '1',
  FACENITION_METRICS_PORT: '0',
};

const FIXTURES = join(__dirname, '../fixtures');

export function photoForm(fields: Record<string, string>, photo: string): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('image', new Blob([readFileSync(join(FIXTURES, `${photo}.jpg`))], { type: 'image/jpeg' }), `${photo}.jpg`);
  return form;
}

export async function call<T = Record<string, unknown>>(
  base: string,
  path: string,
  credential: string | null,
  body?: FormData | object,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = credential ? { 'x-auth-token': credential } : {};
  let payload: FormData | string | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const r = await fetch(`${base}${path}`, { method: body === undefined ? 'GET' : 'POST', headers, body: payload });
  const text = await r.text();
  return { status: r.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as T };
}

function must<T>(what: string, r: { status: number; body: T }): T {
  if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Every audit record, oldest first (the admin export). */
export async function auditRecords(base: string, admin: string): Promise<AuditRecordRef[]> {
  const r = await fetch(`${base}/admin/audit/export?format=jsonl`, { headers: { 'x-auth-token': admin } });
  if (r.status !== 200) throw new Error(`audit export: ${r.status}`);
  return (await r.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditRecordRef)
    .map(({ seq, request_id, endpoint, status, hash }) => ({ seq, request_id, endpoint, status, hash }));
}

/** Makes the data: two clients (one sandbox), four identity tokens, one of them revoked, and audited calls of several outcomes. */
export async function populate(base: string, admin: string): Promise<Dataset> {
  const clients: ClientRecord[] = [];
  for (const [name, environment, plan, tenant] of [
    ['backup-production', 'production', 'enterprise', 'backup-tests'],
    ['backup-sandbox', 'sandbox', 'developer', undefined],
  ] as const) {
    const b = must(
      'generateToken',
      await call<{ client: { client_id: string }; client_token: string; client_secret: string }>(base, '/generateToken', admin, {
        name,
        environment,
        plan,
        ...(tenant ? { tenant } : {}),
      }),
    );
    clients.push({ client_id: b.client.client_id, client_token: b.client_token, client_secret: b.client_secret, environment });
  }
  const tokens: TokenRecord[] = [];
  for (const [client, photo, password, scope] of [
    [0, 'Colin_Powell_0001', 'correct horse battery staple', 'bank.example/login'],
    [0, 'Jennifer_Aniston_0001', '4711', 'bank.example/login'],
    [0, 'George_W_Bush_0001', 'to be revoked', 'bank.example/login'],
    [1, 'Serena_Williams_0001', 'sandbox secret', 'sandbox.example/app'],
  ] as const) {
    const b = must(
      `generate ${photo}`,
      await call<{ token: string; token_id: string }>(
        base,
        '/generate',
        clients[client].client_token,
        photoForm({ password, scope }, photo),
      ),
    );
    tokens.push({ client, photo, password, scope, token: b.token, token_id: b.token_id, revoked: false });
  }
  const revoked = tokens[2];
  must('revoke', await call(base, '/revoke', clients[0].client_token, { token_id: revoked.token_id }));
  revoked.revoked = true;
  // audited calls of several outcomes: a verification, a refused one, a wrong credential, a face call
  const t = tokens[0];
  const fields = { token: t.token, password: t.password, scope: t.scope };
  const ok = must(
    'authenticate',
    await call<{ authenticated: boolean }>(base, '/authenticate', clients[0].client_token, photoForm(fields, t.photo)),
  );
  if (!ok.authenticated) throw new Error('authenticate: the fresh token did not verify');
  must(
    'authenticate (refused)',
    await call(base, '/authenticate', clients[0].client_token, photoForm({ ...fields, password: 'wrong' }, t.photo)),
  );
  const wrong = await call(base, '/me', 'fnc_not-a-client-token');
  if (wrong.status !== 401) throw new Error(`a wrong client token got ${wrong.status}`);
  must('detect', await call(base, '/detect', clients[1].client_token, photoForm({}, 'Hugo_Chavez_0003')));
  must('me', await call(base, '/me', clients[1].client_token));
  return { clients, tokens, audit: await auditRecords(base, admin) };
}
