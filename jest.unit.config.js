/** Unit specs next to the code: *.spec.ts (no server, may use the real models in-process). */
module.exports = {
  rootDir: '.',
  testEnvironment: '<rootDir>/test/support/node-environment.js',
  testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/license/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: { '^@facenition/([a-z]+)(.*)$': '<rootDir>/libs/$1/src$2' },
  testTimeout: 60000,
};
