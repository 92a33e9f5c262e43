import type { operations } from './openapi';

/** Every operation of the contract, by operationId. */
export type OperationId = keyof operations;

/**
 * The operations identity providers call while they mint their tokens (Entra ID's custom claims
 * provider, Okta's token inline hook; tag `idp callouts`): not for API clients, so the client has no
 * method for them.
 */
export type IdpCalloutId = 'entraTokenIssuanceStart' | 'oktaTokenHook';

type Content<T> = T extends { content: infer C } ? C : never;
type RequestContent<K extends OperationId> = operations[K] extends { requestBody: { content: infer C } } ? C : never;

/** The 200 answer of an operation (JSON). */
export type Answer<K extends OperationId> = Content<operations[K]['responses'][200]> extends { 'application/json': infer B } ? B : never;

/** The JSON request body of an operation, without `auth_token` (the client sends its credential in X-Auth-Token). */
export type JsonBody<K extends OperationId> = RequestContent<K> extends { 'application/json': infer B } ? Omit<B, 'auth_token'> : never;

type FormBody<K extends OperationId> = RequestContent<K> extends { 'multipart/form-data': infer B } ? B : never;

/** The query parameters of an operation. */
export type Query<K extends OperationId> = operations[K] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/**
 * A photo: its bytes (a Buffer is a Uint8Array), a Blob (or File), or the path of a file (Node.js
 * only: read when the call is made).
 */
export type Photo = Blob | Uint8Array | ArrayBuffer | string;

/**
 * The multipart request of an operation with its image fields `F` taking photos: a field the
 * contract repeats takes one photo or an array of them.
 */
export type PhotoRequest<K extends OperationId, F extends keyof FormBody<K>> = Omit<FormBody<K>, F | 'auth_token'> & {
  [P in F]: FormBody<K>[P] extends readonly unknown[] ? Photo | readonly Photo[] : Photo;
};

type ErrorBodies<K extends OperationId> = {
  [S in Exclude<keyof operations[K]['responses'], 200>]: Content<operations[K]['responses'][S]> extends { 'application/json': infer B }
    ? B
    : never;
}[Exclude<keyof operations[K]['responses'], 200>];

/** Every error code the contract documents. */
export type ErrorCode = { [K in OperationId]: ErrorBodies<K> extends { code?: infer C } ? Exclude<C, undefined> : never }[OperationId];

export type DetectRequest = PhotoRequest<'detect', 'image'>;
export type QualityRequest = PhotoRequest<'quality', 'image'>;
export type LivenessRequest = PhotoRequest<'liveness', 'image'>;
export type MatchRequest = PhotoRequest<'match', 'image1' | 'image2'>;
export type MatchBulkRequest = PhotoRequest<'matchBulk', 'probe' | 'references'>;
export type ConsistencyCheckRequest = PhotoRequest<'consistencyCheck', 'images'>;
export type GenerateRequest = PhotoRequest<'generate', 'photo'>;
export type AuthenticateRequest = PhotoRequest<'authenticate', 'photo'>;
export type AuthenticateScoreRequest = PhotoRequest<'authenticateScore', 'photo'>;
export type RotateRequest = PhotoRequest<'rotateIdentityToken', 'photo'>;
export type IdentifyRequest = Omit<JsonBody<'identify'>, 'photo'> & { photo: Photo };
export type RevokeRequest = JsonBody<'revokeIdentityToken'>;
export type CreateClientRequest = JsonBody<'createClient'>;
export type AccessTokenRequest = JsonBody<'issueAccessToken'>;
export type RotateClientRequest = JsonBody<'rotateClient'>;
export type RotateOwnTokenRequest = JsonBody<'rotateOwnClientToken'>;
export type PurgeAuditRequest = JsonBody<'purgeAudit'>;
export type StatusListDocument = JsonBody<'importStatusList'>;
export type AuditQuery = Query<'queryAudit'>;
export type OwnAuditQuery = Query<'ownAudit'>;
export type AuditExportQuery = Query<'exportAudit'>;
export type CreateRelyingPartyRequest = JsonBody<'createRelyingParty'>;
export type RemoveEnrolmentRequest = JsonBody<'removeEnrolment'>;
export type InviteEnrolmentRequest = JsonBody<'inviteEnrolment'>;
export type EnrolmentStatusQuery = Query<'enrolmentStatus'>;
