import { defineConfig } from 'vitest/config';

// The real renderer in Debian's Chromium against the browser harness.
export default defineConfig({
  test: {
    include: ['test/ui/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
