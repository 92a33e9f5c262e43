export * from './auth-rate-limiter';
export * from './clients.module';
export * from './clients.service';
export * from './errors';
export * from './quota.service';
export * from './tokens';
