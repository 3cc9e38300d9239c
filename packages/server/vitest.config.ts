import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@auditlane/source'] },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
