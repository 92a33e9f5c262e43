import type { ErrorGroup } from './endpoint';

/** The error answers of the API by group: status, the codes a client can see, what they mean. */
export const ERROR_GROUPS: Readonly<Record<ErrorGroup, readonly { status: number; codes: readonly string[]; description: string }[]>> = {
  input: [
    {
      status: 400,
      codes: [
        'invalid_body',
        'invalid_json',
        'invalid_multipart',
        'invalid_field',
        'invalid_accuracy',
        'missing_field',
        'unknown_field',
        'too_many_fields',
        'field_too_long',
        'aborted',
      ],
      description: 'malformed request: the message names the field (values are never echoed)',
    },
    { status: 413, codes: ['body_too_large'], description: 'request body larger than the configured limit' },
    { status: 415, codes: ['unsupported_media_type', 'unsupported_encoding'], description: 'content type other than the ones listed' },
  ],
  image: [
    {
      status: 400,
      codes: [
        'empty_image',
        'invalid_base64',
        'not_an_image',
        'corrupt_image',
        'unsupported_format',
        'animated_image',
        'image_too_small',
        'image_too_many_pixels',
        'too_many_images',
        'no_face',
      ],
      description: 'an image is missing, not decodable, too small or too large, or shows no face (the message names the field)',
    },
    { status: 413, codes: ['file_too_large', 'image_too_large'], description: 'an image larger than FACENITION_MAX_IMAGE_BYTES' },
  ],
  auth: [
    {
      status: 401,
      codes: ['unauthenticated', 'token_expired', 'token_rotated', 'client_revoked', 'client_expired'],
      description: 'missing, wrong, expired, rotated-out or revoked client token (X-Auth-Token or auth_token)',
    },
    { status: 429, codes: ['rate_limited'], description: 'too many failed authentications from this address (Retry-After)' },
  ],
  admin: [
    { status: 401, codes: ['unauthenticated'], description: 'this endpoint needs the admin credential' },
    { status: 429, codes: ['rate_limited'], description: 'too many failed authentications from this address (Retry-After)' },
  ],
  quota: [{ status: 429, codes: ['quota_exceeded'], description: "the client's plan or the licence's monthly calls are used up" }],
  busy: [
    {
      status: 503,
      codes: ['busy', 'overloaded', 'audit_unavailable'],
      description: 'too many bodies in flight, inference queue full, or audit log unavailable (Retry-After)',
    },
  ],
  license: [{ status: 403, codes: ['license_expired'], description: 'the licence expired and its grace period ended: no new enrolments' }],
  token: [
    {
      status: 400,
      codes: ['invalid_token', 'unknown_deployment_key', 'unsupported_kdf', 'accuracy_below_token_level'],
      description: 'the identity token is malformed or altered, from a deployment key not held here, or asks for more than allowed',
    },
    { status: 404, codes: ['token_not_found'], description: "no such identity token for the calling client's tenant" },
  ],
  client: [{ status: 404, codes: ['client_not_found'], description: 'no such client' }],
  status_list: [
    {
      status: 400,
      codes: ['invalid_status_list'],
      description: 'the status list is malformed, not signed under a key held here, or dated ahead',
    },
    {
      status: 409,
      codes: ['stale_status_list', 'status_list_import_in_progress'],
      description: 'an older list, or an import of it is running',
    },
  ],
  forbidden: [{ status: 403, codes: ['forbidden'], description: 'this credential may not do this' }],
};
