export { FacenitionClient, type CallOptions, type FacenitionClientOptions } from './client';
export { FacenitionError } from './errors';
export type * from './types';
export type { components, operations, paths } from './openapi';
