import { defineConfig } from 'vitest/config';

// Unit and integration tests under plain Node (UI tests in Chromium have their own config).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/ui/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
