import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Integration tests start databases: a fresh PGlite alone takes 3–16 s to initialise.
    hookTimeout: 60_000,
    testTimeout: 30_000,
    // Two cores: more workers only make the database-bound files fight each other.
    maxWorkers: 2,
  },
});
