import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/schema-validators.ts'],
    globalSetup: ['test/setup/temp-root.ts'],
    // e2e tests spawn the bundles and start loopback servers; give slow CI machines room.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
