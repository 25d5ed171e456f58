import { defineConfig } from 'vitest/config'

// End-to-end suite: Node clients against the real PDS under `wrangler dev`, started by the
// global setup. Separate from vitest.config.ts (the `unit` and `workerd` projects), whose
// `*.test.ts` patterns do not match these `*.e2e.ts` files; it sets root-only options
// (`teardownTimeout`) a project could not.
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['./test/e2e/global-setup.ts'],
    // One server, shared: files run one after another.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
})
