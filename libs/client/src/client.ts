import { errorOf, FacenitionError } from './errors';
import { multipart, photoBase64 } from './photos';
import type {
  AccessTokenRequest,
  Answer,
  AuditExportQuery,
  AuditQuery,
  AuthenticateRequest,
  AuthenticateScoreRequest,
  ConsistencyCheckRequest,
  CreateClientRequest,
  CreateRelyingPartyRequest,
  DetectRequest,
  EnrolmentStatusQuery,
  GenerateRequest,
  IdentifyRequest,
  InviteEnrolmentRequest,
  LivenessRequest,
  MatchBulkRequest,
  MatchRequest,
  OwnAuditQuery,
  PurgeAuditRequest,
  QualityRequest,
  RemoveEnrolmentRequest,
  RevokeRequest,
  RotateClientRequest,
  RotateOwnTokenRequest,
  RotateRequest,
  StatusListDocument,
} from './types';

export interface FacenitionClientOptions {
  /** Where the API is served, with any base path: `http://localhost:8080`, `https://faces.internal/api/v1`. */
  baseUrl: string;
  /** A client token (`fnc_…` long-lived or `fna_…` short-lived) for the API calls. */
  token?: string;
  /**
   * Client credentials instead of a token: the client exchanges them at `POST /token` for a
   * short-lived token on its first call and again before that token expires.
   */
  clientId?: string;
  clientSecret?: string;
  /** The deployment's admin credential, for the admin calls (clients, audit, status lists, licence). */
  adminToken?: string;
  /** How many times a call refused with 429 or 503 is retried after the server's Retry-After (default 2). */
  retries?: number;
  /** The longest Retry-After that is waited for (default 30 000 ms); a longer one fails the call at once. */
  maxRetryDelayMs?: number;
  /**
   * How long before its expiry a short-lived token is replaced (default 60 000 ms; at most half of
   * its lifetime, so a short lifetime does not mean an exchange per call).
   */
  refreshBeforeMs?: number;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** The clock that schedules token refresh, in ms since the epoch (default Date.now). */
  now?: () => number;
}

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call, including a wait before a retry. */
  signal?: AbortSignal;
  /** Sent as X-Request-Id: the server keeps it as `client_request_id` in the audit record. */
  requestId?: string;
  /** Retries of this call after a 429 or 503 (default: the client's `retries`). */
  retries?: number;
}

type Access = 'client' | 'admin' | 'public';

interface Call {
  method: 'GET' | 'POST';
  path: string;
  access: Access;
  query?: object;
  json?: object;
  /** multipart request: its fields and which of them are photos */
  form?: { fields: object; photos: readonly string[] };
  text?: boolean;
}

interface AccessToken {
  token: string;
  refreshAt: number;
}

/**
 * A client of the Facenition API. Every method is one endpoint of the contract (openapi.json);
 * requests and answers are typed from it. Error answers are thrown as FacenitionError.
 *
 * Retries: a call refused with 429 (too many failed authentications from this address) or 503
 * (bodies in flight, inference queue full, audit log unavailable) is retried at most `retries`
 * times, each after the Retry-After the server sent, when that is at most `maxRetryDelayMs`. Those
 * refusals happen before the request has any effect — the contract says "nothing was done" — so
 * retrying a POST (an enrolment, a rotation, a revocation) is safe; a 503 `overloaded` of a face call
 * may have counted toward the quota. A 429 without Retry-After (`quota_exceeded`: the month's calls
 * are used up) and every other error are thrown at once, and so are network errors: after those the
 * client cannot know whether the server acted.
 */
export class FacenitionClient {
  private readonly baseUrl: string;
  private token: string | undefined;
  private readonly credentials: { client_id: string; client_secret: string } | undefined;
  private readonly adminToken: string | undefined;
  private readonly retries: number;
  private readonly maxRetryDelayMs: number;
  private readonly refreshBeforeMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private access: AccessToken | undefined;
  private exchange: Promise<AccessToken> | undefined;

  constructor(options: FacenitionClientOptions) {
    if (!/^https?:\/\//i.test(options.baseUrl)) throw new TypeError('baseUrl must be an http(s) URL');
    if ((options.clientId === undefined) !== (options.clientSecret === undefined)) {
      throw new TypeError('clientId and clientSecret go together');
    }
    if (options.token !== undefined && options.clientId !== undefined) {
      throw new TypeError('pass either token or clientId and clientSecret, not both');
    }
    const retries = options.retries ?? 2;
    if (!Number.isInteger(retries) || retries < 0) throw new TypeError('retries must be a whole number >= 0');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.credentials = options.clientId !== undefined ? { client_id: options.clientId, client_secret: options.clientSecret! } : undefined;
    this.adminToken = options.adminToken;
    this.retries = retries;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
    this.refreshBeforeMs = options.refreshBeforeMs ?? 60_000;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
  }

  // ---------- face analysis ----------

  /** Every face in a photo, with box, score and landmarks (`face_count` 0 is a normal answer). */
  detect(req: DetectRequest, opts?: CallOptions): Promise<Answer<'detect'>> {
    return this.photoCall('/detect', req, ['image'], opts);
  }

  /** Quality 0..100 of the largest central face, with explained components. */
  quality(req: QualityRequest, opts?: CallOptions): Promise<Answer<'quality'>> {
    return this.photoCall('/quality', req, ['image'], opts);
  }

  /** Passive liveness score of the largest central face. */
  liveness(req: LivenessRequest, opts?: CallOptions): Promise<Answer<'liveness'>> {
    return this.photoCall('/liveness', req, ['image'], opts);
  }

  /** Are `image1` and `image2` the same person? */
  match(req: MatchRequest, opts?: CallOptions): Promise<Answer<'match'>> {
    return this.photoCall('/match', req, ['image1', 'image2'], opts);
  }

  /** One probe against several references. */
  matchBulk(req: MatchBulkRequest, opts?: CallOptions): Promise<Answer<'matchBulk'>> {
    return this.photoCall('/match-bulk', req, ['probe', 'references'], opts);
  }

  /** Are these photos all one person? */
  consistencyCheck(req: ConsistencyCheckRequest, opts?: CallOptions): Promise<Answer<'consistencyCheck'>> {
    return this.photoCall('/consistency-check', req, ['images'], opts);
  }

  // ---------- identity tokens ----------

  /** Enrolment: photo(s) + the user's secret + a scope -> an identity token to store (the photo is not kept). */
  generate(req: GenerateRequest, opts?: CallOptions): Promise<Answer<'generate'>> {
    return this.photoCall('/generate', req, ['photo'], opts);
  }

  /** Verification of a fresh photo + secret + scope against a stored identity token. */
  authenticate(req: AuthenticateRequest, opts?: CallOptions): Promise<Answer<'authenticate'>> {
    return this.photoCall('/authenticate', req, ['photo'], opts);
  }

  /** Like authenticate, with the score (only when authenticated) and the threshold. */
  authenticateScore(req: AuthenticateScoreRequest, opts?: CallOptions): Promise<Answer<'authenticateScore'>> {
    return this.photoCall('/authenticate-score', req, ['photo'], opts);
  }

  /** 1:N: one photo against the tokens of a roster (sent as JSON, the photo base64: a roster is too large for a form). */
  async identify(req: IdentifyRequest, opts?: CallOptions): Promise<Answer<'identify'>> {
    const json = { ...req, photo: await photoBase64(req.photo, 'photo') };
    return this.request({ method: 'POST', path: '/identify', access: 'client', json }, opts);
  }

  /** A fresh photo that opens the old token -> a new, unrelated token; the old one is revoked. */
  rotate(req: RotateRequest, opts?: CallOptions): Promise<Answer<'rotateIdentityToken'>> {
    return this.photoCall('/rotate', req, ['photo'], opts);
  }

  /** Revokes an identity token, by `token` or `token_id`. */
  revoke(req: RevokeRequest, opts?: CallOptions): Promise<Answer<'revokeIdentityToken'>> {
    return this.request({ method: 'POST', path: '/revoke', access: 'client', json: req }, opts);
  }

  // ---------- client tokens ----------

  /** OAuth2 client credentials: client_id + client_secret -> a short-lived client token (public endpoint). */
  issueAccessToken(req: AccessTokenRequest, opts?: CallOptions): Promise<Answer<'issueAccessToken'>> {
    return this.request({ method: 'POST', path: '/token', access: 'public', json: req }, opts);
  }

  /** The calling client: its settings and this month's quota use. */
  me(opts?: CallOptions): Promise<Answer<'me'>> {
    return this.request({ method: 'GET', path: '/me', access: 'client' }, opts);
  }

  /**
   * Rotates the calling client's long-lived token (the client must have been given it as `token`).
   * This client uses the new token from then on; store `client_token` from the answer.
   */
  async rotateOwnToken(req: RotateOwnTokenRequest = {}, opts?: CallOptions): Promise<Answer<'rotateOwnClientToken'>> {
    const answer = await this.request<Answer<'rotateOwnClientToken'>>(
      { method: 'POST', path: '/me/rotate', access: 'client', json: req },
      opts,
    );
    if (this.token !== undefined) this.token = answer.client_token;
    return answer;
  }

  /** The calling client's own audit records. */
  ownAudit(query: OwnAuditQuery = {}, opts?: CallOptions): Promise<Answer<'ownAudit'>> {
    return this.request({ method: 'GET', path: '/audit', access: 'client', query }, opts);
  }

  /** Whether a subject is enrolled on the hosted face page of this client's relying party (clients of tenant oidc:<client_id>). */
  enrolmentStatus(query: EnrolmentStatusQuery, opts?: CallOptions): Promise<Answer<'enrolmentStatus'>> {
    return this.request({ method: 'GET', path: '/integrations/enrolment-status', access: 'client', query }, opts);
  }

  // ---------- admin ----------

  /** Creates an API client; the answer holds its client token and secret (shown once). */
  createClient(req: CreateClientRequest, opts?: CallOptions): Promise<Answer<'createClient'>> {
    return this.request({ method: 'POST', path: '/generateToken', access: 'admin', json: req }, opts);
  }

  listClients(opts?: CallOptions): Promise<Answer<'listClients'>> {
    return this.request({ method: 'GET', path: '/admin/clients', access: 'admin' }, opts);
  }

  /** Revokes a client: its token, secret and short-lived tokens stop working at once. */
  revokeClient(clientId: string, opts?: CallOptions): Promise<Answer<'revokeClient'>> {
    return this.request({ method: 'POST', path: `/admin/clients/${encodeURIComponent(clientId)}/revoke`, access: 'admin', json: {} }, opts);
  }

  /** Rotates a client's long-lived token; the previous one keeps working for `grace_seconds`. */
  rotateClient(clientId: string, req: RotateClientRequest = {}, opts?: CallOptions): Promise<Answer<'rotateClient'>> {
    return this.request(
      { method: 'POST', path: `/admin/clients/${encodeURIComponent(clientId)}/rotate`, access: 'admin', json: req },
      opts,
    );
  }

  queryAudit(query: AuditQuery = {}, opts?: CallOptions): Promise<Answer<'queryAudit'>> {
    return this.request({ method: 'GET', path: '/admin/audit', access: 'admin', query }, opts);
  }

  /** Every matching audit record as JSON Lines (`format: 'jsonl'`, the default) or CSV. */
  exportAudit(query: AuditExportQuery = {}, opts?: CallOptions): Promise<string> {
    return this.request({ method: 'GET', path: '/admin/audit/export', access: 'admin', query, text: true }, opts);
  }

  /** Verifies the audit hash chain. */
  verifyAudit(opts?: CallOptions): Promise<Answer<'verifyAudit'>> {
    return this.request({ method: 'GET', path: '/admin/audit/verify', access: 'admin' }, opts);
  }

  /** Retention: deletes audit records older than `before`. */
  purgeAudit(req: PurgeAuditRequest, opts?: CallOptions): Promise<Answer<'purgeAudit'>> {
    return this.request({ method: 'POST', path: '/admin/audit/purge', access: 'admin', json: req }, opts);
  }

  /** This deployment's signed revocation status list. */
  exportStatusList(opts?: CallOptions): Promise<Answer<'exportStatusList'>> {
    return this.request({ method: 'GET', path: '/admin/status-list', access: 'admin' }, opts);
  }

  /** Imports another deployment's signed status list (the document, or `{ status_list: document }`). */
  importStatusList(document: StatusListDocument, opts?: CallOptions): Promise<Answer<'importStatusList'>> {
    return this.request({ method: 'POST', path: '/admin/status-list/import', access: 'admin', json: document }, opts);
  }

  listStatusListSources(opts?: CallOptions): Promise<Answer<'listStatusListSources'>> {
    return this.request({ method: 'GET', path: '/admin/status-list/sources', access: 'admin' }, opts);
  }

  /** Lets an issuer's next status list in whatever its date. */
  resetStatusListSource(issuer: string, opts?: CallOptions): Promise<Answer<'resetStatusListSource'>> {
    return this.request(
      { method: 'POST', path: `/admin/status-list/sources/${encodeURIComponent(issuer)}/reset`, access: 'admin', json: {} },
      opts,
    );
  }

  /** Registers a relying party of the OpenID Connect provider; the answer holds its client secret (shown once). */
  createRelyingParty(req: CreateRelyingPartyRequest, opts?: CallOptions): Promise<Answer<'createRelyingParty'>> {
    return this.request({ method: 'POST', path: '/admin/oidc/clients', access: 'admin', json: req }, opts);
  }

  listRelyingParties(opts?: CallOptions): Promise<Answer<'listRelyingParties'>> {
    return this.request({ method: 'GET', path: '/admin/oidc/clients', access: 'admin' }, opts);
  }

  /** Disables a relying party: its authorizations and its API client stop at once. */
  disableRelyingParty(clientId: string, opts?: CallOptions): Promise<Answer<'disableRelyingParty'>> {
    return this.request(
      { method: 'POST', path: `/admin/oidc/clients/${encodeURIComponent(clientId)}/disable`, access: 'admin', json: {} },
      opts,
    );
  }

  /** Removes a user's face enrolment at a relying party (its identity token is revoked; the next sign-in enrols again). */
  removeEnrolment(clientId: string, req: RemoveEnrolmentRequest = {}, opts?: CallOptions): Promise<Answer<'removeEnrolment'>> {
    return this.request(
      { method: 'POST', path: `/admin/oidc/clients/${encodeURIComponent(clientId)}/enrolments/remove`, access: 'admin', json: req },
      opts,
    );
  }

  /** A one-time enrolment link for a user of a standard relying party (send it to the user through a channel you trust). */
  inviteEnrolment(clientId: string, req: InviteEnrolmentRequest, opts?: CallOptions): Promise<Answer<'inviteEnrolment'>> {
    return this.request(
      { method: 'POST', path: `/admin/oidc/clients/${encodeURIComponent(clientId)}/enrolments/invite`, access: 'admin', json: { ...req } },
      opts,
    );
  }

  /** Licence state and this month's usage. */
  license(opts?: CallOptions): Promise<Answer<'license'>> {
    return this.request({ method: 'GET', path: '/license', access: 'admin' }, opts);
  }

  // ---------- health ----------

  live(opts?: CallOptions): Promise<Answer<'live'>> {
    return this.request({ method: 'GET', path: '/health/live', access: 'public' }, opts);
  }

  /** Readiness: throws FacenitionError 503 `not_ready` until the models and the database are ready. */
  ready(opts?: CallOptions): Promise<Answer<'ready'>> {
    return this.request({ method: 'GET', path: '/health/ready', access: 'public' }, { retries: 0, ...opts });
  }

  // ---------- transport ----------

  private photoCall<T>(path: string, req: object, photos: readonly string[], opts: CallOptions | undefined): Promise<T> {
    return this.request({ method: 'POST', path, access: 'client', form: { fields: req, photos } }, opts);
  }

  /** One call: the answer's JSON as the contract types it (not validated at run time), or its text. */
  private async request<T>(call: Call, opts: CallOptions = {}): Promise<T> {
    const url = this.url(call);
    // built once: a FormData of Blobs (a file is read once) and a string are sent again unchanged on a retry
    const body = call.form
      ? await multipart(call.form.fields as Record<string, unknown>, call.form.photos)
      : call.json !== undefined
        ? JSON.stringify(call.json)
        : undefined;
    const retries = opts.retries ?? this.retries;
    let retried = 0;
    let reauthenticated = false;
    for (;;) {
      const headers: Record<string, string> = { accept: call.text ? '*/*' : 'application/json' };
      if (typeof body === 'string') headers['content-type'] = 'application/json';
      if (opts.requestId !== undefined) headers['x-request-id'] = opts.requestId;
      if (call.access === 'admin') headers['x-auth-token'] = this.admin(call.path);
      const access = call.access === 'client' ? await this.clientToken() : undefined;
      if (access !== undefined) headers['x-auth-token'] = access;
      const res = await this.fetchImpl(url, { method: call.method, headers, body, signal: opts.signal });
      if (res.ok) return (call.text ? await res.text() : await this.json(res)) as T;
      const err = await errorOf(res);
      // a short-lived token refused as expired (clock skew, a suspended process): one new exchange
      if (err.status === 401 && err.code === 'token_expired' && this.credentials && access !== undefined && !reauthenticated) {
        reauthenticated = true;
        if (this.access?.token === access) this.access = undefined;
        continue;
      }
      if (
        (err.status === 429 || err.status === 503) &&
        retried < retries &&
        err.retryAfter !== undefined &&
        err.retryAfter * 1000 <= this.maxRetryDelayMs
      ) {
        retried++;
        await sleep(err.retryAfter * 1000, opts.signal);
        continue;
      }
      throw err;
    }
  }

  private url(call: Call): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(call.query ?? {})) {
      if (v !== undefined && v !== null) params.append(k, String(v as string | number));
    }
    const qs = params.toString();
    return `${this.baseUrl}${call.path}${qs ? `?${qs}` : ''}`;
  }

  private async json(res: Response): Promise<unknown> {
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new FacenitionError(
        'the answer is not JSON',
        res.status,
        'unexpected_response',
        res.headers.get('x-request-id') ?? undefined,
        undefined,
      );
    }
  }

  private admin(path: string): string {
    if (this.adminToken === undefined) throw new TypeError(`${path} needs the admin credential: pass adminToken`);
    return this.adminToken;
  }

  /** The client token for a call: the one given, or a short-lived one exchanged (again) when due. */
  private async clientToken(): Promise<string> {
    if (this.token !== undefined) return this.token;
    if (!this.credentials) throw new TypeError('this call needs a client credential: pass token, or clientId and clientSecret');
    if (this.access && this.now() < this.access.refreshAt) return this.access.token;
    // concurrent calls share one exchange (not cancelled by one caller's signal)
    this.exchange ??= this.exchangeCredentials(this.credentials).finally(() => {
      this.exchange = undefined;
    });
    this.access = await this.exchange;
    return this.access.token;
  }

  private async exchangeCredentials(credentials: { client_id: string; client_secret: string }): Promise<AccessToken> {
    const issuedAt = this.now();
    const answer = await this.issueAccessToken({ grant_type: 'client_credentials', ...credentials });
    const lifetime = answer.expires_in * 1000;
    return { token: answer.client_token, refreshAt: issuedAt + lifetime - Math.min(this.refreshBeforeMs, lifetime / 2) };
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const done = () => {
      signal?.removeEventListener('abort', abort);
      resolve();
    };
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}
