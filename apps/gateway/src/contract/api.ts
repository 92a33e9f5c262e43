import type { EndpointDef } from './endpoint';
import { accuracy, ACCURACY_DOC, expiryFields, flag, hexId, integer, isoDateTime, optional, optionalText, text, uuid, z } from './fields';
import type { ImageField } from './images';

/*
 * The public contract: every endpoint's route, access, inputs, answer and errors. The edge
 * validates with these definitions and `npm run openapi` writes openapi.json from them.
 */

const image = (name: string, description: string, aliases?: string[]): ImageField => ({ name, aliases, min: 1, max: 1, description });
const FORMATS = 'JPEG, PNG or WebP: a multipart file, or base64 (a data: URL too) in JSON';

// ---------- shared answer parts ----------
const point = z.array(z.number()).length(2);
const box = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).openapi('Box');
const face = z
  .object({
    box,
    score: z.number().openapi({ description: 'detector confidence 0..1' }),
    landmarks: z.object({ left_eye: point, right_eye: point, nose: point, mouth_left: point, mouth_right: point }),
  })
  .openapi('Face');
const faceRef = z.object({ face_count: z.number().int(), box });
const selection = z
  .literal('largest_central')
  .openapi({ description: 'with several faces in a photo, the largest face nearest the centre is used' });
const level = z.number().int().min(1).max(8);
const nullableNumber = z.number().nullable();
const calibration = z
  .string()
  .regex(/^(builtin|[0-9a-f]{16})$/)
  .openapi('Calibration', {
    description:
      'which calibration set the threshold: builtin (the thresholds calibrated on LFW), or the first 16 hex characters of the SHA-256 ' +
      'of the FACENITION_CALIBRATION_FILE that calibrated this level on the deployment’s own photos',
    example: 'builtin',
  });
const reason = z.enum(['no_match', 'not_live', 'expired', 'revoked', 'locked', 'wrong_environment']).openapi('FailureReason', {
  description:
    'why authenticated is false: no_match (never which of face, password or scope was wrong), not_live (the photo failed the liveness ' +
    'gate: a suspected presentation attack), expired, revoked, locked (too many failures), wrong_environment',
});

const clientView = z
  .object({
    client_id: z.uuid(),
    name: z.string(),
    environment: z.enum(['sandbox', 'production']),
    plan: z.enum(['developer', 'enterprise']),
    tenant: z.string(),
    created_at: z.iso.datetime(),
    expires_at: z.iso.datetime().nullable(),
    revoked_at: z.iso.datetime().nullable(),
    rotated_at: z.iso.datetime().nullable(),
    status: z.enum(['active', 'revoked', 'expired']),
  })
  .openapi('Client');
const quotaState = z
  .object({ month: z.string(), used: z.number().int(), limit: z.number().int().nullable(), remaining: z.number().int().nullable() })
  .openapi('Quota');
const auditRecord = z
  .object({
    seq: z.string().openapi({ description: 'sequence number (decimal string: 64-bit)' }),
    ts: z.iso.datetime(),
    request_id: z.string(),
    client_id: z.uuid().nullable(),
    endpoint: z.string(),
    status: z.number().int(),
    error_code: z.string().nullable(),
    decision: z.string().nullable(),
    score: nullableNumber,
    threshold: nullableNumber,
    accuracy: z.number().int().nullable(),
    token_ref: z.string().nullable(),
    latency_ms: z.number(),
    source_ip: z.string().nullable(),
    client_request_id: z.string().nullable(),
    subject_ref: z.string().nullable().openapi({ description: 'pseudonym of the end user of an OIDC interaction' }),
    hash: z.string(),
  })
  .openapi('AuditRecord');
const rotatedClient = { client: clientView, client_token: z.string(), previous_token_valid_until: z.iso.datetime().nullable() };
const statusListSource = z
  .object({
    issuer: z.string(),
    key_id: z.string(),
    issued_at: z.iso.datetime(),
    imported_at: z.iso.datetime(),
    entries: z.number().int(),
    reset_at: z.iso.datetime().nullable(),
    reset_pending: z.boolean(),
  })
  .openapi('StatusListSource');

// ---------- face analysis ----------
const faceEndpoint = (
  path: string,
  operationId: string,
  summary: string,
  description: string,
  images: ImageField[],
  withAccuracy: boolean,
  response: z.ZodObject,
): EndpointDef => ({
  method: 'post',
  path,
  operationId,
  tag: 'face analysis',
  summary,
  description,
  access: 'client',
  encodings: ['multipart', 'json'],
  images,
  body: withAccuracy ? z.object({ accuracy: accuracy() }) : z.object({}),
  response,
  errors: ['input', 'image', 'auth', 'quota', 'busy'],
});

export const DETECT = faceEndpoint(
  '/detect',
  'detect',
  'Find every face in a photo',
  'All faces with box, detector score and five landmarks, best candidate first. Large photos are also searched in tiles for faces ' +
    'down to FACENITION_MIN_FACE_SIZE (default 40) pixels wide. Zero faces is a normal answer (face_count 0).',
  [image('image', FORMATS, ['photo'])],
  false,
  z.object({ image: z.object({ width: z.number().int(), height: z.number().int() }), face_count: z.number().int(), faces: z.array(face) }),
);

export const QUALITY = faceEndpoint(
  '/quality',
  'quality',
  'Face image quality (0-100) with explained components',
  'Quality of the largest central face, in the spirit of ISO/IEC 29794-5: a unified 0-100 score (weighted geometric mean) and five ' +
    'components, each 0-100 with the value it was computed from and `acceptable` (score >= 50): face_size (inter-eye distance), ' +
    'sharpness (variance of the Laplacian), exposure, head_pose (yaw, pitch, roll) and eyes_open. 400 when no face is found.',
  [image('image', FORMATS, ['photo'])],
  false,
  z.object({
    face_count: z.number().int(),
    face_selection: selection,
    face,
    quality: z.object({
      score: z.number().int().min(0).max(100),
      components: z.record(
        z.string(),
        z.object({ score: z.number().int(), value: z.record(z.string(), z.unknown()), acceptable: z.boolean() }),
      ),
    }),
  }),
);

export const LIVENESS = faceEndpoint(
  '/liveness',
  'liveness',
  'Passive anti-spoofing on one photo',
  'Live score 0..1 of the largest central face; live = score >= FACENITION_LIVENESS_THRESHOLD (chosen on the NUAA benchmark, ' +
    'docs/benchmarks.md). Tested against printed-photo attacks only.',
  [image('image', FORMATS, ['photo'])],
  false,
  z.object({ face_count: z.number().int(), face_selection: selection, face, live: z.boolean(), score: z.number(), threshold: z.number() }),
);

export const MATCH = faceEndpoint(
  '/match',
  'match',
  'Are two photos the same person?',
  'Cosine similarity of the largest central faces of image1 and image2. 400 if either has no face.',
  [image('image1', FORMATS), image('image2', FORMATS)],
  true,
  z.object({
    match: z.boolean(),
    similarity: z.number().min(-1).max(1),
    threshold: z.number(),
    calibration,
    accuracy: level,
    face_selection: selection,
    faces: z.object({ image1: faceRef, image2: faceRef }),
  }),
);

const candidate = z.object({ index: z.number().int(), similarity: z.number() }).nullable();
export const MATCH_BULK = faceEndpoint(
  '/match-bulk',
  'matchBulk',
  'One probe against many references',
  'Similarity and match flag per reference, and the best match. A reference without a face gets face_found=false (the others are ' +
    'still compared); a probe without a face is a 400.',
  [
    image('probe', FORMATS),
    { name: 'references', min: 1, max: 'config', description: `${FORMATS}; repeat the field (FACENITION_MAX_IMAGES in all)` },
  ],
  true,
  z.object({
    accuracy: level,
    threshold: z.number(),
    calibration,
    face_selection: selection,
    probe: faceRef,
    results: z.array(
      z.object({
        index: z.number().int(),
        face_found: z.boolean(),
        face_count: z.number().int(),
        similarity: nullableNumber,
        match: z.boolean(),
      }),
    ),
    best_match: candidate.openapi({ description: 'highest-similarity reference that matches, or null' }),
    best_candidate: candidate.openapi({ description: 'highest-similarity reference, matching or not' }),
  }),
);

export const CONSISTENCY = faceEndpoint(
  '/consistency-check',
  'consistencyCheck',
  'Are these photos all one person?',
  'Pairwise similarity matrix; consistent when every pair matches at the accuracy level. outliers lists images that match fewer ' +
    'than half of the others. Every image must hold a face.',
  [{ name: 'images', min: 2, max: 'config', description: `${FORMATS}; repeat the field (2..FACENITION_MAX_IMAGES)` }],
  true,
  z.object({
    consistent: z.boolean(),
    accuracy: level,
    threshold: z.number(),
    calibration,
    face_selection: selection,
    similarity_matrix: z.array(z.array(z.number())),
    outliers: z.array(z.number().int()),
    faces: z.array(z.object({ index: z.number().int(), face_count: z.number().int(), box })),
  }),
);

// ---------- identity tokens ----------
const PHOTO_DOC = `${FORMATS}. \`image\` is accepted as an alias of \`photo\`.`;
const photos = (max: number): ImageField => ({
  name: 'photo',
  aliases: ['image'],
  min: 1,
  max,
  description: max > 1 ? `1..${max} photos of one person (repeat the field; averaged). ${PHOTO_DOC}` : `one photo. ${PHOTO_DOC}`,
});
const secrets = {
  password: text('password', 1024, "the user's secret (any well-formed Unicode; normalised to NFC)"),
  scope: text('scope', 200, 'what the token is for, e.g. app:login; verification needs the same scope'),
};
const tokenField = text('token', 4096, 'the identity token as stored by the organisation');
const verification = z.object({
  token: tokenField,
  ...secrets,
  accuracy: accuracy(`${ACCURACY_DOC} Default: the token's own level; a lower level is refused (accuracy_below_token_level).`),
});
/** Shortest roster secret /generate accepts (a guess at a roster secret tests every member at once). */
export const MIN_ROSTER_SECRET = 16;
const ROSTER_MESSAGE = "'roster' must be new or a roster id (32 lower-case hex characters)";
const TOKENS_MESSAGE = "'tokens' must be a JSON array of identity tokens, or tokens separated by white space or commas";
/** Most tokens one /identify call takes (FACENITION_IDENTIFY_MAX_TOKENS may lower it). */
export const MAX_ROSTER_TOKENS = 10_000;
const rosterTokens = z
  .preprocess(
    (v) => (typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : v),
    z
      .array(z.string({ error: TOKENS_MESSAGE }).min(1, TOKENS_MESSAGE).max(4096, "each of 'tokens' must be at most 4096 characters"), {
        error: (iss) => (iss.input === undefined ? "missing field 'tokens'" : TOKENS_MESSAGE),
      })
      .min(1, "'tokens' must hold at least one token")
      .max(MAX_ROSTER_TOKENS, `'tokens' holds more than ${MAX_ROSTER_TOKENS} tokens`),
  )
  .openapi({
    type: 'array',
    items: { type: 'string' },
    minItems: 1,
    maxItems: MAX_ROSTER_TOKENS,
    description: 'the identity tokens of one roster, as stored by the organisation',
  });
const ENROLMENT_ERRORS = { 400: ['several_faces', 'low_quality', 'inconsistent_photos', 'liveness_failed'] } as const;

export const GENERATE = {
  method: 'post',
  path: '/generate',
  operationId: 'generate',
  tag: 'identity tokens',
  summary: 'Enrol: photo(s) + password + scope -> identity token (no biometric is stored)',
  description:
    'Refuses photos with no face, several faces, a quality component below FACENITION_ENROL_MIN_COMPONENT (naming it), photos of ' +
    'different people and (gate on) a liveness score below FACENITION_LIVENESS_GATE_THRESHOLD. The token is bound to the environment ' +
    'and the tenant of the calling client.',
  access: 'client',
  encodings: ['multipart', 'json'],
  images: [photos(5)],
  body: z.object({
    ...secrets,
    accuracy: accuracy(`${ACCURACY_DOC} Stored in the token: verification may be as strict or stricter, never looser.`),
    ...expiryFields,
    roster: optional(z.string({ error: ROSTER_MESSAGE }).regex(/^(new|[0-9a-f]{32})$/, ROSTER_MESSAGE)).openapi({
      type: 'string',
      pattern: '^(new|[0-9a-f]{32})$',
      description:
        'enrol into a roster for 1:N identification (/identify): new starts a roster (the answer gives its roster_id), or the ' +
        "roster_id of an existing one. password and scope are then the roster's secret and scope, shared by every member; the secret " +
        `must be at least ${MIN_ROSTER_SECRET} characters (a machine secret, not a person's password: one guess tests the whole roster)`,
    }),
  }),
  response: z.object({
    token: z.string().openapi({ description: 'the identity token (base64url, 800 characters): store it, discard the photo' }),
    token_id: z.string().openapi({ description: '32 hex characters: the handle for revocation' }),
    expires_at: z.iso.datetime().nullable(),
    accuracy: level,
    environment: z.enum(['sandbox', 'production']),
    quality: z.array(z.number().int()).openapi({ description: 'quality score of each photo' }),
    roster_id: z
      .string()
      .optional()
      .openapi({ description: '32 hex characters: the roster the token belongs to (only with roster); enrol the next members with it' }),
  }),
  errors: ['input', 'image', 'auth', 'quota', 'busy', 'license'],
  extraErrors: ENROLMENT_ERRORS,
} satisfies EndpointDef;

export const IDENTIFY = {
  method: 'post',
  path: '/identify',
  operationId: 'identify',
  tag: 'identity tokens',
  summary: "1:N: one photo against a roster's identity tokens -> the member(s) it opens, or nobody",
  description:
    'The photo is analysed once and checked against every token of one roster (tokens enrolled with /generate roster=…; all must ' +
    "share the roster id), with the roster's secret and scope: one key derivation for the whole roster. Answers identified and " +
    'matches (token_id and score, best first) above the threshold of the level for this roster size: a search compares the probe ' +
    'with every member, so its false-positive rate is about N × the per-comparison false-match rate, and the threshold is raised ' +
    'until (level target) / N per comparison holds (capped at level 8: then expected_fpir is above the target). Tokens that are ' +
    'revoked, expired, of another tenant or environment, altered or not issued here take no part (excluded counts them by reason). ' +
    'Failed identifications are counted per roster and per client: past FACENITION_IDENTIFY_ROSTER_FAILURES (per roster) or ' +
    'FACENITION_IDENTIFY_CLIENT_FAILURES (per client) within FACENITION_IDENTIFY_WINDOW_SECONDS the answer is 429 rate_limited ' +
    'until the window ends. JSON: tokens is an array (up to FACENITION_IDENTIFY_MAX_TOKENS); multipart: tokens separated by ' +
    'white space or commas in one field (up to 64 KiB, about 80 tokens).',
  access: 'client',
  encodings: ['json', 'multipart'],
  images: [photos(1)],
  body: z.object({
    tokens: rosterTokens,
    ...secrets,
    accuracy: accuracy(`${ACCURACY_DOC} Default 4; not below any member's own level (accuracy_below_token_level).`),
  }),
  response: z.object({
    identified: z.boolean(),
    matches: z
      .array(z.object({ token_id: z.string(), score: z.number() }))
      .openapi({ description: 'members whose token the photo opened above the threshold, best first (empty when not identified)' }),
    roster_id: z.string(),
    roster_size: z.number().int().openapi({ description: 'tokens searched (sent minus excluded)' }),
    excluded: z
      .object({
        revoked: z.number().int(),
        expired: z.number().int(),
        unknown: z.number().int(),
        altered: z.number().int(),
        wrong_environment: z.number().int(),
      })
      .openapi({ description: 'tokens sent that took no part, by reason (unknown: not issued here or of another tenant)' }),
    threshold: z.number(),
    calibration,
    accuracy: level,
    expected_fpir: z.number().openapi({ description: 'false-positive identification rate per search the threshold is set for' }),
    capped: z.boolean().openapi({ description: "true when the roster is too large for the level's target (threshold held at level 8)" }),
    reason: z.enum(['no_match', 'not_live']).optional(),
  }),
  errors: ['input', 'image', 'auth', 'quota', 'busy', 'token'],
  extraErrors: { 400: ['not_a_roster', 'mixed_rosters', 'accuracy_below_token_level'], 429: ['rate_limited'] },
} satisfies EndpointDef;

const NONCE = /^[\x20-\x7e]{1,200}$/;
const NONCE_MESSAGE = "'nonce' must be 1..200 printable ASCII characters";
const SUBJECT = /^\P{Cc}{1,200}$/u;
const SUBJECT_MESSAGE = "'subject' must be 1..200 characters without control characters";

export const AUTHENTICATE = {
  method: 'post',
  path: '/authenticate',
  operationId: 'authenticate',
  tag: 'identity tokens',
  summary: 'Verify a fresh photo + password + scope against an identity token',
  description:
    'Answers authenticated true/false; when false, a reason. 5 consecutive failures lock the token for a doubling period; a photo ' +
    'refused by the liveness gate counts as a failure (reason not_live, audited as presentation_attack_suspected). release_key ' +
    '(optional label) returns on success released_key, a stable token- and label-bound 32-byte secret (base64url). A token is usable ' +
    'only by clients of the tenant that issued it (others get 404); an altered copy is refused with 400 invalid_token. ' +
    "signed_result=true (with a nonce, e.g. an identity provider's challenge) adds signed_result: a compact JWS (RS256, typ " +
    "facenition-result+jwt) signed with the OpenID Connect provider's current key (published at <issuer>/jwks) holding iss, aud (the " +
    "calling client's id), sub (the token reference, as token_ref in the audit log), outcome, reason, acr, amr, nonce, iat, exp " +
    "(at most 120 s later) and jti; 400 oidc_disabled when the provider is off. subject (the identity provider's user id, with " +
    'signed_result) records a successful verification for 300 s, as an HMAC of the subject, for the token hooks under /integrations.',
  access: 'client',
  encodings: ['multipart', 'json'],
  images: [photos(1)],
  body: verification
    .extend({
      release_key: optional(
        z
          .string({ error: "'release_key' must be a label of 1..100 characters [A-Za-z0-9._:-]" })
          .regex(/^[A-Za-z0-9._:-]{1,100}$/, "'release_key' must be a label of 1..100 characters [A-Za-z0-9._:-]"),
      ).openapi({ type: 'string', pattern: '^[A-Za-z0-9._:-]{1,100}$', description: 'label of a secret to release on success' }),
      signed_result: flag(
        'signed_result',
        'also answer with signed_result, a short-lived JWS of the outcome (needs FACENITION_OIDC_ISSUER)',
      ),
      nonce: optional(z.string({ error: NONCE_MESSAGE }).regex(NONCE, NONCE_MESSAGE)).openapi({
        type: 'string',
        pattern: '^[\\x20-\\x7e]{1,200}$',
        description: "copied into the signed result (e.g. the identity provider's challenge); required with signed_result, refused without",
      }),
      subject: optional(z.string({ error: SUBJECT_MESSAGE }).regex(SUBJECT, SUBJECT_MESSAGE)).openapi({
        type: 'string',
        maxLength: 200,
        description:
          "the identity provider's id of the user (only with signed_result): a successful verification is recorded for 300 s, keyed by " +
          'an HMAC of it, for the token hooks under /integrations',
      }),
    })
    .superRefine((b, ctx) => {
      // a nonce binds the signed result to the caller's challenge: never one without the other
      if (b.signed_result && b.nonce === undefined)
        ctx.addIssue({
          code: 'invalid_type',
          expected: 'string',
          input: undefined,
          path: ['nonce'],
          message: "missing field 'nonce': required with signed_result",
        });
      if (!b.signed_result && b.nonce !== undefined)
        ctx.addIssue({ code: 'custom', path: ['nonce'], message: "'nonce' is only taken with signed_result=true" });
      if (!b.signed_result && b.subject !== undefined)
        ctx.addIssue({ code: 'custom', path: ['subject'], message: "'subject' is only taken with signed_result=true" });
    }),
  response: z.object({
    authenticated: z.boolean(),
    reason: reason.optional(),
    released_key: z.string().optional().openapi({ description: 'base64url, 32 bytes; only on success with release_key' }),
    signed_result: z
      .string()
      .optional()
      .openapi({ description: "compact JWS (RS256) of the outcome, only with signed_result=true; verify it with the provider's JWKS" }),
  }),
  errors: ['input', 'image', 'auth', 'quota', 'busy', 'token'],
  extraErrors: { 400: ['oidc_disabled'] },
} satisfies EndpointDef;

export const AUTHENTICATE_SCORE = {
  ...AUTHENTICATE,
  path: '/authenticate-score',
  operationId: 'authenticateScore',
  summary: 'Like /authenticate, with the similarity score (only when authenticated) and the threshold',
  description: 'A failed attempt gets score null: it never learns how close it came.',
  body: verification,
  extraErrors: undefined,
  response: z.object({
    authenticated: z.boolean(),
    score: nullableNumber.openapi({ description: 'estimated cosine similarity; null unless authenticated' }),
    threshold: z.number(),
    calibration,
    accuracy: level,
    reason: reason.optional(),
  }),
} satisfies EndpointDef;

export const REVOKE_TOKEN = {
  method: 'post',
  path: '/revoke',
  operationId: 'revokeIdentityToken',
  tag: 'identity tokens',
  summary: "Revoke an identity token of the calling client's tenant, by token or token_id",
  access: 'client',
  encodings: ['json', 'form'],
  body: z.object({
    token: optionalText('token', 4096, 'the identity token'),
    token_id: optional(hexId('token_id', 'the token id (32 hex characters)')),
  }),
  response: z.object({ token_id: z.string(), revoked_at: z.iso.datetime() }),
  errors: ['input', 'auth', 'quota', 'busy', 'token'],
} satisfies EndpointDef;

export const ROTATE_TOKEN = {
  method: 'post',
  path: '/rotate',
  operationId: 'rotateIdentityToken',
  tag: 'identity tokens',
  summary: 'Rotate: fresh photo(s) that open the old token -> a new, unrelated token; the old one is revoked atomically',
  description:
    'The first photo must open the old token at its own level; all pass the enrolment checks and are averaged into the new token ' +
    "(current deployment key, optional new_password, accuracy = the new token's level, default the old one; expiry: none unless given). " +
    'Answers rotated false with the same reasons as /authenticate (counts toward the lockout).',
  access: 'client',
  encodings: ['multipart', 'json'],
  images: [photos(5)],
  body: z.object({
    token: tokenField,
    ...secrets,
    new_password: optionalText('new_password', 1024, 'a new secret for the new token (default: the same)'),
    accuracy: accuracy(`${ACCURACY_DOC} Level of the new token (default: the old token's).`),
    ...expiryFields,
  }),
  response: z.object({
    rotated: z.boolean(),
    reason: reason.optional(),
    token: z.string().optional(),
    token_id: z.string().optional(),
    replaces: z.string().optional(),
    expires_at: z.iso.datetime().nullable().optional(),
  }),
  errors: ['input', 'image', 'auth', 'quota', 'busy', 'token', 'license'],
  extraErrors: ENROLMENT_ERRORS,
} satisfies EndpointDef;

// ---------- status lists ----------
const statusListDocument = z
  .object({
    format: z.literal('facenition-status-list/1'),
    alg: z.literal('Ed25519'),
    key_id: z.string(),
    public_key: z.string().optional(),
    payload: z.string(),
    signature: z.string(),
  })
  .openapi('StatusList', {
    description: 'a signed status list (docs/token-format.md §10); import accepts it bare or as { "status_list": <document> }',
  });

export const EXPORT_STATUS_LIST = {
  method: 'get',
  path: '/admin/status-list',
  operationId: 'exportStatusList',
  tag: 'identity tokens',
  summary: "This deployment's revocation status list (admin), signed under the deployment key",
  description: 'Import it on every other deployment that verifies these tokens; format in docs/token-format.md §10.',
  access: 'admin',
  response: z.object({ entries: z.number().int(), status_list: statusListDocument }),
  errors: ['admin', 'busy'],
} satisfies EndpointDef;

export const IMPORT_STATUS_LIST = {
  method: 'post',
  path: '/admin/status-list/import',
  operationId: 'importStatusList',
  tag: 'identity tokens',
  summary: "Import another deployment's signed status list (admin); its tokens are then refused here with reason revoked",
  description:
    'Body: the status list document, or { "status_list": document }. Signed under a deployment key held here, dated at most 5 minutes ' +
    "ahead of this clock, newer than the last list from the same issuer (unless an admin reset it); it replaces that issuer's list.",
  access: 'admin',
  encodings: ['json'],
  document: statusListDocument,
  documentWrapper: 'status_list',
  documentLabel: 'a signed status list document',
  response: z.object({ issuer: z.string(), issued_at: z.iso.datetime(), entries: z.number().int(), replaced_entries: z.number().int() }),
  errors: ['input', 'admin', 'busy', 'status_list'],
} satisfies EndpointDef;

export const STATUS_LIST_SOURCES = {
  method: 'get',
  path: '/admin/status-list/sources',
  operationId: 'listStatusListSources',
  tag: 'identity tokens',
  summary: 'Status lists imported from other deployments (admin)',
  access: 'admin',
  response: z.object({ sources: z.array(statusListSource) }),
  errors: ['admin', 'busy'],
} satisfies EndpointDef;

export const RESET_STATUS_LIST_SOURCE = {
  method: 'post',
  path: '/admin/status-list/sources/{issuer}/reset',
  operationId: 'resetStatusListSource',
  tag: 'identity tokens',
  summary: "Reset an issuer's anti-rollback mark (admin): its next status list is accepted whatever its date",
  description: 'Its revocations stay in force until its next list replaces them; reset_at records the reset (audited).',
  access: 'admin',
  encodings: ['json', 'form'],
  params: z.object({
    issuer: z
      .string()
      .regex(/^[0-9a-f]{32}$/, "'issuer' must be 32 lowercase hex characters")
      .openapi({ description: 'issuer id (32 lowercase hex)' }),
  }),
  body: z.object({}),
  response: z.object({ source: statusListSource }),
  errors: ['input', 'admin', 'busy'],
  extraErrors: { 404: ['status_list_source_not_found'] },
} satisfies EndpointDef;

// ---------- clients ----------
const graceDoc = (max: string) => `seconds the previous token keeps working (${max})`;
export const CREATE_CLIENT = {
  method: 'post',
  path: '/generateToken',
  operationId: 'createClient',
  tag: 'client tokens',
  summary: 'Create an API client (admin). Returns its long-lived client token and client secret exactly once',
  access: 'admin',
  encodings: ['json', 'form'],
  body: z.object({
    name: z.string().trim().min(1).max(200).openapi({ description: 'a name for the integration' }),
    environment: z.enum(['sandbox', 'production']).default('sandbox'),
    plan: z
      .enum(['developer', 'enterprise'])
      .default('developer')
      .openapi({ description: 'developer: 1,000 calls a month; enterprise: unlimited' }),
    expires_at: isoDateTime('expires_at', 'when the client expires (ISO 8601, in the future)').optional(),
    tenant: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be 1..100 characters [A-Za-z0-9._:-]')
      .optional()
      .openapi({ description: "clients of one tenant share identity tokens; default: the new client's own id" }),
  }),
  response: z.object({ client: clientView, client_token: z.string(), client_secret: z.string() }),
  errors: ['input', 'admin', 'busy'],
  extraErrors: { 400: ['invalid_request'] },
} satisfies EndpointDef;

export const ISSUE_ACCESS_TOKEN = {
  method: 'post',
  path: '/token',
  operationId: 'issueAccessToken',
  tag: 'client tokens',
  summary: 'OAuth2 client credentials: client_id + client_secret -> short-lived client token',
  description: 'Body (JSON or form): client_id, client_secret, optional grant_type=client_credentials; or HTTP Basic authentication.',
  access: 'public',
  encodings: ['json', 'form'],
  body: z.object({
    grant_type: z.literal('client_credentials').optional(),
    client_id: z.string().min(1).max(100).optional(),
    client_secret: z.string().min(1).max(200).optional(),
  }),
  response: z.object({
    client_token: z.string().openapi({ description: 'fna_… access token: send it as X-Auth-Token' }),
    token_type: z.literal('client'),
    expires_in: z.number().int(),
    expires_at: z.iso.datetime(),
  }),
  errors: ['input', 'busy'],
  extraErrors: { 401: ['invalid_client', 'client_revoked', 'client_expired'], 429: ['rate_limited'] },
} satisfies EndpointDef;

export const LIST_CLIENTS = {
  method: 'get',
  path: '/admin/clients',
  operationId: 'listClients',
  tag: 'client tokens',
  summary: 'List API clients (admin)',
  access: 'admin',
  response: z.object({ clients: z.array(clientView) }),
  errors: ['admin', 'busy'],
} satisfies EndpointDef;

const clientId = z.object({ id: z.string().max(100).openapi({ description: 'client id (UUID)' }) });
export const REVOKE_CLIENT = {
  method: 'post',
  path: '/admin/clients/{id}/revoke',
  operationId: 'revokeClient',
  tag: 'client tokens',
  summary: 'Revoke a client: its client token, secret and access tokens stop working at once (admin)',
  access: 'admin',
  encodings: ['json', 'form'],
  params: clientId,
  body: z.object({}),
  response: z.object({ client: clientView }),
  errors: ['input', 'admin', 'busy', 'client'],
} satisfies EndpointDef;

export const ROTATE_CLIENT = {
  method: 'post',
  path: '/admin/clients/{id}/rotate',
  operationId: 'rotateClient',
  tag: 'client tokens',
  summary: "Rotate a client's long-lived token (admin); the previous one keeps working for grace_seconds",
  access: 'admin',
  encodings: ['json', 'form'],
  params: clientId,
  body: z.object({
    grace_seconds: optional(
      integer('grace_seconds', 0, 30 * 86_400, graceDoc('default FACENITION_ROTATION_GRACE_SECONDS, at most 30 days')),
    ),
  }),
  response: z.object(rotatedClient),
  errors: ['input', 'admin', 'busy', 'client'],
  extraErrors: { 400: ['invalid_request'], 409: ['conflict'] },
} satisfies EndpointDef;

export const ME = {
  method: 'get',
  path: '/me',
  operationId: 'me',
  tag: 'client tokens',
  summary: 'The calling client: its settings and this month’s quota use',
  access: 'client',
  unmetered: true,
  response: z.object({ client: clientView, quota: quotaState, authenticated_with: z.enum(['client_token', 'access_token']) }),
  errors: ['auth', 'busy'],
} satisfies EndpointDef;

export const ROTATE_OWN_CLIENT_TOKEN = {
  method: 'post',
  path: '/me/rotate',
  operationId: 'rotateOwnClientToken',
  tag: 'client tokens',
  summary: 'Rotate the calling client’s own long-lived token',
  description: 'Only the current long-lived client token (fnc_) may call this: an access token or a rotated-out token gets 403.',
  access: 'client',
  unmetered: true,
  encodings: ['json', 'form'],
  body: z.object({
    grace_seconds: optional(integer('grace_seconds', 0, 2_147_483_647, graceDoc('at most FACENITION_ROTATION_GRACE_SECONDS, the default'))),
  }),
  response: z.object(rotatedClient),
  errors: ['input', 'auth', 'busy', 'forbidden'],
  extraErrors: { 400: ['invalid_request'], 409: ['conflict'] },
} satisfies EndpointDef;

// ---------- audit ----------
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_BIGINT = 9_223_372_036_854_775_807n;
const filters = {
  from: optional(isoDateTime('from', 'records at or after (ISO 8601)')),
  to: optional(isoDateTime('to', 'records before (ISO 8601)')),
  client_id: optional(uuid('client_id', 'one client (admin only; a client always sees its own)')),
  endpoint: optional(
    z
      .string()
      .regex(/^\/[A-Za-z0-9/_.:~-]{0,199}$/, "'endpoint' must be a path like /authenticate")
      .openapi({ description: 'routed path, e.g. /authenticate' }),
  ),
  outcome: optional(z.enum(['success', 'client_error', 'server_error', 'error'])),
};
const auditFilters = z.object({
  ...filters,
  request_id: optional(
    z.string().regex(REQUEST_ID, "'request_id' must be 1..64 characters [A-Za-z0-9._-]").openapi({ description: 'server request id' }),
  ),
  client_request_id: optional(
    z
      .string()
      .regex(REQUEST_ID, "'client_request_id' must be 1..64 characters [A-Za-z0-9._-]")
      .openapi({ description: "the caller's own X-Request-Id" }),
  ),
  after_seq: optional(
    z
      .string()
      .refine(
        (v) => /^\d{1,19}$/.test(v) && BigInt(v) <= MAX_BIGINT,
        "'after_seq' must be a record sequence number (0..9223372036854775807)",
      )
      .openapi({ description: 'paging: records after this sequence number' }),
  ),
  limit: optional(integer('limit', 1, 1000, 'at most this many records (default 100)')).default(100),
});
const auditPage = z.object({ records: z.array(auditRecord), next_after_seq: z.string().nullable() });

export const ADMIN_AUDIT = {
  method: 'get',
  path: '/admin/audit',
  operationId: 'queryAudit',
  tag: 'audit',
  summary: 'Query audit records (admin)',
  access: 'admin',
  query: auditFilters,
  response: auditPage,
  errors: ['input', 'admin', 'busy'],
} satisfies EndpointDef;

export const OWN_AUDIT = {
  method: 'get',
  path: '/audit',
  operationId: 'ownAudit',
  tag: 'audit',
  summary: 'The calling client’s own audit records (same filters; client_id is always the caller)',
  access: 'client',
  unmetered: true,
  query: auditFilters,
  response: auditPage,
  errors: ['input', 'auth', 'busy'],
} satisfies EndpointDef;

export const EXPORT_AUDIT = {
  method: 'get',
  path: '/admin/audit/export',
  operationId: 'exportAudit',
  tag: 'audit',
  summary: 'Export audit records as JSON Lines (format=jsonl) or CSV (format=csv), streamed (admin)',
  access: 'admin',
  query: z.object({ ...filters, format: optional(z.enum(['jsonl', 'csv'])).default('jsonl') }),
  produces: ['application/x-ndjson', 'text/csv'],
  errors: ['input', 'admin', 'busy'],
} satisfies EndpointDef;

export const VERIFY_AUDIT = {
  method: 'get',
  path: '/admin/audit/verify',
  operationId: 'verifyAudit',
  tag: 'audit',
  summary: 'Verify the hash chain from the retention anchor to the head; reports the first broken link (admin)',
  access: 'admin',
  response: z.object({
    verification: z.object({
      ok: z.boolean(),
      checked: z.number().int(),
      anchor_seq: z.string(),
      head_seq: z.string(),
      first_broken: z.object({ seq: z.string(), reason: z.string() }).optional(),
    }),
  }),
  errors: ['admin', 'busy'],
} satisfies EndpointDef;

export const PURGE_AUDIT = {
  method: 'post',
  path: '/admin/audit/purge',
  operationId: 'purgeAudit',
  tag: 'audit',
  summary: 'Retention: delete records older than `before`; the chain stays verifiable from the new anchor (admin)',
  access: 'admin',
  encodings: ['json', 'form'],
  body: z.object({ before: isoDateTime('before', 'delete records older than this (ISO 8601)') }),
  response: z.object({ deleted: z.number().int(), anchor_seq: z.string().nullable() }),
  errors: ['input', 'admin', 'busy'],
} satisfies EndpointDef;

// ---------- OpenID Connect relying parties ----------
const httpsUrl = (what: string) =>
  z
    .string()
    .max(2000)
    .refine((u) => {
      try {
        const url = new URL(u);
        return (
          (url.protocol === 'https:' || (url.protocol === 'http:' && /^(localhost|127\.0\.0\.1|\[::1\])$/.test(url.hostname))) && !url.hash
        );
      } catch {
        return false;
      }
    }, `'${what}' must be an https URL (http only for localhost), without a fragment`);
const relyingParty = z
  .object({
    client_id: z.string(),
    name: z.string(),
    profile: z.enum(['standard', 'entra_eam']),
    api_client_id: z.uuid(),
    redirect_uris: z.array(z.string()),
    token_endpoint_auth_method: z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']),
    jwks_uri: z.string().optional(),
    settings: z.object({
      accuracy: level,
      pin: z.enum(['required', 'none']),
      allow_upload: z.boolean(),
      require_pkce: z.boolean(),
      subject: z.record(z.string(), z.unknown()),
    }),
    created_at: z.iso.datetime(),
    disabled_at: z.iso.datetime().nullable(),
  })
  .openapi('RelyingParty');
const rpId = z.object({ client_id: z.string().regex(/^fo_[A-Za-z0-9_-]{16}$/, "'client_id' must be a relying-party id (fo_…)") });

export const CREATE_RELYING_PARTY = {
  method: 'post',
  path: '/admin/oidc/clients',
  operationId: 'createRelyingParty',
  tag: 'openid connect',
  summary: 'Register a relying party of the OpenID Connect provider (admin); its client secret is shown once',
  description:
    'profile standard: authorization code with PKCE; the subject comes from a login_hint JWT the relying party signs with its client ' +
    'secret (HS256: iss = client_id, aud = the issuer, sub, iat). profile entra_eam: Microsoft Entra ID external authentication method; ' +
    'the subject comes from the tenant-signed id_token_hint (entra.tenant_id, entra.app_id, entra.jwks_uri or entra.jwks for air-gapped ' +
    'sites). The face must reach `accuracy`; `pin` required asks the user for a PIN (the identity token secret).',
  access: 'admin',
  encodings: ['json'],
  body: z
    .object({
      name: z.string().trim().min(1).max(200),
      profile: z.enum(['standard', 'entra_eam']).default('standard'),
      redirect_uris: z.array(httpsUrl('redirect_uris')).min(1).max(10).optional(),
      token_endpoint_auth_method: z
        .enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'])
        .default('client_secret_basic'),
      jwks_uri: httpsUrl('jwks_uri').optional(),
      accuracy: optional(integer('accuracy', 1, 8, 'level the face must reach (default 4)', 'accuracy must be an integer from 1 to 8')),
      pin: z.enum(['required', 'none']).default('required'),
      allow_upload: z.boolean().default(false),
      require_pkce: z.boolean().default(true),
      subject_source: z
        .enum(['login_hint_jwt', 'login_hint_name'])
        .optional()
        .openapi({
          description:
            'profile standard: login_hint_jwt (default) = a login_hint JWT signed with the client secret names the user, enrolment on the first ' +
            'visit; login_hint_name = a plain login_hint (for IdPs that cannot sign one: Okta, Keycloak, Cognito) only selects whose enrolment ' +
            'is checked, and users enrol through one-time links (POST /admin/oidc/clients/{client_id}/enrolments/invite)',
        }),
      hint_max_age_seconds: optional(integer('hint_max_age_seconds', 30, 3600, 'how old a signed subject hint may be (default 600 s)')),
      entra: z
        .object({
          tenant_id: z.uuid({ error: "'entra.tenant_id' must be the tenant's id (a UUID)" }),
          app_id: z.string().min(1).max(200).openapi({ description: 'the App ID Entra sets as the hint audience' }),
          jwks_uri: httpsUrl('entra.jwks_uri').optional(),
          jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1).max(20) }).optional(),
          issuer: httpsUrl('entra.issuer')
            .optional()
            .openapi({ description: 'default https://login.microsoftonline.com/<tenant_id>/v2.0' }),
        })
        .strict()
        .optional(),
    })
    .strict(),
  response: z.object({ relying_party: relyingParty, client_secret: z.string().nullable() }),
  errors: ['input', 'admin', 'busy'],
} satisfies EndpointDef;

export const LIST_RELYING_PARTIES = {
  method: 'get',
  path: '/admin/oidc/clients',
  operationId: 'listRelyingParties',
  tag: 'openid connect',
  summary: 'Relying parties of the OpenID Connect provider (admin)',
  access: 'admin',
  response: z.object({ relying_parties: z.array(relyingParty) }),
  errors: ['admin', 'busy'],
} satisfies EndpointDef;

export const DISABLE_RELYING_PARTY = {
  method: 'post',
  path: '/admin/oidc/clients/{client_id}/disable',
  operationId: 'disableRelyingParty',
  tag: 'openid connect',
  summary: 'Disable a relying party (admin): its authorizations and its API client stop at once',
  access: 'admin',
  encodings: ['json', 'form'],
  params: rpId,
  body: z.object({}),
  response: z.object({ relying_party: relyingParty }),
  errors: ['input', 'admin', 'busy'],
  extraErrors: { 404: ['relying_party_not_found'] },
} satisfies EndpointDef;

export const REMOVE_ENROLMENT = {
  method: 'post',
  path: '/admin/oidc/clients/{client_id}/enrolments/remove',
  operationId: 'removeEnrolment',
  tag: 'openid connect',
  summary: "Remove a user's face enrolment at a relying party (admin): its identity token is revoked; the next sign-in enrols again",
  description: 'subject: the login_hint sub (standard), or entra_tenant_id + entra_object_id (entra_eam).',
  access: 'admin',
  encodings: ['json'],
  params: rpId,
  body: z.object({
    subject: optionalText('subject', 500, "the login_hint JWT's sub (profile standard)"),
    entra_tenant_id: optional(uuid('entra_tenant_id', "the user's tenant id (profile entra_eam)")),
    entra_object_id: optional(uuid('entra_object_id', "the user's object id (profile entra_eam)")),
  }),
  response: z.object({ removed: z.boolean(), token_id: z.string().nullable() }),
  errors: ['input', 'admin', 'busy'],
  extraErrors: { 404: ['relying_party_not_found'] },
} satisfies EndpointDef;

export const INVITE_ENROLMENT = {
  method: 'post',
  path: '/admin/oidc/clients/{client_id}/enrolments/invite',
  operationId: 'inviteEnrolment',
  tag: 'openid connect',
  summary: 'A one-time enrolment link for a user of a standard relying party (admin): the user opens it to enrol their face',
  description:
    'subject: the user id the relying party names the user by (the login_hint, or the sub of a login_hint JWT). Send the link to the user ' +
    'through a channel you trust; it works once, until expires_at. Needed for relying parties with subject_source login_hint_name, whose ' +
    'sign-ins never enrol.',
  access: 'admin',
  encodings: ['json'],
  params: rpId,
  body: z
    .object({
      subject: z
        .string()
        .min(1)
        .max(256)
        .regex(/^[^\s\p{Cc}](?:[^\p{Cc}]*[^\s\p{Cc}])?$/u, "'subject' must be a user name or id (printable, at most 256 characters)"),
      ttl_seconds: optional(integer('ttl_seconds', 300, 604_800, 'how long the link works (default 86,400 s, at most 7 days)')),
    })
    .strict(),
  response: z.object({ url: z.string(), expires_at: z.iso.datetime() }),
  errors: ['input', 'admin', 'busy'],
  extraErrors: { 404: ['relying_party_not_found'] },
} satisfies EndpointDef;

// ---------- identity-provider integrations ----------
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idText = (name: string, max: number) =>
  z
    .string({ error: `'${name}' must be a string` })
    .min(1, `'${name}' must not be empty`)
    .max(max, `'${name}' is longer than ${max} characters`);
const INTEGRATION_ERRORS = { 401: ['unauthenticated'], 404: ['integration_disabled'] } as const;

/** Microsoft's tokenIssuanceStart event as its custom claims provider reference shows it; unknown members are ignored. */
export const entraTokenIssuanceStartEvent = z
  .looseObject({
    type: z.literal('microsoft.graph.authenticationEvent.tokenIssuanceStart', {
      error: "'type' must be microsoft.graph.authenticationEvent.tokenIssuanceStart",
    }),
    source: idText('source', 1000).optional(),
    data: z.looseObject({
      '@odata.type': z.literal('microsoft.graph.onTokenIssuanceStartCalloutData', {
        error: "'data.@odata.type' must be microsoft.graph.onTokenIssuanceStartCalloutData",
      }),
      tenantId: z.string({ error: "'data.tenantId' must be a GUID" }).regex(GUID, "'data.tenantId' must be a GUID"),
      authenticationEventListenerId: idText('data.authenticationEventListenerId', 100).optional(),
      customAuthenticationExtensionId: idText('data.customAuthenticationExtensionId', 100).optional(),
      authenticationContext: z.looseObject({
        correlationId: idText('data.authenticationContext.correlationId', 100).optional(),
        user: z.looseObject({ id: idText('data.authenticationContext.user.id', 200) }),
      }),
    }),
  })
  .openapi('EntraTokenIssuanceStartEvent', { description: "Entra ID's tokenIssuanceStart callout (other members are ignored)" });

export const ENTRA_TOKEN_ISSUANCE_START = {
  method: 'post',
  path: '/integrations/entra/token-issuance-start',
  operationId: 'entraTokenIssuanceStart',
  tag: 'idp callouts',
  summary: 'Microsoft Entra ID custom claims provider (tokenIssuanceStart): face-verification claims from a recent verification',
  description:
    'Called by Entra ID, not by API clients. Authorization: Bearer <token the tenant issued to the custom authentication extension>, ' +
    'checked here: RS256 signature against FACENITION_ENTRA_EXTENSION_JWKS_FILE or _URI, iss the tenant (v2.0 or sts.windows.net v1 ' +
    "form), aud FACENITION_ENTRA_EXTENSION_APP_ID, azp/appid 99045fe1-7639-4a75-9d4a-577b6ca3810f, exp and nbf. Answers Entra's " +
    'provideClaimsForToken action with face_verified "true" (and face_verified_at, face_acr) when the user (data.authenticationContext.' +
    'user.id) passed /authenticate with signed_result and that subject in the last 300 s, for a client of the tenant of ' +
    'FACENITION_ENTRA_EXTENSION_API_CLIENT; "false" otherwise. 404 integration_disabled when not configured.',
  access: 'public',
  encodings: ['json'],
  document: entraTokenIssuanceStartEvent,
  documentLabel: "Entra ID's tokenIssuanceStart event (Authorization: Bearer)",
  response: z.object({
    data: z.object({
      '@odata.type': z.literal('microsoft.graph.onTokenIssuanceStartResponseData'),
      actions: z.array(
        z.object({
          '@odata.type': z.literal('microsoft.graph.tokenIssuanceStart.provideClaimsForToken'),
          claims: z.object({
            face_verified: z.enum(['true', 'false']),
            face_verified_at: z.string().optional().openapi({ description: 'ISO 8601, only when verified' }),
            face_acr: z.string().optional().openapi({ description: 'urn:facenition:acr:level-N, only when verified' }),
          }),
        }),
      ),
    }),
  }),
  bareResponse: true,
  errors: ['input', 'busy'],
  extraErrors: { ...INTEGRATION_ERRORS, 400: ['wrong_tenant'] },
} satisfies EndpointDef;

/** Okta's token inline hook request as its reference shows it; unknown members are ignored. */
export const oktaTokenHookEvent = z
  .looseObject({
    eventType: z.literal('com.okta.oauth2.tokens.transform', { error: "'eventType' must be com.okta.oauth2.tokens.transform" }),
    eventId: idText('eventId', 200).optional(),
    source: idText('source', 2000).optional(),
    data: z.looseObject({
      context: z.looseObject({ user: z.looseObject({ id: idText('data.context.user.id', 200) }) }),
      identity: z.looseObject({}).optional(),
      access: z.looseObject({}).optional(),
    }),
  })
  .openapi('OktaTokenHookEvent', { description: "Okta's token inline hook request (other members are ignored)" });

export const OKTA_TOKEN_HOOK = {
  method: 'post',
  path: '/integrations/okta/token-hook',
  operationId: 'oktaTokenHook',
  tag: 'idp callouts',
  summary: 'Okta token inline hook: face-verification claims from a recent verification (fails open: never the enforcement point)',
  description:
    'Called by Okta, not by API clients. Authorization: the secret of FACENITION_OKTA_HOOK_SECRET_FILE (compared in constant time). ' +
    'Adds face_verified (and face_verified_at, face_acr) to the ID token (com.okta.identity.patch) and the access token ' +
    '(com.okta.access.patch) Okta is minting, from a verification of data.context.user.id in the last 300 s by a client of the ' +
    'tenant of FACENITION_OKTA_HOOK_API_CLIENT. Okta issues the token anyway when this hook fails or times out: the claims are ' +
    'information, the Okta IdP authenticator is the enforcement point. 404 integration_disabled when not configured.',
  access: 'public',
  encodings: ['json'],
  document: oktaTokenHookEvent,
  documentLabel: "Okta's token inline hook request (Authorization: the hook secret)",
  response: z.object({
    commands: z.array(
      z.object({
        type: z.enum(['com.okta.identity.patch', 'com.okta.access.patch']),
        value: z.array(z.object({ op: z.literal('add'), path: z.string(), value: z.union([z.boolean(), z.number(), z.string()]) })),
      }),
    ),
  }),
  bareResponse: true,
  errors: ['input', 'busy'],
  extraErrors: INTEGRATION_ERRORS,
} satisfies EndpointDef;

export const ENROLMENT_STATUS = {
  method: 'get',
  path: '/integrations/enrolment-status',
  operationId: 'enrolmentStatus',
  tag: 'integrations',
  summary: "Is a subject enrolled on the hosted face page of the calling client's relying party? (e.g. a OneLogin Smart Hook)",
  description:
    "For clients of a relying party's tenant (oidc:<relying party client_id>, created with /generateToken); others get 403. subject: " +
    'the login_hint sub the relying party names the user with. Answers whether the hosted face page holds an enrolment for it.',
  access: 'client',
  query: z.object({ subject: text('subject', 500, "the user as the relying party's login_hint names it (its sub)") }),
  response: z.object({ enrolled: z.boolean() }),
  errors: ['input', 'auth', 'quota', 'busy', 'forbidden'],
} satisfies EndpointDef;

// ---------- operations ----------
export const LICENSE = {
  method: 'get',
  path: '/license',
  operationId: 'license',
  tag: 'operations',
  summary: 'Licence state (admin): edition, status, limits, dates, warnings, this month’s usage, replicas',
  access: 'admin',
  response: z.object({
    license: z.record(z.string(), z.unknown()).openapi({ description: 'edition, status, limits, features, dates, warnings' }),
    usage: z.object({ month: z.string(), calls: z.number().int(), limit: z.number().int().nullable() }),
    replicas: z.number().int(),
  }),
  errors: ['admin', 'busy'],
} satisfies EndpointDef;

export const LIVE = {
  method: 'get',
  path: '/health/live',
  operationId: 'live',
  tag: 'health',
  summary: 'Liveness probe: the process serves HTTP',
  access: 'public',
  response: z.object({ status: z.literal('live') }),
  errors: [],
} satisfies EndpointDef;

export const READY = {
  method: 'get',
  path: '/health/ready',
  operationId: 'ready',
  tag: 'health',
  summary: 'Readiness probe: models loaded in every worker and the database answering (503 not_ready otherwise)',
  access: 'public',
  response: z.object({ status: z.literal('ready'), queue: z.object({ queued: z.number().int(), running: z.number().int() }) }),
  errors: [],
  extraErrors: { 503: ['not_ready'] },
} satisfies EndpointDef;

/** Every endpoint of the API, in the order of the document. */
export const ENDPOINTS: readonly EndpointDef[] = [
  DETECT,
  QUALITY,
  LIVENESS,
  MATCH,
  MATCH_BULK,
  CONSISTENCY,
  GENERATE,
  AUTHENTICATE,
  AUTHENTICATE_SCORE,
  IDENTIFY,
  REVOKE_TOKEN,
  ROTATE_TOKEN,
  EXPORT_STATUS_LIST,
  IMPORT_STATUS_LIST,
  STATUS_LIST_SOURCES,
  RESET_STATUS_LIST_SOURCE,
  CREATE_CLIENT,
  ISSUE_ACCESS_TOKEN,
  LIST_CLIENTS,
  REVOKE_CLIENT,
  ROTATE_CLIENT,
  ME,
  ROTATE_OWN_CLIENT_TOKEN,
  ADMIN_AUDIT,
  OWN_AUDIT,
  EXPORT_AUDIT,
  VERIFY_AUDIT,
  PURGE_AUDIT,
  CREATE_RELYING_PARTY,
  LIST_RELYING_PARTIES,
  DISABLE_RELYING_PARTY,
  REMOVE_ENROLMENT,
  INVITE_ENROLMENT,
  ENTRA_TOKEN_ISSUANCE_START,
  OKTA_TOKEN_HOOK,
  ENROLMENT_STATUS,
  LICENSE,
  LIVE,
  READY,
];
