import { defineConfig } from 'vitest/config';

/**
 * Test files that start whole processes (runners, wrangler/workerd, Chromium). They run one file
 * at a time: on a 2-core machine two such stacks side by side starve each other into timeouts.
 */
const INTEGRATION = [
  'test/e2e/**/*.test.ts',
  'test/client/sdk.test.ts',
  'test/edge/worker-*.test.ts',
  'test/edge/edge-*.test.ts',
  'test/edge/openapi.test.ts',
  'test/edge/demo-layout-route.test.ts',
  'test/gpu-runner/runner-*.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: INTEGRATION, maxWorkers: 2 },
      },
      {
        extends: true,
        test: { name: 'integration', include: INTEGRATION, fileParallelism: false, maxWorkers: 1 },
      },
    ],
  },
});
