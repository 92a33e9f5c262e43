/** Integration specs: boot the real app on the real models (supertest). */
module.exports = {
  ...require('./jest.unit.config.js'),
  testMatch: ['<rootDir>/apps/**/*.integration-spec.ts', '<rootDir>/test/**/*.integration-spec.ts'],
  testTimeout: 120000,
};
