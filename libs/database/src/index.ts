export * from './data-dir-lock';
export * from './data-source';
export * from './embedded-backup';
export * from './embedded-postgres';
export * from './entities';
export * from './tar';
