import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The machines are 2-core: keep heavy suites (rendering, OCR) from starving each other.
    maxWorkers: 2,
  },
});
