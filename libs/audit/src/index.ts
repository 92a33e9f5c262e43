export * from './audit.module';
export * from './audit.service';
export * from './chain';
export * from './export';
