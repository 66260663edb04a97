import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/helpers/postgres.global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The console's end-to-end tests wait for pages that sign in with argon2 (about a second of
    // CPU) while other suites share the two cores: a second is too short a wait under that load.
    expect: { poll: { timeout: 15_000 } },
  },
});
