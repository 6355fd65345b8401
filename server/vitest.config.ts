import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration tests start databases: a fresh PGlite alone takes 3–16 s to initialise.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
