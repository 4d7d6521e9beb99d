/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // jest's order, but test/bystanders.test.ts last (it checks the suite touched nothing not its own).
  testSequencer: '<rootDir>/test/helpers/last-sequencer.js',
  // Integration tests start real clusters; one at a time on two cores.
  maxWorkers: 1,
  testTimeout: 30000,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }] },
};
