export * from './base64url';
export * from './errors';
export * from './iso-date';
export * from './signed-envelope';
export * from './seeded-random';
