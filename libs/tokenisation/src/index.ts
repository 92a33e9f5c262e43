export * from './fc-polar';
export * from './kdf';
export * from './polar';
export * from './rotation';
export * from './soft';
export * from './token';
export * from './tokeniser';
export * from './status-list';
