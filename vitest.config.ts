import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import { TEST_BINDINGS } from './test/helpers/test-identity.ts'

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './src/worker/index.ts',
      wrangler: { configPath: './wrangler.toml' },
      miniflare: { bindings: TEST_BINDINGS },
    }),
  ],
  test: {
    include: ['test/**/*.test.ts'],
  },
})
