export * from './errors';
export * from './keys';
export * from './license-file';
export * from './license-state';
export * from './vendor-keys';
