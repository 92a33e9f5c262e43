/**
 * The Facenition API contract as TypeScript types: generated from openapi.json by openapi-typescript
 * (`npm run generate` in libs/client). Do not edit; a test fails when it drifts from openapi.json.
 */

export interface paths {
  '/detect': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Find every face in a photo
     * @description All faces with box, detector score and five landmarks, best candidate first. Large photos are also searched in tiles for faces down to FACENITION_MIN_FACE_SIZE (default 40) pixels wide. Zero faces is a normal answer (face_count 0).
     */
    post: operations['detect'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/quality': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Face image quality (0-100) with explained components
     * @description Quality of the largest central face, in the spirit of ISO/IEC 29794-5: a unified 0-100 score (weighted geometric mean) and five components, each 0-100 with the value it was computed from and `acceptable` (score >= 50): face_size (inter-eye distance), sharpness (variance of the Laplacian), exposure, head_pose (yaw, pitch, roll) and eyes_open. 400 when no face is found.
     */
    post: operations['quality'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/liveness': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Passive anti-spoofing on one photo
     * @description Live score 0..1 of the largest central face; live = score >= FACENITION_LIVENESS_THRESHOLD (chosen on the NUAA benchmark, docs/benchmarks.md). Tested against printed-photo attacks only.
     */
    post: operations['liveness'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/match': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Are two photos the same person?
     * @description Cosine similarity of the largest central faces of image1 and image2. 400 if either has no face.
     */
    post: operations['match'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/match-bulk': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * One probe against many references
     * @description Similarity and match flag per reference, and the best match. A reference without a face gets face_found=false (the others are still compared); a probe without a face is a 400.
     */
    post: operations['matchBulk'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/consistency-check': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Are these photos all one person?
     * @description Pairwise similarity matrix; consistent when every pair matches at the accuracy level. outliers lists images that match fewer than half of the others. Every image must hold a face.
     */
    post: operations['consistencyCheck'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/generate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Enrol: photo(s) + password + scope -> identity token (no biometric is stored)
     * @description Refuses photos with no face, several faces, a quality component below FACENITION_ENROL_MIN_COMPONENT (naming it), photos of different people and (gate on) a liveness score below FACENITION_LIVENESS_GATE_THRESHOLD. The token is bound to the environment and the tenant of the calling client.
     */
    post: operations['generate'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/authenticate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Verify a fresh photo + password + scope against an identity token
     * @description Answers authenticated true/false; when false, a reason. 5 consecutive failures lock the token for a doubling period; a photo refused by the liveness gate counts as a failure (reason not_live, audited as presentation_attack_suspected). release_key (optional label) returns on success released_key, a stable token- and label-bound 32-byte secret (base64url). A token is usable only by clients of the tenant that issued it (others get 404); an altered copy is refused with 400 invalid_token. signed_result=true (with a nonce, e.g. an identity provider's challenge) adds signed_result: a compact JWS (RS256, typ facenition-result+jwt) signed with the OpenID Connect provider's current key (published at <issuer>/jwks) holding iss, aud (the calling client's id), sub (the token reference, as token_ref in the audit log), outcome, reason, acr, amr, nonce, iat, exp (at most 120 s later) and jti; 400 oidc_disabled when the provider is off. subject (the identity provider's user id, with signed_result) records a successful verification for 300 s, as an HMAC of the subject, for the token hooks under /integrations.
     */
    post: operations['authenticate'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/authenticate-score': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Like /authenticate, with the similarity score (only when authenticated) and the threshold
     * @description A failed attempt gets score null: it never learns how close it came.
     */
    post: operations['authenticateScore'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/identify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * 1:N: one photo against a roster's identity tokens -> the member(s) it opens, or nobody
     * @description The photo is analysed once and checked against every token of one roster (tokens enrolled with /generate roster=…; all must share the roster id), with the roster's secret and scope: one key derivation for the whole roster. Answers identified and matches (token_id and score, best first) above the threshold of the level for this roster size: a search compares the probe with every member, so its false-positive rate is about N × the per-comparison false-match rate, and the threshold is raised until (level target) / N per comparison holds (capped at level 8: then expected_fpir is above the target). Tokens that are revoked, expired, of another tenant or environment, altered or not issued here take no part (excluded counts them by reason). Failed identifications are counted per roster and per client: past FACENITION_IDENTIFY_ROSTER_FAILURES (per roster) or FACENITION_IDENTIFY_CLIENT_FAILURES (per client) within FACENITION_IDENTIFY_WINDOW_SECONDS the answer is 429 rate_limited until the window ends. JSON: tokens is an array (up to FACENITION_IDENTIFY_MAX_TOKENS); multipart: tokens separated by white space or commas in one field (up to 64 KiB, about 80 tokens).
     */
    post: operations['identify'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/revoke': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Revoke an identity token of the calling client's tenant, by token or token_id */
    post: operations['revokeIdentityToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/rotate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Rotate: fresh photo(s) that open the old token -> a new, unrelated token; the old one is revoked atomically
     * @description The first photo must open the old token at its own level; all pass the enrolment checks and are averaged into the new token (current deployment key, optional new_password, accuracy = the new token's level, default the old one; expiry: none unless given). Answers rotated false with the same reasons as /authenticate (counts toward the lockout).
     */
    post: operations['rotateIdentityToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/status-list': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * This deployment's revocation status list (admin), signed under the deployment key
     * @description Import it on every other deployment that verifies these tokens; format in docs/token-format.md §10.
     */
    get: operations['exportStatusList'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/status-list/import': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Import another deployment's signed status list (admin); its tokens are then refused here with reason revoked
     * @description Body: the status list document, or { "status_list": document }. Signed under a deployment key held here, dated at most 5 minutes ahead of this clock, newer than the last list from the same issuer (unless an admin reset it); it replaces that issuer's list.
     */
    post: operations['importStatusList'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/status-list/sources': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Status lists imported from other deployments (admin) */
    get: operations['listStatusListSources'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/status-list/sources/{issuer}/reset': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Reset an issuer's anti-rollback mark (admin): its next status list is accepted whatever its date
     * @description Its revocations stay in force until its next list replaces them; reset_at records the reset (audited).
     */
    post: operations['resetStatusListSource'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/generateToken': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Create an API client (admin). Returns its long-lived client token and client secret exactly once */
    post: operations['createClient'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/token': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * OAuth2 client credentials: client_id + client_secret -> short-lived client token
     * @description Body (JSON or form): client_id, client_secret, optional grant_type=client_credentials; or HTTP Basic authentication.
     */
    post: operations['issueAccessToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/clients': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List API clients (admin) */
    get: operations['listClients'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/clients/{id}/revoke': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Revoke a client: its client token, secret and access tokens stop working at once (admin) */
    post: operations['revokeClient'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/clients/{id}/rotate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Rotate a client's long-lived token (admin); the previous one keeps working for grace_seconds */
    post: operations['rotateClient'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The calling client: its settings and this month’s quota use */
    get: operations['me'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/me/rotate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Rotate the calling client’s own long-lived token
     * @description Only the current long-lived client token (fnc_) may call this: an access token or a rotated-out token gets 403.
     */
    post: operations['rotateOwnClientToken'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Query audit records (admin) */
    get: operations['queryAudit'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The calling client’s own audit records (same filters; client_id is always the caller) */
    get: operations['ownAudit'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/audit/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Export audit records as JSON Lines (format=jsonl) or CSV (format=csv), streamed (admin) */
    get: operations['exportAudit'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/audit/verify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Verify the hash chain from the retention anchor to the head; reports the first broken link (admin) */
    get: operations['verifyAudit'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/audit/purge': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Retention: delete records older than `before`; the chain stays verifiable from the new anchor (admin) */
    post: operations['purgeAudit'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/oidc/clients': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Relying parties of the OpenID Connect provider (admin) */
    get: operations['listRelyingParties'];
    put?: never;
    /**
     * Register a relying party of the OpenID Connect provider (admin); its client secret is shown once
     * @description profile standard: authorization code with PKCE; the subject comes from a login_hint JWT the relying party signs with its client secret (HS256: iss = client_id, aud = the issuer, sub, iat). profile entra_eam: Microsoft Entra ID external authentication method; the subject comes from the tenant-signed id_token_hint (entra.tenant_id, entra.app_id, entra.jwks_uri or entra.jwks for air-gapped sites). The face must reach `accuracy`; `pin` required asks the user for a PIN (the identity token secret).
     */
    post: operations['createRelyingParty'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/oidc/clients/{client_id}/disable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Disable a relying party (admin): its authorizations and its API client stop at once */
    post: operations['disableRelyingParty'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/oidc/clients/{client_id}/enrolments/remove': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Remove a user's face enrolment at a relying party (admin): its identity token is revoked; the next sign-in enrols again
     * @description subject: the login_hint sub (standard), or entra_tenant_id + entra_object_id (entra_eam).
     */
    post: operations['removeEnrolment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/admin/oidc/clients/{client_id}/enrolments/invite': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * A one-time enrolment link for a user of a standard relying party (admin): the user opens it to enrol their face
     * @description subject: the user id the relying party names the user by (the login_hint, or the sub of a login_hint JWT). Send the link to the user through a channel you trust; it works once, until expires_at. Needed for relying parties with subject_source login_hint_name, whose sign-ins never enrol.
     */
    post: operations['inviteEnrolment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/integrations/entra/token-issuance-start': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Microsoft Entra ID custom claims provider (tokenIssuanceStart): face-verification claims from a recent verification
     * @description Called by Entra ID, not by API clients. Authorization: Bearer <token the tenant issued to the custom authentication extension>, checked here: RS256 signature against FACENITION_ENTRA_EXTENSION_JWKS_FILE or _URI, iss the tenant (v2.0 or sts.windows.net v1 form), aud FACENITION_ENTRA_EXTENSION_APP_ID, azp/appid 99045fe1-7639-4a75-9d4a-577b6ca3810f, exp and nbf. Answers Entra's provideClaimsForToken action with face_verified "true" (and face_verified_at, face_acr) when the user (data.authenticationContext.user.id) passed /authenticate with signed_result and that subject in the last 300 s, for a client of the tenant of FACENITION_ENTRA_EXTENSION_API_CLIENT; "false" otherwise. 404 integration_disabled when not configured.
     */
    post: operations['entraTokenIssuanceStart'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/integrations/okta/token-hook': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Okta token inline hook: face-verification claims from a recent verification (fails open: never the enforcement point)
     * @description Called by Okta, not by API clients. Authorization: the secret of FACENITION_OKTA_HOOK_SECRET_FILE (compared in constant time). Adds face_verified (and face_verified_at, face_acr) to the ID token (com.okta.identity.patch) and the access token (com.okta.access.patch) Okta is minting, from a verification of data.context.user.id in the last 300 s by a client of the tenant of FACENITION_OKTA_HOOK_API_CLIENT. Okta issues the token anyway when this hook fails or times out: the claims are information, the Okta IdP authenticator is the enforcement point. 404 integration_disabled when not configured.
     */
    post: operations['oktaTokenHook'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/integrations/enrolment-status': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Is a subject enrolled on the hosted face page of the calling client's relying party? (e.g. a OneLogin Smart Hook)
     * @description For clients of a relying party's tenant (oidc:<relying party client_id>, created with /generateToken); others get 403. subject: the login_hint sub the relying party names the user with. Answers whether the hosted face page holds an enrolment for it.
     */
    get: operations['enrolmentStatus'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/license': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Licence state (admin): edition, status, limits, dates, warnings, this month’s usage, replicas */
    get: operations['license'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/live': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness probe: the process serves HTTP */
    get: operations['live'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/health/ready': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Readiness probe: models loaded in every worker and the database answering (503 not_ready otherwise) */
    get: operations['ready'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    Face: {
      box: components['schemas']['Box'];
      /** @description detector confidence 0..1 */
      score: number;
      landmarks: {
        left_eye: number[];
        right_eye: number[];
        nose: number[];
        mouth_left: number[];
        mouth_right: number[];
      };
    };
    Box: {
      x: number;
      y: number;
      width: number;
      height: number;
    };
    Error: {
      /** @enum {boolean} */
      ok: false;
      /** @description what is wrong; names the field */
      error: string;
      code: string;
    };
    /**
     * @description which calibration set the threshold: builtin (the thresholds calibrated on LFW), or the first 16 hex characters of the SHA-256 of the FACENITION_CALIBRATION_FILE that calibrated this level on the deployment’s own photos
     * @example builtin
     */
    Calibration: string;
    /**
     * @description why authenticated is false: no_match (never which of face, password or scope was wrong), not_live (the photo failed the liveness gate: a suspected presentation attack), expired, revoked, locked (too many failures), wrong_environment
     * @enum {string}
     */
    FailureReason: 'no_match' | 'not_live' | 'expired' | 'revoked' | 'locked' | 'wrong_environment';
    /** @description a signed status list (docs/token-format.md §10); import accepts it bare or as { "status_list": <document> } */
    StatusList: {
      /** @enum {string} */
      format: 'facenition-status-list/1';
      /** @enum {string} */
      alg: 'Ed25519';
      key_id: string;
      public_key?: string;
      payload: string;
      signature: string;
    };
    StatusListSource: {
      issuer: string;
      key_id: string;
      /** Format: date-time */
      issued_at: string;
      /** Format: date-time */
      imported_at: string;
      entries: number;
      /** Format: date-time */
      reset_at: string | null;
      reset_pending: boolean;
    };
    Client: {
      /** Format: uuid */
      client_id: string;
      name: string;
      /** @enum {string} */
      environment: 'sandbox' | 'production';
      /** @enum {string} */
      plan: 'developer' | 'enterprise';
      tenant: string;
      /** Format: date-time */
      created_at: string;
      /** Format: date-time */
      expires_at: string | null;
      /** Format: date-time */
      revoked_at: string | null;
      /** Format: date-time */
      rotated_at: string | null;
      /** @enum {string} */
      status: 'active' | 'revoked' | 'expired';
    };
    Quota: {
      month: string;
      used: number;
      limit: number | null;
      remaining: number | null;
    };
    AuditRecord: {
      /** @description sequence number (decimal string: 64-bit) */
      seq: string;
      /** Format: date-time */
      ts: string;
      request_id: string;
      /** Format: uuid */
      client_id: string | null;
      endpoint: string;
      status: number;
      error_code: string | null;
      decision: string | null;
      score: number | null;
      threshold: number | null;
      accuracy: number | null;
      token_ref: string | null;
      latency_ms: number;
      source_ip: string | null;
      client_request_id: string | null;
      /** @description pseudonym of the end user of an OIDC interaction */
      subject_ref: string | null;
      hash: string;
    };
    RelyingParty: {
      client_id: string;
      name: string;
      /** @enum {string} */
      profile: 'standard' | 'entra_eam';
      /** Format: uuid */
      api_client_id: string;
      redirect_uris: string[];
      /** @enum {string} */
      token_endpoint_auth_method: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
      jwks_uri?: string;
      settings: {
        accuracy: number;
        /** @enum {string} */
        pin: 'required' | 'none';
        allow_upload: boolean;
        require_pkce: boolean;
        subject: {
          [key: string]: unknown;
        };
      };
      /** Format: date-time */
      created_at: string;
      /** Format: date-time */
      disabled_at: string | null;
    };
    /** @description Entra ID's tokenIssuanceStart callout (other members are ignored) */
    EntraTokenIssuanceStartEvent: {
      /** @enum {string} */
      type: 'microsoft.graph.authenticationEvent.tokenIssuanceStart';
      source?: string;
      data: {
        /** @enum {string} */
        '@odata.type': 'microsoft.graph.onTokenIssuanceStartCalloutData';
        tenantId: string;
        authenticationEventListenerId?: string;
        customAuthenticationExtensionId?: string;
        authenticationContext: {
          correlationId?: string;
          user: {
            id: string;
          } & {
            [key: string]: unknown;
          };
        } & {
          [key: string]: unknown;
        };
      } & {
        [key: string]: unknown;
      };
    } & {
      [key: string]: unknown;
    };
    /** @description Okta's token inline hook request (other members are ignored) */
    OktaTokenHookEvent: {
      /** @enum {string} */
      eventType: 'com.okta.oauth2.tokens.transform';
      eventId?: string;
      source?: string;
      data: {
        context: {
          user: {
            id: string;
          } & {
            [key: string]: unknown;
          };
        } & {
          [key: string]: unknown;
        };
        identity?: {
          [key: string]: unknown;
        };
        access?: {
          [key: string]: unknown;
        };
      } & {
        [key: string]: unknown;
      };
    } & {
      [key: string]: unknown;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  detect: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /**
           * Format: binary
           * @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON
           */
          image: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/json': {
          /**
           * Format: byte
           * @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON
           */
          image: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Find every face in a photo */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            image: {
              width: number;
              height: number;
            };
            face_count: number;
            faces: components['schemas']['Face'][];
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed); an image is missing, not decodable, too small or too large, or shows no face (the message names the field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'empty_image'
              | 'invalid_base64'
              | 'not_an_image'
              | 'corrupt_image'
              | 'unsupported_format'
              | 'animated_image'
              | 'image_too_small'
              | 'image_too_many_pixels'
              | 'too_many_images'
              | 'no_face';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description request body larger than the configured limit; an image larger than FACENITION_MAX_IMAGE_BYTES */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large' | 'file_too_large' | 'image_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After); the client's plan or the licence's monthly calls are used up */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited' | 'quota_exceeded';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  quality: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /**
           * Format: binary
           * @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON
           */
          image: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/json': {
          /**
           * Format: byte
           * @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON
           */
          image: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Face image quality (0-100) with explained components */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            face_count: number;
            /**
             * @description with several faces in a photo, the largest face nearest the centre is used
             * @enum {string}
             */
            face_selection: 'largest_central';
            face: components['schemas']['Face'];
            quality: {
              score: number;
              components: {
                [key: string]: {
                  score: number;
                  value: {
                    [key: string]: unknown;
                  };
                  acceptable: boolean;
                };
              };
            };
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed); an image is missing, not decodable, too small or too large, or shows no face (the message names the field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'empty_image'
              | 'invalid_base64'
              | 'not_an_image'
              | 'corrupt_image'
              | 'unsupported_format'
              | 'animated_image'
              | 'image_too_small'
              | 'image_too_many_pixels'
              | 'too_many_images'
              | 'no_face';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description request body larger than the configured limit; an image larger than FACENITION_MAX_IMAGE_BYTES */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large' | 'file_too_large' | 'image_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After); the client's plan or the licence's monthly calls are used up */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited' | 'quota_exceeded';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  liveness: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /**
           * Format: binary
           * @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON
           */
          image: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/json': {
          /**
           * Format: byte
           * @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON
           */
          image: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Passive anti-spoofing on one photo */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            face_count: number;
            /**
             * @description with several faces in a photo, the largest face nearest the centre is used
             * @enum {string}
             */
            face_selection: 'largest_central';
            face: components['schemas']['Face'];
            live: boolean;
            score: number;
            threshold: number;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed); an image is missing, not decodable, too small or too large, or shows no face (the message names the field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'empty_image'
              | 'invalid_base64'
              | 'not_an_image'
              | 'corrupt_image'
              | 'unsupported_format'
              | 'animated_image'
              | 'image_too_small'
              | 'image_too_many_pixels'
              | 'too_many_images'
              | 'no_face';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description request body larger than the configured limit; an image larger than FACENITION_MAX_IMAGE_BYTES */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large' | 'file_too_large' | 'image_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After); the client's plan or the licence's monthly calls are used up */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited' | 'quota_exceeded';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  match: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /**
           * Format: binary
           * @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON
           */
          image1: string;
          /**
           * Format: binary
           * @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON
           */
          image2: string;
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. */
          accuracy?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/json': {
          /**
           * Format: byte
           * @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON
           */
          image1: string;
          /**
           * Format: byte
           * @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON
           */
          image2: string;
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. */
          accuracy?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Are two photos the same person? */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            match: boolean;
            similarity: number;
            threshold: number;
            calibration: components['schemas']['Calibration'];
            accuracy: number;
            /**
             * @description with several faces in a photo, the largest face nearest the centre is used
             * @enum {string}
             */
            face_selection: 'largest_central';
            faces: {
              image1: {
                face_count: number;
                box: components['schemas']['Box'];
              };
              image2: {
                face_count: number;
                box: components['schemas']['Box'];
              };
            };
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed); an image is missing, not decodable, too small or too large, or shows no face (the message names the field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'empty_image'
              | 'invalid_base64'
              | 'not_an_image'
              | 'corrupt_image'
              | 'unsupported_format'
              | 'animated_image'
              | 'image_too_small'
              | 'image_too_many_pixels'
              | 'too_many_images'
              | 'no_face';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description request body larger than the configured limit; an image larger than FACENITION_MAX_IMAGE_BYTES */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large' | 'file_too_large' | 'image_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After); the client's plan or the licence's monthly calls are used up */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited' | 'quota_exceeded';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  matchBulk: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /**
           * Format: binary
           * @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON
           */
          probe: string;
          /** @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON; repeat the field (FACENITION_MAX_IMAGES in all) */
          references: string[];
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. */
          accuracy?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/json': {
          /**
           * Format: byte
           * @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON
           */
          probe: string;
          /** @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON; repeat the field (FACENITION_MAX_IMAGES in all) */
          references: string[];
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. */
          accuracy?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description One probe against many references */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            accuracy: number;
            threshold: number;
            calibration: components['schemas']['Calibration'];
            /**
             * @description with several faces in a photo, the largest face nearest the centre is used
             * @enum {string}
             */
            face_selection: 'largest_central';
            probe: {
              face_count: number;
              box: components['schemas']['Box'];
            };
            results: {
              index: number;
              face_found: boolean;
              face_count: number;
              similarity: number | null;
              match: boolean;
            }[];
            /** @description highest-similarity reference that matches, or null */
            best_match: {
              index: number;
              similarity: number;
            } | null;
            /** @description highest-similarity reference, matching or not */
            best_candidate: {
              index: number;
              similarity: number;
            } | null;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed); an image is missing, not decodable, too small or too large, or shows no face (the message names the field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'empty_image'
              | 'invalid_base64'
              | 'not_an_image'
              | 'corrupt_image'
              | 'unsupported_format'
              | 'animated_image'
              | 'image_too_small'
              | 'image_too_many_pixels'
              | 'too_many_images'
              | 'no_face';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description request body larger than the configured limit; an image larger than FACENITION_MAX_IMAGE_BYTES */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large' | 'file_too_large' | 'image_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After); the client's plan or the licence's monthly calls are used up */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited' | 'quota_exceeded';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  consistencyCheck: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /** @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON; repeat the field (2..FACENITION_MAX_IMAGES) */
          images: string[];
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. */
          accuracy?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/json': {
          /** @description JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON; repeat the field (2..FACENITION_MAX_IMAGES) */
          images: string[];
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. */
          accuracy?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Are these photos all one person? */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            consistent: boolean;
            accuracy: number;
            threshold: number;
            calibration: components['schemas']['Calibration'];
            /**
             * @description with several faces in a photo, the largest face nearest the centre is used
             * @enum {string}
             */
            face_selection: 'largest_central';
            similarity_matrix: number[][];
            outliers: number[];
            faces: {
              index: number;
              face_count: number;
              box: components['schemas']['Box'];
            }[];
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed); an image is missing, not decodable, too small or too large, or shows no face (the message names the field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'empty_image'
              | 'invalid_base64'
              | 'not_an_image'
              | 'corrupt_image'
              | 'unsupported_format'
              | 'animated_image'
              | 'image_too_small'
              | 'image_too_many_pixels'
              | 'too_many_images'
              | 'no_face';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description request body larger than the configured limit; an image larger than FACENITION_MAX_IMAGE_BYTES */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large' | 'file_too_large' | 'image_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After); the client's plan or the licence's monthly calls are used up */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited' | 'quota_exceeded';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  generate: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /** @description 1..5 photos of one person (repeat the field; averaged). JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON. `image` is accepted as an alias of `photo`. */
          photo: string[];
          /** @description the user's secret (any well-formed Unicode; normalised to NFC) */
          password: string;
          /** @description what the token is for, e.g. app:login; verification needs the same scope */
          scope: string;
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. Stored in the token: verification may be as strict or stricter, never looser. */
          accuracy?: number;
          /**
           * Format: date-time
           * @description when the token expires (ISO 8601, in the future); or send ttl
           */
          expires_at?: string;
          /** @description lifetime in seconds (60 s .. 10 years); or send expires_at */
          ttl?: number;
          /** @description enrol into a roster for 1:N identification (/identify): new starts a roster (the answer gives its roster_id), or the roster_id of an existing one. password and scope are then the roster's secret and scope, shared by every member; the secret must be at least 16 characters (a machine secret, not a person's password: one guess tests the whole roster) */
          roster?: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/json': {
          /** @description 1..5 photos of one person (repeat the field; averaged). JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON. `image` is accepted as an alias of `photo`. */
          photo: string[];
          /** @description the user's secret (any well-formed Unicode; normalised to NFC) */
          password: string;
          /** @description what the token is for, e.g. app:login; verification needs the same scope */
          scope: string;
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. Stored in the token: verification may be as strict or stricter, never looser. */
          accuracy?: number;
          /**
           * Format: date-time
           * @description when the token expires (ISO 8601, in the future); or send ttl
           */
          expires_at?: string;
          /** @description lifetime in seconds (60 s .. 10 years); or send expires_at */
          ttl?: number;
          /** @description enrol into a roster for 1:N identification (/identify): new starts a roster (the answer gives its roster_id), or the roster_id of an existing one. password and scope are then the roster's secret and scope, shared by every member; the secret must be at least 16 characters (a machine secret, not a person's password: one guess tests the whole roster) */
          roster?: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Enrol: photo(s) + password + scope -> identity token (no biometric is stored) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            /** @description the identity token (base64url, 800 characters): store it, discard the photo */
            token: string;
            /** @description 32 hex characters: the handle for revocation */
            token_id: string;
            /** Format: date-time */
            expires_at: string | null;
            accuracy: number;
            /** @enum {string} */
            environment: 'sandbox' | 'production';
            /** @description quality score of each photo */
            quality: number[];
            /** @description 32 hex characters: the roster the token belongs to (only with roster); enrol the next members with it */
            roster_id?: string;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed); an image is missing, not decodable, too small or too large, or shows no face (the message names the field) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'empty_image'
              | 'invalid_base64'
              | 'not_an_image'
              | 'corrupt_image'
              | 'unsupported_format'
              | 'animated_image'
              | 'image_too_small'
              | 'image_too_many_pixels'
              | 'too_many_images'
              | 'no_face'
              | 'several_faces'
              | 'low_quality'
              | 'inconsistent_photos'
              | 'liveness_failed';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description the licence expired and its grace period ended: no new enrolments */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'license_expired';
          };
        };
      };
      /** @description request body larger than the configured limit; an image larger than FACENITION_MAX_IMAGE_BYTES */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large' | 'file_too_large' | 'image_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After); the client's plan or the licence's monthly calls are used up */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited' | 'quota_exceeded';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  authenticate: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /**
           * Format: binary
           * @description one photo. JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON. `image` is accepted as an alias of `photo`.
           */
          photo: string;
          /** @description the identity token as stored by the organisation */
          token: string;
          /** @description the user's secret (any well-formed Unicode; normalised to NFC) */
          password: string;
          /** @description what the token is for, e.g. app:login; verification needs the same scope */
          scope: string;
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. Default: the token's own level; a lower level is refused (accuracy_below_token_level). */
          accuracy?: number;
          /** @description label of a secret to release on success */
          release_key?: string;
          /**
           * @description also answer with signed_result, a short-lived JWS of the outcome (needs FACENITION_OIDC_ISSUER)
           * @default false
           */
          signed_result?: boolean;
          /** @description copied into the signed result (e.g. the identity provider's challenge); required with signed_result, refused without */
          nonce?: string;
          /** @description the identity provider's id of the user (only with signed_result): a successful verification is recorded for 300 s, keyed by an HMAC of it, for the token hooks under /integrations */
          subject?: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/json': {
          /**
           * Format: byte
           * @description one photo. JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON. `image` is accepted as an alias of `photo`.
           */
          photo: string;
          /** @description the identity token as stored by the organisation */
          token: string;
          /** @description the user's secret (any well-formed Unicode; normalised to NFC) */
          password: string;
          /** @description what the token is for, e.g. app:login; verification needs the same scope */
          scope: string;
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. Default: the token's own level; a lower level is refused (accuracy_below_token_level). */
          accuracy?: number;
          /** @description label of a secret to release on success */
          release_key?: string;
          /**
           * @description also answer with signed_result, a short-lived JWS of the outcome (needs FACENITION_OIDC_ISSUER)
           * @default false
           */
          signed_result?: boolean;
          /** @description copied into the signed result (e.g. the identity provider's challenge); required with signed_result, refused without */
          nonce?: string;
          /** @description the identity provider's id of the user (only with signed_result): a successful verification is recorded for 300 s, keyed by an HMAC of it, for the token hooks under /integrations */
          subject?: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Verify a fresh photo + password + scope against an identity token */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            authenticated: boolean;
            reason?: components['schemas']['FailureReason'];
            /** @description base64url, 32 bytes; only on success with release_key */
            released_key?: string;
            /** @description compact JWS (RS256) of the outcome, only with signed_result=true; verify it with the provider's JWKS */
            signed_result?: string;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed); an image is missing, not decodable, too small or too large, or shows no face (the message names the field); the identity token is malformed or altered, from a deployment key not held here, or asks for more than allowed */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'empty_image'
              | 'invalid_base64'
              | 'not_an_image'
              | 'corrupt_image'
              | 'unsupported_format'
              | 'animated_image'
              | 'image_too_small'
              | 'image_too_many_pixels'
              | 'too_many_images'
              | 'no_face'
              | 'invalid_token'
              | 'unknown_deployment_key'
              | 'unsupported_kdf'
              | 'accuracy_below_token_level'
              | 'oidc_disabled';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description no such identity token for the calling client's tenant */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'token_not_found';
          };
        };
      };
      /** @description request body larger than the configured limit; an image larger than FACENITION_MAX_IMAGE_BYTES */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large' | 'file_too_large' | 'image_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After); the client's plan or the licence's monthly calls are used up */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited' | 'quota_exceeded';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  authenticateScore: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /**
           * Format: binary
           * @description one photo. JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON. `image` is accepted as an alias of `photo`.
           */
          photo: string;
          /** @description the identity token as stored by the organisation */
          token: string;
          /** @description the user's secret (any well-formed Unicode; normalised to NFC) */
          password: string;
          /** @description what the token is for, e.g. app:login; verification needs the same scope */
          scope: string;
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. Default: the token's own level; a lower level is refused (accuracy_below_token_level). */
          accuracy?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/json': {
          /**
           * Format: byte
           * @description one photo. JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON. `image` is accepted as an alias of `photo`.
           */
          photo: string;
          /** @description the identity token as stored by the organisation */
          token: string;
          /** @description the user's secret (any well-formed Unicode; normalised to NFC) */
          password: string;
          /** @description what the token is for, e.g. app:login; verification needs the same scope */
          scope: string;
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. Default: the token's own level; a lower level is refused (accuracy_below_token_level). */
          accuracy?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Like /authenticate, with the similarity score (only when authenticated) and the threshold */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            authenticated: boolean;
            /** @description estimated cosine similarity; null unless authenticated */
            score: number | null;
            threshold: number;
            calibration: components['schemas']['Calibration'];
            accuracy: number;
            reason?: components['schemas']['FailureReason'];
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed); an image is missing, not decodable, too small or too large, or shows no face (the message names the field); the identity token is malformed or altered, from a deployment key not held here, or asks for more than allowed */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'empty_image'
              | 'invalid_base64'
              | 'not_an_image'
              | 'corrupt_image'
              | 'unsupported_format'
              | 'animated_image'
              | 'image_too_small'
              | 'image_too_many_pixels'
              | 'too_many_images'
              | 'no_face'
              | 'invalid_token'
              | 'unknown_deployment_key'
              | 'unsupported_kdf'
              | 'accuracy_below_token_level';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description no such identity token for the calling client's tenant */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'token_not_found';
          };
        };
      };
      /** @description request body larger than the configured limit; an image larger than FACENITION_MAX_IMAGE_BYTES */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large' | 'file_too_large' | 'image_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After); the client's plan or the licence's monthly calls are used up */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited' | 'quota_exceeded';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  identify: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /**
           * Format: byte
           * @description one photo. JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON. `image` is accepted as an alias of `photo`.
           */
          photo: string;
          /** @description the identity tokens of one roster, as stored by the organisation */
          tokens: string[];
          /** @description the user's secret (any well-formed Unicode; normalised to NFC) */
          password: string;
          /** @description what the token is for, e.g. app:login; verification needs the same scope */
          scope: string;
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. Default 4; not below any member's own level (accuracy_below_token_level). */
          accuracy?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'multipart/form-data': {
          /**
           * Format: binary
           * @description one photo. JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON. `image` is accepted as an alias of `photo`.
           */
          photo: string;
          /** @description the identity tokens of one roster, as stored by the organisation */
          tokens: string[];
          /** @description the user's secret (any well-formed Unicode; normalised to NFC) */
          password: string;
          /** @description what the token is for, e.g. app:login; verification needs the same scope */
          scope: string;
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. Default 4; not below any member's own level (accuracy_below_token_level). */
          accuracy?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description 1:N: one photo against a roster's identity tokens -> the member(s) it opens, or nobody */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            identified: boolean;
            /** @description members whose token the photo opened above the threshold, best first (empty when not identified) */
            matches: {
              token_id: string;
              score: number;
            }[];
            roster_id: string;
            /** @description tokens searched (sent minus excluded) */
            roster_size: number;
            /** @description tokens sent that took no part, by reason (unknown: not issued here or of another tenant) */
            excluded: {
              revoked: number;
              expired: number;
              unknown: number;
              altered: number;
              wrong_environment: number;
            };
            threshold: number;
            calibration: components['schemas']['Calibration'];
            accuracy: number;
            /** @description false-positive identification rate per search the threshold is set for */
            expected_fpir: number;
            /** @description true when the roster is too large for the level's target (threshold held at level 8) */
            capped: boolean;
            /** @enum {string} */
            reason?: 'no_match' | 'not_live';
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed); an image is missing, not decodable, too small or too large, or shows no face (the message names the field); the identity token is malformed or altered, from a deployment key not held here, or asks for more than allowed */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'empty_image'
              | 'invalid_base64'
              | 'not_an_image'
              | 'corrupt_image'
              | 'unsupported_format'
              | 'animated_image'
              | 'image_too_small'
              | 'image_too_many_pixels'
              | 'too_many_images'
              | 'no_face'
              | 'invalid_token'
              | 'unknown_deployment_key'
              | 'unsupported_kdf'
              | 'accuracy_below_token_level'
              | 'not_a_roster'
              | 'mixed_rosters';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description no such identity token for the calling client's tenant */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'token_not_found';
          };
        };
      };
      /** @description request body larger than the configured limit; an image larger than FACENITION_MAX_IMAGE_BYTES */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large' | 'file_too_large' | 'image_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After); the client's plan or the licence's monthly calls are used up */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited' | 'quota_exceeded';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  revokeIdentityToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description the identity token */
          token?: string;
          /** @description the token id (32 hex characters) */
          token_id?: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/x-www-form-urlencoded': {
          /** @description the identity token */
          token?: string;
          /** @description the token id (32 hex characters) */
          token_id?: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Revoke an identity token of the calling client's tenant, by token or token_id */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            token_id: string;
            /** Format: date-time */
            revoked_at: string;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed); the identity token is malformed or altered, from a deployment key not held here, or asks for more than allowed */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'invalid_token'
              | 'unknown_deployment_key'
              | 'unsupported_kdf'
              | 'accuracy_below_token_level';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description no such identity token for the calling client's tenant */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'token_not_found';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After); the client's plan or the licence's monthly calls are used up */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited' | 'quota_exceeded';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  rotateIdentityToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /** @description 1..5 photos of one person (repeat the field; averaged). JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON. `image` is accepted as an alias of `photo`. */
          photo: string[];
          /** @description the identity token as stored by the organisation */
          token: string;
          /** @description the user's secret (any well-formed Unicode; normalised to NFC) */
          password: string;
          /** @description what the token is for, e.g. app:login; verification needs the same scope */
          scope: string;
          /** @description a new secret for the new token (default: the same) */
          new_password?: string;
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. Level of the new token (default: the old token's). */
          accuracy?: number;
          /**
           * Format: date-time
           * @description when the token expires (ISO 8601, in the future); or send ttl
           */
          expires_at?: string;
          /** @description lifetime in seconds (60 s .. 10 years); or send expires_at */
          ttl?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/json': {
          /** @description 1..5 photos of one person (repeat the field; averaged). JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON. `image` is accepted as an alias of `photo`. */
          photo: string[];
          /** @description the identity token as stored by the organisation */
          token: string;
          /** @description the user's secret (any well-formed Unicode; normalised to NFC) */
          password: string;
          /** @description what the token is for, e.g. app:login; verification needs the same scope */
          scope: string;
          /** @description a new secret for the new token (default: the same) */
          new_password?: string;
          /** @description Accuracy level 1..8. Each level is a similarity threshold calibrated on LFW to a target false-match rate: 1: 1e-2, 2: 3e-3, 3: 1e-3, 4: 1e-4 (default), 5: 3e-5, 6: 1e-5, 7: 3e-6, 8: 1e-6. Level of the new token (default: the old token's). */
          accuracy?: number;
          /**
           * Format: date-time
           * @description when the token expires (ISO 8601, in the future); or send ttl
           */
          expires_at?: string;
          /** @description lifetime in seconds (60 s .. 10 years); or send expires_at */
          ttl?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Rotate: fresh photo(s) that open the old token -> a new, unrelated token; the old one is revoked atomically */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            rotated: boolean;
            reason?: components['schemas']['FailureReason'];
            token?: string;
            token_id?: string;
            replaces?: string;
            /** Format: date-time */
            expires_at?: string | null;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed); an image is missing, not decodable, too small or too large, or shows no face (the message names the field); the identity token is malformed or altered, from a deployment key not held here, or asks for more than allowed */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'empty_image'
              | 'invalid_base64'
              | 'not_an_image'
              | 'corrupt_image'
              | 'unsupported_format'
              | 'animated_image'
              | 'image_too_small'
              | 'image_too_many_pixels'
              | 'too_many_images'
              | 'no_face'
              | 'invalid_token'
              | 'unknown_deployment_key'
              | 'unsupported_kdf'
              | 'accuracy_below_token_level'
              | 'several_faces'
              | 'low_quality'
              | 'inconsistent_photos'
              | 'liveness_failed';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description the licence expired and its grace period ended: no new enrolments */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'license_expired';
          };
        };
      };
      /** @description no such identity token for the calling client's tenant */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'token_not_found';
          };
        };
      };
      /** @description request body larger than the configured limit; an image larger than FACENITION_MAX_IMAGE_BYTES */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large' | 'file_too_large' | 'image_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After); the client's plan or the licence's monthly calls are used up */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited' | 'quota_exceeded';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  exportStatusList: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description This deployment's revocation status list (admin), signed under the deployment key */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            entries: number;
            status_list: components['schemas']['StatusList'];
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  importStatusList: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json':
          | components['schemas']['StatusList']
          | {
              status_list: components['schemas']['StatusList'];
            };
      };
    };
    responses: {
      /** @description Import another deployment's signed status list (admin); its tokens are then refused here with reason revoked */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            issuer: string;
            /** Format: date-time */
            issued_at: string;
            entries: number;
            replaced_entries: number;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed); the status list is malformed, not signed under a key held here, or dated ahead */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'invalid_status_list';
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description an older list, or an import of it is running */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'stale_status_list' | 'status_list_import_in_progress';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  listStatusListSources: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Status lists imported from other deployments (admin) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            sources: components['schemas']['StatusListSource'][];
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  resetStatusListSource: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description issuer id (32 lowercase hex) */
        issuer: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/x-www-form-urlencoded': {
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Reset an issuer's anti-rollback mark (admin): its next status list is accepted whatever its date */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            source: components['schemas']['StatusListSource'];
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted';
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description codes: status_list_source_not_found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'status_list_source_not_found';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  createClient: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description a name for the integration */
          name: string;
          /**
           * @default sandbox
           * @enum {string}
           */
          environment?: 'sandbox' | 'production';
          /**
           * @description developer: 1,000 calls a month; enterprise: unlimited
           * @default developer
           * @enum {string}
           */
          plan?: 'developer' | 'enterprise';
          /**
           * Format: date-time
           * @description when the client expires (ISO 8601, in the future)
           */
          expires_at?: string;
          /** @description clients of one tenant share identity tokens; default: the new client's own id */
          tenant?: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/x-www-form-urlencoded': {
          /** @description a name for the integration */
          name: string;
          /**
           * @default sandbox
           * @enum {string}
           */
          environment?: 'sandbox' | 'production';
          /**
           * @description developer: 1,000 calls a month; enterprise: unlimited
           * @default developer
           * @enum {string}
           */
          plan?: 'developer' | 'enterprise';
          /**
           * Format: date-time
           * @description when the client expires (ISO 8601, in the future)
           */
          expires_at?: string;
          /** @description clients of one tenant share identity tokens; default: the new client's own id */
          tenant?: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Create an API client (admin). Returns its long-lived client token and client secret exactly once */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            client: components['schemas']['Client'];
            client_token: string;
            client_secret: string;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'invalid_request';
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  issueAccessToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @enum {string} */
          grant_type?: 'client_credentials';
          client_id?: string;
          client_secret?: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/x-www-form-urlencoded': {
          /** @enum {string} */
          grant_type?: 'client_credentials';
          client_id?: string;
          client_secret?: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description OAuth2 client credentials: client_id + client_secret -> short-lived client token */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            /** @description fna_… access token: send it as X-Auth-Token */
            client_token: string;
            /** @enum {string} */
            token_type: 'client';
            expires_in: number;
            /** Format: date-time */
            expires_at: string;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted';
          };
        };
      };
      /** @description codes: invalid_client, client_revoked, client_expired */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'invalid_client' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description codes: rate_limited */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  listClients: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description List API clients (admin) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            clients: components['schemas']['Client'][];
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  revokeClient: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description client id (UUID) */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/x-www-form-urlencoded': {
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Revoke a client: its client token, secret and access tokens stop working at once (admin) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            client: components['schemas']['Client'];
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted';
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description no such client */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'client_not_found';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  rotateClient: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description client id (UUID) */
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description seconds the previous token keeps working (default FACENITION_ROTATION_GRACE_SECONDS, at most 30 days) */
          grace_seconds?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/x-www-form-urlencoded': {
          /** @description seconds the previous token keeps working (default FACENITION_ROTATION_GRACE_SECONDS, at most 30 days) */
          grace_seconds?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Rotate a client's long-lived token (admin); the previous one keeps working for grace_seconds */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            client: components['schemas']['Client'];
            client_token: string;
            /** Format: date-time */
            previous_token_valid_until: string | null;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'invalid_request';
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description no such client */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'client_not_found';
          };
        };
      };
      /** @description codes: conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'conflict';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The calling client: its settings and this month’s quota use */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            client: components['schemas']['Client'];
            quota: components['schemas']['Quota'];
            /** @enum {string} */
            authenticated_with: 'client_token' | 'access_token';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  rotateOwnClientToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description seconds the previous token keeps working (at most FACENITION_ROTATION_GRACE_SECONDS, the default) */
          grace_seconds?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/x-www-form-urlencoded': {
          /** @description seconds the previous token keeps working (at most FACENITION_ROTATION_GRACE_SECONDS, the default) */
          grace_seconds?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Rotate the calling client’s own long-lived token */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            client: components['schemas']['Client'];
            client_token: string;
            /** Format: date-time */
            previous_token_valid_until: string | null;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'invalid_request';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description this credential may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description codes: conflict */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'conflict';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  queryAudit: {
    parameters: {
      query?: {
        /** @description records at or after (ISO 8601) */
        from?: string;
        /** @description records before (ISO 8601) */
        to?: string;
        /** @description one client (admin only; a client always sees its own) */
        client_id?: string;
        /** @description routed path, e.g. /authenticate */
        endpoint?: string | null;
        outcome?: 'success' | 'client_error' | 'server_error' | 'error' | null;
        /** @description server request id */
        request_id?: string | null;
        /** @description the caller's own X-Request-Id */
        client_request_id?: string | null;
        /** @description paging: records after this sequence number */
        after_seq?: string | null;
        /** @description at most this many records (default 100) */
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Query audit records (admin) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            records: components['schemas']['AuditRecord'][];
            next_after_seq: string | null;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted';
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  ownAudit: {
    parameters: {
      query?: {
        /** @description records at or after (ISO 8601) */
        from?: string;
        /** @description records before (ISO 8601) */
        to?: string;
        /** @description one client (admin only; a client always sees its own) */
        client_id?: string;
        /** @description routed path, e.g. /authenticate */
        endpoint?: string | null;
        outcome?: 'success' | 'client_error' | 'server_error' | 'error' | null;
        /** @description server request id */
        request_id?: string | null;
        /** @description the caller's own X-Request-Id */
        client_request_id?: string | null;
        /** @description paging: records after this sequence number */
        after_seq?: string | null;
        /** @description at most this many records (default 100) */
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The calling client’s own audit records (same filters; client_id is always the caller) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            records: components['schemas']['AuditRecord'][];
            next_after_seq: string | null;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  exportAudit: {
    parameters: {
      query?: {
        /** @description records at or after (ISO 8601) */
        from?: string;
        /** @description records before (ISO 8601) */
        to?: string;
        /** @description one client (admin only; a client always sees its own) */
        client_id?: string;
        /** @description routed path, e.g. /authenticate */
        endpoint?: string | null;
        outcome?: 'success' | 'client_error' | 'server_error' | 'error' | null;
        format?: 'jsonl' | 'csv' | null;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description the records, streamed */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/x-ndjson': string;
          'text/csv': string;
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted';
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  verifyAudit: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Verify the hash chain from the retention anchor to the head; reports the first broken link (admin) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            verification: {
              ok: boolean;
              checked: number;
              anchor_seq: string;
              head_seq: string;
              first_broken?: {
                seq: string;
                reason: string;
              };
            };
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  purgeAudit: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /**
           * Format: date-time
           * @description delete records older than this (ISO 8601)
           */
          before: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/x-www-form-urlencoded': {
          /**
           * Format: date-time
           * @description delete records older than this (ISO 8601)
           */
          before: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Retention: delete records older than `before`; the chain stays verifiable from the new anchor (admin) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            deleted: number;
            anchor_seq: string | null;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted';
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  listRelyingParties: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Relying parties of the OpenID Connect provider (admin) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            relying_parties: components['schemas']['RelyingParty'][];
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  createRelyingParty: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          name: string;
          /**
           * @default standard
           * @enum {string}
           */
          profile?: 'standard' | 'entra_eam';
          redirect_uris?: string[];
          /**
           * @default client_secret_basic
           * @enum {string}
           */
          token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
          jwks_uri?: string;
          /** @description level the face must reach (default 4) */
          accuracy?: number;
          /**
           * @default required
           * @enum {string}
           */
          pin?: 'required' | 'none';
          /** @default false */
          allow_upload?: boolean;
          /** @default true */
          require_pkce?: boolean;
          /**
           * @description profile standard: login_hint_jwt (default) = a login_hint JWT signed with the client secret names the user, enrolment on the first visit; login_hint_name = a plain login_hint (for IdPs that cannot sign one: Okta, Keycloak, Cognito) only selects whose enrolment is checked, and users enrol through one-time links (POST /admin/oidc/clients/{client_id}/enrolments/invite)
           * @enum {string}
           */
          subject_source?: 'login_hint_jwt' | 'login_hint_name';
          /** @description how old a signed subject hint may be (default 600 s) */
          hint_max_age_seconds?: number;
          entra?: {
            /** Format: uuid */
            tenant_id: string;
            /** @description the App ID Entra sets as the hint audience */
            app_id: string;
            jwks_uri?: string;
            jwks?: {
              keys: {
                [key: string]: unknown;
              }[];
            };
            /** @description default https://login.microsoftonline.com/<tenant_id>/v2.0 */
            issuer?: string;
          };
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Register a relying party of the OpenID Connect provider (admin); its client secret is shown once */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            relying_party: components['schemas']['RelyingParty'];
            client_secret: string | null;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted';
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  disableRelyingParty: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        client_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
        'application/x-www-form-urlencoded': {
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Disable a relying party (admin): its authorizations and its API client stop at once */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            relying_party: components['schemas']['RelyingParty'];
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted';
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description codes: relying_party_not_found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'relying_party_not_found';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  removeEnrolment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        client_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description the login_hint JWT's sub (profile standard) */
          subject?: string;
          /**
           * Format: uuid
           * @description the user's tenant id (profile entra_eam)
           */
          entra_tenant_id?: string;
          /**
           * Format: uuid
           * @description the user's object id (profile entra_eam)
           */
          entra_object_id?: string;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description Remove a user's face enrolment at a relying party (admin): its identity token is revoked; the next sign-in enrols again */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            removed: boolean;
            token_id: string | null;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted';
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description codes: relying_party_not_found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'relying_party_not_found';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  inviteEnrolment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        client_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          subject: string;
          /** @description how long the link works (default 86,400 s, at most 7 days) */
          ttl_seconds?: number;
          /** @description the client token, if not sent in the X-Auth-Token header */
          auth_token?: string;
        };
      };
    };
    responses: {
      /** @description A one-time enrolment link for a user of a standard relying party (admin): the user opens it to enrol their face */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            url: string;
            /** Format: date-time */
            expires_at: string;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted';
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description codes: relying_party_not_found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'relying_party_not_found';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  entraTokenIssuanceStart: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['EntraTokenIssuanceStartEvent'];
      };
    };
    responses: {
      /** @description Microsoft Entra ID custom claims provider (tokenIssuanceStart): face-verification claims from a recent verification */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            data: {
              /** @enum {string} */
              '@odata.type': 'microsoft.graph.onTokenIssuanceStartResponseData';
              actions: {
                /** @enum {string} */
                '@odata.type': 'microsoft.graph.tokenIssuanceStart.provideClaimsForToken';
                claims: {
                  /** @enum {string} */
                  face_verified: 'true' | 'false';
                  /** @description ISO 8601, only when verified */
                  face_verified_at?: string;
                  /** @description urn:facenition:acr:level-N, only when verified */
                  face_acr?: string;
                };
              }[];
            };
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted'
              | 'wrong_tenant';
          };
        };
      };
      /** @description codes: unauthenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description codes: integration_disabled */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'integration_disabled';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  oktaTokenHook: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['OktaTokenHookEvent'];
      };
    };
    responses: {
      /** @description Okta token inline hook: face-verification claims from a recent verification (fails open: never the enforcement point) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            commands: {
              /** @enum {string} */
              type: 'com.okta.identity.patch' | 'com.okta.access.patch';
              value: {
                /** @enum {string} */
                op: 'add';
                path: string;
                value: boolean | number | string;
              }[];
            }[];
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted';
          };
        };
      };
      /** @description codes: unauthenticated */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description codes: integration_disabled */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'integration_disabled';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  enrolmentStatus: {
    parameters: {
      query: {
        /** @description the user as the relying party's login_hint names it (its sub) */
        subject: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Is a subject enrolled on the hosted face page of the calling client's relying party? (e.g. a OneLogin Smart Hook) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            enrolled: boolean;
          };
        };
      };
      /** @description malformed request: the message names the field (values are never echoed) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?:
              | 'invalid_body'
              | 'invalid_json'
              | 'invalid_multipart'
              | 'invalid_field'
              | 'invalid_accuracy'
              | 'missing_field'
              | 'unknown_field'
              | 'too_many_fields'
              | 'field_too_long'
              | 'aborted';
          };
        };
      };
      /** @description missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token) */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated' | 'token_expired' | 'token_rotated' | 'client_revoked' | 'client_expired';
          };
        };
      };
      /** @description this credential may not do this */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'forbidden';
          };
        };
      };
      /** @description request body larger than the configured limit */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'body_too_large';
          };
        };
      };
      /** @description content type other than the ones listed */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unsupported_media_type' | 'unsupported_encoding';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After); the client's plan or the licence's monthly calls are used up */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited' | 'quota_exceeded';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  license: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Licence state (admin): edition, status, limits, dates, warnings, this month’s usage, replicas */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            /** @description edition, status, limits, features, dates, warnings */
            license: {
              [key: string]: unknown;
            };
            usage: {
              month: string;
              calls: number;
              limit: number | null;
            };
            replicas: number;
          };
        };
      };
      /** @description this endpoint needs the admin credential */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'unauthenticated';
          };
        };
      };
      /** @description too many failed authentications from this address (Retry-After) */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'rate_limited';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description too many bodies in flight, inference queue full, or audit log unavailable (Retry-After); the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'busy' | 'overloaded' | 'audit_unavailable';
          };
        };
      };
    };
  };
  live: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Liveness probe: the process serves HTTP */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            /** @enum {string} */
            status: 'live';
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'audit_unavailable';
          };
        };
      };
    };
  };
  ready: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Readiness probe: models loaded in every worker and the database answering (503 not_ready otherwise) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {boolean} */
            ok: true;
            /** @enum {string} */
            status: 'ready';
            queue: {
              queued: number;
              running: number;
            };
          };
        };
      };
      /** @description an unexpected failure; the message leaks nothing */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'internal';
          };
        };
      };
      /** @description the audit log is unavailable: nothing was done (Retry-After) */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'] & {
            /** @enum {string} */
            code?: 'not_ready' | 'audit_unavailable';
          };
        };
      };
    };
  };
}
