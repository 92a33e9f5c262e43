import { Inject, Injectable } from '@nestjs/common';
import { ClientsService, type ClientPrincipal } from '@facenition/clients';
import { DATA_SOURCE } from '@facenition/database';
import type { PepperRing } from '@facenition/tokenisation';
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import { PEPPER } from '../tokens/identity-token.service';
import { seal, unseal } from './seal';

export type RpProfile = 'standard' | 'entra_eam';
export type TokenAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

/** Where the subject of an authorization comes from: never from the user, always from the relying party. */
export type SubjectSource =
  /** Entra ID external authentication methods: the tenant's id_token_hint, checked against the tenant's keys. */
  | { kind: 'entra_hint'; issuer: string; audience: string; jwks_uri?: string; jwks?: { keys: object[] }; max_age_seconds: number }
  /** A login_hint JWT the relying party signs with its client secret (HS256). */
  | { kind: 'login_hint_jwt'; max_age_seconds: number }
  /**
   * A plain login_hint naming the user, for IdPs that cannot sign one (Okta, Keycloak, Cognito): it
   * only selects whose enrolment the face is checked against, so it never enrols: enrolment is by a
   * one-time link an administrator issues (POST /admin/oidc/clients/{id}/enrolments/invite).
   */
  | { kind: 'login_hint_name' };

export interface RpSettings {
  /** Accuracy level the face must reach (1..8). */
  accuracy: number;
  /** 'required': the user types a PIN (the identity token's secret); 'none': a per-subject secret derived from the deployment key. */
  pin: 'required' | 'none';
  /** A file-upload fallback on the face page (off by default: an uploaded photo is not a live presentation). */
  allow_upload: boolean;
  /** PKCE required at the token endpoint (default true; off only for IdPs that cannot send it). */
  require_pkce: boolean;
  subject: SubjectSource;
}

export interface RelyingParty {
  client_id: string;
  name: string;
  profile: RpProfile;
  api_client_id: string;
  redirect_uris: string[];
  token_endpoint_auth_method: TokenAuthMethod;
  jwks_uri?: string;
  settings: RpSettings;
  created_at: string;
  disabled_at: string | null;
}

interface Row {
  client_id: string;
  api_client_id: string;
  name: string;
  profile: RpProfile;
  metadata: { redirect_uris: string[]; token_endpoint_auth_method: TokenAuthMethod; jwks_uri?: string };
  sealed_secret: Buffer | null;
  sealing_key_id: string | null;
  settings: RpSettings;
  created_at: Date;
  disabled_at: Date | null;
}

export const ENTRA_REDIRECT_URI = 'https://login.microsoftonline.com/common/federation/externalauthprovider';
const SECRET_PURPOSE = 'oidc client secret';

const view = (r: Row): RelyingParty => ({
  client_id: r.client_id,
  name: r.name,
  profile: r.profile,
  api_client_id: r.api_client_id,
  redirect_uris: r.metadata.redirect_uris,
  token_endpoint_auth_method: r.metadata.token_endpoint_auth_method,
  ...(r.metadata.jwks_uri ? { jwks_uri: r.metadata.jwks_uri } : {}),
  settings: r.settings,
  created_at: r.created_at.toISOString(),
  disabled_at: r.disabled_at?.toISOString() ?? null,
});

/**
 * Relying parties of the OpenID Connect provider. Each has its own API client (tenant
 * `oidc:<client_id>`), under which its users' identity tokens are minted and its calls metered.
 * Client secrets are kept sealed under the deployment key (oidc-provider compares them in clear).
 */
@Injectable()
export class RelyingParties {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(PEPPER) private readonly peppers: PepperRing,
    private readonly apiClients: ClientsService,
  ) {}

  async create(input: {
    name: string;
    profile: RpProfile;
    redirect_uris: string[];
    token_endpoint_auth_method: TokenAuthMethod;
    jwks_uri?: string;
    settings: RpSettings;
  }): Promise<{ rp: RelyingParty; client_secret: string | null }> {
    const clientId = `fo_${randomBytes(12).toString('base64url')}`;
    const needsSecret =
      input.token_endpoint_auth_method === 'client_secret_basic' || input.token_endpoint_auth_method === 'client_secret_post';
    // a login_hint JWT is HS256-signed with the client secret, so that subject source needs one too
    const secret = needsSecret || input.settings.subject.kind === 'login_hint_jwt' ? `fos_${randomBytes(32).toString('base64url')}` : null;
    const sealed = secret ? seal(this.peppers, SECRET_PURPOSE, Buffer.from(secret)) : null;
    const api = await this.apiClients.create({
      name: `OIDC relying party ${input.name}`,
      environment: 'production',
      plan: 'enterprise',
      tenant: `oidc:${clientId}`,
    });
    const metadata = {
      redirect_uris: input.redirect_uris,
      token_endpoint_auth_method: input.token_endpoint_auth_method,
      ...(input.jwks_uri ? { jwks_uri: input.jwks_uri } : {}),
    };
    const rows: Row[] = await this.ds.query(
      `INSERT INTO oidc_clients (client_id, api_client_id, name, profile, metadata, sealed_secret, sealing_key_id, settings, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()) RETURNING *`,
      [
        clientId,
        api.client.client_id,
        input.name,
        input.profile,
        JSON.stringify(metadata),
        sealed?.sealed ?? null,
        sealed?.keyId ?? null,
        JSON.stringify(input.settings),
      ],
    );
    return { rp: view(rows[0]), client_secret: secret };
  }

  private async row(clientId: string): Promise<Row | undefined> {
    if (!/^fo_[A-Za-z0-9_-]{16}$/.test(clientId)) return undefined;
    const rows: Row[] = await this.ds.query(`SELECT * FROM oidc_clients WHERE client_id = $1`, [clientId]);
    return rows[0];
  }

  async get(clientId: string): Promise<RelyingParty> {
    const r = await this.row(clientId);
    if (!r) throw new ApiError(404, 'no such relying party', 'relying_party_not_found');
    return view(r);
  }

  /** The relying party and its secret (opened), for the face page and login_hint checks; undefined when unknown or disabled. */
  async active(clientId: string): Promise<{ rp: RelyingParty; secret: string | null } | undefined> {
    const r = await this.row(clientId);
    if (!r || r.disabled_at) return undefined;
    const secret = r.sealed_secret
      ? unseal(this.peppers, SECRET_PURPOSE, { sealed: r.sealed_secret, keyId: r.sealing_key_id! }).toString()
      : null;
    return { rp: view(r), secret };
  }

  /** The relying party's own API client, as the principal its users' identity tokens are minted, verified and revoked under. */
  async principal(rp: RelyingParty): Promise<ClientPrincipal> {
    const c = await this.apiClients.get(rp.api_client_id);
    return {
      clientId: c.id,
      name: c.name,
      environment: c.environment,
      plan: c.plan,
      tenant: c.tenant,
      via: 'client_token',
      rotatedOut: false,
    };
  }

  private root?: Buffer;

  /** Random server secret for subject pseudonyms (created once, shared by replicas, stable across deployment-key rotations). */
  async subjectRoot(): Promise<Buffer> {
    if (this.root) return this.root;
    await this.ds.query(
      `INSERT INTO server_secrets (name, value, created_at) VALUES ('oidc_subject_key', $1, now()) ON CONFLICT (name) DO NOTHING`,
      [randomBytes(32)],
    );
    const rows: { value: Buffer }[] = await this.ds.query(`SELECT value FROM server_secrets WHERE name = 'oidc_subject_key'`);
    this.root = rows[0].value;
    return this.root;
  }

  /** Deletes a subject's enrolment; returns the id of its identity token (to revoke), or null when there was none. */
  async removeEnrolment(clientId: string, enrolmentKey: Buffer): Promise<Buffer | null> {
    const rows: { token_id: Buffer }[] = await this.ds.query(
      `WITH d AS (DELETE FROM oidc_enrolments WHERE client_id = $1 AND subject_hash = $2 RETURNING token_id) SELECT token_id FROM d`,
      [clientId, enrolmentKey],
    );
    return rows[0]?.token_id ?? null;
  }

  /** A one-time enrolment link's secret for a subject (only its SHA-256 is stored). */
  async invite(clientId: string, enrolmentKey: Buffer, expiresAt: Date): Promise<string> {
    const secret = `fei_${randomBytes(24).toString('base64url')}`;
    await this.ds.query(
      `INSERT INTO oidc_invitations (token_hash, client_id, subject_hash, created_at, expires_at) VALUES ($1, $2, $3, now(), $4)`,
      [createHash('sha256').update(secret).digest(), clientId, enrolmentKey, expiresAt],
    );
    return secret;
  }

  /** The open invitation a link's secret stands for: its relying party and subject key; undefined when unknown, used or expired. */
  async invitation(secret: string): Promise<{ clientId: string; enrolmentKey: Buffer; tokenHash: Buffer } | undefined> {
    if (!/^fei_[A-Za-z0-9_-]{32}$/.test(secret)) return undefined;
    const tokenHash = createHash('sha256').update(secret).digest();
    const rows: { client_id: string; subject_hash: Buffer }[] = await this.ds.query(
      `SELECT client_id, subject_hash FROM oidc_invitations WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()`,
      [tokenHash],
    );
    return rows[0] ? { clientId: rows[0].client_id, enrolmentKey: rows[0].subject_hash, tokenHash } : undefined;
  }

  /** Marks an invitation used; false when another request used it first. */
  async useInvitation(tokenHash: Buffer): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `WITH u AS (UPDATE oidc_invitations SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING 1) SELECT * FROM u`,
      [tokenHash],
    );
    return rows.length === 1;
  }

  async list(): Promise<RelyingParty[]> {
    const rows: Row[] = await this.ds.query(`SELECT * FROM oidc_clients ORDER BY created_at, client_id`);
    return rows.map(view);
  }

  async disable(clientId: string): Promise<RelyingParty> {
    const rows: Row[] = await this.ds.query(
      // a CTE, so that the driver answers rows (TypeORM answers [rows, count] for a bare UPDATE)
      `WITH u AS (UPDATE oidc_clients SET disabled_at = coalesce(disabled_at, now()) WHERE client_id = $1 RETURNING *) SELECT * FROM u`,
      [clientId],
    );
    if (!rows.length) throw new ApiError(404, 'no such relying party', 'relying_party_not_found');
    await this.apiClients.revoke(rows[0].api_client_id);
    return view(rows[0]);
  }

  /** oidc-provider's client metadata for a relying party (undefined when unknown or disabled). */
  async providerMetadata(clientId: string): Promise<Record<string, unknown> | undefined> {
    const a = await this.active(clientId);
    if (!a) return undefined;
    const { rp, secret } = a;
    const eam = rp.profile === 'entra_eam';
    return {
      client_id: rp.client_id,
      ...(secret && rp.token_endpoint_auth_method !== 'none' ? { client_secret: secret } : {}),
      client_name: rp.name,
      redirect_uris: rp.redirect_uris,
      response_types: eam ? ['id_token'] : ['code'],
      grant_types: eam ? ['implicit'] : ['authorization_code'],
      token_endpoint_auth_method: eam ? 'none' : rp.token_endpoint_auth_method,
      ...(rp.jwks_uri ? { jwks_uri: rp.jwks_uri } : {}),
      id_token_signed_response_alg: 'RS256',
      facenition_require_pkce: rp.settings.require_pkce,
    };
  }
}
